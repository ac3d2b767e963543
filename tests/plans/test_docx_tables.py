"""The Word tables of a plan document, written as one piece of XML, are exactly what
python-docx's own API writes (add_table, add_row, cell.text, fixed widths, a repeated
header row, shading), and the blank document copied per plan equals ``Document()``."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree

from ldkit.plans._docx import TABLE_STYLE, _add_table, _blank_document, _table


def _api_table(document, header, rows, widths=None, fills=None):
    """The table as python-docx's API builds it, cell by cell (the reference)."""
    table = document.add_table(rows=1 if any(header) else 0, cols=len(header))
    table._tbl.tblPr.style = TABLE_STYLE
    if any(header):
        for cell, text in zip(table.rows[0].cells, header, strict=False):
            cell.text = text
        props = table.rows[0]._tr.get_or_add_trPr()
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        props.append(flag)
        props.append(OxmlElement("w:cantSplit"))
    for r, values in enumerate(rows):
        cells = table.add_row().cells
        for c, cell in enumerate(cells):
            text = values[c] if c < len(values) else None
            if text is not None:
                cell.text = text
            if fills is not None and c < len(fills[r]) and fills[r][c] is not None:
                shd = OxmlElement("w:shd")
                shd.set(qn("w:val"), "clear")
                shd.set(qn("w:color"), "auto")
                shd.set(qn("w:fill"), fills[r][c].lstrip("#").upper())
                cell._tc.get_or_add_tcPr().append(shd)
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=False):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Cm(width)
    return table


def _xml(table) -> bytes:
    return etree.tostring(table._tbl, encoding="UTF-8")


TEXTS = ["plain", "two\nlines", " padded ", "tab\there", "a & b < c > d \"q\" 'a'",
         "Ünïcödé – “quoted” …", "", "crlf\r\nend", "\n", "trailing\n"]


@pytest.mark.parametrize("header", [["#", "Capability", "Now"], ["", "", ""]])
@pytest.mark.parametrize("widths", [None, [1.0, 4.4, 2.9], [2.5]])
def test_table_xml_equals_python_docx(header, widths):
    rows = [TEXTS[i:i + 3] for i in range(0, len(TEXTS), 3)] + [["short row"]]
    ours, theirs = docx.Document(), docx.Document()
    fast = _table(ours, header, rows, widths)
    slow = _api_table(theirs, header, rows, widths)
    assert _xml(fast) == _xml(slow)
    assert [c.text for c in fast.rows[-2].cells] == [c.text for c in slow.rows[-2].cells]


def test_shaded_grid_equals_python_docx():
    heads = ["Activity", "Jan 26", "Feb 26", "Mar 26"]
    rows = [["Stakeholder mapping"], ["Coaching & feedback"]]
    fills = [[None, "#6baed6", None, None], [None, None, "#1f4e5f", "#1f4e5f"]]
    ours, theirs = docx.Document(), docx.Document()
    fast = _add_table(ours, heads, rows, [7.0, 3.0, 3.0, 3.0], fills=fills, columns=4)
    slow = _api_table(theirs, heads, rows, [7.0, 3.0, 3.0, 3.0], fills=fills)
    assert _xml(fast) == _xml(slow)


def test_table_placed_before_the_section_properties():
    document = docx.Document()
    _table(document, ["a", "b"], [["1", "2"]], [1.0, 2.0])
    body = document.element.body
    assert body[-2].tag == qn("w:tbl") and body[-1].tag == qn("w:sectPr")


def _parts(document) -> dict[str, bytes]:
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_blank_document_is_a_fresh_default_document():
    first = _blank_document()
    first.add_paragraph("only in the first")
    first.core_properties.title = "first"
    second = _blank_document()
    assert _parts(second) == _parts(docx.Document())
    assert "only in the first" not in second.element.xml
