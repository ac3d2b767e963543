"""Survey exports: read them as they come, account for every row, protect respondents.

Public API::

    read_survey(path, codebook, *, source="auto", secret=None, keep_partial=False, model=None)
        -> SurveyData (responses, respondents, excluded, roster, source, counts())
    quality_report(data)          data-quality table: counts, straight-lining, speeding,
                                  reliability
    response_rates(data, by=..., min_group_size=5)
                                  invited / responded / rate per roster group
    unknown_roles(data, model)    kept respondents whose role the model lacks
    LAYOUTS, EXCLUSION_REASONS, RESPONSE_TYPES
    pseudonymize(values, secret)  keyed-hash pseudonyms
"""

from ldkit.survey.layouts import LAYOUTS, RESPONSE_TYPES, detect_encoding
from ldkit.survey.pseudonym import pseudonymize
from ldkit.survey.quality import quality_flags, quality_report
from ldkit.survey.reader import EXCLUSION_REASONS, SurveyData, read_survey, unknown_roles
from ldkit.survey.roster import read_roster, response_rates

__all__ = [
    "EXCLUSION_REASONS",
    "LAYOUTS",
    "RESPONSE_TYPES",
    "SurveyData",
    "detect_encoding",
    "pseudonymize",
    "quality_flags",
    "quality_report",
    "read_roster",
    "read_survey",
    "response_rates",
    "unknown_roles",
]
