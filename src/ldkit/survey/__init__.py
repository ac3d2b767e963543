"""Survey exports: read them as they come, account for every row, protect respondents.

Public API::

    read_survey(path, codebook, *, source="auto", secret=None, keep_partial=False)
        -> SurveyData (responses, respondents, excluded, source, counts())
    quality_report(data)          data-quality table: counts, straight-lining, speeding,
                                  reliability
    LAYOUTS, EXCLUSION_REASONS
    pseudonymize(values, secret)  keyed-hash pseudonyms
"""

from ldkit.survey.layouts import LAYOUTS, detect_encoding
from ldkit.survey.pseudonym import pseudonymize
from ldkit.survey.quality import quality_flags, quality_report
from ldkit.survey.reader import EXCLUSION_REASONS, SurveyData, read_survey

__all__ = [
    "EXCLUSION_REASONS",
    "LAYOUTS",
    "SurveyData",
    "detect_encoding",
    "pseudonymize",
    "quality_flags",
    "quality_report",
    "read_survey",
]
