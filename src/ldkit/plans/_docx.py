"""The Word rendering of a personal learning plan (python-docx).

Built from the same context as the HTML (:meth:`PlanDocuments.context`), so
both say the same; the timeline is a month grid whose cells are shaded in the
modality's colour, which Word users can edit like any table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import Table

from ldkit.plans.documents import MODALITY_COLORS, MODALITY_NAMES, _date, _hours, _money, _pct

PAPER_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}

BRAND = RGBColor(0x1F, 0x4E, 0x5F)
TABLE_STYLE = "LightGrid-Accent1"
"""Style ids of Word's built-in styles in python-docx's default template. Styles are set by
id on the XML: python-docx's lookup by name scans every style each call (most of the time
of a document)."""
_STYLE_IDS = {"Light Grid Accent 1": TABLE_STYLE, "List Bullet": "ListBullet",
              "Intense Quote": "IntenseQuote", "Title": "Title", "Heading 1": "Heading1"}


def _para(document: Any, text: str = "", style: str | None = None) -> Any:
    paragraph = document.add_paragraph(text)
    if style is not None:
        paragraph._p.get_or_add_pPr().style = _STYLE_IDS[style]
    return paragraph


def _heading(document: Any, text: str, level: int) -> Any:
    return _para(document, text, "Title" if level == 0 else f"Heading {level}")


def _table(document: Any, header: list[str], rows: list[list[str]],
           widths: list[float] | None = None) -> Any:
    """A table in Word's built-in style: a header row (repeated on every page) unless the
    header is blank (a key-value table), then one row per list of cell texts."""
    body = [list(values[:len(header)]) for values in rows]
    return _add_table(document, header if any(header) else None, body, widths,
                      columns=len(header))


_BREAKS = re.compile(r"([\t\r\n])")
_TBL_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
             'w:noHBand="0" w:noVBand="1" w:val="04A0"/>')
_HEADER_ROW = '<w:trPr><w:tblHeader w:val="true"/><w:cantSplit/></w:trPr>'


def _run_xml(text: str) -> str:
    """The ``w:r`` python-docx writes for ``cell.text = text``: text in ``w:t`` (spaces kept
    at either end), a ``w:tab`` per tab and a ``w:br`` per line break."""
    parts = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            keep = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{keep}>{escape(piece)}</w:t>")
    return "<w:r>" + "".join(parts) + "</w:r>"


def _add_table(document: Any, header: Sequence[str] | None,
               rows: Sequence[Sequence[str | None]], widths: Sequence[float] | None,
               fills: Sequence[Sequence[str | None]] | None = None,
               columns: int | None = None) -> Any:
    """Append a table to ``document``, written as one piece of XML.

    The XML is what python-docx writes for ``add_table``, ``add_row``, ``cell.text``,
    fixed column widths (``autofit = False``, each column's and each cell's width), a
    repeated header row and cell shading, element for element (tests/plans compare
    the two), without python-docx's per-element bookkeeping, which made the tables
    most of a document's time.
    A cell text of None leaves the cell's paragraph empty; ``fills`` shades cells
    (a ``#rrggbb`` colour, or None).
    """
    columns = len(header) if columns is None else columns
    even = Emu(document._block_width // columns).twips if columns else 0
    grid = [even] * columns
    for i, width in enumerate((widths or [])[:columns]):
        grid[i] = Cm(width).twips

    def row_xml(texts: Sequence[str | None], shades: Sequence[str | None] | None,
                head: bool) -> str:
        cells = []
        for i in range(columns):
            text = texts[i] if i < len(texts) else None
            shade = shades[i] if shades is not None and i < len(shades) else None
            fill = "" if shade is None else (
                f'<w:shd w:val="clear" w:color="auto" w:fill="{shade.lstrip("#").upper()}"/>')
            run = "" if text is None else _run_xml(text)
            cells.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{grid[i]}"/>{fill}</w:tcPr>'
                         f"<w:p>{run}</w:p></w:tc>")
        return "<w:tr>" + (_HEADER_ROW if head else "") + "".join(cells) + "</w:tr>"

    layout = '<w:tblLayout w:type="fixed"/>' if widths else ""
    xml = [f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblStyle w:val=\"{TABLE_STYLE}\"/>"
           f'<w:tblW w:type="auto" w:w="0"/>{layout}{_TBL_LOOK}</w:tblPr><w:tblGrid>',
           *(f'<w:gridCol w:w="{w}"/>' for w in grid), "</w:tblGrid>"]
    if header is not None:
        xml.append(row_xml(header, None, True))
    for i, texts in enumerate(rows):
        xml.append(row_xml(texts, None if fills is None else fills[i], False))
    xml.append("</w:tbl>")
    tbl = parse_xml("".join(xml))
    document._body._element._insert_tbl(tbl)
    return Table(tbl, document._body)


_BLANK: list[Any] = []  # python-docx's default document, read once per process


def _blank_document() -> Any:
    """A new python-docx default document: a copy of one read once (reading the template's
    parts again is most of the cost of a short document); the same as ``Document()``."""
    import copy

    if not _BLANK:
        _BLANK.append(Document())
    return copy.deepcopy(_BLANK[0])


def plan_docx(doc: dict[str, Any], grid: dict[str, Any], docs: Any = None) -> Any:
    """A python-docx Document of one learner's plan (``doc`` from ``context``; ``docs`` the
    PlanDocuments whose formatter writes dates, money and hours in its locale)."""
    fmt_date = docs.fmt_date if docs is not None else _date
    money = docs.money if docs is not None else _money
    hours = docs.hours if docs is not None else _hours
    pct = docs.pct if docs is not None else _pct
    brand = RGBColor.from_string(doc.get("brand", "#1F4E5F").lstrip("#").upper())
    document = _blank_document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    width, height = PAPER_CM.get(doc.get("paper", "A4"), PAPER_CM["A4"])
    section.page_width, section.page_height = Cm(width), Cm(height)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.6)
    usable = width - 3.6
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    props = document.core_properties
    props.title = f"{doc['title']}: {doc['name']}"
    props.author = doc.get("firm") or "ldkit"
    props.comments = "Confidential: for the learner and their manager."
    props.language = doc.get("locale", "en-GB")

    if doc["client"]:
        line = doc["client"].upper() + (f" · {doc['firm']}" if doc.get("firm") else "")
        run = _para(document).add_run(line)
        run.bold = True
        run.font.color.rgb = brand
    _heading(document, f"{doc['title']}: {doc['name']}", level=0)
    meta = f"{fmt_date(doc['period'][0])} to {fmt_date(doc['period'][1])}"
    if doc.get("manager"):
        meta += f" · Manager: {doc['manager']}"
    paragraph = _para(document, meta)
    if doc.get("doc_status"):
        run = paragraph.add_run(f" · {doc['doc_status']}")
        run.bold = True
        run.font.color.rgb = brand

    _heading(document, "About this plan", level=1)
    profile = [["Learner", doc["name"]]]
    if doc.get("manager"):
        profile.append(["Manager", doc["manager"]])
    profile += [list(p) for p in doc["profile"]]
    _table(document, ["", ""], profile, [4.5, usable - 4.5])
    status = doc["status_text"] + (f"{doc['reason']}." if doc["status"] != "planned" else "")
    _para(document, status, "Intense Quote")
    if doc["activities"]:
        _para(document,
              f"{len(doc['goals'])} goals, {len(doc['activities'])} activities, "
              f"{hours(doc['hours'])} of learning, {money(doc['cost'], doc['currency'])}.")

    if doc["goals"]:
        _heading(document, "Goals", level=1)
        _table(document, ["#", "Capability", "Now", "Target", "What the target looks like"],
               [[str(g["rank"]),
                 g["capability"] + (f" ({g['source_text']})" if g.get("source_text") else "")
                 + (f"\n{g['evidence']}" if g.get("evidence") else ""),
                 g["current"], g["target"], g["indicator"]] for g in doc["goals"]],
               [0.8, 4.4, 2.9, 2.9, usable - 11.0])

    if doc["activities"]:
        _heading(document, "Activities", level=1)
        _table(document, ["Dates", "Activity and why it was chosen", "Goal", "Format", "Hours"],
               [[f"{fmt_date(i['start'])} to {fmt_date(i['due'])}",
                 f"{i['title']}\n{i['why']}",
                 (f"{i['goal_rank']}. " if i["goal_rank"] else "") + i["capability"],
                 f"{i['format']}\n{i['how']}", hours(i["hours"])]
                for i in doc["activities"]], [2.8, usable - 10.0, 3.0, 2.4, 1.8])

        _heading(document, "Timeline", level=1)
        months = grid["months"]
        heads = ["Activity"] + [
            fmt_date(month).split(" ", 1)[-1] if docs is None else (
                docs.style.months[month.month - 1][:3] + f" {month:%y}") for month in months]
        shades = [[None] + [MODALITY_COLORS.get(row["modality"], "#888888") if on else None
                            for on in row["spans"][:len(months)]] for row in grid["rows"]]
        _add_table(document, heads, [[row["title"]] for row in grid["rows"]],
                   [7.0] + [(usable - 7.0) / max(len(months), 1)] * len(months),
                   fills=shades, columns=len(months) + 1)
        _para(document, "Shaded months: " + ", ".join(
            f"{MODALITY_NAMES[m]} ({c})" for m, c in (("experiential", "dark teal"),
                                                      ("social", "orange"),
                                                      ("formal", "light blue"))) + ".")

        _heading(document, "Milestones", level=1)
        _table(document, ["Date", "Milestone", "Detail"],
               [[fmt_date(m["date"]), m["kind"].capitalize(), m["detail"]]
                for m in doc["milestones"]], [3.0, 3.5, usable - 6.5])

        _heading(document, "How you will learn", level=1)
        _table(document, ["Way of learning", "How", "Target", "This plan"],
               [[m["name"], m["text"], pct(m["target"]), pct(m["achieved"])]
                for m in doc["mix"]], [3.0, usable - 7.4, 2.2, 2.2])

        _heading(document, "What is expected", level=1)
        for line in doc["expectations"]:
            _para(document, line, "List Bullet")
        _heading(document, "How progress is assessed", level=1)
        for line in doc["assessment"]:
            _para(document, line, "List Bullet")

    _heading(document, "Agreed", level=1)
    signoff = _table(document, ["Role", "Name", "Signature", "Date"],
                     [["Learner", doc["name"], "", ""],
                      ["Manager", doc.get("manager", ""), "", ""]],
                     [2.5, 5.0, usable - 11.0, 3.5])
    for row in signoff.rows[1:]:
        row.height = Cm(1.2)
    footer = section.footer.paragraphs[0]
    parts = [f"Confidential: for {doc['name']} and their manager.", doc.get("firm", ""),
             doc.get("doc_status", "")]
    footer.text = " · ".join(p for p in parts if p)
    return document
