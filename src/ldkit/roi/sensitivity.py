"""How sure is the ROI? One-way tornado over every input, and Monte Carlo over ranges.

The inputs of a case (:func:`case_inputs`) are each cost line's loaded cost and
each benefit measure's annual improvement, value per unit, isolation share and
confidence share. A measure without data stays at zero (no data, no
improvement) and is not varied.

- :func:`tornado`: each input in turn at its low and its high, every other
  input at its base value; the ROI at both ends, sorted by swing. An input
  with no range given is moved by ``spread`` (20%) either side, shares capped
  at 1.
- :func:`monte_carlo`: every input with a range given is drawn from a
  triangular or PERT distribution (low, most likely = the value used, high),
  independently, with a seed; ROI percentiles and the probability that ROI > 0.

PERT is the beta distribution with shape parameters
alpha = 1 + 4 (m - a) / (b - a) and beta = 1 + 4 (b - m) / (b - a) on [a, b]
(Malcolm et al., 1959; Vose, 2008, *Risk Analysis*, 3rd ed., Wiley).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ldkit._params import check_choice, check_number, param_error

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.roi.model import RoiCase

__all__ = [
    "DISTRIBUTIONS",
    "MonteCarloResult",
    "case_inputs",
    "evaluate_inputs",
    "monte_carlo",
    "tornado",
    "with_inputs",
]

DISTRIBUTIONS = ("pert", "triangular")
PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
_SHARES = ("isolation_share", "confidence_share")
_LABELS = {"annual_improvement": "improvement", "value_per_unit": "value per unit",
           "isolation_share": "isolation share", "confidence_share": "confidence share"}


def case_inputs(case: RoiCase) -> pd.DataFrame:
    """Every input of the ROI of a case: key, label, kind, field, base, low, high, ranged.

    ``low`` and ``high`` are the ranges given in the case (NaN where none).

    Examples
    --------
    >>> from ldkit.roi.demo import example_case
    >>> case_inputs(example_case())[["key", "base"]].head(2).to_dict("list")
    {'key': ['cost[0]', 'cost[1]'], 'base': [18000.0, 60000.0]}
    """
    rows = []
    for i, item in enumerate(case.costs.items):
        rows.append((f"cost[{i}]", f"{item.item} (cost)", "cost", "cost", item.loaded,
                     item.low if item.has_range else math.nan,
                     item.high if item.has_range else math.nan))
    for j, m in enumerate(case.measures):
        if not m.has_data:
            continue
        base = {"annual_improvement": m.improvement, "value_per_unit": m.value,
                "isolation_share": m.isolation, "confidence_share": m.confidence}
        for key, value in base.items():
            low, high = m.ranges.get(key, (math.nan, math.nan))
            rows.append((f"benefit[{j}].{key}", f"{m.name}: {_LABELS[key]}", "benefit", key,
                         float(value), low, high))
    frame = pd.DataFrame(rows, columns=["key", "label", "kind", "field", "base", "low", "high"])
    frame["ranged"] = frame["low"].notna() & frame["high"].notna()
    return frame


def evaluate_inputs(case: RoiCase, values: dict[str, np.ndarray | float] | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Benefits and costs of a case with some inputs replaced (vectorized).

    ``values`` maps input keys (:func:`case_inputs`) to a number or an array;
    other inputs keep their base value. Returns (benefits, costs) as arrays.
    """
    values = values or {}
    known = set(case_inputs(case)["key"])
    unknown = [k for k in values if k not in known]
    if unknown:
        raise param_error("values", "evaluate_inputs", "keyed by inputs of the case", unknown[0])
    costs = np.zeros(1)
    for i, item in enumerate(case.costs.items):
        costs = costs + np.asarray(values.get(f"cost[{i}]", item.loaded), dtype="float64")
    benefits = np.zeros(1)
    for j, m in enumerate(case.measures):
        if not m.has_data:
            continue

        def get(key: str, base: float, j: int = j) -> np.ndarray:
            return np.asarray(values.get(f"benefit[{j}].{key}", base), dtype="float64")

        benefits = benefits + (get("annual_improvement", m.improvement)
                               * get("value_per_unit", m.value)
                               * get("isolation_share", m.isolation)
                               * get("confidence_share", m.confidence))
    size = max([benefits.size, costs.size])
    return np.broadcast_to(benefits, size).copy(), np.broadcast_to(costs, size).copy()


