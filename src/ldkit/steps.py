"""The work of each engagement notebook, so that notebooks hold narrative and calls only.

Each template notebook validates its parameters into a typed object (defined
here, or in the package of a later phase) in the cell after its ``parameters`` cell,
then calls one step:

==========================  ====================================================
``1-needs-analysis``        :func:`needs_analysis_step`: read the surveys, score
                            against the capability model, write tables and figures
``2-capability-model``      :func:`capability_model_step`: validate the model,
                            write its workbook, Moodle CSV and heatmap
``3-learning-plans``        :func:`ldkit.plans.step.learning_plans_step`: plans,
                            documents, cohort view, LMS file
``4-roi-business-case``    :func:`ldkit.roi.step.roi_step`: costs, benefits, ROI,
                            sensitivity, options, evaluation
``5-strategy-tracking``     :func:`ldkit.strategy.step.strategy_step`: plan against
                            actual, monthly report
``9-executive-summary``     :func:`executive_summary_step`: build the report,
                            workbook and deck from the recorded results
==========================  ====================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ldkit.errors import InputFileNotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel
    from ldkit.needs import NeedsResult

__all__ = [
    "CapabilityModelParams",
    "NeedsAnalysisParams",
    "NeedsStepResult",
    "SummaryParams",
    "capability_model_step",
    "executive_summary_step",
    "needs_analysis_step",
]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    client: str = Field(min_length=1)
    engagement_dir: str = "."
    min_group_size: int = Field(default=5, ge=1)

    @property
    def root(self) -> Path:
        return Path(self.engagement_dir).resolve()

    def path(self, relative: str, *, must_exist: bool = True) -> Path:
        """An engagement path; a missing input is an error naming it."""
        p = (self.root / relative) if not Path(relative).is_absolute() else Path(relative)
        if must_exist and not p.exists():
            raise InputFileNotFoundError(p, hint="check engagement.yaml 'inputs:' and data/raw/")
        return p

    @property
    def processed(self) -> Path:
        out = self.root / "data" / "processed"
        out.mkdir(parents=True, exist_ok=True)
        return out


class NeedsAnalysisParams(_Params):
    """Parameters of ``1-needs-analysis``."""

    capability_model: str
    self_survey: str
    self_codebook: str
    manager_survey: str = ""
    manager_codebook: str = ""
    segment_by: list[str] = ["region"]


class CapabilityModelParams(_Params):
    """Parameters of ``2-capability-model``."""

    capability_model: str


class SummaryParams(_Params):
    """Parameters of ``9-executive-summary``."""

    run_dir: str = ""
    deliverables: list[str] = ["html", "xlsx", "pptx"]
    currency: str = "EUR"


@dataclass(frozen=True)
class NeedsStepResult:
    """What the needs-analysis step produced."""

    result: NeedsResult
    model: CapabilityModel
    tables: dict[str, Path]
    figures: dict[str, Path]


def _save_figure(figure: Any, path: Path) -> Path:
    from ldkit.io import atomic_path

    with atomic_path(path) as tmp:
        figure.savefig(tmp, dpi=150, format="png")
    return path


def needs_analysis_step(p: NeedsAnalysisParams) -> NeedsStepResult:
    """Read the surveys, score them, write tables (CSV, workbook) and figures."""
    from ldkit.capability import read_model
    from ldkit.io import atomic_write_csv
    from ldkit.needs import plots, score_needs, write_needs_tables
    from ldkit.survey import read_survey
    from ldkit.survey.pseudonym import find_secret

    model = read_model(p.path(p.capability_model))
    secret = find_secret(near=p.root)
    surveys = [read_survey(p.path(p.self_survey), p.path(p.self_codebook), secret=secret)]
    if p.manager_survey:
        surveys.append(read_survey(p.path(p.manager_survey), p.path(p.manager_codebook),
                                   secret=secret))
    attrs = [a for a in p.segment_by if a in surveys[0].respondents.columns]
    result = score_needs(surveys, model, min_n=p.min_group_size, segment_by=attrs)
    out = p.processed / "needs"
    tables = {f.stem: f for f in write_needs_tables(result, out)}
    # the respondents' attributes (pseudonymous), for the plans' documents; never a deliverable
    tables["people"] = atomic_write_csv(result.people, out / "people.csv")
    names = {c.id: c.name for c in model.capabilities} | {r.id: r.name for r in model.roles}
    figs = {
        "gap-heatmap": plots.plot_gap_heatmap(result.gaps, names=names),
        "locus-for-focus": plots.plot_locus_for_focus(result.borich, names=names),
        "self-vs-manager": plots.plot_self_vs_manager(result.self_vs_manager, names=names),
    }
    figures = {k: _save_figure(f, p.processed / "figures" / f"{k}.png") for k, f in figs.items()}
    return NeedsStepResult(result, model, tables, figures)


def capability_model_step(p: CapabilityModelParams) -> CapabilityModel:
    """Validate the model; write its workbook, Moodle CSV and heatmap under processed/."""
    from ldkit.capability import read_model

    model = read_model(p.path(p.capability_model))
    out = p.processed / "capability-model"
    model.to_excel(out / "capability-model.xlsx")
    model.to_moodle_csv(out / "capability-model.moodle.csv")
    _save_figure(model.heatmap(), p.processed / "figures" / "required-levels.png")
    return model


def executive_summary_step(p: SummaryParams) -> dict[str, Path]:
    """Build the deliverables (HTML report, workbook, deck) from this run's results."""
    from ldkit.report import build_report, render_deliverables

    report = build_report(p)
    return render_deliverables(report, p.root / "deliverables", kinds=p.deliverables,
                               stem=f"{Path(p.root).name}-needs-analysis")
