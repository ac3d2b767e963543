"""The progress and capability-growth part of the engagement report.

Read from ``data/processed/progress`` (the ``6-progress`` step's outputs).

:func:`progress_sections` is the phase's entry for the engagement report
(``ldkit.report.PHASE_SECTIONS``): findings and two sections, "Plan progress"
and "Capability growth since the baseline", whose tables and figures the HTML
report, the workbook and the deck all show. :func:`monthly_progress_section`
is the progress page of the monthly report. Only the aggregate, suppressed
tables are read; never the per-person ones.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["monthly_progress_section", "progress_findings", "progress_sections"]

_RATER_WORDS = {"self": "self-ratings", "manager": "manager ratings",
                "combined": "combined ratings"}


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    return pd.read_csv(path) if path.exists() else pd.DataFrame()


def _numbers(folder: Path) -> dict[str, Any]:
    path = folder / "findings.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def progress_findings(numbers: Mapping[str, Any], by_completion: pd.DataFrame | None = None
                      ) -> list[str]:
    """Plain-language findings from the step's recorded numbers.

    >>> n = {"as_of": "2026-06-30", "learners_with_plan": 200, "learners_done": 120,
    ...      "learners_on_track": 10, "learners_behind": 50, "learners_not_started": 20,
    ...      "hours_done": 7000.0, "hours_planned": 9000.0, "people_paired": 180,
    ...      "people_left": 20, "people_joined": 9, "mean_change_manager": 0.21,
    ...      "capabilities_improved_manager": 6, "capabilities_compared_manager": 10}
    >>> for line in progress_findings(n):
    ...     print(line)  # doctest: +NORMALIZE_WHITESPACE
    At the review of 2026-06-30, 120 of 200 learners had completed their plan, 10 were on
    track, 50 behind and 20 had not started; 7,000 of 9,000 planned hours were done (78%).
    180 people answered both surveys (20 left, 9 joined since the baseline): manager ratings
    rose by +0.21 levels on average over the capabilities, with an interval above zero on 6
    of 10.
    """
    out: list[str] = []
    if numbers.get("learners_with_plan"):
        n = numbers
        share = n["hours_done"] / n["hours_planned"] if n.get("hours_planned") else 0.0
        out.append(
            f"At the review of {n['as_of']}, {n['learners_done']} of {n['learners_with_plan']} "
            f"learners had completed their plan, {n['learners_on_track']} were on track, "
            f"{n['learners_behind']} behind and {n['learners_not_started']} had not started; "
            f"{n['hours_done']:,.0f} of {n['hours_planned']:,.0f} planned hours were done "
            f"({share:.0%}).")
    if numbers.get("people_paired") is not None:
        rater = next((r for r in ("manager", "combined", "self")
                      if f"mean_change_{r}" in numbers), None)
        text = (f"{numbers['people_paired']} people answered both surveys "
                f"({numbers['people_left']} left, {numbers['people_joined']} joined since the "
                f"baseline)")
        if rater:
            text += (f": {_RATER_WORDS[rater]} rose by {numbers[f'mean_change_{rater}']:+.2f} "
                     f"levels on average over the capabilities, with an interval above zero "
                     f"on {numbers[f'capabilities_improved_{rater}']} of "
                     f"{numbers[f'capabilities_compared_{rater}']}")
        out.append(text + ".")
    if by_completion is not None and not by_completion.empty:
        rater = next((r for r in ("manager", "combined", "self")
                      if r in set(by_completion["rater"])), None)
        rows = by_completion[by_completion["rater"] == rater].set_index("group")
        if {"completed plan", "did not complete", "difference"} <= set(rows.index) and \
                rows["mean_change"].notna().all():
            a, b, d = (rows.loc[g] for g in ("completed plan", "did not complete",
                                             "difference"))
            out.append(
                f"People who completed their plan rose {a.mean_change:+.2f} levels "
                f"({_RATER_WORDS[rater]}) against {b.mean_change:+.2f} for the others "
                f"(difference {d.mean_change:+.2f}, 95% interval {d.ci_low:+.2f} to "
                f"{d.ci_high:+.2f}): an association, not an effect of the plans; isolate the "
                f"programme's part before any money is claimed.")
    return out


def _progress_table(table: pd.DataFrame, by: str, label: str) -> pd.DataFrame:
    return table.rename(columns={
        by: label, "learners": "n", "share_behind": "share behind or not started",
        "mean_share_hours_done": "share of planned hours done"})


def _change_view(change: pd.DataFrame, names: Mapping[str, str], *, everyone: bool
                 ) -> pd.DataFrame:
    from ldkit.needs.segments import TOTAL

    rows = change[change["role"] == TOTAL] if everyone else change[change["role"] != TOTAL]
    out = pd.DataFrame({
        "capability": rows["capability"].map(lambda c: names.get(c, c)),
        "ratings": rows["rater"],
    })
    if not everyone:
        out.insert(0, "role", rows["role"].map(lambda r: names.get(r, r)))
    out["n"] = rows["n_pairs"].to_numpy()
    out["mean before"] = rows["mean_before"].to_numpy()
    out["mean after"] = rows["mean_after"].to_numpy()
    out["mean change"] = rows["mean_change"].to_numpy()
    out["d_z"] = rows["d_z"].to_numpy()
    out["d_z low"] = rows["ci_low"].to_numpy()
    out["d_z high"] = rows["ci_high"].to_numpy()
    out["share of gaps closed"] = rows["share_gap_closed"].to_numpy()
    reason = rows["suppressed"].astype(object)
    out["suppressed"] = reason.where(reason.notna(), "").to_numpy()
    return out.reset_index(drop=True)


def progress_sections(root: Path, names: Mapping[str, str]) -> tuple[list[str], list]:
    """Findings and the progress and growth sections; ([], []) when the phase did not run."""
    from ldkit.deliverables import Figure, Section, Table
    from ldkit.engagement.params import processed_dir

    folder = processed_dir(root, "progress")
    numbers = _numbers(folder)
    if not numbers:
        return [], []
    figures = folder / "figures"

    def fig(name: str, title: str, caption: str = "") -> tuple:
        path = figures / f"{name}.png"
        return (Figure(title, path.read_bytes(), caption),) if path.exists() else ()

    sections = []
    if numbers.get("learners_with_plan"):
        tables: list[Table] = []
        for path in sorted(folder.glob("progress_by_*.csv")):
            by = path.stem.removeprefix("progress_by_")
            table = pd.read_csv(path)
            if by == "role":
                table[by] = table[by].map(lambda r: names.get(r, r))
            label = by.replace("_", " ")
            tables.append(Table(f"Plan progress by {label}", _progress_table(table, by, label),
                                note="Learners per status at the review date.",
                                slide=by == "role"))
        overdue = _read(folder, "overdue_activities")
        if not overdue.empty:
            top = overdue.head(10).drop(columns=["activity"]).rename(columns={
                "title": "activity", "learners": "n", "due": "learners due",
                "completed": "completed", "overdue": "overdue"})
            tables.append(Table("Activities with the most overdue learners", top,
                                note="n: learners with the activity in their plan."))
        counts = _read(folder, "lms_counts")
        if not counts.empty:
            tables.append(Table("LMS rows read, counted and excluded",
                                counts.rename(columns={"count": "rows", "n": "count"}),
                                slide=False))
        sections.append(Section("Plan progress", (
            f"Every learner's plan against the LMS completions at {numbers['as_of']}: an "
            "activity is due when its due date has passed, overdue when it is due and not "
            "completed. Done: every activity completed; on track: nothing overdue; behind: "
            "something overdue; not started: nothing completed and something due.",
            "Each manager has a follow-up list of their people who are behind, kept with the "
            "personal plans, not in this report.",
        ), tuple(tables), fig("progress-status", "Plan status by role")))
    change = _read(folder, "capability_change")
    if not change.empty:
        tables = [Table("Capability change since the baseline, everyone paired",
                        _change_view(change, names, everyone=True),
                        note="d_z = mean change / SD of change (uncorrected), with its exact "
                             "95% interval (noncentral t)."),
                  Table("Capability change by role", _change_view(change, names,
                                                                   everyone=False),
                        slide=False)]
        accounting = _read(folder, "wave_accounting")
        if not accounting.empty:
            tables.append(Table("Who was compared", accounting.rename(
                columns={"measure": "people", "n": "count"}), slide=False))
        by_completion = _read(folder, "change_by_completion")
        if not by_completion.empty:
            view = by_completion.rename(columns={"n_people": "n", "rater": "ratings",
                                                 "mean_change": "mean change",
                                                 "ci_low": "low", "ci_high": "high"})
            tables.append(Table("Change: completed the plan or not", view.drop(
                columns=["reading"]), note="An association, not an effect: people who complete "
                                           "their plans differ in other ways too."))
        sections.append(Section("Capability growth since the baseline", (
            "The same survey was repeated after the plans. People are paired across the two "
            "waves by their pseudonym; people in one wave only are counted, never paired.",
            "Completers against non-completers is an association, not an effect; the ROI "
            "case uses the measured change only with a stated isolation and confidence share.",
        ), tuple(tables), fig("capability-change",
                              "Change per capability (effect size, 95% interval)")))
    by_completion = _read(folder, "change_by_completion")
    return progress_findings(numbers, by_completion), sections


def monthly_progress_section(root: Path, names: Mapping[str, str]) -> Any:
    """The progress page of the monthly report: status by role, top overdue; None if no data."""
    from ldkit.deliverables import Section, Table
    from ldkit.engagement.params import processed_dir

    folder = processed_dir(root, "progress")
    numbers = _numbers(folder)
    by_role = _read(folder, "progress_by_role")
    if not numbers.get("learners_with_plan") or by_role.empty:
        return None
    by_role["role"] = by_role["role"].map(lambda r: names.get(r, r))
    overdue = _read(folder, "overdue_activities").head(5)
    tables = [Table("Plan progress by role", _progress_table(by_role, "role", "role"))]
    if not overdue.empty:
        tables.append(Table("Most overdue activities", overdue.drop(columns=["activity"]).rename(
            columns={"title": "activity", "learners": "n"})))
    return Section("Plan progress", tuple(progress_findings(numbers)[:1]), tuple(tables))
