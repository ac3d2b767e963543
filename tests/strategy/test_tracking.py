"""Plan against actual, variances, red/amber/green and the forecast on a hand-checked program.

The program of ``small_strategy`` runs Jan 1 - Apr 10 2026 (100 days): 100 completions,
100 hours, budget 10,000, hourly rate 50, expected application 0.6. Plan at the month ends
(elapsed share 0.31, 0.59, 0.90): completions 31, 59, 90; spend 3,100, 5,900, 9,000.
Actuals below: completions 25, 45, 66; hours 30, 30, 25 with costs 1,000, 1,000, 2,000, so
spend 2,500, 5,000, 8,250; follow-up answers 6 yes of 10 by January, then 4 more no.
"""

import math
from datetime import date

import pandas as pd
import pytest

from ldkit.errors import ParameterError
from ldkit.strategy import Actuals, forecast_completions, plan_vs_actual, program_status, rag_status
from ldkit.strategy.tracking import month_end, status_reasons


@pytest.fixture
def actuals(small_actuals) -> Actuals:
    return small_actuals


def test_plan_against_actual_by_month(small_strategy, actuals):
    t = plan_vs_actual(small_strategy, actuals, as_of=date(2026, 3, 31)).set_index("month")
    assert t.index.tolist() == ["2026-01", "2026-02", "2026-03"]
    assert t["planned_completions"].tolist() == pytest.approx([31, 59, 90])
    assert t["completions"].tolist() == [25, 45, 66]
    assert t["completion_variance"].tolist() == pytest.approx([-6 / 31, -14 / 59, -24 / 90])
    assert t["participants"].tolist() == [80, 80, 80]
    assert t["hours"].tolist() == [30, 60, 85]
    assert t["hours_variance"].tolist() == pytest.approx([-1 / 31, 1 / 59, -5 / 90])
    assert t["spend"].tolist() == [2500, 5000, 8250]
    assert t["spend_variance"].tolist() == pytest.approx([-600 / 3100, -900 / 5900,
                                                          -750 / 9000])
    # January's 6 of 10 beside March's 6 of 14 would tell that the 4 later answers were
    # all "no": four people, fewer than 5, so January's rate (and its count) is hidden
    assert t["application_responses"].tolist() == [pd.NA, 14, 14]
    assert t["application_rate"].tolist()[1:] == pytest.approx([6 / 14, 6 / 14])
    assert math.isnan(t["application_rate"].iloc[0])
    assert t["status"].tolist() == ["amber", "amber", "red"]
    shown = plan_vs_actual(small_strategy, actuals, as_of=date(2026, 3, 31), show_counts=True)
    assert shown["application_responses"].tolist() == [10, 14, 14]
    assert plan_vs_actual(small_strategy, actuals, as_of=date(2026, 3, 31),
                          min_group_size=4)["application_rate"].tolist() == pytest.approx(
        [0.6, 6 / 14, 6 / 14])


def test_application_rate_of_a_small_group_is_suppressed(small_strategy, actuals):
    t = plan_vs_actual(small_strategy, actuals, as_of=date(2026, 3, 31), min_group_size=12)
    assert t["application_rate"].isna().tolist() == [True, False, False]
    assert t["application_gap"].isna().tolist() == [True, False, False]


def test_mid_month_review_counts_closed_months_of_hours_only(small_strategy, actuals):
    t = plan_vs_actual(small_strategy, actuals, as_of=date(2026, 2, 14))
    last = t.iloc[-1]
    assert last["date"] == "2026-02-14"
    assert last["completions"] == 25 + 14  # completions on or before Feb 14
    assert last["hours"] == 30  # February's hours are counted once February has ended
    assert last["planned_completions"] == pytest.approx(45)  # 45 of 100 days


def test_status_with_forecast(small_strategy, actuals):
    as_of = date(2026, 3, 31)
    t = plan_vs_actual(small_strategy, actuals, as_of=as_of)
    s = program_status(small_strategy, t, as_of=as_of).iloc[0]
    assert s["status"] == "red"
    assert s["reasons"] == "completions 27% behind plan; application 17 points below expected"
    assert s["run_rate"] == pytest.approx(22.0)      # 66 completions over 3 months
    assert s["months_remaining"] == 1                # due in April
    assert s["forecast_completions"] == pytest.approx(88.0)
    assert s["forecast_share"] == pytest.approx(0.88)


def test_overspend_turns_red(small_strategy, actuals):
    over = actuals.hours.assign(cost=[1000.0, 1000.0, 5000.0])
    as_of = date(2026, 3, 31)
    t = plan_vs_actual(small_strategy, Actuals(actuals.completions, over, actuals.exclusions,
                                               actuals.counts), as_of=as_of)
    assert t["spend"].iloc[-1] == 11_250
    assert t["spend_variance"].iloc[-1] == pytest.approx(2250 / 9000)  # 25%: still amber
    assert status_reasons(t.iloc[-1]).startswith("completions 27% behind plan; spend 25% above")


def test_program_not_started(small_strategy, actuals):
    as_of = date(2025, 12, 31)
    t = plan_vs_actual(small_strategy, actuals, as_of=as_of)
    assert t.empty
    s = program_status(small_strategy, t, as_of=as_of).iloc[0]
    assert s["status"] == "not started"
    assert s["months_remaining"] == 4


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"completion_variance": -0.10}, "green"),   # exactly on the threshold: the better status
    ({"completion_variance": -0.11}, "amber"),
    ({"completion_variance": -0.25}, "amber"),
    ({"completion_variance": -0.26}, "red"),
    ({"completion_variance": 0.50}, "green"),    # ahead of plan is fine
    ({"spend_variance": 0.10}, "green"),
    ({"spend_variance": 0.11}, "amber"),
    ({"spend_variance": 0.26}, "red"),
    ({"spend_variance": -0.60}, "green"),        # underspend does not set the status
    ({"application_gap": -0.10}, "green"),
    ({"application_gap": -0.15}, "amber"),
    ({"application_gap": -0.21}, "red"),
    ({"completion_variance": float("nan"), "spend_variance": None}, "green"),
])
def test_rag_thresholds(kwargs, expected):
    values = {"completion_variance": None, "spend_variance": None, "application_gap": None}
    assert rag_status(**{**values, **kwargs}) == expected


def test_forecast_run_rate():
    assert forecast_completions([10, 25, 40, 52], months_remaining=2) == (14.0, 80.0)
    assert forecast_completions([10, 25, 40, 52], months_remaining=0) == (14.0, 52.0)
    assert forecast_completions([4], months_remaining=3) == (4.0, 16.0)
    assert forecast_completions([], months_remaining=3) == (0.0, 0.0)
    assert forecast_completions([0, 6, 12], months_remaining=2, window=1) == (6.0, 24.0)
    with pytest.raises(ParameterError, match="'window' parameter of forecast_completions"):
        forecast_completions([1], months_remaining=1, window=0)


def test_month_end():
    assert month_end("2026-02") == date(2026, 2, 28)
    assert month_end("2028-02") == date(2028, 2, 29)
