"""Needs analysis scoring: gaps to requirement, self vs manager, Borich, reliability, segments.

Pure functions over the tables of :func:`ldkit.survey.read_survey`; none touches files
(except :func:`write_needs_tables`, the writer at the edge).

Public API::

    score_needs(surveys, model, *, min_n=5) -> NeedsResult     every table in one call
    combine_surveys, person_gaps, gap_table, unmatched_roles   gap to requirement
    self_vs_manager, mean_self_minus_manager                   difference and agreement
    borich, locus_for_focus                                    Borich MWDS and quadrants
    cronbach_alpha                                             reliability (Feldt CI)
    segment_table, suppress_small                              segments (rule: ldkit.disclosure)
    plot_gap_heatmap, plot_locus_for_focus, plot_self_vs_manager, plot_rating_distributions
    write_needs_tables                                         CSV + Excel workbook
    compare_waves, dz_interval, WaveComparison                 baseline against follow-up wave
"""

from ldkit.needs.agreement import mean_self_minus_manager, self_vs_manager
from ldkit.needs.borich import borich, locus_for_focus
from ldkit.needs.gaps import (
    DEFAULT_RATER_WEIGHTS,
    combine_surveys,
    gap_table,
    person_gaps,
    unmatched_roles,
)
from ldkit.needs.reliability import AlphaResult, cronbach_alpha
from ldkit.needs.scoring import NeedsResult, score_needs, write_needs_tables
from ldkit.needs.segments import TOTAL, segment_table, suppress_small
from ldkit.needs.waves import WaveComparison, compare_waves, dz_interval

_PLOTS = ("plot_gap_heatmap", "plot_locus_for_focus", "plot_rating_distributions",
          "plot_self_vs_manager")


def __getattr__(name: str):
    """The plot functions load matplotlib on first use only."""
    if name in _PLOTS:
        from ldkit.needs import plots

        return getattr(plots, name)
    raise AttributeError(f"module 'ldkit.needs' has no attribute {name!r}")

__all__ = [
    "DEFAULT_RATER_WEIGHTS",
    "TOTAL",
    "AlphaResult",
    "NeedsResult",
    "WaveComparison",
    "borich",
    "combine_surveys",
    "compare_waves",
    "cronbach_alpha",
    "dz_interval",
    "gap_table",
    "locus_for_focus",
    "mean_self_minus_manager",
    "person_gaps",
    "plot_gap_heatmap",
    "plot_locus_for_focus",
    "plot_rating_distributions",
    "plot_self_vs_manager",
    "score_needs",
    "segment_table",
    "self_vs_manager",
    "suppress_small",
    "unmatched_roles",
    "write_needs_tables",
]
