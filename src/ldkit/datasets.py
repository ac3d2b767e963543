"""Synthetic needs-analysis survey exports of a fictional pharma client, Demo Bio.

Tests, tutorials and benchmarks need survey exports that look like the ones a
consultant receives, in every layout, with the dirt real exports carry. This
module makes them; no real person's data is involved (names come from a small
pool that includes accented names to exercise encodings, e-mails are
``first.last@demobio.example``).

Public API::

    LAYOUTS                 the export layouts write_survey_exports can produce
    make_population         employees, their true levels and importance (Population)
    write_survey_exports    self and manager exports + a codebook YAML each (SurveyExports)
    Population, SurveyExports, ExpectedCounts   the frozen result types

The same seed and ``n_employees`` give the same people and the same answers
in every layout; only the file layout differs. Anomalies (previews, partial
responses, duplicates, unmapped answers, blank roles) are extra rows on top
of that clean set, so a reader that excludes them finds the same kept data
in every layout. ``SurveyExports.expected`` says how many rows a reader must
read, keep and exclude (by reason) in each file.

Layouts and their column names
------------------------------
``qualtrics`` (``.csv``, UTF-8 with BOM)
    Three header rows: field ids, question texts, ImportId JSON. Metadata
    StartDate ... UserLanguage, then ``Q_role``, ``Q_region``, ``Q_bu``,
    ``Q_tenure``, proficiency matrix ``QID3_1..QID3_k``, importance matrix
    ``QID4_1..QID4_k`` (k = number of capabilities, in survey order), and the
    open question ``Q_comment``. The manager export has ``QID3_1..QID3_k``
    and the embedded data ``EmployeeEmail``, ``EmployeeRole`` last. Status is
    ``IP Address`` or ``Survey Preview``, Finished ``True``/``False``,
    answers are labels.
``qualtrics_legacy`` (``.csv``, UTF-16 with BOM, native byte order, comma-separated)
    Two header rows: ``V1``..``V10`` (ResponseID, ResponseSet, Name,
    ExternalDataReference, EmailAddress, IPAddress, Status, StartDate,
    EndDate, Finished) then ``Q_role``, ``Q_region``, ``Q_bu``, ``Q_tenure``,
    ``Q3_1..Q3_k``, ``Q4_1..Q4_k``, ``Q_comment`` (manager: ``Q3_1..Q3_k``,
    ``EmployeeEmail``, ``EmployeeRole``); row 2 holds the text names. Status
    is numeric (0 response, 1 preview), Finished 0/1, Name is
    ``"Last, First"``. Rating answers are numeric codes (1-4, 1-5); the
    attribute answers (role, region ...) stay choice texts.
``surveymonkey_csv`` (``.csv``, cp1252) and ``surveymonkey_xlsx``
    Two header rows: question text (blank cells continue the question across
    its sub-columns), then ``Response`` / ``Open-Ended Response`` / the
    matrix row label (the capability name). Metadata Respondent ID,
    Collector ID, Start Date, End Date (``MM/DD/YYYY hh:mm:ss AM``, text in
    both CSV and XLSX), IP Address, Email Address, First Name, Last Name,
    Custom Data 1 (manager export: the rated employee's e-mail). The codebook
    names a column by joining its two header cells: the question text
    (carried across blanks), ``" - "``, the sub-label; where the sub-label is
    ``Response``, ``Open-Ended Response`` or blank, the question text alone;
    metadata columns by their row-1 name.
``msforms`` (``.xlsx``)
    One header row: ID, Start time, Completion time (Excel datetimes),
    Email, Name, Last modified time (empty), then one column per question.
    Forms exports each Likert row as its own column; the names chosen here
    are ``"<capability name> - how proficient are you?"``,
    ``"<capability name> - how important is it in your role?"`` and
    (manager) ``"<capability name> - how proficient is this employee?"``;
    the manager form asks for the employee's e-mail and role as questions.
``tidy_csv`` (``.csv``, UTF-8 without BOM) and ``tidy_xlsx``
    One header row: respondent_id, email, first_name, last_name,
    submitted_at (ISO 8601 text in CSV, datetime cells in XLSX),
    duration_seconds, role, region, business_unit, tenure, one column per
    item named by the item id, comment. Manager: respondent_id,
    manager_email, employee_email, role, submitted_at, duration_seconds,
    items. Ratings are numeric codes.

XLSX exports have one sheet, ``Sheet1``, streamed (openpyxl write-only) so
100,000 rows fit in memory. Rows of every export are ordered by end time.

Item ids are ``<capability>_prof_self``, ``<capability>_imp_self`` and
``<capability>_prof_mgr``; scales ``proficiency<k>`` (the model's scale
labels) and ``importance5``.
"""

from __future__ import annotations

import codecs
import csv
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldkit._params import check_choice, check_number, param_error

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel

__all__ = [
    "BUSINESS_UNITS",
    "EXCLUSION_REASONS",
    "IMPORTANCE_LABELS",
    "LAYOUTS",
    "REGIONS",
    "TENURE_BANDS",
    "ExpectedCounts",
    "Population",
    "SurveyExports",
    "make_population",
    "write_survey_exports",
]

LAYOUTS = ("qualtrics", "qualtrics_legacy", "surveymonkey_csv", "surveymonkey_xlsx", "msforms",
           "tidy_csv", "tidy_xlsx")
EXCLUSION_REASONS = ("survey preview", "partial response", "duplicate respondent",
                     "unmapped answer", "missing role")
REGIONS = ("North America", "EMEA", "APAC", "LATAM")
BUSINESS_UNITS = ("Oncology", "Immunology", "Cell Therapy", "Rare Disease")
TENURE_BANDS = ("<1 year", "1-3 years", "3-5 years", "5+ years")
IMPORTANCE_LABELS = ("Not important", "Slightly important", "Moderately important",
                     "Very important", "Extremely important")

_DEFAULT_ENCODING = {"qualtrics": "utf-8-sig", "qualtrics_legacy": "utf-16",
                     "surveymonkey_csv": "cp1252", "tidy_csv": "utf-8"}
_EXTENSION = {"qualtrics": ".csv", "qualtrics_legacy": ".csv", "surveymonkey_csv": ".csv",
              "surveymonkey_xlsx": ".xlsx", "msforms": ".xlsx", "tidy_csv": ".csv",
              "tidy_xlsx": ".xlsx"}
_FUNC = "write_survey_exports"
_DOMAIN = "demobio.example"
_MIN_DURATION = 60

# Shares of the population and of its teams (Demo Bio's organisation).
_REGION_P = (0.40, 0.33, 0.17, 0.10)
_BU_P = (0.35, 0.30, 0.15, 0.20)
_REGION_LATLON = ((39.74, -104.99), (50.11, 8.68), (1.35, 103.82), (-23.55, -46.63))
_ROLE_SHARE = {"sales_representative": 0.55, "key_account_manager": 0.30,
               "cell_therapy_account_manager": 0.15, "medical_science_liaison": 0.70,
               "medical_advisor": 0.30}
_MANAGER_SHARE = 0.12

# Survey fieldwork window (naive local time, as exports show it).
_WINDOW_START = np.datetime64("2025-03-03T08:00:00", "s")
_WINDOW_DAYS = 18

_FIRST = ("José", "Zoë", "François", "Jürgen", "Chloé", "Noémie", "Björn", "Inés", "Renée",
          "Søren", "Siobhán", "André", "Agnès", "Zoltán", "Ana", "Ben", "Carla", "David",
          "Elena", "Fatima", "Grace", "Hannah", "Ivan", "James", "Julia", "Kenji", "Laura",
          "Liam", "Maria", "Mateo", "Mei", "Nadia", "Olivia", "Omar", "Priya", "Rafael", "Sara",
          "Sofia", "Thomas", "Wei", "Yasmin", "Lucas", "Emma", "Noah", "Aisha", "Daniel",
          "Ingrid", "Kwame", "Lena", "Marco")
_LAST = ("García", "Müller", "Lefèvre", "Schröder", "Núñez", "Dubois", "O'Brien", "Jäger",
         "Åberg", "Løkke", "Fernández", "Gómez", "López", "Pérez", "Horváth", "Kowalski",
         "Smith", "Johnson", "Brown", "Rossi", "Bianchi", "Martin", "Bernard", "Jensen",
         "Nielsen", "Tanaka", "Suzuki", "Chen", "Wang", "Kim", "Patel", "Singh", "Silva",
         "Santos", "Novak", "Fischer", "Weber", "Wagner", "Hoffmann", "van der Berg",
         "Okafor", "Haddad", "Nguyen", "Murphy", "Walsh", "Costa", "Moreau", "Lindqvist",
         "Ito", "Mensah")
