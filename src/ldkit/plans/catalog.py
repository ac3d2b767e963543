"""The learning-activity catalog that personalized learning plans draw on.

A :class:`Catalog` lists :class:`Activity` items (what a learner can do, for
which capabilities, at which current levels, in which 70-20-10 modality, how
long it takes and what it costs) and :class:`Program` frameworks (pre-assessment,
core items, electives, post-assessment, capstone) for capability programs.

The current levels of an activity are the levels of the learners it suits,
inclusive: ``levels: [1, 2]`` suits someone now at level 1 or 2.

YAML layout::

    name: Pharma commercial catalog
    currency: EUR                      # ISO 4217 code, default EUR
    activities:
      - id: sm-essentials-elearning
        title: Stakeholder mapping essentials
        capabilities: [stakeholder_mapping]       # ids of the capability model
        levels: [1, 2]                 # or level_from: 1 and level_to: 2
        modality: formal               # experiential | social | formal;
                                       # blank: the default of the format
        format: e-learning course      # one of FORMATS
        hours: 2
        cost: 120                      # per learner, default 0
        provider: Internal Commercial Academy
        core: true                     # default false
        prerequisites: [other-activity-id]        # default none
        capacity: 16                   # seats per cohort, default unlimited
    programs:
      - id: key-account-excellence
        title: Key account excellence
        capabilities: [account_planning, stakeholder_mapping]
        pre_assessment: kae-pre-assessment         # activity ids
        core: [sm-essentials-elearning, ap-account-plan-stretch]
        electives: [...]
        post_assessment: kae-post-assessment
        capstone: kae-capstone

Workbook layout (header in row 1, one record per row; headers are matched
case-insensitively, spaces, hyphens and underscores alike; lists are
comma-separated in one cell):

===========  =================================================================
README       what each column means; ignored on reading
Catalog      Field | Value: rows name, currency
Activities   Activity ID | Title | Capabilities | Level from | Level to |
             Modality | Format | Hours | Cost | Provider | Core (yes/no) |
             Prerequisites | Capacity
Programs     Program ID | Title | Capabilities | Pre-assessment | Core |
             Electives | Post-assessment | Capstone
===========  =================================================================

Reading reports every problem at once, each with its YAML line and field or
its sheet, row and column; :meth:`Catalog.check` adds the checks against a
capability model.

Examples
--------
>>> from ldkit.capability import starter
>>> catalog = starter_catalog("pharma-commercial").check(starter("pharma-commercial"))
>>> catalog.activity("ap-strategic-workshop").prerequisites
('sm-essentials-elearning',)
>>> [a.id for a in catalog.for_capability("territory_business_analytics", 1)]
['tba-crm-data-elearning', 'tba-territory-review', 'fs-buddy-mentoring', 'fs-peer-circle']
>>> hours = catalog.table().groupby("modality")["hours"].sum()
>>> (hours / hours.sum()).round(2).to_dict()  # 70-20-10
{'experiential': 0.71, 'formal': 0.09, 'social': 0.2}
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from ldkit._params import check_choice, check_number, param_error
from ldkit.errors import (
    InputError,
    Location,
    ParameterError,
    Problem,
    UnsupportedFormatError,
    ValidationError,
)
from ldkit.io import id_list
from ldkit.xlsx import Column, norm_header, read_sheet, readme_sheet, table_sheet
from ldkit.yamlio import is_number, is_whole

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability.model import CapabilityModel

__all__ = [
    "FORMATS",
    "FORMAT_MODALITY",
    "MODALITIES",
    "Activity",
    "Catalog",
    "Program",
    "read_catalog",
    "starter_catalog",
    "starter_catalogs",
    "write_catalog_template",
]

MODALITIES = ("experiential", "social", "formal")  # 70-20-10
FORMATS = (
    "workshop", "e-learning course", "podcast", "video", "article or link", "coaching",
    "mentoring", "stretch assignment", "job shadowing", "community of practice", "capstone",
    "assessment",
)
FORMAT_MODALITY = {
    "workshop": "formal",
    "e-learning course": "formal",
    "podcast": "formal",
    "video": "formal",
    "article or link": "formal",
    "coaching": "social",
    "mentoring": "social",
    "stretch assignment": "experiential",
    "job shadowing": "experiential",
    "community of practice": "social",
    "capstone": "formal",
    "assessment": "formal",
}

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
TABLE_COLUMNS = [
    "id", "title", "capabilities", "level_from", "level_to", "modality", "format", "hours",
    "cost", "provider", "core", "prerequisites", "capacity",
]


# -- entities ----------------------------------------------------------------------------


def _names(value: Any) -> tuple:
    if isinstance(value, str):
        return tuple(s.strip() for s in value.split(",") if s.strip())
    return tuple(value)


@dataclass(frozen=True)
class Activity:
    """One learning activity of the catalog.

    ``level_from`` and ``level_to`` are the current levels it suits
    (inclusive). An empty ``modality`` takes the default of the format
    (:data:`FORMAT_MODALITY`). ``cost`` is per learner in the catalog's
    currency; ``capacity`` is the seats per cohort (None: unlimited).
    ``source`` and ``field_sources`` say where it was read, for located problems.
    """

    id: str
    title: str
    capabilities: tuple[str, ...]
    level_from: int
    level_to: int
    modality: str
    format: str
    hours: float
    cost: float = 0.0
    provider: str = ""
    core: bool = False
    prerequisites: tuple[str, ...] = ()
    capacity: int | None = None
    source: Location | None = field(default=None, compare=False, repr=False)
    field_sources: Mapping[str, Location] = field(default_factory=dict, compare=False,
                                                  repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "capabilities", _names(self.capabilities))
        object.__setattr__(self, "prerequisites", _names(self.prerequisites))
        if not self.modality and self.format in FORMAT_MODALITY:
            object.__setattr__(self, "modality", FORMAT_MODALITY[self.format])

    def suits(self, capability: str, level: int) -> bool:
        """Whether the activity develops ``capability`` for someone now at ``level``."""
        return capability in self.capabilities and self.level_from <= level <= self.level_to


@dataclass(frozen=True)
class Program:
    """A PLP framework for one capability program.

    Pre-assessment, a few core items, electives chosen by need,
    post-assessment and capstone, each named by activity id.
    """

    id: str
    title: str
    capabilities: tuple[str, ...]
    pre_assessment: str | None = None
    core: tuple[str, ...] = ()
    electives: tuple[str, ...] = ()
    post_assessment: str | None = None
    capstone: str | None = None
    source: Location | None = field(default=None, compare=False, repr=False)
    field_sources: Mapping[str, Location] = field(default_factory=dict, compare=False,
                                                  repr=False)

    def __post_init__(self) -> None:
        for name in ("capabilities", "core", "electives"):
            object.__setattr__(self, name, _names(getattr(self, name)))

    @property
    def activity_ids(self) -> list[str]:
        """Every activity of the program, in order: pre, core, electives, post, capstone."""
        return [x for x in (self.pre_assessment, *self.core, *self.electives,
                            self.post_assessment, self.capstone) if x]


@dataclass(frozen=True, repr=False)
class Catalog:
    """The activities plans are built from, and program frameworks.

    Read one with :func:`read_catalog` (or ``Catalog.from_yaml`` /
    ``Catalog.from_excel``); start from :func:`starter_catalog`.
    """

    activities: tuple[Activity, ...]
    programs: tuple[Program, ...] = ()
    name: str = ""
    currency: str = "EUR"
    source: Location | None = field(default=None, compare=False)
    field_sources: Mapping[str, Location] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "activities", tuple(self.activities))
        object.__setattr__(self, "programs", tuple(self.programs))

    def __repr__(self) -> str:
        return (f"Catalog(name={self.name!r}, {len(self.activities)} activities, "
                f"{len(self.programs)} programs, currency={self.currency!r})")

    # -- reading and writing ------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Any, *, file: str | None = None) -> Catalog:
        """Build from the YAML dictionary layout; raise ValidationError with every problem."""
        return _from_dict(data, file=file)

    @classmethod
    def from_yaml(cls, path: str | Path) -> Catalog:
        """Read a catalog from YAML (layout in the module docstring)."""
        from ldkit.yamlio import load_yaml

        return _from_dict(load_yaml(path), file=str(path))

    @classmethod
    def from_excel(cls, path: str | Path) -> Catalog:
        """Read a catalog from the workbook (layout in the module docstring)."""
        return _read_excel(path)

    def to_dict(self) -> dict[str, Any]:
        """The dictionary layout (what :meth:`to_yaml` writes)."""
        return _to_dict(self)

    def to_yaml(self, path: str | Path) -> Path:
        """Write the catalog as YAML (UTF-8), atomically; return the path."""
        from ldkit.io import atomic_write_text

        if Path(path).suffix.lower() not in (".yaml", ".yml"):
            raise UnsupportedFormatError(f"{path}: a YAML catalog must end in .yaml or .yml")
        text = yaml.dump(_to_dict(self), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                         width=100)
        return atomic_write_text(path, text)

    def to_excel(self, path: str | Path) -> Path:
        """Write the formatted workbook (frozen header, widths, drop-downs), atomically."""
        return _write_excel(self, path)

    # -- lookup ---------------------------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        """The activity ids, in catalog order."""
        return [a.id for a in self.activities]

    @property
    def program_ids(self) -> list[str]:
        return [p.id for p in self.programs]

    def activity(self, id: str) -> Activity:
        """The activity with this id."""
        for a in self.activities:
            if a.id == id:
                return a
        raise ParameterError(
            param_error("id", "Catalog.activity", "an activity id of the catalog", id).message,
            hint=_suggest(id, self.ids, "an id from Catalog.ids"))

    def program(self, id: str) -> Program:
        """The program with this id."""
        for p in self.programs:
            if p.id == id:
                return p
        raise ParameterError(
            param_error("id", "Catalog.program", "a program id of the catalog", id).message,
            hint=_suggest(id, self.program_ids, "an id from Catalog.program_ids"))

    def for_capability(self, capability: str, level: int) -> list[Activity]:
        """The activities that develop ``capability`` for someone now at ``level``.

        In catalog order; an activity suits the current levels ``level_from`` to
        ``level_to`` inclusive.
        """
        if not isinstance(capability, str):
            raise param_error("capability", "Catalog.for_capability", "a capability id",
                              capability)
        check_number("level", level, func="Catalog.for_capability", integer=True)
        return [a for a in self.activities if a.suits(capability, level)]

    def table(self) -> pd.DataFrame:
        """One row per activity; lists are comma-joined, ``capacity`` is nullable."""
        rows = [(a.id, a.title, ", ".join(a.capabilities), a.level_from, a.level_to,
                 a.modality, a.format, a.hours, a.cost, a.provider, a.core,
                 ", ".join(a.prerequisites), a.capacity) for a in self.activities]
        df = pd.DataFrame(rows, columns=TABLE_COLUMNS)
        text = ["id", "title", "capabilities", "modality", "format", "provider",
                "prerequisites"]
        return df.astype({**dict.fromkeys(text, "str"), "level_from": "int64",
                          "level_to": "int64", "hours": "float64", "cost": "float64",
                          "core": "bool", "capacity": "Int64"})

    # -- validation -----------------------------------------------------------------------

    def problems(self, model: CapabilityModel | None = None) -> list[Problem]:
        """Every problem of the catalog, each with its location.

        With a capability ``model``, also checks that capabilities exist in it
        (suggesting close matches) and that levels lie on each capability's scale.
        """
        if model is not None:
            from ldkit.capability.model import CapabilityModel

            if not isinstance(model, CapabilityModel):
                raise param_error("model", "Catalog.problems", "a CapabilityModel or None",
                                  model)
        return _validate(self, model)

    def check(self, model: CapabilityModel | None = None) -> Catalog:
        """Raise ValidationError listing every error; return the catalog if there is none."""
        errors = [p for p in self.problems(model) if p.severity == "error"]
        if errors:
            raise ValidationError(_in_order(errors), what=_what(self))
        return self


def _what(catalog: Catalog) -> str:
    if catalog.source is not None and catalog.source.file:
        return f"learning catalog {catalog.source.file}"
    return f"learning catalog '{catalog.name}'" if catalog.name else "learning catalog"


# -- validation --------------------------------------------------------------------------


def _suggest(name: Any, options: Iterable[str], fallback: str) -> str:
    close = difflib.get_close_matches(str(name), list(options), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return f"use {fallback}"


def _at(entity: Any, key: str, path: str) -> Location:
    """Where field ``key`` of ``entity`` was read (best known location)."""
    if key in entity.field_sources:
        return entity.field_sources[key]
    src = entity.source
    if src is None:
        return Location(field=f"{path}.{key}" if path else key)
    if src.sheet:
        return src
    return src.with_(field=f"{src.field}.{key}" if src.field else key)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _check_id(kind: str, id: Any, where: Location, out: list[Problem]) -> None:
    if not isinstance(id, str) or not id.strip():
        out.append(Problem(f"{kind} has an empty id", where, "give every row an id"))
    elif not ID_PATTERN.match(id):
        suggestion = re.sub(r"[^A-Za-z0-9_.\-]+", "-", id.strip()).strip("-").lower()
        out.append(Problem(f"{kind} id '{id}' has spaces or punctuation", where,
                           f"use letters, digits, '_', '-' or '.', e.g. '{suggestion}'"))


def _duplicates(kind: str, ids: list[str], wheres: list[Location], out: list[Problem]) -> None:
    counts = Counter(ids)
    seen: set[str] = set()
    for id, where in zip(ids, wheres, strict=True):
        if counts[id] > 1 and id:
            if id in seen:
                out.append(Problem(f"duplicate {kind} id '{id}'", where,
                                   "ids must be unique; rename or delete one of them"))
            seen.add(id)


def _options(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _validate(cat: Catalog, model: CapabilityModel | None) -> list[Problem]:
    out: list[Problem] = []
    here = cat.source or Location(field="catalog")
    if not isinstance(cat.currency, str) or not CURRENCY_PATTERN.match(cat.currency):
        out.append(Problem(f"currency '{cat.currency}' is not a three-letter code",
                           cat.field_sources.get("currency", here.with_(field="currency")),
                           "use an ISO 4217 code such as EUR, USD, GBP or CHF"))
    known = set(cat.ids)
    cap_ids = model.capability_ids if model is not None else []
    _duplicates("activity", cat.ids, [_at(a, "id", f"activities[{i}]")
                                      for i, a in enumerate(cat.activities)], out)
    for i, a in enumerate(cat.activities):
        path = f"activities[{i}]"
        name = a.id or f"#{i + 1}"

        def at(key: str, a: Activity = a, path: str = path) -> Location:
            return _at(a, key, path)

        _check_id("activity", a.id, at("id"), out)
        if not isinstance(a.title, str) or not a.title.strip():
            out.append(Problem(f"activity '{name}' has an empty title", at("title"),
                               "give it the title learners will see"))
        if not a.capabilities:
            out.append(Problem(f"activity '{name}' names no capability", at("capabilities"),
                               "list the capability ids it develops"))
        if a.format not in FORMATS:
            what = f"an unknown format '{a.format}'" if a.format else "no format"
            out.append(Problem(f"activity '{name}' has {what}", at("format"),
                               f"use one of {_options(FORMATS)}"))
        if a.modality not in MODALITIES and (a.modality or a.format in FORMATS):
            out.append(Problem(f"activity '{name}' has an unknown modality '{a.modality}'",
                               at("modality"), f"use one of {_options(MODALITIES)}"))
        levels_ok = True
        for key in ("level_from", "level_to"):
            value = getattr(a, key)
            if not _is_int(value):
                levels_ok = False
                out.append(Problem(f"activity '{name}': {key} must be a whole number, "
                                   f"got {value!r}", at(key), "type a level such as 2"))
        if levels_ok and a.level_from > a.level_to:
            out.append(Problem(f"activity '{name}': level_from {a.level_from} is above "
                               f"level_to {a.level_to}", at("level_from"),
                               "give the lowest suited current level first"))
        if not _is_number(a.hours) or a.hours <= 0:
            out.append(Problem(f"activity '{name}': hours must be a number above 0, "
                               f"got {a.hours!r}", at("hours"), "give the learner's hours"))
        if not _is_number(a.cost) or a.cost < 0:
            out.append(Problem(f"activity '{name}': cost must be a number of at least 0, "
                               f"got {a.cost!r}", at("cost"),
                               f"give the cost per learner in {cat.currency}"))
        if a.capacity is not None and (not _is_int(a.capacity) or a.capacity < 1):
            out.append(Problem(f"activity '{name}': capacity must be a whole number of at "
                               f"least 1, got {a.capacity!r}", at("capacity"),
                               "give the seats per cohort, or leave it blank for unlimited"))
        for p in a.prerequisites:
            if p not in known:
                out.append(Problem(f"activity '{name}': prerequisite '{p}' is not an activity "
                                   "of the catalog", at("prerequisites"),
                                   _suggest(p, known, "an activity id")))
        if model is not None:
            for c in a.capabilities:
                if c not in cap_ids:
                    out.append(Problem(
                        f"activity '{name}': capability '{c}' is not in model '{model.id}'",
                        at("capabilities"), _suggest(c, cap_ids, "a capability id of the model")))
                elif levels_ok:
                    scale = model.scale_of(c)
                    low = a.level_from < scale.min
                    if low or a.level_to > scale.max:
                        out.append(Problem(
                            f"activity '{name}': levels {a.level_from}-{a.level_to} are outside "
                            f"the scale of '{c}' ({scale.min}-{scale.max})",
                            at("level_from" if low else "level_to"),
                            f"use levels {scale.min} to {scale.max}"))
    out.extend(_cycles(cat))

    program_ids = cat.program_ids
    _duplicates("program", program_ids, [_at(p, "id", f"programs[{i}]")
                                         for i, p in enumerate(cat.programs)], out)
    formats = {a.id: a.format for a in cat.activities}
    for i, p in enumerate(cat.programs):
        path = f"programs[{i}]"
        name = p.id or f"#{i + 1}"
        _check_id("program", p.id, _at(p, "id", path), out)
        if not isinstance(p.title, str) or not p.title.strip():
            out.append(Problem(f"program '{name}' has an empty title", _at(p, "title", path),
                               "give it a title"))
        if not p.capabilities:
            out.append(Problem(f"program '{name}' names no capability",
                               _at(p, "capabilities", path), "list the capability ids it develops"))
        refs = [("pre_assessment", p.pre_assessment), *(("core", x) for x in p.core),
                *(("electives", x) for x in p.electives),
                ("post_assessment", p.post_assessment), ("capstone", p.capstone)]
        for key, ref in refs:
            if ref is None:
                continue
            if ref not in known:
                out.append(Problem(f"program '{name}': {key} '{ref}' is not an activity of the "
                                   "catalog", _at(p, key, path),
                                   _suggest(ref, known, "an activity id")))
            elif key.endswith("assessment") and formats[ref] != "assessment":
                out.append(Problem(f"program '{name}': {key} '{ref}' has the format "
                                   f"'{formats[ref]}'", _at(p, key, path),
                                   "use an activity of format 'assessment'", "warning"))
        if model is not None:
            for c in p.capabilities:
                if c not in cap_ids:
                    out.append(Problem(
                        f"program '{name}': capability '{c}' is not in model '{model.id}'",
                        _at(p, "capabilities", path),
                        _suggest(c, cap_ids, "a capability id of the model")))
    return out


def _cycles(cat: Catalog) -> list[Problem]:
    """One problem per prerequisite cycle (a -> b -> a), at its first activity."""
    graph = {a.id: [p for p in a.prerequisites] for a in cat.activities}
    index = {a.id: i for i, a in enumerate(cat.activities)}
    state: dict[str, int] = {}  # 1 on the path, 2 done
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for a in cat.activities:
        if a.id not in state:
            visit(a.id)
    out = []
    seen: set[frozenset] = set()
    for cycle in found:
        if frozenset(cycle) in seen:
            continue
        seen.add(frozenset(cycle))
        first = min(range(len(cycle)), key=lambda k: index[cycle[k]])
        cycle = cycle[first:] + cycle[:first]
        a = cat.activities[index[cycle[0]]]
        out.append(Problem("prerequisite cycle: " + " -> ".join([*cycle, cycle[0]]),
                           _at(a, "prerequisites", f"activities[{index[a.id]}]"),
                           "remove one of these prerequisites"))
    return out


def _in_order(problems: list[Problem]) -> list[Problem]:
    """Problems in reading order: by sheet, then row or line (stable)."""
    order = {name: i for i, name in enumerate(SHEET_ORDER)}

    def key(p: Problem) -> tuple:
        loc = p.location or Location()
        return (order.get(loc.sheet or "", -1), loc.row or loc.line or 0)

    return sorted(problems, key=key)


def _finish(catalog: Catalog, parse_problems: list[Problem]) -> Catalog:
    """Raise ValidationError with parse problems and rule errors; else return the catalog.

    A rule problem at the same place as a parse problem is the same mistake, so dropped.
    """
    taken = {p.location for p in parse_problems}
    rules = [p for p in catalog.problems()
             if p.severity == "error" and p.location not in taken]
    problems = parse_problems + rules
    if problems:
        raise ValidationError(_in_order(problems), what=_what(catalog))
    return catalog


# -- YAML --------------------------------------------------------------------------------

ROOT_KEYS = ("name", "currency", "activities", "programs")
ACTIVITY_KEYS = ("id", "title", "capabilities", "levels", "level_from", "level_to", "modality",
                 "format", "hours", "cost", "provider", "core", "prerequisites", "capacity")
PROGRAM_KEYS = ("id", "title", "capabilities", "pre_assessment", "core", "electives",
                "post_assessment", "capstone")
_TRUE = {"yes", "y", "true", "x", "1", "core"}
_FALSE = {"no", "n", "false", "0", ""}


def _as_int(raw: Any) -> int | None:
    """An int from an int, an integral float, or a numeric string; else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*[+-]?\d+(\.0+)?\s*", raw):
        return int(float(raw))
    return None


