"""Re-export of the phase steps at their old import path.

Engagement folders made before the phase registry hold notebooks that import
``ldkit.steps``; they keep working. New code imports each phase's step from its
slice: :mod:`ldkit.needs.step`, :mod:`ldkit.capability.step`,
:mod:`ldkit.engagement.summary` (see :mod:`ldkit.engagement.phases`).
"""

from ldkit.capability.step import CapabilityModelParams, capability_model_step
from ldkit.engagement.params import PhaseParams as _Params
from ldkit.engagement.params import save_figure as _save_figure
from ldkit.engagement.summary import SummaryParams, executive_summary_step
from ldkit.needs.step import NeedsAnalysisParams, NeedsStepResult, needs_analysis_step

__all__ = [
    "CapabilityModelParams",
    "NeedsAnalysisParams",
    "NeedsStepResult",
    "SummaryParams",
    "capability_model_step",
    "executive_summary_step",
    "needs_analysis_step",
]

_ = (_Params, _save_figure)  # private names kept for notebooks that imported them
