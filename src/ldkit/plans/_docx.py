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

from ldkit.plans.documents import (
    MODALITY_COLORS,
    _date,
    _hours,
    _money,
    _pct,
)

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


def _table(document: Any, header: list[str], rows: list[list[str]],
           widths: list[float] | None = None) -> Any:
    table = document.add_table(rows=1, cols=len(header))
    _set_table_style(table)
    for cell, text in zip(table.rows[0].cells, header, strict=False):
        cell.text = text
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=False):
            cell.text = text
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Cm(width)
    return table


def plan_docx(doc: dict[str, Any], grid: dict[str, Any]) -> Any:
    """A python-docx Document of one learner's plan (``doc`` from ``context``)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.6)
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    props = document.core_properties
    props.title = f"{doc['title']}: {doc['name']}"
    props.author = "ldkit"
    props.comments = "Confidential: for the learner and their manager."

    if doc["client"]:
        run = _para(document).add_run(doc["client"].upper())
        run.bold = True
        run.font.color.rgb = BRAND
    _heading(document, f"{doc['title']}: {doc['name']}", level=0)
    _para(document, f"{_date(doc['period'][0])} to {_date(doc['period'][1])}")

    _heading(document, "About this plan", level=1)
    profile = [["Learner", doc["name"] if doc["name"] == doc["learner"]
                else f"{doc['name']} ({doc['learner']})"]] + [list(p) for p in doc["profile"]]
    _table(document, ["", ""], profile, [4.5, 12.5])
    status = doc["status_text"] + (f"{doc['reason']}." if doc["status"] != "planned" else "")
    _para(document, status, "Intense Quote")
    if doc["activities"]:
        _para(document,
              f"{len(doc['goals'])} goals, {len(doc['activities'])} activities, "
              f"{_hours(doc['hours'])} of learning, {_money(doc['cost'], doc['currency'])}.")

    if doc["goals"]:
        _heading(document, "Goals", level=1)
        _table(document, ["#", "Capability", "Now", "Target", "What the target looks like"],
               [[str(g["rank"]), g["capability"] + ("" if g["source"] == "gap"
                                                    else f" ({g['source']})"),
                 g["current"], g["target"], g["indicator"]] for g in doc["goals"]],
               [0.8, 4.2, 2.2, 2.6, 7.2])

    if doc["activities"]:
        _heading(document, "Activities", level=1)
        _table(document, ["Dates", "Activity", "Goal", "Format", "Hours"],
               [[f"{_date(i['start'])} to {_date(i['due'])}",
                 f"{i['title']}\n{i['activity']}: {i['reason']}",
                 (f"{i['goal_rank']}. " if i["goal_rank"] else "") + i["capability"],
                 i["format"], f"{i['hours']:g}"]
                for i in doc["activities"]], [3.0, 8.0, 3.2, 2.2, 1.2])

        _heading(document, "Timeline", level=1)
        months = grid["months"]
        table = document.add_table(rows=1, cols=len(months) + 1)
        _set_table_style(table)
        table.rows[0].cells[0].text = "Activity"
        for cell, month in zip(table.rows[0].cells[1:], months, strict=False):
            cell.text = month.strftime("%b %y")
        for row in grid["rows"]:
            cells = table.add_row().cells
            cells[0].text = row["title"]
            for cell, on in zip(cells[1:], row["spans"], strict=False):
                if on:
                    _shade(cell, MODALITY_COLORS.get(row["modality"], "#888888"))
        for row in table.rows:
            row.cells[0].width = Cm(7.0)
            for cell in row.cells[1:]:
                cell.width = Cm(10.0 / max(len(months), 1))
        _para(document, "Shaded months: " + ", ".join(
            f"{m} ({c})" for m, c in (("experiential", "dark teal"), ("social", "orange"),
                                      ("formal", "light blue"))) + ".")

        _heading(document, "Milestones", level=1)
        _table(document, ["Date", "Milestone", "Detail"],
               [[_date(m["date"]), m["kind"], m["detail"]] for m in doc["milestones"]],
               [3.0, 3.5, 10.5])

        _heading(document, "Learning mix", level=1)
        _table(document, ["Modality", "How", "Target", "This plan"],
               [[m["modality"], m["text"], _pct(m["target"]), _pct(m["achieved"])]
                for m in doc["mix"]], [3.0, 9.0, 2.2, 2.2])

        _heading(document, "What is expected", level=1)
        for line in doc["expectations"]:
            _para(document, line, "List Bullet")
        _heading(document, "How progress is assessed", level=1)
        for line in doc["assessment"]:
            _para(document, line, "List Bullet")
    footer = section.footer.paragraphs[0]
    footer.text = f"Confidential: for {doc['name']} and their manager."
    return document
