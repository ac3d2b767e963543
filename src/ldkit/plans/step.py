"""The work of the ``3-learning-plans`` engagement notebook.

Reads the per-person gaps the needs analysis wrote (``data/processed/needs``),
the learning catalog and the capability model; builds every learner's plan;
writes the plan tables, the cohort view and its figures under
``data/processed/plans``, and the per-learner documents, their index and the
LMS assignment file under ``deliverables/plans``.

Plan adjustments (optional, ``inputs.plan_adjustments``): a CSV or workbook with
columns ``learner``, ``kind`` and ``value``, one row per adjustment: ``pin``
(an activity id that must be in the learner's plan), ``exclude`` (one that must
not) or ``career_goal`` (an aspiration role id). Learners are the pseudonymous
ids of the plan documents.

Learner names (optional, ``inputs.learner_names``): a CSV or workbook with columns
``id`` (the person's identifier as the surveys hold it, e.g. the e-mail address) and
``name``. The id is pseudonymized with the engagement's secret, exactly as on survey
load, and the name is shown only on that learner's own plan document (file names stay
pseudonymous; no aggregate deliverable shows a name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import Field, field_validator

from ldkit.engagement.outputs import phase_step
from ldkit.engagement.params import PhaseParams, known_kinds, save_figure
from ldkit.errors import InputError, Location, Problem, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel
    from ldkit.plans.build import PlanSet
    from ldkit.plans.catalog import Catalog
    from ldkit.plans.cohort import CohortView

__all__ = ["ADJUSTMENT_KINDS", "LearningPlansParams", "PlansStepResult", "learning_plans_step",
           "read_adjustments", "read_learner_names", "read_lms_user_ids", "read_person_keys"]

ADJUSTMENT_KINDS = ("pin", "exclude", "career_goal")
DOCUMENT_KINDS = ("html", "docx")
PEOPLE_DIR = ("needs",)
"""Where the needs-analysis step leaves its per-person (pseudonymous) tables:
``person_gaps.csv`` and ``people.csv`` beside its aggregate tables."""


class LearningPlansParams(PhaseParams):
    """Parameters of ``3-learning-plans``."""

    capability_model: str
    learning_catalog: str = ""
    plan_adjustments: str = ""
    learner_names: str = ""
    lms_user_ids: str = ""
    currency: str = "EUR"
    hours_per_month: float = Field(default=8.0, gt=0)
    cost_per_person: float = Field(default=2500.0, ge=0)
    mix: dict[str, float] = Field(
        default_factory=lambda: {"experiential": 0.7, "social": 0.2, "formal": 0.1})
    mix_tolerance: float = Field(default=0.15, ge=0, le=1)
    plan_start: str = ""
    horizon_weeks: int = Field(default=26, ge=2)
    max_hours_per_week: float = Field(default=4.0, gt=0)
    max_goals: int = Field(default=3, ge=1)
    documents: list[str] = Field(default_factory=lambda: ["html", "docx"])

    @field_validator("documents")
    @classmethod
    def _document_kinds(cls, value: list[str]) -> list[str]:
        return known_kinds(value, DOCUMENT_KINDS, "document kind")


@dataclass(frozen=True)
class PlansStepResult:
    """What the learning-plans step produced (``plans`` is None when out of scope)."""

    plans: PlanSet | None
    cohort: CohortView | None
    model: CapabilityModel | None = None
    catalog: Catalog | None = None
    tables: dict[str, Path] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)
    documents: dict[str, list[Path]] = field(default_factory=dict)

    @property
    def in_scope(self) -> bool:
        return self.plans is not None


def _read_table(path: Path) -> pd.DataFrame:
    from ldkit.tables import read_table

    return read_table(path)


def read_adjustments(path: str | Path, *, learners: set[str], activities: set[str],
                     roles: set[str]) -> dict[str, dict[str, Any]]:
    """Pins, exclusions and career goals from an adjustments file, every problem located.

    Returns ``{"pins": {learner: [ids]}, "exclusions": {...}, "career_goals": {learner: role}}``.
    """
    from ldkit.io import existing_file

    path = existing_file(path)
    table = _read_table(path)
    missing = [c for c in ("learner", "kind", "value") if c not in table.columns]
    if missing:
        raise InputError(f"{path.name} lacks the column(s) {', '.join(missing)}",
                         location=Location(file=str(path), row=1),
                         hint="columns: learner, kind (pin, exclude, career_goal), value")
    out: dict[str, dict[str, Any]] = {"pins": {}, "exclusions": {}, "career_goals": {}}
    problems = []
    for i, row in zip(map(int, table.index), table.itertuples(index=False), strict=True):
        learner, kind, value = (str(row.learner).strip(), str(row.kind).strip(),
                                str(row.value).strip())

        def bad(column: str, message: str, hint: str, row: int = i) -> None:
            problems.append(Problem(message, Location(file=str(path), row=row, column=column),
                                    hint))

        if learner not in learners:
            bad("learner", f"unknown learner {learner!r}",
                "use the pseudonymous id shown on the learner's plan document")
        if kind not in ADJUSTMENT_KINDS:
            bad("kind", f"unknown kind {kind!r}", f"use one of {', '.join(ADJUSTMENT_KINDS)}")
        elif kind == "career_goal":
            if value not in roles:
                bad("value", f"unknown role {value!r}", "use a role id of the capability model")
            elif learner in out["career_goals"]:
                bad("learner", f"a second career goal for {learner}", "keep one per learner")
            else:
                out["career_goals"][learner] = value
        elif value not in activities:
            bad("value", f"unknown activity {value!r}", "use an activity id of the catalog")
        else:
            key = "pins" if kind == "pin" else "exclusions"
            out[key].setdefault(learner, []).append(value)
    if problems:
        raise ValidationError(problems, what=str(path))
    return out


def read_learner_names(path: str | Path, secret: bytes) -> dict[str, str]:
    """Pseudonymous learner id -> display name, from a file of ``id`` and ``name`` columns.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "names.csv"
    >>> _ = f.write_text("id,name\\nAna@X.example,Ana Silva\\n", encoding="utf-8")
    >>> names = read_learner_names(f, b"k")
    >>> list(names.values()), next(iter(names)).startswith("p")
    (['Ana Silva'], True)
    """
    return read_person_keys(path, secret, "name", what="a person without a name")


def read_lms_user_ids(path: str | Path, secret: bytes) -> dict[str, str]:
    """Pseudonymous learner id -> the LMS's own user id, from ``id`` and ``lms_user_id``.

    The LMS assignment file is written with these ids, never with pseudonyms.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "ids.csv"
    >>> _ = f.write_text("id,lms_user_id\\nana@x.example,u1234\\n", encoding="utf-8")
    >>> list(read_lms_user_ids(f, b"k").values())
    ['u1234']
    """
    return read_person_keys(path, secret, "lms_user_id", what="a person without an LMS user id")


def read_person_keys(path: str | Path, secret: bytes, column: str, *, what: str
                     ) -> dict[str, str]:
    """Pseudonym -> ``column``, from a file of ``id`` (as in the surveys) and ``column``.

    The id is pseudonymized with the engagement's secret exactly as on survey load; the
    file stays where it is (raw input), only the mapping is used.
    """
    from ldkit.io import existing_file
    from ldkit.survey.pseudonym import pseudonymize

    path = existing_file(path)
    table = _read_table(path)
    missing = [c for c in ("id", column) if c not in table.columns]
    if missing:
        raise InputError(f"{path.name} lacks the column(s) {', '.join(missing)}",
                         location=Location(file=str(path), row=1),
                         hint=f"columns: id (as in the surveys, e.g. the e-mail), {column}")
    blank = table[column].fillna("").str.strip() == ""
    if blank.any():
        row = int(table.index[blank.to_numpy().nonzero()[0][0]])
        raise InputError(f"{path.name}: {what}",
                         location=Location(file=str(path), row=row, column=column),
                         hint=f"fill in the {column}, or remove the row")
    ids = pseudonymize(table["id"].fillna(""), secret)
    return {str(i): str(n).strip() for i, n in zip(ids, table[column], strict=True)
            if not pd.isna(i)}


def _plan_start(p: LearningPlansParams) -> date:
    """The Monday plans start: ``plan_start``, else the engagement's start date (its Monday)."""
    if p.plan_start:
        try:
            start = date.fromisoformat(p.plan_start)
        except ValueError:
            raise InputError(f"plan_start {p.plan_start!r} is not a date",
                             location=Location(field="plan_start"),
                             hint="write it as YYYY-MM-DD, e.g. 2026-03-02") from None
    else:
        from ldkit.engagement import load_engagement

        start = load_engagement(p.root).start_date
        if start is None:
            raise InputError("no plan start: engagement.yaml has no start_date",
                             location=Location(field="plan_start"),
                             hint="set start_date in engagement.yaml or plan_start for "
                                  "3-learning-plans")
    return start + timedelta(days=(7 - start.weekday()) % 7)


