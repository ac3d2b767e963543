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
documents, not in a client-wide report. The aggregates follow the minimum
group size of :mod:`ldkit.disclosure`: coverage per capability hides a
capability with fewer gap goals (and a second one, since the total row sums
them); the mix and the hours and cost totals are hidden when fewer learners
are planned. Counts of learners in the operational tables (seats per activity
and month, learners without a plan by reason) are the organizing facts the
learning team needs and carry no rating; they are shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ldkit._params import param_error
from ldkit.disclosure import check_min_group_size, is_small, suppress
from ldkit.plans.build import _CLOSING_FORMATS as CLOSING_FORMATS
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
        Per capability: gap goals, covered (some plan item of the learner
        develops the goal), share covered, suppressed; the last row is the total.
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
                names: Mapping[str, str] | None = None, min_group_size: int = 5,
                show_counts: bool = False) -> CohortView:
    """Seats, hours, cost, mix and coverage of a plan set.

    Parameters
    ----------
    plans : PlanSet
    catalog : Catalog, optional
        For each activity's cohort capacity (seats per cohort), and for
        coverage: with it, a goal is covered when any item of the learner's
        plan develops it (the activity suits the goal's capability at the
        learner's current level, rounded down, as :func:`build_plans` decides);
        without it, when an item was chosen for the goal or is recorded against
        its capability. Without the catalog the ``cohorts`` column is empty.
    names : mapping, optional
        Capability id -> display name, for the coverage table.
    min_group_size : int
        The minimum group size (:mod:`ldkit.disclosure`), default 5.
    show_counts : bool
        Show the number of goals of a hidden capability (default False).

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
    >>> view = cohort_view(plans, min_group_size=1)
    >>> view.seats[["activity", "month", "seats"]].values.tolist()
    [['m', '2026-02', 1], ['w', '2026-01', 1]]
    >>> view.coverage[["capability", "goals", "covered"]].values.tolist()
    [['x', 1, 1], ['total', 1, 1]]
    """
    if not isinstance(plans, PlanSet):
        raise param_error("plans", "cohort_view", "a PlanSet (from build_plans)", plans)
    if catalog is not None and not isinstance(catalog, Catalog):
        raise param_error("catalog", "cohort_view", "a Catalog or None", catalog)
    k = check_min_group_size(min_group_size, func="cohort_view")
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
    few = is_small(n_planned, min_group_size=k)  # aggregates of the planned learners
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
    if few:
        totals.loc[totals["measure"].isin(["total hours", "total cost",
                                           "mean hours per planned learner",
                                           "mean cost per planned learner"]), "value"] = math.nan

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
    if few:
        mix["learners_within_tolerance"] = mix["learners_within_tolerance"].astype("Int64")
        mix["learners_within_tolerance"] = pd.NA
        mix["achieved"] = mix["share_within_tolerance"] = math.nan

    # coverage of the gap goals: a goal is covered when any item of the plan develops it
    coverage = _coverage(goals, items, catalog, names, min_group_size=k,
                         show_counts=show_counts)

    without = status.loc[status["status"] != "planned", ["learner", "status", "reason"]]
    without = without.reset_index(drop=True)
    reasons = (without.groupby(["status", "reason"], sort=True).size().rename("learners")
               .reset_index() if not without.empty
               else pd.DataFrame(columns=["status", "reason", "learners"]))
    return CohortView(seats=seats, seats_by_month=grid, totals=totals, mix=mix,
                      coverage=coverage, without_plan=without, without_plan_reasons=reasons)


def _coverage(goals: pd.DataFrame, items: pd.DataFrame, catalog: Catalog | None,
              names: Mapping[str, str], *, min_group_size: int,
              show_counts: bool) -> pd.DataFrame:
    """Per capability: gap goals, covered, share covered, then the total; suppressed."""
    gap_goals = goals.loc[goals["source"] == "gap", ["learner", "rank", "capability",
                                                     "current"]].reset_index(drop=True)
    covered = pd.Series(False, index=gap_goals.index)
    if not items.empty and not gap_goals.empty:
        pairs = gap_goals.reset_index().merge(
            items[["learner", "goal_rank", "capability", "activity"]].rename(
                columns={"capability": "item_capability"}), on="learner", how="inner")
        chosen_for = pairs["goal_rank"].astype("Float64") == pairs["rank"].astype("Float64")
        hit = chosen_for.fillna(False).astype(bool)
        if catalog is not None:
            acts = {a.id: a for a in catalog.activities}

            def develops(activity: str, capability: str, current: float) -> bool:
                a = acts.get(activity)
                if a is None or a.format in CLOSING_FORMATS or pd.isna(current):
                    return False
                return a.suits(capability, math.floor(float(current) + 1e-9))

            hit |= pd.Series([develops(a, c, v) for a, c, v in zip(
                pairs["activity"], pairs["capability"], pairs["current"], strict=True)],
                index=pairs.index, dtype=bool)
        else:
            hit |= (pairs["item_capability"] == pairs["capability"]).to_numpy(bool)
        covered.loc[pairs.loc[hit, "index"].unique()] = True
    marked = gap_goals.assign(covered=covered)
    table = (marked.groupby("capability", sort=True)
             .agg(goals=("covered", "size"), covered=("covered", "sum")).reset_index())
    table.loc[len(table)] = ["total", int(table["goals"].sum()), int(table["covered"].sum())]
    table["covered"] = table["covered"].astype(int)
    table["goals"] = table["goals"].astype(int)
    table["share_covered"] = (table["covered"] / table["goals"].where(
        table["goals"] > 0)).astype(float)
    flags = [False] * (len(table) - 1) + [True]
    table["capability"] = [names.get(c, c) if not f else c
                           for c, f in zip(table["capability"], flags, strict=True)]
    return suppress(table, min_group_size=min_group_size, n="goals",
                    values=["covered", "share_covered"], parent=[], total=flags,
                    show_counts=show_counts)


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

    ``learner_ids`` maps each pseudonymous learner to the LMS's own user id (e.g.
    the employee number from the client's roster): the file then carries those ids,
    never pseudonyms. A learner missing from the mapping keeps a blank user id in its
    rows (the rows stay, in plan order) and is listed by the caller, never dropped.
    """
    from ldkit.io import atomic_write_csv

    table = lms_assignments(plans)
    if learner_ids is not None:
        ids = {str(k): str(v) for k, v in learner_ids.items()}
        table["learner"] = table["learner"].map(ids).fillna("")
    return atomic_write_csv(table, path, encoding="utf-8")
