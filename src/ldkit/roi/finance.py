"""The multi-year view: NPV, IRR, discounted cash flows, and the break-even improvement.

Cash flows are at the end of each period. :func:`npv` discounts the first cash
flow by ``first_period`` periods: 0 (the default) treats it as an investment
made now, as finance texts do; 1 reproduces Microsoft Excel's ``NPV``, which
discounts every value, the first included. :func:`irr` finds the rate at which
the NPV is zero with Brent's method (``scipy.optimize.brentq``).

References
----------
Microsoft. "NPV function" and "IRR function", Excel documentation (worked
examples pinned in the tests).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ldkit._params import check_number, param_error
from ldkit.roi.benefits import Benefits

__all__ = [
    "MultiYear",
    "break_even_improvement",
    "irr",
    "multi_year",
    "npv",
]


def _flows(cash_flows: Sequence[float], func: str) -> np.ndarray:
    try:
        values = np.asarray(list(cash_flows), dtype="float64")
    except (TypeError, ValueError):
        raise param_error("cash_flows", func, "a sequence of numbers", cash_flows) from None
    if values.ndim != 1 or values.size == 0 or not np.isfinite(values).all():
        raise param_error("cash_flows", func, "a non-empty sequence of finite numbers",
                          cash_flows)
    return values


def npv(rate: float, cash_flows: Sequence[float], *, first_period: int = 0) -> float:
    """Net present value of end-of-period cash flows at a discount ``rate``.

    Parameters
    ----------
    rate : float
        Discount rate per period, in [0, 1].
    cash_flows : sequence of float
        One value per period; costs negative, benefits positive.
    first_period : int
        Periods by which the first cash flow is discounted: 0 (default, an
        investment now) or 1 (as Excel's ``NPV``).

    Examples
    --------
    Excel's documentation example (an investment of 10,000 a year from today):

    >>> round(npv(0.10, [-10_000, 3_000, 4_200, 6_800], first_period=1), 2)
    1188.44
    >>> npv(0.0, [-100, 60, 60])
    20.0
    """
    check_number("rate", rate, func="npv", low=0, high=1)
    check_number("first_period", first_period, func="npv", low=0, integer=True)
    values = _flows(cash_flows, "npv")
    periods = np.arange(values.size) + first_period
    return float(np.sum(values / (1.0 + rate) ** periods))


def irr(cash_flows: Sequence[float], *, low: float = -0.99, high: float = 10.0) -> float:
    """Internal rate of return: the rate at which the NPV of ``cash_flows`` is zero.

    The first cash flow is at period 0. The root is searched in [low, high]
    with Brent's method; if the NPV has no sign change there (cash flows all of
    one sign, or no root in range) the IRR is undefined.

    Raises
    ------
    ParameterError
        If the cash flows do not change sign, or no rate in [low, high] makes
        the NPV zero.

    Examples
    --------
    Excel's documentation example:

    >>> round(irr([-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]) * 100, 2)
    8.66
    >>> round(irr([-70_000, 12_000, 15_000, 18_000, 21_000]) * 100, 2)
    -2.12
    """
    from scipy.optimize import brentq

    values = _flows(cash_flows, "irr")
    check_number("low", low, func="irr", low=-0.999999, high=high)
    check_number("high", high, func="irr", low=low)
    if not (values.min() < 0 < values.max()):
        raise param_error("cash_flows", "irr",
                          "cash flows with both signs (an outlay and a return)", list(values))
    periods = np.arange(values.size)

    def f(r: float) -> float:
        return float(np.sum(values / (1.0 + r) ** periods))

    grid = np.linspace(low, high, 400)
    signs = np.sign([f(r) for r in grid])
    change = np.nonzero(signs[:-1] * signs[1:] <= 0)[0]
    if change.size == 0:
        raise param_error("cash_flows", "irr",
                          f"cash flows whose NPV is zero at some rate in [{low}, {high}]",
                          list(values))
    i = int(change[0])
    return float(brentq(f, grid[i], grid[i + 1], xtol=1e-12, rtol=1e-12, maxiter=200))


@dataclass(frozen=True)
class MultiYear:
    """Cash flows of a programme over several years, with NPV and IRR.

    Attributes
    ----------
    table : DataFrame
        year (0 = the outlay), costs, benefits, net, discount_factor,
        discounted_net, cumulative_discounted.
    npv : float
        At ``discount_rate``.
    irr : float
        NaN where undefined (no sign change).
    discount_rate : float
    discounted_payback_year : float
        First year whose cumulative discounted net is >= 0 (NaN if never).
    """

    table: pd.DataFrame = field(repr=False)
    npv: float
    irr: float
    discount_rate: float
    discounted_payback_year: float

    def cash_flows(self) -> list[float]:
        return self.table["net"].tolist()


def multi_year(costs: float, annual_benefit: float, *, years: int, discount_rate: float,
               retention: Sequence[float] | None = None, recurring_costs: float = 0.0,
               short_program: bool = False) -> MultiYear:
    """The multi-year view of a programme: yearly cash flows, NPV and IRR.

    Year 0 carries the year-one costs (the outlay); year k (1..years) the
    benefits ``annual_benefit * retention[k-1]``, less ``recurring_costs``
    from year 2 on (year one's are in the outlay).

    Parameters
    ----------
    costs : float
        Fully loaded year-one costs (>= 0).
    annual_benefit : float
        Year-one monetary benefits.
    years : int
        Years of benefits (1 to 10).
    discount_rate : float
        In [0, 1].
    retention : sequence of float, optional
        Share of the year-one benefit kept in each year, each in [0, 1];
        default 1 every year.
    recurring_costs : float
        Costs incurred again each year after the first (>= 0).
    short_program : bool
        First-year benefits only (Phillips principle 9): later years get none.

    Examples
    --------
    >>> m = multi_year(100_000, 60_000, years=3, discount_rate=0.08,
    ...                retention=[1.0, 0.6, 0.3])
    >>> m.table["net"].tolist()
    [-100000.0, 60000.0, 36000.0, 18000.0]
    >>> round(m.npv, 2), round(m.irr * 100, 2)
    (708.73, 8.48)
    """
    func = "multi_year"
    check_number("costs", costs, func=func, low=0)
    check_number("annual_benefit", annual_benefit, func=func)
    check_number("years", years, func=func, low=1, high=10, integer=True)
    check_number("discount_rate", discount_rate, func=func, low=0, high=1)
    check_number("recurring_costs", recurring_costs, func=func, low=0)
    if retention is None:
        kept = [1.0] * years
    else:
        kept = list(retention)
        if len(kept) != years:
            raise param_error("retention", func, f"one share per year ({years})", kept)
        for share in kept:
            check_number("retention", share, func=func, low=0, high=1)
    if short_program:
        kept = [kept[0]] + [0.0] * (years - 1)
    year = np.arange(years + 1)
    benefit = np.array([0.0] + [annual_benefit * k for k in kept])
    cost = np.array([float(costs), 0.0] + [float(recurring_costs)] * (years - 1))
    net = benefit - cost
    factor = 1.0 / (1.0 + discount_rate) ** year
    discounted = net * factor
    cumulative = np.cumsum(discounted)
    table = pd.DataFrame({"year": year, "costs": cost, "benefits": benefit, "net": net,
                          "discount_factor": factor, "discounted_net": discounted,
                          "cumulative_discounted": cumulative})
    try:
        rate = irr(net)
    except Exception:  # undefined: no sign change or no root
        rate = math.nan
    paid = np.nonzero(cumulative >= 0)[0]
    payback_year = float(paid[0]) if paid.size and paid[0] > 0 else (
        0.0 if paid.size else math.nan)
    return MultiYear(table, float(cumulative[-1]), rate, float(discount_rate), payback_year)


def break_even_improvement(benefits: Benefits, costs: float) -> pd.DataFrame:
    """The improvement at which ROI is zero, for each measure (others held) and for all.

    For measure i with adjusted value per unit a_i = value x isolation x
    confidence, and the other measures' benefits B_-i, ROI is zero at an
    improvement of (costs - B_-i) / a_i (0 where the other measures already
    cover the costs). The last row scales every measure by the same factor:
    costs / benefits of the estimated improvement.

    Returns
    -------
    DataFrame
        measure, unit, annual_improvement, break_even_improvement,
        share_of_estimate (break-even / estimate).

    Examples
    --------
    >>> from ldkit.roi.benefits import BenefitMeasure, monetize_benefits
    >>> b = monetize_benefits([BenefitMeasure("Sales", annual_improvement=1000,
    ...                         value_per_unit=50, isolation_share=0.5,
    ...                         isolation_method="control group")])
    >>> break_even_improvement(b, 10_000)[["measure", "break_even_improvement"]].to_dict("list")
    {'measure': ['Sales', 'all measures'], 'break_even_improvement': [400.0, nan]}
    """
    if not isinstance(benefits, Benefits):
        raise param_error("benefits", "break_even_improvement", "a Benefits object", benefits)
    check_number("costs", costs, func="break_even_improvement", low=0)
    total = benefits.total
    rows = []
    for m in benefits.measures:
        per_unit = m.value * m.isolation * m.confidence
        others = total - m.benefit
        if not m.has_data or per_unit <= 0:
            needed = math.nan
        else:
            needed = max(0.0, (costs - others) / per_unit)
        estimate = m.improvement if m.has_data else math.nan
        share = needed / estimate if estimate and not math.isnan(needed) else math.nan
        rows.append((m.name, m.unit, estimate, needed, share))
    rows.append(("all measures", "", math.nan, math.nan,
                 costs / total if total > 0 else math.nan))
    return pd.DataFrame(rows, columns=["measure", "unit", "annual_improvement",
                                       "break_even_improvement", "share_of_estimate"])