# Always in the population (when it is large enough), so every export carries them.
_SHOWCASE = (("José", "García"), ("Zoë", "Müller"), ("François", "Lefèvre"),
             ("Jürgen", "Schröder"))
_COMMENTS = (
    "More field coaching, please.",
    "I’d like more practice on payer conversations – especially in Oncology.",
    'The "value story" training was too theoretical, and too long.',
    "Peer shadowing with a senior KAM would help most.",
    "Need better CRM dashboards; the current ones are hard to read.",
    "Mentoring would help.\nAlso more time with Medical Affairs.",
    "Formation en français serait appréciée.",
    "No comment",
)

_TEXT = {
    "role": "What is your current role?",
    "region": "In which region do you work?",
    "bu": "Which business unit do you work in?",
    "tenure": "How long have you worked at Demo Bio?",
    "comment": "Is there anything else you would like to tell us about your development needs?",
    "prof_self": "How proficient are you today in each of the following?",
    "imp_self": "How important is each of the following to success in your role?",
    "prof_mgr": "How proficient is this employee today in each of the following?",
    "mgr_role": "What is this employee's role?",
    "mgr_email": "Email address of the employee you are rating",
}
_FORMS_SUFFIX = {"prof_self": "how proficient are you?",
                 "imp_self": "how important is it in your role?",
                 "prof_mgr": "how proficient is this employee?"}


# -- result types -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Population:
    """Demo Bio's employees and what is true about them.

    Attributes
    ----------
    employees : DataFrame
        One row per employee: employee_key (e-mail), first_name, last_name,
        role (role id of the model), role_name, region, business_unit,
        tenure_years, manager_key (the manager's e-mail).
    truth : DataFrame
        One row per employee and capability of the model: employee_key,
        capability, true_level (float on the model's scale), importance
        (float, 1-5).
    model : CapabilityModel
        The capability model the population was drawn for.
    managers : DataFrame
        Everyone who appears as a manager_key: manager_key, first_name,
        last_name, region, surveyed (True if the manager is also in
        ``employees``; regional directors and external team leads are not).
    """

    employees: pd.DataFrame
    truth: pd.DataFrame
    model: CapabilityModel
    managers: pd.DataFrame


@dataclass(frozen=True)
class ExpectedCounts:
    """What a reader must find in one export file.

    Attributes
    ----------
    rows_read : int
        Data rows in the file (header rows not counted).
    rows_kept : int
        Rows left after excluding the anomalies (one per employee).
    excluded : dict
        Rows excluded by reason, every key of :data:`EXCLUSION_REASONS`
        present (0 where the layout cannot carry the anomaly).
    flagged : dict
        Kept rows planted with a quality flag: ``speeding`` (duration below
        60 seconds; exact) and ``straight-lining`` (same answer on every
        proficiency item; planted ones only, chance ones can add to them).
    """

    rows_read: int
    rows_kept: int
    excluded: dict[str, int]
    flagged: dict[str, int]


@dataclass(frozen=True, eq=False)
class SurveyExports:
    """The files :func:`write_survey_exports` wrote and what a reader must find in them.

    Attributes
    ----------
    self_path, manager_path : Path
        The self-assessment and manager-assessment exports.
    self_codebook, manager_codebook : Path
        Their codebook YAML files (read them with :func:`ldkit.codebook.read_codebook`).
    layout : str
        One of :data:`LAYOUTS`.
    expected : dict
        ``{"self": ExpectedCounts, "manager": ExpectedCounts}``.
    encoding : str or None
        The text encoding of CSV exports; None for XLSX.
    population : Population
        The population the answers were drawn from (ground truth).
    """

    self_path: Path
    manager_path: Path
    self_codebook: Path
    manager_codebook: Path
    layout: str
    expected: dict[str, ExpectedCounts]
    encoding: str | None = None
    population: Population | None = field(default=None, repr=False)


# -- population ---------------------------------------------------------------------------------


def make_population(
    n_employees: int = 200, *, seed: int = 0, model: CapabilityModel | str | None = None
) -> Population:
    """Draw Demo Bio's employees, their managers and their true capability levels.

    Parameters
    ----------
    n_employees : int, default 200
        Number of surveyed employees (at least 1).
    seed : int, default 0
        Seed of the random draws; the same seed gives the same population.
    model : CapabilityModel or str, optional
        The capability model (or a starter name); default
        ``starter("pharma-commercial")``.

    Returns
    -------
    Population
        ``employees``, ``truth``, ``model`` and ``managers`` (see :class:`Population`).

    Notes
    -----
    About 12% of employees are people managers when the model has a
    people-manager role (a role requiring a capability whose id contains
    ``coach``, e.g. ``first_line_sales_manager``); their own managers are
    regional directors outside the survey. Without such a role, team leads
    outside the survey manage everyone. Teams share region and business unit.

    True levels sit around or below the role's required level::

        true = clip(required - 0.5 + person + tenure + noise, scale min, scale max)

    with person ~ N(0, 0.4), tenure = 0.3 * (log(1 + years) - log 4), noise ~
    N(0, 0.45); capabilities the role does not require centre on 1.8 (on a
    1-4 scale). Importance centres on 2.2 + 2.3 * weight / max weight for
    required capabilities and on 1.9 otherwise, clipped to 1-5.

    Examples
    --------
    >>> pop = make_population(50, seed=1)
    >>> pop.employees.shape[0], pop.truth.shape[0] == 50 * len(pop.model.capabilities)
    (50, True)
    """
    func = "make_population"
    check_number("n_employees", n_employees, func=func, low=1, integer=True)
    _check_seed(seed, func)
    resolved = _resolve_model(model, func)
    pop, _, _ = _simulate(n_employees, seed, resolved)
    return pop


def _check_seed(seed: Any, func: str) -> None:
    check_number("seed", seed, func=func, low=0, integer=True)


def _resolve_model(model: Any, func: str) -> CapabilityModel:
    from ldkit.capability import CapabilityModel, starter, starters

    if model is None:
        model = starter("pharma-commercial")
    elif isinstance(model, str):
        check_choice("model", model, starters(), func=func)
        model = starter(model)
    if not isinstance(model, CapabilityModel):
        raise param_error("model", func, "a CapabilityModel, a starter name or None", model)
    if not model.roles or not model.capabilities:
        raise param_error("model", func, "a model with roles and capabilities", model.id)
    scale = model.scale()
    if scale.values != list(range(1, len(scale.levels) + 1)):
        raise param_error("model", func, "a model whose default scale is numbered 1, 2, 3 ...",
                          f"{model.id} (scale '{scale.id}': {scale.values})")
    odd = [c.id for c in model.capabilities if model.scale_of(c.id).id != scale.id]
    if odd:
        raise param_error("model", func,
                          f"a model whose capabilities all use its default scale '{scale.id}'",
                          f"{model.id} (on other scales: {', '.join(odd)})")
    return model


def _manager_role(model: CapabilityModel) -> int | None:
    """Index of the people-manager role: one requiring a 'coach...' capability."""
    for i, role in enumerate(model.roles):
        if any("coach" in req.capability for req in role.requirements):
            return i if len(model.roles) > 1 else None
    return None


def _fold(name: str) -> str:
    """ASCII e-mail part of a name: José -> jose, Løkke -> lokke, van der Berg -> vanderberg."""
    table = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d",
                           "ł": "l", "Ł": "L"})
    text = unicodedata.normalize("NFKD", name.translate(table))
    return "".join(ch for ch in text.lower() if ch.isascii() and (ch.isalnum() or ch == "-"))