def _widen(low: float | None, high: float | None, value: float
           ) -> tuple[float | None, float | None]:
    """A range stretched to contain ``value`` (None stays None)."""
    if low is None or high is None:
        return low, high
    return min(low, value), max(high, value)


def with_inputs(case: RoiCase, values: Mapping[str, float]) -> RoiCase:
    """A scenario: the case with some inputs set to new values (keys of :func:`case_inputs`).

    A cost input replaces the loaded cost of its line; a benefit input replaces
    the value used (alternatives collapse to the one value). Ranges are
    stretched where needed to contain the new value. Everything is validated
    again, so a share outside [0, 1] or a negative cost is refused.

    Examples
    --------
    >>> from ldkit.roi.demo import example_case
    >>> case = example_case()
    >>> scenario = with_inputs(case, {"benefit[0].isolation_share": 0.3})
    >>> round(scenario.roi().roi_pct, 1), round(case.roi().roi_pct, 1)
    (4.7, 62.8)
    """
    import dataclasses

    known = set(case_inputs(case)["key"])
    unknown = [k for k in values if k not in known]
    if unknown:
        raise param_error("values", "with_inputs", "keyed by inputs of the case (case_inputs)",
                          unknown[0])
    items = []
    for i, item in enumerate(case.costs.items):
        key = f"cost[{i}]"
        if key in values:
            value = float(values[key])
            low, high = _widen(item.low, item.high, value)
            item = dataclasses.replace(item, amount=value, share=1.0, low=low, high=high)
        items.append(item)
    measures = []
    for j, m in enumerate(case.measures):
        changes: dict[str, object] = {}
        ranges = dict(m.ranges)
        for field_name in ("annual_improvement", "value_per_unit", "isolation_share",
                           "confidence_share"):
            key = f"benefit[{j}].{field_name}"
            if key in values:
                value = float(values[key])
                changes[field_name] = value
                if field_name in ranges:
                    ranges[field_name] = _widen(*ranges[field_name], value)
        if changes:
            m = dataclasses.replace(m, ranges=ranges, **changes)
        measures.append(m)
    costs = dataclasses.replace(case.costs, items=tuple(items))
    return dataclasses.replace(case, costs=costs, measures=tuple(measures))


