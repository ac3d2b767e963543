"""The survey codebook: what each column of a survey export means.

A codebook maps an export (Qualtrics, SurveyMonkey, Microsoft Forms, tidy)
to meaning: which column identifies the respondent, which identifiers are
dropped after pseudonymizing, whom the ratings are about, which respondent
attributes to keep, the answer scales, and for each rating column its item,
capability, dimension (proficiency or importance), rater (self, manager,
peer), scale and whether it is reverse-scored.

YAML layout (these keys are a contract; see README, 'Survey codebook')::

    respondent:
      id: ResponseId                  # column holding the respondent key
      identifiers: [RecipientEmail, RecipientFirstName, RecipientLastName]
      person: RecipientEmail          # optional, defaults to id: whom the ratings are about
      attributes: {role: Q_role, region: Q_region}
      dedupe_on: [RecipientEmail]     # optional: columns that identify a duplicate response
    scales:
      proficiency4: {"Foundational": 1, "Intermediate": 2, "Advanced": 3, "Expert": 4,
                     "Not applicable": null}   # null: treated as no answer
    items:
      - column: QID3_1                # field id, ImportId, or question text
        item: acct_planning_self
        capability: account_planning
        dimension: proficiency        # proficiency | importance
        rater: self                   # self | manager | peer
        scale: proficiency4
        reverse: false
    options:                          # optional
      min_duration_seconds: 120       # faster responses are flagged as speeding
      min_share_answered: 0.8         # fewer rating items answered: a partial response
      max_trailing_blank: 3           # more blank rating items at the end: a partial response
    exclude:                          # optional: responses never analysed, each with a reason
      - {id: "114230559", reason: consultant's test response}
      - {email: qa@client.example, reason: HR test}
    roles: {"Key Account Manager": key_account_manager}   # optional: answer -> model role id
    roster:                           # optional: the HR roster, joined before pseudonymizing
      file: roster.xlsx               # .csv or .xlsx, relative to the codebook
      key: Work Email                 # roster column that identifies the person
      match: RecipientEmail           # export column holding the same identifier
      attributes: {role: Job Role, region: Country, manager: Manager Email}
      pseudonymize: [manager]         # attributes that identify a person (default: manager)

``respondent`` also takes ``constants: {role: key_account_manager}`` for a
single-role survey. Unknown keys anywhere are an error, never ignored.

The workbook form has three sheets: ``Codebook items`` (the item columns
above), ``Codebook respondent`` (Field | Value rows: id, identifiers,
person, dedupe_on, attribute:<name>) and ``Codebook scales`` (Scale |
Label | Value).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from ldkit.errors import InputError, Location, Problem, ValidationError

__all__ = ["DIMENSIONS", "RATERS", "Codebook", "Exclusion", "Item", "PartialRule",
           "RespondentSpec", "RosterSpec", "codebook_model_problems", "read_codebook"]

DIMENSIONS = ("proficiency", "importance")
RATERS = ("self", "manager", "peer")


@dataclass(frozen=True)
class Item:
    """One rating column of the export."""

    column: str
    item: str
    capability: str
    dimension: str = "proficiency"
    rater: str = "self"
    scale: str = ""
    reverse: bool = False
    source: Location | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class RespondentSpec:
    """Which columns identify respondents, whom they rate, and what to keep of them."""

    id: str
    identifiers: tuple[str, ...] = ()
    person: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    dedupe_on: tuple[str, ...] = ()
    constants: Mapping[str, str] = field(default_factory=dict)

    @property
    def person_column(self) -> str:
        return self.person or self.id


@dataclass(frozen=True)
class Exclusion:
    """A response the consultant excludes by name: its id or e-mail, and why."""

    value: str
    reason: str
    source: Location | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PartialRule:
    """When a response without a Finished flag is partial (either rule, when set)."""

    min_share_answered: float | None = None  # share of rating items answered, 0..1
    max_trailing_blank: int | None = None  # blank rating items at the end of the row


@dataclass(frozen=True)
class RosterSpec:
    """The HR roster: where it is, how it joins the export, what it supplies."""

    file: str
    key: str  # roster column identifying the person
    match: str  # export column holding the same identifier
    attributes: Mapping[str, str] = field(default_factory=dict)  # attribute -> roster column
    pseudonymize: tuple[str, ...] = ("manager",)
    sheet: str | None = None

    def path(self, codebook_file: str | None) -> Path:
        """The roster file, relative to the codebook's folder."""
        p = Path(self.file)
        if not p.is_absolute() and codebook_file:
            p = Path(codebook_file).parent / p
        return p


