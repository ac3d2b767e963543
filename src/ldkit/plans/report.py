"""The learning-plans part of the engagement report (from ``data/processed/plans``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

__all__ = ["plan_findings", "plan_sections", "plan_warnings"]


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"cohort_{name}.csv"
    return pd.read_csv(path) if path.exists() else pd.DataFrame()


def plan_findings(totals: pd.DataFrame, mix: pd.DataFrame, coverage: pd.DataFrame,
                  currency: str = "") -> list[str]:
    """Plain-language findings of the cohort view.

    >>> totals = pd.DataFrame({"measure": ["learners", "planned", "no plan needed",
    ...     "infeasible", "total hours", "total cost"], "value": [10, 8, 1, 1, 400, 9000]})
    >>> mix = pd.DataFrame({"modality": ["experiential", "social", "formal"],
    ...     "target": [0.7, 0.2, 0.1], "achieved": [0.65, 0.22, 0.13]})
    >>> coverage = pd.DataFrame({"capability": ["x", "total"], "goals": [20, 20],
    ...     "covered": [19, 19], "share_covered": [0.95, 0.95]})
    >>> for line in plan_findings(totals, mix, coverage, "EUR"):
    ...     print(line)  # doctest: +NORMALIZE_WHITESPACE
    Personal learning plans for 8 of 10 learners (1 needs none, 1 could not be planned
    within the limits): 400 hours and 9,000 EUR in total.
    Learning mix achieved 65/22/13 against the 70/20/10 target; the plans cover 95% of
    the 20 gap goals.
    """
    if totals.empty:
        return []
    value = dict(zip(totals["measure"], totals["value"], strict=False))
    n, planned = int(value["learners"]), int(value["planned"])
    none, infeasible = int(value.get("no plan needed", 0)), int(value.get("infeasible", 0))
    extra = []
    if none:
        extra.append(f"{none} need{'s' if none == 1 else ''} none")
    if infeasible:
        extra.append(f"{infeasible} could not be planned within the limits")
    money = f" {currency}" if currency else ""
    hours, cost = value.get("total hours"), value.get("total cost")
    sums = (f": {hours:,.0f} hours and {cost:,.0f}{money} in total." if pd.notna(hours)
            and pd.notna(cost) else ": hours and cost not shown (too few planned learners).")
    out = [f"Personal learning plans for {planned} of {n} learners"
           + (f" ({', '.join(extra)})" if extra else "") + sums]
    if not mix.empty and not coverage.empty:
        total = coverage[coverage["capability"] == "total"].iloc[0]
        parts = []
        if mix["achieved"].notna().any():
            achieved = "/".join(f"{v * 100:.0f}" for v in mix["achieved"].fillna(0))
            target = "/".join(f"{v * 100:.0f}" for v in mix["target"])
            parts.append(f"Learning mix achieved {achieved} against the {target} target")
        if pd.notna(total["share_covered"]) and pd.notna(total["goals"]):
            parts.append(f"the plans cover {total['share_covered']:.0%} of the "
                         f"{int(total['goals'])} gap goals")
        if parts:
            out.append("; ".join(parts) + ".")
    return out


def plan_sections(root: Path, names: Mapping[str, str]) -> tuple[list[str], list]:
    """Findings and the "Learning plans" section; ([], []) when no plans were built."""
    from ldkit.deliverables import Figure, Section, Table
    from ldkit.engagement.params import processed_dir

    folder = processed_dir(root, "plans")
    totals = _read(folder, "totals")
    if totals.empty:
        return [], []
    mix, coverage = _read(folder, "mix"), _read(folder, "coverage")
    grid, reasons = _read(folder, "seats_by_month"), _read(folder, "without_plan_reasons")
    figures = folder / "figures"

    def fig(name: str, title: str, caption: str = "") -> tuple:
        path = figures / f"{name}.png"
        return (Figure(title, path.read_bytes(), caption),) if path.exists() else ()

    top = grid.head(15).drop(columns=["activity"]) if not grid.empty else grid
    shown_totals = totals.assign(value=totals["value"].round(1))
    section = Section("Learning plans", (
        "Each learner's plan pursues their largest weighted gaps (gap x importance, raised for "
        "Borich focus capabilities) with catalog activities chosen by an integer program "
        "within the hours and cost budgets and the 70-20-10 mix; every learner has a document "
        "in deliverables/plans.",
        "Seats are counted in the month an activity starts; cohorts follow from the catalog's "
        "seats per cohort.",
    ), tuple(t for t in (
        Table("Plans: totals", shown_totals),
        Table("Learning mix: target and achieved", mix, slide=False),
        Table("Gap goals covered by capability", coverage, slide=False),
        Table("Seats per month: the 15 busiest activities", top, slide=False),
        Table("Learners without a plan, by reason", reasons) if not reasons.empty else None,
    ) if t is not None), fig("plans-mix", "Learning mix") + fig("plans-seats", "Seats per month")
        + fig("plans-coverage", "Coverage of the gaps"))
    return plan_findings(totals, mix, coverage, _currency(Path(root))), [section]


def _currency(root: Path) -> str:
    """The engagement's currency (the catalog's costs are in it), or "" when unknown."""
    from ldkit.engagement import load_engagement
    from ldkit.errors import LdkitError

    try:
        return load_engagement(root).currency
    except (LdkitError, OSError):
        return ""


def plan_warnings(folder: Path) -> list[str]:
    """Learners without a feasible plan: count, share and the limit most often binding."""
    totals, reasons = _read(folder, "totals"), _read(folder, "without_plan_reasons")
    if totals.empty:
        return []
    value = dict(zip(totals["measure"], totals["value"], strict=False))
    learners = int(value.get("learners", 0))
    out: list[str] = []
    if not reasons.empty:
        bad = reasons[reasons["status"] != "no plan needed"]
        n = int(bad["learners"].sum())
        if n:
            top = bad.sort_values("learners", ascending=False).iloc[0]
            share = n / learners if learners else 1.0
            out.append(f"{n} of {learners} learners ({share:.0%}) have no feasible plan; the "
                       f"limit most often binding: {top['reason']} ({int(top['learners'])})")
    deliver = folder.parent.parent.parent / "deliverables" / "plans"
    lms = deliver / "lms-unmatched.csv"
    if (deliver / "lms-assignments.csv").exists() and not lms.exists():
        out.append("lms-assignments.csv carries pseudonyms, which no LMS can match: give "
                   "inputs.lms_user_ids (id as in the surveys, lms_user_id) to write the LMS's "
                   "own user ids")
    if lms.exists():
        n = len(pd.read_csv(lms))
        if n:
            out.append(f"{n} learner{'s' if n != 1 else ''} without an LMS user id: their "
                       "rows in lms-assignments.csv have a blank user id (lms-unmatched.csv)")
    return out
