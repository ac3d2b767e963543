"""The work of the engagement notebook ``4-roi-business-case``.

:func:`roi_step` reads the case (``inputs: roi_case``) and the assessment
scores (``inputs: assessments``), computes the ROI, the multi-year view, the
sensitivity analysis, the option appraisals, the staffing case and the
programme evaluation, and writes aggregate tables under
``data/processed/roi/*.csv`` and figures ``data/processed/roi/figures/roi-*.png``.
A phase whose input is "" is out of scope: the step writes nothing for it.
No learner id leaves this step: only aggregates are written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field

from ldkit.engagement.outputs import phase_step
from ldkit.engagement.params import PhaseParams, save_figure
from ldkit.evaluation import ProgramEvaluation
from ldkit.roi.model import CaseAnalysis

__all__ = ["RoiParams", "RoiStepResult", "roi_step"]

FOLDER = "roi"
FIGURE_PREFIX = "roi-"


class RoiParams(PhaseParams):
    """Parameters of ``4-roi-business-case``."""

    roi_case: str = ""
    assessments: str = ""
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    max_score: float = Field(default=100, gt=0)


@dataclass(frozen=True)
class RoiStepResult:
    """What the ROI step produced (empty when neither input is in scope)."""

    analysis: CaseAnalysis | None = None
    evaluation: ProgramEvaluation | None = None
    tables: dict[str, Path] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.analysis is None and self.evaluation is None

    def records(self) -> dict[str, Any]:
        """The key numbers to record (JSON scalars; None where not computed)."""

        def num(value: float | None, digits: int = 4) -> float | None:
            if value is None or not math.isfinite(value):
                return None
            return round(float(value), digits)

        out: dict[str, Any] = {}
        a = self.analysis
        if a is not None:
            out.update(roi_pct=num(a.roi.roi_pct, 2), bcr=num(a.roi.bcr),
                       net_benefit=num(a.roi.net_benefit, 2),
                       payback_months=num(a.roi.payback_months, 2),
                       npv=num(a.multi_year.npv, 2) if a.multi_year else None,
                       irr=num(a.multi_year.irr) if a.multi_year else None,
                       prob_roi_positive=num(a.monte_carlo.prob_roi_positive)
                       if a.monte_carlo else None,
                       rules_applied=len(a.rules))
        e = self.evaluation
        if e is not None:
            out.update(effect_size_g_av=num(e.effect_sizes.g_av) if e.effect_sizes else None,
                       effect_size_d_z=num(e.effect_sizes.d_z) if e.effect_sizes else None,
                       normalized_gain=num(e.gain.gain) if e.gain else None)
            applied = e.application
            out["application_rate"] = (num(applied["share_applied"].iloc[-1])
                                       if len(applied) else None)
        return out


def _write(frame: pd.DataFrame, path: Path) -> Path:
    from ldkit.io import atomic_write_csv

    return atomic_write_csv(frame, path)


def _case_tables(a: CaseAnalysis, currency: str) -> dict[str, pd.DataFrame]:
    case = a.case
    tables = {
        "case": pd.DataFrame({"key": ["program", "currency", "participants", "short_program",
                                      "source"],
                              "value": [case.program, currency, case.costs.participants,
                                        case.short_program, Path(case.source).name]}),
        "costs": case.costs.by_category(),
        "cost_lines": case.costs.lines(),
        "benefits": a.benefits.table(),
        "intangibles": a.benefits.intangibles_table(),
        "result": a.result_table(),
        "rules": pd.DataFrame({"rule": list(a.rules)}),
        "break_even": a.break_even,
        "tornado": a.tornado,
    }
    if a.multi_year is not None:
        tables["multi_year"] = a.multi_year.table
    if a.monte_carlo is not None:
        tables["monte_carlo"] = a.monte_carlo.percentiles
        tables["monte_carlo_inputs"] = a.monte_carlo.inputs
    if a.appraisals:
        tables["options"] = pd.concat([x.ranking.assign(title=x.title) for x in a.appraisals],
                                      ignore_index=True)
        tables["options_robustness"] = pd.concat(
            [x.robustness.assign(title=x.title) for x in a.appraisals], ignore_index=True)
        tables["options_excluded"] = pd.concat(
            [x.excluded.assign(title=x.title) for x in a.appraisals], ignore_index=True)
    if a.staffing is not None:
        tables["staffing"] = a.staffing.years
        tables["staffing_summary"] = a.staffing.summary()
        tables["staffing_roles"] = a.staffing.roles
    return tables


def _evaluation_tables(e: ProgramEvaluation) -> dict[str, pd.DataFrame]:
    tables = {"evaluation": e.levels, "assessment_counts": e.counts,
              "application": e.application}
    if e.effect_sizes is not None:
        tables["effect_sizes"] = e.effect_sizes.table()
    return tables


@phase_step("roi")
def roi_step(p: RoiParams) -> RoiStepResult:
    """Analyse the ROI case and evaluate the programme; write tables and figures.

    Parameters
    ----------
    p : RoiParams
        ``roi_case`` (.yaml) and ``assessments`` (.csv or .xlsx), relative to
        the engagement; either may be "" (not in scope).

    Returns
    -------
    RoiStepResult
        Empty (and nothing written) when both inputs are "".
    """
    from ldkit.evaluation import evaluate_program, read_assessments
    from ldkit.roi import plots
    from ldkit.roi.case import read_case
    from ldkit.roi.model import analyse_case

    if not p.roi_case and not p.assessments:
        return RoiStepResult()
    analysis = None
    if p.roi_case:
        analysis = analyse_case(read_case(p.path(p.roi_case)))
    evaluation = None
    if p.assessments:
        scores = read_assessments(p.path(p.assessments), max_score=p.max_score)
        evaluation = evaluate_program(
            scores, program=analysis.case.program if analysis else "",
            benefits=analysis.benefits if analysis else None,
            roi=analysis.roi if analysis else None, min_group_size=p.min_group_size)
    frames: dict[str, pd.DataFrame] = {}
    if analysis is not None:
        frames.update(_case_tables(analysis, analysis.case.currency or p.currency))
    if evaluation is not None:
        frames.update(_evaluation_tables(evaluation))
    out = p.out
    tables = {name: _write(frame, out / f"{name}.csv") for name, frame in frames.items()}
    figs: dict[str, Any] = {}
    if analysis is not None:
        currency = analysis.case.currency or p.currency
        figs["roi-waterfall"] = plots.plot_roi_waterfall(analysis.benefits,
                                                         analysis.case.costs,
                                                         currency=currency)
        figs["roi-tornado"] = plots.plot_tornado(analysis.tornado)
        if analysis.monte_carlo is not None:
            figs["roi-monte-carlo"] = plots.plot_monte_carlo(analysis.monte_carlo)
        for k, appraisal in enumerate(analysis.appraisals, start=1):
            figs[f"roi-options-{k}"] = plots.plot_option_ranking(appraisal)
    figures = {k: save_figure(f, p.figures / f"{k}.png") for k, f in figs.items()}
    return RoiStepResult(analysis, evaluation, tables, figures)
