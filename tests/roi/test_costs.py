"""Tests of ldkit.roi.costs: fully loaded costs per category and per participant.

Proration is pinned to Phillips & Phillips (2013), *Measuring the Success of Sales
Training*, chapter 11: design and development of 56,000 prorated over 110 users, 25
evaluated: 509 per participant, 12,725 (the book rounds the per-participant cost to
509 first; unrounded it is 12,727.27). The rest is hand-checked.
"""

from __future__ import annotations

import math
import re

import pytest

from ldkit.errors import ParameterError
from ldkit.roi import COST_CATEGORIES, CostItem, cost_model, design_development, participant_time


def test_design_development_prorated_as_in_phillips():
    item = design_development("Upgrade programme", 56_000, deliveries_evaluated=25,
                              deliveries_planned=110)
    assert round(item.amount / 110) == 509
    assert item.loaded == pytest.approx(12_727.27, abs=0.01)
    assert item.category == "design_development"
    assert "prorated over 110 planned deliveries, 25 evaluated" in item.basis


def test_participant_time_from_salary():
    # 82,000 x 1.32 / 1,760 = 61.50 an hour; 240 x 20 h x 61.50 = 295,200
    item = participant_time("Workshops", participants=240, hours=20, annual_salary=82_000,
                            benefits_factor=0.32, working_hours=1_760)
    assert item.loaded == pytest.approx(295_200)
    assert item.basis.startswith("240 participants x 20 h x 61.50/h")


def test_participant_time_from_rate():
    assert participant_time("x", participants=3, hours=2, hourly_rate=50).loaded == 300


def test_by_category_per_participant_and_total():
    model = cost_model([
        CostItem("delivery", "Facilitators", 8_000),
        CostItem("delivery", "Travel", 4_000, share=0.5),
        CostItem("evaluation", "Survey", 2_000),
        CostItem("technology", "LMS", 1_000, recurring=True),
    ], participants=40)
    table = model.by_category()
    assert table["category"].tolist() == [*COST_CATEGORIES.values(), "Total"]
    cost = dict(zip(table["category"], table["cost"], strict=True))
    assert (cost["Delivery"], cost["Evaluation"], cost["Total"]) == (10_000, 2_000, 13_000)
    assert model.per_participant == 325
    assert table["per_participant"].iloc[-1] == 325
    assert table["share_of_total"].iloc[-1] == 1.0
    assert model.recurring == 1_000
    assert model.missing_categories() == ["needs_assessment", "design_development",
                                          "participant_time", "overhead"]
    assert model.lines()["cost"].tolist() == [8_000, 2_000, 2_000, 1_000]


def test_no_participants_gives_nan_per_participant():
    assert math.isnan(cost_model([CostItem("delivery", "x", 1)], participants=0)
                      .per_participant)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"amount": -1}, "The 'amount' parameter of CostItem 'Workshop' must be a number in "
                     "[0, inf]. Got -1."),
    ({"share": 1.5}, "The 'share' parameter of CostItem 'Workshop' must be a number in "
                     "[0, 1]. Got 1.5."),
    ({"category": "catering"}, "The 'category' parameter of CostItem 'Workshop' must be one of"),
    ({"low": 900, "high": 800}, "must be at most high"),
    ({"low": 1200, "high": 1500}, "at most the loaded cost"),
])
def test_bad_cost_items(kwargs, message):
    args = {"category": "delivery", "item": "Workshop", "amount": 1_000} | kwargs
    with pytest.raises(ParameterError, match=re.escape(message)):
        CostItem(**args)


def test_bad_proration_and_time():
    with pytest.raises(ParameterError, match="deliveries_evaluated"):
        design_development("x", 10, deliveries_evaluated=5, deliveries_planned=2)
    with pytest.raises(ParameterError, match="hourly_rate"):
        participant_time("x", participants=1, hours=1)
    with pytest.raises(ParameterError, match="cost_model"):
        cost_model(["not a line"], participants=1)