@dataclass(frozen=True)
class Codebook:
    """The meaning of a survey export's columns (see module docstring)."""

    respondent: RespondentSpec
    scales: Mapping[str, Mapping[str, float | None]]
    items: tuple[Item, ...]
    min_duration_seconds: float | None = None
    file: str | None = field(default=None, compare=False)
    exclude: tuple[Exclusion, ...] = ()
    partial: PartialRule = field(default_factory=PartialRule)
    roster: RosterSpec | None = None
    roles: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any, *, file: str | None = None) -> Codebook:
        """Build and validate from the YAML layout; every problem at once."""
        return _from_dict(data, file)

    @classmethod
    def from_yaml(cls, path: str | Path) -> Codebook:
        from ldkit.yamlio import load_yaml

        return _from_dict(load_yaml(path), str(path))

    @classmethod
    def from_excel(cls, path: str | Path) -> Codebook:
        return _from_excel(path)

    @property
    def raters(self) -> list[str]:
        return sorted({i.rater for i in self.items}, key=RATERS.index)

    def scale_range(self, name: str) -> tuple[float, float]:
        values = [v for v in self.scales[name].values() if v is not None]
        return (min(values), max(values))

    def to_dict(self) -> dict[str, Any]:
        """The YAML layout of this codebook."""
        r = self.respondent
        resp: dict[str, Any] = {"id": r.id, "identifiers": list(r.identifiers)}
        if r.person:
            resp["person"] = r.person
        resp["attributes"] = dict(r.attributes)
        if r.dedupe_on:
            resp["dedupe_on"] = list(r.dedupe_on)
        if r.constants:
            resp["constants"] = dict(r.constants)
        out: dict[str, Any] = {
            "respondent": resp,
            "scales": {k: dict(v) for k, v in self.scales.items()},
            "items": [{"column": i.column, "item": i.item, "capability": i.capability,
                       "dimension": i.dimension, "rater": i.rater, "scale": i.scale,
                       "reverse": i.reverse} for i in self.items],
        }
        options: dict[str, Any] = {}
        if self.min_duration_seconds is not None:
            options["min_duration_seconds"] = self.min_duration_seconds
        if self.partial.min_share_answered is not None:
            options["min_share_answered"] = self.partial.min_share_answered
        if self.partial.max_trailing_blank is not None:
            options["max_trailing_blank"] = self.partial.max_trailing_blank
        if options:
            out["options"] = options
        if self.exclude:
            out["exclude"] = [{"id": e.value, "reason": e.reason} for e in self.exclude]
        if self.roles:
            out["roles"] = dict(self.roles)
        if self.roster is not None:
            ro = self.roster
            out["roster"] = {"file": ro.file, "key": ro.key, "match": ro.match,
                             "attributes": dict(ro.attributes),
                             "pseudonymize": list(ro.pseudonymize)}
            if ro.sheet:
                out["roster"]["sheet"] = ro.sheet
        return out

    def to_yaml(self, path: str | Path) -> Path:
        import yaml

        from ldkit.io import atomic_write_text

        return atomic_write_text(path, yaml.safe_dump(self.to_dict(), sort_keys=False,
                                                      allow_unicode=True, width=100))


