"""Capability model <-> YAML (and the dictionary layout behind it).

Layout (see README, 'Capability model YAML')::

    id: pharma-commercial
    name: Pharma commercial field force
    version: "1.0"
    description: ...
    default_scale: proficiency4
    scales:
      - {id: proficiency4, name: ..., proficient: 3,
         levels: [{value: 1, label: Foundational, description: ...}, ...]}
    domains:
      - {id: customer, name: Customer engagement, description: ...}
    capabilities:
      - id: account_planning
        name: Account planning
        domain: business
        scale: proficiency4          # optional, default scale if absent
        definition: ...
        indicators: {1: ..., 2: ..., 3: ..., 4: ...}
    roles:
      - id: key_account_manager
        name: Key Account Manager
        family: Commercial
        description: ...
        requires:
          account_planning: {level: 4, weight: 3}   # or just: account_planning: 4

Reading reports every problem at once, with its line in the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ldkit.capability.model import (
    Capability,
    CapabilityModel,
    Domain,
    Level,
    Requirement,
    Role,
    Scale,
    _as_int,
)
from ldkit.errors import InputError, Location, Problem, ValidationError
from ldkit.yamlio import (
    is_number,
    is_whole,
    load_yaml,  # re-exported: the one YAML loader
)

__all__ = ["model_from_dict", "model_to_dict", "read_yaml", "write_yaml"]


class _Reader:
    """Turns the dictionary layout into entities, collecting problems with locations."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def loc(self, node: Any, path: str) -> Location:
        return Location(file=self.file, field=path, line=getattr(node, "line", None))

    def text(self, node: Mapping, key: str, path: str) -> str:
        value = node.get(key)
        if value is None:
            return ""
        if isinstance(value, Mapping | list):
            self.problems.append(Problem(f"'{key}' must be text", self.loc(node, f"{path}.{key}")))
            return ""
        return str(value).strip()

    def items(self, node: Any, key: str, path: str) -> list:
        value = node.get(key) if isinstance(node, Mapping) else None
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(Problem(f"'{key}' must be a list (items starting with '- ')",
                                         self.loc(node, f"{path}{key}")))
            return []
        return value

    def mapping(self, node: Any, path: str) -> bool:
        if not isinstance(node, Mapping):
            self.problems.append(Problem(f"expected a mapping (key: value lines), got {node!r}",
                                         Location(file=self.file, field=path)))
            return False
        return True

    def integer(self, raw: Any, what: str, where: Location) -> int | None:
        """A whole number as written: true, 4.0 and "4" are errors (strict scalars)."""
        value = _as_int(raw) if is_whole(raw) else None
        if value is None:
            self.problems.append(Problem(f"{what} must be a whole number, got {raw!r}", where,
                                         "write e.g. 3, without quotes"))
        return value

    def number(self, raw: Any, what: str, where: Location) -> float | None:
        """A finite number as written: true, "2" and .nan are errors (strict scalars)."""
        if not is_number(raw):
            self.problems.append(Problem(f"{what} must be a number, got {raw!r}", where,
                                         "write e.g. 2, without quotes"))
            return None
        return float(raw)

    def scale(self, node: Any, path: str) -> Scale | None:
        if not self.mapping(node, path):
            return None
        where = self.loc(node, path)
        levels = []
        for j, lv in enumerate(self.items(node, "levels", path + ".")):
            lpath = f"{path}.levels[{j}]"
            if not self.mapping(lv, lpath):
                continue
            value = self.integer(lv.get("value"), "level value", self.loc(lv, lpath))
            if value is not None:
                levels.append(Level(value, self.text(lv, "label", lpath),
                                    self.text(lv, "description", lpath)))
        proficient = node.get("proficient")
        if proficient is not None:
            proficient = self.integer(proficient, "proficient", where)
        sid = self.text(node, "id", path)
        return Scale(sid, self.text(node, "name", path) or sid, tuple(levels), proficient,
                     source=where)

    def capability(self, node: Any, path: str) -> Capability | None:
        if not self.mapping(node, path):
            return None
        where = self.loc(node, path)
        indicators: dict[int, str] = {}
        sources: dict[int, Location] = {}
        raw = node.get("indicators") or {}
        if isinstance(raw, list):  # a list in level order is accepted too
            raw = {i: text for i, text in enumerate(raw, start=1)}
        if not isinstance(raw, Mapping):
            self.problems.append(Problem("'indicators' must map level to behaviour",
                                         self.loc(node, path + ".indicators")))
            raw = {}
        iwhere = self.loc(raw, path + ".indicators") if raw else where
        for key, text in raw.items():
            level = self.integer(key, "indicator level", iwhere)
            if level is not None:
                indicators[level] = "" if text is None else str(text).strip()
                sources[level] = iwhere.with_(
                    field=f"{path}.indicators.{key}",
                    line=getattr(raw, "key_lines", {}).get(key, iwhere.line))
        return Capability(
            id=self.text(node, "id", path),
            name=self.text(node, "name", path),
            domain=self.text(node, "domain", path),
            definition=self.text(node, "definition", path),
            indicators=indicators,
            scale=self.text(node, "scale", path) or None,
            source=where,
            indicator_sources=sources,
        )

    def role(self, node: Any, path: str) -> Role | None:
        if not self.mapping(node, path):
            return None
        reqs = []
        raw = node.get("requires") or {}
        if not isinstance(raw, Mapping):
            self.problems.append(Problem("'requires' must map capability id to level",
                                         self.loc(node, path + ".requires")))
            raw = {}
        rwhere = self.loc(raw, path + ".requires") if raw else self.loc(node, path)
        for cap, spec in raw.items():
            qwhere = rwhere.with_(field=f"{path}.requires.{cap}",
                                  line=getattr(raw, "key_lines", {}).get(cap, rwhere.line))
            if isinstance(spec, Mapping):
                level_raw, weight_raw = spec.get("level"), spec.get("weight", 1)
                qwhere = self.loc(spec, f"{path}.requires.{cap}")
            else:
                level_raw, weight_raw = spec, 1
            level = self.integer(level_raw, f"required level of '{cap}'", qwhere)
            weight = self.number(weight_raw, f"weight of '{cap}'", qwhere)
            if level is not None and weight is not None:
                reqs.append(Requirement(str(cap), level, weight, source=qwhere))
        return Role(
            id=self.text(node, "id", path),
            name=self.text(node, "name", path),
            family=self.text(node, "family", path),
            description=self.text(node, "description", path),
            requirements=tuple(reqs),
            source=self.loc(node, path),
        )


