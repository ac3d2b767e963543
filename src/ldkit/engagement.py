"""Client engagements: the folder, its ``engagement.yaml``, scaffolding and runs.

An engagement folder (created by :func:`new_engagement`, ``ldkit new``)::

    engagement.yaml        client, dates, currency, minimum group size, inputs,
                           per-notebook parameters, deliverables to build
    .ldkit-secret          pseudonymization secret (git-ignored, never shared)
    .gitignore             keeps client data out of git
    data/raw/              inputs as received; never modified
    data/processed/        derived tables and figures
    notebooks/             numbered papermill notebooks (stored without outputs)
    deliverables/          report (HTML), workbook (XLSX), deck (PPTX)
    runs/<run-id>/         executed notebooks and manifest.json of each run

The template lives in the package (``ldkit/templates/engagement``; the
repository's ``engagements/template`` is a link to it), so ``ldkit new`` works
from any folder after a plain ``pip install``.
"""

from __future__ import annotations

import re
import secrets
import shutil
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from ldkit.errors import InputError, InputFileNotFoundError, Location, Problem, ValidationError

__all__ = [
    "CONFIG_FILE",
    "DELIVERABLE_KINDS",
    "EngagementConfig",
    "Inputs",
    "engagement_identifiers",
    "engagement_notebooks",
    "input_files",
    "latest_run",
    "load_engagement",
    "new_engagement",
    "notebook_jobs",
    "run_engagement",
    "run_results",
    "slugify",
    "template_path",
]

CONFIG_FILE = "engagement.yaml"
DELIVERABLE_KINDS = ("html", "xlsx", "pptx")
GITIGNORE = """\
# Client data never enters git (ldkit).
data/
runs/
deliverables/
.ldkit-secret
"""


class Inputs(BaseModel):
    """Paths of the engagement's inputs, relative to the engagement folder."""

    model_config = ConfigDict(extra="forbid")

    capability_model: str = "data/raw/capability_model.yaml"
    self_survey: str = "data/raw/self.csv"
    self_codebook: str = "data/raw/codebook_self.yaml"
    manager_survey: str = ""
    manager_codebook: str = ""
    learning_catalog: str = ""   # learning catalog (.yaml or .xlsx) for 3-learning-plans
    plan_adjustments: str = ""   # pins, exclusions, career goals per learner (.csv or .xlsx)
    learner_names: str = ""      # id (as in the surveys) and name, for the plan documents
    roi_case: str = ""           # ROI and business case (.yaml) for 4-roi-business-case
    assessments: str = ""        # pre/post assessment scores (.csv or .xlsx), evaluation level 2
    strategy: str = ""           # goal register, portfolio and RACI (.yaml) for 5-strategy-tracking
    lms_completions: str = ""    # LMS enrolment/completion export (.csv or .xlsx)
    time_tracking: str = ""      # hours by person, program and month (.csv or .xlsx)


class EngagementConfig(BaseModel):
    """The validated contents of ``engagement.yaml``."""

    model_config = ConfigDict(extra="forbid")

    client: str = Field(min_length=1)
    engagement_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    start_date: date | None = None
    end_date: date | None = None
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    min_group_size: int = Field(default=5, ge=1)
    inputs: Inputs = Inputs()
    notebooks: dict[str, dict[str, Any]] = {}
    deliverables: list[str] = list(DELIVERABLE_KINDS)

    @field_validator("deliverables")
    @classmethod
    def _known_kinds(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in DELIVERABLE_KINDS]
        if unknown:
            raise ValueError(f"unknown deliverable {unknown[0]!r}; use {list(DELIVERABLE_KINDS)}")
        return value

    @field_validator("notebooks", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (v or {}) for k, v in value.items()}
        return value


def template_path() -> Path:
    """The engagement template shipped in the package."""
    return Path(str(resources.files("ldkit").joinpath("templates", "engagement")))


