"""Self against manager ratings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ldkit.errors import InputError
from ldkit.needs.agreement import self_vs_manager


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
