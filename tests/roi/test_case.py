"""Tests of ldkit.roi.case: reading CASE.yaml, every problem at once with its line."""

from __future__ import annotations

import textwrap

import pytest

from ldkit.errors import InputFileNotFoundError, UnsupportedFormatError, ValidationError
from ldkit.roi import EXAMPLE_CASE, analyse_case, case_from_dict, read_case

GOOD = """\
program: Pilot
participants: 20
costs:
  - {category: delivery, item: Workshop, amount: 20000}
benefits:
  - name: Margin
    annual_improvement: 60000
    value_per_unit: 1
    isolation: {method: control group, share: 1.0}
"""


def write(tmp_path, text: str):
    path = tmp_path / "case.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path, text: str):
    with pytest.raises(ValidationError) as err:
        read_case(write(tmp_path, text))
    return err.value.problems


def test_small_case_reads_and_gives_the_domain_check(tmp_path):
    case = read_case(write(tmp_path, GOOD))
    roi = case.roi()
    assert (roi.bcr, roi.roi_pct) == (3.0, 200.0)
    assert case.costs.participants == 20 and case.short_program is True


def test_example_case_reads_in_full():
    case = read_case(EXAMPLE_CASE)
    assert case.program == "Commercial excellence programme"
    assert len(case.costs.items) == 10 and case.costs.missing_categories() == []
    assert case.costs.total == pytest.approx(564_700)
    assert [m.name for m in case.measures][-1] == "Key-account retention"
    assert case.multi_year.years == 3 and case.distribution == "pert" and case.seed == 11
    assert [o.title for o in case.options] == ["Delivery model for the programme",
                                               "Learning platform (RFP)"]
    assert len(case.staffing.in_house) == 3


def test_example_case_results():
    a = analyse_case(read_case(EXAMPLE_CASE), draws=2_000)
    # benefits: 5,472,000 x 0.30 x 0.5 + 450 x 490 x 0.5 x 0.7 + 6 x 12,000 x 0.4 x 0.75
    assert a.roi.benefits == pytest.approx(820_800 + 77_175 + 21_600)
    assert round(a.roi.roi_pct, 2) == 62.84
    assert a.appraisals[0].top == "Strategic learning partnership"
    assert a.appraisals[1].excluded["option"].tolist() == ["Platform C"]


def test_missing_isolation_says_what_to_add_with_the_line(tmp_path):
    text = GOOD.replace("    isolation: {method: control group, share: 1.0}\n", "")
    [problem] = problems(tmp_path, text)
    assert problem.location.line == 6
    assert problem.location.field == "benefits[0]"
    assert "benefit 'Margin' has no isolation share" in problem.message
    assert "add 'isolation: {method: control group, share: 0.6}'" in problem.hint


def test_unadjusted_estimate_is_refused(tmp_path):
    text = GOOD.replace("control group", "participant estimate")
    [problem] = problems(tmp_path, text)
    assert "without a confidence share" in problem.message
    assert problem.location.line == 6


def test_every_problem_at_once_with_lines(tmp_path):
    text = """\
    program: Pilot
    participants: 20
    costs:
      - {category: delivery, item: Workshop, amount: -200}
      - {category: catering, item: Lunch, amount: 50}
      - {category: technology, item: LMS, amount: 100, range: [150, 90]}
    benefits:
      - name: Margin
        annual_improvement: 600
        value_per_unit: 1
        isolation: {method: control group, share: 1.4}
        confidence: 60
        colour: blue
    intangibles:
      - {name: Engagement, value: 5000}
    multi_year: {years: 3, discount_rate: 8}
    """
    found = {(p.location.line, p.location.field): p for p in problems(tmp_path, text)}
    assert "'amount' is negative (-200)" in found[(4, "costs[0].amount")].message
    assert "unknown cost category 'catering'" in found[(5, "costs[1].category")].message
    assert "the low end 150 is above the high end 90" in found[(6, "costs[2].range")].message
    share = found[(11, "benefits[0].isolation.share")]
    assert share.message == "'share' must be in [0, 1] (a share), got 1.4"
    assert share.hint == "write shares as decimals in [0, 1]: 60% is 0.6"
    assert "got 60" in found[(12, "benefits[0].confidence")].message
    assert found[(13, "benefits[0].colour")].message == "unknown key 'colour'"
    assert "never converted to money" in found[(15, "intangibles[0].value")].message
    rate = found[(16, "multi_year.discount_rate")]
    assert rate.message == ("'discount_rate' must be in [0, 1] (a discount rate as a decimal: "
                            "8% is 0.08), got 8")
    assert len(found) == 8


