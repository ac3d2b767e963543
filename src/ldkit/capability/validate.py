"""Validation of a capability model: every problem at once, each with its location.

Errors make a model unusable (unknown references, duplicate ids, levels
off the scale, missing indicators for some levels, empty names). Warnings
flag a draft: a capability without any behavioural indicator, a role that
requires nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ldkit.errors import Location, Problem

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability.model import CapabilityModel

__all__ = ["validate_model"]


def _where(entity: object, fallback: str) -> Location:
    src = getattr(entity, "source", None)
    return src if src is not None else Location(field=fallback)


def _check_id(kind: str, id: object, where: Location, out: list[Problem]) -> None:
    from ldkit.capability.model import ID_PATTERN

    if not isinstance(id, str) or not id.strip():
        out.append(Problem(f"{kind} has an empty id", where, "give every row an id"))
    elif not ID_PATTERN.match(id):
        suggestion = "_".join(id.lower().split()).replace(",", "")
        out.append(
            Problem(
                f"{kind} id '{id}' has spaces or punctuation",
                where,
                f"use letters, digits, '_', '-' or '.', e.g. '{suggestion}'",
            )
        )


def _check_name(kind: str, id: str, name: object, where: Location, out: list[Problem]) -> None:
    if not isinstance(name, str) or not name.strip():
        out.append(Problem(f"{kind} '{id}' has an empty name", where, "fill in its name"))


def _duplicates(kind: str, entities: tuple, path: str, out: list[Problem]) -> None:
    counts = Counter(e.id for e in entities)
    seen: set[str] = set()
    for i, e in enumerate(entities):
        if counts[e.id] > 1:
            if e.id in seen:
                out.append(
                    Problem(
                        f"duplicate {kind} id '{e.id}'",
                        _where(e, f"{path}[{i}]"),
                        "ids must be unique; rename or delete one of the rows",
                    )
                )
            seen.add(e.id)


def _options(values: list) -> str:
    shown = ", ".join(f"'{v}'" for v in values[:8])
    return shown + (", ..." if len(values) > 8 else "") if values else "none defined"


def validate_model(model: CapabilityModel) -> list[Problem]:
    """Return every problem of ``model``, errors and warnings, in reading order."""
    out: list[Problem] = []
    here = model.source or Location(field="model")
    _check_id("model", model.id, here, out)
    _check_name("model", model.id, model.name, here, out)

    # scales
    scales = {}
    if not model.scales:
        out.append(Problem("the model has no proficiency scale", here, "add a scale"))
    _duplicates("scale", model.scales, "scales", out)
    for i, s in enumerate(model.scales):
        where = _where(s, f"scales[{i}]")
        _check_id("scale", s.id, where, out)
        scales.setdefault(s.id, s)
        if not s.levels:
            out.append(Problem(f"scale '{s.id}' has no levels", where, "add at least two levels"))
            continue
        for value, n in Counter(s.values).items():
            if n > 1:
                out.append(Problem(f"scale '{s.id}' has level {value} {n} times", where,
                                   "each level value must appear once"))
        for label, n in Counter(lv.label.casefold() for lv in s.levels).items():
            if n > 1:
                out.append(Problem(f"scale '{s.id}' has the label '{label}' {n} times", where,
                                   "each level needs its own label"))
        for lv in s.levels:
            if not str(lv.label).strip():
                out.append(Problem(f"scale '{s.id}' level {lv.value} has an empty label", where,
                                   "fill in the label"))
        if s.proficient is not None and s.proficient not in s.values:
            out.append(Problem(f"scale '{s.id}': proficient level {s.proficient} is not a level",
                               where, f"use one of {s.values}"))
    if model.scales and model.default_scale not in scales:
        out.append(Problem(f"default scale '{model.default_scale}' is not defined", here,
                           f"use one of {_options(list(scales))}"))

    # domains
    _duplicates("domain", model.domains, "domains", out)
    domain_ids = {d.id for d in model.domains}
    for i, d in enumerate(model.domains):
        where = _where(d, f"domains[{i}]")
        _check_id("domain", d.id, where, out)
        _check_name("domain", d.id, d.name, where, out)

    # capabilities
    _duplicates("capability", model.capabilities, "capabilities", out)
    cap_scale = {}
    for i, c in enumerate(model.capabilities):
        path = f"capabilities[{i}]"
        where = _where(c, path)
        _check_id("capability", c.id, where, out)
        _check_name("capability", c.id, c.name, where, out)
        if c.domain not in domain_ids:
            out.append(Problem(f"capability '{c.id}' is in unknown domain '{c.domain}'", where,
                               f"use a domain id: {_options(sorted(domain_ids))}"))
        scale = scales.get(c.scale if c.scale is not None else model.default_scale)
        if c.scale is not None and c.scale not in scales:
            out.append(Problem(f"capability '{c.id}' uses unknown scale '{c.scale}'", where,
                               f"use a scale id: {_options(list(scales))}, or leave it blank"))
        cap_scale.setdefault(c.id, scale)
        if scale is None or not scale.levels:
            continue
        if not c.indicators:
            out.append(Problem(f"capability '{c.id}' has no behavioural indicators", where,
                               "add one observable behaviour per level", severity="warning"))
            continue
        for lv in scale.levels:
            text = c.indicators.get(lv.value)
            if text is None:
                out.append(Problem(
                    f"capability '{c.id}' has no indicator for level {lv.value} '{lv.label}'",
                    where, "add one observable behaviour for every level of its scale"))
            elif not str(text).strip():
                out.append(Problem(
                    f"capability '{c.id}' has an empty indicator for level {lv.value}",
                    c.indicator_sources.get(lv.value, where), "write the behaviour"))
        for value in c.indicators:
            if value not in scale.values:
                out.append(Problem(
                    f"capability '{c.id}' has an indicator for level {value}, "
                    f"which is not on scale '{scale.id}'",
                    c.indicator_sources.get(value, where), f"use one of {scale.values}"))

    # roles
    _duplicates("role", model.roles, "roles", out)
    for i, r in enumerate(model.roles):
        path = f"roles[{i}]"
        where = _where(r, path)
        _check_id("role", r.id, where, out)
        _check_name("role", r.id, r.name, where, out)
        if not r.requirements:
            out.append(Problem(f"role '{r.id}' requires no capability", where,
                               "add its requirements", severity="warning"))
        counts = Counter(q.capability for q in r.requirements)
        seen: set[str] = set()
        for j, q in enumerate(r.requirements):
            qwhere = _where(q, f"{path}.requires[{j}]")
            if counts[q.capability] > 1 and q.capability in seen:
                out.append(Problem(
                    f"role '{r.id}' requires capability '{q.capability}' more than once",
                    qwhere, "keep one row per role and capability"))
            seen.add(q.capability)
            if q.capability not in cap_scale:
                out.append(Problem(
                    f"role '{r.id}' requires unknown capability '{q.capability}'", qwhere,
                    f"use a capability id: {_options(list(cap_scale))}"))
                continue
            scale = cap_scale[q.capability]
            if scale is not None and scale.levels and q.level not in scale.values:
                out.append(Problem(
                    f"role '{r.id}' requires level {q.level} of '{q.capability}', "
                    f"outside scale '{scale.id}'", qwhere, f"use one of {scale.values}"))
            if not isinstance(q.weight, int | float) or q.weight != q.weight or q.weight < 0:
                out.append(Problem(
                    f"role '{r.id}' has weight {q.weight!r} for '{q.capability}'", qwhere,
                    "weights are numbers >= 0, e.g. 1 useful, 2 important, 3 critical"))
    return out