def read_codebook(path: str | Path) -> Codebook:
    """Read a codebook from YAML (.yaml/.yml) or a workbook (.xlsx)."""
    from ldkit.io import suffix_of

    kind = suffix_of(path, {".yaml": "yaml", ".yml": "yaml", ".xlsx": "excel"}, what="codebook")
    return Codebook.from_yaml(path) if kind == "yaml" else Codebook.from_excel(path)


def _loc(file: str | None, node: Any, path: str) -> Location:
    return Location(file=file, field=path, line=getattr(node, "line", None))


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v).strip() for v in value)


KEYS = {
    "": ("respondent", "scales", "items", "options", "exclude", "roster", "roles"),
    "respondent": ("id", "identifiers", "person", "attributes", "dedupe_on", "constants"),
    "items": ("column", "item", "capability", "dimension", "rater", "scale", "reverse"),
    "options": ("min_duration_seconds", "min_share_answered", "max_trailing_blank"),
    "exclude": ("id", "email", "reason"),
    "roster": ("file", "key", "match", "attributes", "pseudonymize", "sheet"),
}


def _unknown_keys(node: Any, section: str, path: str, file: str | None,
                  problems: list[Problem]) -> None:
    """Every key of ``node`` not allowed in ``section`` is a problem (never ignored)."""
    if not isinstance(node, Mapping):
        return
    allowed = KEYS[section]
    for key in node:
        if str(key) in allowed:
            continue
        close = get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of {', '.join(allowed)}"
        where = f"{path}.{key}" if path else str(key)
        problems.append(Problem(f"unknown codebook key '{key}'", _loc(file, node, where), hint))


def _mapping(node: Any, path: str, what: str, file: str | None, parent: Any,
             problems: list[Problem]) -> dict[str, str]:
    if node is None:
        return {}
    if not isinstance(node, Mapping):
        problems.append(Problem(f"'{path}' must map {what}", _loc(file, parent, path)))
        return {}
    return {str(k).strip(): str(v).strip() for k, v in node.items() if v is not None}


