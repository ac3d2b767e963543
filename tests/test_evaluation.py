"""Tests of ldkit.evaluation: levels 1-5 of one programme.

Paired effect sizes are pinned to Lakens (2013), "Calculating and reporting effect
sizes to facilitate cumulative science: a practical primer for t-tests and ANOVAs",
Frontiers in Psychology 4:863, Table 1 (two movies rated by the same ten people:
t(9) = 4.74, p = 0.001, d_z = 1.50, d_av = 1.13, Hedges' g_av = 1.08, r = 0.726);
d_rm = d_z sqrt(2 (1 - r)) = 1.11 follows from the paper's formula and r. The paired
t-test is cross-checked against scipy.stats.ttest_rel. Normalized gain follows Hake
(1998), Am. J. Phys. 66(1):64-74; its values here are hand-checked.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ldkit.errors import InputError, ParameterError, ValidationError
from ldkit.evaluation import (
    application_rates,
    benefit_from_control_group,
    evaluate_program,
    normalized_gain,
    paired_effect_sizes,
    read_assessments,
)
from ldkit.roi import analyse_case, example_case

MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def test_lakens_2013_table_1():
    es = paired_effect_sizes(MOVIE_2, MOVIE_1)  # movie 1 rated higher: the "gain"
    assert (es.n, es.df) == (10, 9)
    assert (round(es.mean_post, 1), round(es.mean_pre, 1)) == (8.7, 7.7)
    assert (round(es.sd_post, 2), round(es.sd_pre, 2)) == (0.82, 0.95)
    assert round(es.r, 3) == 0.726
    assert round(es.t, 2) == 4.74
    assert round(es.p_value, 3) == 0.001
    assert round(es.d_z, 2) == 1.50
    assert round(es.d_av, 2) == 1.13
    assert round(es.g_av, 2) == 1.08
    assert round(es.d_rm, 2) == 1.11


def test_t_test_matches_scipy_and_intervals_hold():
    rng = np.random.default_rng(2)
    pre = rng.normal(55, 10, 40)
    post = pre + rng.normal(8, 6, 40)
    es = paired_effect_sizes(pre, post)
    ref = stats.ttest_rel(post, pre)
    assert es.t == pytest.approx(ref.statistic)
    assert es.p_value == pytest.approx(ref.pvalue)
    # the d_z limits are the noncentral-t limits of t, over sqrt(n)
    lo, hi = es.d_z_ci
    assert stats.nct.cdf(es.t, 39, lo * math.sqrt(40)) == pytest.approx(0.975, abs=1e-6)
    assert stats.nct.cdf(es.t, 39, hi * math.sqrt(40)) == pytest.approx(0.025, abs=1e-6)
    for name in ("d_z", "d_rm", "d_av", "g_av"):
        low, high = getattr(es, f"{name}_ci")
        assert low < getattr(es, name) < high
    assert es.table()["statistic"].tolist() == ["d_z", "d_rm", "d_av", "g_av", "t", "p_value"]


def test_incomplete_pairs_are_dropped_and_counted():
    es = paired_effect_sizes([1, 2, 3, None, 5], [2, 4, 5, 6, float("nan")])
    assert (es.n, es.n_excluded) == (3, 2)


@pytest.mark.parametrize(("pre", "post", "name"), [
    ([1, 2], [2, 3], "pre"), ([1, 2, 3], [2, 3, 4], "post"), ([1, 2, 3], [1, 2], "post"),
    (["a", "b", "c"], [1, 2, 3], "pre"),
])
def test_paired_bad_input(pre, post, name):
    with pytest.raises(ParameterError, match=f"The '{name}' parameter of paired_effect_sizes"):
        paired_effect_sizes(pre, post)


def test_normalized_gain_class_and_individual():
    # class: pre 66.67%, post 80%: (80 - 66.67) / (100 - 66.67) = 0.4
    # individual: 30/60 = 0.5 and 10/40 = 0.25, mean 0.375; the 100 pre-test is undefined
    pre, post = [40, 60, 100], [70, 70, 100]
    g = normalized_gain(pre, post)
    assert (round(g.gain, 4), g.band, g.n) == (0.4, "medium", 3)
    ind = normalized_gain(pre, post, method="individual")
    assert (ind.gain, ind.n, ind.n_excluded) == (0.375, 2, 1)


def test_normalized_gain_other_scales_and_bands():
    assert normalized_gain([10, 20], [18, 19], max_score=20).gain == pytest.approx(
        (92.5 - 75) / 25)
    assert normalized_gain([50], [60]).band == "low"
    assert normalized_gain([50], [90]).band == "high"
    everyone_at_max = normalized_gain([100, 100], [100, 90])
    assert math.isnan(everyone_at_max.gain) and everyone_at_max.band == "undefined"


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"pre": [120], "post": [50]}, "pre"), ({"pre": [50], "post": [-1]}, "post"),
    ({"method": "median"}, "method"), ({"max_score": 0}, "max_score"),
])
def test_normalized_gain_bad_input(kwargs, name):
    args = {"pre": [50], "post": [60]} | kwargs
    with pytest.raises(ParameterError, match=f"The '{name}' parameter of normalized_gain"):
        normalized_gain(**args)


def test_application_rates_suppress_small_groups():
    """Issue 12: kam (3) hidden, "All" shown: rep must go too, else kam = All - rep."""
    df = pd.DataFrame({"role": ["rep"] * 6 + ["kam"] * 3,
                       "applied": [True, True, True, False, None, True, True, False, True]})
    table = application_rates(df, by="role", min_group_size=5)
    assert table["group"].tolist() == ["kam", "rep", "All"]
    kam, rep, all_ = table.to_dict("records")
    assert kam["suppressed"] == "n < 5" and pd.isna(kam["share_applied"])
    assert rep["suppressed"] == "complementary" and pd.isna(rep["share_applied"])
    assert pd.isna(rep["applied_count"]) and pd.isna(kam["n"]) and pd.isna(rep["n"])
    answered = df.dropna(subset=["applied"])  # recomputed: 8 answered, 6 applied
    assert (all_["n"], all_["share_applied"]) == (len(answered),
                                                  answered["applied"].astype(bool).mean())
    shown = application_rates(df, by="role", min_group_size=5, show_counts=True)
    assert shown["n"].tolist() == [3, 5, 8]
    assert shown["share_applied"].isna().tolist() == [True, True, False]


def test_application_rates_group_named_all_and_blank_roles():
    df = pd.DataFrame({"role": ["All"] * 6 + ["rep"] * 7 + [None] * 2,
                       "applied": [True] * 3 + [False] * 3 + [True] * 7 + [False, True]})
    table = application_rates(df, by="role", min_group_size=5, show_counts=True)
    assert table["group"].tolist() == ["(blank)", "All (group)", "rep", "All"]
    assert table["n"].tolist() == [2, 6, 7, 15]
    # (blank) is 2: All (group), the smaller of 6 and 7, is hidden with it
    assert table["suppressed"].tolist() == ["n < 5", "complementary", "", ""]
    assert table["share_applied"].iloc[2] == 1.0
    assert table["share_applied"].iloc[3] == pytest.approx(11 / 15)


def test_benefit_from_control_group_phillips_upgrade_case():
    """Phillips & Phillips (2013), Measuring the Success of Sales Training, ch. 11."""
    m = benefit_from_control_group("Upgrade sales", trained_change=9_500, control_change=5_700,
                                   participants=25, value_per_unit=0.20)
    assert m.isolation == pytest.approx(0.4)
    assert m.benefit == pytest.approx(228_000)


def test_read_assessments_accounts_for_every_row(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("learner_id,role,reaction,pre_score,post_score,applied\n"
                    "L1,rep,4,50,70,yes\n"
                    ",rep,4,50,70,yes\n"
                    "L2,rep,,,70,no\n"
                    "L3,kam,5,60,,\n"
                    "L1,rep,4,55,75,yes\n"
                    "L4,kam,3,40,65,\n", encoding="utf-8")
    a = read_assessments(path)
    assert a.counts().to_dict("list") == {
        "count": ["rows read", "rows kept", "excluded: duplicate learner",
                  "excluded: missing learner id", "excluded: missing post-test",
                  "excluded: missing pre-test"],
        "n": [6, 2, 1, 1, 1, 1]}
    assert a.excluded["row"].tolist() == [3, 4, 5, 6]
    assert a.scores["applied"].tolist() == [True, pd.NA]


def test_read_assessments_locates_bad_values(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("learner_id,pre_score,post_score,reaction,applied\n"
                    "L1,50,130,4,yes\n"
                    "L2,abc,70,9,maybe\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_assessments(path)
    found = [(p.location.row, p.location.column) for p in err.value.problems]
    assert found == [(2, "post_score"), (3, "pre_score"), (3, "reaction"), (3, "applied")]
    assert err.value.problems[0].message == "130 is outside [0, 100]"


def test_read_assessments_needs_the_columns(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("id,before,after\nL1,1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="has no column 'learner_id'"):
        read_assessments(path)


def test_evaluate_program_links_the_levels():
    rng = np.random.default_rng(7)
    pre = rng.integers(30, 70, 30)
    df = pd.DataFrame({"role": "rep", "reaction": rng.integers(3, 6, 30), "pre_score": pre,
                       "post_score": np.minimum(100, pre + rng.integers(5, 30, 30)),
                       "applied": [True] * 20 + [False] * 10})
    a = analyse_case(example_case(), draws=500)
    ev = evaluate_program(df, program="Pilot", benefits=a.benefits, roi=a.roi)
    assert ev.levels["level"].unique().tolist() == [1, 2, 3, 4, 5]
    value = ev.levels.set_index("measure")["value"]
    assert value["mean pre-test (%)"] == pytest.approx(pre.mean())
    assert value["share applying on the job"] == pytest.approx(2 / 3)
    assert value["ROI (%)"] == pytest.approx(a.roi.roi_pct)
    assert value["intangible benefits (not monetized)"] == 3
    assert value["normalized gain (class average)"] == pytest.approx(ev.gain.gain)


def test_evaluate_program_hides_small_groups():
    df = pd.DataFrame({"pre_score": [40, 50, 60], "post_score": [60, 70, 65],
                       "reaction": [4, 5, 3]})
    ev = evaluate_program(df, min_group_size=5)
    assert ev.effect_sizes is None
    assert ev.levels["value"].isna().all()
    assert (ev.levels["note"] == "hidden: n < 5").all()
