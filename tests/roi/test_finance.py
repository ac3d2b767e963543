"""Tests of ldkit.roi.finance: NPV, IRR, the multi-year view, the break-even improvement.

NPV and IRR are pinned to the worked examples of Microsoft Excel's documentation:
NPV(10%, -10,000 at the end of year 1, 3,000, 4,200, 6,800) = 1,188.44;
IRR(-70,000, 12,000, 15,000, 18,000, 21,000, 26,000) = 8.66%, the first four years
-2.12%, the first two years (guess -10%) -44.35%.
"""

from __future__ import annotations

import math

import pytest

from ldkit.errors import ParameterError
from ldkit.roi import (
    BenefitMeasure,
    break_even_improvement,
    irr,
    monetize_benefits,
    multi_year,
    npv,
    phillips_roi,
)

EXCEL_IRR = [-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]


def test_npv_excel_documentation_example():
    assert npv(0.10, [-10_000, 3_000, 4_200, 6_800], first_period=1) == pytest.approx(
        1_188.44, abs=0.005)


def test_npv_first_flow_now_by_default():
    # -1,000 now + 1,100 in a year at 10% = 0
    assert npv(0.10, [-1_000, 1_100]) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(("flows", "expected"), [
    (EXCEL_IRR, 8.66), (EXCEL_IRR[:5], -2.12), (EXCEL_IRR[:3], -44.35),
])
def test_irr_excel_documentation_examples(flows, expected):
    rate = irr(flows)
    assert round(rate * 100, 2) == expected
    assert sum(f / (1 + rate) ** t for t, f in enumerate(flows)) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(("call", "name"), [
    (lambda: npv(1.5, [1, 2]), "rate"),
    (lambda: npv(-0.1, [1, 2]), "rate"),
    (lambda: npv(0.1, []), "cash_flows"),
    (lambda: irr([100, 200]), "cash_flows"),
    (lambda: multi_year(100, 50, years=2, discount_rate=1.2), "discount_rate"),
    (lambda: multi_year(-100, 50, years=2, discount_rate=0.1), "costs"),
    (lambda: multi_year(100, 50, years=2, discount_rate=0.1, retention=[1.0]), "retention"),
    (lambda: multi_year(100, 50, years=2, discount_rate=0.1, retention=[1.0, 1.4]),
     "retention"),
])
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises(ParameterError, match=f"The '{name}' parameter"):
        call()


def test_multi_year_hand_checked():
    # -100,000 + 60,000/1.08 + 36,000/1.08^2 + 18,000/1.08^3 = 708.73
    m = multi_year(100_000, 60_000, years=3, discount_rate=0.08, retention=[1.0, 0.6, 0.3])
    assert m.table["net"].tolist() == [-100_000, 60_000, 36_000, 18_000]
    assert m.npv == pytest.approx(708.73, abs=0.005)
    assert m.irr == pytest.approx(irr([-100_000, 60_000, 36_000, 18_000]))
    assert m.npv == pytest.approx(npv(0.08, m.cash_flows()))
    assert m.discounted_payback_year == 3.0


def test_recurring_costs_from_year_two_and_short_programmes():
    m = multi_year(1_000, 800, years=3, discount_rate=0.0, recurring_costs=100)
    assert m.table["costs"].tolist() == [1_000, 0, 100, 100]
    assert m.npv == pytest.approx(-1_000 + 800 + 700 + 700)
    short = multi_year(1_000, 800, years=3, discount_rate=0.0, short_program=True)
    assert short.table["benefits"].tolist() == [0, 800, 0, 0]
    assert math.isnan(short.irr) is False and short.irr < 0
    assert math.isnan(short.discounted_payback_year)


def test_break_even_improvement_gives_zero_roi():
    sales = BenefitMeasure("Sales", annual_improvement=1_000, value_per_unit=50,
                           isolation_share=0.5, isolation_method="control group")
    time = BenefitMeasure("Time", annual_improvement=100, value_per_unit=20, isolation_share=1,
                          isolation_method="trend line")
    b = monetize_benefits([sales, time])
    table = break_even_improvement(b, 20_000)
    # sales per unit 25; the other measure brings 2,000; (20,000 - 2,000) / 25 = 720
    assert table["break_even_improvement"].iloc[0] == pytest.approx(720)
    assert table["share_of_estimate"].iloc[0] == pytest.approx(0.72)
    # time per unit 20; sales bring 25,000 >= costs: already covered
    assert table["break_even_improvement"].iloc[1] == 0
    assert table["share_of_estimate"].iloc[-1] == pytest.approx(20_000 / 27_000)
    at_break_even = BenefitMeasure("Sales", annual_improvement=720, value_per_unit=50,
                                   isolation_share=0.5, isolation_method="control group")
    roi = phillips_roi(monetize_benefits([at_break_even, time]), 20_000)
    assert roi.roi_pct == pytest.approx(0.0, abs=1e-9)
