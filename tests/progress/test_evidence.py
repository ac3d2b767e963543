"""The evidence chain beside the ROI (ldkit.roi.evidence), and the Demo Bio follow-up data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ldkit.roi.evidence import evidence_chain, improvement_from_change

CHANGE = pd.DataFrame({
    "role": ["All", "All", "All", "key_account_manager"],
    "capability": ["ap", "sm", "ap", "ap"],
    "rater": ["manager", "manager", "self", "manager"],
    "n_pairs": [40, 3, 40, 12],
    "mean_change": [0.3, float("nan"), 0.5, 0.4],
    "change_ci_low": [0.1, float("nan"), 0.2, 0.1],
    "change_ci_high": [0.5, float("nan"), 0.8, 0.7],
    "suppressed": ["", "n < 5", "", ""],
})


def test_level_3_rows_are_the_manager_change_of_planned_capabilities():
    table = evidence_chain(CHANGE, planned=["ap", "sm"], names={"ap": "Account planning"})
    assert table["measure"].tolist() == ["manager rating change: Account planning"]
    row = table.iloc[0]
    assert (row.level, row.n, row.estimate, row.ci_low, row.ci_high) == (
        "3 Behaviour", 40, 0.3, 0.1, 0.5)
    assert evidence_chain(CHANGE, planned=["other"]).empty


def test_application_rate_with_a_wilson_interval():
    application = pd.DataFrame({"group": ["Key Account Manager", "All"], "n": [42, 212],
                                "applied_count": [33, 158], "share_applied": [33 / 42, 158 / 212],
                                "suppressed": ["", ""]})
    row = evidence_chain(None, application=application).iloc[0]
    # Wilson (1927) score interval by its formula, z = 1.959964
    n, p, z = 212, 158 / 212, 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert row.estimate == pytest.approx(p)
    assert row.ci_low == pytest.approx(centre - half)
    assert row.ci_high == pytest.approx(centre + half)
    assert row.n == 212


def test_level_2_rows_from_the_roi_tables():
    evaluation = pd.DataFrame({"level": [2, 2], "name": "Learning",
                               "measure": ["normalized gain (class average)", "Cohen's d_z"],
                               "value": [0.457, 1.75], "n": [234, 234], "note": ""})
    effects = pd.DataFrame({"statistic": ["d_z", "d_rm"], "value": [1.75, 1.57],
                            "ci_low": [1.55, 1.39], "ci_high": [1.96, 1.76]})
    table = evidence_chain(None, evaluation=evaluation, effect_sizes=effects)
    assert table["measure"].tolist() == ["normalized gain (class average)",
                                         "assessment gain, d_z"]
    assert table["n"].tolist() == [234, 234]
    assert table.iloc[1][["ci_low", "ci_high"]].tolist() == [1.55, 1.96]


def test_improvement_uses_the_low_end_of_the_interval_and_the_stated_shares():
    m = improvement_from_change("Accounts retained", mean_change=0.3, ci_low=0.1, people=50,
                                units_per_level=2, value_per_unit=1000, isolation_share=0.5,
                                isolation_method="manager estimate", confidence_share=0.8)
    # lowest alternative: 0.1 levels x 50 people x 2 units = 10 units
    assert m.improvement == pytest.approx(10.0)
    assert m.benefit == pytest.approx(10 * 1000 * 0.5 * 0.8)
    zero = improvement_from_change("x", mean_change=0.2, ci_low=-0.05, people=50,
                                   units_per_level=2, value_per_unit=1000, isolation_share=0.5,
                                   isolation_method="control group")
    assert zero.benefit == 0.0  # an interval reaching zero claims nothing
    from ldkit.errors import ParameterError

    with pytest.raises(ParameterError, match="isolation_method"):
        improvement_from_change("x", mean_change=0.2, ci_low=0.1, people=5, units_per_level=1,
                                value_per_unit=1, isolation_share=0.5,
                                isolation_method="gut feeling")
    with pytest.raises(ParameterError, match="ci_low"):
        improvement_from_change("x", mean_change=0.2, ci_low=0.3, people=5, units_per_level=1,
                                value_per_unit=1, isolation_share=0.5,
                                isolation_method="control group")


def test_demo_followup_without_plans(tmp_path):
    """Before any plan: the follow-up wave and roster only, readable as real exports."""
    from ldkit.demo import make_demo_engagement
    from ldkit.progress.demo import write_demo_followup
    from ldkit.survey import read_survey

    root = make_demo_engagement(tmp_path, n_employees=60, seed=3, followup=False)
    written = write_demo_followup(root, n_employees=60, seed=3)
    assert "plan_completions" not in written
    assert set(written) == {"followup_self_survey", "followup_self_codebook",
                            "followup_manager_survey", "followup_manager_codebook",
                            "manager_roster"}
    raw = written["followup_self_survey"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Qualtrics: UTF-8 with BOM, like the baseline
    survey = read_survey(written["followup_self_survey"], written["followup_self_codebook"],
                         secret=b"k")
    baseline = read_survey(root / "data/raw/self.csv", root / "data/raw/codebook_self.yaml",
                           secret=b"k")
    after, before = set(survey.respondents["person_id"]), set(baseline.respondents["person_id"])
    assert before - after and after - before  # some left, some joined
    assert len(before & after) > 0.8 * len(before)
    roster = pd.read_csv(written["manager_roster"])
    assert list(roster.columns) == ["id", "manager", "manager_name"]
    assert roster["id"].is_unique
