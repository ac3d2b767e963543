"""Building a capability model from a tidy requirements table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ldkit.capability.model import (
    STANDARD_SCALE,
    Capability,
    CapabilityModel,
    Domain,
    Requirement,
    Role,
    Scale,
    _as_int,
)
from ldkit.errors import InputError, Location, Problem, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["model_from_requirements"]

REQUIRED = ("role", "capability", "required_level")


def model_from_requirements(
    requirements: pd.DataFrame,
    *,
    id: str = "model",
    name: str | None = None,
    scale: Scale | None = None,
) -> CapabilityModel:
    """Build a draft model (no indicators) from one row per role and capability.

    See :meth:`CapabilityModel.from_requirements`. Rows are numbered from 1 in
    error locations, in the order of the table.
    """
    import pandas as pd

    if not isinstance(requirements, pd.DataFrame):
        raise InputError(
            f"requirements must be a pandas DataFrame, got {type(requirements).__name__}")
    missing = [c for c in REQUIRED if c not in requirements.columns]
    if missing:
        raise InputError(f"the requirements table has no column {missing[0]!r}",
                         location=Location(field="requirements", column=missing[0]),
                         hint=f"columns needed: {', '.join(REQUIRED)}")
    scale = scale or STANDARD_SCALE
    df = requirements.reset_index(drop=True)
    problems: list[Problem] = []
    domains: dict[str, Domain] = {}
    caps: dict[str, Capability] = {}
    roles: dict[str, dict] = {}

    def get(row: pd.Series, col: str, default: object = "") -> object:
        value = row.get(col, default)
        return default if value is None or (isinstance(value, float) and value != value) else value

    for i, row in df.iterrows():
        where = Location(field="requirements", row=int(i) + 1)
        role_id, cap_id = str(get(row, "role")).strip(), str(get(row, "capability")).strip()
        dom_id = str(get(row, "domain", "general")).strip() or "general"
        level = _as_int(get(row, "required_level", None))
        if level is None:
            level = scale.value_of(get(row, "required_level", None))
        if level is None:
            problems.append(Problem(
                f"required_level {get(row, 'required_level', None)!r} is not a level",
                where.with_(column="required_level"), f"use one of {scale.values}"))
            continue
        try:
            weight = float(get(row, "weight", 1.0))
        except (TypeError, ValueError):
            problems.append(Problem(f"weight {get(row, 'weight')!r} is not a number",
                                    where.with_(column="weight")))
            continue
        domains.setdefault(dom_id, Domain(dom_id, str(get(row, "domain_name", "")) or
                                          dom_id.replace("_", " ").capitalize(), source=where))
        caps.setdefault(cap_id, Capability(
            cap_id, str(get(row, "capability_name", "")) or cap_id.replace("_", " ").capitalize(),
            dom_id, source=where))
        role = roles.setdefault(role_id, {
            "name": str(get(row, "role_name", "")) or role_id,
            "family": str(get(row, "family", "")), "reqs": [], "where": where})
        role["reqs"].append(Requirement(cap_id, level, weight, source=where))
    if problems:
        raise ValidationError(problems, what="the requirements table")
    model = CapabilityModel(
        id=id, name=name or id, scales=(scale,), default_scale=scale.id,
        domains=tuple(domains.values()), capabilities=tuple(caps.values()),
        roles=tuple(Role(rid, x["name"], x["family"], "", tuple(x["reqs"]), source=x["where"])
                    for rid, x in roles.items()),
        validate=False,
    )
    return model.check()