def _emails(first: np.ndarray, last: np.ndarray, taken: set[str] | None = None) -> np.ndarray:
    """first.last@domain, numbered from 2 on collisions (vectorized; ``taken`` is avoided)."""
    fold = {n: _fold(n) for n in set(first.tolist()) | set(last.tolist())}
    base = pd.Series([f"{fold[f]}.{fold[g]}" for f, g in zip(first, last, strict=True)],
                     dtype=object)
    if taken is None:
        n = base.groupby(base, sort=False).cumcount().to_numpy()
        suffix = np.where(n > 0, (n + 1).astype(str), "").astype(object)
        return (base.to_numpy() + suffix + "@" + _DOMAIN).astype(object)
    out = []
    seen = set(taken)
    for b in base:
        k, email = 1, f"{b}@{_DOMAIN}"
        while email in seen:
            k += 1
            email = f"{b}{k}@{_DOMAIN}"
        seen.add(email)
        out.append(email)
    return np.array(out, dtype=object)


def _names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = np.array(_FIRST, dtype=object)[rng.integers(0, len(_FIRST), n)]
    last = np.array(_LAST, dtype=object)[rng.integers(0, len(_LAST), n)]
    return first, last


def _requirements(model: CapabilityModel) -> tuple[np.ndarray, np.ndarray]:
    """Role x capability arrays: required level (NaN if not required), weight / max weight."""
    caps = {c: j for j, c in enumerate(model.capability_ids)}
    level = np.full((len(model.roles), len(caps)), np.nan)
    weight = np.zeros_like(level)
    for i, role in enumerate(model.roles):
        for req in role.requirements:
            level[i, caps[req.capability]] = req.level
            weight[i, caps[req.capability]] = req.weight
    top = weight.max()
    return level, weight / top if top > 0 else weight


def _role_probabilities(model: CapabilityModel, ic_roles: np.ndarray, bu: str) -> np.ndarray:
    ids = [model.roles[i].id for i in ic_roles]
    w = np.array([_ROLE_SHARE.get(r, 1.0) for r in ids])
    cell = np.array(["cell_therapy" in r for r in ids])
    if cell.any() and (~cell).any():
        w = np.where(cell, w * 6, w * 0.4) if bu == "Cell Therapy" else np.where(cell, 0.0, w)
    return w / w.sum()


def _simulate(n: int, seed: int, model: CapabilityModel
              ) -> tuple[Population, np.ndarray, np.ndarray]:
    """The population plus the n x C matrices of true level and importance."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    scale = model.scale()
    lo, hi = scale.min, scale.max
    mgr_role = _manager_role(model)
    ic_roles = np.array([i for i in range(len(model.roles)) if i != mgr_role])

    # Teams: managers (surveyed or external leads), each with a region and business unit.
    if mgr_role is not None:
        n_mgr = min(n, max(1, round(n * _MANAGER_SHARE)))
        is_mgr = np.zeros(n, dtype=bool)
        is_mgr[rng.choice(n, n_mgr, replace=False)] = True
    else:
        n_mgr = max(1, round(n * _MANAGER_SHARE))
        is_mgr = np.zeros(n, dtype=bool)
    mgr_region = rng.choice(len(REGIONS), n_mgr, p=_REGION_P)
    mgr_bu = rng.choice(len(BUSINESS_UNITS), n_mgr, p=_BU_P)
    ics = np.flatnonzero(~is_mgr)
    team = rng.integers(0, n_mgr, ics.size)
    region = np.empty(n, dtype=int)
    bu = np.empty(n, dtype=int)
    role = np.empty(n, dtype=int)
    region[ics], bu[ics] = mgr_region[team], mgr_bu[team]
    for b, name in enumerate(BUSINESS_UNITS):
        rows = ics[bu[ics] == b]
        if rows.size:
            role[rows] = ic_roles[rng.choice(ic_roles.size, rows.size,
                                             p=_role_probabilities(model, ic_roles, name))]
    mgr_rows = np.flatnonzero(is_mgr)
    if mgr_role is not None:
        region[mgr_rows], bu[mgr_rows], role[mgr_rows] = mgr_region, mgr_bu, mgr_role
        directors = np.unique(mgr_region)  # one regional director per region with managers
        n_ext = directors.size
    else:
        n_ext = n_mgr
    tenure = np.round(0.1 + rng.gamma(1.6, 2.6, n) + np.where(is_mgr, 3.0, 0.0), 1)

    # Names for employees and external managers at once, so e-mails are unique across both.
    first, last = _names(rng, n + n_ext)
    for k, (f, g) in enumerate(_SHOWCASE[: min(len(_SHOWCASE), n)]):
        first[k], last[k] = f, g
    email = _emails(first, last)
    ext_email = email[n:]
    if mgr_role is not None:
        mgr_key_of_team = email[mgr_rows]
        manager_key = np.empty(n, dtype=object)
        manager_key[ics] = mgr_key_of_team[team]
        director_of = dict(zip(directors.tolist(), ext_email.tolist(), strict=True))
        manager_key[mgr_rows] = [director_of[r] for r in mgr_region.tolist()]
        managers = pd.DataFrame({
            "manager_key": np.concatenate([email[mgr_rows], ext_email]),
            "first_name": np.concatenate([first[mgr_rows], first[n:]]),
            "last_name": np.concatenate([last[mgr_rows], last[n:]]),
            "region": np.array(REGIONS, dtype=object)[np.concatenate([mgr_region, directors])],
            "surveyed": np.r_[np.ones(n_mgr, bool), np.zeros(n_ext, bool)],
        })
    else:
        manager_key = ext_email[team]
        managers = pd.DataFrame({
            "manager_key": ext_email, "first_name": first[n:], "last_name": last[n:],
            "region": np.array(REGIONS, dtype=object)[mgr_region],
            "surveyed": np.zeros(n_ext, bool),
        })

    role_ids = np.array(model.role_ids, dtype=object)
    role_names = np.array([r.name for r in model.roles], dtype=object)
    employees = pd.DataFrame({
        "employee_key": email[:n], "first_name": first[:n], "last_name": last[:n],
        "role": role_ids[role], "role_name": role_names[role],
        "region": np.array(REGIONS, dtype=object)[region],
        "business_unit": np.array(BUSINESS_UNITS, dtype=object)[bu],
        "tenure_years": tenure, "manager_key": manager_key,
    })

    # Truth: correlated within a person, around or below the role's requirement.
    req_level, req_weight = _requirements(model)
    req, wn = req_level[role], req_weight[role]
    required = ~np.isnan(req)
    c = len(model.capabilities)
    unrequired = lo + 0.8 * (hi - lo) / 3
    person = rng.normal(0, 0.4, n) + 0.3 * (np.log1p(tenure) - np.log(4.0))
    true = np.where(required, np.nan_to_num(req) - 0.5, unrequired) + person[:, None]
    true = np.round(np.clip(true + rng.normal(0, 0.45, (n, c)), lo, hi), 2)
    imp = np.where(required, 2.2 + 2.3 * wn, 1.9) + rng.normal(0, 0.3, n)[:, None]
    imp = np.round(np.clip(imp + rng.normal(0, 0.35, (n, c)), 1, 5), 2)
    truth = pd.DataFrame({
        "employee_key": np.repeat(employees["employee_key"].to_numpy(), c),
        "capability": np.tile(np.array(model.capability_ids, dtype=object), n),
        "true_level": true.ravel(), "importance": imp.ravel(),
    })
    return Population(employees, truth, model, managers), true, imp


# -- responses (layout-free) ----------------------------------------------------------------------


_KINDS = ("clean", "survey preview", "partial response", "duplicate respondent",
          "unmapped answer", "missing role")


@dataclass
class _Responses:
    """One survey's rows before layout: arrays of equal length, codes 0 = no answer."""

    kind: np.ndarray          # one of _KINDS
    person: np.ndarray        # e-mail of the person rated ('' for previews)
    email: np.ndarray         # respondent's e-mail (self: the person; manager: the rater)
    first: np.ndarray         # respondent's names
    last: np.ndarray
    role: np.ndarray          # display name of the rated person's role ('' when blank)
    region: np.ndarray
    bu: np.ndarray
    tenure: np.ndarray
    comment: np.ndarray
    end: np.ndarray           # datetime64[s]
    duration: np.ndarray      # int seconds
    progress: np.ndarray      # int percent
    codes: np.ndarray         # rows x items int
    bad_col: np.ndarray       # item column holding a bad answer, -1 none
    bad_text: np.ndarray      # the bad answer

    @property
    def start(self) -> np.ndarray:
        return self.end - self.duration.astype("timedelta64[s]")

    @property
    def finished(self) -> np.ndarray:
        return self.kind != "partial response"

    @property
    def preview(self) -> np.ndarray:
        return self.kind == "survey preview"

    @staticmethod
    def concat(parts: list[_Responses]) -> _Responses:
        names = [f.name for f in _Responses.__dataclass_fields__.values()]
        joined = {k: np.concatenate([getattr(p, k) for p in parts]) for k in names}
        order = np.argsort(joined["end"], kind="stable")
        return _Responses(**{k: v[order] for k, v in joined.items()})


