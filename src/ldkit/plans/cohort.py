"""The cohort view of a plan set, and the LMS assignment file for bulk enrolment.

:func:`cohort_view` answers what the learning team must organize and pay for:
seats per activity and month (and the cohorts that makes at the catalog's
capacity), total hours and cost, the 70-20-10 mix achieved against the target,
the share of the needs-analysis gaps the plans cover, and every learner
without a plan with the reason. :func:`lms_assignments` lists learner,
activity id and due date, one row per plan item, as LMS bulk-enrolment
imports take it; :func:`write_lms_csv` writes it.

Everything here is an aggregate except ``without_plan`` and the LMS file,
which name learners by their pseudonymous id: they belong with the per-learner
documents, not in a client-wide report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ldkit._params import param_error
from ldkit.plans.build import PlanSet
from ldkit.plans.catalog import MODALITIES, Catalog

__all__ = ["LMS_COLUMNS", "CohortView", "cohort_view", "lms_assignments", "write_lms_csv"]

LMS_COLUMNS = ["learner", "activity_id", "activity_title", "start_date", "due_date"]
"""Columns of the LMS assignment file; ``learner``, ``activity_id`` and ``due_date``
are what bulk enrolment needs, the title and start date help the reviewer."""


@dataclass(frozen=True)
class CohortView:
    """What the plans of a cohort add up to (see :func:`cohort_view`).

    Attributes
    ----------
    seats : DataFrame
        activity, title, format, modality, month (``YYYY-MM``, the month an item
        starts), seats, capacity, cohorts (seats / capacity rounded up; NaN
        when the activity has no cohort capacity).
    seats_by_month : DataFrame
        The seats as a grid: one row per activity, one column per month, a total.
    totals : DataFrame
        One row per measure: learners, planned, no plan needed, infeasible, plan
        items, total hours, total cost, mean hours and cost per planned learner.
    mix : DataFrame
        modality, target, achieved (hours-weighted over all plans), learners
        within tolerance, share within tolerance.
    coverage : DataFrame
        Per capability: gap goals, covered (a plan item develops the goal),
        share covered; the last row is the total.
    without_plan : DataFrame
        learner, status, reason: every learner whose status is not ``planned``.
    without_plan_reasons : DataFrame
        status, reason, learners: the same, counted (no identifiers).
    """

    seats: pd.DataFrame
    seats_by_month: pd.DataFrame
    totals: pd.DataFrame
    mix: pd.DataFrame
    coverage: pd.DataFrame
    without_plan: pd.DataFrame
    without_plan_reasons: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (the aggregate ones first)."""
        return {"totals": self.totals, "mix": self.mix, "coverage": self.coverage,
                "seats": self.seats, "seats_by_month": self.seats_by_month,
                "without_plan_reasons": self.without_plan_reasons,
                "without_plan": self.without_plan}


