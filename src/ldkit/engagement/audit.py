"""The whole audit of an engagement before its deliverables leave.

:func:`audit_engagement` composes the deliverable scanner
(:func:`ldkit.audit.audit_deliverables`) with what only the engagement knows:

- the personal identifiers of its raw exports (survey identifier and person
  columns, LMS learner ids, time-tracking people, learner names), read from
  the raw files and never copied;
- ldkit's own wording: an identifier that is also a word ldkit writes itself
  (a last name "Green" against the status "green") is matched only as written
  in the data (case-sensitively), so the report's own words raise no alarm;
- ``audit: {allow: [...]}`` in engagement.yaml: words the consultant has
  checked and allows, listed in the audit's output;
- the per-person folder ``deliverables/plans/``: each learner's documents may
  carry that learner's name (and their manager's) and no other; the index, the
  LMS file and the list of people without a plan carry no names;
- the minimum group size, with a warning when below 3.
"""

from __future__ import annotations

import functools
import re
import tokenize
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ldkit.engagement.config import EngagementConfig, load_engagement, min_group_size_warning

__all__ = ["NAMED_FOLDERS", "PERSONAL_FOLDERS", "AuditResult", "audit_engagement",
           "engagement_identifiers", "ldkit_vocabulary"]

PERSONAL_FOLDERS = ("plans", "follow-up")
"""Subfolders of deliverables/ with documents for one person each (the personal learning
plans, the per-manager follow-up lists)."""

NAMED_FOLDERS = ("follow-up",)
"""Personal folders whose documents name several people by design: a manager's follow-up
list names the people behind in that manager's team. They are checked for e-mail
addresses and small-group aggregates, not for names."""

_PSEUDONYM = re.compile(r"p[0-9a-f]{16}")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class AuditResult:
    """The findings (empty: the deliverables pass), the allowed words, the warnings."""

    findings: pd.DataFrame
    allowed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    personal_files: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.findings.empty


@functools.cache
def ldkit_vocabulary() -> frozenset[str]:
    """Every word (case-folded) in ldkit's own strings: source literals and templates."""
    words: set[str] = set()
    base = Path(str(resources.files("ldkit")))
    for path in base.rglob("*.py"):
        try:
            with path.open("rb") as fh:
                for tok in tokenize.tokenize(fh.readline):
                    if tok.type == tokenize.STRING:
                        words.update(w.casefold() for w in _WORD.findall(tok.string))
        except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
            continue
    for path in (base / "templates").rglob("*.j2"):
        words.update(w.casefold() for w in _WORD.findall(path.read_text(encoding="utf-8")))
    return frozenset(words)


def engagement_identifiers(folder: str | Path) -> list[str]:
    """Personal identifiers in the engagement's raw exports (names, e-mails, ids...).

    The values of each survey codebook's ``identifiers`` and ``person`` columns,
    the learner ids of the LMS export, the people of the time tracking and the
    learner names, for the audit to search the deliverables for. Read from the raw
    files, never copied.
    """
    return sorted(_identifiers(Path(folder), load_engagement(folder)))


def _identifiers(root: Path, config: EngagementConfig) -> set[str]:
    from ldkit.codebook import read_codebook
    from ldkit.engagement.config import resolve_input
    from ldkit.survey.layouts import read_export
    from ldkit.survey.reader import clean_text

    found: set[str] = set()
    inputs = config.inputs
    pairs = ((inputs.self_survey, inputs.self_codebook),
             (inputs.manager_survey, inputs.manager_codebook),
             (inputs.followup_self_survey, inputs.followup_self_codebook),
             (inputs.followup_manager_survey, inputs.followup_manager_codebook))
    for export, codebook in pairs:
        if not export or not codebook:
            continue
        export_path, codebook_path = resolve_input(root, export), resolve_input(root, codebook)
        if not export_path.is_file() or not codebook_path.is_file():
            continue
        cb = read_codebook(codebook_path)
        found.update(_roster_identifiers(cb, codebook_path))
        raw = read_export(export_path)
        for name in (*cb.respondent.identifiers, cb.respondent.person_column):
            col = raw.resolve(name)
            if col is not None:
                found.update(v for v in clean_text(raw.frame[col]) if _meaningful(v))
    found.update(_activity_identifiers(root, config))
    found.update(n for n in _learner_names(root, config).values() if _meaningful(n))
    return found


