"""Tabular views of a capability model: requirements, matrix, catalogues, diff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ldkit.capability.model import entity_fields

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability.model import CapabilityModel

__all__ = [
    "capabilities_table",
    "diff_models",
    "indicators_table",
    "requirements_matrix",
    "requirements_table",
]

REQUIREMENT_COLUMNS = [
    "role", "role_name", "family", "capability", "capability_name", "domain",
    "domain_name", "scale", "required_level", "required_label", "weight",
]


def requirements_table(model: CapabilityModel) -> pd.DataFrame:
    """One row per role and required capability (see ``CapabilityModel.requirements``)."""
    caps = {c.id: c for c in model.capabilities}
    domains = {d.id: d.name for d in model.domains}
    rows = []
    for r in model.roles:
        for q in r.requirements:
            c = caps[q.capability]
            scale = model.scale(c.scale)
            rows.append((r.id, r.name, r.family, c.id, c.name, c.domain,
                         domains.get(c.domain, c.domain), scale.id, q.level,
                         scale.label(q.level), float(q.weight)))
    df = pd.DataFrame(rows, columns=REQUIREMENT_COLUMNS)
    return df.astype({"required_level": "int64", "weight": "float64"})


def _capability_order(model: CapabilityModel) -> list[str]:
    """Capabilities grouped by domain, in the model's domain order."""
    order = {d: i for i, d in enumerate(model.domain_ids)}
    ranked = sorted(enumerate(model.capabilities),
                    key=lambda ic: (order.get(ic[1].domain, len(order)), ic[0]))
    return [c.id for _, c in ranked]


def requirements_matrix(model: CapabilityModel, *, labels: bool = False) -> pd.DataFrame:
    """Role x capability table of required levels (nullable Int64; <NA> where not required)."""
    cols = _capability_order(model)
    data = [[r.requirement(c).level if r.requirement(c) else pd.NA for c in cols]
            for r in model.roles]
    df = pd.DataFrame(data, index=pd.Index(model.role_ids, name="role"),
                      columns=pd.Index(cols, name="capability"), dtype="Int64")
    if labels:
        cap_names = {c.id: c.name for c in model.capabilities}
        df = df.rename(index={r.id: r.name for r in model.roles}, columns=cap_names)
    return df


def capabilities_table(model: CapabilityModel) -> pd.DataFrame:
    """One row per capability: capability, name, domain, domain_name, scale, definition."""
    domains = {d.id: d.name for d in model.domains}
    return pd.DataFrame(
        [(c.id, c.name, c.domain, domains.get(c.domain, c.domain), c.scale or model.default_scale,
          c.definition) for c in model.capabilities],
        columns=["capability", "name", "domain", "domain_name", "scale", "definition"],
    )


def indicators_table(model: CapabilityModel) -> pd.DataFrame:
    """One row per capability and level: capability, level, label, indicator."""
    rows = []
    for c in model.capabilities:
        scale = model.scale(c.scale)
        rows += [(c.id, lv, scale.label(lv), c.indicators[lv]) for lv in sorted(c.indicators)]
    return pd.DataFrame(rows, columns=["capability", "level", "label", "indicator"])


def _compare(entity: str, key: str, old: Any, new: Any, out: list[tuple]) -> None:
    a, b = entity_fields(old), entity_fields(new)
    for name in a:
        if name in {"levels", "requirements", "indicators"}:
            continue
        if a[name] != b[name]:
            out.append(("changed", entity, key, name, a[name], b[name]))


def _keyed(entity: str, old: dict, new: dict, out: list[tuple], prefix: str = "") -> None:
    for k in old:
        if k not in new:
            out.append(("removed", entity, prefix + str(k), None, old[k], None))
    for k in new:
        if k not in old:
            out.append(("added", entity, prefix + str(k), None, None, new[k]))


def diff_models(old: CapabilityModel, new: CapabilityModel) -> pd.DataFrame:
    """Every change from ``old`` to ``new``, one row each (see ``CapabilityModel.diff``)."""
    out: list[tuple] = []
    for name in ("id", "name", "version", "description", "default_scale"):
        if getattr(old, name) != getattr(new, name):
            out.append(("changed", "model", old.id, name, getattr(old, name),
                        getattr(new, name)))
    groups = [("scale", old.scales, new.scales), ("domain", old.domains, new.domains),
              ("capability", old.capabilities, new.capabilities), ("role", old.roles, new.roles)]
    for entity, a_list, b_list in groups:
        a = {e.id: e for e in a_list}
        b = {e.id: e for e in b_list}
        _keyed(entity, {k: v.name for k, v in a.items()}, {k: v.name for k, v in b.items()},
               out)
        for k in a.keys() & b.keys():
            _compare(entity, k, a[k], b[k], out)
            if entity == "scale":
                la = {lv.value: (lv.label, lv.description) for lv in a[k].levels}
                lb = {lv.value: (lv.label, lv.description) for lv in b[k].levels}
                _keyed("level", la, lb, out, f"{k}/")
                out += [("changed", "level", f"{k}/{v}", "label/description", la[v], lb[v])
                        for v in la.keys() & lb.keys() if la[v] != lb[v]]
            elif entity == "capability":
                ia, ib = a[k].indicators, b[k].indicators
                _keyed("indicator", ia, ib, out, f"{k}/")
                out += [("changed", "indicator", f"{k}/{v}", "text", ia[v], ib[v])
                        for v in ia.keys() & ib.keys() if ia[v] != ib[v]]
            elif entity == "role":
                qa = {q.capability: q for q in a[k].requirements}
                qb = {q.capability: q for q in b[k].requirements}
                _keyed("requirement", {c: q.level for c, q in qa.items()},
                       {c: q.level for c, q in qb.items()}, out, f"{k}/")
                for c in qa.keys() & qb.keys():
                    for f in ("level", "weight"):
                        if getattr(qa[c], f) != getattr(qb[c], f):
                            out.append(("changed", "requirement", f"{k}/{c}", f,
                                        getattr(qa[c], f), getattr(qb[c], f)))
    df = pd.DataFrame(out, columns=["change", "entity", "key", "field", "old", "new"],
                      dtype=object)
    order = {"model": 0, "scale": 1, "level": 2, "domain": 3, "capability": 4, "indicator": 5,
             "role": 6, "requirement": 7}
    if df.empty:
        return df
    df["_o"] = df["entity"].map(order)
    return df.sort_values(["_o", "key", "change"], kind="stable").drop(columns="_o").reset_index(
        drop=True)
