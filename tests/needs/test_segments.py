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
    assert t["n"].tolist() == [6, pd.NA, pd.NA, 13]  # sizes of hidden segments not shown
    assert segment_table(gaps, people, "region", show_counts=True)["n"].tolist() == [
        6, 2, 5, 13]
    assert t["suppressed"].tolist() == ["", "n < 5", "complementary", ""]
    total = t.iloc[-1]
    assert total.mean_gap == pytest.approx((6 + 4) / 13)
    assert total.share_below == pytest.approx(8 / 13)
    assert t.iloc[0].mean_gap == 1.0 and np.isnan(t.iloc[1].mean_gap)


def test_segment_by_unknown_attribute():
    gaps, people = gaps_and_people()
    with pytest.raises(InputError, match="no attribute 'tenure'"):
        segment_table(gaps, people, "tenure")


def test_segment_literally_named_all_is_not_the_total():
    gaps, people = gaps_and_people()
    people = people.assign(region=["All"] * 6 + ["US"] * 5 + ["JP"] * 2)
    t = segment_table(gaps, people, "region", show_counts=True)
    assert t["region"].tolist() == ["All (group)", "JP", "US", TOTAL]
    assert t["n"].tolist() == [6, 2, 5, 13]
    assert t["suppressed"].tolist() == ["", "n < 5", "complementary", ""]
    # recomputed: the group "All" is the six people of region "All", the total all 13
    assert t.iloc[0].mean_gap == 1.0
    assert t.iloc[-1].mean_gap == pytest.approx((6 * 1.0 + 2 * 2.0) / 13)


def test_segments_hide_a_sibling_when_the_hidden_ones_are_too_few_together():
    people = pd.DataFrame({"person_id": [f"p{i}" for i in range(20)],
                           "region": ["EU"] * 12 + ["US"] * 6 + ["JP"] * 1 + ["CN"] * 1})
    gaps = pd.DataFrame({"person_id": people.person_id, "capability": "ap",
                         "current": 2.0, "gap": 1.0, "below": True})
    t = segment_table(gaps, people, "region").set_index("region")
    # JP and CN (1 + 1 < 5) together are still one person apart from the total: US goes too
    assert t["suppressed"].to_dict() == {"CN": "n < 5", "EU": "", "JP": "n < 5",
                                         "US": "complementary", "All": ""}