def _roi_pct(benefits: np.ndarray, costs: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (benefits - costs) / costs * 100


def tornado(case: RoiCase, *, spread: float = 0.2) -> pd.DataFrame:
    """One-way sensitivity of the ROI to every input, widest swing first.

    Parameters
    ----------
    case : RoiCase
    spread : float
        For an input with no range given: low = base x (1 - spread), high =
        base x (1 + spread) (shares capped at 1). In (0, 1]; default 0.2.

    Returns
    -------
    DataFrame
        input (label), key, base, low, high, range ("given" or "+/-20%"),
        roi_low, roi_high (ROI % with the input at low and at high), swing
        (|roi_high - roi_low|), and base_roi.

    Examples
    --------
    >>> from ldkit.roi.demo import example_case
    >>> t = tornado(example_case())
    >>> bool((t["swing"].diff().dropna() <= 0).all())
    True
    """
    check_number("spread", spread, func="tornado", low=0.0, high=1.0)
    if spread == 0:
        raise param_error("spread", "tornado", "a number in (0, 1]", spread)
    inputs = case_inputs(case)
    b0, c0 = evaluate_inputs(case)
    base_roi = float(_roi_pct(b0, c0)[0])
    rows = []
    for row in inputs.itertuples(index=False):
        if row.ranged:
            low, high, how = row.low, row.high, "given"
        else:
            low, high = sorted((row.base * (1 - spread), row.base * (1 + spread)))
            if row.field in _SHARES:
                high = min(high, 1.0)
            how = f"+/-{spread:.0%}"
        b, c = evaluate_inputs(case, {row.key: np.array([low, high])})
        roi = _roi_pct(b, c)
        rows.append((row.label, row.key, row.base, low, high, how, float(roi[0]),
                     float(roi[1])))
    frame = pd.DataFrame(rows, columns=["input", "key", "base", "low", "high", "range",
                                        "roi_low", "roi_high"])
    frame["swing"] = (frame["roi_high"] - frame["roi_low"]).abs()
    frame["base_roi"] = base_roi
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class MonteCarloResult:
    """ROI over draws of the ranged inputs.

    Attributes
    ----------
    draws, seed : int
    distribution : str
    roi_pct, net_benefit : ndarray
        One value per draw.
    prob_roi_positive : float
        Share of draws with ROI > 0.
    percentiles : DataFrame
        percentile (5 ... 95), roi_pct, net_benefit.
    inputs : DataFrame
        The inputs drawn: key, label, low, mode, high.
    """

    draws: int
    seed: int
    distribution: str
    roi_pct: np.ndarray = field(repr=False)
    net_benefit: np.ndarray = field(repr=False)
    prob_roi_positive: float
    percentiles: pd.DataFrame = field(repr=False)
    inputs: pd.DataFrame = field(repr=False)

    @property
    def mean_roi_pct(self) -> float:
        return float(np.mean(self.roi_pct))


def _sample(low: float, mode: float, high: float, distribution: str, size: int,
            rng: np.random.Generator) -> np.ndarray:
    from scipy import stats

    if high <= low:
        return np.full(size, float(low))
    width = high - low
    if distribution == "triangular":
        dist = stats.triang((mode - low) / width, loc=low, scale=width)
    else:
        dist = stats.beta(1 + 4 * (mode - low) / width, 1 + 4 * (high - mode) / width,
                          loc=low, scale=width)
    return dist.rvs(size=size, random_state=rng)


def monte_carlo(case: RoiCase, *, draws: int = 10_000, seed: int = 0,
                distribution: str = "pert") -> MonteCarloResult:
    """Monte Carlo simulation of the ROI over the inputs' ranges.

    Parameters
    ----------
    case : RoiCase
        At least one input must have a range.
    draws : int
        Number of draws (100 to 1,000,000).
    seed : int
        Seed of the random generator (results are reproducible).
    distribution : {"pert", "triangular"}
        Shape of each input between its low and high, peaking at the value used.

    Returns
    -------
    MonteCarloResult

    Examples
    --------
    >>> from ldkit.roi.demo import example_case
    >>> mc = monte_carlo(example_case(), draws=2_000, seed=1)
    >>> 0 <= mc.prob_roi_positive <= 1, list(mc.percentiles["percentile"])[:3]
    (True, [5, 10, 25])
    """
    check_number("draws", draws, func="monte_carlo", low=100, high=1_000_000, integer=True)
    check_number("seed", seed, func="monte_carlo", low=0, integer=True)
    check_choice("distribution", distribution, DISTRIBUTIONS, func="monte_carlo")
    inputs = case_inputs(case)
    ranged = inputs[inputs["ranged"]]
    if ranged.empty:
        raise param_error("case", "monte_carlo",
                          "a case with at least one input range (low, high)", case.program)
    rng = np.random.default_rng(seed)
    values = {row.key: _sample(row.low, row.base, row.high, distribution, draws, rng)
              for row in ranged.itertuples(index=False)}
    benefits, costs = evaluate_inputs(case, values)
    roi = _roi_pct(benefits, costs)
    net = benefits - costs
    pct = pd.DataFrame({"percentile": list(PERCENTILES),
                        "roi_pct": np.percentile(roi, PERCENTILES),
                        "net_benefit": np.percentile(net, PERCENTILES)})
    drawn = ranged[["key", "label", "low", "base", "high"]].rename(columns={"base": "mode"})
    return MonteCarloResult(int(draws), int(seed), distribution, roi, net,
                            float(np.mean(roi > 0)), pct, drawn.reset_index(drop=True))
