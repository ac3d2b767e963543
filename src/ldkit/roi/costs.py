"""Fully loaded programme costs (Phillips), per category and per participant.

Every cost of a programme belongs to one of seven categories
(:data:`COST_CATEGORIES`): needs assessment, design and development,
delivery (facilitators, materials, facilities, travel), participants' time,
technology and LMS, evaluation, and overhead. Design and development is
prorated over the deliveries it serves (:func:`design_development`);
participants' time is loaded salary x hours (:func:`participant_time`).

Examples
--------
>>> items = [CostItem("needs_assessment", "Needs analysis", 3_000),
...          design_development("Module design", 56_000, deliveries_evaluated=25,
...                             deliveries_planned=110),
...          CostItem("delivery", "Facilitators", 9_000)]
>>> model = cost_model(items, participants=25)
>>> round(model.total, 2), round(model.per_participant, 2)
(24727.27, 989.09)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from ldkit._params import check_choice, check_number, param_error

__all__ = [
    "COST_CATEGORIES",
    "CostItem",
    "CostModel",
    "cost_model",
    "design_development",
    "participant_time",
]

COST_CATEGORIES: Mapping[str, str] = {
    "needs_assessment": "Needs assessment",
    "design_development": "Design and development",
    "delivery": "Delivery",
    "participant_time": "Participants' time",
    "technology": "Technology and LMS",
    "evaluation": "Evaluation",
    "overhead": "Overhead",
}
"""Cost category id -> display name, in the order of the cost table."""


def _name(item: str) -> str:
    return f"CostItem {item!r}" if item else "CostItem"


@dataclass(frozen=True)
class CostItem:
    """One cost line of a programme.

    Parameters
    ----------
    category : str
        One of :data:`COST_CATEGORIES`.
    item : str
        What it is ("Facilitators", "LMS licences").
    amount : float
        The cost as charged, before proration; never negative.
    share : float
        The part of ``amount`` charged to the evaluated programme, in [0, 1]
        (1 by default; e.g. deliveries evaluated / deliveries planned).
    basis : str
        How the amount was worked out, shown in the cost table.
    recurring : bool
        Incurred again each year (licences, refresher delivery) in the
        multi-year view.
    low, high : float, optional
        A range for the loaded cost, for the sensitivity analysis.

    Examples
    --------
    >>> CostItem("delivery", "Travel", 12_000, share=0.5).loaded
    6000.0
    """

    category: str
    item: str
    amount: float
    share: float = 1.0
    basis: str = ""
    recurring: bool = False
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        func = _name(self.item)
        check_choice("category", self.category, COST_CATEGORIES, func=func)
        check_number("amount", self.amount, func=func, low=0)
        check_number("share", self.share, func=func, low=0, high=1)
        for bound in ("low", "high"):
            value = getattr(self, bound)
            if value is not None:
                check_number(bound, value, func=func, low=0)
        if self.low is not None and self.high is not None and self.low > self.high:
            raise param_error("low", func, f"at most high ({self.high:g})", self.low)
        if self.low is not None and self.low > self.loaded:
            raise param_error("low", func, f"at most the loaded cost ({self.loaded:g})", self.low)
        if self.high is not None and self.high < self.loaded:
            raise param_error("high", func, f"at least the loaded cost ({self.loaded:g})",
                              self.high)

    @property
    def loaded(self) -> float:
        """The cost charged to the programme: ``amount * share``."""
        return float(self.amount) * float(self.share)

    @property
    def has_range(self) -> bool:
        return self.low is not None and self.high is not None


def design_development(item: str, amount: float, *, deliveries_evaluated: float,
                       deliveries_planned: float, **kwargs) -> CostItem:
    """Design and development cost prorated over the deliveries it serves.

    Phillips prorates development over the planned life of the programme:
    share = deliveries evaluated / deliveries planned (deliveries may be
    cohorts, sessions or participants).

    Examples
    --------
    >>> round(design_development("Curriculum", 56_000, deliveries_evaluated=25,
    ...                          deliveries_planned=110).loaded, 2)
    12727.27
    """
    func = "design_development"
    check_number("deliveries_planned", deliveries_planned, func=func, low=0)
    check_number("deliveries_evaluated", deliveries_evaluated, func=func, low=0)
    if deliveries_planned <= 0:
        raise param_error("deliveries_planned", func, "positive", deliveries_planned)
    if deliveries_evaluated > deliveries_planned:
        raise param_error("deliveries_evaluated", func,
                          f"at most deliveries_planned ({deliveries_planned:g})",
                          deliveries_evaluated)
    share = deliveries_evaluated / deliveries_planned
    basis = kwargs.pop("basis", "") or (
        f"{amount:,.0f} prorated over {deliveries_planned:g} planned deliveries, "
        f"{deliveries_evaluated:g} evaluated")
    return CostItem("design_development", item, amount, share=share, basis=basis, **kwargs)


def participant_time(item: str, *, participants: float, hours: float,
                     hourly_rate: float | None = None, annual_salary: float | None = None,
                     benefits_factor: float = 0.0, working_hours: float = 1_760,
                     **kwargs) -> CostItem:
    """Participants' time away from work: participants x hours x loaded hourly cost.

    Give the loaded ``hourly_rate``, or an ``annual_salary`` with the employee
    ``benefits_factor`` (employer on-costs as a share of salary, e.g. 0.3) and
    the ``working_hours`` of a year: rate = salary x (1 + factor) / hours.

    Examples
    --------
    >>> participant_time("Workshop days", participants=20, hours=16,
    ...                  annual_salary=70_400, benefits_factor=0.25).loaded
    16000.0
    """
    func = "participant_time"
    check_number("participants", participants, func=func, low=0)
    check_number("hours", hours, func=func, low=0)
    check_number("benefits_factor", benefits_factor, func=func, low=0, high=5)
    check_number("working_hours", working_hours, func=func, low=1)
    if (hourly_rate is None) == (annual_salary is None):
        raise param_error("hourly_rate", func, "given, or else annual_salary (exactly one)",
                          hourly_rate)
    if hourly_rate is not None:
        check_number("hourly_rate", hourly_rate, func=func, low=0)
        rate = float(hourly_rate)
        how = f"{rate:,.2f}/h"
    else:
        check_number("annual_salary", annual_salary, func=func, low=0)
        rate = float(annual_salary) * (1 + benefits_factor) / working_hours
        how = (f"{rate:,.2f}/h (salary {annual_salary:,.0f} x {1 + benefits_factor:g} / "
               f"{working_hours:,.0f} h)")
    amount = float(participants) * float(hours) * rate
    basis = kwargs.pop("basis", "") or f"{participants:g} participants x {hours:g} h x {how}"
    return CostItem("participant_time", item, amount, basis=basis, **kwargs)


@dataclass(frozen=True)
class CostModel:
    """The fully loaded costs of a programme, with per-category and per-participant views.

    Build it with :func:`cost_model`.
    """

    items: tuple[CostItem, ...]
    participants: int

    @property
    def total(self) -> float:
        """Sum of the loaded costs."""
        return math.fsum(i.loaded for i in self.items)

    @property
    def per_participant(self) -> float:
        """Total cost per participant (NaN with no participants)."""
        return self.total / self.participants if self.participants else math.nan

    @property
    def recurring(self) -> float:
        """Loaded cost of the recurring items (incurred again each year)."""
        return math.fsum(i.loaded for i in self.items if i.recurring)

    def missing_categories(self) -> list[str]:
        """Categories with no cost line (a fully loaded cost names every category)."""
        present = {i.category for i in self.items}
        return [c for c in COST_CATEGORIES if c not in present]

    def lines(self) -> pd.DataFrame:
        """One row per cost line: category, item, amount, share, loaded cost, basis."""
        return pd.DataFrame({
            "category": [COST_CATEGORIES[i.category] for i in self.items],
            "item": [i.item for i in self.items],
            "amount": [float(i.amount) for i in self.items],
            "share_charged": [float(i.share) for i in self.items],
            "cost": [i.loaded for i in self.items],
            "recurring": [bool(i.recurring) for i in self.items],
            "basis": [i.basis for i in self.items],
        }, columns=["category", "item", "amount", "share_charged", "cost", "recurring",
                    "basis"])

    def by_category(self) -> pd.DataFrame:
        """Cost per category (all seven, zero where absent), share of total, per participant.

        The last row is the total.
        """
        totals = {c: 0.0 for c in COST_CATEGORIES}
        for i in self.items:
            totals[i.category] += i.loaded
        total = self.total
        rows = [(COST_CATEGORIES[c], v) for c, v in totals.items()] + [("Total", total)]
        frame = pd.DataFrame(rows, columns=["category", "cost"])
        frame["share_of_total"] = frame["cost"] / total if total else 0.0
        frame["per_participant"] = (frame["cost"] / self.participants if self.participants
                                    else math.nan)
        return frame


def cost_model(items: Iterable[CostItem], *, participants: int) -> CostModel:
    """Collect cost lines into a :class:`CostModel`.

    Parameters
    ----------
    items : iterable of CostItem
    participants : int
        People who took part in the evaluated programme (for the
        per-participant cost).

    Examples
    --------
    >>> m = cost_model([CostItem("delivery", "Facilitators", 8_000),
    ...                 CostItem("evaluation", "Follow-up survey", 2_000)], participants=40)
    >>> m.by_category()[["category", "cost"]].tail(2).to_dict("records")
    [{'category': 'Overhead', 'cost': 0.0}, {'category': 'Total', 'cost': 10000.0}]
    """
    check_number("participants", participants, func="cost_model", low=0, integer=True)
    lines = tuple(items)
    for line in lines:
        if not isinstance(line, CostItem):
            raise param_error("items", "cost_model", "an iterable of CostItem", line)
    return CostModel(lines, int(participants))