def test_range_must_contain_the_value_used(tmp_path):
    text = GOOD.replace("    isolation: {method: control group, share: 1.0}\n",
                        "    isolation: {method: control group, share: 0.5}\n"
                        "    ranges: {isolation_share: [0.6, 0.9]}\n")
    [problem] = problems(tmp_path, text)
    assert "a range that contains the value used (0.5)" in problem.message
    assert problem.location.line == 10


def test_options_and_staffing_problems(tmp_path):
    text = GOOD + textwrap.dedent("""\
    options:
      - title: Model
        weights: {cost: 1, quality: 1}
        scores:
          build: {cost: 3}
          buy: {cost: 4, quality: 2, speed: 5}
    staffing:
      discount_rate: 1.5
      in_house:
        - {role: PM, fte: 1, salary: -3}
    """)
    messages = [p.message for p in problems(tmp_path, text)]
    assert "option 'build' has no score for quality" in messages
    assert "criterion 'speed' of option 'buy' has no weight" in messages
    assert any(m.startswith("'discount_rate' must be in [0, 1]") for m in messages)
    assert any("'salary' is negative" in m for m in messages)
    assert "'outsourcing' is missing" in messages


def test_not_a_case_and_bad_files(tmp_path):
    with pytest.raises(ValidationError, match="is not an ROI case"):
        case_from_dict(["a", "list"])
    with pytest.raises(InputFileNotFoundError):
        read_case(tmp_path / "missing.yaml")
    (tmp_path / "case.txt").write_text("x")
    with pytest.raises(UnsupportedFormatError):
        read_case(tmp_path / "case.txt")


def test_zero_participants_is_an_error(tmp_path):
    """An ROI with 0 participants used to report ROI 200% with no participants' time."""
    found = problems(tmp_path, GOOD.replace("participants: 20", "participants: 0"))
    assert [p.message for p in found] == [
        "'participants' is 0: costs and benefits per participant cannot be computed"]
    assert found[0].location.line == 2
    time_line = GOOD.replace("costs:\n", "costs:\n  - {category: participant_time, item: Time, "
                             "participants: 0, hours: 8, hourly_rate: 50}\n")
    found = problems(tmp_path, time_line)
    assert [p.message for p in found] == [
        "participants' time of 'Time' is computed for 0 participants"]
    assert found[0].location.line == 4


@pytest.mark.parametrize(("value", "message"), [
    ("yes", "'participants' must be a whole number, got True"),
    ("20.0", "'participants' must be a whole number, got 20.0"),
    ('"20"', "'participants' must be a whole number, got '20'"),
    (".inf", "'participants' must be a whole number, got inf"),
])
def test_participants_is_strict(tmp_path, value, message):
    found = problems(tmp_path, GOOD.replace("participants: 20", f"participants: {value}"))
    assert [p.message for p in found] == [message]


def test_amounts_must_be_finite_and_ranges_low_first(tmp_path):
    found = problems(tmp_path, GOOD.replace("amount: 20000", "amount: .inf"))
    assert found[0].message == "'amount' must be a (finite) number, got inf"
    found = problems(tmp_path, GOOD.replace("amount: 20000",
                                            "amount: 20000, range: [25000, 15000]"))
    assert found[0].message == "'range': the low end 25000 is above the high end 15000"