def _from_dict(data: Any, file: str | None, *, strict: bool = True) -> Codebook:
    """``strict``: numbers and flags as written (YAML, dicts); the Excel codebook passes
    False, since a workbook cell may hold a number typed as text."""
    from ldkit.yamlio import is_number

    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise InputError("is not a codebook (expected 'respondent:', 'scales:', 'items:')",
                         location=Location(file=file))
    _unknown_keys(data, "", "", file, problems)
    resp = data.get("respondent")
    if not isinstance(resp, Mapping) or not resp.get("id"):
        problems.append(Problem("'respondent: id:' is missing", _loc(file, data, "respondent"),
                                "name the column that holds the respondent key"))
        resp = {"id": ""}
    _unknown_keys(resp, "respondent", "respondent", file, problems)
    attributes = _mapping(resp.get("attributes"), "respondent.attributes",
                          "attribute name to column", file, resp, problems)
    constants = _mapping(resp.get("constants"), "respondent.constants",
                         "attribute name to a value", file, resp, problems)
    for name in sorted(set(attributes) & set(constants)):
        problems.append(Problem(f"attribute '{name}' is both a column and a constant",
                                _loc(file, resp, "respondent.constants"), "keep one"))
    spec = RespondentSpec(
        id=str(resp["id"]).strip(),
        identifiers=_strings(resp.get("identifiers")),
        person=str(resp["person"]).strip() if resp.get("person") else None,
        attributes=attributes,
        dedupe_on=_strings(resp.get("dedupe_on")),
        constants=constants,
    )

    scales: dict[str, dict[str, float | None]] = {}
    raw_scales = data.get("scales") or {}
    if not isinstance(raw_scales, Mapping):
        problems.append(Problem("'scales' must map scale name to {label: value}",
                                _loc(file, data, "scales")))
        raw_scales = {}
    for name, mapping in raw_scales.items():
        where = _loc(file, mapping, f"scales.{name}")
        if not isinstance(mapping, Mapping) or not mapping:
            problems.append(Problem(f"scale '{name}' must map labels to values", where))
            continue
        parsed: dict[str, float | None] = {}
        for label, value in mapping.items():
            if value is None:
                parsed[str(label).strip()] = None
                continue
            try:
                if isinstance(value, bool) or (strict and not is_number(value)):
                    raise ValueError
                number = float(value)
                if not math.isfinite(number):
                    raise ValueError
            except (TypeError, ValueError):
                problems.append(Problem(f"scale '{name}': value of '{label}' must be a number "
                                        f"or null, got {value!r}", where))
                continue
            parsed[str(label).strip()] = number
        if not [v for v in parsed.values() if v is not None]:
            problems.append(Problem(f"scale '{name}' has no numeric value", where))
        scales[str(name)] = parsed

    items: list[Item] = []
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list) or not raw_items:
        problems.append(Problem("'items' must list the rating columns", _loc(file, data, "items"),
                                "add '- column: ..., item: ..., capability: ...' entries"))
        raw_items = []
    seen_items: set[str] = set()
    seen_columns: set[str] = set()
    for i, node in enumerate(raw_items):
        path = f"items[{i}]"
        where = _loc(file, node, path)
        if not isinstance(node, Mapping):
            problems.append(Problem("expected 'column: ..., item: ...'", where))
            continue
        _unknown_keys(node, "items", path, file, problems)
        missing = [k for k in ("column", "item", "capability", "scale") if not node.get(k)]
        if missing:
            problems.append(Problem(f"item is missing '{missing[0]}'", where))
            continue
        reverse = node.get("reverse", False)
        if strict and not isinstance(reverse, bool):
            problems.append(Problem(f"'reverse' must be true or false, got {reverse!r}",
                                    where))
            continue
        item = Item(
            column=str(node["column"]).strip(), item=str(node["item"]).strip(),
            capability=str(node["capability"]).strip(),
            dimension=str(node.get("dimension", "proficiency")).strip(),
            rater=str(node.get("rater", "self")).strip(), scale=str(node["scale"]).strip(),
            reverse=reverse if isinstance(reverse, bool) else str(reverse).lower() in (
                "true", "yes", "1"),
            source=where,
        )
        if item.dimension not in DIMENSIONS:
            problems.append(Problem(f"dimension '{item.dimension}' of item '{item.item}' is "
                                    "unknown", where, f"use one of {', '.join(DIMENSIONS)}"))
        if item.rater not in RATERS:
            problems.append(Problem(f"rater '{item.rater}' of item '{item.item}' is unknown",
                                    where, f"use one of {', '.join(RATERS)}"))
        if item.scale not in scales:
            problems.append(Problem(f"item '{item.item}' uses unknown scale '{item.scale}'",
                                    where, f"define it under 'scales:' ({', '.join(scales)})"))
        if item.item in seen_items:
            problems.append(Problem(f"duplicate item '{item.item}'", where,
                                    "item names must be unique"))
        if item.column in seen_columns:
            problems.append(Problem(f"column '{item.column}' is mapped twice", where))
        seen_items.add(item.item)
        seen_columns.add(item.column)
        items.append(item)

    options = data.get("options") or {}
    if not isinstance(options, Mapping):
        problems.append(Problem("'options' must map option names to values",
                                _loc(file, data, "options")))
        options = {}
    _unknown_keys(options, "options", "options", file, problems)
    min_duration = _number(options, "min_duration_seconds", file, problems, low=0,
                           strict=strict)
    partial = PartialRule(
        min_share_answered=_number(options, "min_share_answered", file, problems, low=0,
                                   high=1),
        max_trailing_blank=_number(options, "max_trailing_blank", file, problems, low=0,
                                   integer=True),
    )
    exclude = _exclusions(data.get("exclude"), data, file, problems)
    roles = _mapping(data.get("roles"), "roles", "survey answers to model role ids", file, data,
                     problems)
    roster = _roster(data.get("roster"), data, spec, file, problems)
    if problems:
        raise ValidationError(problems, what=f"codebook {file or ''}".strip())
    return Codebook(spec, scales, tuple(items),
                    float(min_duration) if min_duration is not None else None, file=file,
                    exclude=exclude, partial=partial, roster=roster, roles=roles)


