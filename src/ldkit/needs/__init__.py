"""Needs analysis scoring: gaps to requirement, self vs manager, Borich, reliability, segments.

Pure functions over the tables of :func:`ldkit.survey.read_survey`; none touches files.
"""

from ldkit.needs.gaps import (
    DEFAULT_RATER_WEIGHTS,
    combine_surveys,
    gap_table,
    person_gaps,
    unmatched_roles,
)
from ldkit.needs.segments import TOTAL, segment_table, suppress_small

__all__ = [
    "DEFAULT_RATER_WEIGHTS",
    "TOTAL",
    "combine_surveys",
    "gap_table",
    "person_gaps",
    "segment_table",
    "suppress_small",
    "unmatched_roles",
]