def _obj(values: Any, n: int | None = None) -> np.ndarray:
    if n is not None:
        return np.full(n, values, dtype=object)
    return np.asarray(values, dtype=object)


def _durations(rng: np.random.Generator, n: int, n_items: int) -> np.ndarray:
    median = 40 + 15 * n_items
    return np.maximum(90, np.round(median * rng.lognormal(0, 0.45, n))).astype(np.int64)


def _end_times(rng: np.random.Generator, n: int) -> np.ndarray:
    """Working-day times (08:00-19:00) within the fieldwork window."""
    seconds = rng.integers(0, _WINDOW_DAYS, n) * 86400 + rng.integers(0, 11 * 3600, n)
    return _WINDOW_START + seconds.astype("timedelta64[s]")


def _perturb(rng: np.random.Generator, codes: np.ndarray, highs: np.ndarray) -> np.ndarray:
    step = rng.choice([-1, 0, 0, 0, 1], codes.shape)
    return np.where(codes > 0, np.clip(codes + step, 1, highs), 0)


def _typo(label: str) -> str:
    if len(label) >= 5 and label[3] != label[4]:
        return label[:3] + label[4] + label[3] + label[5:]
    return label + "x"


def _ratings(pop: Population, true: np.ndarray, imp: np.ndarray, seed: int, cap_idx: np.ndarray
             ) -> dict[str, Any]:
    """Clean answers of both surveys for the asked capabilities (same for every layout)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    scale = pop.model.scale()
    lo, hi = scale.min, scale.max
    n, c_all = true.shape
    # Drawn for every capability of the model, so a subset gets the same answers.
    mgr = np.clip(np.rint(true + rng.normal(0, 0.45, (n, c_all))), lo, hi).astype(np.int64)
    own = np.clip(np.rint(true + 0.3 + rng.normal(0, 0.55, (n, c_all))), lo, hi).astype(np.int64)
    imp_self = np.clip(np.rint(imp + rng.normal(0, 0.55, (n, c_all))), 1, 5).astype(np.int64)
    k_straight = round(0.03 * n)
    straight = rng.choice(n, k_straight, replace=False)
    k_speed_self, k_speed_mgr = round(0.03 * n), round(0.03 * n)
    speed_self = rng.choice(n, k_speed_self, replace=False)
    speed_mgr = rng.choice(n, k_speed_mgr, replace=False)
    c = cap_idx.size
    dur_self = _durations(rng, n, 2 * c + 5)
    dur_mgr = _durations(rng, n, c)
    dur_self[speed_self] = rng.integers(12, 56, k_speed_self)
    dur_mgr[speed_mgr] = rng.integers(12, 56, k_speed_mgr)
    end_self, end_mgr = _end_times(rng, n), _end_times(rng, n)
    has_comment = rng.random(n) < 0.12
    comment = np.where(has_comment, np.array(_COMMENTS, dtype=object)[
        rng.integers(0, len(_COMMENTS), n)], "").astype(object)

    prof = own[:, cap_idx]
    if k_straight:
        prof[straight] = np.clip(np.rint(prof[straight].mean(axis=1)), lo, hi
                                 ).astype(np.int64)[:, None]
    return {"self": np.hstack([prof, imp_self[:, cap_idx]]), "mgr": mgr[:, cap_idx],
            "dur_self": dur_self, "dur_mgr": dur_mgr, "end_self": end_self,
            "end_mgr": end_mgr, "comment": comment,
            "flags_self": {"speeding": k_speed_self, "straight-lining": k_straight},
            "flags_mgr": {"speeding": k_speed_mgr, "straight-lining": 0}}


def _extra_people(rng: np.random.Generator, k: int, taken: set[str], model: CapabilityModel
                  ) -> dict[str, np.ndarray]:
    """People outside the population (abandoned, mistyped or role-less responses)."""
    first, last = _names(rng, k)
    role = rng.integers(0, len(model.roles), k)
    names = np.array([r.name for r in model.roles], dtype=object)
    return {"email": _emails(first, last, taken), "first": first, "last": last,
            "role": names[role],
            "region": np.array(REGIONS, dtype=object)[rng.choice(4, k, p=_REGION_P)],
            "bu": np.array(BUSINESS_UNITS, dtype=object)[rng.choice(4, k, p=_BU_P)],
            "tenure": np.array(TENURE_BANDS, dtype=object)[rng.integers(0, 4, k)]}


def _build_surveys(pop: Population, true: np.ndarray, imp: np.ndarray, *, seed: int,
                   cap_idx: np.ndarray, anomalies: bool, layout: str
                   ) -> tuple[_Responses, _Responses, dict[str, ExpectedCounts]]:
    model = pop.model
    emp = pop.employees
    n = len(emp)
    c = cap_idx.size
    hi_prof = model.scale().max
    r = _ratings(pop, true, imp, seed, cap_idx)
    tenure = np.array(TENURE_BANDS, dtype=object)[
        np.digitize(emp["tenure_years"].to_numpy(), [1.0, 3.0, 5.0])]
    mgr_names = pop.managers.set_index("manager_key")
    rater_first = mgr_names["first_name"].reindex(emp["manager_key"]).to_numpy(object)
    rater_last = mgr_names["last_name"].reindex(emp["manager_key"]).to_numpy(object)
    key = emp["employee_key"].to_numpy(object)
    role = emp["role_name"].to_numpy(object)
    blank = _obj("", n)

    self_clean = _Responses(
        kind=_obj("clean", n), person=key, email=key,
        first=emp["first_name"].to_numpy(object), last=emp["last_name"].to_numpy(object),
        role=role, region=emp["region"].to_numpy(object),
        bu=emp["business_unit"].to_numpy(object), tenure=tenure, comment=r["comment"],
        end=r["end_self"], duration=r["dur_self"], progress=np.full(n, 100), codes=r["self"],
        bad_col=np.full(n, -1), bad_text=blank)
    mgr_clean = _Responses(
        kind=_obj("clean", n), person=key, email=emp["manager_key"].to_numpy(object),
        first=rater_first, last=rater_last, role=role, region=blank, bu=blank, tenure=blank,
        comment=blank, end=r["end_mgr"], duration=r["dur_mgr"], progress=np.full(n, 100),
        codes=r["mgr"], bad_col=np.full(n, -1), bad_text=blank)
    highs_self = np.r_[np.full(c, hi_prof), np.full(c, 5)]
    highs_mgr = np.full(c, hi_prof)
    typo = _typo(model.scale().labels[min(2, len(model.scale().levels) - 1)])

    parts_self, parts_mgr = [self_clean], [mgr_clean]
    counts = {k: 0 for k in EXCLUSION_REASONS}
    if anomalies:
        qualtrics = layout in ("qualtrics", "qualtrics_legacy")
        counts["survey preview"] = 2 if qualtrics else 0
        counts["partial response"] = _partial_count(n) if qualtrics else 0
        counts["duplicate respondent"] = min(n, max(1, round(0.02 * n)))
        counts["unmapped answer"] = 2
        counts["missing role"] = 2
        taken = set(key.tolist()) | set(pop.managers["manager_key"].tolist())
        for survey, clean, highs, parts in (("self", self_clean, highs_self, parts_self),
                                             ("mgr", mgr_clean, highs_mgr, parts_mgr)):
            parts.extend(_anomalies(seed, survey, clean, highs, counts, taken, model, typo,
                                    qualtrics=qualtrics))
    self_resp = _Responses.concat(parts_self)
    mgr_resp = _Responses.concat(parts_mgr)
    expected = {
        name: ExpectedCounts(rows_read=len(resp.kind), rows_kept=n, excluded=dict(counts),
                             flagged=dict(flags))
        for name, resp, flags in (("self", self_resp, r["flags_self"]),
                                  ("manager", mgr_resp, r["flags_mgr"]))
    }
    return self_resp, mgr_resp, expected


def _anomalies(seed: int, survey: str, clean: _Responses, highs: np.ndarray,
               counts: Mapping[str, int], taken: set[str], model: CapabilityModel, typo: str,
               *, qualtrics: bool) -> list[_Responses]:
    """Extra rows a reader must exclude; each row carries one anomaly only.

    Each kind of anomaly draws from its own random stream, and the extra people
    are drawn whatever the layout, so the rows common to all layouts are the
    same in every layout.
    """
    n, n_items = clean.codes.shape
    c_prof = n_items if survey == "mgr" else n_items // 2
    number = 0 if survey == "self" else 1

    def stream(kind: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence([seed, 2, number, kind]))

    def rows(rng: np.random.Generator, kind: str, idx: np.ndarray,
             people: dict[str, np.ndarray] | None, codes: np.ndarray, end: np.ndarray,
             **over: Any) -> _Responses:
        k = idx.size
        if survey == "self":
            src = people or {"email": clean.person[idx], "first": clean.first[idx],
                             "last": clean.last[idx], "role": clean.role[idx],
                             "region": clean.region[idx], "bu": clean.bu[idx],
                             "tenure": clean.tenure[idx]}
            fields = {"person": src["email"], "email": src["email"], "first": src["first"],
                      "last": src["last"], "role": src["role"], "region": src["region"],
                      "bu": src["bu"], "tenure": src["tenure"]}
        else:  # rater: the manager of the source row; person: the source or a new person
            fields = {"person": people["email"] if people else clean.person[idx],
                      "email": clean.email[idx], "first": clean.first[idx],
                      "last": clean.last[idx],
                      "role": people["role"] if people else clean.role[idx],
                      "region": _obj("", k), "bu": _obj("", k), "tenure": _obj("", k)}
        base = {"kind": _obj(kind, k), "comment": _obj("", k), "end": end,
                "duration": _durations(rng, k, n_items), "progress": np.full(k, 100),
                "codes": codes, "bad_col": np.full(k, -1), "bad_text": _obj("", k)}
        base.update(fields)
        base.update(over)
        return _Responses(**base)

    # People outside the population: partial (Qualtrics), unmapped and role-less rows.
    n_partial = _partial_count(n)
    extra = _extra_people(stream(0), n_partial + 4, taken, model)
    taken.update(extra["email"].tolist())

    def people(lo: int, hi: int) -> dict[str, np.ndarray]:
        return {k: v[lo:hi].copy() for k, v in extra.items()}

    parts: list[_Responses] = []
    if qualtrics:  # previews: tests before launch, no recipient
        rng = stream(1)
        k = counts["survey preview"]
        idx = rng.integers(0, n, k)
        parts.append(rows(
            rng, "survey preview", idx, None, rng.integers(1, highs + 1, (k, n_items)),
            _WINDOW_START - rng.integers(3600, 3 * 86400, k).astype("timedelta64[s]"),
            person=_obj("", k), email=_obj("", k), first=_obj("", k), last=_obj("", k),
            duration=rng.integers(20, 200, k)))
        # partial responses: people who started and left; later questions unanswered
        rng = stream(2)
        idx = rng.integers(0, n, n_partial)
        answered = rng.integers(0, n_items, n_partial)
        codes = np.where(np.arange(n_items)[None, :] < answered[:, None],
                         _perturb(rng, clean.codes[idx], highs), 0)
        n_attr = 4 if survey == "self" else 0
        progress = (100 * (n_attr + answered) // (n_attr + n_items + 1)).astype(np.int64)
        parts.append(rows(rng, "partial response", idx, people(0, n_partial), codes,
                          _end_times(rng, n_partial), progress=progress))
    # duplicates: an earlier, different response of an existing respondent
    rng = stream(3)
    k = counts["duplicate respondent"]
    idx = rng.choice(n, k, replace=False)
    later = clean.end[idx]
    span = (later - _WINDOW_START).astype(np.int64)
    earlier = later - np.maximum(600, (span * rng.uniform(0.1, 0.9, k)).astype(np.int64)
                                 ).astype("timedelta64[s]")
    parts.append(rows(rng, "duplicate respondent", idx, None,
                      _perturb(rng, clean.codes[idx], highs), earlier))
    # unmapped answers: a label typo in one row, an out-of-range '7' in another
    rng = stream(4)
    idx = rng.integers(0, n, 2)
    bad_col = np.array([rng.integers(0, c_prof),
                        rng.integers(c_prof, n_items) if survey == "self"
                        else rng.integers(0, c_prof)])
    parts.append(rows(rng, "unmapped answer", idx, people(n_partial, n_partial + 2),
                      _perturb(rng, clean.codes[idx], highs), _end_times(rng, 2),
                      bad_col=bad_col, bad_text=_obj([typo, "7"])))
    # missing role: the role answer left blank
    rng = stream(5)
    idx = rng.integers(0, n, 2)
    blank_role = people(n_partial + 2, n_partial + 4)
    blank_role["role"] = _obj("", 2)
    parts.append(rows(rng, "missing role", idx, blank_role,
                      _perturb(rng, clean.codes[idx], highs), _end_times(rng, 2)))
    return parts


def _partial_count(n: int) -> int:
    return max(1, round(0.03 * n))


# -- rendering --------------------------------------------------------------------------------


@dataclass
class _Table:
    """An export ready to write: header rows and data columns (object arrays)."""

    header_rows: list[list[Any]]
    columns: list[np.ndarray]
    codebook: dict[str, Any]


@dataclass(frozen=True)
class _ItemMeta:
    key: str          # prof_self | imp_self | prof_mgr
    capability: str
    name: str         # the capability's display name
    item: str
    dimension: str
    rater: str
    scale: str


def _items(model: CapabilityModel, caps: Sequence[str], survey: str) -> list[_ItemMeta]:
    prof = f"proficiency{len(model.scale().levels)}"
    names = {c.id: c.name for c in model.capabilities}
    if survey == "self":
        return ([_ItemMeta("prof_self", c, names[c], f"{c}_prof_self", "proficiency", "self",
                           prof) for c in caps]
                + [_ItemMeta("imp_self", c, names[c], f"{c}_imp_self", "importance", "self",
                             "importance5") for c in caps])
    return [_ItemMeta("prof_mgr", c, names[c], f"{c}_prof_mgr", "proficiency", "manager", prof)
            for c in caps]


def _answers(resp: _Responses, items: list[_ItemMeta], model: CapabilityModel, mode: str
             ) -> list[np.ndarray]:
    """Answer columns as labels (``label``), code strings (``code``) or ints (``int``)."""
    scale = model.scale()
    prof = {"label": ["", *scale.labels], "code": ["", *(str(v) for v in scale.values)],
            "int": [None, *scale.values]}[mode]
    imp = {"label": ["", *IMPORTANCE_LABELS], "code": ["", "1", "2", "3", "4", "5"],
           "int": [None, 1, 2, 3, 4, 5]}[mode]
    # Codes are positions on the scale (1..k); map through the scale's own values.
    prof_codes = np.array(prof, dtype=object)
    imp_codes = np.array(imp, dtype=object)
    lo = scale.min
    out = []
    for j, meta in enumerate(items):
        col = resp.codes[:, j]
        if meta.dimension == "importance":
            values = imp_codes[col]
        else:
            values = prof_codes[np.where(col > 0, col - lo + 1, 0)]
        bad = np.flatnonzero(resp.bad_col == j)
        if bad.size:
            values = values.copy()
            for i in bad:
                text = resp.bad_text[i]
                values[i] = int(text) if mode == "int" and text.isdigit() else text
        out.append(values)
    return out


def _ts_space(t: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD hh:mm:ss``."""
    chars = _iso_chars(t)
    chars[:, 10] = " "
    return _join_chars(chars)