def _number(options: Mapping[str, Any], key: str, file: str | None, problems: list[Problem],
            *, low: float | None = None, high: float | None = None,
            integer: bool = False, strict: bool = True) -> Any:
    value = options.get(key)
    if value is None:
        return None
    if not strict and isinstance(value, str) and _is_float_text(value):
        value = float(value)  # a workbook cell may hold a number typed as text
    ok = isinstance(value, int | float) and not isinstance(value, bool) and not (
        isinstance(value, float) and (math.isnan(value) or math.isinf(value)))
    if ok and integer and float(value) != int(value):
        ok = False
    if ok and ((low is not None and value < low) or (high is not None and value > high)):
        ok = False
    if not ok:
        bounds = f" between {low:g} and {high:g}" if high is not None else (
            f" of at least {low:g}" if low is not None else "")
        kind = "a whole number" if integer else "a number"
        example = {"min_duration_seconds": "120", "min_share_answered": "0.8",
                   "max_trailing_blank": "3"}.get(key, "1")
        problems.append(Problem(f"option '{key}' must be {kind}{bounds}, got {value!r}",
                                _loc(file, options, f"options.{key}"),
                                f"write a number without quotes, e.g. '{key}: {example}'"))
        return None
    return int(value) if integer else float(value)


def _exclusions(node: Any, parent: Any, file: str | None,
                problems: list[Problem]) -> tuple[Exclusion, ...]:
    if node is None:
        return ()
    if not isinstance(node, list):
        problems.append(Problem("'exclude' must list '- {id: ..., reason: ...}' entries",
                                _loc(file, parent, "exclude")))
        return ()
    out = []
    for i, entry in enumerate(node):
        path = f"exclude[{i}]"
        where = _loc(file, entry, path)
        if not isinstance(entry, Mapping):
            problems.append(Problem("expected '{id: ..., reason: ...}'", where))
            continue
        _unknown_keys(entry, "exclude", path, file, problems)
        value = entry.get("id", entry.get("email"))
        reason = entry.get("reason")
        if value is None or not str(value).strip():
            problems.append(Problem("exclusion names no respondent", where,
                                    "give 'id:' (the respondent id) or 'email:'"))
            continue
        if reason is None or not str(reason).strip():
            problems.append(Problem(f"exclusion of '{value}' gives no reason", where,
                                    "add 'reason: ...' (e.g. consultant's test response)"))
            continue
        out.append(Exclusion(str(value).strip(), str(reason).strip(), where))
    return tuple(out)


def _roster(node: Any, parent: Any, spec: RespondentSpec, file: str | None,
            problems: list[Problem]) -> RosterSpec | None:
    if node is None:
        return None
    where = _loc(file, node, "roster")
    if not isinstance(node, Mapping):
        problems.append(Problem("'roster' must give file, key, match and attributes",
                                _loc(file, parent, "roster")))
        return None
    _unknown_keys(node, "roster", "roster", file, problems)
    missing = [k for k in ("file", "key", "match") if not node.get(k)]
    if missing:
        problems.append(Problem(f"roster is missing '{missing[0]}'", where,
                                "file: the roster, key: its id column, match: the export "
                                "column with the same id"))
        return None
    attributes = _mapping(node.get("attributes"), "roster.attributes",
                          "attribute name to roster column", file, node, problems)
    for name in sorted(set(attributes) & (set(spec.attributes) | set(spec.constants))):
        problems.append(Problem(f"attribute '{name}' comes from both the roster and the "
                                "respondent section", where, "keep one source"))
    pseudo = node.get("pseudonymize")
    pseudonymize = _strings(pseudo) if pseudo is not None else tuple(
        a for a in ("manager",) if a in attributes)
    for name in pseudonymize:
        if name not in attributes:
            problems.append(Problem(f"roster pseudonymizes '{name}', which is not one of its "
                                    "attributes", where))
    return RosterSpec(file=str(node["file"]).strip(), key=str(node["key"]).strip(),
                      match=str(node["match"]).strip(), attributes=attributes,
                      pseudonymize=pseudonymize,
                      sheet=str(node["sheet"]).strip() if node.get("sheet") else None)


