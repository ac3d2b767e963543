"""Self against manager ratings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ldkit.errors import InputError
from ldkit.needs.agreement import mean_self_minus_manager, self_vs_manager


def test_paired_comparison():
    g = pd.DataFrame({"capability": ["ap"] * 6 + ["co"] * 2,
                      "self": [3, 4, 2, 3, 4, np.nan, 3, 3],
                      "manager": [2, 4, 2, 2, 1, 3, 3, 3]})
    t = self_vs_manager(g).set_index("capability")
    ap = t.loc["ap"]
    # pairs: (3,2) (4,4) (2,2) (3,2) (4,1); diffs 1, 0, 0, 1, 3
    assert ap.n_pairs == 5
    assert ap.mean_self == pytest.approx(16 / 5) and ap.mean_manager == pytest.approx(11 / 5)
    assert ap.mean_diff == pytest.approx(1.0)
    assert ap.sd_diff == pytest.approx(np.std([1, 0, 0, 1, 3], ddof=1))
    assert ap.exact_agreement == pytest.approx(0.4)
    assert ap.within_one == pytest.approx(0.8)
    assert ap.r == pytest.approx(np.corrcoef([3, 4, 2, 3, 4], [2, 4, 2, 2, 1])[0, 1])
    assert t.loc["co"].suppressed == "n < 5"


def test_needs_both_columns():
    with pytest.raises(InputError, match="no column 'manager'"):
        self_vs_manager(pd.DataFrame({"capability": [], "self": []}))


def test_mean_self_minus_manager_is_pooled_over_pairs():
    """Issue 12: pooled over person x capability pairs, not a mean of capability means."""
    rows = [(f"p{i}", "ap", s, m) for i, (s, m) in enumerate(
        [(3, 2), (4, 4), (2, 2), (3, 2), (4, 1), (3, 3), (4, 3), (2, 2)])]
    rows += [(f"p{i}", "co", s, m) for i, (s, m) in enumerate([(3, 3), (4, 4), (3, 3),
                                                              (2, 2), (5, 5), (4, np.nan)])]
    g = pd.DataFrame(rows, columns=["person_id", "capability", "self", "manager"])
    both = g.dropna(subset=["self", "manager"])
    pooled = (both["self"] - both["manager"]).sum() / len(both)  # ap 1+0+0+1+3+0+1+0, co 0
    assert mean_self_minus_manager(g) == pytest.approx(pooled) == pytest.approx(6 / 13)
    unweighted = self_vs_manager(g)["mean_diff"].mean()  # (6/8 + 0/5) / 2
    assert unweighted == pytest.approx(3 / 8) and unweighted != pytest.approx(pooled)


def test_mean_self_minus_manager_without_manager_ratings_or_too_few_people():
    g = pd.DataFrame({"person_id": ["a", "b"], "capability": ["x", "x"],
                      "self": [3, 4], "manager": [np.nan, np.nan]})
    assert np.isnan(mean_self_minus_manager(g))
    g2 = pd.DataFrame({"person_id": ["a", "b", "a"], "capability": ["x", "x", "y"],
                       "self": [3, 4, 2], "manager": [2, 2, 2]})
    assert np.isnan(mean_self_minus_manager(g2))  # two people: fewer than 5
    assert mean_self_minus_manager(g2, min_n=2) == pytest.approx(3 / 3)


def test_by_role_rows_are_siblings():
    g = pd.DataFrame({"role": ["kam"] * 9 + ["rep"] * 3 + ["msl"] * 6,
                      "self": [3] * 18, "manager": [2] * 18})
    t = self_vs_manager(g, by="role").set_index("role")
    assert t["suppressed"].to_dict() == {"kam": "", "msl": "complementary", "rep": "n < 5"}
