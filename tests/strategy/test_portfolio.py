"""The linear plan of a program, hand-checked on a 100-day window."""

from datetime import date

import pytest

from ldkit.strategy import milestone_table, plan_at, portfolio_table
from ldkit.strategy.portfolio import elapsed_share


def test_elapsed_share_counts_days_inclusively(small_strategy):
    p = small_strategy.programs[0]  # Jan 1 - Apr 10 2026: 100 days
    assert elapsed_share(p, date(2025, 12, 31)) == 0.0
    assert elapsed_share(p, date(2026, 1, 1)) == pytest.approx(0.01)
    assert elapsed_share(p, date(2026, 1, 31)) == pytest.approx(0.31)
    assert elapsed_share(p, date(2026, 2, 28)) == pytest.approx(0.59)
    assert elapsed_share(p, date(2026, 4, 10)) == 1.0
    assert elapsed_share(p, date(2026, 12, 31)) == 1.0


def test_plan_at_phases_linearly_and_enrols_over_the_first_half(small_strategy):
    p = small_strategy.programs[0]
    jan = plan_at(p, date(2026, 1, 31))
    assert jan["planned_completions"] == pytest.approx(31.0)
    assert jan["planned_participants"] == pytest.approx(62.0)  # 0.31 / 0.5 of 100
    assert jan["planned_hours"] == pytest.approx(31.0)
    assert jan["planned_spend"] == pytest.approx(3_100.0)
    assert jan["planned_application_rate"] == 0.6
    feb = plan_at(p, date(2026, 2, 28))
    assert feb["planned_participants"] == 100.0  # enrolment window over after day 50
    assert feb["planned_completions"] == pytest.approx(59.0)


def test_months_and_tables(small_strategy):
    p = small_strategy.programs[0]
    assert p.months == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert p.course_keys() == {"p1", "launch academy", "la-1"}
    row = portfolio_table(small_strategy.programs).iloc[0]
    assert (row["program"], row["budget"], row["months"], row["milestones"]) == (
        "p1", 10_000.0, 4, 3)
    ms = milestone_table(small_strategy.programs)
    assert ms["done"].tolist() == ["2026-01-18", "", ""]


def test_strategy_register_carries_the_smart_columns(small_strategy):
    register = small_strategy.register()
    assert register["smart"].tolist() == [True, True]
    assert list(register.columns[-5:]) == ["specific", "measurable", "achievable", "relevant",
                                           "time_bound"]
    assert small_strategy.program("p1").title == "Launch academy"
    with pytest.raises(KeyError):
        small_strategy.goal("nope")
