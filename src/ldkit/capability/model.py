"""The capability model: proficiency scales, domains, capabilities, roles.

A capability model says, for each role of a client, which capabilities it
needs, at which level of a proficiency scale, and how much each matters.
Every capability carries observable behavioural indicators, one per level.

The classes here are plain frozen dataclasses; :class:`CapabilityModel` holds
the whole model and offers the views (``requirements()``, ``matrix()``,
``diff()``) and the readers and writers (``from_yaml``, ``to_excel`` ...).
Reading and writing files lives in the ``io_*`` modules of this package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ldkit._params import param_error
from ldkit.errors import Location, Problem, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "STANDARD_SCALE",
    "Capability",
    "CapabilityModel",
    "CapabilityModelBuilder",
    "Domain",
    "Level",
    "Requirement",
    "Role",
    "Scale",
]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True)
class Level:
    """One level of a proficiency scale."""

    value: int
    label: str
    description: str = ""


@dataclass(frozen=True)
class Scale:
    """An ordered proficiency scale.

    ``proficient`` is the lowest level value regarded as proficient (Moodle's
    scale configuration marks these); it defaults to the middle-upper level.
    """

    id: str
    name: str
    levels: tuple[Level, ...]
    proficient: int | None = None
    source: Location | None = field(default=None, compare=False, repr=False)  # where it was read

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", tuple(sorted(self.levels, key=lambda lv: lv.value)))
        if self.proficient is None and self.levels:
            object.__setattr__(self, "proficient", self.levels[len(self.levels) // 2].value)

    @property
    def values(self) -> list[int]:
        return [lv.value for lv in self.levels]

    @property
    def labels(self) -> list[str]:
        return [lv.label for lv in self.levels]

    @property
    def min(self) -> int:
        return self.levels[0].value

    @property
    def max(self) -> int:
        return self.levels[-1].value

    def label(self, value: int) -> str:
        """The label of a level value (``'?'`` if the value is not on the scale)."""
        for lv in self.levels:
            if lv.value == value:
                return lv.label
        return "?"

    def value_of(self, raw: Any) -> int | None:
        """Resolve a level given as a value or a label (case-insensitive); None if neither."""
        number = _as_int(raw)
        if number is not None:
            return number
        if isinstance(raw, str):
            wanted = raw.strip().casefold()
            for lv in self.levels:
                if lv.label.casefold() == wanted:
                    return lv.value
        return None


STANDARD_SCALE = Scale(
    id="proficiency4",
    name="Four-level proficiency",
    proficient=3,
    levels=(
        Level(1, "Foundational", "Knows the concepts; applies them with guidance."),
        Level(2, "Intermediate", "Applies the capability independently in routine situations."),
        Level(3, "Advanced", "Applies it in complex situations and guides others."),
        Level(4, "Expert", "Shapes practice across the organization; recognized authority."),
    ),
)


@dataclass(frozen=True)
class Domain:
    """A group of related capabilities."""

    id: str
    name: str
    description: str = ""
    source: Location | None = field(default=None, compare=False, repr=False)  # where it was read


@dataclass(frozen=True)
class Capability:
    """A capability with its definition and one behavioural indicator per level.

    ``scale`` is the id of the capability's scale, or None for the model's
    default scale.
    """

    id: str
    name: str
    domain: str
    definition: str = ""
    indicators: Mapping[int, str] = field(default_factory=dict)
    scale: str | None = None
    source: Location | None = field(default=None, compare=False, repr=False)  # where it was read
    indicator_sources: Mapping[int, Location] = field(
        default_factory=dict, compare=False, repr=False
    )


@dataclass(frozen=True)
class Requirement:
    """What a role requires of one capability: a level and an importance weight."""

    capability: str
    level: int
    weight: float = 1.0
    source: Location | None = field(default=None, compare=False, repr=False)  # where it was read


@dataclass(frozen=True)
class Role:
    """A role (job) and the capabilities it requires."""

    id: str
    name: str
    family: str = ""
    description: str = ""
    requirements: tuple[Requirement, ...] = ()
    source: Location | None = field(default=None, compare=False, repr=False)  # where it was read

    def requirement(self, capability: str) -> Requirement | None:
        for req in self.requirements:
            if req.capability == capability:
                return req
        return None


@dataclass(frozen=True)
class CapabilityModel:
    """A client's capability model: scales, domains, capabilities and roles.

    Build one with :meth:`from_yaml`, :meth:`from_excel`,
    :meth:`from_moodle_csv`, :meth:`from_requirements`, :meth:`builder`, or
    :func:`ldkit.capability.starter`. Constructing it directly validates it
    and raises :class:`ldkit.errors.ValidationError` listing every problem;
    pass ``validate=False`` to inspect a broken model with :meth:`problems`.

    Examples
    --------
    >>> from ldkit.capability import starter
    >>> model = starter("pharma-commercial")
    >>> model.requirements().query("role == 'key_account_manager'").shape[0] > 0
    True
    """

    id: str
    name: str
    scales: tuple[Scale, ...] = (STANDARD_SCALE,)
    domains: tuple[Domain, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    roles: tuple[Role, ...] = ()
    default_scale: str | None = None
    version: str = ""
    description: str = ""
    source: Location | None = field(default=None, compare=False, repr=False)  # where it was read
    validate: bool = field(default=True, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("scales", "domains", "capabilities", "roles"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.default_scale is None and self.scales:
            object.__setattr__(self, "default_scale", self.scales[0].id)
        if self.validate:
            self.check()

    # -- lookup ---------------------------------------------------------------

    def scale(self, id: str | None = None) -> Scale:
        """The scale with this id (the default scale if None)."""
        wanted = self.default_scale if id is None else id
        for s in self.scales:
            if s.id == wanted:
                return s
        raise param_error("id", "CapabilityModel.scale", f"one of {self.scale_ids}", id)

    def scale_of(self, capability: str) -> Scale:
        """The scale a capability is rated on."""
        return self.scale(self.capability(capability).scale)

    def capability(self, id: str) -> Capability:
        """The capability with this id."""
        for c in self.capabilities:
            if c.id == id:
                return c
        raise param_error("id", "CapabilityModel.capability", "a capability id of the model", id)

    def role(self, id: str) -> Role:
        """The role with this id (or, failing that, this exact name)."""
        for r in self.roles:
            if r.id == id:
                return r
        for r in self.roles:
            if r.name == id:
                return r
        raise param_error("id", "CapabilityModel.role", f"one of {self.role_ids}", id)

    def domain(self, id: str) -> Domain:
        for d in self.domains:
            if d.id == id:
                return d
        raise param_error("id", "CapabilityModel.domain", "a domain id of the model", id)

    @property
    def scale_ids(self) -> list[str]:
        return [s.id for s in self.scales]

    @property
    def domain_ids(self) -> list[str]:
        return [d.id for d in self.domains]

    @property
    def capability_ids(self) -> list[str]:
        return [c.id for c in self.capabilities]

    @property
    def role_ids(self) -> list[str]:
        return [r.id for r in self.roles]

    # -- validation -------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """Every problem of the model (errors and warnings), each with its location."""
        from ldkit.capability.validate import validate_model

        return validate_model(self)

    def check(self) -> CapabilityModel:
        """Raise ValidationError listing every error; return the model if there is none."""
        errors = [p for p in self.problems() if p.severity == "error"]
        if errors:
            raise ValidationError(errors, what=f"capability model '{self.id}'")
        return self

    # -- construction -------------------------------------------------------------

    @classmethod
    def builder(cls, id: str, name: str | None = None, **kwargs: Any) -> CapabilityModelBuilder:
        """Start a :class:`CapabilityModelBuilder` (step by step, e.g. in a notebook)."""
        return CapabilityModelBuilder(id, name, **kwargs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: str | None = None) -> CapabilityModel:
        """Build from the dictionary layout of the YAML format."""
        from ldkit.capability.io_yaml import model_from_dict

        return model_from_dict(data, file=file)

    @classmethod
    def from_yaml(cls, path: str | Path) -> CapabilityModel:
        """Read a model from YAML (see README, 'Capability model YAML')."""
        from ldkit.capability.io_yaml import read_yaml

        return read_yaml(path)

    @classmethod
    def from_excel(cls, path: str | Path) -> CapabilityModel:
        """Read a model from the authoring workbook (see README, 'Capability model workbook')."""
        from ldkit.capability.io_excel import read_excel

        return read_excel(path)

    @classmethod
    def from_moodle_csv(cls, path: str | Path, *, levels: Any = None) -> CapabilityModel:
        """Read a model from a Moodle competency-framework CSV (Moodle's or
        :meth:`to_moodle_csv`'s); ``levels`` maps the depths of the competency tree
        (see :func:`ldkit.capability.io_moodle.read_moodle_csv`)."""
        from ldkit.capability.io_moodle import read_moodle_csv

        return read_moodle_csv(path, levels=levels)

    @classmethod
    def from_requirements(
        cls,
        requirements: pd.DataFrame,
        *,
        id: str = "model",
        name: str | None = None,
        scale: Scale | None = None,
    ) -> CapabilityModel:
        """Build a draft model from a tidy requirements table.

        Parameters
        ----------
        requirements : DataFrame
            One row per role and capability. Required columns ``role``,
            ``capability``, ``required_level``; optional ``weight`` (default 1),
            ``domain`` (default ``general``), ``role_name``, ``family``,
            ``capability_name``, ``domain_name``. This is the layout
            :meth:`requirements` returns, so the two round-trip.
        id, name : str
            Model id and display name.
        scale : Scale, optional
            The proficiency scale (default :data:`STANDARD_SCALE`).

        Returns
        -------
        CapabilityModel
            A model without behavioural indicators (``problems()`` warns of it).
        """
        from ldkit.capability.build import model_from_requirements

        return model_from_requirements(requirements, id=id, name=name, scale=scale)

    # -- writers ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The model in the dictionary layout of the YAML format."""
        from ldkit.capability.io_yaml import model_to_dict

        return model_to_dict(self)

    def to_yaml(self, path: str | Path) -> Path:
        """Write the model as YAML; returns the path written."""
        from ldkit.capability.io_yaml import write_yaml

        return write_yaml(self, path)

    def to_excel(self, path: str | Path) -> Path:
        """Write the formatted authoring workbook; returns the path written."""
        from ldkit.capability.io_excel import write_excel

        return write_excel(self, path)

    def to_moodle_csv(self, path: str | Path) -> Path:
        """Write Moodle's competency-framework import CSV (tool_lpimportcsv)."""
        from ldkit.capability.io_moodle import write_moodle_csv

        return write_moodle_csv(self, path)

    # -- views ----------------------------------------------------------------------

    def requirements(self) -> pd.DataFrame:
        """Tidy table, one row per role and required capability.

        Columns: role, role_name, family, capability, capability_name,
        domain, domain_name, scale, required_level, required_label, weight.
        """
        from ldkit.capability.views import requirements_table

        return requirements_table(self)

    def matrix(self, *, labels: bool = False) -> pd.DataFrame:
        """Role x capability table of required levels (missing where not required).

        With ``labels=True`` rows and columns carry display names.
        """
        from ldkit.capability.views import requirements_matrix

        return requirements_matrix(self, labels=labels)

    def capabilities_table(self) -> pd.DataFrame:
        """One row per capability: id, name, domain, scale, definition."""
        from ldkit.capability.views import capabilities_table

        return capabilities_table(self)

    def indicators_table(self) -> pd.DataFrame:
        """One row per capability and level: capability, level, label, indicator."""
        from ldkit.capability.views import indicators_table

        return indicators_table(self)

    def heatmap(self, *, roles: Iterable[str] | None = None, labels: bool = True) -> Figure:
        """Heatmap figure of required levels, roles x capabilities grouped by domain."""
        from ldkit.capability.plot import plot_requirements_heatmap

        return plot_requirements_heatmap(self, roles=roles, labels=labels)

    def diff(self, other: CapabilityModel) -> pd.DataFrame:
        """What changed from this model to ``other``.

        One row per change: change (added, removed, changed), entity
        (model, scale, level, domain, capability, indicator, role,
        requirement), key, field, old, new.
        """
        from ldkit.capability.views import diff_models

        return diff_models(self, other)

    def replace(self, **changes: Any) -> CapabilityModel:
        """A copy with some fields replaced; validated unless ``validate=False`` is passed."""
        return replace(self, **{"validate": True, **changes})

    def summary(self) -> str:
        """One line: counts of scales, domains, capabilities and roles."""
        n_req = sum(len(r.requirements) for r in self.roles)
        return (
            f"{self.name} ({self.id}{', v' + self.version if self.version else ''}): "
            f"{len(self.roles)} roles, {len(self.capabilities)} capabilities in "
            f"{len(self.domains)} domains, {n_req} requirements, "
            f"{len(self.scales)} scale{'s' if len(self.scales) != 1 else ''}"
        )

    def _repr_html_(self) -> str:  # notebooks
        import html

        return f"<p><b>CapabilityModel</b> {html.escape(self.summary())}</p>"


def _as_int(raw: Any) -> int | None:
    """An int from an int, an integral float, or a numeric string; else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
            return int(float(text))
    return None


class CapabilityModelBuilder:
    """Build a capability model step by step; every method returns the builder.

    Examples
    --------
    >>> from ldkit.capability import CapabilityModel
    >>> b = CapabilityModel.builder("acme", "Acme field force")
    >>> _ = b.domain("customer", "Customer")
    >>> _ = b.capability("account_planning", "Account planning", domain="customer",
    ...                  indicators={1: "Follows a plan", 2: "Writes a plan",
    ...                              3: "Plans complex accounts", 4: "Sets the standard"})
    >>> _ = b.role("kam", "Key Account Manager", requires={"account_planning": (4, 3)})
    >>> model = b.build()
    >>> model.role("kam").requirement("account_planning").level
    4
    """

    def __init__(
        self,
        id: str,
        name: str | None = None,
        *,
        version: str = "",
        description: str = "",
    ) -> None:
        self.id = id
        self.name = name or id
        self.version = version
        self.description = description
        self._scales: list[Scale] = []
        self._default_scale: str | None = None
        self._domains: list[Domain] = []
        self._capabilities: list[Capability] = []
        self._roles: list[Role] = []

    def scale(
        self,
        id: str,
        levels: Iterable[Level | tuple | str],
        *,
        name: str | None = None,
        proficient: int | None = None,
        default: bool = False,
    ) -> CapabilityModelBuilder:
        """Add a scale. Levels are Level objects, (value, label[, description]) tuples,
        or plain labels numbered from 1."""
        parsed = []
        for i, lv in enumerate(levels, start=1):
            if isinstance(lv, Level):
                parsed.append(lv)
            elif isinstance(lv, str):
                parsed.append(Level(i, lv))
            else:
                parsed.append(Level(*lv))
        self._scales.append(Scale(id, name or id, tuple(parsed), proficient))
        if default or self._default_scale is None:
            self._default_scale = id
        return self

    def domain(self, id: str, name: str, description: str = "") -> CapabilityModelBuilder:
        """Add a domain."""
        self._domains.append(Domain(id, name, description))
        return self

    def capability(
        self,
        id: str,
        name: str,
        *,
        domain: str,
        definition: str = "",
        indicators: Mapping[int, str] | None = None,
        scale: str | None = None,
    ) -> CapabilityModelBuilder:
        """Add a capability; ``indicators`` maps level value to behaviour."""
        self._capabilities.append(
            Capability(id, name, domain, definition, dict(indicators or {}), scale)
        )
        return self

    def indicator(self, capability: str, level: int, text: str) -> CapabilityModelBuilder:
        """Set the behavioural indicator of one capability at one level."""
        for i, cap in enumerate(self._capabilities):
            if cap.id == capability:
                self._capabilities[i] = replace(cap, indicators={**cap.indicators, level: text})
                return self
        raise param_error("capability", "CapabilityModelBuilder.indicator",
                          "a capability added before", capability)

    def role(
        self,
        id: str,
        name: str,
        *,
        family: str = "",
        description: str = "",
        requires: Mapping[str, int | tuple[int, float]] | None = None,
    ) -> CapabilityModelBuilder:
        """Add a role; ``requires`` maps capability id to a level or (level, weight)."""
        self._roles.append(Role(id, name, family, description))
        for cap, spec in (requires or {}).items():
            level, weight = spec if isinstance(spec, tuple) else (spec, 1.0)
            self.require(id, cap, level=level, weight=weight)
        return self

    def require(
        self, role: str, capability: str, *, level: int, weight: float = 1.0
    ) -> CapabilityModelBuilder:
        """Add (or replace) one requirement of a role."""
        for i, r in enumerate(self._roles):
            if r.id == role:
                reqs = [q for q in r.requirements if q.capability != capability]
                reqs.append(Requirement(capability, level, weight))
                self._roles[i] = replace(r, requirements=tuple(reqs))
                return self
        raise param_error("role", "CapabilityModelBuilder.require", "a role added before", role)

    def build(self, *, validate: bool = True) -> CapabilityModel:
        """The model; raises ValidationError listing every problem."""
        scales = tuple(self._scales) or (STANDARD_SCALE,)
        return CapabilityModel(
            id=self.id,
            name=self.name,
            version=self.version,
            description=self.description,
            scales=scales,
            default_scale=self._default_scale or scales[0].id,
            domains=tuple(self._domains),
            capabilities=tuple(self._capabilities),
            roles=tuple(self._roles),
            validate=validate,
        )


def entity_fields(obj: Any) -> dict[str, Any]:
    """The compared fields of a dataclass entity (no locations)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.compare}
