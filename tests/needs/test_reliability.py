"""Tests of ldkit.needs.reliability.

Reference numbers come from pingouin (Vallat 2018), whose tests check
``cronbach_alpha`` against R ``psych::alpha``: the docstring of
``src/pingouin/reliability.py`` and ``tests/test_reliability.py`` in
github.com/raphaelvallat/pingouin, on its bundled datasets ``cronbach_alpha``
(real-statistics.com) and ``cronbach_wide_missing``, copied below.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from ldkit.errors import InputError, ParameterError
from ldkit.needs.reliability import AlphaResult, cronbach_alpha

# pingouin/datasets/cronbach_alpha.csv (source: www.real-statistics.com), long format
# Subj x Items x Scores, pivoted here to 15 respondents x 10 items.
_LIKERT = {
    "Q1": [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
    "Q2": [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
    "Q3": [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
    "Q4": [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
    "Q5": [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
    "Q6": [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
    "Q7": [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
    "Q8": [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
    "Q9": [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
    "Q10": [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
}

# pingouin/datasets/cronbach_wide_missing.csv (source: www.real-statistics.com):
# 12 respondents x 11 binary items, three missing answers.
_N = np.nan
_BINARY_ROWS = [
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0],
    [_N, 0, 1, 1, _N, 1, 1, 1, 1, 0, 0],
    [1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0],
    [1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0],
    [0, 1, _N, 0, 1, 1, 1, 1, 0, 0, 0],
    [1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    [0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0],
    [1, 0, 0, 1, 0, 1, 0, 0, _N, 0, 0],
    [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
]


@pytest.fixture
def likert() -> pd.DataFrame:
    return pd.DataFrame(_LIKERT)


@pytest.fixture
def binary_missing() -> pd.DataFrame:
    return pd.DataFrame(_BINARY_ROWS, columns=[f"Q{i}" for i in range(1, 12)])


def _alpha_by_hand(frame: pd.DataFrame) -> float:
    """k/(k-1) * (1 - sum of item variances / variance of the total), complete data."""
    k = frame.shape[1]
    item_var = frame.var(ddof=1).sum()
    total_var = frame.sum(axis=1).var(ddof=1)
    return k / (k - 1) * (1 - item_var / total_var)


# --- published reference numbers ------------------------------------------------------------


def test_likert_matches_pingouin_and_psych(likert):
    # pingouin docstring and tests/test_reliability.py: pg.cronbach_alpha on the
    # 'cronbach_alpha' dataset gives (0.5917188485995826, [0.195, 0.84]).
    res = cronbach_alpha(likert)
    assert res.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert round(res.ci_low, 3) == 0.195
    assert round(res.ci_high, 3) == 0.840
    assert (res.n, res.k) == (15, 10)
    assert res.alpha == pytest.approx(_alpha_by_hand(likert))


def test_likert_with_one_missing_answer_pairwise(likert):
    # pingouin tests/test_reliability.py: set Scores of long-format row 2 (Subj 2, Q1) to NaN,
    # pairwise alpha rounds to 0.567 (pingouin's regression value).
    data = likert.astype(float)
    data.loc[2, "Q1"] = np.nan
    res = cronbach_alpha(data)
    assert round(res.alpha, 3) == 0.567
    assert res.n == 15
    # pingouin: listwise equals dropping the incomplete subject, CI included.
    listwise = cronbach_alpha(data, nan_policy="listwise")
    complete = cronbach_alpha(likert.drop(index=2))
    assert listwise.n == complete.n == 14
    assert listwise.alpha == pytest.approx(complete.alpha)
    assert listwise.ci_low == pytest.approx(complete.ci_low)
    assert listwise.ci_high == pytest.approx(complete.ci_high)


def test_binary_missing_pairwise_matches_psych(binary_missing):
    # pingouin docstring: "In R: psych::alpha(data, use='pairwise')"
    # -> (0.732660835214447, [0.435, 0.909]).
    res = cronbach_alpha(binary_missing)
    assert res.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert (round(res.ci_low, 3), round(res.ci_high, 3)) == (0.435, 0.909)
    assert (res.n, res.k) == (12, 11)


def test_binary_missing_listwise_matches_pingouin(binary_missing):
    # pingouin docstring: "In R: psych::alpha(data[complete.cases(data), ])"
    # -> (0.8016949152542373, [0.533, 0.947]); the CI uses the 9 complete respondents.
    # (psych::alpha(use="complete.obs") gives the same alpha with CI [0.581, 0.933] from n = 12.)
    res = cronbach_alpha(binary_missing, nan_policy="listwise")
    assert res.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert (round(res.ci_low, 3), round(res.ci_high, 3)) == (0.533, 0.947)
    assert res.n == 9
    assert res.alpha == pytest.approx(_alpha_by_hand(binary_missing.dropna()))


def test_binary_median_imputed_matches_pingouin(binary_missing):
    # pingouin docstring: data.fillna(data.median()) -> (0.7380191693290734, [0.447, 0.911]).
    res = cronbach_alpha(binary_missing.fillna(binary_missing.median()))
    assert res.alpha == pytest.approx(0.7380191693290734, abs=1e-12)
    assert (round(res.ci_low, 3), round(res.ci_high, 3)) == (0.447, 0.911)


# --- alpha if item deleted -------------------------------------------------------------------


def test_if_item_deleted_by_hand(likert):
    res = cronbach_alpha(likert)
    table = res.if_item_deleted
    assert list(table.index) == list(likert.columns)
    assert table.index.name == "item"
    for item in likert.columns:
        rest = likert.drop(columns=item)
        assert table.loc[item, "alpha"] == pytest.approx(_alpha_by_hand(rest))
        r = np.corrcoef(likert[item], rest.sum(axis=1))[0, 1]
        assert table.loc[item, "item_total_r"] == pytest.approx(r)


def test_if_item_deleted_pairwise_equals_recomputing(binary_missing):
    res = cronbach_alpha(binary_missing)
    for item in binary_missing.columns:
        again = cronbach_alpha(binary_missing.drop(columns=item))
        assert res.if_item_deleted.loc[item, "alpha"] == pytest.approx(again.alpha)


def test_if_item_deleted_listwise_uses_the_complete_respondents(binary_missing):
    res = cronbach_alpha(binary_missing, nan_policy="listwise")
    complete = binary_missing.dropna()
    for item in binary_missing.columns:
        expected = _alpha_by_hand(complete.drop(columns=item))
        assert res.if_item_deleted.loc[item, "alpha"] == pytest.approx(expected)


def test_if_item_deleted_two_items_is_nan():
    data = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 4, 5]})
    res = cronbach_alpha(data)
    assert res.if_item_deleted["alpha"].isna().all()
    r = np.corrcoef(data["a"], data["b"])[0, 1]
    assert res.if_item_deleted["item_total_r"].tolist() == pytest.approx([r, r])


# --- interval, result object -----------------------------------------------------------------


def test_ci_bounds_are_ordered_and_widen_with_level(likert):
    res95 = cronbach_alpha(likert)
    res99 = cronbach_alpha(likert, ci=0.99)
    assert res95.ci_low < res95.alpha < res95.ci_high < 1
    assert res99.ci_low < res95.ci_low
    assert res99.ci_high > res95.ci_high
    assert res99.alpha == res95.alpha


def test_result_helpers_and_frozen(likert):
    res = cronbach_alpha(likert)
    assert isinstance(res, AlphaResult)
    as_dict = res.as_dict()
    assert as_dict["alpha"] == res.alpha
    assert as_dict["nan_policy"] == "pairwise"
    assert "if_item_deleted" not in as_dict
    frame = res.to_frame()
    assert frame.shape == (1, 7)
    assert frame.loc[0, "n"] == 15
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.alpha = 1.0  # type: ignore[misc]


def test_fully_empty_row_is_not_a_respondent(likert):
    data = likert.astype(float)
    data.loc[99] = np.nan
    res = cronbach_alpha(data)
    assert res.n == 15
    assert res.alpha == pytest.approx(cronbach_alpha(likert).alpha)


def test_input_not_mutated(binary_missing):
    before = binary_missing.copy()
    cronbach_alpha(binary_missing)
    cronbach_alpha(binary_missing, nan_policy="listwise")
    pd.testing.assert_frame_equal(binary_missing, before)


# --- errors ----------------------------------------------------------------------------------


def test_one_item_is_an_input_error():
    with pytest.raises(InputError, match="at least two items"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]}))


def test_one_respondent_is_an_input_error():
    with pytest.raises(InputError, match="at least two respondents"):
        cronbach_alpha(pd.DataFrame({"a": [1], "b": [2]}))
    with pytest.raises(InputError, match="complete respondents"):
        cronbach_alpha(pd.DataFrame({"a": [1, np.nan], "b": [2, 3]}), nan_policy="listwise")


def test_bad_nan_policy_is_a_parameter_error(likert):
    with pytest.raises(ParameterError) as info:
        cronbach_alpha(likert, nan_policy="omit")
    assert str(info.value) == (
        "The 'nan_policy' parameter of cronbach_alpha must be one of 'pairwise', 'listwise'. "
        "Got 'omit'."
    )


@pytest.mark.parametrize("ci", [0, 1, 1.5, -0.1, "0.95", None, True])
def test_bad_ci_is_a_parameter_error(likert, ci):
    with pytest.raises(ParameterError, match="The 'ci' parameter of cronbach_alpha"):
        cronbach_alpha(likert, ci=ci)


def test_not_a_dataframe_is_a_parameter_error():
    with pytest.raises(ParameterError, match="The 'data' parameter of cronbach_alpha"):
        cronbach_alpha([[1, 2], [3, 4]])  # type: ignore[arg-type]


def test_constant_total_is_an_input_error():
    # b = 6 - a, so every respondent's total is 6: the total has no variance.
    data = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [5, 4, 3, 2, 1]})
    with pytest.raises(InputError, match="total score has no variance"):
        cronbach_alpha(data)
    with pytest.raises(InputError, match="total score has no variance"):
        cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [4, 4, 4]}))


def test_non_numeric_item_is_an_input_error():
    data = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    with pytest.raises(InputError, match="Item 'b' must be numeric") as info:
        cronbach_alpha(data)
    assert info.value.column == "b"


def test_pair_without_overlap_is_an_input_error():
    data = pd.DataFrame({"a": [1, 2, np.nan, np.nan], "b": [np.nan, np.nan, 3, 4]})
    with pytest.raises(InputError, match="items 'a' and 'b'"):
        cronbach_alpha(data)
