"""Read a learning strategy (goal register, program portfolio, RACI) from STRATEGY.yaml.

Layout (keys not listed are errors; ``#`` starts a comment)::

    name: Demo Bio learning strategy 2026
    currency: EUR                 # ISO 4217 code, default EUR
    hourly_rate: 85               # internal cost of one hour of the learning team;
                                  # spend = hours x hourly_rate + cost (default 0)
    organizational_goals:
      - id: launch-readiness      # letters, digits, '_', '-' or '.'
        title: Field force ready for the 2026 oncology launch
        sponsor: Chief Commercial Officer      # who commits resources (a job title)
        owner: Head of Oncology Sales          # who acts
        metric: share of launch field force certified
        unit: share               # optional
        baseline: 0.0             # optional for the register; the SMART check reports it
        target: 0.95
        direction: increase       # increase (default) | decrease
        due: 2026-09-30
    learning_goals:               # same keys, plus:
      - id: lg-launch-certification
        aligned_to: [launch-readiness]         # ids of organizational goals
        ...
    programs:
      - id: launch-academy
        title: Oncology launch academy
        goals: [lg-launch-certification]       # ids of goals it serves
        audience: Oncology field force
        owner: Digital Learning Project Manager
        expected_participants: 120             # who should complete by 'due'
        expected_application_rate: 0.7         # share of completers applying it, 0-1
        budget: 180000                         # in 'currency'
        effort_hours: 900                      # planned hours of the learning team
        start: 2026-01-05
        due: 2026-06-30
        lms_courses: [LA-2026]                 # LMS course ids/titles that count (besides
                                               # the program id and title)
        milestones:
          - {name: Design signed off, due: 2026-02-13, done: 2026-02-10}  # done: optional
    raci:                         # optional; default ldkit.strategy.raci.default_raci()
      roles: {lms_administrator: LMS Administrator, ...}   # optional; default the roles
                                  # of the starter capability model 'digital-learning'
      activities:
        - id: needs_analysis
          name: Needs analysis    # optional for the activities ldkit knows
          assign: {digital_learning_strategist: A, performance_consultant: R}

Reading reports every problem at once (:class:`ldkit.errors.ValidationError`),
each with its line in the file and the field (``programs[2].due``): a
learning goal aligned to an unknown organizational goal, a program serving an
unknown goal, duplicate ids, a due date before the start, a rate outside
[0, 1], a RACI cell that is not R, A, C or I, an unknown role. Missing
sponsor, metric, baseline, target or due date of a goal are *not* read
errors: the SMART check reports them.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "strategy.yaml").write_text('''
... organizational_goals:
...   - {id: launch, title: Launch ready, sponsor: CCO, owner: Sales head,
...      metric: share certified, baseline: 0, target: 0.9, due: 2026-09-30}
... learning_goals:
...   - {id: lg-cert, title: Certify, aligned_to: [lanch]}
... programs: []
... ''')
>>> read_strategy(folder / "strategy.yaml")
Traceback (most recent call last):
...
ldkit.errors.ValidationError: 1 problem in strategy ...strategy.yaml; first: ...strategy.yaml, line 6, field 'learning_goals[0].aligned_to': aligned to unknown organizational goal 'lanch' (did you mean 'launch'?)
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ldkit.errors import InputError, Location, Problem, ValidationError
from ldkit.io import id_list
from ldkit.strategy.goals import DIRECTIONS, Goal
from ldkit.strategy.portfolio import Milestone, Program, Strategy
from ldkit.strategy.raci import ACTIVITIES, Raci, default_raci, parse_cell

__all__ = ["read_strategy", "strategy_from_dict"]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
ROOT_KEYS = ("name", "currency", "hourly_rate", "organizational_goals", "learning_goals",
             "programs", "raci")
GOAL_KEYS = ("id", "title", "sponsor", "owner", "metric", "unit", "baseline", "target",
             "direction", "due", "aligned_to")
PROGRAM_KEYS = ("id", "title", "goals", "audience", "owner", "expected_participants",
                "expected_application_rate", "budget", "effort_hours", "start", "due",
                "lms_courses", "milestones")
MILESTONE_KEYS = ("name", "due", "done")
RACI_KEYS = ("roles", "activities")
ACTIVITY_KEYS = ("id", "name", "assign")


def _suggest(name: Any, options: Iterable[str], fallback: str) -> str:
    close = difflib.get_close_matches(str(name), list(options), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return fallback


def _options(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class _Reader:
    """Turns the YAML dictionaries into entities, collecting located problems."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.seen: dict[tuple[str, str], Location] = {}  # (path, key) -> where it was read

    def add(self, message: str, where: Location, hint: str | None = None) -> None:
        self.problems.append(Problem(message, where, hint))

    def loc(self, node: Any, path: str) -> Location:
        return Location(file=self.file, field=path, line=getattr(node, "line", None))

    def key_loc(self, node: Any, path: str, key: str) -> Location:
        line = getattr(node, "key_lines", {}).get(key, getattr(node, "line", None))
        where = Location(file=self.file, field=f"{path}.{key}" if path else key, line=line)
        self.seen[(path, key)] = where
        return where

    def mapping(self, node: Any, what: str, path: str) -> bool:
        if not isinstance(node, Mapping):
            self.add(f"expected {what} (key: value lines), got {node!r}",
                     Location(file=self.file, field=path))
            return False
        return True

    def unknown_keys(self, node: Mapping, allowed: tuple[str, ...], path: str) -> None:
        for key in node:
            if key not in allowed:
                self.add(f"unknown key '{key}'", self.key_loc(node, path, str(key)),
                         _suggest(key, allowed, f"use one of {_options(allowed)}"))

    def items(self, node: Mapping, key: str, path: str = "") -> list:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(f"'{key}' must be a list (items starting with '- ')",
                     self.key_loc(node, path, key))
            return []
        return value

    def text(self, node: Mapping, key: str, path: str) -> str:
        raw = node.get(key)
        if raw is None:
            return ""
        if isinstance(raw, Mapping | list):
            self.add(f"'{key}' must be text", self.key_loc(node, path, key))
            return ""
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw).strip()

    def ids(self, node: Mapping, key: str, path: str) -> tuple[str, ...]:
        ids = id_list(node.get(key))
        if ids is None:
            self.add(f"'{key}' must be a list of ids", self.key_loc(node, path, key),
                     "write e.g. [a, b]")
            return ()
        return ids

    def number(self, node: Mapping, key: str, path: str, *, low: float | None = None,
               high: float | None = None, hint: str = "type a number") -> float | None:
        raw = node.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        value = None
        if not isinstance(raw, bool):
            try:
                value = float(raw)
            except (TypeError, ValueError):
                value = None
        if value is None or not math.isfinite(value):
            self.add(f"'{key}' must be a number, got {raw!r}", self.key_loc(node, path, key),
                     hint)
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            lo = "-inf" if low is None else f"{low:g}"
            hi = "inf" if high is None else f"{high:g}"
            self.add(f"'{key}' must be in [{lo}, {hi}], got {raw!r}",
                     self.key_loc(node, path, key), hint)
            return None
        return value

    def date(self, node: Mapping, key: str, path: str, *, required: bool) -> dt.date | None:
        raw = node.get(key)
        where = self.key_loc(node, path, key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.add(f"'{key}' is missing", where, "write a date as YYYY-MM-DD")
            return None
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            self.add(f"'{key}' is not a date, got {raw!r}", where, "write a date as YYYY-MM-DD")
            return None

    def check_id(self, kind: str, id: str, where: Location) -> None:
        if not id:
            self.add(f"{kind} has no id", where, "give it an id such as 'launch-readiness'")
        elif not ID_PATTERN.match(id):
            fixed = re.sub(r"[^A-Za-z0-9_.\-]+", "-", id).strip("-").lower()
            self.add(f"{kind} id '{id}' has spaces or punctuation", where,
                     f"use letters, digits, '_', '-' or '.', e.g. '{fixed}'")

    def goal(self, node: Any, level: str, path: str) -> Goal | None:
        if not self.mapping(node, "a goal", path):
            return None
        self.unknown_keys(node, GOAL_KEYS, path)
        if level == "organizational" and node.get("aligned_to"):
            self.add("only learning goals are aligned to organizational goals",
                     self.key_loc(node, path, "aligned_to"),
                     "move the goal to 'learning_goals' or remove 'aligned_to'")
        for key in GOAL_KEYS:
            self.key_loc(node, path, key)
        direction = self.text(node, "direction", path) or "increase"
        if direction not in DIRECTIONS:
            self.add(f"'direction' must be increase or decrease, got {direction!r}",
                     self.key_loc(node, path, "direction"))
            direction = "increase"
        gid = self.text(node, "id", path)
        self.check_id("goal", gid, self.key_loc(node, path, "id"))
        return Goal(
            id=gid, title=self.text(node, "title", path), level=level,
            sponsor=self.text(node, "sponsor", path), owner=self.text(node, "owner", path),
            metric=self.text(node, "metric", path), unit=self.text(node, "unit", path),
            baseline=self.number(node, "baseline", path),
            target=self.number(node, "target", path), direction=direction,
            due=self.date(node, "due", path, required=False),
            aligned_to=self.ids(node, "aligned_to", path) if level == "learning" else (),
            source=self.loc(node, path),
        )

    def milestone(self, node: Any, path: str) -> Milestone | None:
        if not self.mapping(node, "a milestone", path):
            return None
        self.unknown_keys(node, MILESTONE_KEYS, path)
        name = self.text(node, "name", path)
        if not name:
            self.add("milestone has no name", self.loc(node, path))
        due = self.date(node, "due", path, required=True)
        done = self.date(node, "done", path, required=False)
        if due is None:
            return None
        return Milestone(name, due, done)

    def program(self, node: Any, path: str) -> Program | None:
        if not self.mapping(node, "a program", path):
            return None
        self.unknown_keys(node, PROGRAM_KEYS, path)
        for key in PROGRAM_KEYS:
            self.key_loc(node, path, key)
        pid = self.text(node, "id", path)
        self.check_id("program", pid, self.key_loc(node, path, "id"))
        start = self.date(node, "start", path, required=True)
        due = self.date(node, "due", path, required=True)
        if start and due and due < start:
            self.add(f"due date {due} is before the start {start}",
                     self.key_loc(node, path, "due"), "swap them or correct one")
            due = None
        participants = self.number(node, "expected_participants", path, low=0,
                                   hint="type a whole number of people, e.g. 120")
        if participants is not None and not participants.is_integer():
            self.add(f"'expected_participants' must be a whole number, got {participants:g}",
                     self.key_loc(node, path, "expected_participants"))
        rate = self.number(node, "expected_application_rate", path, low=0, high=1,
                           hint="a share between 0 and 1: write 0.7 for 70%")
        budget = self.number(node, "budget", path, low=0)
        effort = self.number(node, "effort_hours", path, low=0)
        milestones = [self.milestone(m, f"{path}.milestones[{j}]")
                      for j, m in enumerate(self.items(node, "milestones", path))]
        if start is None or due is None:  # a problem is recorded; keep it for the other checks
            start = due = start or due or dt.date(1970, 1, 1)
        return Program(
            pid, self.text(node, "title", path), start, due,
            goals=self.ids(node, "goals", path), audience=self.text(node, "audience", path),
            expected_participants=int(participants or 0),
            expected_application_rate=rate or 0.0, budget=budget or 0.0,
            effort_hours=effort or 0.0, owner=self.text(node, "owner", path),
            lms_courses=self.ids(node, "lms_courses", path),
            milestones=tuple(m for m in milestones if m is not None),
            source=self.loc(node, path),
        )

    def raci(self, node: Any) -> Raci | None:
        if node is None:
            return default_raci()
        if not self.mapping(node, "the RACI (roles: and activities:)", "raci"):
            return None
        self.unknown_keys(node, RACI_KEYS, "raci")
        roles_node = node.get("roles")
        if roles_node is None:
            from ldkit.capability import starter

            roles = {r.id: r.name for r in starter("digital-learning").roles}
        elif isinstance(roles_node, Mapping):
            roles = {str(k): str(v or k) for k, v in roles_node.items()}
        elif isinstance(roles_node, list):
            roles = {str(k): str(k) for k in roles_node}
        else:
            self.add("'roles' must map role id to name", self.key_loc(node, "raci", "roles"))
            return None
        activities: dict[str, str] = {}
        assignments: dict[str, dict[str, str]] = {}
        for j, act in enumerate(self.items(node, "activities", "raci")):
            path = f"raci.activities[{j}]"
            if not self.mapping(act, "an activity", path):
                continue
            self.unknown_keys(act, ACTIVITY_KEYS, path)
            aid = self.text(act, "id", path)
            self.check_id("activity", aid, self.key_loc(act, path, "id"))
            if aid in activities:
                self.add(f"duplicate activity id '{aid}'", self.key_loc(act, path, "id"))
            activities[aid] = self.text(act, "name", path) or ACTIVITIES.get(aid, aid)
            cells = act.get("assign") or {}
            if not isinstance(cells, Mapping):
                self.add("'assign' must map role id to letters",
                         self.key_loc(act, path, "assign"), "e.g. {lms_administrator: A/R}")
                continue
            assignments[aid] = {}
            for role, letters in cells.items():
                where = self.key_loc(cells, f"{path}.assign", str(role))
                if role not in roles:
                    self.add(f"unknown role '{role}'", where,
                             _suggest(role, roles, f"use one of {_options(roles)}"))
                    continue
                cell = parse_cell(letters)
                if cell is None:
                    self.add(f"'{letters}' is not a RACI cell", where,
                             "use R, A, C or I (several as A/R)")
                    continue
                assignments[aid][str(role)] = cell
        if not activities:
            self.add("the RACI has no activities", self.key_loc(node, "raci", "activities"),
                     "list them, or remove 'raci' to use the default")
            return None
        return Raci.from_assignments(assignments, roles=roles, activities=activities)


def _check_references(rd: _Reader, goals: list[Goal], programs: list[Program]) -> None:
    org = [g.id for g in goals if g.level == "organizational"]
    all_ids = [g.id for g in goals]
    for kind, ids, wheres in (
        ("goal", all_ids, [g.source for g in goals]),
        ("program", [p.id for p in programs], [p.source for p in programs]),
    ):
        counts = Counter(ids)
        seen: set[str] = set()
        for id, where in zip(ids, wheres, strict=True):
            if id and counts[id] > 1:
                if id in seen:
                    rd.add(f"duplicate {kind} id '{id}'", where or Location(file=rd.file),
                           "ids must be unique; rename or delete one")
                seen.add(id)
    for g in goals:
        for target in g.aligned_to:
            if target not in org:
                hint = _suggest(target, org, f"use an organizational goal id: {_options(org)}"
                                if org else "add the goal under 'organizational_goals'")
                message = (f"aligned to '{target}', a learning goal, not an organizational goal"
                           if target in all_ids else
                           f"aligned to unknown organizational goal '{target}'")
                rd.add(message, _field(rd, g.source, "aligned_to"), hint)
    for p in programs:
        for target in p.goals:
            if target not in all_ids:
                rd.add(f"serves unknown goal '{target}'", _field(rd, p.source, "goals"),
                       _suggest(target, all_ids, f"use a goal id: {_options(all_ids)}"))


def _field(rd: _Reader, src: Location | None, key: str) -> Location:
    """Where ``key`` of the entity read at ``src`` is (its own line when known)."""
    if src is None:
        return Location(file=rd.file, field=key)
    return rd.seen.get((src.field or "", key)) or src.with_(
        field=f"{src.field}.{key}" if src.field else key)


def strategy_from_dict(data: Any, *, file: str | None = None) -> Strategy:
    """Build a :class:`Strategy` from the dictionary layout (see the module docstring).

    Raises
    ------
    ValidationError
        Every problem at once, each with its field (and line, from YAML).
    """
    if not isinstance(data, Mapping):
        raise InputError("does not hold a learning strategy (expected 'organizational_goals:', "
                         "'learning_goals:' and 'programs:')", location=Location(file=file),
                         hint="see the layout in the ldkit.strategy.io docstring")
    rd = _Reader(file)
    rd.unknown_keys(data, ROOT_KEYS, "")
    goals = [rd.goal(n, "organizational", f"organizational_goals[{i}]")
             for i, n in enumerate(rd.items(data, "organizational_goals"))]
    goals += [rd.goal(n, "learning", f"learning_goals[{i}]")
              for i, n in enumerate(rd.items(data, "learning_goals"))]
    programs = [rd.program(n, f"programs[{i}]") for i, n in enumerate(rd.items(data, "programs"))]
    kept_goals = [g for g in goals if g is not None]
    kept_programs = [p for p in programs if p is not None]
    _check_references(rd, kept_goals, kept_programs)
    currency = rd.text(data, "currency", "") or "EUR"
    if not CURRENCY_PATTERN.match(currency):
        rd.add(f"'currency' must be a three-letter ISO 4217 code, got {currency!r}",
               rd.key_loc(data, "", "currency"), "e.g. EUR, USD, CHF")
    rate = rd.number(data, "hourly_rate", "", low=0)
    raci = rd.raci(data.get("raci"))
    if rd.problems:
        what = f"strategy {file}" if file else "strategy"
        raise ValidationError(sorted(rd.problems, key=lambda p: (p.location.line or 0)
                                     if p.location else 0), what=what)
    return Strategy(
        name=rd.text(data, "name", ""), goals=tuple(kept_goals), programs=tuple(kept_programs),
        raci=raci, currency=currency, hourly_rate=rate or 0.0,
        source=Location(file=file) if file else None,
    )


def read_strategy(path: str | Path) -> Strategy:
    """Read STRATEGY.yaml (see the module docstring for the layout).

    Parameters
    ----------
    path : str or Path
        A ``.yaml`` or ``.yml`` file.

    Returns
    -------
    Strategy

    Raises
    ------
    InputFileNotFoundError
        If the file does not exist.
    InputError
        If it is not YAML (with the line).
    ValidationError
        Every problem of content at once, with lines and fields.
    """
    from ldkit.io import suffix_of
    from ldkit.yamlio import load_yaml

    suffix_of(path, {".yaml": "yaml", ".yml": "yaml"}, what="strategy")
    return strategy_from_dict(load_yaml(path), file=str(path))
