"""The work of the engagement notebook ``6-progress``: plan progress and capability growth.

:func:`progress_step` has two parts, each in scope when its inputs are there:

Plan progress (the plans were issued by ``3-learning-plans`` and an LMS export
is named in ``plan_completions``; it may be the same file as the strategy
phase's ``lms_completions``: rows of other courses are counted as excluded):
reads ``data/processed/plans/items.csv``, the LMS assignment file
``deliverables/plans/lms-assignments.csv`` and the LMS export
(:func:`ldkit.strategy.actuals.read_lms_export`, any layout it reads) and
runs :func:`ldkit.plans.plan_progress` at ``as_of``.

Capability growth (a follow-up self survey is named): reads the follow-up
surveys with the engagement's secret (so people keep their pseudonym),
scores them against the capability model (:func:`ldkit.needs.person_gaps`)
and compares them with the baseline's ``data/processed/needs/person_gaps.csv``
(:func:`ldkit.needs.compare_waves`), completers against non-completers when
plan progress is in scope.

Written under ``data/processed/progress``:

- ``plan_progress.csv`` (one row per learner; pseudonymous, not a deliverable),
  ``plan_activities.csv`` (learner x activity), ``progress_by_<attribute>.csv``
  (role and each ``segment_by`` attribute, minimum group size applied),
  ``overdue_activities.csv``, ``lms_counts.csv`` and ``lms_exclusions.csv``
  (every LMS row not counted, with its reason; no learner id);
- ``capability_change.csv`` (role x capability x rater, minimum group size
  applied), ``wave_accounting.csv`` (paired, left, joined),
  ``change_by_completion.csv`` (an association, not an effect),
  ``wave_pairs.csv`` and ``followup_person_gaps.csv`` (pseudonymous);
- ``findings.json`` (the numbers the notebook records);

figures ``data/processed/progress/figures/progress-status.png`` and
``capability-change.png``; and, as personal data outside the aggregate
deliverables, one follow-up list per manager in ``deliverables/follow-up``
(the per-person plans folder, which ``ldkit audit`` leaves out): the
manager's people who are behind and what is overdue. Managers come from the
``manager_roster`` (columns ``id`` as in the surveys, ``manager``, optionally
``manager_name``); the file is named by the manager's pseudonym.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from pydantic import Field, field_validator

from ldkit.engagement.outputs import phase_step
from ldkit.engagement.params import PhaseParams as _Params
from ldkit.engagement.params import save_figure as _save_figure
from ldkit.errors import InputError, Location

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel
    from ldkit.needs.waves import WaveComparison
    from ldkit.plans.progress import PlanProgress

__all__ = ["FOLLOWUP_DIR", "ProgressParams", "ProgressStepResult", "progress_step",
           "read_roster"]

FOLLOWUP_DIR = ("follow-up",)
"""Where the per-manager lists go, under ``deliverables``: a personal folder of its own
(the audit checks it like the plans), owned by this phase."""


class ProgressParams(_Params):
    """Parameters of ``6-progress``."""

    capability_model: str
    followup_self_survey: str = ""
    followup_self_codebook: str = ""
    followup_manager_survey: str = ""
    followup_manager_codebook: str = ""
    plan_completions: str = ""
    lms_layout: Literal["auto", "generic", "moodle", "successfactors"] = "auto"
    lms_learner_ids: Literal["assignments", "survey"] = "assignments"
    lms_assignments: str = "deliverables/plans/lms-assignments.csv"
    manager_roster: str = ""
    as_of: str = ""
    segment_by: list[str] = Field(default_factory=lambda: ["region"])

    @field_validator("as_of")
    @classmethod
    def _date(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ValueError("as_of must be a date YYYY-MM-DD, or ''") from None
        return value


@dataclass(frozen=True)
class ProgressStepResult:
    """What the progress step produced; either part is None when out of scope."""

    progress: PlanProgress | None = None
    waves: WaveComparison | None = None
    tables: dict[str, Path] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)
    followups: list[Path] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)

    @property
    def in_scope(self) -> bool:
        return self.progress is not None or self.waves is not None


def read_roster(path: str | Path, secret: bytes) -> pd.DataFrame:
    """learner (pseudonym), manager (pseudonym, prefix ``m``), manager_name from a roster file.

    The file has columns ``id`` (the person's identifier as the surveys hold
    it) and ``manager`` (the manager's identifier); ``manager_name`` is
    optional. Ids are pseudonymized with the engagement's secret, exactly as
    on survey load.
    """
    from ldkit.io import existing_file
    from ldkit.plans.step import _read_table
    from ldkit.survey.pseudonym import pseudonymize

    path = existing_file(path)
    table = _read_table(path)
    missing = [c for c in ("id", "manager") if c not in table.columns]
    if missing:
        raise InputError(f"{path.name} lacks the column(s) {', '.join(missing)}",
                         location=Location(file=str(path), row=1),
                         hint="columns: id (as in the surveys, e.g. the e-mail), manager "
                              "(the manager's e-mail or employee id), manager_name (optional)")
    blank = table["id"].fillna("").str.strip() == ""
    if blank.any():
        row = int(blank.to_numpy().nonzero()[0][0]) + 2
        raise InputError(f"{path.name}: a row without an id",
                         location=Location(file=str(path), row=row, column="id"),
                         hint="fill in the person's id, or remove the row")
    out = pd.DataFrame({
        "learner": pseudonymize(table["id"].fillna(""), secret).astype(str),
        "manager": pseudonymize(table["manager"].fillna(""), secret, prefix="m"),
        "manager_name": (table["manager_name"].fillna("").astype(str).str.strip()
                         if "manager_name" in table.columns else ""),
    })
    out["manager"] = out["manager"].fillna("(no manager on record)")
    return out


def _as_of(p: ProgressParams, export: Any) -> date:
    """``as_of``; else the engagement's ``end_date``; else the latest date in the LMS export."""
    if p.as_of:
        return date.fromisoformat(p.as_of)
    from ldkit.engagement import load_engagement
    from ldkit.strategy.actuals import latest_date

    end = load_engagement(p.root).end_date
    found = end if end is not None else (latest_date(export) if export is not None else None)
    if found is None:
        raise InputError("no review date: as_of is empty and nothing gives one",
                         location=Location(field="as_of"),
                         hint="set as_of (YYYY-MM-DD) for 6-progress, or end_date in "
                              "engagement.yaml")
    return found


def _people(p: ProgressParams) -> pd.DataFrame:
    path = p.processed_of("needs") / "people.csv"
    return pd.read_csv(path, dtype=str) if path.exists() else pd.DataFrame(
        columns=["person_id", "role"])


def _plan_progress(p: ProgressParams, secret: bytes) -> PlanProgress | None:
    from ldkit.plans.progress import lms_ids_from_assignments, plan_progress
    from ldkit.strategy.actuals import read_lms_export

    items_file = p.processed_of("plans") / "items.csv"
    export_file = p.plan_completions
    if not export_file:
        return None
    if not items_file.exists():
        raise InputError(f"{items_file} is missing: no plans were issued",
                         location=Location(file=str(items_file)),
                         hint="run 3-learning-plans first, or set inputs.plan_completions to "
                              "'' while plan progress is not in scope")
    items = pd.read_csv(items_file, dtype={"learner": str, "activity": str})
    export = read_lms_export(p.path(export_file), layout=p.lms_layout)
    as_of = _as_of(p, export)
    if p.lms_learner_ids == "survey":
        return plan_progress(items, export, as_of=as_of, secret=secret)
    assignments = pd.read_csv(p.path(p.lms_assignments), dtype=str, keep_default_na=False,
                              encoding="utf-8-sig")
    ids = lms_ids_from_assignments(items, assignments)
    return plan_progress(items, export, as_of=as_of, lms_ids=ids)


def _followup_gaps(p: ProgressParams, model: CapabilityModel, secret: bytes) -> pd.DataFrame:
    from ldkit.needs import combine_surveys, person_gaps
    from ldkit.survey import read_survey

    surveys = [read_survey(p.path(p.followup_self_survey), p.path(p.followup_self_codebook),
                           secret=secret)]
    if p.followup_manager_survey:
        surveys.append(read_survey(p.path(p.followup_manager_survey),
                                   p.path(p.followup_manager_codebook), secret=secret))
    ratings, people = combine_surveys(*surveys)
    return person_gaps(ratings, people, model)


def _baseline(p: ProgressParams) -> pd.DataFrame:
    path = p.processed_of("needs") / "person_gaps.csv"
    if not path.exists():
        raise InputError(f"{path} is missing: the baseline needs analysis has not run",
                         location=Location(file=str(path)),
                         hint="run 1-needs-analysis first (ldkit run runs the notebooks in "
                              "order)")
    return pd.read_csv(path, dtype={"person_id": str})


def _write_followups(p: ProgressParams, progress: PlanProgress, secret: bytes) -> list[Path]:
    from ldkit.io import atomic_write_csv
    from ldkit.plans.progress import manager_followups

    folder = p.deliverables_dir / Path(*FOLLOWUP_DIR)
    if not p.manager_roster:
        return []
    roster = read_roster(p.path(p.manager_roster), secret)
    lists = manager_followups(progress, roster)
    folder.mkdir(parents=True, exist_ok=True)
    names = roster.drop_duplicates("manager").set_index("manager")["manager_name"]
    written = []
    for manager, table in lists.items():
        out = table.copy()
        out.insert(0, "manager_name", _text(str(names.get(manager, ""))))
        out["title"] = out["title"].map(_text)
        written.append(atomic_write_csv(out, folder / f"{manager}.csv", encoding="utf-8-sig"))
    return written


def _text(value: str) -> str:
    """Text from inputs never becomes a formula (OWASP CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@phase_step("progress")
def progress_step(p: ProgressParams) -> ProgressStepResult:
    """Plan progress and capability growth; nothing when neither part is in scope."""
    if not (p.plan_completions or p.followup_self_survey):
        return ProgressStepResult()
    from ldkit.capability import read_model
    from ldkit.io import atomic_write_csv, atomic_write_text
    from ldkit.needs import compare_waves
    from ldkit.plans.progress import overdue_activities, progress_by_group
    from ldkit.progress import plots
    from ldkit.survey.pseudonym import find_secret

    model = read_model(p.path(p.capability_model))
    secret = find_secret(near=p.root)
    out = p.out
    out.mkdir(parents=True, exist_ok=True)
    figs_dir = p.figures
    tables: dict[str, Path] = {}
    figures: dict[str, Path] = {}
    numbers: dict[str, Any] = {}
    people = _people(p)

    def write(name: str, table: pd.DataFrame) -> None:
        tables[name] = atomic_write_csv(table, out / f"{name}.csv")

    progress = _plan_progress(p, secret)
    followups: list[Path] = []
    if progress is not None:
        write("plan_progress", progress.learners)
        write("plan_activities", progress.activities)
        write("lms_counts", progress.counts)
        write("lms_exclusions", progress.excluded.drop(columns="learner"))
        attrs = ["role", *[a for a in p.segment_by if a in people.columns and a != "role"]]
        groups = {}
        for attr in attrs:
            if attr in people.columns:
                groups[attr] = progress_by_group(progress, people, attr,
                                                 min_group_size=p.min_group_size)
                write(f"progress_by_{attr}", groups[attr])
        write("overdue_activities", overdue_activities(progress,
                                                       min_group_size=p.min_group_size))
        if "role" in groups:
            figures["progress-status"] = _save_figure(
                plots.plot_progress_status(groups["role"], "role"),
                figs_dir / "progress-status.png")
        followups = _write_followups(p, progress, secret)
        counts = progress.status_counts()
        learners = len(progress.learners)
        numbers.update({
            "as_of": progress.as_of.isoformat(), "learners_with_plan": learners,
            **{f"learners_{s.replace(' ', '_')}": n for s, n in counts.items()},
            "share_behind": round((counts["behind"] + counts["not started"]) / learners, 4)
            if learners else None,
            "activities_overdue": int((progress.activities["state"] == "overdue").sum()),
            "hours_done": round(float(progress.learners["hours_done"].sum()), 1),
            "hours_planned": round(float(progress.learners["hours_planned"].sum()), 1),
            "lms_rows_read": int(progress.counts.iloc[0]["n"]),
            "lms_completions_counted": int(progress.counts.iloc[1]["n"]),
            "manager_lists": len(followups),
        })

    waves = None
    if p.followup_self_survey:
        followup = _followup_gaps(p, model, secret)
        waves = compare_waves(_baseline(p), followup, model, min_group_size=p.min_group_size,
                              plan_status=progress.learners if progress is not None else None)
        write("followup_person_gaps", followup)
        write("capability_change", waves.change)
        write("wave_accounting", waves.accounting)
        write("wave_pairs", waves.pairs)
        if not waves.by_completion.empty:
            write("change_by_completion", waves.by_completion)
        names = {c.id: c.name for c in model.capabilities}
        rater = "manager" if (waves.change["rater"] == "manager").any() else "combined"
        figures["capability-change"] = _save_figure(
            plots.plot_capability_change(waves.change, rater=rater, names=names),
            figs_dir / "capability-change.png")
        acc = dict(zip(waves.accounting["measure"], waves.accounting["n"], strict=True))
        numbers.update({"people_paired": int(acc["paired"]),
                        "people_left": int(acc["left (baseline only)"]),
                        "people_joined": int(acc["joined (follow-up only)"])})
        numbers.update(_headline_change(waves.change))
    atomic_write_text(out / "findings.json", json.dumps(numbers, indent=2))
    return ProgressStepResult(progress, waves, tables, figures, followups, numbers)


def _headline_change(change: pd.DataFrame) -> dict[str, Any]:
    """Mean change over everyone, per rater: the mean over capabilities of the All rows."""
    from ldkit.needs.segments import TOTAL

    out: dict[str, Any] = {}
    everyone = change[(change["role"] == TOTAL) & change["mean_change"].notna()]
    for rater, rows in everyone.groupby("rater"):
        out[f"mean_change_{rater}"] = round(float(rows["mean_change"].mean()), 4)
        out[f"capabilities_improved_{rater}"] = int((rows["ci_low"] > 0).sum())
        out[f"capabilities_compared_{rater}"] = len(rows)
    return out