def slugify(text: str) -> str:
    """'Demo Bio, Inc.' -> 'demo-bio-inc'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")
    return slug or "client"


def load_engagement(folder: str | Path) -> EngagementConfig:
    """Read and validate ``engagement.yaml``; every problem names the file, key and line."""
    from ldkit.capability.io_yaml import load_yaml

    root = Path(folder)
    if not root.exists():
        raise InputFileNotFoundError(root, hint="give the path of an engagement folder")
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        raise InputError(f"{root} is not an engagement: it has no {CONFIG_FILE}",
                         location=Location(file=str(root)),
                         hint="create one with 'ldkit new CLIENT'")
    data = load_yaml(config_file)
    if not isinstance(data, dict):
        raise InputError("is not an engagement configuration (expected 'client: ...')",
                         location=Location(file=str(config_file)))
    try:
        return EngagementConfig.model_validate(data)
    except PydanticValidationError as exc:
        problems = []
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"])
            node = data
            for part in err["loc"][:-1]:
                node = node.get(part, {}) if isinstance(node, dict) else {}
            key_lines = getattr(node, "key_lines", {}) or {}
            line = key_lines.get(err["loc"][-1]) if err["loc"] else None
            message = ("unknown key" if err["type"] == "extra_forbidden"
                       else err["msg"].removeprefix("Value error, "))
            problems.append(Problem(f"'{path}': {message}",
                                    Location(file=str(config_file), field=path, line=line),
                                    _hint(err)))
        raise ValidationError(problems, what=str(config_file)) from None


def _hint(err: dict) -> str | None:
    if err["type"] == "extra_forbidden":
        return "remove it or check its spelling against the template's engagement.yaml"
    if err["type"] == "missing":
        return "add it"
    return None


def new_engagement(client: str, *, template: str | Path | None = None,
                   folder: str | Path = "engagements", engagement_id: str | None = None,
                   overwrite: bool = False) -> Path:
    """Scaffold an engagement from the template; return its folder.

    Fills ``engagement.yaml`` with the client's name and id, creates a random
    pseudonymization secret (``.ldkit-secret``) and a ``.gitignore`` that keeps
    client data out of git.
    """
    import yaml

    if not client or not client.strip():
        raise InputError("the client name is empty", hint="ldkit new 'Client Name'")
    source = Path(template) if template is not None else template_path()
    if not (source / CONFIG_FILE).is_file():
        raise InputError(f"{source} is not an engagement template (no {CONFIG_FILE})",
                         location=Location(file=str(source)))
    slug = engagement_id or slugify(client)
    target = Path(folder) / slug
    if target.exists() and any(target.iterdir()) and not overwrite:
        raise InputError(f"{target} already exists", location=Location(file=str(target)),
                         hint="choose another --dir or name, or remove the folder")
    shutil.copytree(source, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "runs", "__pycache__"))
    config_file = target / CONFIG_FILE
    data = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    data["client"] = client.strip()
    data["engagement_id"] = slug
    from ldkit.io import atomic_write_text

    atomic_write_text(config_file, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    secret_file = target / ".ldkit-secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        secret_file.chmod(0o600)
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    for sub in ("data/raw", "data/processed", "deliverables", "runs"):
        (target / sub).mkdir(parents=True, exist_ok=True)
    load_engagement(target)  # the scaffold must be valid
    return target


# -- runs ------------------------------------------------------------------------------------



def engagement_notebooks(folder: str | Path) -> list[Path]:
    """The engagement's notebooks, in run order (numbered names sort first)."""
    root = Path(folder) / "notebooks"
    found = [p for p in root.glob("*.ipynb") if not p.name.startswith(".")]
    if not found:
        raise InputError(f"{root} holds no notebooks", location=Location(file=str(root)),
                         hint="copy them from the template: ldkit new")

    def key(p: Path) -> tuple[int, str]:
        m = re.match(r"(\d+)", p.stem)
        return (int(m.group(1)) if m else 10**6, p.stem)

    return sorted(found, key=key)


