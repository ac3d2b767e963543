"""Personalized learning plans: the learning catalog, programs, and plan building.

Public API (so far)::

    Catalog, Activity, Program            the learning catalog (YAML or Excel)
    read_catalog, write_catalog_template  by file extension; blank workbook
    starter_catalog, starter_catalogs     catalogs shipped with ldkit
    MODALITIES, FORMATS, FORMAT_MODALITY  70-20-10 modality classes and formats
    build_plans, PlanOptions, PlanSet     goals, activity choice (an integer program), timeline
    cohort_view, CohortView               seats per activity and month, hours, cost, mix, coverage
    lms_assignments, write_lms_csv        learner, activity id, due date for LMS bulk enrolment
    write_plan_documents, PlanDocuments   one document per learner, HTML (print-ready) and DOCX
    plan_progress, PlanProgress           plan progress from an LMS completion export
    synthetic.make_plan_inputs            seeded synthetic model, catalog and gap table (scale)

The engagement notebook ``3-learning-plans`` runs :func:`ldkit.plans.step.learning_plans_step`.
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
from ldkit.plans.cohort import CohortView, cohort_view, lms_assignments, write_lms_csv
from ldkit.plans.documents import PlanDocuments, write_plan_documents
from ldkit.plans.progress import PlanProgress, plan_progress

__all__ = [
    "FORMATS",
    "FORMAT_MODALITY",
    "MODALITIES",
    "Activity",
    "Catalog",
    "CohortView",
    "PlanDocuments",
    "PlanOptions",
    "PlanProgress",
    "PlanSet",
    "Program",
    "build_plans",
    "cohort_view",
    "lms_assignments",
    "plan_progress",
    "read_catalog",
    "starter_catalog",
    "starter_catalogs",
    "write_catalog_template",
    "write_lms_csv",
    "write_plan_documents",
]
