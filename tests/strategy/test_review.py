"""The review pack on the hand-checked program (see test_tracking.py for its numbers)."""

from datetime import date

import pytest

from ldkit.errors import ParameterError
from ldkit.strategy import Goal, Strategy, review_pack
from ldkit.strategy.raci import Raci
from ldkit.strategy.review import next_review, previous_review


def test_review_dates():
    assert previous_review(date(2026, 3, 31)) == date(2026, 2, 28)
    assert previous_review(date(2026, 3, 15)) == date(2026, 2, 15)
    assert previous_review(date(2026, 3, 31), "fortnightly") == date(2026, 3, 17)
    assert next_review(date(2026, 2, 28)) == date(2026, 3, 31)
    assert next_review(date(2026, 2, 28), "fortnightly") == date(2026, 3, 14)
    with pytest.raises(ParameterError, match="'every' parameter of previous_review"):
        previous_review(date(2026, 3, 31), "weekly")


def test_monthly_review(small_strategy, small_actuals):
    pack = review_pack(small_strategy, small_actuals, as_of=date(2026, 3, 31))
    assert (pack.previous, pack.next) == (date(2026, 2, 28), date(2026, 4, 30))
    change = pack.changes.iloc[0]
    assert (change["new_enrolments"], change["new_completions"]) == (0, 21)
    assert change["hours"] == 25.0
    assert change["spend"] == 25 * 50 + 2000
    assert (change["status_before"], change["status_now"], change["change"]) == (
        "amber", "red", "worse")
    assert pack.milestones[["milestone", "state"]].values.tolist() == [
        ["Pilot", "overdue"], ["Close", "due next"]]
    assert pack.off_track["program"].tolist() == ["p1"]
    actions = pack.actions["action"].tolist()
    assert len(actions) == 4
    assert actions[0].startswith("Agree a catch-up plan: 66 completions against 90 planned")
    assert actions[1].startswith("Follow up application on the job")
    assert actions[2].startswith("Completion forecast at due is 88% of the 100 expected")
    assert actions[3] == "Replan milestone 'Pilot' (due 2026-02-20)"
    assert set(pack.actions["owner"]) == {"Project manager"}
    assert set(pack.actions["by"]) == {"2026-04-30"}
    assert pack.status_counts() == {"green": 0, "amber": 0, "red": 1, "not started": 0}
    assert pack.findings[0] == ("1 program in the portfolio at 31 March 2026: 0 on track "
                                "(green), 0 amber, 1 red.")
    assert "Worse since the last review: Launch academy." in pack.findings
    assert "All 2 goals pass the SMART check." in pack.findings


def test_fortnightly_review(small_strategy, small_actuals):
    pack = review_pack(small_strategy, small_actuals, as_of=date(2026, 3, 31),
                       every="fortnightly")
    change = pack.changes.iloc[0]
    assert change["new_completions"] == 4   # March 18 to 21
    assert change["hours"] == 25.0           # March closes in the period
    assert pack.next == date(2026, 4, 14)


def test_goal_and_raci_actions(small_strategy, small_actuals):
    goals = (*small_strategy.goals,
             Goal("lg-2", "Coach", "learning", owner="Sales coach", aligned_to=("org",)))
    raci = Raci.from_assignments({"reporting": {"lead": "R"}}, roles={"lead": "Lead"})
    s = Strategy("s", goals, small_strategy.programs, raci=raci, hourly_rate=50.0)
    pack = review_pack(s, small_actuals, as_of=date(2026, 1, 31))
    rows = pack.actions[pack.actions["subject"].isin(["lg-2", "RACI"])]
    assert rows["action"].tolist() == [
        "Make the goal SMART: measurable: no metric; measurable: no baseline; measurable: no "
        "target; achievable: no sponsor; time-bound: no due date",
        "Reporting and analytics: no accountable role: give one role an A"]
    assert rows["owner"].tolist() == ["Sales coach", "head of learning"]
    assert any(f.startswith("1 of 3 goals fail the SMART check: lg-2") for f in pack.findings)
    assert any(f.startswith("The RACI has 1 problem") for f in pack.findings)
