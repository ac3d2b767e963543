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