def _as_float(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _as_bool(raw: Any) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return bool(raw)
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().casefold()
    return True if text in _TRUE else False if text in _FALSE else None


class _Parser:
    """Turns raw values into typed fields, collecting located problems."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, message: str, where: Location, hint: str | None = None) -> None:
        self.problems.append(Problem(message, where, hint))

    def text(self, raw: Any, what: str, where: Location) -> str:
        if raw is None:
            return ""
        if isinstance(raw, Mapping | list):
            self.add(f"{what} must be text", where)
            return ""
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw).strip()

    def optional_text(self, raw: Any, what: str, where: Location) -> str | None:
        return self.text(raw, what, where) or None

    def names(self, raw: Any, what: str, where: Location) -> tuple[str, ...]:
        ids = id_list(raw)
        if ids is None:
            self.add(f"{what} must be a list of ids", where, "write e.g. [a, b] or 'a, b'")
            return ()
        return ids

    def integer(self, raw: Any, what: str, where: Location, *, required: bool) -> Any:
        if raw is None:
            if required:
                self.add(f"{what} is missing", where, "type a whole number")
            return None
        value = _as_int(raw)
        if value is None:
            self.add(f"{what} must be a whole number, got {raw!r}", where, "type e.g. 2")
            return raw
        return value

    def number(self, raw: Any, what: str, where: Location, *, default: float | None) -> Any:
        if raw is None:
            if default is None:
                self.add(f"{what} is missing", where, "type a number")
            return default
        value = _as_float(raw)
        if value is None:
            self.add(f"{what} must be a number, got {raw!r}", where, "type e.g. 2.5")
            return raw
        return value

    def boolean(self, raw: Any, what: str, where: Location) -> bool:
        value = _as_bool(raw)
        if value is None:
            self.add(f"{what} must be yes or no, got {raw!r}", where,
                     "write yes or no (blank means no)")
            return False
        return value


class _DictReader(_Parser):
    """Reads the YAML dictionary layout: scalars strict, as written (no "2" for 2, no
    true for 1, no 2.0 for a whole number)."""

    def integer(self, raw: Any, what: str, where: Location, *, required: bool) -> Any:
        if raw is not None and not is_whole(raw):
            self.add(f"{what} must be a whole number, got {raw!r}", where,
                     "write e.g. 2, without quotes")
            return raw
        return super().integer(raw, what, where, required=required)

    def number(self, raw: Any, what: str, where: Location, *, default: float | None) -> Any:
        if raw is not None and not is_number(raw):
            self.add(f"{what} must be a number, got {raw!r}", where,
                     "write e.g. 2.5, without quotes")
            return raw
        return super().number(raw, what, where, default=default)

    def boolean(self, raw: Any, what: str, where: Location) -> bool:
        if raw is not None and not isinstance(raw, bool):
            self.add(f"{what} must be yes or no, got {raw!r}", where,
                     "write yes or no (true or false), without quotes")
            return False
        return bool(raw)

    def loc(self, node: Any, path: str) -> Location:
        return Location(file=self.file, field=path, line=getattr(node, "line", None))

    def key_loc(self, node: Any, path: str, key: str) -> Location:
        line = getattr(node, "key_lines", {}).get(key, getattr(node, "line", None))
        return Location(file=self.file, field=f"{path}.{key}" if path else key, line=line)

    def unknown_keys(self, node: Mapping, allowed: tuple[str, ...], path: str) -> None:
        for key in node:
            if key not in allowed:
                self.add(f"unknown key '{key}'", self.key_loc(node, path, str(key)),
                         _suggest(key, allowed, f"one of {_options(allowed)}"))

    def items(self, node: Mapping, key: str) -> list:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(f"'{key}' must be a list (items starting with '- ')",
                     self.key_loc(node, "", key))
            return []
        return value

    def activity(self, node: Any, path: str) -> Activity | None:
        if not isinstance(node, Mapping):
            self.add(f"expected an activity (key: value lines), got {node!r}",
                     Location(file=self.file, field=path))
            return None
        self.unknown_keys(node, ACTIVITY_KEYS, path)
        fs = {key: self.key_loc(node, path, key) for key in ACTIVITY_KEYS}
        if "levels" in node or not ({"level_from", "level_to"} & set(node)):
            fs["level_from"] = fs["level_to"] = fs["levels"]
        level_from, level_to = self.levels(node, fs)
        return Activity(
            id=self.text(node.get("id"), "id", fs["id"]),
            title=self.text(node.get("title"), "title", fs["title"]),
            capabilities=self.names(node.get("capabilities"), "capabilities",
                                    fs["capabilities"]),
            level_from=level_from,
            level_to=level_to,
            modality=self.text(node.get("modality"), "modality", fs["modality"]),
            format=self.text(node.get("format"), "format", fs["format"]),
            hours=self.number(node.get("hours"), "hours", fs["hours"], default=None),
            cost=self.number(node.get("cost"), "cost", fs["cost"], default=0.0),
            provider=self.text(node.get("provider"), "provider", fs["provider"]),
            core=self.boolean(node.get("core"), "core", fs["core"]),
            prerequisites=self.names(node.get("prerequisites"), "prerequisites",
                                     fs["prerequisites"]),
            capacity=self.integer(node.get("capacity"), "capacity", fs["capacity"],
                                  required=False),
            source=self.loc(node, path),
            field_sources={k: v for k, v in fs.items() if k != "levels"},
        )

    def levels(self, node: Mapping, fs: dict[str, Location]) -> tuple[Any, Any]:
        where = fs["levels"]
        if "levels" in node:
            if "level_from" in node or "level_to" in node:
                self.add("give either 'levels' or 'level_from' and 'level_to', not both", where)
            raw = node["levels"]
            if isinstance(raw, list) and len(raw) == 2:
                return (self.integer(raw[0], "the first of 'levels'", where, required=True),
                        self.integer(raw[1], "the second of 'levels'", where, required=True))
            if is_whole(raw):
                return raw, raw
            self.add(f"'levels' must be [from, to], got {raw!r}", where,
                     "the current levels it suits, e.g. [1, 2]")
            return None, None
        if "level_from" not in node and "level_to" not in node:
            self.add("the current levels it suits are missing", where, "add e.g. levels: [1, 2]")
            return None, None
        lf = self.integer(node.get("level_from"), "level_from", fs["level_from"], required=False)
        lt = self.integer(node.get("level_to"), "level_to", fs["level_to"], required=False)
        return (lt if lf is None else lf), (lf if lt is None else lt)

    def program(self, node: Any, path: str) -> Program | None:
        if not isinstance(node, Mapping):
            self.add(f"expected a program (key: value lines), got {node!r}",
                     Location(file=self.file, field=path))
            return None
        self.unknown_keys(node, PROGRAM_KEYS, path)
        fs = {key: self.key_loc(node, path, key) for key in PROGRAM_KEYS}
        return Program(
            id=self.text(node.get("id"), "id", fs["id"]),
            title=self.text(node.get("title"), "title", fs["title"]),
            capabilities=self.names(node.get("capabilities"), "capabilities",
                                    fs["capabilities"]),
            pre_assessment=self.optional_text(node.get("pre_assessment"), "pre_assessment",
                                              fs["pre_assessment"]),
            core=self.names(node.get("core"), "core", fs["core"]),
            electives=self.names(node.get("electives"), "electives", fs["electives"]),
            post_assessment=self.optional_text(node.get("post_assessment"), "post_assessment",
                                               fs["post_assessment"]),
            capstone=self.optional_text(node.get("capstone"), "capstone", fs["capstone"]),
            source=self.loc(node, path),
            field_sources=fs,
        )


def _from_dict(data: Any, *, file: str | None) -> Catalog:
    if not isinstance(data, Mapping):
        raise InputError("does not hold a learning catalog (expected 'activities:' and a list)",
                         location=Location(file=file),
                         hint="see the YAML layout in the ldkit.plans.catalog docstring")
    rd = _DictReader(file)
    rd.unknown_keys(data, ROOT_KEYS, "")
    fs = {"name": rd.key_loc(data, "", "name"), "currency": rd.key_loc(data, "", "currency")}
    activities = [rd.activity(n, f"activities[{i}]")
                  for i, n in enumerate(rd.items(data, "activities"))]
    programs = [rd.program(n, f"programs[{i}]")
                for i, n in enumerate(rd.items(data, "programs"))]
    catalog = Catalog(
        activities=tuple(a for a in activities if a is not None),
        programs=tuple(p for p in programs if p is not None),
        name=rd.text(data.get("name"), "name", fs["name"]),
        currency=rd.text(data.get("currency"), "currency", fs["currency"]) or "EUR",
        source=Location(file=file, line=getattr(data, "line", None)) if file else None,
        field_sources=fs,
    )
    return _finish(catalog, rd.problems)


def _plain(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _to_dict(cat: Catalog) -> dict[str, Any]:
    activities = []
    for a in cat.activities:
        entry: dict[str, Any] = {
            "id": a.id, "title": a.title, "capabilities": list(a.capabilities),
            "levels": [a.level_from, a.level_to], "modality": a.modality, "format": a.format,
            "hours": _plain(a.hours), "cost": _plain(a.cost), "provider": a.provider,
        }
        if a.core:
            entry["core"] = True
        if a.prerequisites:
            entry["prerequisites"] = list(a.prerequisites)
        if a.capacity is not None:
            entry["capacity"] = a.capacity
        activities.append(entry)
    programs = []
    for p in cat.programs:
        entry = {"id": p.id, "title": p.title, "capabilities": list(p.capabilities)}
        if p.pre_assessment is not None:
            entry["pre_assessment"] = p.pre_assessment
        entry["core"] = list(p.core)
        entry["electives"] = list(p.electives)
        for key in ("post_assessment", "capstone"):
            if getattr(p, key) is not None:
                entry[key] = getattr(p, key)
        programs.append(entry)
    return {"name": cat.name, "currency": cat.currency, "activities": activities,
            "programs": programs}


class _Dumper(yaml.SafeDumper):
    """Indented block lists; short lists of scalars in flow style ([a, b])."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> Any:
    flow = all(isinstance(x, str | int | float) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


# -- workbook ----------------------------------------------------------------------------


def _Column(header: str, key: str, doc: str, required: bool = False, width: int = 14,
            wrap: bool = False, aliases: tuple[str, ...] = ()) -> Column:
    """A catalog sheet's column, documented (the README sheet lists ``doc``)."""
    return Column(header, key, required, width, wrap, aliases, doc)


SHEETS: dict[str, tuple[Column, ...]] = {
    "Catalog": (
        _Column("Field", "field", "name (the catalog's name) or currency (ISO code, e.g. EUR)",
                True, 16),
        _Column("Value", "value", "the value of the field", True, 60),
    ),
    "Activities": (
        _Column("Activity ID", "id", "short id, no spaces, e.g. sm-essentials-elearning",
                True, 30, aliases=("activity", "id")),
        _Column("Title", "title", "the title learners see", True, 44, wrap=True,
                aliases=("name",)),
        _Column("Capabilities", "capabilities",
                "capability ids of the model it develops, comma-separated", True, 34,
                wrap=True, aliases=("capability", "capability_ids")),
        _Column("Level from", "level_from", "lowest current level it suits", True, 11,
                aliases=("from_level", "from")),
        _Column("Level to", "level_to", "highest current level it suits", True, 10,
                aliases=("to_level", "to")),
        _Column("Modality", "modality",
                "70-20-10: " + ", ".join(MODALITIES) + " (blank: the default of the format)",
                width=14),
        _Column("Format", "format", "one of: " + ", ".join(FORMATS), True, 22),
        _Column("Hours", "hours", "learner hours, more than 0", True, 9,
                aliases=("duration", "duration_hours")),
        _Column("Cost", "cost", "cost per learner in the catalog currency (blank: 0)", width=10,
                aliases=("price",)),
        _Column("Provider", "provider", "who delivers it", width=30, aliases=("vendor",)),
        _Column("Core", "core", "yes if it is a core item, else no (blank: no)", width=8),
        _Column("Prerequisites", "prerequisites",
                "activity ids to complete first, comma-separated", width=30, wrap=True,
                aliases=("prerequisite", "requires")),
        _Column("Capacity", "capacity", "seats per cohort (blank: unlimited)", width=10,
                aliases=("seats",)),
    ),
    "Programs": (
        _Column("Program ID", "id", "short id, no spaces, e.g. key-account-excellence", True,
                28, aliases=("program", "id")),
        _Column("Title", "title", "the program's title", True, 36, wrap=True,
                aliases=("name",)),
        _Column("Capabilities", "capabilities", "capability ids, comma-separated", width=34,
                wrap=True, aliases=("capability",)),
        _Column("Pre-assessment", "pre_assessment", "activity id of the pre-assessment",
                width=24),
        _Column("Core", "core", "activity ids of the core items, comma-separated", width=34,
                wrap=True),
        _Column("Electives", "electives", "activity ids of the electives, comma-separated",
                width=40, wrap=True),
        _Column("Post-assessment", "post_assessment", "activity id of the post-assessment",
                width=24),
        _Column("Capstone", "capstone", "activity id of the capstone", width=24),
    ),
}
SHEET_ORDER = ("Catalog", "Activities", "Programs")
SPARE_ROWS = 500



class _SheetReader(_Parser):
    """Reads the workbook's sheets into located records."""

    def __init__(self, path: Path) -> None:
        import openpyxl

        super().__init__(str(path))
        try:
            self.wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types
            raise UnsupportedFormatError(
                f"cannot be opened as an Excel workbook ({type(exc).__name__}: {exc})",
                location=Location(file=self.file), hint="save it from Excel as .xlsx") from exc

    def loc(self, sheet: str, row: int | None = None, column: str | None = None) -> Location:
        return Location(file=self.file, sheet=sheet, row=row, column=column)

    def records(self, sheet: str) -> list[tuple[int, dict[str, Any], dict[str, Location]]]:
        """Rows as (row number, {key: value}, {key: location of the cell})."""
        if sheet not in self.wb.sheetnames:
            return []
        missing, headers, rows = read_sheet(self.wb[sheet], SHEETS[sheet])
        for c in missing:
            self.add(f"has no column '{c.header}'", self.loc(sheet, 1, c.header),
                     f"add a header '{c.header}' in row 1 (see the README sheet)")
        return [(r, rec, {k: self.loc(sheet, r, h) for k, h in headers.items()})
                for r, rec in rows]


def _read_excel(path: str | Path) -> Catalog:
    from ldkit.io import existing_file

    p = existing_file(path)
    rd = _SheetReader(p)
    try:
        if "Activities" not in rd.wb.sheetnames:
            raise UnsupportedFormatError(
                "has no sheet 'Activities', so it is not a learning catalog workbook",
                location=Location(file=rd.file),
                hint="start from ldkit.plans.catalog.write_catalog_template")
        return _read_sheets(rd)
    finally:
        rd.wb.close()


def _read_sheets(rd: _SheetReader) -> Catalog:
    info: dict[str, Any] = {}
    fs_catalog: dict[str, Location] = {}
    for _r, rec, fs in rd.records("Catalog"):
        key = norm_header(rec.get("field") or "")
        if key in ("name", "currency"):
            info[key] = rec.get("value")
            fs_catalog[key] = fs["value"]
        elif key:
            rd.add(f"unknown field '{rec.get('field')}'", fs["field"],
                   "use name or currency")

    activities = []
    for r, rec, fs in rd.records("Activities"):
        lf = rd.integer(rec.get("level_from"), f"'{fs['level_from'].column}'",
                        fs["level_from"], required=True)
        lt = rd.integer(rec.get("level_to"), f"'{fs['level_to'].column}'", fs["level_to"],
                        required=True)
        activities.append(Activity(
            id=rd.text(rec.get("id"), "id", fs["id"]),
            title=rd.text(rec.get("title"), "title", fs["title"]),
            capabilities=rd.names(rec.get("capabilities"), "capabilities", fs["capabilities"]),
            level_from=lf,
            level_to=lt,
            modality=rd.text(rec.get("modality"), "modality", fs["modality"]),
            format=rd.text(rec.get("format"), "format", fs["format"]),
            hours=rd.number(rec.get("hours"), f"'{fs['hours'].column}'", fs["hours"],
                            default=None),
            cost=rd.number(rec.get("cost"), f"'{fs['cost'].column}'", fs["cost"], default=0.0),
            provider=rd.text(rec.get("provider"), "provider", fs["provider"]),
            core=rd.boolean(rec.get("core"), f"'{fs['core'].column}'", fs["core"]),
            prerequisites=rd.names(rec.get("prerequisites"), "prerequisites",
                                   fs["prerequisites"]),
            capacity=rd.integer(rec.get("capacity"), f"'{fs['capacity'].column}'",
                                fs["capacity"], required=False),
            source=rd.loc("Activities", r),
            field_sources=fs,
        ))

    programs = []
    for r, rec, fs in rd.records("Programs"):
        programs.append(Program(
            id=rd.text(rec.get("id"), "id", fs["id"]),
            title=rd.text(rec.get("title"), "title", fs["title"]),
            capabilities=rd.names(rec.get("capabilities"), "capabilities", fs["capabilities"]),
            pre_assessment=rd.optional_text(rec.get("pre_assessment"), "pre_assessment",
                                            fs["pre_assessment"]),
            core=rd.names(rec.get("core"), "core", fs["core"]),
            electives=rd.names(rec.get("electives"), "electives", fs["electives"]),
            post_assessment=rd.optional_text(rec.get("post_assessment"), "post_assessment",
                                             fs["post_assessment"]),
            capstone=rd.optional_text(rec.get("capstone"), "capstone", fs["capstone"]),
            source=rd.loc("Programs", r),
            field_sources=fs,
        ))

    catalog = Catalog(
        activities=tuple(activities),
        programs=tuple(programs),
        name=rd.text(info.get("name"), "name", fs_catalog.get("name", rd.loc("Catalog"))),
        currency=rd.text(info.get("currency"), "currency",
                         fs_catalog.get("currency", rd.loc("Catalog"))) or "EUR",
        source=Location(file=rd.file),
        field_sources=fs_catalog,
    )
    return _finish(catalog, rd.problems)


def _readme_lines() -> list[tuple[str, str]]:
    lines = [
        ("ldkit learning catalog workbook", "title"),
        ("One record per row, header in row 1; do not rename the headers. Lists (capabilities, "
         "prerequisites, core, electives) are comma-separated in one cell.", ""),
        ("Levels are the CURRENT proficiency levels an activity suits, inclusive: Level from 1, "
         "Level to 2 suits learners now at level 1 or 2.", ""),
        ("70-20-10: experiential (on the job), social (coaching, mentoring, communities), "
         "formal (courses, e-learning, workshops).", ""),
        ("Check it with ldkit.plans.catalog.read_catalog(path).check(model): every problem is "
         "listed with its sheet, row and column.", ""),
    ]
    for sheet in SHEET_ORDER:
        lines.append(("", ""))
        lines.append((sheet, "h"))
        lines.extend((f"{c.header}: {c.doc}" + (" (required)" if c.required else ""), "")
                     for c in SHEETS[sheet])
    return lines


def _rows_for(cat: Catalog) -> dict[str, list[tuple]]:
    def joined(items: tuple[str, ...]) -> str | None:
        return ", ".join(items) or None

    return {
        "Catalog": [("name", cat.name or None), ("currency", cat.currency)],
        "Activities": [
            (a.id, a.title, joined(a.capabilities), a.level_from, a.level_to, a.modality,
             a.format, _plain(a.hours), _plain(a.cost), a.provider or None,
             "yes" if a.core else "no", joined(a.prerequisites), a.capacity)
            for a in cat.activities
        ],
        "Programs": [
            (p.id, p.title, joined(p.capabilities), p.pre_assessment, joined(p.core),
             joined(p.electives), p.post_assessment, p.capstone)
            for p in cat.programs
        ],
    }


def _validation(ws: Any, cells: str, prompt: str, **kwargs: Any) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True,
                        **kwargs)
    dv.error, dv.errorTitle = prompt, "Not allowed"
    dv.prompt, dv.promptTitle = prompt, "Allowed values"
    dv.add(cells)
    ws.add_data_validation(dv)


def _write_excel(cat: Catalog, path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from ldkit.io import atomic_path

    if Path(path).suffix.lower() != ".xlsx":
        raise UnsupportedFormatError(f"{path}: the workbook must have the extension .xlsx")
    wb = Workbook()
    readme_sheet(wb, _readme_lines())

    data = _rows_for(cat)
    last = max(SPARE_ROWS, *(len(rows) + 200 for rows in data.values()))
    letters: dict[tuple[str, str], str] = {}
    for sheet in SHEET_ORDER:
        spec = SHEETS[sheet]
        table_sheet(wb, sheet, [c.header for c in spec], data[sheet],
                    widths=[c.width for c in spec], wrap=[c.wrap for c in spec])
        for i, col in enumerate(spec, start=1):
            letters[sheet, col.key] = get_column_letter(i)

    def rng(sheet: str, key: str) -> str:
        letter = letters[sheet, key]
        return f"{letter}2:{letter}{last}"

    acts, progs = wb["Activities"], wb["Programs"]
    _validation(acts, rng("Activities", "modality"), "70-20-10 modality: "
                + ", ".join(MODALITIES), type="list", formula1=f'"{",".join(MODALITIES)}"')
    _validation(acts, rng("Activities", "format"), "One of the formats",
                type="list", formula1=f'"{",".join(FORMATS)}"')
    _validation(acts, rng("Activities", "core"), "yes for a core item, else no",
                type="list", formula1='"yes,no"')
    for key in ("level_from", "level_to"):
        _validation(acts, rng("Activities", key), "A level of the capability scale",
                    type="whole", operator="greaterThanOrEqual", formula1="0")
    _validation(acts, rng("Activities", "hours"), "Learner hours, more than 0",
                type="decimal", operator="greaterThan", formula1="0")
    _validation(acts, rng("Activities", "cost"), "Cost per learner, 0 or more",
                type="decimal", operator="greaterThanOrEqual", formula1="0")
    _validation(acts, rng("Activities", "capacity"), "Seats per cohort, 1 or more",
                type="whole", operator="greaterThanOrEqual", formula1="1")
    ids = f"Activities!$A$2:$A${last}"
    for key in ("pre_assessment", "post_assessment", "capstone"):
        _validation(progs, rng("Programs", key), "An Activity ID from sheet Activities",
                    type="list", formula1=ids)

    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


# -- files and starters ------------------------------------------------------------------

_FORMATS_BY_EXT = {".yaml": "yaml", ".yml": "yaml", ".xlsx": "excel"}
_PACKAGE = "ldkit.plans"
_FOLDER = "starter_catalogs"


def read_catalog(path: str | Path) -> Catalog:
    """Read a catalog from ``.yaml``/``.yml`` or ``.xlsx``, by extension.

    Raises
    ------
    ValidationError
        Listing every problem, each with its line and field or sheet, row and column.
    UnsupportedFormatError
        For another extension, or a workbook without an 'Activities' sheet.
    """
    from ldkit.io import suffix_of

    kind = suffix_of(path, _FORMATS_BY_EXT, what="learning catalog")
    return Catalog.from_yaml(path) if kind == "yaml" else Catalog.from_excel(path)


def write_catalog_template(path: str | Path) -> Path:
    """Write a blank catalog workbook: the documented sheets, headers and drop-downs."""
    return Catalog(activities=()).to_excel(path)


def starter_catalogs() -> list[str]:
    """Names of the starter catalogs shipped with ldkit, e.g. ``['pharma-commercial']``."""
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


def starter_catalog(name: str = "pharma-commercial") -> Catalog:
    """A starter catalog by name; it matches the starter capability model of that name.

    Examples
    --------
    >>> catalog = starter_catalog()
    >>> catalog.currency, len(catalog.programs) >= 2
    ('EUR', True)
    """
    check_choice("name", name, starter_catalogs(), func="starter_catalog")
    with resources.as_file(resources.files(_PACKAGE).joinpath(_FOLDER, f"{name}.yaml")) as p:
        return Catalog.from_yaml(p)