def notebook_jobs(folder: str | Path, config: EngagementConfig, run_dir: Path,
                  *, only: str | None = None) -> list[Any]:
    """One papermill job per notebook, with its parameters from ``engagement.yaml``.

    Each notebook gets the common values it declares (client, engagement folder,
    minimum group size, currency, run folder, deliverables), the ``inputs`` it
    declares, and its own section under ``notebooks:``, which is checked strictly.
    """
    from ldkit.runner import NotebookJob, notebook_parameters

    root = Path(folder).resolve()
    notebooks = engagement_notebooks(root)
    names = [p.stem for p in notebooks]
    unknown = [n for n in config.notebooks if n not in names]
    if unknown:
        raise ValidationError([Problem(
            f"'notebooks.{n}': no notebook of that name in notebooks/",
            Location(file=str(root / CONFIG_FILE), field=f"notebooks.{n}"),
            f"notebooks are: {', '.join(names)}") for n in unknown], what=str(root / CONFIG_FILE))
    if only is not None and only not in names:
        raise InputError(f"--only {only}: no such notebook",
                         hint=f"notebooks are: {', '.join(names)}")
    common: dict[str, Any] = {
        "client": config.client, "engagement_dir": str(root),
        "min_group_size": config.min_group_size, "currency": config.currency,
        "run_dir": str(run_dir), "deliverables": list(config.deliverables),
        **config.inputs.model_dump(),
    }
    jobs = []
    for path in notebooks:
        if only is not None and path.stem != only:
            continue
        declared = notebook_parameters(path)
        params = {k: v for k, v in common.items() if k in declared}
        params.update(config.notebooks.get(path.stem, {}))
        jobs.append(NotebookJob(path.stem, path, params))
    return jobs


def input_files(folder: str | Path, config: EngagementConfig) -> list[Path]:
    """The config, the input files it names (that exist) and the notebooks: what a run reads."""
    root = Path(folder)
    files = [root / CONFIG_FILE]
    files += [root / v for v in config.inputs.model_dump().values() if v and (root / v).is_file()]
    files += engagement_notebooks(root)
    return files


def run_engagement(folder: str | Path, *, only: str | None = None, force: bool = False,
                   progress: bool = True) -> Any:
    """Run an engagement's notebooks in order; write executed copies and a manifest.

    Parameters are checked against every notebook before any kernel starts. A
    failing notebook stops the run (its executed copy is kept under runs/).
    Unless ``force``, a run whose inputs and parameters equal the last successful
    run's is skipped (the last run's report is returned).

    Returns
    -------
    ldkit.runner.RunReport
    """
    import json

    from ldkit.runner import (
        file_hashes,
        new_run_id,
        run_notebooks,
        write_manifest,
    )

    root = Path(folder).resolve()
    config = load_engagement(root)
    inputs = file_hashes(input_files(root, config))
    last = latest_run(root, ok_only=True)
    if not force and only is None and last is not None:
        manifest = json.loads((last / "manifest.json").read_text(encoding="utf-8"))
        previous = {i["path"]: i["sha256"] for i in manifest.get("inputs", [])}
        if previous == inputs and manifest.get("versions", {}).get("ldkit") == _ldkit_version():
            return _report_from_manifest(last, manifest)
    run_dir = root / "runs" / new_run_id()
    jobs = notebook_jobs(root, config, run_dir, only=only)
    # run_notebooks checks every job's parameters before any kernel starts
    report = run_notebooks(jobs, run_dir, cwd=root, progress=progress,
                           source=str(root / CONFIG_FILE))
    write_manifest(run_dir, parameters={j.name: j.parameters for j in jobs}, inputs=inputs,
                   report=report)
    return report


def _ldkit_version() -> str:
    from ldkit._version import __version__

    return __version__


