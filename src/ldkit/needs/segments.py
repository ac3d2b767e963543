"""Segments by respondent attribute, with the minimum group size applied to every aggregate.

The rule itself (primary and complementary suppression, the ``suppressed``
marker, whether a hidden group's size shows) lives in :mod:`ldkit.disclosure`;
this module builds the segment tables and hands them to it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ldkit._params import check_number
from ldkit.disclosure import TOTAL, group_label, suppress
from ldkit.errors import InputError

__all__ = ["TOTAL", "segment_table", "suppress_small"]


def suppress_small(
    table: pd.DataFrame,
    *,
    n: str = "n",
    min_n: int = 5,
    values: Sequence[str],
    parent: Sequence[str] | None = None,
    show_counts: bool = True,
) -> pd.DataFrame:
    """Blank ``values`` where ``n`` < ``min_n``; complementary suppression within ``parent``.

    Kept for callers of earlier versions: :func:`ldkit.disclosure.suppress` is the
    rule, with the total rows found here by their label (a cell equal to
    :data:`TOTAL`). Tables that may hold a group named "All" flag their totals
    and call :func:`ldkit.disclosure.suppress` directly. ``show_counts`` keeps
    the earlier behaviour (sizes shown) by default.

    Returns a copy with a ``suppressed`` column: "" (shown), "n < 5" (primary),
    or "complementary".

    Examples
    --------
    >>> t = pd.DataFrame({"cap": ["a"] * 4, "region": ["EU", "US", "JP", "All"],
    ...                   "n": [12, 3, 9, 24], "mean": [1.0, 2.0, 0.5, 1.0]})
    >>> suppress_small(t, values=["mean"], parent=["cap"])["suppressed"].tolist()
    ['', 'n < 5', 'complementary', '']
    """
    from ldkit.disclosure import suppress_labelled

    check_number("min_n", min_n, func="suppress_small", low=1, integer=True)
    return suppress_labelled(table, min_group_size=min_n, n=n, values=values, parent=parent,
                             show_counts=show_counts)


def segment_table(
    gaps: pd.DataFrame,
    people: pd.DataFrame,
    by: str | Sequence[str],
    *,
    min_n: int = 5,
    show_counts: bool = False,
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
    show_counts : bool
        Show the size of a hidden segment (default False; see :mod:`ldkit.disclosure`).

    Returns
    -------
    DataFrame
        capability, the ``by`` columns (``All`` on the total row; a segment whose
        own value is "All" reads "All (group)"), n, mean_current, mean_gap,
        share_below, suppressed. Segments of one capability are siblings under
        its total (:func:`ldkit.disclosure.suppress`).
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
        frame[k] = frame[k].astype("string").fillna("(blank)").map(group_label)

    def agg(df: pd.DataFrame, group: list[str]) -> pd.DataFrame:
        g = df.groupby(group, observed=True, sort=True)
        out = g.agg(n=("current", "count"), mean_current=("current", "mean"),
                    mean_gap=("gap", "mean"))
        out["share_below"] = df["below"].astype("boolean").groupby(
            [df[k] for k in group], observed=True, sort=True).mean().astype("float64")
        return out.reset_index()

    parts = agg(frame, ["capability", *keys]).assign(_total=False)
    totals = agg(frame, ["capability"]).assign(**{k: TOTAL for k in keys}, _total=True)
    table = pd.concat([parts, totals], ignore_index=True)
    table = table.sort_values(["capability", "_total", *keys], kind="stable")
    table = table.reset_index(drop=True)
    out = suppress(table, min_group_size=min_n, n="n",
                   values=["mean_current", "mean_gap", "share_below"],
                   parent=["capability"], total=table["_total"], show_counts=show_counts)
    return out[["capability", *keys, "n", "mean_current", "mean_gap", "share_below",
                "suppressed"]]
