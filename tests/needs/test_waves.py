"""compare_waves: paired change across survey waves, pinned on a hand-computed example.

The d_z interval is checked against an independent computation: the noncentral
t cdf written from its definition as a normal-chi-square mixture,
P(T <= t; df, ncp) = E_V[ Phi(t * sqrt(V / df) - ncp) ], V ~ chi2(df),
integrated with scipy.integrate.quad, and its limits found by plain bisection
(no scipy.stats.nct, no brentq), as in Steiger & Fouladi (1997).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from ldkit.capability import starter
from ldkit.needs import compare_waves, dz_interval
from ldkit.needs.waves import ASSOCIATION_NOTE

KAM, AP, SM = "key_account_manager", "account_planning", "stakeholder_mapping"
SR = "sales_representative"


@pytest.fixture(scope="module")
def model():
    return starter("pharma-commercial")


def _nct_cdf(t: float, df: int, ncp: float) -> float:
    def integrand(v: float) -> float:
        return stats.norm.cdf(t * math.sqrt(v / df) - ncp) * stats.chi2.pdf(v, df)
    value, _ = integrate.quad(integrand, 0, np.inf, limit=200)
    return value


def _bisect(f, lo: float, hi: float) -> float:
    flo = f(lo)
    for _ in range(40):  # width 20 / 2**40: far below the tolerance
        mid = (lo + hi) / 2
        fm = f(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return (lo + hi) / 2


def _independent_ci(d: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    t, df, a = d * math.sqrt(n), n - 1, 1 - confidence
    low = _bisect(lambda ncp: _nct_cdf(t, df, ncp) - (1 - a / 2), t - 10, t + 10)
    high = _bisect(lambda ncp: _nct_cdf(t, df, ncp) - a / 2, t - 10, t + 10)
    return low / math.sqrt(n), high / math.sqrt(n)


def _wave(people, role, cap, manager, self_=None):
    out = pd.DataFrame({"person_id": people, "role": role, "capability": cap,
                        "manager": manager})
    out["self"] = self_ if self_ is not None else np.nan
    out["current"] = out[["self", "manager"]].mean(axis=1)
    return out


# six KAMs rated by their managers on account planning (required level 4)
BEFORE_M = [2.0, 2.0, 3.0, 2.0, 3.0, 1.0]
AFTER_M = [3.0, 3.0, 3.0, 2.0, 4.0, 4.0]   # change 1, 1, 0, 0, 1, 3
PEOPLE = [f"p{i}" for i in range(6)]


def test_paired_means_and_dz_against_hand_computation(model):
    before = _wave([*PEOPLE, "gone"], KAM, AP, [*BEFORE_M, 2.0])
    after = _wave([*PEOPLE, "new1", "new2"], KAM, AP, [*AFTER_M, 3.0, 3.0])
    result = compare_waves(before, after, model, min_group_size=5)
    row = result.change.query("role == @KAM and rater == 'manager'").iloc[0]
    # by hand: changes 1,1,0,0,1,3: mean 1, deviations 0,0,-1,-1,0,2, sum of squares 6,
    # variance 6/5, sd sqrt(1.2); d_z = 1 / sqrt(1.2)
    assert row.n_pairs == 6
    assert row.mean_before == pytest.approx(13 / 6)
    assert row.mean_after == pytest.approx(19 / 6)
    assert row.mean_change == pytest.approx(1.0)
    assert row.sd_change == pytest.approx(math.sqrt(1.2))
    assert row.d_z == pytest.approx(1 / math.sqrt(1.2))
    low, high = _independent_ci(1 / math.sqrt(1.2), 6)
    assert row.ci_low == pytest.approx(low, abs=1e-6)
    assert row.ci_high == pytest.approx(high, abs=1e-6)
    # t interval of the mean change: 1 -/+ t(0.975, 5) * sqrt(1.2) / sqrt(6)
    half = 2.5705818366147395 * math.sqrt(1.2) / math.sqrt(6)
    assert row.change_ci_low == pytest.approx(1 - half)
    assert row.change_ci_high == pytest.approx(1 + half)
    # required 4: all six below at baseline; two reach 4 (p4, p5)
    assert row.n_below_before == 6
    assert row.share_gap_closed == pytest.approx(2 / 6)
    # with 7 the minimum group size, 6 pairs are hidden whole
    hidden = compare_waves(before, after, model, min_group_size=7).change
    assert hidden[["mean_change", "d_z", "share_gap_closed"]].isna().all().all()
    acc = dict(zip(result.accounting["measure"], result.accounting["n"], strict=True))
    assert acc["paired"] == 6
    assert acc["left (baseline only)"] == 1
    assert acc["joined (follow-up only)"] == 2
    assert acc["baseline people"] == 7 and acc["follow-up people"] == 8
    assert "gone" not in set(result.pairs["person_id"])
    assert "new1" not in set(result.pairs["person_id"])


@pytest.mark.parametrize(("d", "n"), [(0.5, 20), (-0.3, 12), (1.2, 8), (-0.6139406135149205, 13)])
def test_dz_interval_matches_an_independent_integration(d, n):
    # (-0.614, 13) met in the demo: scipy's nct.cdf is NaN in the far tail the search visits
    low, high = dz_interval(d, n)
    ref_low, ref_high = _independent_ci(d, n)
    assert low == pytest.approx(ref_low, abs=1e-6)
    assert high == pytest.approx(ref_high, abs=1e-6)
    assert low < d < high or d == 0


def test_dz_interval_undefined_cases():
    assert all(math.isnan(x) for x in dz_interval(float("nan"), 10))
    assert all(math.isnan(x) for x in dz_interval(0.4, 1))


def test_self_and_manager_ratings_are_compared_separately(model):
    self_before = [3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    self_after = [4.0, 4.0, 3.0, 4.0, 4.0, 4.0]
    before = _wave(PEOPLE, KAM, AP, BEFORE_M, self_before)
    after = _wave(PEOPLE, KAM, AP, AFTER_M, self_after)
    change = compare_waves(before, after, model).change
    kam = change[change["role"] == KAM].set_index("rater")
    assert set(kam.index) == {"self", "manager", "combined"}
    assert kam.loc["self", "mean_change"] == pytest.approx(5 / 6)
    assert kam.loc["manager", "mean_change"] == pytest.approx(1.0)
    combined = (np.add(self_after, AFTER_M) - np.add(self_before, BEFORE_M)) / 2
    assert kam.loc["combined", "mean_change"] == pytest.approx(combined.mean())


def test_no_group_under_the_minimum_size_is_shown(model):
    kam = [f"k{i}" for i in range(6)]
    reps = [f"r{i}" for i in range(3)]   # 3 reps: below 5, hidden
    before = pd.concat([_wave(kam, KAM, AP, BEFORE_M), _wave(reps, SR, AP, [1.0, 1.0, 2.0])])
    after = pd.concat([_wave(kam, KAM, AP, AFTER_M), _wave(reps, SR, AP, [2.0, 2.0, 2.0])])
    change = compare_waves(before, after, model, min_group_size=5).change
    values = ["mean_before", "mean_after", "mean_change", "d_z", "ci_low", "ci_high",
              "share_gap_closed", "change_ci_low", "change_ci_high", "n_below_before"]
    small = change[change["role"] == SR]  # 3 reps
    assert len(small) and small[values].isna().all().all()
    assert (small["suppressed"] == "n < 5").all()
    assert small["n_pairs"].isna().all()  # the size of a hidden group is hidden too
    # the KAM row is hidden too, else All - KAM gives the reps away
    manager = change[change["rater"] == "manager"].set_index("role")
    assert manager.loc[KAM, "suppressed"] == "complementary"
    assert math.isnan(manager.loc[KAM, "mean_change"])
    assert manager.loc["All", "n_pairs"] == 9
    assert manager.loc["All", "mean_change"] == pytest.approx((6 + 2) / 9)
    # 9 below at baseline overall (required 4 for KAMs, 2 for reps: reps at 1, 1, 2 -> 2 below)
    assert manager.loc["All", "n_below_before"] == 8
    assert manager.loc["All", "share_gap_closed"] == pytest.approx(4 / 8)


def test_share_gap_closed_hidden_when_few_were_below(model):
    people = [f"p{i}" for i in range(6)]
    before = _wave(people, KAM, AP, [4.0, 4.0, 4.0, 4.0, 2.0, 3.0])  # 2 below 4
    after = _wave(people, KAM, AP, [4.0, 4.0, 4.0, 4.0, 4.0, 3.0])
    row = compare_waves(before, after, model).change.query("role == @KAM").iloc[0]
    assert row.n_below_before == 2 and math.isnan(row.share_gap_closed)
    assert row.mean_change == pytest.approx(2 / 6)


def test_completers_against_non_completers_is_labelled_an_association(model):
    people = [f"p{i}" for i in range(12)]
    before = _wave(people, KAM, AP, [2.0] * 12)
    after = _wave(people, KAM, AP, [4.0] * 6 + [3.0, 2.0, 3.0, 2.0, 3.0, 2.0])
    status = pd.DataFrame({"learner": people,
                           "status": ["done"] * 6 + ["behind"] * 3 + ["not started"] * 3})
    table = compare_waves(before, after, model, plan_status=status).by_completion
    manager = table[table["rater"] == "manager"].set_index("group")
    assert manager.loc["completed plan", "mean_change"] == pytest.approx(2.0)
    assert manager.loc["did not complete", "mean_change"] == pytest.approx(0.5)
    assert manager.loc["difference", "mean_change"] == pytest.approx(1.5)
    # Welch interval of the difference, recomputed: se = sd_b / sqrt(6), df = 5
    se = np.std([1, 0, 1, 0, 1, 0], ddof=1) / math.sqrt(6)
    half = stats.t.ppf(0.975, 5) * se
    assert manager.loc["difference", "ci_low"] == pytest.approx(1.5 - half)
    assert (table["reading"] == ASSOCIATION_NOTE).all()
    assert "not an effect" in ASSOCIATION_NOTE


def test_small_completion_groups_are_hidden(model):
    people = [f"p{i}" for i in range(8)]
    before = _wave(people, KAM, AP, [2.0] * 8)
    after = _wave(people, KAM, AP, [3.0] * 8)
    status = {p: ("done" if i < 2 else "behind") for i, p in enumerate(people)}
    table = compare_waves(before, after, model, plan_status=status).by_completion
    hidden = table[table["group"].isin(["completed plan", "difference"])]
    assert hidden["mean_change"].isna().all()
    assert (hidden["suppressed"] != "").all()


def test_inputs_are_not_mutated_and_bad_input_is_named(model):
    before = _wave(PEOPLE, KAM, AP, BEFORE_M)
    after = _wave(PEOPLE, KAM, AP, AFTER_M)
    copies = before.copy(), after.copy()
    compare_waves(before, after, model)
    pd.testing.assert_frame_equal(before, copies[0])
    pd.testing.assert_frame_equal(after, copies[1])
    from ldkit.errors import InputError, ParameterError

    with pytest.raises(InputError, match="person_id"):
        compare_waves(before.drop(columns="person_id"), after, model)
    with pytest.raises(ParameterError, match="min_group_size"):
        compare_waves(before, after, model, min_group_size=0)


def test_equal_changes_and_extreme_d_z_do_not_break_the_table(model):
    # combined levels are means: equal changes can differ in the last bit of a float
    before = _wave(PEOPLE, KAM, AP, [2.0] * 6, [3.1, 3.3, 2.9, 3.7, 3.1, 2.3])
    after = before.assign(manager=3.0, current=before["current"] + 0.5)
    change = compare_waves(before, after, model).change.set_index(["role", "rater"])
    row = change.loc[(KAM, "combined")]
    assert row.mean_change == pytest.approx(0.5)
    assert math.isnan(row.d_z) and math.isnan(row.ci_low)
    assert row.change_ci_low == pytest.approx(0.5)
    assert all(math.isnan(x) for x in dz_interval(1e14, 3))
    low, high = dz_interval(15.0, 4)
    assert low < 15.0 < high
