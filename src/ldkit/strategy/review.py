"""The review pack: what changed since the last review, programs off track, actions.

A review happens every month or every fortnight (``every``). For a review
date D the previous review is D - 1 month (monthly; the previous month end
when D is a month end) or D - 14 days (fortnightly), and the next one D + 1
month or D + 14 days. :func:`review_pack` gathers:

- ``status``: each program's status at D (:func:`ldkit.strategy.tracking.program_status`);
- ``changes``: per program, what happened in the period (previous, D]:
  new enrolments and completions (LMS dates), hours and spend of the
  time-tracking months that ended in the period (time tracking is monthly,
  so a fortnightly review whose period closes no month shows none), and
  the status at the previous review against now;
- ``milestones``: milestones met or missed in the period, overdue ones, and
  those due before the next review;
- ``off_track``: the amber and red programs, with reasons;
- ``actions``: one row per thing to do before the next review, with an
  owner: a catch-up plan for each off-track signal, a reforecast where the
  completion forecast falls short of the expected participants by more than
  10%, a replan of each missed milestone, the completion of each goal that
  fails the SMART check, and an accountable role for each RACI problem.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from ldkit._params import check_choice
from ldkit.strategy.actuals import Actuals
from ldkit.strategy.portfolio import Strategy
from ldkit.strategy.tracking import (
    COMPLETION_AMBER,
    month_end,
    plan_vs_actual,
    program_status,
)

__all__ = ["REVIEW_EVERY", "ReviewPack", "next_review", "previous_review", "review_pack"]

REVIEW_EVERY = ("monthly", "fortnightly")
FORECAST_SHORTFALL = COMPLETION_AMBER
"""A forecast below (1 - 10%) of the expected participants asks for an action."""
_RANK = {"green": 0, "amber": 1, "red": 2}


def _is_month_end(d: date) -> bool:
    return d == month_end(pd.Period(d, freq="M"))


def previous_review(as_of: date, every: str = "monthly") -> date:
    """The date of the previous review.

    Examples
    --------
    >>> previous_review(date(2026, 3, 31)), previous_review(date(2026, 3, 15))
    (datetime.date(2026, 2, 28), datetime.date(2026, 2, 15))
    >>> previous_review(date(2026, 3, 31), "fortnightly")
    datetime.date(2026, 3, 17)
    """
    check_choice("every", every, REVIEW_EVERY, func="previous_review")
    if every == "fortnightly":
        return as_of - timedelta(days=14)
    if _is_month_end(as_of):
        return month_end(pd.Period(as_of, freq="M") - 1)
    return (pd.Timestamp(as_of) - pd.DateOffset(months=1)).date()


def next_review(as_of: date, every: str = "monthly") -> date:
    """The date of the next review (the next month end after a month-end review).

    Examples
    --------
    >>> next_review(date(2026, 1, 31)), next_review(date(2026, 1, 31), "fortnightly")
    (datetime.date(2026, 2, 28), datetime.date(2026, 2, 14))
    """
    check_choice("every", every, REVIEW_EVERY, func="next_review")
    if every == "fortnightly":
        return as_of + timedelta(days=14)
    if _is_month_end(as_of):
        return month_end(pd.Period(as_of, freq="M") + 1)
    return (pd.Timestamp(as_of) + pd.DateOffset(months=1)).date()


@dataclass(frozen=True)
class ReviewPack:
    """Everything a progress review needs (see the module docstring)."""

    as_of: date
    previous: date
    next: date
    every: str
    tracking: pd.DataFrame
    status: pd.DataFrame
    changes: pd.DataFrame
    milestones: pd.DataFrame
    off_track: pd.DataFrame
    actions: pd.DataFrame
    smart: pd.DataFrame
    raci_problems: pd.DataFrame
    counts: pd.DataFrame
    findings: tuple[str, ...] = field(default=())

    def status_counts(self) -> dict[str, int]:
        """Programs per status (green, amber, red, not started)."""
        counts = self.status["status"].value_counts()
        return {s: int(counts.get(s, 0)) for s in ("green", "amber", "red", "not started")}


def _changes(strategy: Strategy, actuals: Actuals, status: pd.DataFrame,
             before: pd.DataFrame, previous: date, as_of: date) -> pd.DataFrame:
    lo, hi = pd.Timestamp(previous), pd.Timestamp(as_of)
    comp = actuals.completions
    hours = actuals.hours
    rows = []
    for p in strategy.programs:
        mine = comp[comp["program"] == p.id]
        enrolled = pd.to_datetime(mine["enrolled"])
        completed = pd.to_datetime(mine["completed"])
        h = hours[hours["program"] == p.id]
        ends = pd.to_datetime([month_end(m) for m in h["month"]])
        in_period = np.asarray((ends > lo) & (ends <= hi), dtype=bool)
        spend = h["hours"].to_numpy(float) * strategy.hourly_rate + h["cost"].to_numpy(float)
        now = status.loc[status["program"] == p.id, "status"].iloc[0]
        was = before.loc[before["program"] == p.id, "status"].iloc[0]
        if now == was:
            change = "same"
        elif was == "not started":
            change = "started"
        elif now in _RANK and was in _RANK:
            change = "worse" if _RANK[now] > _RANK[was] else "better"
        else:
            change = "changed"
        rows.append({
            "program": p.id, "title": p.title,
            "new_enrolments": int(((enrolled > lo) & (enrolled <= hi)).sum()),
            "new_completions": int(((completed > lo) & (completed <= hi)).sum()),
            "hours": float(h["hours"].to_numpy(float)[in_period].sum()),
            "spend": float(spend[in_period].sum()),
            "status_before": was, "status_now": now, "change": change,
        })
    return pd.DataFrame(rows, columns=["program", "title", "new_enrolments", "new_completions",
                                       "hours", "spend", "status_before", "status_now",
                                       "change"])


def _milestones(strategy: Strategy, previous: date, as_of: date, upcoming: date
                ) -> pd.DataFrame:
    rows = []
    for p in strategy.programs:
        for m in p.milestones:
            done = m.done if m.done is not None and m.done <= as_of else None
            if done is not None and previous < done <= as_of:
                state = "met" if done <= m.due else "met late"
            elif done is None and m.due <= as_of:
                state = "missed" if m.due > previous else "overdue"
            elif done is None and as_of < m.due <= upcoming:
                state = "due next"
            else:
                continue
            rows.append({"program": p.id, "milestone": m.name, "due": m.due.isoformat(),
                         "done": done.isoformat() if done else "", "state": state})
    order = {"missed": 0, "overdue": 1, "met late": 2, "met": 3, "due next": 4}
    frame = pd.DataFrame(rows, columns=["program", "milestone", "due", "done", "state"])
    return frame.sort_values(["state", "due"], key=lambda s: s.map(order) if s.name == "state"
                             else s, kind="stable").reset_index(drop=True)


def _actions(strategy: Strategy, status: pd.DataFrame, milestones: pd.DataFrame,
             smart: pd.DataFrame, raci_problems: pd.DataFrame, by: date) -> pd.DataFrame:
    rows: list[tuple[str, str, str, str]] = []
    owner_of = {p.id: p.owner or "program owner" for p in strategy.programs}
    by_text = by.isoformat()
    for r in status.itertuples(index=False):
        if r.status in ("amber", "red"):
            owner = owner_of[r.program]
            cv, sv = r.completion_variance, r.spend_variance
            if isinstance(cv, float) and math.isfinite(cv) and -cv > COMPLETION_AMBER:
                rows.append((r.program, f"Agree a catch-up plan: {r.completions:.0f} "
                             f"completions against {r.planned_completions:.0f} planned to date "
                             "(reminders, manager nudges, extra sessions)", owner, by_text))
            if isinstance(sv, float) and math.isfinite(sv) and sv > COMPLETION_AMBER:
                rows.append((r.program, f"Reforecast spend: {sv:.0%} above plan to date; "
                             "agree the overrun or the savings with the sponsor", owner,
                             by_text))
            if "application" in str(r.reasons):
                rows.append((r.program, "Follow up application on the job with line "
                             "managers (coaching, job aids, a 30-day check-in)", owner, by_text))
        share = r.forecast_share
        if (r.status != "not started" and isinstance(share, float) and math.isfinite(share)
                and share < 1 - FORECAST_SHORTFALL and r.months_remaining > 0):
            rows.append((r.program, f"Completion forecast at due is {share:.0%} of the "
                         f"{r.expected_participants} expected: add cohorts, extend the window "
                         "or revise the target", owner_of[r.program], by_text))
    for m in milestones.itertuples(index=False):
        if m.state in ("missed", "overdue"):
            rows.append((m.program, f"Replan milestone '{m.milestone}' (due {m.due})",
                         owner_of[m.program], by_text))
    goals = {g.id: g for g in strategy.goals}
    for s in smart.itertuples(index=False):
        if not s.smart:
            g = goals[s.goal]
            rows.append((s.goal, f"Make the goal SMART: {s.failures.lower()}",
                         g.owner or g.sponsor or "strategy lead", by_text))
    if strategy.raci is not None:
        for q in raci_problems.itertuples(index=False):
            name = strategy.raci.activity_names.get(q.activity, q.activity)
            rows.append(("RACI", f"{name}: {q.problem}", "head of learning", by_text))
    return pd.DataFrame(rows, columns=["subject", "action", "owner", "by"])


def _findings(pack_status: pd.DataFrame, changes: pd.DataFrame, smart: pd.DataFrame,
              raci_problems: pd.DataFrame, milestones: pd.DataFrame, as_of: date,
              counts: pd.DataFrame) -> list[str]:
    out: list[str] = []
    running = pack_status[pack_status["status"] != "not started"]
    tally = running["status"].value_counts()
    n = len(pack_status)
    out.append(f"{n} program{'s' if n != 1 else ''} in the portfolio at {as_of:%d %B %Y}: "
               f"{int(tally.get('green', 0))} on track (green), {int(tally.get('amber', 0))} "
               f"amber, {int(tally.get('red', 0))} red"
               + (f", {n - len(running)} not started" if n > len(running) else "") + ".")
    for r in running[running["status"] == "red"].itertuples(index=False):
        out.append(f"{r.title} is red: {r.reasons}.")
    for r in running[running["status"] == "amber"].itertuples(index=False):
        out.append(f"{r.title} is amber: {r.reasons}.")
    live = running[running["forecast_share"].notna()]
    expected = float(live["expected_participants"].sum())
    if expected > 0:
        forecast = float(np.minimum(live["forecast_completions"],
                                    live["expected_participants"]).sum())
        out.append(f"Completion forecast at the due dates: {forecast:,.0f} of {expected:,.0f} "
                   f"expected participants ({forecast / expected:.0%}; run rate of the last "
                   "3 months, counted up to each program's target).")
    worse = changes[changes["change"] == "worse"]
    if len(worse):
        out.append("Worse since the last review: " + ", ".join(worse["title"]) + ".")
    missed = milestones[milestones["state"].isin(["missed", "overdue"])]
    if len(missed):
        out.append(f"{len(missed)} milestone{'s' if len(missed) != 1 else ''} missed or "
                   "overdue.")
    failing = smart[~smart["smart"]]
    if len(failing):
        out.append(f"{len(failing)} of {len(smart)} goals fail the SMART check: "
                   + "; ".join(f"{g} ({f})" for g, f in zip(failing["goal"],
                                                            failing["failures"], strict=True))
                   + ".")
    else:
        out.append(f"All {len(smart)} goals pass the SMART check.")
    if len(raci_problems):
        out.append(f"The RACI has {len(raci_problems)} problem"
                   f"{'s' if len(raci_problems) != 1 else ''}: "
                   + "; ".join(f"{a}: {p}" for a, p in zip(raci_problems["activity"],
                                                           raci_problems["problem"],
                                                           strict=True)) + ".")
    excluded = counts[counts["count"].str.startswith("excluded")]["n"].sum() if len(counts) else 0
    read = counts[counts["count"] == "rows read"]["n"].sum() if len(counts) else 0
    if read:
        out.append(f"{int(read):,} rows of LMS and time-tracking actuals read; "
                   f"{int(excluded):,} excluded, each with its reason.")
    return out


def review_pack(strategy: Strategy, actuals: Actuals, *, as_of: date, every: str = "monthly",
                min_group_size: int = 5) -> ReviewPack:
    """Build the review pack at ``as_of`` (see the module docstring).

    Parameters
    ----------
    strategy : Strategy
    actuals : Actuals
    as_of : date
        The review date (usually a month end).
    every : str
        ``"monthly"`` or ``"fortnightly"``.
    min_group_size : int
        Application rates of fewer respondents are suppressed.

    Returns
    -------
    ReviewPack
    """
    check_choice("every", every, REVIEW_EVERY, func="review_pack")
    previous = previous_review(as_of, every)
    upcoming = next_review(as_of, every)
    tracking = plan_vs_actual(strategy, actuals, as_of=as_of, min_group_size=min_group_size)
    status = program_status(strategy, tracking, as_of=as_of)
    before = program_status(strategy, plan_vs_actual(strategy, actuals, as_of=previous,
                                                     min_group_size=min_group_size),
                            as_of=previous)
    changes = _changes(strategy, actuals, status, before, previous, as_of)
    milestones = _milestones(strategy, previous, as_of, upcoming)
    smart = strategy.register()[["goal", "level", "specific", "measurable", "achievable",
                                 "relevant", "time_bound", "smart", "failures"]]
    from ldkit.strategy.raci import check_raci

    raci_problems = (check_raci(strategy.raci) if strategy.raci is not None
                     else pd.DataFrame(columns=["activity", "problem"]))
    off_track = status[status["status"].isin(["amber", "red"])].reset_index(drop=True)
    actions = _actions(strategy, status, milestones, smart, raci_problems, upcoming)
    findings = _findings(status, changes, smart, raci_problems, milestones, as_of,
                         actuals.counts)
    return ReviewPack(as_of, previous, upcoming, every, tracking, status, changes, milestones,
                      off_track, actions, smart, raci_problems, actuals.counts, tuple(findings))
