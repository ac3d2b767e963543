"""Without a manager survey no needs table mentions manager ratings (issue 12, item 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ldkit.needs import NeedsResult, gap_table, mean_self_minus_manager, self_vs_manager


def _self_only(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame({"person_id": [f"p{i}" for i in range(n)], "role": "kam",
                         "capability": "ap", "required_level": 3, "weight": 1.0,
                         "self": [2.0, 3.0] * (n // 2), "manager": np.nan, "peer": np.nan,
                         "current": [2.0, 3.0] * (n // 2), "gap": [1.0, 0.0] * (n // 2),
                         "below": [True, False] * (n // 2)})


def test_gap_table_has_no_manager_columns_without_manager_ratings():
    t = gap_table(_self_only())
    assert not [c for c in t.columns if "manager" in c or "peer" in c]
    assert t.loc[0, "mean_self"] == 2.5  # recomputed: (2 + 3 + 2 + 3 + 2 + 3) / 6


def test_needs_result_has_no_self_vs_manager_table_without_manager_ratings():
    pg = _self_only()
    empty = pd.DataFrame()
    result = NeedsResult(person_gaps=pg, gaps=gap_table(pg), self_vs_manager=self_vs_manager(pg),
                         borich=empty, segments={}, counts=empty, quality=empty,
                         unmatched_roles=empty, min_n=5, people=pg[["person_id", "role"]])
    assert "self_vs_manager" not in result.tables()
    assert np.isnan(mean_self_minus_manager(pg))
    with_manager = pg.assign(manager=pg["self"])
    result2 = NeedsResult(person_gaps=with_manager, gaps=gap_table(with_manager),
                          self_vs_manager=self_vs_manager(with_manager), borich=empty,
                          segments={}, counts=empty, quality=empty, unmatched_roles=empty,
                          min_n=5, people=pg[["person_id", "role"]])
    assert "self_vs_manager" in result2.tables()
    assert "mean_manager" in result2.gaps.columns
