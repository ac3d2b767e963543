"""Borich needs assessment: mean weighted discrepancy scores and the Locus for Focus.

:func:`borich` scores each item from two wide tables rated by the same
respondents (importance and competence) and returns one row per item, ranked
by its mean weighted discrepancy score (MWDS), with a bootstrap interval and
its Locus-for-Focus quadrant. :func:`locus_for_focus` adds the quadrant to any
table of item means.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ldkit._params import check_number, param_error
from ldkit.errors import InputError, Location
from ldkit.needs._wide import numeric_items

__all__ = ["BORICH_COLUMNS", "QUADRANTS", "borich", "locus_for_focus", "suppress_borich"]

QUADRANTS = {
    "Q1": "Q1 focus: high importance, high discrepancy",
    "Q2": "Q2: low importance, high discrepancy",
    "Q3": "Q3: low importance, low discrepancy",
    "Q4": "Q4: high importance, low discrepancy",
}
"""Labels of the Locus-for-Focus quadrants, numbered as in Mink et al. (1991).

High means at or above the mean over items. Only Q1 is a training priority
(``focus``); Q4 is a strength to maintain, Q2 a gap in something that matters
less, Q3 neither.
"""

BORICH_COLUMNS = [
    "item",
    "n",
    "mean_importance",
    "mean_competence",
    "discrepancy",
    "mwds",
    "mwds_ci_low",
    "mwds_ci_high",
    "rank",
    "quadrant",
    "focus",
]


def _check_frame(frame: object, name: str, *, func: str) -> pd.DataFrame:
    values = numeric_items(frame, name, func=func, label=name, unique_index=True)
    if values.shape[1] == 0:
        raise InputError(f"{name} has no items (columns).")
    return values


def _difference(left: pd.Index, right: pd.Index, what: str) -> str | None:
    only_left = [str(x) for x in left if x not in set(right)]
    only_right = [str(x) for x in right if x not in set(left)]
    if not only_left and not only_right:
        return None
    parts = []
    if only_left:
        parts.append(f"only in importance: {', '.join(only_left[:5])}")
    if only_right:
        parts.append(f"only in competence: {', '.join(only_right[:5])}")
    return f"importance and competence must have the same {what}; " + "; ".join(parts) + "."


def locus_for_focus(result: pd.DataFrame) -> pd.DataFrame:
    """Add the Locus-for-Focus quadrant of each item to a table of item means.

    Parameters
    ----------
    result : pandas.DataFrame
        One row per item with numeric columns ``mean_importance`` and
        ``discrepancy`` (mean importance minus mean competence), such as the
        output of :func:`borich`. Not modified.

    Returns
    -------
    pandas.DataFrame
        A copy of ``result`` with columns ``quadrant`` (a label of
        :data:`QUADRANTS`) and ``focus`` (True for Q1) set.

    Notes
    -----
    Each item is a point (x, y) with x = mean importance and y = mean
    discrepancy. The plane is split at the unweighted means over items,
    :math:`\\bar x` and :math:`\\bar y`; an item is high on an axis when its value
    is at or above that mean (within floating-point tolerance):

    ========  ===================  ==================
    quadrant  importance           discrepancy
    ========  ===================  ==================
    Q1        high (x >= mean x)   high (y >= mean y)
    Q2        low                  high
    Q3        low                  low
    Q4        high                 low
    ========  ===================  ==================

    References
    ----------
    .. [1] Mink, O. G., Shultz, J. M., & Mink, B. P. (1991). Developing and
           managing open organizations: A model and method for maximizing
           organizational potential. Somerset Consulting Group.
    .. [2] Narine, L. K., & Harder, A. (2021). Comparing the Borich model with
           the Ranked Discrepancy Model for competency assessment: A novel
           approach. Advancements in Agricultural Development, 2(3), 96-111.

    Examples
    --------
    >>> import pandas as pd
    >>> from ldkit.needs.borich import locus_for_focus
    >>> means = pd.DataFrame({"item": ["a", "b", "c", "d"],
    ...                       "mean_importance": [4.5, 4.5, 3.0, 3.0],
    ...                       "discrepancy": [1.5, 0.2, 1.5, 0.2]})
    >>> locus_for_focus(means)[["item", "focus"]]
      item  focus
    0    a   True
    1    b  False
    2    c  False
    3    d  False
    """
    func = "locus_for_focus"
    if not isinstance(result, pd.DataFrame):
        raise param_error("result", func, "a pandas DataFrame", type(result).__name__)
    missing = [c for c in ("mean_importance", "discrepancy") if c not in result.columns]
    if missing:
        raise InputError(f"The item table lacks column(s): {', '.join(missing)}.")
    if result.empty:
        raise InputError("The item table has no rows.")
    x = pd.to_numeric(result["mean_importance"], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(result["discrepancy"], errors="coerce").to_numpy(dtype=float)
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise InputError("mean_importance and discrepancy must be finite numbers in every row.")
    high_x = (x > x.mean()) | np.isclose(x, x.mean())
    high_y = (y > y.mean()) | np.isclose(y, y.mean())
    codes = np.select(
        [high_x & high_y, ~high_x & high_y, ~high_x & ~high_y], ["Q1", "Q2", "Q3"], "Q4"
    )
    out = result.copy()
    out["quadrant"] = [QUADRANTS[c] for c in codes]
    out["focus"] = codes == "Q1"
    return out


def borich(
    importance: pd.DataFrame,
    competence: pd.DataFrame,
    *,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int | None = 0,
) -> pd.DataFrame:
    r"""Borich mean weighted discrepancy scores (MWDS), ranked, with bootstrap intervals.

    Parameters
    ----------
    importance, competence : pandas.DataFrame
        Wide tables of the same respondents (index) and items (columns): how
        important each item is to the job, and how competent the respondent
        is in it, on the same numeric scale. Missing answers are NaN. The rows
        and columns may come in different orders; those of ``importance`` are
        kept. Not modified.
    n_boot : int, default 2000
        Bootstrap resamples for the MWDS interval; 0 skips the bootstrap and
        leaves the interval NaN.
    ci : float, default 0.95
        Coverage of the percentile bootstrap interval, in (0, 1).
    seed : int or None, default 0
        Seed of :func:`numpy.random.default_rng`; the same seed and input
        give the same intervals. None draws a fresh seed.

    Returns
    -------
    pandas.DataFrame
        One row per item, sorted by rank, with columns ``item``, ``n``
        (respondents with both ratings), ``mean_importance``,
        ``mean_competence``, ``discrepancy`` (mean importance minus mean
        competence), ``mwds``, ``mwds_ci_low``, ``mwds_ci_high``, ``rank``
        (1 = highest MWDS; ties share the lowest rank), ``quadrant`` and
        ``focus`` (see :func:`locus_for_focus`).

    Raises
    ------
    ldkit.errors.ParameterError
        If ``n_boot``, ``ci`` or ``seed`` is not valid, or an input is not a
        DataFrame.
    ldkit.errors.InputError
        If the two tables differ in items or respondents (the difference is
        named), a rating is not numeric, or an item has no respondent with
        both ratings.

    Notes
    -----
    For item j, over the :math:`n_j` respondents who rated both its importance
    :math:`I_{ij}` and competence :math:`C_{ij}` (complete pairs only):

    .. math::

        \mathrm{MWDS}_j = \bar I_j \, (\bar I_j - \bar C_j)
                        = \frac{1}{n_j} \sum_i (I_{ij} - C_{ij}) \, \bar I_j

    Each respondent's gap is weighted by the item's *mean* importance, never by
    that respondent's own importance: :math:`\frac{1}{n_j}\sum_i I_{ij}(I_{ij}
    - C_{ij})` is the calculation error Narine & Harder (2021) describe.
    Negative scores (competence above importance) are kept, not clipped.

    The interval resamples the :math:`n_j` complete pairs with replacement
    ``n_boot`` times, recomputes MWDS on each resample, and takes the
    :math:`(1-ci)/2` and :math:`(1+ci)/2` quantiles.

    References
    ----------
    .. [1] Borich, G. D. (1980). A needs assessment model for conducting
           follow-up studies. Journal of Teacher Education, 31(3), 39-42.
    .. [2] Narine, L. K., & Harder, A. (2021). Comparing the Borich model with
           the Ranked Discrepancy Model for competency assessment: A novel
           approach. Advancements in Agricultural Development, 2(3), 96-111.
    .. [3] Mink, O. G., Shultz, J. M., & Mink, B. P. (1991). Developing and
           managing open organizations. Somerset Consulting Group.

    Examples
    --------
    >>> import pandas as pd
    >>> from ldkit.needs.borich import borich
    >>> imp = pd.DataFrame({"planning": [5, 4, 5, 4], "negotiation": [3, 4, 3, 3]})
    >>> com = pd.DataFrame({"planning": [3, 3, 4, 2], "negotiation": [3, 2, 3, 4]})
    >>> res = borich(imp, com, n_boot=500)
    >>> res[["item", "n", "mean_importance", "discrepancy", "mwds", "rank", "focus"]]
              item  n  mean_importance  discrepancy    mwds  rank  focus
    0     planning  4             4.50         1.50  6.7500     1   True
    1  negotiation  4             3.25         0.25  0.8125     2  False
    """
    func = "borich"
    check_number("n_boot", n_boot, func=func, low=0, integer=True)
    check_number("ci", ci, func=func)
    if not 0 < ci < 1:
        raise param_error("ci", func, "a number in (0, 1)", ci)
    if seed is not None:
        check_number("seed", seed, func=func, low=0, integer=True)
    imp = _check_frame(importance, "importance", func=func)
    com = _check_frame(competence, "competence", func=func)
    for what, left, right in (
        ("items (columns)", imp.columns, com.columns),
        ("respondents (index)", imp.index, com.index),
    ):
        problem = _difference(left, right, what)
        if problem:
            raise InputError(problem)
    com = com.loc[imp.index, imp.columns]

    rng = np.random.default_rng(seed)
    tail = (1 - ci) / 2
    rows = []
    for item in imp.columns:
        i_all = imp[item].to_numpy()
        c_all = com[item].to_numpy()
        pair = ~(np.isnan(i_all) | np.isnan(c_all))
        n = int(pair.sum())
        if n == 0:
            raise InputError(
                f"Item '{item}' has no respondent with both an importance and a "
                "competence rating.",
                location=Location(column=str(item)),
                hint="drop the item or check the merge of the two tables",
            )
        i_vals, c_vals = i_all[pair], c_all[pair]
        mean_i, mean_c = i_vals.mean(), c_vals.mean()
        mwds = mean_i * (mean_i - mean_c)
        low = high = float("nan")
        if n_boot > 0:
            draw = rng.integers(0, n, size=(n_boot, n))
            boot_i = i_vals[draw].mean(axis=1)
            boot_c = c_vals[draw].mean(axis=1)
            low, high = np.quantile(boot_i * (boot_i - boot_c), [tail, 1 - tail])
        rows.append(
            {
                "item": item,
                "n": n,
                "mean_importance": mean_i,
                "mean_competence": mean_c,
                "discrepancy": mean_i - mean_c,
                "mwds": mwds,
                "mwds_ci_low": float(low),
                "mwds_ci_high": float(high),
            }
        )

    table = pd.DataFrame(rows)
    table["rank"] = table["mwds"].rank(method="min", ascending=False).astype("int64")
    table = locus_for_focus(table)
    table = table.sort_values("rank", kind="stable").reset_index(drop=True)
    return table[BORICH_COLUMNS]


def suppress_borich(table: pd.DataFrame, *, min_group_size: int = 5,
                    show_counts: bool = False) -> pd.DataFrame:
    """The minimum group size on a :func:`borich` table, item by item.

    Items are separate measures of the same respondents, so only primary
    suppression applies (:func:`ldkit.disclosure.suppress`): an item rated
    (importance and competence) by fewer than ``min_group_size`` people shows
    no means, MWDS, interval, rank or quadrant (blank; ``focus`` False), and the
    ranks and quadrants of the items shown are recomputed among them (a hidden
    item would otherwise move them). Adds the ``suppressed`` column.

    Examples
    --------
    >>> t = pd.DataFrame({"item": ["a", "b", "c"], "n": [9, 3, 9],
    ...                   "mean_importance": [4.5, 4.0, 3.0], "mean_competence": [3.0, 2.0, 2.9],
    ...                   "discrepancy": [1.5, 2.0, 0.1], "mwds": [6.75, 8.0, 0.3]})
    >>> suppress_borich(t)[["item", "rank", "suppressed"]].values.tolist()
    [['a', 1, ''], ['c', 2, ''], ['b', <NA>, 'n < 5']]
    """
    from ldkit.disclosure import hidden_mask, suppress

    values = [c for c in ("mean_importance", "mean_competence", "discrepancy", "mwds",
                          "mwds_ci_low", "mwds_ci_high") if c in table.columns]
    out = suppress(table, min_group_size=min_group_size, n="n", values=values,
                   show_counts=show_counts)
    hidden = hidden_mask(out).to_numpy()
    shown = out.loc[~hidden]
    rank = shown["mwds"].rank(method="min", ascending=False)
    out["rank"] = pd.Series(rank, index=out.index).where(~hidden).astype("Int64")
    out["quadrant"] = ""
    out["focus"] = False
    if not shown.empty:
        lf = locus_for_focus(shown)
        out.loc[~hidden, "quadrant"] = lf["quadrant"].to_numpy()
        out.loc[~hidden, "focus"] = lf["focus"].to_numpy()
    out = out.sort_values(["rank"], kind="stable", na_position="last").reset_index(drop=True)
    return out
