"""Monetized benefits with Phillips' conservative adjustments, enforced.

One benefit measure is worth::

    annual improvement (units) x value per unit x isolation share x confidence share

The isolation share is the part of the improvement due to the programme (from a
control group, a trend line, or estimates); the confidence share adjusts an
estimate for its error. :func:`monetize_benefits` applies Phillips' guiding
principles and refuses a case that breaks them:

- principle 4, the most conservative alternative: where two or more values are
  given for an input (two sources, two estimates), the lowest is used;
- principle 5, isolate the effects: a measure without an isolation share is an
  error;
- principle 6, no data, no improvement: a measure without improvement data
  counts as zero;
- principle 7, adjust estimates for error: an estimate (participant, manager or
  expert estimate, or a measure flagged ``estimate=True``) without a confidence
  share is an error;
- principle 9, first-year benefits only for short programmes (a flag);
- principle 11, intangible benefits are listed and never converted to money.

Each rule that was applied is listed in :attr:`Benefits.rules`.

References
----------
Phillips, J. J., & Phillips, P. P. (2016). *Handbook of Training Evaluation and
Measurement Methods* (4th ed.). Routledge. (The twelve guiding principles.)

Examples
--------
>>> m = BenefitMeasure("Upgrade sales", annual_improvement=1_140_000, value_per_unit=0.20,
...                    isolation_share=1.0, isolation_method="control group", unit="USD sales")
>>> monetize_benefits([m]).total
228000.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from ldkit._params import check_number, param_error
from ldkit.errors import Location, Problem, ValidationError

__all__ = [
    "ESTIMATE_METHODS",
    "ISOLATION_METHODS",
    "RANGE_FIELDS",
    "BenefitMeasure",
    "Benefits",
    "Intangible",
    "benefit_problems",
    "monetize_benefits",
]

ISOLATION_METHODS = (
    "control group", "trend line", "forecasting", "participant estimate", "manager estimate",
    "expert estimate", "customer input", "other",
)
"""Ways to isolate the effects of a programme (Phillips), most credible first."""

ESTIMATE_METHODS = ("participant estimate", "manager estimate", "expert estimate",
                    "customer input")
"""Isolation methods that are estimates: they need a confidence share (principle 7)."""

RANGE_FIELDS = ("annual_improvement", "value_per_unit", "isolation_share", "confidence_share")
"""The inputs of a measure that may carry a (low, high) range for the sensitivity analysis."""

Value = float | tuple[float, ...] | None


def _alternatives(name: str, value: Any, func: str, *, share: bool,
                  allow_none: bool = True) -> Value:
    """A number, or a tuple of alternative numbers (validated), or None."""
    if value is None:
        if not allow_none:
            raise param_error(name, func, "a number", value)
        return None
    values = tuple(value) if isinstance(value, list | tuple) else (value,)
    if not values:
        raise param_error(name, func, "a number or a non-empty list of alternatives", value)
    low, high = (0.0, 1.0) if share else (None, None)
    if name == "value_per_unit":
        low = 0.0
    for v in values:
        check_number(name, v, func=func, low=low, high=high)
    return tuple(float(v) for v in values) if len(values) > 1 else float(values[0])


def _chosen(value: Value) -> float | None:
    """The most conservative (lowest) of the alternatives."""
    if value is None:
        return None
    return min(value) if isinstance(value, tuple) else float(value)


@dataclass(frozen=True)
class BenefitMeasure:
    """One monetized benefit measure (level 4 impact converted to money).

    Parameters
    ----------
    name : str
        The measure ("Sales margin per rep", "Compliance incidents avoided").
    annual_improvement : float, sequence of float, or None
        Improvement in units per year attributable before isolation. Several
        values are alternatives (the lowest is used). None means no data: no
        improvement is assumed.
    value_per_unit : float or sequence of float
        Money per unit (a margin, a standard value, a cost avoided); never
        negative.
    isolation_share : float, sequence of float, or None
        Share of the improvement due to the programme, in [0, 1]. Required
        when there is improvement data.
    isolation_method : str
        How the share was found; one of :data:`ISOLATION_METHODS`.
    confidence_share : float, sequence of float, or None
        Confidence in an estimate, in [0, 1] (the error adjustment). Required
        for estimates; 1 for measured data if not given.
    estimate : bool, optional
        Whether the improvement itself is an estimate; by default, whether
        the isolation method is one of :data:`ESTIMATE_METHODS`.
    unit, source : str
        The unit of the improvement, and where the data come from.
    ranges : mapping of str to (low, high)
        Ranges of inputs (keys from :data:`RANGE_FIELDS`) for the
        sensitivity analysis; each must contain the value used.

    Examples
    --------
    >>> m = BenefitMeasure("Time to productivity", annual_improvement=[1200, 900],
    ...                    value_per_unit=150, isolation_share=0.5,
    ...                    isolation_method="manager estimate", confidence_share=0.8)
    >>> m.improvement, m.benefit
    (900.0, 54000.0)
    """

    name: str
    annual_improvement: Value
    value_per_unit: Value = 1.0
    isolation_share: Value = None
    isolation_method: str = ""
    confidence_share: Value = None
    estimate: bool | None = None
    unit: str = ""
    source: str = ""
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise param_error("name", "BenefitMeasure", "a non-empty string", self.name)
        func = f"BenefitMeasure {self.name!r}"
        set_ = object.__setattr__
        set_(self, "annual_improvement",
             _alternatives("annual_improvement", self.annual_improvement, func, share=False))
        set_(self, "value_per_unit", _alternatives("value_per_unit", self.value_per_unit, func,
                                                   share=False, allow_none=False))
        set_(self, "isolation_share",
             _alternatives("isolation_share", self.isolation_share, func, share=True))
        set_(self, "confidence_share",
             _alternatives("confidence_share", self.confidence_share, func, share=True))
        if self.isolation_method and self.isolation_method not in ISOLATION_METHODS:
            listed = ", ".join(repr(m) for m in ISOLATION_METHODS)
            raise param_error("isolation_method", func, f"one of {listed}",
                              self.isolation_method)
        ranges = {}
        for key, bounds in dict(self.ranges).items():
            ranges[key] = self._check_range(key, bounds, func)
        set_(self, "ranges", MappingProxyType(ranges))

    def _check_range(self, key: str, bounds: Any, func: str) -> tuple[float, float]:
        if key not in RANGE_FIELDS:
            listed = ", ".join(repr(f) for f in RANGE_FIELDS)
            raise param_error("ranges", func, f"keyed by {listed}", key)
        name = f"ranges[{key!r}]"
        if not isinstance(bounds, list | tuple) or len(bounds) != 2:
            raise param_error(name, func, "a (low, high) pair", bounds)
        share = key in ("isolation_share", "confidence_share")
        low, high = bounds
        for v in bounds:
            check_number(name, v, func=func, low=0 if share or key == "value_per_unit" else None,
                         high=1 if share else None)
        if low > high:
            raise param_error(name, func, "a (low, high) pair with low <= high", tuple(bounds))
        base = self._base(key)
        if base is not None and not low <= base <= high:
            raise param_error(name, func, f"a range that contains the value used ({base:g})",
                              tuple(bounds))
        return float(low), float(high)

    def _base(self, key: str) -> float | None:
        if key == "confidence_share":
            return self.confidence
        return _chosen(getattr(self, key))

    @property
    def is_estimate(self) -> bool:
        """Whether principle 7 applies: the improvement or its isolation is an estimate."""
        if self.estimate is not None:
            return bool(self.estimate)
        return self.isolation_method in ESTIMATE_METHODS

    @property
    def improvement(self) -> float:
        """The improvement used: the lowest alternative; 0 without data (principle 6)."""
        chosen = _chosen(self.annual_improvement)
        return 0.0 if chosen is None else chosen

    @property
    def value(self) -> float:
        """The value per unit used (the lowest alternative)."""
        return float(_chosen(self.value_per_unit))

    @property
    def isolation(self) -> float:
        """The isolation share used (the lowest alternative); NaN if missing."""
        chosen = _chosen(self.isolation_share)
        return math.nan if chosen is None else chosen

    @property
    def confidence(self) -> float:
        """The confidence share used: the lowest alternative; 1 for measured data."""
        chosen = _chosen(self.confidence_share)
        if chosen is None:
            return math.nan if self.is_estimate else 1.0
        return chosen

    @property
    def has_data(self) -> bool:
        return self.annual_improvement is not None

    @property
    def benefit(self) -> float:
        """Annual monetary benefit after isolation and error adjustment."""
        if not self.has_data:
            return 0.0
        return self.improvement * self.value * self.isolation * self.confidence


@dataclass(frozen=True)
class Intangible:
    """A benefit reported but deliberately not converted to money (principle 11).

    Examples
    --------
    >>> Intangible("Engagement", "Higher engagement scores in the pulse survey").name
    'Engagement'
    """

    name: str
    description: str = ""
    evidence: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise param_error("name", "Intangible", "a non-empty string", self.name)


def benefit_problems(measure: BenefitMeasure) -> list[tuple[str, str, str]]:
    """Breaches of the conservative rules by one measure: (field, message, hint) each.

    A measure with improvement data must have an isolation share
    (principle 5); an estimate must have a confidence share (principle 7).
    """
    out: list[tuple[str, str, str]] = []
    if not measure.has_data:
        return out
    if measure.isolation_share is None:
        out.append((
            "isolation",
            f"benefit '{measure.name}' has no isolation share: the part of the improvement "
            "due to the programme must be isolated (Phillips guiding principle 5)",
            "add 'isolation: {method: control group, share: 0.6}' with the method used "
            "(control group, trend line, participant or manager estimate) and its share in "
            "[0, 1]",
        ))
    if measure.is_estimate and measure.confidence_share is None:
        out.append((
            "confidence",
            f"benefit '{measure.name}' is an estimate ({measure.isolation_method or 'flagged'}) "
            "without a confidence share: estimates must be adjusted for error (Phillips "
            "guiding principle 7)",
            "add 'confidence: 0.7', the estimators' average confidence in [0, 1]",
        ))
    return out


@dataclass(frozen=True)
class Benefits:
    """Monetized benefits after the conservative rules; build with :func:`monetize_benefits`.

    Attributes
    ----------
    measures : tuple of BenefitMeasure
    intangibles : tuple of Intangible
    short_program : bool
        First-year benefits only (principle 9).
    rules : tuple of str
        The rules applied, one sentence each.
    """

    measures: tuple[BenefitMeasure, ...]
    intangibles: tuple[Intangible, ...] = ()
    short_program: bool = True
    rules: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        """Annual monetary benefits (year one)."""
        return math.fsum(m.benefit for m in self.measures)

    def table(self) -> pd.DataFrame:
        """One row per measure: improvement, value, monetary value, the adjustments, benefit."""
        rows = []
        for m in self.measures:
            notes = []
            if not m.has_data:
                notes.append("no data: no improvement assumed")
            for key in ("annual_improvement", "value_per_unit", "isolation_share",
                        "confidence_share"):
                if isinstance(getattr(m, key), tuple):
                    notes.append(f"lowest of {len(getattr(m, key))} {key.replace('_', ' ')} "
                                 "values")
            rows.append({
                "measure": m.name, "unit": m.unit, "source": m.source,
                "annual_improvement": m.improvement if m.has_data else math.nan,
                "value_per_unit": m.value,
                "monetary_value": m.improvement * m.value,
                "isolation_method": m.isolation_method,
                "isolation_share": m.isolation, "confidence_share": m.confidence,
                "benefit": m.benefit, "note": "; ".join(notes),
            })
        columns = ["measure", "unit", "source", "annual_improvement", "value_per_unit",
                   "monetary_value", "isolation_method", "isolation_share", "confidence_share",
                   "benefit", "note"]
        return pd.DataFrame(rows, columns=columns)

    def intangibles_table(self) -> pd.DataFrame:
        """The intangible benefits: name, description, evidence (no money)."""
        return pd.DataFrame([(i.name, i.description, i.evidence) for i in self.intangibles],
                            columns=["intangible", "description", "evidence"])


def _num(value: float) -> str:
    """A number as people write it: 12,000 or 0.32."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"