def _ts_iso(t: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(t, unit="s").astype(object)


def _ts_surveymonkey(t: np.ndarray) -> np.ndarray:
    """``MM/DD/YYYY hh:mm:ss AM`` (vectorized; strftime with %p is slow)."""
    iso = _iso_chars(t)
    hour = (t.astype("datetime64[h]") - t.astype("datetime64[D]")).astype(np.int64)
    h12 = np.array([f"{h:02d}" for h in range(1, 13)])[(hour + 11) % 12]
    hh = h12.astype("<U2").view("<U1").reshape(-1, 2)
    ampm = np.where(hour < 12, "AM", "PM").astype("<U2").view("<U1").reshape(-1, 2)
    n = t.size
    slash, space = np.full((n, 1), "/"), np.full((n, 1), " ")
    chars = np.hstack([iso[:, 5:7], slash, iso[:, 8:10], slash, iso[:, 0:4], space, hh,
                       iso[:, 13:19], space, ampm])
    return _join_chars(chars)


def _iso_chars(t: np.ndarray) -> np.ndarray:
    """n x 19 array of the characters of ``YYYY-MM-DDThh:mm:ss``."""
    iso = np.datetime_as_string(t.astype("datetime64[s]"), unit="s").astype("<U19")
    return np.ascontiguousarray(iso).view("<U1").reshape(-1, 19).copy()


def _join_chars(chars: np.ndarray) -> np.ndarray:
    width = chars.shape[1]
    return np.ascontiguousarray(chars).view(f"<U{width}").ravel().astype(object)


def _ts_cells(t: np.ndarray) -> np.ndarray:
    return np.array(t.astype("datetime64[s]").tolist(), dtype=object)


def _ids(prefix: str, n: int, width: int = 6) -> np.ndarray:
    return (prefix + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)
            ).to_numpy(object)


