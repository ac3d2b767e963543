"""Personalized learning plans: the learning catalog, programs, and plan building.

Public API (so far)::

    Catalog, Activity, Program            the learning catalog (YAML or Excel)
    read_catalog, write_catalog_template  by file extension; blank workbook
    starter_catalog, starter_catalogs     catalogs shipped with ldkit
    MODALITIES, FORMATS, FORMAT_MODALITY  70-20-10 modality classes and formats
    build_plans, PlanOptions, PlanSet     goals, activity choice (an integer program), timeline

Not yet: per-learner documents (HTML/DOCX), the cohort view, the LMS assignment CSV, the
engagement notebook and the scale benchmark (see the open issue).
"""

from ldkit.plans.build import PlanOptions, PlanSet, build_plans
from ldkit.plans.catalog import (
    FORMAT_MODALITY,
    FORMATS,
    MODALITIES,
    Activity,
    Catalog,
    Program,
    read_catalog,
    starter_catalog,
    starter_catalogs,
    write_catalog_template,
)

__all__ = [
    "FORMATS",
    "FORMAT_MODALITY",
    "MODALITIES",
    "Activity",
    "Catalog",
    "PlanOptions",
    "PlanSet",
    "Program",
    "build_plans",
    "read_catalog",
    "starter_catalog",
    "starter_catalogs",
    "write_catalog_template",
]
