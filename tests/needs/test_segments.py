"""Minimum group size, complementary suppression, segments by attribute."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ldkit.errors import InputError, ParameterError
from ldkit.needs import TOTAL, segment_table, suppress_small


def test_primary_and_complementary_suppression():
    t = pd.DataFrame({"cap": ["a"] * 4 + ["b"] * 3,
                      "region": ["EU", "US", "JP", TOTAL, "EU", "US", TOTAL],
                      "n": [12, 3, 9, 24, 6, 7, 13],
                      "mean": [1.0, 2.0, 0.5, 1.0, 0.1, 0.2, 0.15]})
    out = suppress_small(t, values=["mean"], parent=["cap"])
    # cap a: US hidden (3 < 5); JP, the smallest shown, hidden too, else US = total - EU - JP
    assert out["suppressed"].tolist() == ["", "n < 5", "complementary", "", "", "", ""]
    assert out["mean"].isna().tolist() == [False, True, True, False, False, False, False]
    assert t["mean"].notna().all()  # input not mutated


def test_no_complementary_when_two_are_already_hidden():
    t = pd.DataFrame({"cap": ["a"] * 4, "region": ["EU", "US", "JP", TOTAL],
                      "n": [12, 3, 2, 17], "mean": [1.0, 2.0, 0.5, 1.0]})
    assert suppress_small(t, values=["mean"], parent=["cap"])["suppressed"].tolist() == [
        "", "n < 5", "n < 5", ""]


def test_min_n_is_validated():
    with pytest.raises(ParameterError, match="min_n"):
        suppress_small(pd.DataFrame({"n": [1]}), values=[], min_n=0)


def gaps_and_people():
    people = pd.DataFrame({"person_id": [f"p{i}" for i in range(13)],
                           "region": ["EU"] * 6 + ["US"] * 5 + ["JP"] * 2})
    gaps = pd.DataFrame({"person_id": people.person_id, "capability": "ap",
                         "current": [2.0] * 6 + [3.0] * 5 + [1.0] * 2,
                         "gap": [1.0] * 6 + [0.0] * 5 + [2.0] * 2,
                         "below": [True] * 6 + [False] * 5 + [True] * 2})
    return gaps, people


def test_segment_table_with_total():
    gaps, people = gaps_and_people()
    t = segment_table(gaps, people, "region")
    assert t["region"].tolist() == ["EU", "JP", "US", TOTAL]
    assert t["n"].tolist() == [6, 2, 5, 13]
    assert t["suppressed"].tolist() == ["", "n < 5", "complementary", ""]
    total = t.iloc[-1]
    assert total.mean_gap == pytest.approx((6 + 4) / 13)
    assert total.share_below == pytest.approx(8 / 13)
    assert t.iloc[0].mean_gap == 1.0 and np.isnan(t.iloc[1].mean_gap)


def test_segment_by_unknown_attribute():
    gaps, people = gaps_and_people()
    with pytest.raises(InputError, match="no attribute 'tenure'"):
        segment_table(gaps, people, "tenure")
