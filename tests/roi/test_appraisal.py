"""Tests of ldkit.roi.appraisal: weighted options, robustness to the weights, staffing.

All values hand-checked. The robustness measure follows the weighted-sum sensitivity
analysis of Triantaphyllou & Sanchez (1997), Decision Sciences 28(1): the weight of one
criterion changes, the others keep their proportions, until the top option ties.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ldkit.errors import ParameterError
from ldkit.roi import RoleCost, appraise_options, staffing_case

SCORES = pd.DataFrame({"cost": [4, 2, 3], "quality": [2, 5, 5]},
                      index=["build", "buy", "partner"])


def test_ranking_and_flip_weights():
    a = appraise_options(SCORES, {"cost": 1, "quality": 1}, title="Delivery")
    assert a.ranking["option"].tolist() == ["partner", "buy", "build"]
    assert a.ranking["weighted_score"].tolist() == [4.0, 3.5, 3.0]
    assert a.ranking["gap_to_top"].tolist() == [0.0, 0.5, 1.0]
    # cost weight t: partner 5 - 2t, build 2 + 2t: tie at t = 0.75
    robust = a.robustness.set_index("criterion")
    assert robust.loc["cost", "flip_weight"] == pytest.approx(0.75)
    assert robust.loc["cost", "change"] == pytest.approx(0.25)
    assert robust.loc["cost", "new_top"] == "build"
    assert robust.loc["quality", "flip_weight"] == pytest.approx(0.25)
    assert a.top == "partner"
    assert a.critical["change"] == pytest.approx(0.25)


def test_flipped_weights_really_tie():
    a = appraise_options(SCORES, {"cost": 0.5, "quality": 0.5})
    t = a.robustness.set_index("criterion").loc["cost", "flip_weight"]
    tied = appraise_options(SCORES, {"cost": t, "quality": 1 - t})
    assert tied.ranking["weighted_score"].iloc[0] == pytest.approx(
        tied.ranking["weighted_score"].iloc[1])


def test_tidy_rfp_scores_are_averaged_and_must_pass_excludes():
    tidy = pd.DataFrame({
        "option": ["A", "A", "A", "A", "B", "B", "B", "B"],
        "criterion": ["fit", "fit", "gxp", "gxp"] * 2,
        "evaluator": ["e1", "e2"] * 4,
        "score": [4, 2, 5, 5, 5, 5, 2, 2],
    })
    a = appraise_options(tidy, {"fit": 0.7, "gxp": 0.3}, must_pass={"gxp": 3})
    assert a.scores.loc["A", "fit"] == 3.0
    assert a.ranking["option"].tolist() == ["A"]
    assert a.excluded.to_dict("records") == [{"option": "B", "reason": "gxp 2 < 3"}]
    assert math.isnan(a.robustness["flip_weight"].iloc[0])  # nothing left to flip to


def test_robust_when_one_option_dominates():
    a = appraise_options(pd.DataFrame({"x": [5, 1], "y": [5, 1]}, index=["p", "q"]),
                         {"x": 1, "y": 1})
    assert a.robustness["flip_weight"].isna().all()
    assert a.critical is None


@pytest.mark.parametrize(("weights", "match"), [
    ({"cost": 1}, "a weight for every criterion scored"),
    ({"cost": 1, "quality": 1, "speed": 1}, "weights of criteria that are scored"),
    ({"cost": -1, "quality": 1}, r"The 'weights\['cost'\]' parameter"),
    ({"cost": 0, "quality": 0}, "positive sum"),
])
def test_bad_weights(weights, match):
    with pytest.raises(ParameterError, match=match):
        appraise_options(SCORES, weights)


def test_missing_score_is_named():
    tidy = pd.DataFrame({"option": ["A", "A", "B"], "criterion": ["x", "y", "x"],
                         "score": [1, 2, 3]})
    with pytest.raises(ParameterError, match="none for B on y"):
        appraise_options(tidy, {"x": 1, "y": 1})


def test_staffing_case_hand_checked():
    roles = [RoleCost("Strategist", 1, 100_000, benefits_rate=0.3, overhead_per_fte=10_000,
                      recruitment=20_000),
             RoleCost("LMS Administrator", 0.5, 60_000, benefits_rate=0.3)]
    # annual: 1 x (130,000 + 10,000) + 0.5 x 78,000 = 179,000; year 1 + 20,000 recruitment
    retained = [RoleCost("Vendor manager", 0.2, 90_000)]
    case = staffing_case(roles, outsourcing_fee=150_000, retained=retained,
                         transition_cost=25_000, years=2, discount_rate=0.1)
    assert case.years["in_house"].tolist() == [199_000, 179_000]
    assert case.years["outsourced"].tolist() == [193_000, 168_000]
    assert case.npv_in_house == pytest.approx(199_000 / 1.1 + 179_000 / 1.21)
    assert case.npv_outsourced == pytest.approx(193_000 / 1.1 + 168_000 / 1.21)
    assert case.cheaper == "outsourced"
    assert case.saving == pytest.approx(6_000 / 1.1 + 11_000 / 1.21)
    assert case.roles["annual_cost"].tolist() == [140_000, 39_000, 18_000]


def test_staffing_growth_and_bad_input():
    case = staffing_case([RoleCost("PM", 1, 100_000)], outsourcing_fee=100_000, years=2,
                         discount_rate=0, salary_growth=0.05, fee_growth=0.1)
    assert case.years["in_house"].tolist() == [100_000, 105_000]
    assert case.years["outsourced"].tolist() == [100_000, pytest.approx(110_000)]
    with pytest.raises(ParameterError, match="The 'discount_rate' parameter of staffing_case"):
        staffing_case([RoleCost("PM", 1, 1)], outsourcing_fee=1, discount_rate=2)
    with pytest.raises(ParameterError, match="The 'salary' parameter of RoleCost 'PM'"):
        RoleCost("PM", 1, -5)
