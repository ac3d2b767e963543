"""Tests of ldkit.needs.borich.

The formula is Borich (1980), Journal of Teacher Education 31(3):39-42:
MWDS_j = mean(I_j) * (mean(I_j) - mean(C_j)) over complete pairs. Narine & Harder
(2021) name the common error of weighting each respondent's gap by that
respondent's own importance; a test below proves it is not made. The expected
values are computed by hand in each test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ldkit.errors import InputError, ParameterError
from ldkit.needs.borich import QUADRANTS, borich, locus_for_focus

COLUMNS = [
    "item", "n", "mean_importance", "mean_competence", "discrepancy", "mwds",
    "mwds_ci_low", "mwds_ci_high", "rank", "quadrant", "focus",
]


@pytest.fixture
def hand() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three respondents, three items; item C has one incomplete pair."""
    index = pd.Index(["r1", "r2", "r3"], name="respondent")
    importance = pd.DataFrame(
        {"A": [5, 4, 3], "B": [4, 4, 4], "C": [5.0, np.nan, 5.0]}, index=index
    )
    competence = pd.DataFrame({"A": [2, 3, 4], "B": [5, 5, 5], "C": [3, 2, 4]}, index=index)
    return importance, competence


def test_hand_computed_example(hand):
    importance, competence = hand
    res = borich(importance, competence, n_boot=200)
    assert list(res.columns) == COLUMNS
    by_item = res.set_index("item")
    # A: mean I = (5+4+3)/3 = 4, mean C = (2+3+4)/3 = 3, D = 1, MWDS = 4 * 1 = 4
    assert by_item.loc["A", "mean_importance"] == pytest.approx(4)
    assert by_item.loc["A", "mean_competence"] == pytest.approx(3)
    assert by_item.loc["A", "discrepancy"] == pytest.approx(1)
    assert by_item.loc["A", "mwds"] == pytest.approx(4)
    # B: mean I = 4, mean C = 5, D = -1, MWDS = 4 * -1 = -4 (kept negative)
    assert by_item.loc["B", "discrepancy"] == pytest.approx(-1)
    assert by_item.loc["B", "mwds"] == pytest.approx(-4)
    # C: complete pairs r1, r3 only: mean I = 5, mean C = (3+4)/2 = 3.5, D = 1.5,
    # MWDS = 5 * 1.5 = 7.5 (using r2's competence 2 would give mean C 3 and MWDS 10)
    assert by_item.loc["C", "n"] == 2
    assert by_item.loc["C", "mean_competence"] == pytest.approx(3.5)
    assert by_item.loc["C", "mwds"] == pytest.approx(7.5)
    # Ranked by MWDS, highest first: C 7.5, A 4, B -4
    assert res["item"].tolist() == ["C", "A", "B"]
    assert res["rank"].tolist() == [1, 2, 3]
    assert res["n"].tolist() == [2, 3, 3]
    # Locus for Focus: x = mean I = A 4, B 4, C 5 (mean 13/3 = 4.33);
    # y = D = A 1, B -1, C 1.5 (mean 0.5).
    # C: high x, high y -> Q1; A: low x, high y -> Q2; B: low x, low y -> Q3.
    assert by_item.loc["C", "quadrant"] == QUADRANTS["Q1"]
    assert by_item.loc["A", "quadrant"] == QUADRANTS["Q2"]
    assert by_item.loc["B", "quadrant"] == QUADRANTS["Q3"]
    assert res["focus"].tolist() == [True, False, False]
    assert res["focus"].dtype == bool


def test_individual_importance_weighting_is_not_used():
    # X: I = [5, 1], C = [1, 1]. Borich: mean I = 3, D = (3 - 1) = 2, MWDS = 3 * 2 = 6.
    #    The error (own-importance weighting): mean(I * (I - C)) = (5*4 + 1*0)/2 = 10.
    # Y: I = [3, 3], C = [0.5, 0.5]. Both ways: 3 * 2.5 = 7.5.
    # So Borich ranks Y above X; the erroneous weighting would rank X above Y.
    importance = pd.DataFrame({"X": [5, 1], "Y": [3, 3]})
    competence = pd.DataFrame({"X": [1, 1], "Y": [0.5, 0.5]})
    res = borich(importance, competence, n_boot=50).set_index("item")
    assert res.loc["X", "mwds"] == pytest.approx(6)
    assert res.loc["X", "mwds"] != pytest.approx(10)
    assert res.loc["Y", "mwds"] == pytest.approx(7.5)
    assert res.loc["Y", "rank"] == 1
    assert res.loc["X", "rank"] == 2


