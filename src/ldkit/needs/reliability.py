"""Internal consistency of multi-item scales: Cronbach's alpha with a Feldt interval.

One public function, :func:`cronbach_alpha`, takes a wide table (respondents in
rows, the items of one scale in columns) and returns an :class:`AlphaResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ldkit._params import check_choice, check_number, param_error
from ldkit.errors import InputError, Location
from ldkit.needs._wide import numeric_items

__all__ = ["NAN_POLICIES", "AlphaResult", "cronbach_alpha"]

NAN_POLICIES = ("pairwise", "listwise")
"""The missing-data policies of :func:`cronbach_alpha`."""


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha of one scale, with its Feldt confidence interval.

    Attributes
    ----------
    alpha : float
        Cronbach's alpha.
    ci_low, ci_high : float
        Bounds of the Feldt confidence interval (``ci_low <= alpha <= ci_high``).
    n : int
        Respondents used: with ``"pairwise"``, every respondent who answered at
        least one item; with ``"listwise"``, those who answered all items.
    k : int
        Number of items.
    ci_level : float
        Coverage of the interval (0.95 for a 95% interval).
    nan_policy : str
        ``"pairwise"`` or ``"listwise"``.
    if_item_deleted : pandas.DataFrame
        One row per item (index named ``item``), columns ``alpha`` (alpha of
        the scale without that item, NaN when fewer than two items remain) and
        ``item_total_r`` (corrected item-total correlation: the item against
        the sum of the other items). Both come from the same covariance matrix
        as ``alpha``, so with ``"listwise"`` they use the same respondents.
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    ci_level: float
    nan_policy: str
    if_item_deleted: pd.DataFrame = field(compare=False, repr=False)

    def as_dict(self) -> dict[str, float | int | str]:
        """The scalar fields as a dict (``if_item_deleted`` left out)."""
        return {
            "alpha": self.alpha,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n": self.n,
            "k": self.k,
            "ci_level": self.ci_level,
            "nan_policy": self.nan_policy,
        }

    def to_frame(self) -> pd.DataFrame:
        """The scalar fields as a one-row DataFrame."""
        return pd.DataFrame([self.as_dict()])


def _as_float_items(data: object, *, func: str) -> pd.DataFrame:
    """Check a wide respondents x items table and return a float64 copy."""
    return numeric_items(data, "data", func=func)


def _alpha_of(cov: np.ndarray) -> float:
    """alpha = k/(k-1) * (1 - trace(C)/sum(C)); NaN when undefined."""
    k = cov.shape[0]
    total = cov.sum()
    if k < 2 or not total > 0:
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(cov) / total))


def _if_item_deleted(cov: np.ndarray, items: pd.Index) -> pd.DataFrame:
    k = cov.shape[0]
    alphas, rs = [], []
    for j in range(k):
        keep = [i for i in range(k) if i != j]
        rest = cov[np.ix_(keep, keep)]
        alphas.append(_alpha_of(rest))
        var_rest = rest.sum()
        var_item = cov[j, j]
        cov_item_rest = cov[j, keep].sum()
        if var_rest > 0 and var_item > 0:
            rs.append(float(cov_item_rest / np.sqrt(var_item * var_rest)))
        else:
            rs.append(float("nan"))
    index = pd.Index(items, name="item")
    return pd.DataFrame({"alpha": alphas, "item_total_r": rs}, index=index)


def cronbach_alpha(
    data: pd.DataFrame, *, nan_policy: str = "pairwise", ci: float = 0.95
) -> AlphaResult:
    r"""Cronbach's alpha of a multi-item scale, with a Feldt confidence interval.

    Parameters
    ----------
    data : pandas.DataFrame
        Wide table: one row per respondent, one numeric column per item of the
        scale (at least two items and two respondents). Not modified.
    nan_policy : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"`` computes each covariance from the respondents who
        answered both items (as R ``psych::alpha`` and pingouin do);
        ``"listwise"`` first drops every respondent with a missing answer.
    ci : float, default 0.95
        Coverage of the confidence interval, in (0, 1).

    Returns
    -------
    AlphaResult
        ``alpha``, ``ci_low``, ``ci_high``, ``n``, ``k`` and the
        ``if_item_deleted`` table (alpha without each item, corrected
        item-total correlation).

    Raises
    ------
    ldkit.errors.ParameterError
        If ``nan_policy`` or ``ci`` is not valid, or ``data`` is not a DataFrame.
    ldkit.errors.InputError
        If there are fewer than two items or respondents, an item is not
        numeric, two items share no two respondents, or the total score has
        no variance (alpha undefined).

    Notes
    -----
    With :math:`C` the k x k covariance matrix of the items (ddof = 1),

    .. math::

        \alpha = \frac{k}{k-1}\left(1 - \frac{\sum_i \sigma^2_{i}}{\sigma^2_X}\right)
               = \frac{k}{k-1}\left(1 - \frac{\operatorname{tr}(C)}{\sum_{ij} C_{ij}}\right)

    where :math:`\sigma^2_i` is the variance of item i and :math:`\sigma^2_X`
    the variance of the total score. The Feldt interval at level :math:`1-a`,
    with :math:`df_1 = n - 1` and :math:`df_2 = (n - 1)(k - 1)`, is

    .. math::

        [1 - (1-\alpha) F^{-1}_{1-a/2}(df_1, df_2),\;
         1 - (1-\alpha) F^{-1}_{a/2}(df_1, df_2)]

    With ``"listwise"``, n is the number of complete respondents (as pingouin
    does; ``psych::alpha(use="complete.obs")`` keeps the total count). With
    ``"pairwise"``, n counts every respondent who answered at least one item
    (pingouin counts all rows; the two agree unless a row is entirely empty).

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure
           of tests. Psychometrika, 16(3), 297-334.
    .. [2] Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical
           inference for coefficient alpha. Applied Psychological Measurement,
           11(1), 93-103.
    .. [3] Vallat, R. (2018). Pingouin: statistics in Python. Journal of Open
           Source Software, 3(31), 1026 (``pingouin.cronbach_alpha``).

    Examples
    --------
    >>> import pandas as pd
    >>> from ldkit.needs.reliability import cronbach_alpha
    >>> scores = pd.DataFrame({"q1": [4, 5, 3, 4, 2, 5],
    ...                        "q2": [4, 4, 3, 5, 2, 4],
    ...                        "q3": [3, 5, 2, 4, 3, 5]})
    >>> res = cronbach_alpha(scores)
    >>> round(res.alpha, 3), round(res.ci_low, 3), round(res.ci_high, 3), res.n, res.k
    (0.875, 0.472, 0.981, 6, 3)
    >>> res.if_item_deleted.round(3).reset_index()
      item  alpha  item_total_r
    0   q1  0.690         0.899
    1   q2  0.889         0.686
    2   q3  0.868         0.717
    """
    func = "cronbach_alpha"
    check_choice("nan_policy", nan_policy, NAN_POLICIES, func=func)
    check_number("ci", ci, func=func)
    if not 0 < ci < 1:
        raise param_error("ci", func, "a number in (0, 1)", ci)
    values = _as_float_items(data, func=func)

    k = values.shape[1]
    if k < 2:
        raise InputError(f"Cronbach's alpha needs at least two items; got {k}.")
    if nan_policy == "listwise":
        values = values.dropna(axis=0, how="any")
    else:
        values = values.dropna(axis=0, how="all")
    n = values.shape[0]
    if n < 2:
        what = "complete respondents" if nan_policy == "listwise" else "respondents"
        raise InputError(f"Cronbach's alpha needs at least two {what}; got {n}.")

    cov_frame = values.cov(ddof=1)
    cov = cov_frame.to_numpy()
    if np.isnan(cov).any():
        i, j = np.argwhere(np.isnan(cov))[0]
        a, b = values.columns[i], values.columns[j]
        pair = f"item '{a}'" if i == j else f"items '{a}' and '{b}'"
        raise InputError(
            f"Cannot compute a covariance for {pair}: fewer than two respondents "
            "answered them together.",
            location=Location(column=str(a)),
        )
    total = cov.sum()
    trace = np.trace(cov)
    if not total > 1e-12 * trace:  # also catches NaN and negative totals
        raise InputError(
            "The total score has no variance (every respondent has the same total, "
            f"variance {total:.3g}), so Cronbach's alpha is undefined.",
            hint="check for constant items or items that cancel each other out",
        )

    alpha = _alpha_of(cov)
    df1 = n - 1
    df2 = (n - 1) * (k - 1)
    tail = (1 - ci) / 2
    from scipy.stats import f as f_dist  # imported here: scipy.stats costs ~0.5 s at import

    ci_low = 1 - (1 - alpha) * f_dist.isf(tail, df1, df2)
    ci_high = 1 - (1 - alpha) * f_dist.isf(1 - tail, df1, df2)
    return AlphaResult(
        alpha=alpha,
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        n=int(n),
        k=int(k),
        ci_level=float(ci),
        nan_policy=nan_policy,
        if_item_deleted=_if_item_deleted(cov, values.columns),
    )