def model_from_dict(data: Any, *, file: str | None = None) -> CapabilityModel:
    """Build a model from the dictionary layout; raise ValidationError with every problem."""
    reader = _Reader(file)
    if not isinstance(data, Mapping):
        raise InputError("does not hold a capability model (expected 'id:', 'name:', ...)",
                         location=Location(file=file))
    root = reader.loc(data, "model")
    scales = [reader.scale(n, f"scales[{i}]")
              for i, n in enumerate(reader.items(data, "scales", ""))]
    domains = []
    for i, n in enumerate(reader.items(data, "domains", "")):
        path = f"domains[{i}]"
        if reader.mapping(n, path):
            domains.append(Domain(reader.text(n, "id", path),
                                  reader.text(n, "name", path),
                                  reader.text(n, "description", path), source=reader.loc(n, path)))
    caps = [reader.capability(n, f"capabilities[{i}]")
            for i, n in enumerate(reader.items(data, "capabilities", ""))]
    roles = [reader.role(n, f"roles[{i}]") for i, n in enumerate(reader.items(data, "roles", ""))]
    version = data.get("version")
    model = CapabilityModel(
        id=reader.text(data, "id", "model"),
        name=reader.text(data, "name", "model"),
        version="" if version is None else str(version),
        description=reader.text(data, "description", "model"),
        scales=tuple(s for s in scales if s is not None) or CapabilityModel.scales,
        default_scale=reader.text(data, "default_scale", "model") or None,
        domains=tuple(domains),
        capabilities=tuple(c for c in caps if c is not None),
        roles=tuple(r for r in roles if r is not None),
        source=root,
        validate=False,
    )
    return finish(model, reader.problems)


def finish(model: CapabilityModel, parse_problems: list[Problem], *,
           sheet_order: list[str] | None = None) -> CapabilityModel:
    """Raise ValidationError with parse and model errors, in reading order; else return
    the model."""
    problems = parse_problems + [p for p in model.problems() if p.severity == "error"]
    if problems:
        order = {name: i for i, name in enumerate(sheet_order or [])}

        def key(p: Problem) -> tuple:
            loc = p.location or Location()
            return (order.get(loc.sheet or "", len(order)), loc.row or loc.line or 0)

        problems.sort(key=key)
        where = model.source.file if model.source and model.source.file else f"'{model.id}'"
        raise ValidationError(problems, what=f"capability model {where}")
    return model


def read_yaml(path: str | Path) -> CapabilityModel:
    """Read a capability model from a YAML file."""
    return model_from_dict(load_yaml(path), file=str(path))


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def model_to_dict(model: CapabilityModel) -> dict[str, Any]:
    """The dictionary layout of a model (what ``to_yaml`` writes)."""
    return {
        "id": model.id,
        "name": model.name,
        "version": model.version,
        "description": model.description,
        "default_scale": model.default_scale,
        "scales": [
            {
                "id": s.id,
                "name": s.name,
                "proficient": s.proficient,
                "levels": [
                    {"value": lv.value, "label": lv.label, "description": lv.description}
                    for lv in s.levels
                ],
            }
            for s in model.scales
        ],
        "domains": [{"id": d.id, "name": d.name, "description": d.description}
                    for d in model.domains],
        "capabilities": [
            {
                "id": c.id,
                "name": c.name,
                "domain": c.domain,
                **({"scale": c.scale} if c.scale else {}),
                "definition": c.definition,
                "indicators": {k: c.indicators[k] for k in sorted(c.indicators)},
            }
            for c in model.capabilities
        ],
        "roles": [
            {
                "id": r.id,
                "name": r.name,
                "family": r.family,
                "description": r.description,
                "requires": {q.capability: {"level": q.level, "weight": _number(q.weight)}
                             for q in r.requirements},
            }
            for r in model.roles
        ],
    }


def write_yaml(model: CapabilityModel, path: str | Path) -> Path:
    """Write a model as YAML (UTF-8), atomically."""
    from ldkit.io import atomic_write_text

    text = yaml.safe_dump(model_to_dict(model), sort_keys=False, allow_unicode=True, width=100)
    return atomic_write_text(path, text)