def test_equivalent_forms_of_mwds():
    rng = np.random.default_rng(1)
    importance = pd.DataFrame(rng.integers(1, 6, size=(30, 4)), columns=list("abcd"))
    competence = pd.DataFrame(rng.integers(1, 6, size=(30, 4)), columns=list("abcd"))
    res = borich(importance, competence, n_boot=0).set_index("item")
    for item in "abcd":
        mean_i = importance[item].mean()
        gap_weighted = ((importance[item] - competence[item]) * mean_i).mean()
        assert res.loc[item, "mwds"] == pytest.approx(gap_weighted)
        assert res.loc[item, "mwds"] == pytest.approx(
            mean_i * (mean_i - competence[item].mean())
        )


def test_negative_mwds_is_kept():
    importance = pd.DataFrame({"a": [2, 3], "b": [5, 5]})
    competence = pd.DataFrame({"a": [5, 5], "b": [4, 4]})
    res = borich(importance, competence, n_boot=100).set_index("item")
    # a: mean I 2.5, mean C 5, D = -2.5, MWDS = 2.5 * -2.5 = -6.25
    assert res.loc["a", "mwds"] == pytest.approx(-6.25)
    assert res.loc["a", "mwds_ci_high"] < 0
    assert res.loc["a", "rank"] == 2


def test_complete_pairs_only():
    importance = pd.DataFrame({"a": [5, 4, np.nan, 3], "b": [4, 4, 4, 4]})
    competence = pd.DataFrame({"a": [1, np.nan, 2, 3], "b": [3, 3, 3, 3]})
    res = borich(importance, competence, n_boot=0).set_index("item")
    # a: complete pairs are rows 0 and 3: mean I = 4, mean C = 2, MWDS = 4 * 2 = 8
    assert res.loc["a", "n"] == 2
    assert res.loc["a", "mean_importance"] == pytest.approx(4)
    assert res.loc["a", "mean_competence"] == pytest.approx(2)
    assert res.loc["a", "mwds"] == pytest.approx(8)
    assert res.loc["b", "n"] == 4


def test_ties_share_the_lowest_rank():
    importance = pd.DataFrame({"a": [5, 4], "b": [5, 4], "c": [3, 3]})
    competence = pd.DataFrame({"a": [3, 3], "b": [3, 3], "c": [3, 3]})
    res = borich(importance, competence, n_boot=0)
    assert res["rank"].tolist() == [1, 1, 3]
    assert res["item"].tolist() == ["a", "b", "c"]


