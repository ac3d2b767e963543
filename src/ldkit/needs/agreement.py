"""Self against manager: both ratings side by side, their difference and agreement."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ldkit._params import check_number
from ldkit.errors import InputError

__all__ = ["mean_self_minus_manager", "self_vs_manager"]

_MEASURES = ("capability", "domain", "item")  # rows that measure different things


def self_vs_manager(gaps: pd.DataFrame, *, by: str = "capability", min_n: int = 5,
                    show_counts: bool = False) -> pd.DataFrame:
    """Per capability (or other column), compare self and manager ratings of the same people.

    Only people rated by both count (paired). Columns: the ``by`` column,
    n_pairs, mean_self, mean_manager, mean_diff (self - manager), sd_diff,
    exact_agreement (share of pairs with equal ratings), within_one (share
    within one level), r (Pearson correlation; NaN if either side is
    constant), suppressed.

    Parameters
    ----------
    gaps : DataFrame
        :func:`ldkit.needs.person_gaps` output (columns ``self`` and ``manager``).
    by : str
        Grouping column, default "capability" (e.g. "role", "domain").
    min_n : int
        Minimum number of pairs shown (default 5), under :mod:`ldkit.disclosure`'s
        rule: rows by capability are separate measures (primary suppression only);
        rows by a group of people (``by="role"``) are siblings.
    show_counts : bool
        Show ``n_pairs`` of a hidden row (default False).

    Examples
    --------
    >>> g = pd.DataFrame({"capability": ["ap"] * 5, "self": [3, 4, 2, 3, 4],
    ...                   "manager": [2, 4, 2, 2, 3]})
    >>> row = self_vs_manager(g).iloc[0]
    >>> int(row.n_pairs), float(row.mean_diff), float(row.exact_agreement)
    (5, 0.6, 0.4)
    """
    from ldkit.disclosure import suppress

    check_number("min_n", min_n, func="self_vs_manager", low=1, integer=True)
    for col in (by, "self", "manager"):
        if col not in gaps.columns:
            raise InputError(f"the table has no column '{col}'",
                             hint="pass the result of person_gaps() with self and manager "
                                  "ratings")
    pairs = gaps.dropna(subset=["self", "manager"])
    diff = pairs["self"] - pairs["manager"]
    frame = pairs.assign(diff=diff, exact=np.isclose(diff, 0), within=diff.abs() <= 1 + 1e-9)
    g = frame.groupby(by, observed=True, sort=True)
    out = g.agg(n_pairs=("diff", "size"), mean_self=("self", "mean"),
                mean_manager=("manager", "mean"), mean_diff=("diff", "mean"),
                sd_diff=("diff", "std"), exact_agreement=("exact", "mean"),
                within_one=("within", "mean"))
    out["r"] = pd.Series({key: _pearson(sub) for key, sub in g}, dtype="float64")
    out = out.reset_index()
    return suppress(out, min_group_size=min_n, n="n_pairs",
                    parent=None if by in _MEASURES else [], show_counts=show_counts,
                    values=["mean_self", "mean_manager", "mean_diff", "sd_diff",
                            "exact_agreement", "within_one", "r"])


def mean_self_minus_manager(gaps: pd.DataFrame, *, min_n: int = 5) -> float:
    r"""Mean of self minus manager over every person x capability pair rated by both.

    Pooled over pairs, so a capability rated by more pairs weighs more; this
    is not the unweighted mean of the per-capability ``mean_diff`` of
    :func:`self_vs_manager`. NaN when there are fewer than ``min_n`` distinct
    people with a pair (the rule of :mod:`ldkit.disclosure`) or no manager
    ratings at all.

    Notes
    -----
    .. math:: \bar d = \frac{1}{P} \sum_{(i, j)} (S_{ij} - M_{ij})

    over the :math:`P` pairs of person :math:`i` and capability :math:`j` with
    both a self rating :math:`S_{ij}` and a manager rating :math:`M_{ij}`.

    Examples
    --------
    >>> g = pd.DataFrame({"person_id": ["a", "b", "c", "d", "e", "a"],
    ...                   "capability": ["x"] * 5 + ["y"],
    ...                   "self": [3, 4, 2, 3, 4, 4], "manager": [2, 4, 2, 2, 3, 1]})
    >>> round(mean_self_minus_manager(g), 4)  # (1 + 0 + 0 + 1 + 1 + 3) / 6
    1.0
    """
    from ldkit.disclosure import is_small

    check_number("min_n", min_n, func="mean_self_minus_manager", low=1, integer=True)
    for col in ("self", "manager"):
        if col not in gaps.columns:
            return float("nan")
    pairs = gaps.dropna(subset=["self", "manager"])
    people = pairs["person_id"].nunique() if "person_id" in pairs else len(pairs)
    if pairs.empty or is_small(people, min_group_size=min_n):
        return float("nan")
    return float((pairs["self"] - pairs["manager"]).mean())


def _pearson(df: pd.DataFrame) -> float:
    a, b = df["self"].to_numpy(float), df["manager"].to_numpy(float)
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])
