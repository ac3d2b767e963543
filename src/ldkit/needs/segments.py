"""Segments by respondent attribute, with a minimum group size applied to every aggregate.

No aggregate is shown for a group with fewer respondents than the threshold
(default 5). Where one cell of a parent group (e.g. the regions of one
capability) is hidden and the parent's total is shown, a second cell, the
smallest remaining, is hidden too, so the hidden one cannot be recovered by
subtraction from the total (complementary suppression). The ``suppressed``
column says why each blank is blank.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ldkit._params import check_number
from ldkit.errors import InputError

__all__ = ["TOTAL", "segment_table", "suppress_small"]

TOTAL = "All"


def suppress_small(
    table: pd.DataFrame,
    *,
    n: str = "n",
    min_n: int = 5,
    values: Sequence[str],
    parent: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Blank ``values`` where ``n`` < ``min_n``; complementary suppression within ``parent``.

    Returns a copy with a ``suppressed`` column: "" (shown), "n < 5" (primary),
    or "complementary".

    Examples
    --------
    >>> t = pd.DataFrame({"cap": ["a"] * 4, "region": ["EU", "US", "JP", "All"],
    ...                   "n": [12, 3, 9, 24], "mean": [1.0, 2.0, 0.5, 1.0]})
    >>> suppress_small(t, values=["mean"], parent=["cap"])["suppressed"].tolist()
    ['', 'n < 5', 'complementary', '']
    """
    check_number("min_n", min_n, func="suppress_small", low=1, integer=True)
    out = table.copy()
    small = out[n].fillna(0) < min_n
    status = np.where(small, f"n < {min_n}", "").astype(object)
    if parent:
        for _, sub in out.groupby(list(parent), sort=False, observed=True):
            rows = [i for i in sub.index if not _is_total(out.loc[i])]
            hidden = [i for i in rows if small[i]]
            if len(hidden) == 1 and len(rows) > 1:
                shown = [i for i in rows if not small[i]]
                pick = min(shown, key=lambda i: out.at[i, n])
                status[out.index.get_loc(pick)] = "complementary"
    out["suppressed"] = status
    out.loc[out["suppressed"] != "", list(values)] = np.nan
    return out


def _is_total(row: pd.Series) -> bool:
    return any(isinstance(v, str) and v == TOTAL for v in row.to_numpy())


def segment_table(
    gaps: pd.DataFrame,
    people: pd.DataFrame,
    by: str | Sequence[str],
    *,
    min_n: int = 5,
) -> pd.DataFrame:
    """Gap per segment (any respondent attribute) and capability, with a total per capability.

    Parameters
    ----------
    gaps : DataFrame
        :func:`ldkit.needs.person_gaps` output.
    people : DataFrame
        One row per person_id with the attributes to segment by.
    by : str or list of str
        Attribute column(s), e.g. "region" or ["region", "business_unit"].
    min_n : int
        Minimum group size (default 5).

    Returns
    -------
    DataFrame
        capability, the ``by`` columns (``All`` on the total row), n, mean_current,
        mean_gap, share_below, suppressed.
    """
    check_number("min_n", min_n, func="segment_table", low=1, integer=True)
    keys = [by] if isinstance(by, str) else list(by)
    missing = [k for k in keys if k not in people.columns]
    if missing:
        raise InputError(f"the people table has no attribute '{missing[0]}'",
                         hint=f"attributes available: {', '.join(map(str, people.columns))}")
    frame = gaps.merge(people[["person_id", *keys]].drop_duplicates("person_id"),
                       on="person_id", how="left")
    for k in keys:
        frame[k] = frame[k].astype("string").fillna("(blank)")

    def agg(df: pd.DataFrame, group: list[str]) -> pd.DataFrame:
        g = df.groupby(group, observed=True, sort=True)
        out = g.agg(n=("current", "count"), mean_current=("current", "mean"),
                    mean_gap=("gap", "mean"))
        out["share_below"] = df["below"].astype("boolean").groupby(
            [df[k] for k in group], observed=True, sort=True).mean().astype("float64")
        return out.reset_index()

    parts = agg(frame, ["capability", *keys])
    totals = agg(frame, ["capability"]).assign(**{k: TOTAL for k in keys})
    table = pd.concat([parts, totals], ignore_index=True)
    table = table[["capability", *keys, "n", "mean_current", "mean_gap", "share_below"]]
    table = table.sort_values(["capability", *keys], key=lambda s: s.map(
        lambda v: (v == TOTAL, v)) if s.name in keys else s, kind="stable").reset_index(drop=True)
    return suppress_small(table, n="n", min_n=min_n,
                          values=["mean_current", "mean_gap", "share_below"],
                          parent=["capability"])
