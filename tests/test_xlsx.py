"""ldkit.xlsx: text from inputs is written as string cells, never as formulas."""

from __future__ import annotations

import zipfile

from openpyxl import Workbook, load_workbook

from ldkit.xlsx import keep_text, safe_cell, table_sheet


def test_safe_cell_makes_text_a_string_cell(tmp_path):
    wb = Workbook()
    ws = wb.active
    safe_cell(ws["A1"], '=HYPERLINK("http://evil","x")')
    safe_cell(ws["A2"], -3)
    safe_cell(ws["A3"], "+1")
    wb.save(tmp_path / "a.xlsx")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml  # no formula in the file
    back = load_workbook(tmp_path / "a.xlsx")["Sheet"]
    assert [back[c].data_type for c in ("A1", "A2", "A3")] == ["s", "n", "s"]
    assert back["A1"].value == '=HYPERLINK("http://evil","x")' and back["A2"].value == -3


def test_table_sheet_and_keep_text_cover_headers_and_rows(tmp_path):
    wb = Workbook()
    ws = table_sheet(wb, "Data", ["=cap", "n"], [["=1+1", 2], ["@x", -1]], widths=[10, 10])
    assert [c.data_type for row in ws.iter_rows() for c in row] == ["s", "s", "s", "n", "s",
                                                                      "n"]
    other = wb.create_sheet("Other")
    other.append(["=A1"])
    assert keep_text(other)["A1"].data_type == "s"


def test_catalog_workbook_writes_titles_as_text(tmp_path):
    from ldkit.plans.catalog import Activity, Catalog, read_catalog

    cat = Catalog((Activity("a1", '=HYPERLINK("http://evil","Click")', ("cap",), 1, 2,
                            "formal", "workshop", 2.0),))
    path = cat.to_excel(tmp_path / "catalog.xlsx")
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in z.read(n) for n in sheets)
    assert read_catalog(path).activity("a1").title == '=HYPERLINK("http://evil","Click")'