def _response_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    chars = np.ascontiguousarray(alphabet[rng.integers(0, alphabet.size, (n, 15))])
    return ("R_" + chars.view("<U15").ravel().astype(object)).astype(object)


def _ips(rng: np.random.Generator, n: int) -> np.ndarray:
    parts = [pd.Series(rng.integers(lo, 255, n)).astype(str) for lo in (11, 0, 0, 1)]
    return (parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3]).to_numpy(object)


def _latlon(rng: np.random.Generator, resp: _Responses) -> tuple[np.ndarray, np.ndarray]:
    n = resp.kind.size
    region = pd.Series(resp.region).map({r: i for i, r in enumerate(REGIONS)})
    which = np.where(region.notna(), region.fillna(0), rng.integers(0, 4, n)).astype(int)
    centre = np.array(_REGION_LATLON)[which]
    ll = np.round(centre + rng.normal(0, 1.5, (n, 2)), 4)
    lat = np.char.mod("%.4f", ll[:, 0]).astype(object)
    lon = np.char.mod("%.4f", ll[:, 1]).astype(object)
    return np.where(resp.preview, "", lat), np.where(resp.preview, "", lon)


def _scales(model: CapabilityModel) -> dict[str, dict[str, float]]:
    scale = model.scale()
    return {f"proficiency{len(scale.levels)}": {lv.label: lv.value for lv in scale.levels},
            "importance5": {label: i for i, label in enumerate(IMPORTANCE_LABELS, start=1)}}


def _codebook(model: CapabilityModel, *, id: str, identifiers: list[str], person: str,
              attributes: dict[str, str], items: list[_ItemMeta], columns: list[str]
              ) -> dict[str, Any]:
    return {
        "respondent": {"id": id, "identifiers": identifiers, "person": person,
                       "attributes": attributes, "dedupe_on": [person]},
        "scales": _scales(model),
        "items": [{"column": col, "item": m.item, "capability": m.capability,
                   "dimension": m.dimension, "rater": m.rater, "scale": m.scale,
                   "reverse": False} for m, col in zip(items, columns, strict=True)],
        "options": {"min_duration_seconds": _MIN_DURATION},
    }


def _import_id(value: str, tz: bool = False) -> str:
    data = {"ImportId": value, **({"timeZone": "America/Denver"} if tz else {})}
    return json.dumps(data, separators=(",", ":"))


def _qualtrics(resp: _Responses, items: list[_ItemMeta], model: CapabilityModel, survey: str,
               rng: np.random.Generator) -> _Table:
    n = resp.kind.size
    preview = resp.preview
    lat, lon = _latlon(rng, resp)
    end = resp.end
    recorded = np.where(resp.finished, end, end + np.timedelta64(7 * 86400, "s"))
    meta = [
        ("StartDate", "Start Date", _import_id("startDate", True), _ts_space(resp.start)),
        ("EndDate", "End Date", _import_id("endDate", True), _ts_space(end)),
        ("Status", "Response Type", _import_id("status"),
         np.where(preview, "Survey Preview", "IP Address").astype(object)),
        ("IPAddress", "IP Address", _import_id("ipAddress"),
         np.where(preview, "", _ips(rng, n)).astype(object)),
        ("Progress", "Progress", _import_id("progress"), resp.progress.astype(str).astype(object)),
        ("Duration (in seconds)", "Duration (in seconds)", _import_id("duration"),
         resp.duration.astype(str).astype(object)),
        ("Finished", "Finished", _import_id("finished"),
         np.where(resp.finished, "True", "False").astype(object)),
        ("RecordedDate", "Recorded Date", _import_id("recordedDate", True), _ts_space(recorded)),
        ("ResponseId", "Response ID", _import_id("_recordId"), _response_ids(rng, n)),
        ("RecipientLastName", "Recipient Last Name", _import_id("recipientLastName"), resp.last),
        ("RecipientFirstName", "Recipient First Name", _import_id("recipientFirstName"),
         resp.first),
        ("RecipientEmail", "Recipient Email", _import_id("recipientEmail"), resp.email),
        ("ExternalReference", "External Data Reference", _import_id("externalDataReference"),
         _obj("", n)),
        ("LocationLatitude", "Location Latitude", _import_id("locationLatitude"), lat),
        ("LocationLongitude", "Location Longitude", _import_id("locationLongitude"), lon),
        ("DistributionChannel", "Distribution Channel", _import_id("distributionChannel"),
         np.where(preview, "preview", "email").astype(object)),
        ("UserLanguage", "User Language", _import_id("userLanguage"), _obj("EN", n)),
    ]
    answers = _answers(resp, items, model, "label")
    qid = {"prof_self": 3, "imp_self": 4, "prof_mgr": 3}
    item_cols = []
    sub = {"prof_self": 0, "imp_self": 0, "prof_mgr": 0}
    for m, values in zip(items, answers, strict=True):
        sub[m.key] += 1
        fid = f"QID{qid[m.key]}_{sub[m.key]}"
        item_cols.append((fid, f"{_TEXT[m.key]} - {m.name}", _import_id(fid), values))
    if survey == "self":
        cols = [*meta,
                ("Q_role", _TEXT["role"], _import_id("QID1"), resp.role),
                ("Q_region", _TEXT["region"], _import_id("QID2"), resp.region),
                ("Q_bu", _TEXT["bu"], _import_id("QID5"), resp.bu),
                ("Q_tenure", _TEXT["tenure"], _import_id("QID6"), resp.tenure),
                *item_cols,
                ("Q_comment", _TEXT["comment"], _import_id("QID7_TEXT"), resp.comment)]
        person, attributes = "RecipientEmail", {"role": "Q_role", "region": "Q_region",
                                                "business_unit": "Q_bu", "tenure": "Q_tenure"}
    else:
        cols = [*meta, *item_cols,
                ("EmployeeEmail", "EmployeeEmail", _import_id("EmployeeEmail"), resp.person),
                ("EmployeeRole", "EmployeeRole", _import_id("EmployeeRole"), resp.role)]
        person, attributes = "EmployeeEmail", {"role": "EmployeeRole"}
    identifiers = ["RecipientEmail", "RecipientFirstName", "RecipientLastName", "IPAddress",
                   "LocationLatitude", "LocationLongitude"]
    if survey != "self":
        identifiers.append("EmployeeEmail")
    codebook = _codebook(model, id="ResponseId", identifiers=identifiers, person=person,
                         attributes=attributes, items=items, columns=[c[0] for c in item_cols])
    return _Table([[c[0] for c in cols], [c[1] for c in cols], [c[2] for c in cols]],
                  [c[3] for c in cols], codebook)