def _random_survey(seed: int = 7, n: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    items = [f"cap{i}" for i in range(5)]
    importance = pd.DataFrame(rng.integers(3, 6, size=(n, 5)), columns=items).astype(float)
    competence = pd.DataFrame(rng.integers(1, 6, size=(n, 5)), columns=items).astype(float)
    importance.iloc[::7, 1] = np.nan
    competence.iloc[::11, 2] = np.nan
    return importance, competence


def test_ci_is_deterministic_with_seed():
    importance, competence = _random_survey()
    first = borich(importance, competence, n_boot=500, seed=3)
    second = borich(importance, competence, n_boot=500, seed=3)
    pd.testing.assert_frame_equal(first, second)
    other = borich(importance, competence, n_boot=500, seed=4)
    assert not np.allclose(first["mwds_ci_low"], other["mwds_ci_low"])
    pd.testing.assert_series_equal(first["mwds"], other["mwds"])


def test_ci_contains_the_point_estimate_and_narrows_with_level():
    importance, competence = _random_survey()
    res = borich(importance, competence, n_boot=2000)
    assert (res["mwds_ci_low"] <= res["mwds"]).all()
    assert (res["mwds"] <= res["mwds_ci_high"]).all()
    assert (res["mwds_ci_low"] < res["mwds_ci_high"]).all()
    narrow = borich(importance, competence, n_boot=2000, ci=0.5)
    assert (narrow["mwds_ci_high"] - narrow["mwds_ci_low"]
            < res["mwds_ci_high"] - res["mwds_ci_low"]).all()


def test_no_bootstrap_leaves_nan_interval():
    importance, competence = _random_survey()
    res = borich(importance, competence, n_boot=0)
    assert res["mwds_ci_low"].isna().all()
    assert res["mwds_ci_high"].isna().all()


def test_inputs_not_mutated():
    importance, competence = _random_survey()
    before_i, before_c = importance.copy(), competence.copy()
    borich(importance, competence, n_boot=100)
    pd.testing.assert_frame_equal(importance, before_i)
    pd.testing.assert_frame_equal(competence, before_c)


def test_order_of_rows_and_columns_does_not_matter():
    importance, competence = _random_survey()
    shuffled = competence.iloc[::-1, ::-1]
    res = borich(importance, competence, n_boot=100)
    again = borich(importance, shuffled, n_boot=100)
    pd.testing.assert_frame_equal(res, again)


def test_mismatched_items_are_named():
    importance = pd.DataFrame({"a": [1, 2], "b": [3, 4]})
    competence = pd.DataFrame({"a": [1, 2], "c": [3, 4]})
    with pytest.raises(InputError, match="only in importance: b; only in competence: c"):
        borich(importance, competence)


def test_mismatched_respondents_are_named():
    importance = pd.DataFrame({"a": [1, 2]}, index=["ann", "bob"])
    competence = pd.DataFrame({"a": [1, 2]}, index=["ann", "cy"])
    with pytest.raises(InputError, match="respondents") as info:
        borich(importance, competence)
    assert "only in importance: bob" in str(info.value)
    assert "only in competence: cy" in str(info.value)


def test_item_without_complete_pair_is_an_input_error():
    importance = pd.DataFrame({"a": [1, np.nan], "b": [3, 4]})
    competence = pd.DataFrame({"a": [np.nan, 2], "b": [3, 4]})
    with pytest.raises(InputError, match="Item 'a'"):
        borich(importance, competence)


def test_non_numeric_rating_is_an_input_error():
    importance = pd.DataFrame({"a": ["high", "low"]})
    competence = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(InputError, match="Item 'a' of importance must be numeric"):
        borich(importance, competence)


@pytest.mark.parametrize(
    ("option", "value"),
    [("n_boot", -1), ("n_boot", 10.5), ("ci", 1.0), ("ci", 0), ("seed", -2), ("seed", "x")],
)
def test_bad_options_are_parameter_errors(option, value):
    importance, competence = _random_survey()
    with pytest.raises(ParameterError, match=f"The '{option}' parameter of borich must be"):
        borich(importance, competence, **{option: value})


def test_not_a_dataframe_is_a_parameter_error():
    with pytest.raises(ParameterError, match="The 'competence' parameter of borich"):
        borich(pd.DataFrame({"a": [1]}), [[1]])  # type: ignore[arg-type]


def test_locus_for_focus_on_its_own():
    means = pd.DataFrame(
        {"item": list("abcd"), "mean_importance": [5, 5, 3, 3], "discrepancy": [2, 0, 2, 0]}
    )
    before = means.copy()
    out = locus_for_focus(means)
    pd.testing.assert_frame_equal(means, before)
    # split at x = 4, y = 1
    assert out["quadrant"].tolist() == [QUADRANTS[q] for q in ("Q1", "Q4", "Q2", "Q3")]
    assert out["focus"].tolist() == [True, False, False, False]
    with pytest.raises(InputError, match="discrepancy"):
        locus_for_focus(means.drop(columns="discrepancy"))


def test_suppress_borich_hides_small_items_and_reranks_the_rest():
    from ldkit.needs.borich import suppress_borich

    imp = pd.DataFrame({"a": [5, 4, 5, 4, 5, 4], "b": [3, 4, np.nan, np.nan, np.nan, np.nan],
                        "c": [4, 4, 4, 4, 4, 4]})
    com = pd.DataFrame({"a": [3, 3, 4, 2, 3, 3], "b": [1, 1, 1, 1, 1, 1],
                        "c": [4, 3, 4, 4, 4, 3]})
    t = suppress_borich(borich(imp, com, n_boot=0), min_group_size=5).set_index("item")
    # b has 2 respondents with both ratings: hidden, its MWDS (3.5 * 2.5) would rank first
    assert t.loc["b", "suppressed"] == "n < 5" and np.isnan(t.loc["b", "mwds"])
    assert pd.isna(t.loc["b", "rank"]) and not t.loc["b", "focus"] and t.loc["b", "quadrant"] == ""
    # recomputed: a = 4.5 * (4.5 - 3) = 6.75, c = 4 * (4 - 3.667) = 1.333: a first among shown
    assert t.loc["a", "mwds"] == pytest.approx(4.5 * 1.5)
    assert t.loc[["a", "c"], "rank"].tolist() == [1, 2]
