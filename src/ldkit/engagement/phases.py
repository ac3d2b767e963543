"""The one ordered registry of an engagement's phases.

Each phase is a slice through the package: its parameters class, its step
function (the work of its notebook), its report sections, the inputs it reads,
the processed folder and the deliverables it owns, and the check of its health
after a run. Everything that walks the phases (``ldkit run``, the pre-run check,
the report, the audit, the run health, the notebooks themselves) reads this
table; adding a phase is one entry here, its ``step`` and ``report`` modules,
and one template notebook.

==================  ======================  ==========================================
phase               notebook                what it does
==================  ======================  ==========================================
``needs``           1-needs-analysis        surveys scored against the capability model
``capability``      2-capability-model      the model's workbook, Moodle CSV, heatmap
``plans``           3-learning-plans        a personal learning plan per employee
``roi``             4-roi-business-case     business case, ROI, programme evaluation
``strategy``        5-strategy-tracking     plan against actual, the monthly report
``progress``        6-progress              plan progress and capability growth
``summary``         9-executive-summary     the report, workbook and deck of all phases
==================  ======================  ==========================================

References are ``"module:attribute"`` strings resolved on use (a phase's code is
imported only when that phase runs); a reference that does not resolve is an
error, never skipped.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["PHASES", "Phase", "get_phase", "phase_for_notebook", "phase_of_params"]


@dataclass(frozen=True)
class Phase:
    """One phase of an engagement.

    Attributes
    ----------
    name : str
        Registry name (``"plans"``).
    notebook : str
        Stem of its template notebook (``"3-learning-plans"``).
    title : str
        What the consultant reads ("Learning plans").
    params : str
        ``"module:Class"`` of its :class:`~ldkit.engagement.params.PhaseParams` subclass.
    step : str
        ``"module:function"`` taking the parameters, returning the step's result.
    report : str or None
        ``"module:function"`` ``(root, names) -> (findings, sections)`` for the report.
    health : str or None
        ``"module:function"`` ``(folder) -> list[str]``: warnings a consultant must
        read before sending, from the phase's processed folder.
    inputs : tuple of str
        The ``inputs:`` keys of engagement.yaml it reads.
    scope : tuple of str
        Inputs of which at least one must be given for the phase to be in scope
        (empty: always in scope). Out of scope, a phase writes and deletes nothing.
    processed : str
        Its folder under ``data/processed``.
    deliverables : tuple of str
        Glob patterns under ``deliverables/`` of what it owns (``{stem}`` is the
        engagement folder's name); replaced as a whole by each successful run.
    after : tuple of str
        The phases whose processed outputs it reads: its notebook starts only when
        theirs have run (``ldkit run`` runs the other notebooks side by side).
    """

    name: str
    notebook: str
    title: str
    params: str
    step: str
    report: str | None = None
    health: str | None = None
    inputs: tuple[str, ...] = ()
    scope: tuple[str, ...] = ()
    processed: str = ""
    deliverables: tuple[str, ...] = ()
    after: tuple[str, ...] = ()

    def load(self, attribute: str) -> Any:
        """Resolve one of the ``module:attribute`` references."""
        ref = getattr(self, attribute)
        if ref is None:
            return None
        module, _, name = ref.partition(":")
        return getattr(importlib.import_module(module), name)

    @property
    def params_class(self) -> type:
        return self.load("params")

    @property
    def step_function(self) -> Callable[..., Any]:
        return self.load("step")

    def in_scope(self, inputs: dict[str, str]) -> bool:
        """Whether the phase has the inputs it needs (``inputs``: key -> path or "")."""
        return not self.scope or any(inputs.get(k) for k in self.scope)


PHASES: tuple[Phase, ...] = (
    Phase("needs", "1-needs-analysis", "Needs analysis",
          params="ldkit.needs.step:NeedsAnalysisParams",
          step="ldkit.needs.step:needs_analysis_step",
          report="ldkit.needs.report:needs_sections",
          health="ldkit.needs.report:needs_warnings",
          inputs=("capability_model", "self_survey", "self_codebook", "manager_survey",
                  "manager_codebook"),
          processed="needs"),
    Phase("capability", "2-capability-model", "Capability model",
          params="ldkit.capability.step:CapabilityModelParams",
          step="ldkit.capability.step:capability_model_step",
          report="ldkit.capability.step:capability_sections",
          inputs=("capability_model",),
          processed="capability-model"),
    Phase("plans", "3-learning-plans", "Learning plans",
          params="ldkit.plans.step:LearningPlansParams",
          step="ldkit.plans.step:learning_plans_step",
          report="ldkit.plans.report:plan_sections",
          health="ldkit.plans.report:plan_warnings",
          inputs=("capability_model", "learning_catalog", "plan_adjustments", "learner_names",
                  "lms_user_ids"),
          scope=("learning_catalog",),
          processed="plans",
          deliverables=("plans",),
          after=("needs",)),
    Phase("roi", "4-roi-business-case", "ROI and evaluation",
          params="ldkit.roi.step:RoiParams",
          step="ldkit.roi.step:roi_step",
          report="ldkit.roi.report:roi_sections",
          inputs=("roi_case", "assessments"),
          scope=("roi_case", "assessments"),
          processed="roi"),
    Phase("strategy", "5-strategy-tracking", "Learning strategy",
          params="ldkit.strategy.step:StrategyParams",
          step="ldkit.strategy.step:strategy_step",
          report="ldkit.strategy.report:strategy_sections",
          inputs=("strategy", "lms_completions", "time_tracking"),
          scope=("strategy",),
          processed="strategy",
          deliverables=("{stem}-monthly-report-*",)),
    Phase("progress", "6-progress", "Progress and growth",
          params="ldkit.progress.step:ProgressParams",
          step="ldkit.progress.step:progress_step",
          report="ldkit.progress.report:progress_sections",
          inputs=("capability_model", "followup_self_survey", "followup_self_codebook",
                  "followup_manager_survey", "followup_manager_codebook", "plan_completions",
                  "manager_roster"),
          scope=("plan_completions", "followup_self_survey"),
          processed="progress",
          deliverables=("follow-up",),
          after=("needs", "plans")),
    Phase("summary", "9-executive-summary", "Executive summary",
          params="ldkit.engagement.summary:SummaryParams",
          step="ldkit.engagement.summary:executive_summary_step",
          processed="summary",
          deliverables=("{stem}-needs-analysis.*",),
          after=("needs", "capability", "plans", "roi", "strategy", "progress")),
)


def get_phase(name: str) -> Phase:
    """The phase named ``name``; an unknown name is a KeyError listing the phases."""
    for phase in PHASES:
        if phase.name == name:
            return phase
    raise KeyError(f"no phase {name!r}; phases are {', '.join(p.name for p in PHASES)}")


def phase_for_notebook(stem: str) -> Phase | None:
    """The phase a notebook (by file stem) belongs to, None for a notebook of its own."""
    return next((p for p in PHASES if p.notebook == stem), None)


def phase_of_params(cls: type) -> Phase:
    """The phase whose parameters class is ``cls`` (or a base of it)."""
    for phase in PHASES:
        if issubclass(cls, phase.params_class):
            return phase
    raise KeyError(f"{cls.__name__} is not the parameters class of a registered phase")