def _qualtrics_legacy(resp: _Responses, items: list[_ItemMeta], model: CapabilityModel,
                      survey: str, rng: np.random.Generator) -> _Table:
    n = resp.kind.size
    preview = resp.preview
    name = np.where(preview, "", resp.last + ", " + resp.first).astype(object)
    meta = [
        ("V1", "ResponseID", _response_ids(rng, n)),
        ("V2", "ResponseSet", _obj("Default Response Set", n)),
        ("V3", "Name", name),
        ("V4", "ExternalDataReference", _obj("", n)),
        ("V5", "EmailAddress", resp.email),
        ("V6", "IPAddress", np.where(preview, "", _ips(rng, n)).astype(object)),
        ("V7", "Status", np.where(preview, "1", "0").astype(object)),
        ("V8", "StartDate", _ts_space(resp.start)),
        ("V9", "EndDate", _ts_space(resp.end)),
        ("V10", "Finished", np.where(resp.finished, "1", "0").astype(object)),
    ]
    answers = _answers(resp, items, model, "code")
    qid = {"prof_self": 3, "imp_self": 4, "prof_mgr": 3}
    sub = {"prof_self": 0, "imp_self": 0, "prof_mgr": 0}
    item_cols = []
    for m, values in zip(items, answers, strict=True):
        sub[m.key] += 1
        item_cols.append((f"Q{qid[m.key]}_{sub[m.key]}", f"{_TEXT[m.key]} - {m.name}", values))
    if survey == "self":
        cols = [*meta, ("Q_role", _TEXT["role"], resp.role),
                ("Q_region", _TEXT["region"], resp.region), ("Q_bu", _TEXT["bu"], resp.bu),
                ("Q_tenure", _TEXT["tenure"], resp.tenure), *item_cols,
                ("Q_comment", _TEXT["comment"], resp.comment)]
        person, attributes = "V5", {"role": "Q_role", "region": "Q_region",
                                    "business_unit": "Q_bu", "tenure": "Q_tenure"}
        identifiers = ["V3", "V5", "V6"]
    else:
        cols = [*meta, *item_cols, ("EmployeeEmail", "EmployeeEmail", resp.person),
                ("EmployeeRole", "EmployeeRole", resp.role)]
        person, attributes = "EmployeeEmail", {"role": "EmployeeRole"}
        identifiers = ["V3", "V5", "V6", "EmployeeEmail"]
    codebook = _codebook(model, id="V1", identifiers=identifiers, person=person,
                         attributes=attributes, items=items, columns=[c[0] for c in item_cols])
    return _Table([[c[0] for c in cols], [c[1] for c in cols]], [c[2] for c in cols], codebook)


def _surveymonkey(resp: _Responses, items: list[_ItemMeta], model: CapabilityModel,
                  survey: str, rng: np.random.Generator, *, xlsx: bool) -> _Table:
    n = resp.kind.size
    blank = None if xlsx else ""
    ids = 114_000_000_000 + np.cumsum(rng.integers(1_000, 90_000, n))
    respondent = ids.astype(object) if xlsx else ids.astype(str).astype(object)
    collector = 431_876_512 if xlsx else "431876512"
    meta = [
        ("Respondent ID", respondent), ("Collector ID", _obj(collector, n)),
        ("Start Date", _ts_surveymonkey(resp.start)), ("End Date", _ts_surveymonkey(resp.end)),
        ("IP Address", _ips(rng, n)), ("Email Address", resp.email),
        ("First Name", resp.first), ("Last Name", resp.last),
        ("Custom Data 1", resp.person if survey != "self" else _obj(blank, n)),
    ]
    row1: list[Any] = [m[0] for m in meta]
    row2: list[Any] = [blank] * len(meta)
    cols = [m[1] for m in meta]

    def single(text: str, values: np.ndarray, label: str = "Response") -> None:
        row1.append(text)
        row2.append(label)
        cols.append(values)

    answers = _answers(resp, items, model, "label")
    if xlsx:
        answers = [np.where(a == "", None, a) for a in answers]
    if survey == "self":
        single(_TEXT["role"], resp.role)
        single(_TEXT["region"], resp.region)
        single(_TEXT["bu"], resp.bu)
        single(_TEXT["tenure"], resp.tenure)
    else:
        single(_TEXT["mgr_role"], resp.role)
    item_cols = []
    previous = None
    for m, values in zip(items, answers, strict=True):
        question = _TEXT[m.key]
        row1.append(question if m.key != previous else blank)
        previous = m.key
        row2.append(m.name)
        cols.append(values)
        item_cols.append(f"{question} - {m.name}")
    if survey == "self":
        single(_TEXT["comment"], resp.comment, "Open-Ended Response")
        person = "Email Address"
        attributes = {"role": _TEXT["role"], "region": _TEXT["region"],
                      "business_unit": _TEXT["bu"], "tenure": _TEXT["tenure"]}
        identifiers = ["Email Address", "First Name", "Last Name", "IP Address"]
    else:
        person = "Custom Data 1"
        attributes = {"role": _TEXT["mgr_role"]}
        identifiers = ["Email Address", "First Name", "Last Name", "IP Address",
                       "Custom Data 1"]
    if xlsx:
        cols = [np.where(c == "", None, c) if c.dtype == object else c for c in cols]
    codebook = _codebook(model, id="Respondent ID", identifiers=identifiers, person=person,
                         attributes=attributes, items=items, columns=item_cols)
    return _Table([row1, row2], cols, codebook)


def _msforms(resp: _Responses, items: list[_ItemMeta], model: CapabilityModel, survey: str,
             rng: np.random.Generator) -> _Table:
    n = resp.kind.size
    answers = _answers(resp, items, model, "label")
    meta = [("ID", np.arange(1, n + 1).astype(object)), ("Start time", _ts_cells(resp.start)),
            ("Completion time", _ts_cells(resp.end)), ("Email", resp.email),
            ("Name", resp.first + " " + resp.last), ("Last modified time", _obj(None, n))]
    item_cols = [(f"{m.name} - {_FORMS_SUFFIX[m.key]}", values)
                 for m, values in zip(items, answers, strict=True)]
    if survey == "self":
        cols = [*meta, (_TEXT["role"], resp.role), (_TEXT["region"], resp.region),
                (_TEXT["bu"], resp.bu), (_TEXT["tenure"], resp.tenure), *item_cols,
                (_TEXT["comment"], resp.comment)]
        person = "Email"
        attributes = {"role": _TEXT["role"], "region": _TEXT["region"],
                      "business_unit": _TEXT["bu"], "tenure": _TEXT["tenure"]}
        identifiers = ["Email", "Name"]
    else:
        cols = [*meta, (_TEXT["mgr_email"], resp.person), (_TEXT["mgr_role"], resp.role),
                *item_cols]
        person = _TEXT["mgr_email"]
        attributes = {"role": _TEXT["mgr_role"]}
        identifiers = ["Email", "Name", _TEXT["mgr_email"]]
    codebook = _codebook(model, id="ID", identifiers=identifiers, person=person,
                         attributes=attributes, items=items, columns=[c[0] for c in item_cols])
    values = [np.where(c[1] == "", None, c[1]) if c[1].dtype == object else c[1] for c in cols]
    return _Table([[c[0] for c in cols]], values, codebook)


def _tidy(resp: _Responses, items: list[_ItemMeta], model: CapabilityModel, survey: str,
          rng: np.random.Generator, *, xlsx: bool) -> _Table:
    n = resp.kind.size
    answers = _answers(resp, items, model, "int" if xlsx else "code")
    when = _ts_cells(resp.end) if xlsx else _ts_iso(resp.end)
    duration = (resp.duration.astype(object) if xlsx
                else resp.duration.astype(str).astype(object))
    item_cols = [(m.item, values) for m, values in zip(items, answers, strict=True)]
    if survey == "self":
        cols = [("respondent_id", _ids("S", n)), ("email", resp.email),
                ("first_name", resp.first), ("last_name", resp.last), ("submitted_at", when),
                ("duration_seconds", duration), ("role", resp.role), ("region", resp.region),
                ("business_unit", resp.bu), ("tenure", resp.tenure), *item_cols,
                ("comment", resp.comment)]
        person = "email"
        attributes = {"role": "role", "region": "region", "business_unit": "business_unit",
                      "tenure": "tenure"}
        identifiers = ["email", "first_name", "last_name"]
    else:
        cols = [("respondent_id", _ids("M", n)), ("manager_email", resp.email),
                ("employee_email", resp.person), ("role", resp.role), ("submitted_at", when),
                ("duration_seconds", duration), *item_cols]
        person = "employee_email"
        attributes = {"role": "role"}
        identifiers = ["manager_email", "employee_email"]
    codebook = _codebook(model, id="respondent_id", identifiers=identifiers, person=person,
                         attributes=attributes, items=items, columns=[c[0] for c in item_cols])
    values = [c[1] for c in cols]
    if xlsx:
        values = [np.where(v == "", None, v) if v.dtype == object else v for v in values]
    return _Table([[c[0] for c in cols]], values, codebook)


