"""File edges: input checks and atomic writes."""

import pytest

from ldkit.errors import InputFileNotFoundError, UnsupportedFormatError
from ldkit.io import atomic_path, atomic_write_text, existing_file, suffix_of


def test_existing_file(tmp_path):
    with pytest.raises(InputFileNotFoundError, match="does not exist"):
        existing_file(tmp_path / "nope.xlsx")
    with pytest.raises(UnsupportedFormatError, match="is a folder"):
        existing_file(tmp_path)


def test_suffix_of():
    assert suffix_of("a.YML", {".yml": "yaml"}, what="model") == "yaml"
    with pytest.raises(UnsupportedFormatError, match=r"extension '\.docx'"):
        suffix_of("a.docx", {".yml": "yaml"}, what="model")


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "report.txt"
    atomic_write_text(target, "good")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("writer crashed")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # no temp file left


def test_read_notebook(tmp_path):
    import nbformat

    from ldkit.io import read_notebook

    good = tmp_path / "a.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), good)
    assert read_notebook(good).cells[0].source == "1 + 1"
    bad = tmp_path / "b.ipynb"
    bad.write_text("not json")
    with pytest.raises(UnsupportedFormatError, match="is not a Jupyter notebook"):
        read_notebook(bad)


# -- text decoding ---------------------------------------------------------------------------

def test_read_text_decodes_by_the_one_rule(tmp_path):
    from ldkit.io import decode_text, read_text

    text = "id;name\r\nL1;Zoë\r\n"
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"):
        (tmp_path / "a.csv").write_bytes(text.encode(encoding))
        assert read_text(tmp_path / "a.csv") == text  # line endings kept, BOM dropped
    assert decode_text("€ – “x”".encode("cp1252")) == ("€ – “x”", "cp1252")


def test_read_text_locates_undecodable_bytes(tmp_path):
    from ldkit.errors import InputError
    from ldkit.io import read_text

    (tmp_path / "a.csv").write_bytes(b"ok\n\x9d\n")
    with pytest.raises(InputError) as err:
        read_text(tmp_path / "a.csv")
    assert err.value.location.file == str(tmp_path / "a.csv")
    assert "byte 0x9D" in str(err.value) and "at byte offset 3" in str(err.value)
    assert "tried UTF-8, UTF-16, cp1252, Latin-1" in str(err.value)
    (tmp_path / "b.csv").write_bytes(b"a,b\n1,\x00\x01\x02\n")
    with pytest.raises(InputError, match=r"binary data.*U\+0000 at byte offset 6"):
        read_text(tmp_path / "b.csv")
    (tmp_path / "c.csv").write_bytes("ab".encode("utf-16-le") + b"\x00")  # cut in a character
    with pytest.raises(InputError, match="is not valid UTF-16-LE"):
        read_text(tmp_path / "c.csv")


# -- CSV injection ---------------------------------------------------------------------------

def test_atomic_write_csv_neutralizes_formulas_and_keeps_numbers(tmp_path):
    import csv

    import pandas as pd

    from ldkit.io import atomic_write_csv

    table = pd.DataFrame({
        "client": ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB",
                   "\rCR", "Acme", None],
        "as_text": ["-12.5", "+3", "1e5", "-", "- note", "=", "", "ok"],
        "gap": [-1.5, 2.0, -0.25, 0.0, 1.0, -3.0, 4.0, 5.0],
    })
    before = table.copy()
    path = atomic_write_csv(table, tmp_path / "out.csv")
    pd.testing.assert_frame_equal(table, before)  # the input is not modified
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://evil\",\"x\")", "'+1+1", "'-2+3",
                                        "'@SUM(A1)", "'\tTAB", "'\rCR", "Acme", ""]
    assert [r[1] for r in rows[1:]] == ["-12.5", "+3", "1e5", "'-", "'- note", "'=", "", "ok"]
    assert [r[2] for r in rows[1:]] == ["-1.5", "2.0", "-0.25", "0.0", "1.0", "-3.0", "4.0",
                                        "5.0"]
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    for row in rows:  # OWASP: no text field starts with a formula character
        for field in row:
            if field.startswith(dangerous):
                float(field)  # only plain numbers may


def test_neutralize_csv_headers_too():
    import pandas as pd

    from ldkit.io import neutralize_csv

    assert neutralize_csv(pd.DataFrame({"=cap": [1]})).columns.tolist() == ["'=cap"]


def test_atomic_write_csv_with_string_dtype_and_empty_columns(tmp_path):
    import pandas as pd

    from ldkit.io import atomic_write_csv

    table = pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype=object)})
    assert atomic_write_csv(table, tmp_path / "e.csv").read_text() == "a,b\n"
    table = pd.DataFrame({"a": pd.Series(["x", None, "=y"], dtype="str")})
    assert atomic_write_csv(table, tmp_path / "s.csv").read_text() == "a\nx\n\"\"\n'=y\n"
