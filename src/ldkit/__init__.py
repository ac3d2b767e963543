"""ldkit: the toolkit of learning-and-development consultants.

Modules (import them by name; nothing heavy is imported by ``import ldkit``)::

    ldkit.capability   capability models: scales, domains, capabilities, roles
    ldkit.codebook     what each column of a survey export means
    ldkit.survey       read survey exports as they come (Qualtrics, SurveyMonkey, Forms)
    ldkit.needs        gaps, self vs manager, Borich, Cronbach's alpha, segments
    ldkit.plans        learning catalog, personalized learning plans, documents, cohort view
    ldkit.roi          Phillips ROI, costs and benefits, NPV/IRR, sensitivity, option appraisal
    ldkit.evaluation   Kirkpatrick levels 1-4: effect sizes, normalized gain, application
    ldkit.strategy     goal register and SMART checks, portfolio, plan against actual, RACI
    ldkit.datasets     synthetic survey exports of a fictional client (tests, demos)
    ldkit.engagement   client engagements: engagement.yaml, ldkit new, ldkit run, results
    ldkit.runner       papermill execution of notebooks, parameter checks, manifests
    ldkit.batch        many engagements at once (ldkit batch): parallel, resumable, Dask
    ldkit.kernels      warm kernels forked from a process that imported once
    ldkit.records      ldkit.record(name, value) inside a notebook; read_records afterwards
    ldkit.steps        the work of each engagement notebook
    ldkit.report       the engagement report built from a run's tables (all phases)
    ldkit.deliverables HTML report, Excel workbook and PowerPoint deck renderers
    ldkit.audit        deliverables checked for identifiers and small groups
    ldkit.errors       the exception tree (LdkitError and its subclasses)
    ldkit.io           atomic writes and input-file checks shared by readers and writers

The names below are re-exported lazily, so ``import ldkit`` stays cheap for
the command line.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ldkit._formats import defer_iri_grammar
from ldkit._version import __version__
from ldkit.errors import (
    InputError,
    InputFileNotFoundError,
    LdkitError,
    Location,
    ParameterError,
    Problem,
    UnsupportedFormatError,
    ValidationError,
)

# jsonschema's IRI checker builds its grammar on first use, not at import (1.6 s)
defer_iri_grammar()

__all__ = [
    "CapabilityModel",
    "InputError",
    "InputFileNotFoundError",
    "LdkitError",
    "Location",
    "ParameterError",
    "Problem",
    "UnsupportedFormatError",
    "ValidationError",
    "__version__",
    "read_model",
    "read_survey",
    "record",
    "score_needs",
    "starter",
    "starters",
]

_LAZY = {
    "record": "ldkit.records",
    "CapabilityModel": "ldkit.capability",
    "read_model": "ldkit.capability",
    "starter": "ldkit.capability",
    "starters": "ldkit.capability",
    "read_survey": "ldkit.survey",
    "score_needs": "ldkit.needs",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ldkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
