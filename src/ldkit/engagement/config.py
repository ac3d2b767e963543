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

:func:`phase_params` turns ``engagement.yaml`` into the validated parameters of
one phase, exactly as ``ldkit run`` does: a notebook opened in JupyterLab calls
it too, so a template default never reaches an engagement's outputs.

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

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator
from pydantic import ValidationError as PydanticValidationError

from ldkit.disclosure import min_group_size_warning
from ldkit.errors import InputError, InputFileNotFoundError, Location, Problem, ValidationError

__all__ = [
    "CONFIG_FILE",
    "CURRENCIES",
    "DELIVERABLE_KINDS",
    "LOCALES",
    "AuditSettings",
    "Branding",
    "EngagementConfig",
    "Inputs",
    "Recommendation",
    "load_engagement",
    "min_group_size_warning",
    "new_engagement",
    "phase_params",
    "pydantic_problems",
    "resolve_input",
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
    lms_user_ids: str = ""       # id (as in the surveys) and lms_user_id, for the LMS file
    roi_case: str = ""           # ROI and business case (.yaml) for 4-roi-business-case
    assessments: str = ""        # pre/post assessment scores (.csv or .xlsx), evaluation level 2
    strategy: str = ""           # goal register, portfolio and RACI (.yaml) for 5-strategy-tracking
    lms_completions: str = ""    # LMS enrolment/completion export (.csv or .xlsx)
    time_tracking: str = ""      # hours by person, program and month (.csv or .xlsx)
    followup_self_survey: str = ""      # the follow-up wave of the self survey (6-progress)
    followup_self_codebook: str = ""    # its codebook
    followup_manager_survey: str = ""   # the follow-up wave of the manager survey
    followup_manager_codebook: str = ""  # its codebook
    plan_completions: str = ""   # LMS completions of the issued plans (6-progress)
    manager_roster: str = ""     # id, manager (and manager_name): per-manager follow-up lists


_CURRENCY_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
"""
CURRENCIES = frozenset(_CURRENCY_CODES.split())
"""ISO 4217 codes of current currencies."""

LOCALES = ("en-GB", "en-US", "de-DE", "fr-FR")
"""Locales of the deliverables: date style, spelling, number style and paper size."""



class Branding(BaseModel):
    """The consultancy's identity on the deliverables (all optional)."""

    model_config = ConfigDict(extra="forbid")

    firm: str = ""
    logo: str = ""             # image file, relative to the engagement folder
    colors: list[str] = []     # hex colours, primary first: ["#1F4E5F", "#E07A1F"]
    pptx_template: str = ""    # the firm's own .pptx: its slide master and layouts are used
    footer: str = ""           # footer text on every page and slide
    status: str = ""           # e.g. "Draft v2": on the title and footers


class Recommendation(BaseModel):
    """One recommendation of the readout, as the consultant words it."""

    model_config = ConfigDict(extra="forbid")

    action: str = Field(min_length=1)
    owner: str = ""
    timing: str = ""
    cost: str = ""


class AuditSettings(BaseModel):
    """``audit:``: words the audit may find in deliverables (a consultant's decision)."""

    model_config = ConfigDict(extra="forbid")

    allow: list[str] = []


class EngagementConfig(BaseModel):
    """The validated contents of ``engagement.yaml``."""

    model_config = ConfigDict(extra="forbid")

    client: str = Field(min_length=1)
    engagement_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    start_date: date | None = None
    end_date: date | None = None
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    min_group_size: StrictInt = Field(default=5, ge=1)
    locale: str = "en-GB"
    inputs: Inputs = Inputs()
    notebooks: dict[str, dict[str, Any]] = {}
    deliverables: list[str] = list(DELIVERABLE_KINDS)
    branding: Branding = Branding()
    recommendations: list[Recommendation] = []
    audit: AuditSettings = AuditSettings()
    allow_outside_inputs: StrictBool = False

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value not in CURRENCIES:
            raise ValueError(f"{value!r} is not an ISO 4217 currency code (e.g. EUR, USD, GBP)")
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in LOCALES:
            raise ValueError(f"unknown locale {value!r}; use one of {', '.join(LOCALES)}")
        return value

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


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def _filled(text: str, **values: str) -> str:
    """The template's engagement.yaml with top-level keys set, its comments kept."""
    import json

    lines = text.splitlines(keepends=True)
    for key, value in values.items():
        pattern = re.compile(rf"^{re.escape(key)}:[^#\n]*(#.*)?$")
        # JSON strings are valid YAML scalars: quotes and escapes done right
        for i, line in enumerate(lines):
            m = pattern.match(line.rstrip("\n"))
            if m:
                comment = f"  {m.group(1)}" if m.group(1) else ""
                lines[i] = f"{key}: {json.dumps(value, ensure_ascii=False)}{comment}\n"
                break
        else:
            lines.insert(0, f"{key}: {json.dumps(value, ensure_ascii=False)}\n")
    return "".join(lines)


def template_path() -> Path:
    """The engagement template shipped in the package."""
    return Path(str(resources.files("ldkit").joinpath("templates", "engagement")))


def slugify(text: str) -> str:
    """'Demo Bio, Inc.' -> 'demo-bio-inc'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")
    return slug or "client"


def load_engagement(folder: str | Path) -> EngagementConfig:
    """Read and validate ``engagement.yaml``; every problem names the file, key and line."""

    root = Path(folder)
    if not root.exists():
        raise InputFileNotFoundError(root, hint="give the path of an engagement folder")
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        raise InputError(f"{root} is not an engagement: it has no {CONFIG_FILE}",
                         location=Location(file=str(root)),
                         hint="create one with 'ldkit new CLIENT'")
    return _load(root)[0]


def _load(root: Path) -> tuple[EngagementConfig, Any]:
    """The validated config and the located YAML data it came from."""
    from ldkit.capability.io_yaml import load_yaml

    config_file = root / CONFIG_FILE
    data = load_yaml(config_file)
    if not isinstance(data, dict):
        raise InputError("is not an engagement configuration (expected 'client: ...')",
                         location=Location(file=str(config_file)))
    try:
        return EngagementConfig.model_validate(data), data
    except PydanticValidationError as exc:
        raise ValidationError(pydantic_problems(exc, data, file=str(config_file)),
                              what=str(config_file)) from None


def phase_params(phase: str, engagement_dir: str | Path = "..", *, run_dir: str = "",
                 config: EngagementConfig | None = None) -> Any:
    """The validated parameters of one phase, exactly as ``ldkit run`` gives them.

    Parameters
    ----------
    phase : str
        A registry name (``"plans"``) or a notebook stem (``"3-learning-plans"``).
    engagement_dir : str or Path, default ".."
        The engagement folder; relative paths stay relative (to the working folder
        of the kernel), so an executed copy acts on the engagement it lies in.
    run_dir : str, default ""
        The run folder, for the phases that read the run's executed notebooks.

    The values come from ``engagement.yaml``: the common keys (client, minimum group
    size, currency, locale, deliverables), the ``inputs:`` the phase declares, and its
    own section under ``notebooks:``, checked strictly. Every problem is located in
    engagement.yaml with its line; a raw pydantic error never reaches the user.

    Examples
    --------
    In a template notebook, opened from ``<engagement>/notebooks/``::

        p = phase_params("plans", engagement_dir)   # engagement_dir = ".."
    """
    from ldkit.engagement.phases import get_phase, phase_for_notebook

    info = phase_for_notebook(phase) or get_phase(phase)
    root = Path(engagement_dir).resolve()
    if not (root / CONFIG_FILE).is_file():
        load_engagement(root)  # the clear error: not an engagement
    loaded, data = _load(root)
    config = config or loaded
    config_file = str(root / CONFIG_FILE)
    cls = info.params_class
    fields = cls.model_fields
    common: dict[str, Any] = {
        "client": config.client, "engagement_dir": str(engagement_dir),
        "min_group_size": config.min_group_size, "currency": config.currency,
        "locale": config.locale, "deliverables": list(config.deliverables), "run_dir": run_dir,
        **config.inputs.model_dump(),
    }
    values = {k: v for k, v in common.items() if k in fields}
    section = config.notebooks.get(info.notebook, {}) or {}
    section_data = (data.get("notebooks") or {}).get(info.notebook) or {}
    problems = []
    for key in section:
        if key not in fields or key in ("client", "engagement_dir"):
            import difflib

            close = difflib.get_close_matches(str(key), list(fields), n=1)
            problems.append(Problem(
                f"'notebooks.{info.notebook}.{key}': {info.notebook} has no parameter '{key}'",
                Location(file=config_file, field=f"notebooks.{info.notebook}.{key}",
                         line=getattr(section_data, "key_lines", {}).get(key)),
                f"did you mean '{close[0]}'?" if close else
                "its parameters are " + ", ".join(f for f in fields
                                                  if f not in ("client", "engagement_dir"))))
    if problems:
        raise ValidationError(problems, what=config_file)
    values.update(section)
    try:
        return cls.model_validate(values)
    except PydanticValidationError as exc:
        located = []
        for err in exc.errors():
            key = err["loc"][0] if err["loc"] else ""
            if key in section:
                prefix, lines = f"notebooks.{info.notebook}", section_data
            elif key in Inputs.model_fields:
                prefix, lines = "inputs", data.get("inputs") or {}
            else:
                prefix, lines = "", data
            located += pydantic_problems([err], data, file=config_file, prefix=prefix,
                                         lines=lines)
        raise ValidationError(located, what=config_file) from None


def pydantic_problems(exc: PydanticValidationError | list[dict], data: Any, *, file: str,
                      prefix: str = "", lines: Any = None) -> list[Problem]:
    """Located problems (file, key path, line) from a pydantic error on YAML data.

    ``data`` is what the located YAML loader returned (its mappings know the line of
    each key); ``prefix`` is prepended to key paths (``notebooks.3-learning-plans``);
    ``lines`` is the mapping whose keys the paths start from, when not ``data``.
    """
    problems = []
    errors = exc if isinstance(exc, list) else exc.errors()
    for err in errors:
        loc = tuple(err["loc"])
        path = ".".join(str(p) for p in ((prefix,) if prefix else ()) + loc)
        node = lines if lines is not None else data
        line = getattr(node, "line", None)
        for part in loc:
            key_lines = getattr(node, "key_lines", {}) or {}
            line = key_lines.get(part, line)
            if isinstance(node, dict):
                node = node.get(part, {})
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                node = {}
        message = ("unknown key" if err["type"] == "extra_forbidden"
                   else err["msg"].removeprefix("Value error, "))
        if err["type"] not in ("extra_forbidden", "missing") and "input" in err:
            message += f" (got {err['input']!r})"
        problems.append(Problem(f"'{path}': {message}",
                                Location(file=file, field=path, line=line), _hint(err)))
    return problems


def resolve_input(root: str | Path, relative: str) -> Path:
    """The path of an input named in engagement.yaml, checked to lie inside the folder.

    Relative paths are relative to the engagement folder. A path that resolves
    outside it (``..``, an absolute path elsewhere, a symbolic link leading out)
    is an error unless ``engagement.yaml`` says ``allow_outside_inputs: true``.
    """
    root = Path(root).resolve()
    p = Path(relative)
    p = p if p.is_absolute() else root / p
    resolved = p.resolve()
    if resolved != root and root not in resolved.parents:
        allowed = False
        config_file = root / CONFIG_FILE
        if config_file.is_file():
            try:
                allowed = load_engagement(root).allow_outside_inputs
            except InputError:
                allowed = False
        if not allowed:
            raise InputError(
                f"the input {relative} lies outside the engagement folder ({resolved})",
                location=Location(file=str(config_file), field="inputs"),
                hint="copy the file into data/raw/, or set 'allow_outside_inputs: true' in "
                     "engagement.yaml if it must stay where it is")
    return p


def _hint(err: dict) -> str | None:
    if err["type"] == "extra_forbidden":
        return "remove it or check its spelling against the template's engagement.yaml"
    if err["type"] == "missing":
        return "add it"
    if err["type"] in ("int_type", "int_from_float", "int_parsing"):
        return "write a whole number without quotes, e.g. 5"
    if err["type"] in ("bool_type", "bool_parsing"):
        return "write true or false"
    return None


def new_engagement(client: str, *, template: str | Path | None = None,
                   folder: str | Path = "engagements", engagement_id: str | None = None,
                   overwrite: bool = False) -> Path:
    """Scaffold an engagement from the template; return its folder.

    Fills ``engagement.yaml`` with the client's name and id, creates a random
    pseudonymization secret (``.ldkit-secret``) and a ``.gitignore`` that keeps
    client data out of git.
    """

    if not client or not client.strip():
        raise InputError("the client name is empty", hint="ldkit new 'Client Name'")
    source = Path(template) if template is not None else template_path()
    if not (source / CONFIG_FILE).is_file():
        raise InputError(f"{source} is not an engagement template (no {CONFIG_FILE})",
                         location=Location(file=str(source)))
    slug = engagement_id if engagement_id is not None else slugify(client)
    if not _ID.match(slug) or slug in (".", "..") or ".." in slug:
        raise InputError(f"--id {slug!r} is not a valid engagement id",
                         hint="use letters, digits, '-', '_' and '.', starting with a letter "
                              "or digit (no '/' and no '..'), e.g. acme-pharma")
    parent = Path(folder)
    if parent.exists() and not parent.is_dir():
        raise InputError(f"--dir {parent} is a file, not a folder",
                         location=Location(file=str(parent)),
                         hint="give the folder that holds engagements, e.g. engagements")
    existing = next((a for a in (parent, *parent.parents) if a.exists()), None)
    if existing is not None and not existing.is_dir():
        raise InputError(f"--dir {parent}: {existing} is a file, not a folder",
                         location=Location(file=str(existing)))
    import os

    if existing is not None and not os.access(existing, os.W_OK):
        raise InputError(f"--dir {parent}: cannot write in {existing} (permission denied)",
                         location=Location(file=str(existing)),
                         hint="choose a folder you can write to")
    target = parent / slug
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} exists and is a file", location=Location(file=str(target)),
                         hint="choose another --id or --dir")
    if target.exists() and any(target.iterdir()) and not overwrite:
        raise InputError(f"{target} already exists", location=Location(file=str(target)),
                         hint="choose another --dir or name, or remove the folder")
    shutil.copytree(source, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "runs", "__pycache__"))
    config_file = target / CONFIG_FILE
    from ldkit.io import atomic_write_text

    atomic_write_text(config_file, _filled(config_file.read_text(encoding="utf-8"),
                                           client=client.strip(), engagement_id=slug))
    secret_file = target / ".ldkit-secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        secret_file.chmod(0o600)
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    for sub in ("data/raw", "data/processed", "deliverables", "runs"):
        (target / sub).mkdir(parents=True, exist_ok=True)
    load_engagement(target)  # the scaffold must be valid
    return target