def _report_from_manifest(run_dir: Path, manifest: dict) -> Any:
    from ldkit.runner import NotebookRun, RunReport

    runs = tuple(NotebookRun(name=n["name"], path=Path(n["path"]),
                             output=run_dir / f"{n['name']}.ipynb", status="up to date",
                             duration=0.0, error=None)
                 for n in manifest.get("notebooks", []))
    return RunReport(run_dir=run_dir, notebooks=runs, ok=True)


def latest_run(folder: str | Path, *, ok_only: bool = False) -> Path | None:
    """The newest run folder (with a manifest), optionally only among successful runs."""
    import json

    runs = sorted((Path(folder) / "runs").glob("*/manifest.json"), reverse=True)
    for manifest in runs:
        if not ok_only:
            return manifest.parent
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("ok") and data.get("notebooks"):
            return manifest.parent
    return None


def run_results(folder: str | Path, run: str | None = None) -> Any:
    """Recorded results of a run (default: the latest successful one) as one table.

    Columns: engagement, run, notebook, name, value (tables as their JSON text).
    """
    import json

    import pandas as pd

    from ldkit.records import read_records

    root = Path(folder).resolve()
    config = load_engagement(root)
    run_dir = (root / "runs" / run) if run else latest_run(root, ok_only=True)
    if run_dir is None or not run_dir.is_dir():
        raise InputError(f"{root} has no {'run ' + run if run else 'successful run'}",
                         location=Location(file=str(root / "runs")),
                         hint=f"run it first: ldkit run {root}")
    rows = []
    for nb in sorted(run_dir.glob("*.ipynb")):
        for name, value in read_records(nb).items():
            text = value.to_json(orient="split", index=False) if hasattr(value, "to_json") \
                else (value if isinstance(value, str) else json.dumps(value))
            rows.append((config.engagement_id, run_dir.name, nb.stem, name, text))
    return pd.DataFrame(rows, columns=["engagement", "run", "notebook", "name", "value"])


def engagement_identifiers(folder: str | Path) -> list[str]:
    """Personal identifiers in the engagement's raw exports (names, e-mails, ids...).

    The values of each survey codebook's ``identifiers`` and ``person`` columns,
    the learner ids of the LMS export and the people of the time tracking, for
    the audit to search the deliverables for. Read from the raw files, never copied.
    """
    from ldkit.codebook import read_codebook
    from ldkit.survey.layouts import read_export
    from ldkit.survey.reader import clean_text

    root = Path(folder)
    config = load_engagement(root)
    found: set[str] = set()
    pairs = ((config.inputs.self_survey, config.inputs.self_codebook),
             (config.inputs.manager_survey, config.inputs.manager_codebook))
    for export, codebook in pairs:
        if not export or not (root / export).is_file() or not (root / codebook).is_file():
            continue
        cb = read_codebook(root / codebook)
        raw = read_export(root / export)
        for name in (*cb.respondent.identifiers, cb.respondent.person_column):
            col = raw.resolve(name)
            if col is not None:
                found.update(v for v in clean_text(raw.frame[col])
                             if len(v) >= 3 and any(ch.isalpha() for ch in v))
    found.update(_activity_identifiers(root, config))
    return sorted(found)


def _activity_identifiers(root: Path, config: EngagementConfig) -> set[str]:
    """Learner ids of the LMS export and people of the time tracking, as received."""
    if not (config.inputs.lms_completions or config.inputs.time_tracking):
        return set()
    from ldkit.strategy.actuals import read_lms_export, read_time_tracking

    values: list[str] = []
    if config.inputs.lms_completions and (root / config.inputs.lms_completions).is_file():
        values += read_lms_export(root / config.inputs.lms_completions).records["learner"].tolist()
    if config.inputs.time_tracking and (root / config.inputs.time_tracking).is_file():
        values += read_time_tracking(root / config.inputs.time_tracking).records["person"].tolist()
    return {str(v).strip() for v in values
            if len(str(v).strip()) >= 3 and any(ch.isalpha() for ch in str(v))}
