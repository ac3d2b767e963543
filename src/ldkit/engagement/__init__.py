"""Client engagements: config, the phase registry, runs, the summary, the audit, the check.

An engagement folder (created by :func:`new_engagement`, ``ldkit new``)::

    engagement.yaml        client, dates, currency, locale, minimum group size, inputs,
                           per-notebook parameters, deliverables, branding, audit
    .ldkit-secret          pseudonymization secret (git-ignored, never shared)
    data/raw/              inputs as received; never modified
    data/processed/<phase>/  what each phase derived (tables, figures/)
    notebooks/             numbered notebooks, one per phase (stored without outputs)
    deliverables/          report (HTML), workbook (XLSX), deck (PPTX), plans/, monthly report
    runs/<run-id>/         executed notebooks and manifest.json of each run

The package, one job per module:

==============  ===============================================================
``config``      engagement.yaml (model, inputs, new, load, :func:`phase_params`)
``phases``      the one ordered registry of phases (:data:`PHASES`)
``params``      :class:`PhaseParams`, the public base of every phase's parameters
``outputs``     each phase owns its outputs: staged, replaced as a whole
``run``         jobs, the pre-run check, the lock, the run, its health, results
``summary``     the report, workbook and deck assembled from the registry
``audit``       the whole audit of an engagement's deliverables
``check``       rerun and compare against a baseline run
==============  ===============================================================
"""

from ldkit.engagement.config import (
    CONFIG_FILE,
    DELIVERABLE_KINDS,
    EngagementConfig,
    Inputs,
    load_engagement,
    new_engagement,
    phase_params,
    resolve_input,
    slugify,
    template_path,
)
from ldkit.engagement.params import PhaseParams, processed_dir
from ldkit.engagement.phases import PHASES, Phase, get_phase
from ldkit.engagement.run import (
    EngagementLocked,
    _ldkit_version,  # noqa: F401 - the batch's resume check imports it from here
    engagement_notebooks,
    input_files,
    latest_run,
    notebook_jobs,
    read_manifest,
    run_engagement,
    run_health,
    run_results,
)


def engagement_identifiers(folder):
    """Personal identifiers in the engagement's raw exports (see :mod:`.audit`)."""
    from ldkit.engagement.audit import engagement_identifiers as identifiers

    return identifiers(folder)


__all__ = [
    "CONFIG_FILE",
    "DELIVERABLE_KINDS",
    "PHASES",
    "EngagementConfig",
    "EngagementLocked",
    "Inputs",
    "Phase",
    "PhaseParams",
    "engagement_identifiers",
    "engagement_notebooks",
    "get_phase",
    "input_files",
    "latest_run",
    "load_engagement",
    "new_engagement",
    "notebook_jobs",
    "phase_params",
    "processed_dir",
    "read_manifest",
    "resolve_input",
    "run_engagement",
    "run_health",
    "run_results",
    "slugify",
    "template_path",
]
