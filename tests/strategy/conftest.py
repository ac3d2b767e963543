"""Shared fixtures of the strategy tests: a small hand-checkable strategy and the demo files."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from ldkit.strategy import Actuals, Goal, Milestone, Program, Strategy, default_raci


@pytest.fixture
def small_strategy() -> Strategy:
    """One organizational goal, one learning goal, one 100-day program (Jan 1 - Apr 10).

    Plan: 100 completions, 100 effort hours, budget 10,000 (hourly rate 50 on 100 hours =
    5,000, plus 5,000 external), expected application 0.6. Hand-checked elapsed shares at the
    month ends: Jan 31 = 31/100, Feb 28 = 59/100, Mar 31 = 90/100, Apr 10 = 1.
    """
    goals = (
        Goal("org", "Launch ready", "organizational", sponsor="CCO", owner="Sales head",
             metric="share certified", baseline=0.0, target=0.9, due=date(2026, 6, 30)),
        Goal("lg", "Certify", "learning", sponsor="CCO", owner="L&D lead",
             metric="share certified", baseline=0.1, target=0.9, due=date(2026, 4, 10),
             aligned_to=("org",)),
    )
    program = Program("p1", "Launch academy", date(2026, 1, 1), date(2026, 4, 10),
                      goals=("lg",), expected_participants=100, expected_application_rate=0.6,
                      budget=10_000, effort_hours=100, owner="Project manager",
                      lms_courses=("LA-1",),
                      milestones=(Milestone("Design", date(2026, 1, 20), date(2026, 1, 18)),
                                  Milestone("Pilot", date(2026, 2, 20)),
                                  Milestone("Close", date(2026, 4, 10))))
    return Strategy("small", goals, (program,), raci=default_raci(), hourly_rate=50.0)


def _lms_records(rows: list[dict]) -> pd.DataFrame:
    """LmsExport.records from short dicts (learner, course, enrolled, completed, ...)."""
    frame = pd.DataFrame(rows)
    out = pd.DataFrame({
        "row": range(2, len(frame) + 2),
        "learner": frame.get("learner", ""),
        "course": frame.get("course", "p1"),
        "course_title": frame.get("course_title", ""),
        "enrolled": pd.to_datetime(frame.get("enrolled")),
        "completed": pd.to_datetime(frame.get("completed")),
        "status": frame.get("status", ""),
        "applied": pd.array(frame.get("applied", [None] * len(frame)), dtype="boolean"),
    })
    for column in ("learner", "course", "course_title", "status"):
        out[column] = out[column].fillna("").astype(str)
    return out


@pytest.fixture
def lms_records():
    """Build LmsExport.records from short dicts (learner, course, enrolled, completed...)."""
    return _lms_records


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory) -> dict:
    """Demo Bio's strategy, LMS export and time tracking (default seed), written once."""
    from ldkit.strategy import write_demo_strategy

    return write_demo_strategy(tmp_path_factory.mktemp("strategy-demo"))


def completion_days():
    jan = [f"2026-01-{d:02d}" for d in range(2, 27)]           # 25
    feb = [f"2026-02-{d:02d}" for d in range(1, 21)]           # 20
    mar = [f"2026-03-{d:02d}" for d in range(1, 22)]           # 21
    return jan + feb + mar


@pytest.fixture
def small_actuals() -> Actuals:
    """Actuals of the small program (see tests/strategy/test_tracking.py for the numbers)."""
    days = completion_days()
    applied = [True] * 6 + [False] * 4 + [pd.NA] * 15 + [False] * 4 + [pd.NA] * 37
    completions = pd.DataFrame({
        "learner": [f"L{i}" for i in range(80)], "program": "p1",
        "enrolled": pd.to_datetime(["2026-01-02"] * 80),
        "completed": pd.to_datetime(days + [None] * 14),
        "applied": pd.array(applied + [pd.NA] * 14, dtype="boolean"),
        "row": range(2, 82),
    })
    hours = pd.DataFrame({"person": "A", "program": "p1",
                          "month": ["2026-01", "2026-02", "2026-03"],
                          "hours": [30.0, 30.0, 25.0], "cost": [1000.0, 1000.0, 2000.0],
                          "row": [2, 3, 4]})
    return Actuals(completions, hours, pd.DataFrame(), pd.DataFrame())
