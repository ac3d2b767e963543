"""Plan against actual per program and month: variances, red/amber/green status, forecast.

:func:`plan_vs_actual` takes a snapshot of every program at the end of each
month from its start to the review date (the last snapshot is the review
date itself): the plan to date (:func:`ldkit.strategy.portfolio.plan_at`,
linear phasing) and the actuals to date, cumulative:

==========================  ==================================================
participants                learners enrolled on or before the date
completions                 learners who completed on or before the date
hours, spend                hours of the time-tracking months that ended on or
                            before the date; spend = hours x hourly_rate + cost
application_rate            share of completers to date who answered "applied"
                            on the follow-up; blank (suppressed) when fewer
                            than ``min_group_size`` answered, or when the
                            snapshot would reveal the answers of fewer than
                            ``min_group_size`` people by difference with a
                            later one shown (:func:`ldkit.disclosure.
                            suppress_cumulative`)
==========================  ==================================================

Variances are relative to the plan to date: ``completion_variance`` =
(completions - planned) / planned (negative = behind), likewise
``hours_variance`` and ``spend_variance`` (positive = over);
``application_gap`` = application rate - expected rate (in points of share).

Status (:func:`rag_status`) is the worst of three signals, with these
thresholds (module constants):

=========================  ===========================  ===========================
signal                     amber when worse than        red when worse than
=========================  ===========================  ===========================
completions behind plan    10% (COMPLETION_AMBER)       25% (COMPLETION_RED)
spend above plan           10% (SPEND_AMBER)            25% (SPEND_RED)
application below expected 10 points (APPLICATION_      20 points (APPLICATION_RED)
                           AMBER)
=========================  ===========================  ===========================

Green otherwise: completions within 10% of plan, spend within 10% of plan,
application within 10 points of expected. A signal without a base is not
judged: completions while fewer than 1 completion is planned, spend while
nothing is planned and nothing spent, application while suppressed.
Underspend and effort hours are reported but do not set the status. A
program whose start is after the date is ``not started``.

The forecast (:func:`forecast_completions`) is a **linear run rate of the
last 3 months** (FORECAST_MONTHS): completions gained over the last three
monthly snapshots / 3 (fewer months for a younger program, counting from 0
before its start), times the whole months left to the due month, added to
the completions to date.

Examples
--------
>>> rag_status(completion_variance=-0.08, spend_variance=0.05, application_gap=None)
'green'
>>> rag_status(completion_variance=-0.18, spend_variance=0.05, application_gap=None)
'amber'
>>> rag_status(completion_variance=-0.08, spend_variance=0.30, application_gap=-0.05)
'red'
>>> forecast_completions([10, 25, 40, 52], months_remaining=2)  # (52 - 10) / 3 = 14 a month
(14.0, 80.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from ldkit._params import check_number
from ldkit.disclosure import check_min_group_size, suppress_cumulative
from ldkit.strategy.actuals import Actuals
from ldkit.strategy.portfolio import Program, Strategy, plan_at

__all__ = [
    "APPLICATION_AMBER",
    "APPLICATION_RED",
    "COMPLETION_AMBER",
    "COMPLETION_RED",
    "FORECAST_MONTHS",
    "SPEND_AMBER",
    "SPEND_RED",
    "STATUSES",
    "TRACKING_COLUMNS",
    "forecast_completions",
    "month_end",
    "plan_vs_actual",
    "program_status",
    "rag_status",
    "status_reasons",
]

COMPLETION_AMBER = 0.10
"""Completions more than 10% behind the plan to date: amber."""
COMPLETION_RED = 0.25
"""Completions more than 25% behind the plan to date: red."""
SPEND_AMBER = 0.10
"""Spend more than 10% above the plan to date: amber."""
SPEND_RED = 0.25
"""Spend more than 25% above the plan to date: red."""
APPLICATION_AMBER = 0.10
"""Application rate more than 10 points (0.10) below the expected rate: amber."""
APPLICATION_RED = 0.20
"""Application rate more than 20 points below the expected rate: red."""
FORECAST_MONTHS = 3
"""Months of run rate behind the completion forecast."""
MIN_PLANNED_COMPLETIONS = 1.0
"""Completions are judged once at least this many are planned to date."""
STATUSES = ("green", "amber", "red", "not started")

TRACKING_COLUMNS = [
    "program", "month", "date", "planned_participants", "participants",
    "planned_completions", "completions", "completion_variance", "planned_hours", "hours",
    "hours_variance", "planned_spend", "spend", "spend_variance", "planned_application_rate",
    "application_rate", "application_responses", "application_gap", "status",
]


def _finite(x: float | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def rag_status(*, completion_variance: float | None, spend_variance: float | None,
               application_gap: float | None) -> str:
    """Red, amber or green from the three signals (None or NaN: not judged).

    See the module docstring for the thresholds. A value exactly on a
    threshold takes the better status (10% behind is still green).
    """
    level = 0
    signals = ((completion_variance, -1, COMPLETION_AMBER, COMPLETION_RED),
               (spend_variance, 1, SPEND_AMBER, SPEND_RED),
               (application_gap, -1, APPLICATION_AMBER, APPLICATION_RED))
    for value, sign, amber, red in signals:
        if not _finite(value):
            continue
        worse = sign * float(value)  # positive = worse than plan
        eps = 1e-9
        if worse > red + eps:
            level = max(level, 2)
        elif worse > amber + eps:
            level = max(level, 1)
    return ("green", "amber", "red")[level]


def status_reasons(row: pd.Series | dict) -> str:
    """Plain words for the signals of a tracking row that are not green ("" if none).

    Examples
    --------
    >>> status_reasons({"completion_variance": -0.32, "spend_variance": 0.12,
    ...                 "application_gap": None})
    'completions 32% behind plan; spend 12% above plan'
    """
    out = []
    cv, sv, ag = (row.get("completion_variance"), row.get("spend_variance"),
                  row.get("application_gap"))
    if _finite(cv) and -cv > COMPLETION_AMBER + 1e-9:
        out.append(f"completions {-cv:.0%} behind plan")
    if _finite(sv) and sv > SPEND_AMBER + 1e-9:
        out.append(f"spend {sv:.0%} above plan")
    if _finite(ag) and -ag > APPLICATION_AMBER + 1e-9:
        out.append(f"application {-ag * 100:.0f} points below expected")
    return "; ".join(out)


def forecast_completions(cumulative: Sequence[float], months_remaining: int, *,
                         window: int = FORECAST_MONTHS) -> tuple[float, float]:
    """Run rate and forecast of completions at the due date.

    Parameters
    ----------
    cumulative : sequence of float
        Cumulative completions at the end of each month since the program
        started, the last being the review date.
    months_remaining : int
        Whole months from the review month to the due month (0 when due).
    window : int
        Months of run rate (default :data:`FORECAST_MONTHS`).

    Returns
    -------
    (run_rate, forecast) : tuple of float
        run_rate = (last - value ``window`` months before) / window, counting
        0 before the first month; forecast = last + run_rate x months_remaining.

    Examples
    --------
    >>> forecast_completions([5, 12], months_remaining=4)  # 12 / 2 = 6 a month
    (6.0, 36.0)
    """
    check_number("window", window, func="forecast_completions", low=1, integer=True)
    check_number("months_remaining", months_remaining, func="forecast_completions", low=0,
                 integer=True)
    values = [float(v) for v in cumulative]
    if not values:
        return 0.0, 0.0
    span = min(window, len(values))
    before = values[-span - 1] if len(values) > span else 0.0
    rate = (values[-1] - before) / span
    return rate, values[-1] + rate * months_remaining


def month_end(month: str | pd.Period) -> date:
    """The last day of a month (``"2026-02"`` -> 2026-02-28)."""
    return pd.Period(month, freq="M").end_time.date()


def _ratio(actual: float, planned: float, *, min_plan: float = 0.0) -> float:
    if planned > min_plan and planned > 0:
        return (actual - planned) / planned
    if planned <= 0 and actual > 0 and min_plan == 0.0:
        return math.inf
    return math.nan


def _snapshot_dates(program: Program, as_of: date, last_activity: date | None) -> list[date]:
    start = pd.Period(program.start, freq="M")
    review = pd.Period(as_of, freq="M")
    last = max(pd.Period(program.due, freq="M"),
               pd.Period(last_activity, freq="M") if last_activity else start)
    last = min(last, review)
    if start > review:
        return []
    dates = [m.end_time.date() for m in pd.period_range(start, last, freq="M")]
    return [min(d, as_of) for d in dates]


def plan_vs_actual(strategy: Strategy, actuals: Actuals, *, as_of: date,
                   min_group_size: int = 5, show_counts: bool = False) -> pd.DataFrame:
    """Plan against actual per program and month (see the module docstring).

    Parameters
    ----------
    strategy : Strategy
    actuals : Actuals
        From :func:`ldkit.strategy.actuals.match_actuals`.
    as_of : date
        The review date; the last snapshot of each program.
    min_group_size : int
        Application rates of fewer respondents are suppressed (blank), and so
        is an earlier snapshot that differs from a later one shown by fewer
        respondents (the rule of :mod:`ldkit.disclosure` for cumulative series).
    show_counts : bool
        Show ``application_responses`` of a suppressed snapshot (default False).

    Returns
    -------
    DataFrame
        One row per program and month (:data:`TRACKING_COLUMNS`); programs
        that start after ``as_of`` have no rows. A program past its due date
        has rows up to its due month, or to its last activity if later.
    """
    min_n = check_min_group_size(min_group_size, func="plan_vs_actual")
    comp = actuals.completions
    hours = actuals.hours
    rows = []
    rate = float(strategy.hourly_rate)
    for p in strategy.programs:
        mine = comp[comp["program"] == p.id]
        enrolled = np.sort(pd.to_datetime(mine["enrolled"]).dropna().to_numpy("datetime64[D]"))
        done = mine[mine["completed"].notna()]
        completed = pd.to_datetime(done["completed"]).to_numpy("datetime64[D]")
        order = np.argsort(completed, kind="stable")
        completed = completed[order]
        applied = done["applied"].astype("boolean")
        answered = applied.notna().to_numpy(bool)[order]
        said_yes = applied.fillna(False).to_numpy(bool)[order]
        h = hours[hours["program"] == p.id]
        h_end = np.array([np.datetime64(month_end(m), "D") for m in h["month"]],
                         dtype="datetime64[D]")
        h_hours = h["hours"].to_numpy(float)
        h_spend = h_hours * rate + h["cost"].to_numpy(float)
        activity = [x.max() for x in (enrolled, completed, h_end) if len(x)]
        last_activity = pd.Timestamp(max(activity)).date() if activity else None
        for d in _snapshot_dates(p, as_of, last_activity):
            day = np.datetime64(d, "D")
            plan = plan_at(p, d)
            k = int(np.searchsorted(completed, day, side="right"))
            responses = int(answered[:k].sum())
            app = float(said_yes[:k].sum()) / responses if responses > 0 else math.nan
            closed = h_end <= day
            row = {
                "program": p.id, "month": str(pd.Period(d, freq="M")), "date": d.isoformat(),
                **{k2: v for k2, v in plan.items() if k2 != "planned_application_rate"},
                "participants": int(np.searchsorted(enrolled, day, side="right")),
                "completions": k,
                "hours": float(h_hours[closed].sum()),
                "spend": float(h_spend[closed].sum()),
                "planned_application_rate": plan["planned_application_rate"],
                "application_rate": app,
                "application_responses": responses,
            }
            row["completion_variance"] = _ratio(k, plan["planned_completions"],
                                                min_plan=MIN_PLANNED_COMPLETIONS - 1e-9)
            row["hours_variance"] = _ratio(row["hours"], plan["planned_hours"])
            row["spend_variance"] = _ratio(row["spend"], plan["planned_spend"])
            rows.append(row)
    frame = pd.DataFrame(rows, columns=TRACKING_COLUMNS)
    frame = suppress_cumulative(frame, min_group_size=min_n, n="application_responses",
                                values=["application_rate"], series=["program"], order="date",
                                show_counts=show_counts)
    frame["application_gap"] = (frame["application_rate"]
                                - frame["planned_application_rate"]).astype(float)
    frame["status"] = [rag_status(completion_variance=r.completion_variance,
                                  spend_variance=r.spend_variance,
                                  application_gap=r.application_gap)
                       for r in frame.itertuples(index=False)]
    return frame


STATUS_COLUMNS = [
    "program", "title", "status", "reasons", "expected_participants", "participants",
    "planned_completions", "completions", "completion_variance", "budget", "planned_spend",
    "spend", "spend_variance", "planned_hours", "hours", "hours_variance",
    "planned_application_rate", "application_rate", "run_rate", "months_remaining",
    "forecast_completions", "forecast_share", "due",
]


def program_status(strategy: Strategy, tracking: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Each program's status at ``as_of``, with reasons and the completion forecast.

    Parameters
    ----------
    strategy : Strategy
    tracking : DataFrame
        :func:`plan_vs_actual` at the same ``as_of``.
    as_of : date

    Returns
    -------
    DataFrame
        One row per program in portfolio order (``STATUS_COLUMNS``): the last
        snapshot's plan, actuals and variances; status and reasons; run_rate,
        months_remaining, forecast_completions and forecast_share
        (forecast / expected participants).
    """
    review = pd.Period(as_of, freq="M")
    rows = []
    for p in strategy.programs:
        mine = tracking[tracking["program"] == p.id]
        base = {"program": p.id, "title": p.title,
                "expected_participants": int(p.expected_participants),
                "budget": float(p.budget), "due": p.due.isoformat(),
                "planned_application_rate": float(p.expected_application_rate)}
        remaining = max(0, (pd.Period(p.due, freq="M") - review).n)
        if mine.empty:
            rows.append({**base, "status": "not started", "reasons": f"starts {p.start}",
                         "participants": 0, "completions": 0, "planned_completions": 0.0,
                         "planned_spend": 0.0, "spend": 0.0, "planned_hours": 0.0,
                         "hours": 0.0, "run_rate": 0.0, "months_remaining": remaining,
                         "forecast_completions": math.nan, "forecast_share": math.nan})
            continue
        last = mine.iloc[-1]
        run_rate, forecast = forecast_completions(mine["completions"].tolist(), remaining)
        expected = float(p.expected_participants)
        row = {**base, **{c: last[c] for c in (
            "participants", "planned_completions", "completions", "completion_variance",
            "planned_spend", "spend", "spend_variance", "planned_hours", "hours",
            "hours_variance", "application_rate")}}
        row.update(status=last["status"], reasons=status_reasons(last), run_rate=run_rate,
                   months_remaining=remaining, forecast_completions=forecast,
                   forecast_share=forecast / expected if expected > 0 else math.nan)
        rows.append(row)
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)
