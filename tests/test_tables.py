"""ldkit.tables.read_table: real CSV exports and real .xlsx workbooks, every problem located."""

from __future__ import annotations

import re
import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest

from ldkit.errors import InputError, UnsupportedFormatError
from ldkit.tables import read_table


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- text ----------------------------------------------------------------------------------

def test_quoted_multiline_fields_with_mixed_line_endings_are_one_record(tmp_path):
    data = (b'learner_id,comment,score\r\n'
            b'L1,"first line\r\nsecond\nthird\rfourth",3\n'
            b'L2,plain,4\r\n'
            b'\r\n'
            b'L3,"said ""hi""",5')
    table = read_table(write(tmp_path, "a.csv", data))
    assert table.index.tolist() == [2, 6, 8]  # the line each record starts on
    assert table["learner_id"].tolist() == ["L1", "L2", "L3"]
    assert table.loc[2, "comment"] == "first line\r\nsecond\nthird\rfourth"
    assert table.loc[8, "comment"] == 'said "hi"'
    # independent check: the csv module over the same bytes gives as many records
    import csv
    import io
    rows = [r for r in csv.reader(io.StringIO(data.decode(), newline="")) if any(r)]
    assert len(rows) - 1 == len(table)


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, sep):
    text = sep.join(["id", "name", "region"]) + "\n" + sep.join(["L1", '"Doe, J."', "EU"]) + "\n"
    table = read_table(write(tmp_path, "a.txt", text.encode()))
    assert table.attrs["source"]["delimiter"] == sep
    assert table.iloc[0].tolist() == ["L1", "Doe, J.", "EU"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "cp1252"])
def test_encodings(tmp_path, encoding):
    text = "id;name\r\nL1;Zoë Müller – Ærø\r\n"
    if encoding == "cp1252":
        text = text.replace("Ærø", "Aero")
    table = read_table(write(tmp_path, "a.csv", text.encode(encoding)))
    assert table.loc[2, "name"] == text.split(";")[-1].strip()


def test_undecodable_bytes_are_located_with_the_encodings_tried(tmp_path):
    with pytest.raises(InputError) as err:
        read_table(write(tmp_path, "a.csv", b"id,name\nL1,Zo\x81\n"))
    assert "byte offset 13" in str(err.value)
    assert "tried UTF-8, UTF-16, cp1252, Latin-1" in str(err.value)
    assert err.value.location.file.endswith("a.csv")


def test_utf8_mixed_with_cp1252_is_refused(tmp_path):
    data = "id,name\nL1,Zoë\n".encode() + "L2,Zoë\n".encode("cp1252")
    with pytest.raises(InputError, match=r"not in one encoding.*byte 0xEB at byte offset 21"):
        read_table(write(tmp_path, "a.csv", data))


def test_binary_junk_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"binary data|cannot be decoded"):
        read_table(write(tmp_path, "a.csv", bytes(range(1, 40)) * 3))


def test_empty_header_only_and_ragged_rows(tmp_path):
    with pytest.raises(InputError, match="is empty"):
        read_table(write(tmp_path, "a.csv", b""))
    with pytest.raises(InputError, match="is empty"):
        read_table(write(tmp_path, "b.csv", b"\r\n\r\n"))
    header_only = read_table(write(tmp_path, "c.csv", b"id,score\r\n"))
    assert header_only.empty and header_only.columns.tolist() == ["id", "score"]
    short = read_table(write(tmp_path, "d.csv", b"id,a,b\nL1,1"))  # truncated mid-row
    assert short.loc[2].tolist() == ["L1", "1", ""]
    with pytest.raises(InputError, match=r"row 3: has 4 fields, the header has 3"):
        read_table(write(tmp_path, "e.csv", b"id,a,b\nL1,1,2\nL2,1,2,3\n"))
    trailing = read_table(write(tmp_path, "f.csv", b"id,a,\nL1,1,\n"))  # Excel's trailing sep
    assert trailing.columns.tolist() == ["id", "a"]


def test_unclosed_quote_is_located(tmp_path):
    with pytest.raises(InputError, match="row 3: is not a readable table"):
        read_table(write(tmp_path, "a.csv", b'id,c\nL1,ok\nL2,"never closed\nL3,x\n'))


def test_duplicate_and_blank_column_names(tmp_path):
    with pytest.raises(InputError, match=r"'Score' / 'score' appears twice \(columns 2 and 3\)"):
        read_table(write(tmp_path, "a.csv", b"id,Score,score\nL1,1,2\n"))
    with pytest.raises(InputError, match="column 2 has values but no name"):
        read_table(write(tmp_path, "b.csv", b"id,,x\nL1,1,2\n"))


# -- workbooks -----------------------------------------------------------------------------