def _render(layout: str, resp: _Responses, items: list[_ItemMeta], model: CapabilityModel,
            survey: str, rng: np.random.Generator) -> _Table:
    if layout == "qualtrics":
        return _qualtrics(resp, items, model, survey, rng)
    if layout == "qualtrics_legacy":
        return _qualtrics_legacy(resp, items, model, survey, rng)
    if layout.startswith("surveymonkey"):
        return _surveymonkey(resp, items, model, survey, rng, xlsx=layout.endswith("xlsx"))
    if layout == "msforms":
        return _msforms(resp, items, model, survey, rng)
    return _tidy(resp, items, model, survey, rng, xlsx=layout.endswith("xlsx"))


# -- writing ----------------------------------------------------------------------------------


def _csv_quoted(column: np.ndarray) -> list[str]:
    """A column of strings quoted as the csv module's QUOTE_MINIMAL does (fast path)."""
    values = column.tolist()
    joined = "\x00".join(values)
    if not any(ch in joined for ch in ',"\r\n'):
        return values
    return ['"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\r\n') else v
            for v in values]


def _write_csv(path: Path, table: _Table, encoding: str) -> Path:
    from ldkit.io import atomic_path

    try:
        with atomic_path(path) as tmp, open(tmp, "w", encoding=encoding, newline="") as fh:
            csv.writer(fh, lineterminator="\r\n").writerows(table.header_rows)
            columns = [_csv_quoted(c) for c in table.columns]
            fh.writelines(",".join(row) + "\r\n" for row in zip(*columns, strict=True))
    except UnicodeEncodeError as exc:
        raise param_error("encoding", _FUNC, "an encoding that can represent the survey text",
                          f"{encoding} ({exc.reason}: {exc.object[exc.start:exc.end]!r})"
                          ) from exc
    return path


def _write_xlsx(path: Path, table: _Table, sheet: str) -> Path:
    import openpyxl
    from openpyxl.utils import get_column_letter

    from ldkit.io import atomic_path

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    # A streamed sheet has no size record unless the writer is told it; without one,
    # read-only readers drop trailing empty cells and rows come out ragged.
    n_rows = len(table.header_rows) + (table.columns[0].size if table.columns else 0)
    ref = f"A1:{get_column_letter(max(1, len(table.columns)))}{max(1, n_rows)}"
    ws.calculate_dimension = lambda: ref
    for row in table.header_rows:
        ws.append(row)
    for row in zip(*(c.tolist() for c in table.columns), strict=True):
        ws.append(row)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _check_capabilities(capabilities: Any, model: CapabilityModel) -> list[str]:
    if capabilities is None:
        return list(model.capability_ids)
    if not isinstance(capabilities, list | tuple):
        raise param_error("capabilities", _FUNC, "a list of capability ids or None",
                          capabilities)
    caps = list(capabilities)
    known = set(model.capability_ids)
    if not caps or len(set(caps)) != len(caps) or not set(caps) <= known:
        raise param_error("capabilities", _FUNC,
                          f"a non-empty list of distinct capability ids of model '{model.id}'",
                          capabilities)
    return caps


def _check_encoding(encoding: Any, layout: str) -> str | None:
    if layout.endswith("xlsx") or layout == "msforms":
        if encoding is not None:
            raise param_error("encoding", _FUNC, f"None for the XLSX layout '{layout}'",
                              encoding)
        return None
    if encoding is None:
        return _DEFAULT_ENCODING[layout]
    if not isinstance(encoding, str):
        raise param_error("encoding", _FUNC, "a text encoding name or None", encoding)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise param_error("encoding", _FUNC, "a text encoding Python knows", encoding) from None
    return encoding


def write_survey_exports(
    folder: str | Path,
    *,
    layout: str = "qualtrics",
    n_employees: int = 200,
    seed: int = 0,
    model: CapabilityModel | str | None = None,
    capabilities: Sequence[str] | None = None,
    anomalies: bool = True,
    encoding: str | None = None,
) -> SurveyExports:
    """Write a self-assessment and a manager-assessment export of Demo Bio's survey.

    Parameters
    ----------
    folder : str or Path
        Where to write (created if missing): ``self.<ext>``, ``manager.<ext>``,
        ``codebook_self.yaml`` and ``codebook_manager.yaml``.
    layout : str, default "qualtrics"
        One of :data:`LAYOUTS` (see the module docstring for each layout).
    n_employees : int, default 200
        Employees surveyed; each gets one clean self row and one clean
        manager row.
    seed : int, default 0
        Seed; the same seed and ``n_employees`` give the same people and the
        same answers in every layout.
    model : CapabilityModel or str, optional
        The capability model or a starter name (default "pharma-commercial").
    capabilities : list of str, optional
        Capability ids to ask about, in survey order (default: all, in
        model order). A subset gets the same answers as the full survey.
    anomalies : bool, default True
        Add the rows a reader must exclude: Qualtrics layouts 2 survey
        previews and ~3% partial responses; every layout ~2% earlier
        duplicates of existing respondents, 2 rows with an unmapped answer
        (a label typo, the value "7") and 2 rows with the role left blank.
        Partial, unmapped and role-less rows belong to people outside the
        population; each anomalous row carries one anomaly only.
    encoding : str, optional
        Text encoding of CSV layouts; default by layout: ``utf-8-sig``
        (qualtrics), ``utf-16`` (qualtrics_legacy), ``cp1252``
        (surveymonkey_csv), ``utf-8`` (tidy_csv). Must be None for XLSX.

    Returns
    -------
    SurveyExports
        The paths written, the layout, the encoding, the population, and
        ``expected``: per file the rows to read, keep and exclude by reason.

    Raises
    ------
    ParameterError
        For a bad argument, or an encoding that cannot represent the text.

    Notes
    -----
    Ratings come from the population's true levels::

        manager = clip(round(true + N(0, 0.45)))
        self    = clip(round(true + 0.3 + N(0, 0.55)))
        importance = clip(round(importance + N(0, 0.55)), 1, 5)

    so self-ratings run about 0.3 level above managers' (a little less after
    clipping at the top). 3% of self respondents straight-line the
    proficiency items and 3% of each survey's rows are speeders (12-55 s;
    everyone else takes at least 90 s). Rows are ordered by end time.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_survey_exports(tmp, layout="tidy_csv", n_employees=50, seed=1)
    ...     counts = out.expected["self"]
    >>> counts.rows_kept, counts.excluded["duplicate respondent"], counts.rows_read
    (50, 1, 55)
    """
    check_choice("layout", layout, LAYOUTS, func=_FUNC)
    check_number("n_employees", n_employees, func=_FUNC, low=1, integer=True)
    _check_seed(seed, _FUNC)
    if not isinstance(anomalies, bool):
        raise param_error("anomalies", _FUNC, "True or False", anomalies)
    if not isinstance(folder, str | Path):
        raise param_error("folder", _FUNC, "a folder path", folder)
    resolved = _resolve_model(model, _FUNC)
    caps = _check_capabilities(capabilities, resolved)
    enc = _check_encoding(encoding, layout)

    pop, true, imp = _simulate(n_employees, seed, resolved)
    cap_idx = np.array([resolved.capability_ids.index(c) for c in caps])
    self_resp, mgr_resp, expected = _build_surveys(pop, true, imp, seed=seed, cap_idx=cap_idx,
                                                   anomalies=anomalies, layout=layout)
    from ldkit.codebook import Codebook

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    ext = _EXTENSION[layout]
    rng = np.random.default_rng(np.random.SeedSequence([seed, 3]))
    paths = {}
    for survey, resp in (("self", self_resp), ("manager", mgr_resp)):
        items = _items(resolved, caps, "self" if survey == "self" else "manager")
        table = _render(layout, resp, items, resolved, survey, rng)
        path = out / f"{survey}{ext}"
        if enc is None:
            _write_xlsx(path, table, "Sheet1")
        else:
            _write_csv(path, table, enc)
        book = out / f"codebook_{survey}.yaml"
        Codebook.from_dict(table.codebook, file=str(book)).to_yaml(book)
        paths[survey] = (path, book)
    return SurveyExports(self_path=paths["self"][0], manager_path=paths["manager"][0],
                         self_codebook=paths["self"][1], manager_codebook=paths["manager"][1],
                         layout=layout, expected=expected, encoding=enc, population=pop)
