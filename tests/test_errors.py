"""The exception tree: builtins, structured fields, one-line messages, pickling."""

from __future__ import annotations

import pickle

import pytest

from ldkit.errors import (
    InputError,
    InputFileNotFoundError,
    LdkitError,
    Location,
    ParameterError,
    Problem,
    UnsupportedFormatError,
    ValidationError,
)


def test_tree_and_builtins():
    assert issubclass(InputError, LdkitError) and issubclass(InputError, ValueError)
    assert issubclass(ValidationError, InputError)
    assert issubclass(UnsupportedFormatError, InputError)
    assert issubclass(InputFileNotFoundError, FileNotFoundError)
    assert issubclass(ParameterError, ValueError) and issubclass(ParameterError, LdkitError)


def test_location_text_names_every_part():
    loc = Location(file="m.xlsx", sheet="Roles", row=7, column="Role ID")
    assert str(loc) == "m.xlsx, sheet 'Roles', row 7, column 'Role ID'"
    assert str(Location(file="m.yaml", line=3, field="roles[0]")) == (
        "m.yaml, line 3, field 'roles[0]'")
    assert loc.with_(row=8).row == 8 and loc.row == 7


def test_input_error_carries_location_and_hint():
    err = InputError("bad level", location=Location(file="f.xlsx", sheet="S", row=2,
                                                     column="Level"), hint="use 1-4")
    assert (err.file, err.sheet, err.row, err.column) == ("f.xlsx", "S", 2, "Level")
    assert str(err) == "f.xlsx, sheet 'S', row 2, column 'Level': bad level (use 1-4)"


def test_one_line_collapses_newlines():
    err = LdkitError("first line\nsecond line", hint="do this")
    assert err.one_line() == "first line second line (do this)"


def test_validation_error_summary_and_report():
    problems = [Problem("a", Location(file="f", row=2)), Problem("b", Location(file="f", row=3),
                                                                  "fix b")]
    err = ValidationError(problems, what="model f")
    assert str(err) == "2 problems in model f; first: f, row 2: a"
    assert err.report().splitlines() == ["f, row 2: a", "f, row 3: b (fix b)"]
    assert err.row == 2
    with pytest.raises(ValueError):
        ValidationError([])


def test_warning_is_marked():
    assert str(Problem("no indicators", severity="warning")) == "warning: no indicators"


@pytest.mark.parametrize("err", [
    LdkitError("x", hint="h"),
    InputError("x", location=Location(file="f", row=1), hint="h"),
    ValidationError([Problem("p", Location(sheet="S", row=4))], what="w"),
    InputFileNotFoundError("/no/such/file"),
    ParameterError("The 'x' parameter of f must be positive. Got -1."),
    UnsupportedFormatError("bad", location=Location(file="a.docx")),
])
def test_errors_survive_pickling(err):
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert str(back) == str(err)
    assert back.__dict__ == err.__dict__