def workbook(tmp_path, name="a.xlsx", **sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def test_first_visible_sheet_unless_one_is_named(tmp_path):
    wb = openpyxl.Workbook()
    stale = wb.active
    stale.title = "Old export"
    stale.append(["id", "score"])
    stale.append(["L9", 1])
    stale.sheet_state = "hidden"
    data = wb.create_sheet("Export")
    data.append(["id", "score", "when"])
    data.append(["L1", 7.5, pd.Timestamp("2026-03-01").to_pydatetime()])
    data.append(["L2", 3, None])
    wb.save(tmp_path / "a.xlsx")
    table = read_table(tmp_path / "a.xlsx")
    assert table.attrs["source"]["sheet"] == "Export"
    assert table.to_dict("index") == {2: {"id": "L1", "score": "7.5", "when": "2026-03-01"},
                                      3: {"id": "L2", "score": "3", "when": ""}}
    assert read_table(tmp_path / "a.xlsx", sheet="Old export")["id"].tolist() == ["L9"]
    with pytest.raises(InputError, match=r"has no sheet 'Nope' .sheets: Old export, Export"):
        read_table(tmp_path / "a.xlsx", sheet="Nope")


def test_formula_without_cached_value_is_an_error(tmp_path):
    path = workbook(tmp_path, Data=[["id", "score"], ["L1", 4], ["L2", "=B2*2"]])
    with pytest.raises(InputError, match="cell B3 holds a formula without a calculated value"):
        read_table(path)


def test_formula_with_cached_value_reads_the_value(tmp_path):
    path = workbook(tmp_path, Data=[["id", "score"], ["L1", 4], ["L2", "=B2*2"]])
    fixed = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(fixed, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # as Excel saves it: <f> and <v>
                data = re.sub(rb"<f>B2\*2</f>(<v></v>|<v/>)?", rb"<f>B2*2</f><v>8</v>", data)
                assert b"<v>8</v>" in data
            dst.writestr(item, data)
    assert read_table(fixed)["score"].tolist() == ["4", "8"]


def test_error_values_are_errors(tmp_path):
    path = workbook(tmp_path, Data=[["id", "score"], ["L1", "#N/A"]])
    # openpyxl writes '#N/A' as an error cell (t="e"), as Excel does
    with pytest.raises(InputError, match="cell B2 holds the Excel error #N/A"):
        read_table(path)


def test_merged_cells_inside_the_table(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["region", "id", "score"], ["EU", "L1", 3], [None, "L2", 4]):
        ws.append(row)
    ws.merge_cells("A2:A3")
    wb.save(tmp_path / "m.xlsx")
    with pytest.raises(InputError, match="cells A2:A3 are merged inside the table") as err:
        read_table(tmp_path / "m.xlsx")
    assert err.value.location.sheet == "Sheet" and err.value.location.row == 2


def test_duplicate_column_names_in_a_workbook(tmp_path):
    path = workbook(tmp_path, Data=[["id", "score", "ID"], ["L1", 1, "x"]])
    with pytest.raises(InputError, match=r"'ID' appears twice \(columns A and C\)"):
        read_table(path)


def test_far_away_used_range_is_read_by_the_cells_present(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "score"])
    for i in range(1, 201):
        ws.append([f"L{i}", i])
    ws["XFD1048576"].value = None
    ws["XFD1048576"].number_format = "0.00"  # formatted but empty: used range A1:XFD1048576
    wb.save(tmp_path / "far.xlsx")
    with zipfile.ZipFile(tmp_path / "far.xlsx") as z:
        assert b'ref="A1:XFD1048576"' in z.read("xl/worksheets/sheet1.xml")
    table = read_table(tmp_path / "far.xlsx")
    assert len(table) == 200 and table.columns.tolist() == ["id", "score"]
    assert table["score"].astype(int).sum() == 200 * 201 // 2


def test_stray_value_right_of_the_header_is_an_error(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "score"])
    ws.append(["L1", 1])
    ws["XFD1048576"] = "x"
    wb.save(tmp_path / "stray.xlsx")
    with pytest.raises(InputError, match="cell XFD1048576 holds 'x', right of the header"):
        read_table(tmp_path / "stray.xlsx")


def test_workbook_named_csv_and_csv_named_xlsx(tmp_path):
    path = workbook(tmp_path, Data=[["id"], ["L1"]])
    shutil.copy(path, tmp_path / "export.csv")
    with pytest.raises(UnsupportedFormatError, match=r"is an Excel workbook \(\.xlsx\)"):
        read_table(tmp_path / "export.csv")
    (tmp_path / "export.xlsx").write_text("id,score\nL1,2\n")
    with pytest.raises(UnsupportedFormatError, match=r"is a text file \(CSV\?\), not an Excel"):
        read_table(tmp_path / "export.xlsx")
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(UnsupportedFormatError, match=r"Excel 97-2003 workbook \(\.xls\)"):
        read_table(tmp_path / "old.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="cannot be opened as an Excel workbook"):
        read_table(tmp_path / "broken.xlsx")
