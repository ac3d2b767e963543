"""Tests of ldkit.roi.sensitivity: tornado (hand-checked) and Monte Carlo.

The Monte Carlo draws are checked against closed forms: the mean of a PERT(a, m, b)
is (a + 4m + b) / 6 and of a triangular (a + m + b) / 3 (Vose, 2008, *Risk
Analysis*), and for a triangular(a, m, b) P(X > m) = (b - m) / (b - a).
"""

from __future__ import annotations

import numpy as np
import pytest

from ldkit.errors import ParameterError
from ldkit.roi import (
    BenefitMeasure,
    CostItem,
    RoiCase,
    case_inputs,
    cost_model,
    monte_carlo,
    tornado,
    with_inputs,
)


def small_case(ranges=None, cost_range=(None, None)) -> RoiCase:
    costs = cost_model([CostItem("delivery", "Workshop", 100.0, low=cost_range[0],
                                 high=cost_range[1])], participants=10)
    measure = BenefitMeasure("Margin", annual_improvement=100.0, value_per_unit=2.0,
                             isolation_share=0.5, isolation_method="control group",
                             ranges=ranges or {})
    return RoiCase("Pilot", costs, (measure,))


def test_case_inputs():
    inputs = case_inputs(small_case({"annual_improvement": (50, 200)}))
    assert inputs["key"].tolist() == ["cost[0]", "benefit[0].annual_improvement",
                                      "benefit[0].value_per_unit", "benefit[0].isolation_share",
                                      "benefit[0].confidence_share"]
    assert inputs["base"].tolist() == [100, 100, 2, 0.5, 1.0]
    assert inputs["ranged"].tolist() == [False, True, False, False, False]


def test_tornado_hand_checked():
    # base: benefits 100 x 2 x 0.5 = 100 = costs: ROI 0
    t = tornado(small_case({"annual_improvement": (50, 200)}), spread=0.2)
    assert t["base_roi"].iloc[0] == 0
    row = t.set_index("key").loc["benefit[0].annual_improvement"]
    assert (row["roi_low"], row["roi_high"], row["range"]) == (-50.0, 100.0, "given")
    assert row["swing"] == 150
    cost = t.set_index("key").loc["cost[0]"]
    # costs 80: (100 - 80) / 80 = 25%; costs 120: -16.67%
    assert cost["roi_low"] == pytest.approx(25.0)
    assert cost["roi_high"] == pytest.approx(-100 / 6)
    confidence = t.set_index("key").loc["benefit[0].confidence_share"]
    assert (confidence["low"], confidence["high"]) == (0.8, 1.0)  # capped at 1
    assert t["key"].iloc[0] == "benefit[0].annual_improvement"  # widest swing first
    assert (t["swing"].diff().dropna() <= 0).all()


def test_monte_carlo_pert_mean_and_reproducibility():
    case = small_case({"annual_improvement": (50, 200)})
    mc = monte_carlo(case, draws=200_000, seed=3)
    # ROI is linear in the improvement: mean ROI = ROI at the PERT mean, 108.33
    pert_mean = (50 + 4 * 100 + 200) / 6
    assert mc.mean_roi_pct == pytest.approx(pert_mean - 100, abs=0.3)
    again = monte_carlo(case, draws=200_000, seed=3)
    assert np.array_equal(mc.roi_pct, again.roi_pct)
    assert mc.percentiles["percentile"].tolist() == [5, 10, 25, 50, 75, 90, 95]
    assert mc.inputs["key"].tolist() == ["benefit[0].annual_improvement"]


def test_monte_carlo_triangular_probability_closed_form():
    case = small_case({"annual_improvement": (50, 200)})
    mc = monte_carlo(case, draws=200_000, seed=5, distribution="triangular")
    # ROI > 0 iff improvement > 100, the mode: P = (200 - 100) / (200 - 50) = 2/3
    assert mc.prob_roi_positive == pytest.approx(2 / 3, abs=0.005)
    assert mc.mean_roi_pct == pytest.approx((50 + 100 + 200) / 3 - 100, abs=0.3)


def test_monte_carlo_needs_a_range_and_valid_settings():
    with pytest.raises(ParameterError, match="at least one input range"):
        monte_carlo(small_case(), draws=1_000)
    case = small_case({"annual_improvement": (50, 200)})
    with pytest.raises(ParameterError, match="The 'distribution' parameter of monte_carlo"):
        monte_carlo(case, distribution="normal")
    with pytest.raises(ParameterError, match="The 'draws' parameter of monte_carlo"):
        monte_carlo(case, draws=10)
    with pytest.raises(ParameterError, match="The 'spread' parameter of tornado"):
        tornado(case, spread=0)


def test_cost_range_is_drawn():
    mc = monte_carlo(small_case(cost_range=(80.0, 150.0)), draws=50_000, seed=1)
    assert mc.inputs["key"].tolist() == ["cost[0]"]
    assert 0 < mc.prob_roi_positive < 1


def test_with_inputs_builds_a_validated_scenario():
    case = small_case({"annual_improvement": (50, 200)}, cost_range=(80.0, 150.0))
    scenario = with_inputs(case, {"benefit[0].annual_improvement": 300, "cost[0]": 60})
    # 300 x 2 x 0.5 = 300 against 60: ROI 400%
    assert scenario.roi().roi_pct == pytest.approx(400.0)
    assert scenario.measures[0].ranges["annual_improvement"] == (50, 300)
    assert (scenario.costs.items[0].low, scenario.costs.items[0].high) == (60, 150)
    assert case.roi().roi_pct == 0  # the case itself is unchanged
    with pytest.raises(ParameterError, match="isolation_share"):
        with_inputs(case, {"benefit[0].isolation_share": 1.5})
    with pytest.raises(ParameterError, match="keyed by inputs of the case"):
        with_inputs(case, {"benefit[9].isolation_share": 0.5})