def _month(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m")


def cohort_view(plans: PlanSet, catalog: Catalog | None = None, *,
                names: Mapping[str, str] | None = None) -> CohortView:
    """Seats, hours, cost, mix and coverage of a plan set.

    Parameters
    ----------
    plans : PlanSet
    catalog : Catalog, optional
        For each activity's cohort capacity (seats per cohort); without it the
        ``cohorts`` column is empty.
    names : mapping, optional
        Capability id -> display name, for the coverage table.

    Examples
    --------
    One learner, two items starting in January and February:

    >>> from ldkit.plans.build import PlanOptions
    >>> items = pd.DataFrame({
    ...     "learner": ["a", "a"], "goal_rank": [1, 1], "capability": ["x", "x"],
    ...     "activity": ["w", "m"], "title": ["Workshop", "Mentoring"],
    ...     "modality": ["formal", "social"], "format": ["workshop", "mentoring"],
    ...     "start": pd.to_datetime(["2026-01-05", "2026-02-02"]),
    ...     "due": pd.to_datetime(["2026-01-09", "2026-02-27"]),
    ...     "hours": [4.0, 6.0], "cost": [500.0, 0.0], "reason": ["", ""]})
    >>> status = pd.DataFrame({"learner": ["a"], "status": ["planned"], "reason": [""],
    ...     "hours": [10.0], "cost": [500.0], "mix_experiential": [0.0],
    ...     "mix_social": [0.6], "mix_formal": [0.4]})
    >>> goals = pd.DataFrame({"learner": ["a"], "rank": [1], "capability": ["x"],
    ...     "current": [1.0], "target": [2], "gap": [1.0], "weight": [1.0],
    ...     "priority": [1.0], "source": ["gap"]})
    >>> plans = PlanSet(goals, items, pd.DataFrame(columns=["learner", "date", "kind",
    ...     "detail"]), status, PlanOptions())
    >>> view = cohort_view(plans)
    >>> view.seats[["activity", "month", "seats"]].values.tolist()
    [['m', '2026-02', 1], ['w', '2026-01', 1]]
    >>> view.coverage[["capability", "goals", "covered"]].values.tolist()
    [['x', 1, 1], ['total', 1, 1]]
    """
    if not isinstance(plans, PlanSet):
        raise param_error("plans", "cohort_view", "a PlanSet (from build_plans)", plans)
    if catalog is not None and not isinstance(catalog, Catalog):
        raise param_error("catalog", "cohort_view", "a Catalog or None", catalog)
    names = dict(names or {})
    items, status, goals, opts = plans.items, plans.status, plans.goals, plans.options
    capacity = ({a.id: a.capacity for a in catalog.activities} if catalog is not None else {})

    # seats per activity and month
    if items.empty:
        seats = pd.DataFrame(columns=["activity", "title", "format", "modality", "month",
                                      "seats", "capacity", "cohorts"])
        grid = pd.DataFrame(columns=["activity", "title", "total"])
    else:
        frame = items.assign(month=_month(items["start"]))
        seats = (frame.groupby(["activity", "title", "format", "modality", "month"],
                               sort=True, observed=True)["learner"].nunique()
                 .rename("seats").reset_index())
        seats["capacity"] = seats["activity"].map(lambda a: capacity.get(a)).astype("Float64")
        seats["cohorts"] = [
            math.ceil(s / c) if c is not None and not pd.isna(c) and c > 0 else pd.NA
            for s, c in zip(seats["seats"], seats["capacity"], strict=False)]
        seats["cohorts"] = seats["cohorts"].astype("Int64")
        grid = seats.pivot_table(index=["activity", "title"], columns="month", values="seats",
                                 aggfunc="sum", fill_value=0)
        grid.columns = [str(c) for c in grid.columns]
        grid["total"] = grid.sum(axis=1)
        grid = grid.sort_values(["total"], ascending=False, kind="stable").reset_index()

    # totals
    counts = status["status"].value_counts()
    planned = status[status["status"] == "planned"]
    n_planned = int(counts.get("planned", 0))
    total_hours = float(planned["hours"].sum())
    total_cost = float(planned["cost"].sum())
    totals = pd.DataFrame([
        ("learners", len(status)),
        ("planned", n_planned),
        ("no plan needed", int(counts.get("no plan needed", 0))),
        ("infeasible", int(counts.get("infeasible", 0))),
        ("plan items", len(items)),
        ("total hours", total_hours),
        ("total cost", total_cost),
        ("mean hours per planned learner", total_hours / n_planned if n_planned else math.nan),
        ("mean cost per planned learner", total_cost / n_planned if n_planned else math.nan),
    ], columns=["measure", "value"])

    # mix achieved (hours-weighted) against target
    rows = []
    by_mod = items.groupby("modality")["hours"].sum() if not items.empty else pd.Series()
    hours_all = float(by_mod.sum()) if len(by_mod) else 0.0
    for m in MODALITIES:
        share = planned[f"mix_{m}"]
        within = ((share - opts.mix[m]).abs() <= opts.mix_tolerance + 1e-9).sum()
        rows.append((m, opts.mix[m],
                     float(by_mod.get(m, 0.0)) / hours_all if hours_all else math.nan,
                     int(within), within / n_planned if n_planned else math.nan))
    mix = pd.DataFrame(rows, columns=["modality", "target", "achieved",
                                      "learners_within_tolerance", "share_within_tolerance"])

    # coverage of the gap goals
    gap_goals = goals[goals["source"] == "gap"][["learner", "rank", "capability"]]
    if not items.empty and not gap_goals.empty:
        developed = items.dropna(subset=["goal_rank"])[["learner", "goal_rank"]]
        developed = developed.drop_duplicates().rename(columns={"goal_rank": "rank"})
        developed = developed.astype({"rank": gap_goals["rank"].dtype})
        marked = gap_goals.merge(developed.assign(covered=True), how="left",
                                 on=["learner", "rank"])
        marked["covered"] = marked["covered"].fillna(False).astype(bool)
    else:
        marked = gap_goals.assign(covered=False)
    coverage = (marked.groupby("capability", sort=True)
                .agg(goals=("covered", "size"), covered=("covered", "sum")).reset_index())
    coverage.loc[len(coverage)] = ["total", int(coverage["goals"].sum()),
                                   int(coverage["covered"].sum())]
    coverage["covered"] = coverage["covered"].astype(int)
    coverage["goals"] = coverage["goals"].astype(int)
    coverage["share_covered"] = (coverage["covered"] / coverage["goals"].where(
        coverage["goals"] > 0)).astype(float)
    coverage["capability"] = coverage["capability"].map(lambda c: names.get(c, c))

    without = status.loc[status["status"] != "planned", ["learner", "status", "reason"]]
    without = without.reset_index(drop=True)
    reasons = (without.groupby(["status", "reason"], sort=True).size().rename("learners")
               .reset_index() if not without.empty
               else pd.DataFrame(columns=["status", "reason", "learners"]))
    return CohortView(seats=seats, seats_by_month=grid, totals=totals, mix=mix,
                      coverage=coverage, without_plan=without, without_plan_reasons=reasons)


def lms_assignments(plans: PlanSet) -> pd.DataFrame:
    """One row per plan item: learner, activity_id, activity_title, start_date, due_date.

    Dates are ISO ``YYYY-MM-DD`` text (what LMS imports read without locale
    surprises); rows in learner then start order.
    """
    if not isinstance(plans, PlanSet):
        raise param_error("plans", "lms_assignments", "a PlanSet (from build_plans)", plans)
    items = plans.items
    out = pd.DataFrame({
        "learner": items["learner"].astype(str),
        "activity_id": items["activity"].astype(str),
        "activity_title": items["title"].astype(str),
        "start_date": pd.to_datetime(items["start"]).dt.strftime("%Y-%m-%d"),
        "due_date": pd.to_datetime(items["due"]).dt.strftime("%Y-%m-%d"),
    }, columns=LMS_COLUMNS)
    return out.reset_index(drop=True)


def write_lms_csv(plans: PlanSet, path: str | Path, *,
                  learner_ids: Mapping[Any, str] | None = None) -> Path:
    """Write :func:`lms_assignments` as a UTF-8 CSV (atomically) and return its path.

    ``learner_ids`` maps each pseudonymous learner to the LMS user id (e.g.
    the employee number from the client's own roster) when the LMS needs it;
    a learner missing from the mapping is an error, never a silent drop.
    """
    from ldkit.errors import InputError
    from ldkit.io import atomic_write_csv

    table = lms_assignments(plans)
    if learner_ids is not None:
        missing = sorted(set(table["learner"]) - {str(k) for k in learner_ids})
        if missing:
            raise InputError(f"{len(missing)} learners have no LMS user id, e.g. {missing[0]}",
                             hint="add them to the learner_ids mapping (roster)")
        ids = {str(k): str(v) for k, v in learner_ids.items()}
        table["learner"] = table["learner"].map(ids)
    return atomic_write_csv(table, path, encoding="utf-8")
