"""RACI of the digital learning function: the default, and the one-accountable rule."""

import pytest

from ldkit.capability import starter
from ldkit.errors import ParameterError
from ldkit.strategy import ACTIVITIES, Raci, check_raci, default_raci
from ldkit.strategy.raci import parse_cell


def test_default_raci_covers_every_activity_with_one_accountable_role():
    raci = default_raci()
    assert list(raci.matrix.index) == list(ACTIVITIES)
    assert list(raci.matrix.columns) == [r.id for r in starter("digital-learning").roles]
    assert check_raci(raci).empty
    accountable = raci.accountable()
    assert all(len(roles) == 1 for roles in accountable.values())
    assert accountable["lms_administration"] == ["lms_administrator"]
    assert accountable["needs_analysis"] == ["digital_learning_strategist"]


def test_default_raci_on_a_subset_of_roles_reports_gaps():
    raci = default_raci(["digital_learning_strategist", "lms_administrator"])
    problems = check_raci(raci)
    assert "rfp" in set(problems["activity"])
    assert "no accountable role: give one role an A" in set(problems["problem"])


def test_check_finds_two_accountable_none_and_no_responsible():
    raci = Raci.from_assignments({"a": {"x": "A", "y": "A/R"}, "b": {"x": "C"}},
                                 roles={"x": "X", "y": "Y"})
    rows = check_raci(raci).values.tolist()
    assert rows == [["a", "2 accountable roles (X, Y): keep one A"],
                    ["b", "no accountable role: give one role an A"],
                    ["b", "no responsible role: give at least one role an R"]]


def test_cells_are_normalized_and_checked():
    assert parse_cell("r/a") == "A/R"
    assert parse_cell("c, i") == "C/I"
    assert parse_cell(None) == ""
    assert parse_cell("Q") is None
    with pytest.raises(ParameterError):
        Raci.from_assignments({"a": {"x": "Z"}}, roles={"x": "X"})
    with pytest.raises(ParameterError):
        Raci.from_assignments({"a": {"ghost": "A"}}, roles={"x": "X"})


def test_table_shows_names_of_roles_in_use():
    table = default_raci().table()
    assert table.columns[0] == "activity"
    assert "LMS Administrator" in table.columns
    assert table.loc[table["activity"] == "RFP and technical specification",
                     "Digital Learning Project Manager"].item() == "A/R"