def _roster_identifiers(cb: Any, codebook_path: Path) -> set[str]:
    """The HR roster's join key (e-mail or employee id) and any name column."""
    spec = getattr(cb, "roster", None)
    if spec is None:
        return set()
    from ldkit.survey.roster import read_roster

    table = read_roster(spec, codebook_file=str(codebook_path))
    columns = [c for c in table.columns
               if c == spec.key or any(w in str(c).lower() for w in ("name", "mail"))]
    return {str(v).strip() for c in columns for v in table[c].dropna() if _meaningful(str(v))}


def _meaningful(value: str) -> bool:
    value = str(value).strip()
    return len(value) >= 3 and any(ch.isalpha() for ch in value)


def _activity_identifiers(root: Path, config: EngagementConfig) -> set[str]:
    """Learner ids of the LMS export and people of the time tracking, as received."""
    from ldkit.engagement.config import resolve_input

    if not (config.inputs.lms_completions or config.inputs.time_tracking):
        return set()
    from ldkit.strategy.actuals import read_lms_export, read_time_tracking

    values: list[str] = []
    lms = config.inputs.lms_completions and resolve_input(root, config.inputs.lms_completions)
    if lms and lms.is_file():
        values += read_lms_export(lms).records["learner"].tolist()
    time = config.inputs.time_tracking and resolve_input(root, config.inputs.time_tracking)
    if time and time.is_file():
        values += read_time_tracking(time).records["person"].tolist()
    return {str(v).strip() for v in values if _meaningful(v)}


def _learner_names(root: Path, config: EngagementConfig) -> dict[str, str]:
    """Pseudonym -> name of the learner-names input ({} when none is given)."""
    if not config.inputs.learner_names:
        return {}
    from ldkit.engagement.config import resolve_input
    from ldkit.plans.step import read_learner_names
    from ldkit.survey.pseudonym import find_secret

    path = resolve_input(root, config.inputs.learner_names)
    if not path.is_file():
        return {}
    return read_learner_names(path, find_secret(near=root))


def _split(identifiers: set[str], allowed: set[str]) -> tuple[list[str], list[str]]:
    """(matched as written, matched ignoring case): identifiers that are ldkit words
    are matched case-sensitively only; allowed words are not matched at all."""
    vocabulary = ldkit_vocabulary()
    exact, loose = [], []
    for ident in identifiers:
        if ident.casefold() in allowed:
            continue
        (exact if ident.casefold() in vocabulary else loose).append(ident)
    return exact, loose


def audit_engagement(folder: str | Path) -> AuditResult:
    """Audit an engagement's deliverables (see the module docstring).

    Returns
    -------
    AuditResult
        ``findings`` has the columns of :data:`ldkit.audit.FINDING_COLUMNS`.
    """
    from ldkit.audit import FINDING_COLUMNS, audit_deliverables

    root = Path(folder)
    config = load_engagement(root)
    allowed = {a.casefold() for a in config.audit.allow}
    identifiers = _identifiers(root, config)
    exact, loose = _split(identifiers, allowed)
    deliverables = root / "deliverables"
    warnings = tuple(w for w in (min_group_size_warning(config.min_group_size),) if w)
    if not deliverables.is_dir():
        return AuditResult(pd.DataFrame(columns=list(FINDING_COLUMNS)), tuple(config.audit.allow),
                           warnings)
    frames = [audit_deliverables(deliverables, min_group_size=config.min_group_size,
                                 identifiers=loose, exact_identifiers=exact,
                                 skip=PERSONAL_FOLDERS)]
    personal = 0
    names = _learner_names(root, config)
    for sub in PERSONAL_FOLDERS:
        folder_path = deliverables / sub
        if not folder_path.is_dir():
            continue
        for path in sorted(folder_path.rglob("*")):
            if not path.is_file() or path.name.startswith((".", "~$")):
                continue
            personal += 1
            owner = _PSEUDONYM.search(path.stem)
            own = {names.get(owner[0], "")} if owner else set()
            others = {i for i in loose if i not in own} if sub not in NAMED_FOLDERS else set()
            others_exact = ({i for i in exact if i not in own} if sub not in NAMED_FOLDERS
                            else set())
            found = audit_deliverables(path, min_group_size=config.min_group_size,
                                       identifiers=sorted(others),
                                       exact_identifiers=sorted(others_exact))
            if len(found):
                found = found.assign(file=f"{sub}/{path.relative_to(folder_path).as_posix()}")
                frames.append(found)
    findings = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(
        len(f) for f in frames) else frames[0]
    return AuditResult(findings, tuple(config.audit.allow), warnings, personal)