def codebook_model_problems(codebook: Codebook, model: Any) -> list[Problem]:
    """Codebook items naming a capability the model lacks, and role ids it lacks.

    An item for a capability missing from the model would be dropped from every
    table, so it is an error; so is a ``roles:`` or ``constants:`` role id that
    is not a model role.
    """
    caps = {c.id for c in model.capabilities}
    roles = {r.id for r in model.roles} | {r.name.casefold() for r in model.roles}
    problems = []
    for item in codebook.items:
        if item.capability not in caps:
            close = get_close_matches(item.capability, sorted(caps), n=1, cutoff=0.6)
            problems.append(Problem(
                f"item '{item.item}' names capability '{item.capability}', which the model "
                "lacks", item.source or Location(file=codebook.file),
                f"did you mean '{close[0]}'?" if close else "add it to the model or fix the "
                "codebook"))
    targets = [("roles", v) for v in codebook.roles.values()]
    if "role" in codebook.respondent.constants:
        targets.append(("respondent.constants", codebook.respondent.constants["role"]))
    for where, role in targets:
        if role not in roles and role.casefold() not in roles:
            problems.append(Problem(f"role '{role}' is not a role of the model",
                                    Location(file=codebook.file, field=where),
                                    f"use one of {', '.join(r.id for r in model.roles)}"))
    return problems


def _from_excel(path: str | Path) -> Codebook:
    import openpyxl

    from ldkit.io import existing_file

    p = existing_file(path)
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(f"cannot be opened as an Excel workbook ({exc})",
                         location=Location(file=str(p))) from exc

    def rows(sheet: str) -> list[dict[str, Any]]:
        if sheet not in wb.sheetnames:
            raise InputError(f"has no sheet '{sheet}'", location=Location(file=str(p)),
                             hint="the codebook workbook needs sheets 'Codebook items', "
                                  "'Codebook respondent' and 'Codebook scales'")
        it = wb[sheet].iter_rows(values_only=True)
        header = [str(h).strip().lower().replace(" ", "_") if h is not None else ""
                  for h in next(it, ())]
        return [dict(zip(header, r, strict=False)) for r in it if any(v is not None for v in r)]

    try:
        resp: dict[str, Any] = {"attributes": {}}
        for r in rows("Codebook respondent"):
            key, value = str(r.get("field") or "").strip(), r.get("value")
            if key.startswith("attribute:"):
                resp["attributes"][key.split(":", 1)[1].strip()] = value
            elif key:
                resp[key] = value
        scales: dict[str, dict[str, Any]] = {}
        for r in rows("Codebook scales"):
            scales.setdefault(str(r.get("scale")), {})[str(r.get("label"))] = r.get("value")
        items = [{k: v for k, v in r.items() if v is not None} for r in rows("Codebook items")]
    finally:
        wb.close()
    return _from_dict({"respondent": resp, "scales": scales, "items": items}, str(p),
                      strict=False)


def _is_float_text(value: Any) -> bool:
    try:
        return math.isfinite(float(value)) and not isinstance(value, bool)
    except (TypeError, ValueError):
        return False