def _rules(measures: Sequence[BenefitMeasure], intangibles: Sequence[Intangible],
           short_program: bool) -> list[str]:
    rules: list[str] = []
    for m in measures:
        for key in ("annual_improvement", "value_per_unit", "isolation_share",
                    "confidence_share"):
            alts = getattr(m, key)
            if isinstance(alts, tuple):
                shown = ", ".join(_num(a) for a in alts)
                rules.append(f"Most conservative alternative (principle 4): {m.name}: "
                             f"{key.replace('_', ' ')} {_num(min(alts))} of {shown}.")
    with_data = [m for m in measures if m.has_data]
    if with_data:
        methods = sorted({m.isolation_method or "unstated" for m in with_data})
        rules.append(f"Effects isolated (principle 5) for every measure with data "
                     f"({len(with_data)}): {', '.join(methods)}.")
    for m in measures:
        if not m.has_data:
            rules.append(f"No data, no improvement (principle 6): {m.name} counts as 0.")
    for m in with_data:
        if m.is_estimate or (m.confidence_share is not None and m.confidence < 1):
            rules.append(f"Estimate adjusted for error (principle 7): {m.name} x confidence "
                         f"{m.confidence:.0%}.")
    if short_program:
        rules.append("First-year benefits only (principle 9): a short programme; no benefit "
                     "after year one is counted.")
    if intangibles:
        rules.append(f"Intangibles listed, not converted to money (principle 11): "
                     f"{', '.join(i.name for i in intangibles)}.")
    return rules


