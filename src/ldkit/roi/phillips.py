"""Phillips level 5: benefit-cost ratio, ROI, net benefit and payback.

::

    BCR          = benefits / costs
    ROI %        = (benefits - costs) / costs x 100     (not benefits / costs x 100)
    net benefit  = benefits - costs
    payback      = costs / (annual benefits / 12) months

References
----------
Phillips, J. J., & Phillips, P. P. (2016). *Handbook of Training Evaluation and
Measurement Methods* (4th ed.). Routledge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ldkit._params import check_number, param_error
from ldkit.roi.benefits import BenefitMeasure, Benefits, monetize_benefits
from ldkit.roi.costs import COST_CATEGORIES, CostItem, CostModel, cost_model

__all__ = ["RoiResult", "phillips_roi"]


@dataclass(frozen=True)
class RoiResult:
    """The ROI of a programme (year one), with the rules applied to get there.

    Attributes
    ----------
    benefits, costs : float
        Annual monetary benefits (after adjustments) and fully loaded costs.
    bcr : float
        Benefit-cost ratio.
    roi_pct : float
        ROI in percent.
    net_benefit : float
        Benefits minus costs.
    payback_months : float
        Months of benefits that repay the costs (inf without benefits).
    rules : tuple of str
        Every conservative rule applied, one sentence each.
    benefit_table, cost_table : DataFrame or None
        The tables behind the numbers when tables were given.
    """

    benefits: float
    costs: float
    bcr: float
    roi_pct: float
    net_benefit: float
    payback_months: float
    rules: tuple[str, ...] = ()
    benefit_table: pd.DataFrame | None = field(default=None, repr=False)
    cost_table: pd.DataFrame | None = field(default=None, repr=False)

    def summary(self) -> pd.DataFrame:
        """Metric / value rows: benefits, costs, net benefit, BCR, ROI %, payback months."""
        return pd.DataFrame({
            "metric": ["benefits", "costs", "net_benefit", "bcr", "roi_pct", "payback_months"],
            "value": [self.benefits, self.costs, self.net_benefit, self.bcr, self.roi_pct,
                      self.payback_months],
        })


def _measures_from_table(table: pd.DataFrame) -> list[BenefitMeasure]:
    """Benefit measures from a benefit table (the columns of ``Benefits.table()``)."""
    needed = ("measure", "annual_improvement", "value_per_unit", "isolation_share")
    missing = [c for c in needed if c not in table]
    if missing:
        raise param_error("benefits", "phillips_roi",
                          f"a benefit table with columns {', '.join(needed)}",
                          f"a table without {missing[0]!r}")

    def get(row: Any, key: str) -> Any:
        value = getattr(row, key, None)
        return None if value is None or pd.isna(value) else value

    return [BenefitMeasure(
        str(row.measure), get(row, "annual_improvement"), get(row, "value_per_unit"),
        isolation_share=get(row, "isolation_share"),
        isolation_method=get(row, "isolation_method") or "",
        confidence_share=get(row, "confidence_share"), unit=get(row, "unit") or "")
        for row in table.itertuples(index=False)]


def _as_benefits(value: Any) -> tuple[float, Benefits | None]:
    if isinstance(value, pd.DataFrame):
        value = monetize_benefits(_measures_from_table(value))
    if isinstance(value, Benefits):
        return value.total, value
    if isinstance(value, BenefitMeasure):
        value = [value]
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        items = list(value)
        if items and all(isinstance(i, BenefitMeasure) for i in items):
            b = monetize_benefits(items)
            return b.total, b
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise param_error("benefits", "phillips_roi",
                          "a number, a Benefits object or a list of BenefitMeasure", value)
    check_number("benefits", value, func="phillips_roi")
    return float(value), None


def _as_costs(value: Any, participants: int | None) -> tuple[float, CostModel | None]:
    if isinstance(value, pd.DataFrame):
        if "cost" not in value:
            raise param_error("costs", "phillips_roi", "a cost table with a 'cost' column",
                              "a table without 'cost'")
        rows = value[value["category"] != "Total"] if "category" in value else value
        value = float(pd.to_numeric(rows["cost"], errors="raise").sum())
    if isinstance(value, CostModel):
        model = value
    elif (isinstance(value, Iterable) and not isinstance(value, str | bytes)
          and (items := list(value)) and all(isinstance(i, CostItem) for i in items)):
        model = cost_model(items, participants=participants or 0)
    else:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise param_error("costs", "phillips_roi",
                              "a number, a CostModel or a list of CostItem", value)
        check_number("costs", value, func="phillips_roi", low=0)
        model = None
        total = float(value)
    if model is not None:
        total = model.total
    if not total > 0:
        raise param_error("costs", "phillips_roi", "positive (ROI is undefined without costs)",
                          total)
    return total, model


def phillips_roi(benefits: float | Benefits | Iterable[BenefitMeasure] | pd.DataFrame,
                 costs: float | CostModel | Iterable[CostItem] | pd.DataFrame, *,
                 participants: int | None = None) -> RoiResult:
    """Benefit-cost ratio, ROI %, net benefit and payback of a programme.

    Parameters
    ----------
    benefits : float, Benefits, list of BenefitMeasure, or DataFrame
        Annual monetary benefits, or the benefit measures, or a benefit table
        (columns of ``Benefits.table()``): the conservative rules are applied
        (see :func:`ldkit.roi.monetize_benefits`).
    costs : float, CostModel, list of CostItem, or DataFrame
        Fully loaded costs, the cost lines, or a cost table with a ``cost``
        column (``CostModel.lines()`` or ``.by_category()``; a "Total" row is
        not counted twice).
    participants : int, optional
        For a list of cost lines: the number of participants.

    Returns
    -------
    RoiResult

    Notes
    -----
    BCR = B / C; ROI % = (B - C) / C x 100; payback = C / (B / 12) months.
    With tables, the result lists the rules applied, including whether the
    costs are fully loaded (every cost category present).

    Examples
    --------
    The checks of the domain primer:

    >>> r = phillips_roi(750_000, 425_000)
    >>> round(r.bcr, 2), round(r.roi_pct), r.net_benefit, round(r.payback_months, 1)
    (1.76, 76, 325000.0, 6.8)
    >>> r = phillips_roi(60_000, 20_000)
    >>> r.bcr, r.roi_pct, r.payback_months
    (3.0, 200.0, 4.0)
    """
    b_total, b_model = _as_benefits(benefits)
    c_total, c_model = _as_costs(costs, participants)
    rules: list[str] = list(b_model.rules) if b_model is not None else []
    if c_model is not None:
        missing = c_model.missing_categories()
        if missing:
            names = ", ".join(COST_CATEGORIES[c] for c in missing)
            rules.append(f"Costs fully loaded (principle 10): {len(c_model.items)} cost lines; "
                         f"no cost given for {names} (counted as 0).")
        else:
            rules.append(f"Costs fully loaded (principle 10): {len(c_model.items)} cost lines "
                         "in all seven categories.")
    net = b_total - c_total
    payback = c_total / (b_total / 12) if b_total > 0 else math.inf
    return RoiResult(
        benefits=b_total, costs=c_total, bcr=b_total / c_total, roi_pct=net / c_total * 100,
        net_benefit=net, payback_months=payback, rules=tuple(rules),
        benefit_table=b_model.table() if b_model is not None else None,
        cost_table=c_model.by_category() if c_model is not None else None,
    )