def _people(p: LearningPlansParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = p.processed_of("needs")
    gaps_file, people_file = folder / "person_gaps.csv", folder / "people.csv"
    if not gaps_file.exists():
        raise InputError(f"{gaps_file} is missing: the needs analysis has not run",
                         location=Location(file=str(gaps_file)),
                         hint="run 1-needs-analysis first (ldkit run runs the notebooks in "
                              "order)")
    gaps = pd.read_csv(gaps_file, dtype={"person_id": str})
    people = (pd.read_csv(people_file, dtype=str) if people_file.exists()
              else gaps[["person_id", "role"]].drop_duplicates())
    return gaps, people


@phase_step("plans")
def learning_plans_step(p: LearningPlansParams) -> PlansStepResult:
    """Build, write and document every learner's plan (nothing when no catalog is given)."""
    if not p.learning_catalog:
        return PlansStepResult(None, None)
    from ldkit.capability import read_model
    from ldkit.io import atomic_write_csv
    from ldkit.plans import plots
    from ldkit.plans.build import PlanOptions, build_plans
    from ldkit.plans.catalog import read_catalog
    from ldkit.plans.cohort import cohort_view, write_lms_csv
    from ldkit.plans.documents import write_plan_documents

    model = read_model(p.path(p.capability_model))
    catalog = read_catalog(p.path(p.learning_catalog)).check(model)
    gaps, people = _people(p)
    roles = set(model.role_ids)
    adjust: dict[str, dict[str, Any]] = {"pins": {}, "exclusions": {}, "career_goals": {}}
    if p.plan_adjustments:
        adjust = read_adjustments(p.path(p.plan_adjustments),
                                  learners=set(gaps["person_id"].astype(str)),
                                  activities={a.id for a in catalog.activities}, roles=roles)
    options = PlanOptions(hours_per_month=p.hours_per_month, cost_per_person=p.cost_per_person,
                          mix=p.mix, mix_tolerance=p.mix_tolerance, start=_plan_start(p),
                          horizon_weeks=p.horizon_weeks, max_hours_per_week=p.max_hours_per_week,
                          max_goals=p.max_goals)
    borich_file = p.processed_of("needs") / "borich.csv"
    borich = pd.read_csv(borich_file) if borich_file.exists() else None
    if borich is not None and "rank" in borich:  # items hidden by the minimum group size
        borich = borich[borich["rank"].notna()]
    if borich is not None and ("item" not in borich or borich.empty):
        borich = None
    plans = build_plans(gaps, catalog, model, options=options,
                        career_goals=adjust["career_goals"] or None,
                        pins=adjust["pins"] or None, exclusions=adjust["exclusions"] or None,
                        borich=borich)
    names = {c.id: c.name for c in model.capabilities}
    cohort = _with_unmatched(cohort_view(plans, catalog, names=names,
                                         min_group_size=p.min_group_size), gaps, people, model)

    out = p.out
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, Path] = {}
    for name in ("goals", "items", "milestones", "status"):
        tables[name] = atomic_write_csv(getattr(plans, name), out / f"{name}.csv")
    for name, table in cohort.tables().items():
        tables[f"cohort_{name}"] = atomic_write_csv(table, out / f"cohort_{name}.csv")

    figs = {"plans-mix": plots.plot_mix(cohort.mix),
            "plans-seats": plots.plot_seats(cohort.seats),
            "plans-coverage": plots.plot_coverage(cohort.coverage)}
    figures = {k: save_figure(f, p.figures / f"{k}.png") for k, f in figs.items()}

    names_of = None
    if p.learner_names:
        from ldkit.survey.pseudonym import find_secret

        names_of = read_learner_names(p.path(p.learner_names), find_secret(near=p.root))
    deliver = p.deliverables_dir / "plans"
    documents = write_plan_documents(plans, deliver, model=model, client=p.client,
                                     names=names_of,
                                     people=people.rename(columns={"person_id": "learner"}),
                                     currency=catalog.currency or p.currency,
                                     ratings=gaps,
                                     kinds=[k for k in p.documents if k in ("html", "docx")])
    lms_ids = None
    if p.lms_user_ids:
        from ldkit.survey.pseudonym import find_secret

        lms_ids = read_lms_user_ids(p.path(p.lms_user_ids), find_secret(near=p.root))
    documents["lms"] = [write_lms_csv(plans, deliver / "lms-assignments.csv",
                                      learner_ids=lms_ids)]
    if lms_ids is not None:
        unmatched = sorted(set(plans.items["learner"].astype(str)) - set(lms_ids))
        documents["lms_unmatched"] = [atomic_write_csv(pd.DataFrame({
            "learner": unmatched,
            "reason": "not in the LMS user ids file (inputs.lms_user_ids)"}),
            deliver / "lms-unmatched.csv")]
    documents["without_plan"] = [atomic_write_csv(cohort.without_plan,
                                                  deliver / "without-plan.csv")]
    return PlansStepResult(plans, cohort, model, catalog, tables, figures, documents)


def _with_unmatched(cohort: CohortView, gaps: pd.DataFrame, people: pd.DataFrame,
                    model: CapabilityModel) -> CohortView:
    """Respondents without gap rows (their role is not in the model) join the people
    without a plan, with the reason, so nobody drops out of the plans unseen."""
    import dataclasses

    if "role" not in people:
        return cohort
    missing = people[~people["person_id"].astype(str).isin(set(gaps["person_id"].astype(str)))]
    if missing.empty:
        return cohort
    known = {r.id for r in model.roles} | {r.name for r in model.roles}
    reasons = [f"role '{role}' is not in the capability model" if role not in known
               else "no rating of a capability the role requires"
               for role in missing["role"].astype(str)]
    extra = pd.DataFrame({"learner": missing["person_id"].astype(str).to_numpy(),
                          "status": "not planned", "reason": reasons})
    without = pd.concat([cohort.without_plan, extra], ignore_index=True)
    counted = (without.groupby(["status", "reason"], sort=True).size().rename("learners")
               .reset_index())
    return dataclasses.replace(cohort, without_plan=without, without_plan_reasons=counted)


