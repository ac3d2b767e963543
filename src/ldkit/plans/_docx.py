"""The Word rendering of a personal learning plan (python-docx).

Built from the same context as the HTML (:meth:`PlanDocuments.context`), so
both say the same; the timeline is a month grid whose cells are shaded in the
modality's colour, which Word users can edit like any table.
"""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

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


def _set_table_style(table: Any) -> None:
    table._tbl.tblPr.style = TABLE_STYLE


def _shade(cell: Any, color: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), color.lstrip("#").upper())
    props.append(shd)


def _repeat_header(row: Any) -> None:
    """Mark a table row as a header row, repeated at the top of every page the table spans."""
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)
    cant = OxmlElement("w:cantSplit")
    props.append(cant)


def _table(document: Any, header: list[str], rows: list[list[str]],
           widths: list[float] | None = None) -> Any:
    table = document.add_table(rows=1 if any(header) else 0, cols=len(header))
    _set_table_style(table)
    if any(header):  # a key-value table has no header row
        for cell, text in zip(table.rows[0].cells, header, strict=False):
            cell.text = text
        _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=False):
            cell.text = text
    if widths:
        _widths(table, widths)
    return table


def _widths(table: Any, widths: list[float]) -> None:
    """Column widths Word and LibreOffice both honour: fixed layout, the grid and each cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)


def plan_docx(doc: dict[str, Any], grid: dict[str, Any], docs: Any = None) -> Any:
    """A python-docx Document of one learner's plan (``doc`` from ``context``; ``docs`` the
    PlanDocuments whose formatter writes dates, money and hours in its locale)."""
    fmt_date = docs.fmt_date if docs is not None else _date
    money = docs.money if docs is not None else _money
    hours = docs.hours if docs is not None else _hours
    pct = docs.pct if docs is not None else _pct
    brand = RGBColor.from_string(doc.get("brand", "#1F4E5F").lstrip("#").upper())
    document = Document()
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
        table = document.add_table(rows=1, cols=len(months) + 1)
        _set_table_style(table)
        _repeat_header(table.rows[0])
        table.rows[0].cells[0].text = "Activity"
        for cell, month in zip(table.rows[0].cells[1:], months, strict=False):
            cell.text = fmt_date(month).split(" ", 1)[-1] if docs is None else (
                docs.style.months[month.month - 1][:3] + f" {month:%y}")
        for row in grid["rows"]:
            cells = table.add_row().cells
            cells[0].text = row["title"]
            for cell, on in zip(cells[1:], row["spans"], strict=False):
                if on:
                    _shade(cell, MODALITY_COLORS.get(row["modality"], "#888888"))
        _widths(table, [7.0] + [(usable - 7.0) / max(len(months), 1)] * len(months))
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
