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

The workbook form has three sheets: ``Codebook items`` (the item columns
above), ``Codebook respondent`` (Field | Value rows: id, identifiers,
person, dedupe_on, attribute:<name>) and ``Codebook scales`` (Scale |
Label | Value).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.errors import InputError, Location, Problem, ValidationError

__all__ = ["DIMENSIONS", "RATERS", "Codebook", "Item", "RespondentSpec", "read_codebook"]

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

    @property
    def person_column(self) -> str:
        return self.person or self.id


@dataclass(frozen=True)
class Codebook:
    """The meaning of a survey export's columns (see module docstring)."""

    respondent: RespondentSpec
    scales: Mapping[str, Mapping[str, float | None]]
    items: tuple[Item, ...]
    min_duration_seconds: float | None = None
    file: str | None = field(default=None, compare=False)

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
        out: dict[str, Any] = {
            "respondent": resp,
            "scales": {k: dict(v) for k, v in self.scales.items()},
            "items": [{"column": i.column, "item": i.item, "capability": i.capability,
                       "dimension": i.dimension, "rater": i.rater, "scale": i.scale,
                       "reverse": i.reverse} for i in self.items],
        }
        if self.min_duration_seconds is not None:
            out["options"] = {"min_duration_seconds": self.min_duration_seconds}
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


def _from_dict(data: Any, file: str | None, *, strict: bool = True) -> Codebook:
    """``strict``: numbers and flags as written (YAML, dicts); the Excel codebook passes
    False, since a workbook cell may hold a number typed as text."""
    from ldkit.yamlio import is_number

    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise InputError("is not a codebook (expected 'respondent:', 'scales:', 'items:')",
                         location=Location(file=file))
    resp = data.get("respondent")
    if not isinstance(resp, Mapping) or not resp.get("id"):
        problems.append(Problem("'respondent: id:' is missing", _loc(file, data, "respondent"),
                                "name the column that holds the respondent key"))
        resp = {"id": ""}
    attributes = resp.get("attributes") or {}
    if not isinstance(attributes, Mapping):
        problems.append(Problem("'attributes' must map attribute name to column",
                                _loc(file, resp, "respondent.attributes")))
        attributes = {}
    spec = RespondentSpec(
        id=str(resp["id"]).strip(),
        identifiers=_strings(resp.get("identifiers")),
        person=str(resp["person"]).strip() if resp.get("person") else None,
        attributes={str(k): str(v).strip() for k, v in attributes.items()},
        dedupe_on=_strings(resp.get("dedupe_on")),
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
    min_duration = options.get("min_duration_seconds") if isinstance(options, Mapping) else None
    if min_duration is not None and not (
            (is_number(min_duration) or (not strict and _is_float_text(min_duration)))
            and float(min_duration) >= 0):
        problems.append(Problem(f"'min_duration_seconds' must be a number of seconds >= 0, "
                                f"got {min_duration!r}",
                                _loc(file, options, "options.min_duration_seconds"),
                                "e.g. 'min_duration_seconds: 120'"))
    if problems:
        raise ValidationError(problems, what=f"codebook {file or ''}".strip())
    return Codebook(spec, scales, tuple(items),
                    float(min_duration) if min_duration is not None else None, file=file)


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