def monetize_benefits(measures: Iterable[BenefitMeasure], *,
                      intangibles: Iterable[Intangible] = (),
                      short_program: bool = True) -> Benefits:
    """Apply the conservative rules to the benefit measures; refuse a case that breaks them.

    Parameters
    ----------
    measures : iterable of BenefitMeasure
    intangibles : iterable of Intangible
        Listed, never monetized.
    short_program : bool
        True (default) for a short programme: first-year benefits only.

    Returns
    -------
    Benefits

    Raises
    ------
    ValidationError
        Listing every measure without an isolation share, and every estimate
        without a confidence share, each with what to add.

    Examples
    --------
    >>> m = BenefitMeasure("Incidents avoided", annual_improvement=6, value_per_unit=25_000,
    ...                    isolation_share=0.5, isolation_method="expert estimate",
    ...                    confidence_share=0.8)
    >>> b = monetize_benefits([m])
    >>> b.total
    60000.0
    >>> b.rules[-2]
    'Estimate adjusted for error (principle 7): Incidents avoided x confidence 80%.'
    """
    items = tuple(measures)
    extras = tuple(intangibles)
    for m in items:
        if not isinstance(m, BenefitMeasure):
            raise param_error("measures", "monetize_benefits", "an iterable of BenefitMeasure", m)
    for i in extras:
        if not isinstance(i, Intangible):
            raise param_error("intangibles", "monetize_benefits", "an iterable of Intangible", i)
    if not isinstance(short_program, bool):
        raise param_error("short_program", "monetize_benefits", "True or False", short_program)
    problems = [Problem(message, Location(field=f"benefits[{k}].{where}"), hint)
                for k, m in enumerate(items) for where, message, hint in benefit_problems(m)]
    if problems:
        raise ValidationError(problems, what="the ROI benefits")
    return Benefits(items, extras, short_program, tuple(_rules(items, extras, short_program)))
