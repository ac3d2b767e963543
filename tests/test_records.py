"""ldkit.records outside a kernel, and read_records on notebooks built here.

Recording inside a real kernel is covered by tests/test_runner.py (ok.ipynb).
"""

from __future__ import annotations

import math

import nbformat
import numpy as np
import pandas as pd
import pytest

from ldkit.errors import InputError, InputFileNotFoundError, ParameterError, UnsupportedFormatError
from ldkit.records import MIMETYPE, read_records, record, recorded


@pytest.fixture(autouse=True)
def _fresh_records():
    recorded.clear()
    yield
    recorded.clear()


def test_record_outside_ipython_keeps_values():
    assert record("top_priority", "account_planning") is None
    record("n", np.int64(42))
    record("share", np.float64(0.25))
    record("flag", np.bool_(True))
    record("missing", float("nan"))
    record("levels", (1, np.int32(2), {"a": [np.float32(0.5)]}))
    assert recorded == {"top_priority": "account_planning", "n": 42, "share": 0.25,
                        "flag": True, "missing": None, "levels": [1, 2, {"a": [0.5]}]}
    assert type(recorded["n"]) is int and type(recorded["flag"]) is bool


def test_later_record_of_same_name_wins():
    record("x", 1)
    record("x", 2)
    assert recorded["x"] == 2


def test_table_round_trip_keeps_types_index_and_missing_values():
    df = pd.DataFrame({
        "capability": ["account_planning", "compliance", None],
        "gap": [1.5, np.nan, 0.25],
        "n": [10, 12, 9],
        "wave": pd.to_datetime(["2026-01-15", "2026-06-15", None]),
        "band": pd.Categorical(["high", "low", "low"]),
    }, index=pd.Index(["north", "south", "west"], name="region"))
    record("gaps", df)
    back = recorded["gaps"]
    pd.testing.assert_frame_equal(back, df, check_index_type=False)
    assert back.index.name == "region"


def test_table_with_default_index_drops_it():
    record("t", pd.DataFrame({"a": [1, 2]}))
    assert recorded["t"].index.equals(pd.RangeIndex(2))


@pytest.mark.parametrize("value", [object(), {1: "a"}, [1, {"b": {2}}]])
def test_record_rejects_what_json_cannot_hold(value):
    with pytest.raises(ParameterError, match="The 'value' parameter of record must be"):
        record("bad", value)
    assert "bad" not in recorded


@pytest.mark.parametrize("name", ["", "  ", None, 3])
def test_record_rejects_bad_names(name):
    with pytest.raises(ParameterError, match="The 'name' parameter of record"):
        record(name, 1)


def _display(payload, text="recorded"):
    return nbformat.v4.new_output(
        "display_data", data={MIMETYPE: payload, "text/plain": text})


def _write(path, cells_outputs):
    cells = []
    for outputs in cells_outputs:
        cell = nbformat.v4.new_code_cell("record(...)")
        cell.outputs = outputs
        cells.append(cell)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_read_records_later_wins_and_tables_rebuilt(tmp_path):
    table = {"columns": ["capability", "gap"], "data": [["compliance", 0.5]],
             "dtypes": ["str", "float64"]}
    path = _write(tmp_path / "run.ipynb", [
        [_display({"name": "x", "value": 1, "kind": "scalar"}),
         nbformat.v4.new_output("stream", text="noise\n")],
        [_display({"name": "gaps", "value": table, "kind": "table"}),
         _display({"name": "x", "value": [1, 2], "kind": "json"})],
    ])
    records = read_records(path)
    assert list(records) == ["x", "gaps"] and records["x"] == [1, 2]
    pd.testing.assert_frame_equal(
        records["gaps"], pd.DataFrame({"capability": ["compliance"], "gap": [0.5]}))


def test_read_records_of_notebook_without_records(tmp_path):
    assert read_records(_write(tmp_path / "empty.ipynb", [[]])) == {}


def test_read_records_malformed_output_names_the_cell(tmp_path):
    path = _write(tmp_path / "bad.ipynb", [[], [_display({"value": 1, "kind": "scalar"})]])
    with pytest.raises(InputError, match="lacks a string 'name'") as info:
        read_records(path)
    assert info.value.location.field == "cells[2]"
    assert info.value.location.file == str(path)


def test_read_records_of_non_notebook_and_missing_file(tmp_path):
    text = tmp_path / "notes.ipynb"
    text.write_text("not json", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match="not a Jupyter notebook"):
        read_records(text)
    with pytest.raises(InputFileNotFoundError):
        read_records(tmp_path / "nope.ipynb")


def test_infinities_become_none():
    record("inf", [math.inf, -math.inf, 1.0])
    assert recorded["inf"] == [None, None, 1.0]
