"""Tests of ldkit.roi.benefits: the conservative rules are enforced, not just documented.

Benefit = improvement x value per unit x isolation share x confidence share. The
control-group case is Phillips & Phillips (2013), *Measuring the Success of Sales
Training*, chapter 11 (Table 11-6): 3,800 USD a month more than the control group,
x 12 x 25 associates = 1,140,000; at a 20% margin, 228,000. Other values hand-checked.
"""

from __future__ import annotations

import math
import re

import pytest

from ldkit.errors import ParameterError, ValidationError
from ldkit.roi import BenefitMeasure, Intangible, monetize_benefits


def test_control_group_case_from_phillips():
    m = BenefitMeasure("Upgrade sales", annual_improvement=3_800 * 12 * 25,
                       value_per_unit=0.20, isolation_share=1.0,
                       isolation_method="control group")
    assert m.improvement == 1_140_000
    assert monetize_benefits([m]).total == pytest.approx(228_000)


def test_isolation_and_confidence_multiply():
    # 6 incidents x 25,000 x 0.5 x 0.8 = 60,000
    m = BenefitMeasure("Incidents", annual_improvement=6, value_per_unit=25_000,
                       isolation_share=0.5, isolation_method="expert estimate",
                       confidence_share=0.8)
    assert m.benefit == 60_000


def test_missing_isolation_is_refused_with_what_to_add():
    m = BenefitMeasure("Sales per rep", annual_improvement=1_000, value_per_unit=10)
    with pytest.raises(ValidationError) as err:
        monetize_benefits([m])
    problem = err.value.problems[0]
    assert "benefit 'Sales per rep' has no isolation share" in problem.message
    assert problem.hint.startswith("add 'isolation: {method: control group, share: 0.6}'")
    assert problem.location.field == "benefits[0].isolation"


def test_unadjusted_estimate_is_refused():
    m = BenefitMeasure("Time saved", annual_improvement=100, value_per_unit=50,
                       isolation_share=0.5, isolation_method="participant estimate")
    with pytest.raises(ValidationError, match="without a confidence share") as err:
        monetize_benefits([m])
    assert err.value.problems[0].hint == ("add 'confidence: 0.7', the estimators' average "
                                          "confidence in [0, 1]")


def test_an_estimate_flag_needs_confidence_too():
    m = BenefitMeasure("Time saved", annual_improvement=100, isolation_share=1,
                       isolation_method="trend line", estimate=True)
    with pytest.raises(ValidationError, match="is an estimate"):
        monetize_benefits([m])


def test_every_problem_at_once():
    measures = [BenefitMeasure("A", annual_improvement=1),
                BenefitMeasure("B", annual_improvement=1, isolation_share=0.5,
                               isolation_method="manager estimate")]
    with pytest.raises(ValidationError) as err:
        monetize_benefits(measures)
    assert [p.location.field for p in err.value.problems] == ["benefits[0].isolation",
                                                             "benefits[1].confidence"]


def test_no_data_means_no_improvement():
    m = BenefitMeasure("Retention", annual_improvement=None, value_per_unit=40_000)
    b = monetize_benefits([m])
    assert b.total == 0
    assert b.table()["note"].iloc[0] == "no data: no improvement assumed"
    assert math.isnan(b.table()["annual_improvement"].iloc[0])
    assert "No data, no improvement (principle 6): Retention counts as 0." in b.rules


def test_most_conservative_alternative_is_used_and_listed():
    m = BenefitMeasure("Margin", annual_improvement=[1_200, 900], value_per_unit=[0.32, 0.30],
                       isolation_share=[0.6, 0.5], isolation_method="control group")
    assert (m.improvement, m.value, m.isolation) == (900, 0.30, 0.5)
    b = monetize_benefits([m])
    assert b.total == pytest.approx(900 * 0.30 * 0.5)
    assert ("Most conservative alternative (principle 4): Margin: annual improvement 900 of "
            "1,200, 900.") in b.rules
    assert "lowest of 2 value per unit values" in b.table()["note"].iloc[0]


def test_measured_data_has_confidence_one():
    m = BenefitMeasure("Margin", annual_improvement=100, isolation_share=0.5,
                       isolation_method="control group")
    assert m.confidence == 1.0 and not m.is_estimate


def test_rules_for_short_programmes_and_intangibles():
    m = BenefitMeasure("Margin", annual_improvement=100, isolation_share=1,
                       isolation_method="control group")
    b = monetize_benefits([m], intangibles=[Intangible("Engagement")], short_program=True)
    assert b.rules == (
        "Effects isolated (principle 5) for every measure with data (1): control group.",
        "First-year benefits only (principle 9): a short programme; no benefit after year one "
        "is counted.",
        "Intangibles listed, not converted to money (principle 11): Engagement.",
    )
    assert b.intangibles_table().columns.tolist() == ["intangible", "description", "evidence"]


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"isolation_share": 1.2}, "isolation_share"),
    ({"isolation_share": -0.1}, "isolation_share"),
    ({"confidence_share": 2}, "confidence_share"),
    ({"value_per_unit": -3}, "value_per_unit"),
    ({"isolation_method": "gut feeling"}, "isolation_method"),
    ({"ranges": {"isolation_share": [0.6, 0.4]}}, "ranges['isolation_share']"),
    ({"ranges": {"isolation_share": [0.1, 0.3]}}, "ranges['isolation_share']"),
    ({"ranges": {"annual_improvement": [5]}}, "ranges['annual_improvement']"),
    ({"ranges": {"colour": [1, 2]}}, "ranges"),
])
def test_bad_values_name_the_input(kwargs, name):
    args = {"name": "Margin", "annual_improvement": 100, "isolation_share": 0.5,
            "isolation_method": "control group"} | kwargs
    with pytest.raises(ParameterError,
                       match=re.escape(f"The '{name}' parameter of BenefitMeasure 'Margin'")):
        BenefitMeasure(**args)


def test_intangible_needs_a_name():
    with pytest.raises(ParameterError):
        Intangible("")
