"""The goal register and the SMART check, on hand-checked goals (one failure each)."""

from datetime import date

import pytest

from ldkit.strategy import Goal, alignment_table, goal_register, smart_check
from ldkit.strategy.portfolio import Program

FULL = {"sponsor": "CCO", "owner": "L&D lead", "metric": "share certified", "baseline": 0.2,
        "target": 0.9, "due": date(2026, 6, 30), "aligned_to": ("org",)}


def goal(**changes) -> Goal:
    values = {**FULL, **changes}
    return Goal("lg", "Certify the launch team", "learning", **values)


def test_a_complete_learning_goal_is_smart():
    row = smart_check([goal()]).iloc[0]
    assert row["smart"]
    assert all(row[c] for c in ("specific", "measurable", "achievable", "relevant",
                                "time_bound"))
    assert row["failures"] == ""


@pytest.mark.parametrize(("changes", "criterion", "reason"), [
    ({"metric": ""}, "measurable", "Measurable: no metric"),
    ({"baseline": None}, "measurable", "Measurable: no baseline"),
    ({"target": None}, "measurable", "Measurable: no target"),
    ({"target": 0.2}, "specific", "Specific: target not above baseline"),
    ({"target": 0.1}, "specific", "Specific: target not above baseline"),
    ({"due": None}, "time_bound", "Time-bound: no due date"),
    ({"aligned_to": ()}, "relevant", "Relevant: no aligned organizational goal"),
    ({"sponsor": ""}, "achievable", "Achievable: no sponsor"),
    ({"owner": "  "}, "achievable", "Achievable: no owner"),
])
def test_each_failure_names_its_criterion_and_reason(changes, criterion, reason):
    row = smart_check([goal(**changes)]).iloc[0]
    assert not row["smart"]
    assert not row[criterion]
    others = {"specific", "measurable", "achievable", "relevant", "time_bound"} - {criterion}
    assert all(row[c] for c in others)
    assert row["failures"] == reason


def test_decrease_goals_need_a_target_below_the_baseline():
    ok = goal(direction="decrease", baseline=2, target=0)
    bad = goal(direction="decrease", baseline=2, target=3)
    table = smart_check([ok, bad])
    assert table["smart"].tolist() == [True, False]
    assert table.loc[1, "failures"] == "Specific: target not below baseline"


def test_several_failures_are_listed_in_smart_order():
    row = smart_check([goal(metric="", baseline=None, sponsor="", due=None,
                            aligned_to=())]).iloc[0]
    assert row["failures"] == ("Measurable: no metric; Measurable: no baseline; "
                               "Achievable: no sponsor; Relevant: no aligned organizational "
                               "goal; Time-bound: no due date")


def test_organizational_goals_are_relevant_without_alignment():
    org = Goal("org", "Grow", "organizational", sponsor="CEO", owner="COO", metric="sales",
               baseline=1, target=2, due=date(2026, 12, 31))
    assert smart_check([org]).loc[0, "smart"]


def test_register_lists_organizational_goals_first():
    org = Goal("org", "Grow", "organizational", baseline=1, target=2)
    table = goal_register([goal(), org])
    assert table["goal"].tolist() == ["org", "lg"]
    assert table.loc[1, "aligned_to"] == "org"
    assert table.loc[1, "due"] == "2026-06-30"
    assert table.loc[1, "baseline"] == pytest.approx(0.2)


def test_alignment_table_keeps_every_goal_and_program():
    goals = [Goal("org", "Org", "organizational"), Goal("lg", "L", "learning",
                                                        aligned_to=("org",)),
             Goal("orphan", "No org goal", "learning")]
    programs = [Program("p", "P", date(2026, 1, 1), date(2026, 2, 1), goals=("lg",)),
                Program("q", "Q", date(2026, 1, 1), date(2026, 2, 1))]
    rows = alignment_table(goals, programs).to_dict("records")
    assert rows == [
        {"organizational_goal": "org", "learning_goal": "lg", "program": "p"},
        {"organizational_goal": "", "learning_goal": "orphan", "program": ""},
        {"organizational_goal": "", "learning_goal": "", "program": "q"},
    ]
