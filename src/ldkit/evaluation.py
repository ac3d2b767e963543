"""Programme evaluation: Kirkpatrick levels 1-4 and Phillips level 5 for one programme.

====  ===========  ==========================================================
0     Inputs       participants, costs
1     Reaction     mean satisfaction / relevance rating, share favourable
2     Learning     pre/post assessment: :func:`paired_effect_sizes` (d_z, d_rm,
                   d_av, Hedges' g_av with confidence intervals, the paired
                   t-test) and :func:`normalized_gain` (Hake)
3     Application  share of learners applying what they learned on the job
                   (:func:`application_rates`)
4     Impact       business measures, isolated and converted to money; they
                   feed the benefit model (:func:`benefit_from_control_group`,
                   :class:`ldkit.roi.BenefitMeasure`)
5     ROI          :func:`ldkit.roi.phillips_roi`
====  ===========  ==========================================================

:func:`evaluate_program` links them in one table. Assessment scores are read
with :func:`read_assessments`: every row is accounted for (kept, or excluded
with a reason), and only aggregates leave this module.

The assessments file (CSV or Excel) has one row per learner::

    learner_id  role                  reaction  pre_score  post_score  applied
    L-3F9A2C    Sales Representative  4         55         78          yes

``learner_id``, ``pre_score`` and ``post_score`` are required; ``role``,
``reaction`` (1-5) and ``applied`` (yes/no, at follow-up) are optional. Learner
ids must be pseudonymous: never names or e-mail addresses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldkit._params import check_choice, check_number, param_error
from ldkit.disclosure import (
    TOTAL,
    check_min_group_size,
    group_label,
    hidden_mask,
    is_small,
    primary_reason,
    suppress,
)
from ldkit.errors import InputError, Location, Problem, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.roi.benefits import BenefitMeasure, Benefits
    from ldkit.roi.phillips import RoiResult

__all__ = [
    "GAIN_BANDS",
    "Assessments",
    "NormalizedGain",
    "PairedEffectSizes",
    "ProgramEvaluation",
    "application_rates",
    "benefit_from_control_group",
    "evaluate_program",
    "normalized_gain",
    "paired_effect_sizes",
    "read_assessments",
]

GAIN_BANDS = ((0.7, "high"), (0.3, "medium"), (-math.inf, "low"))
"""Hake (1998): high g >= 0.7, medium 0.3 <= g < 0.7, low g < 0.3."""

_YES = {"yes", "y", "true", "1", "applied"}
_NO = {"no", "n", "false", "0", "not applied"}


# --------------------------------------------------------------------------- level 2


def _pairs(pre: Any, post: Any, func: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Complete pairs of two equally long numeric sequences; the count dropped."""
    try:
        a = np.asarray(pd.to_numeric(pd.Series(list(pre)), errors="raise"), dtype="float64")
        b = np.asarray(pd.to_numeric(pd.Series(list(post)), errors="raise"), dtype="float64")
    except (TypeError, ValueError):
        raise param_error("pre", func, "a sequence of numbers", "non-numeric values") from None
    if a.shape != b.shape:
        raise param_error("post", func, f"as long as pre ({a.size})", f"{b.size} values")
    keep = np.isfinite(a) & np.isfinite(b)
    return a[keep], b[keep], int((~keep).sum())


def _ncp_interval(t: float, df: int, confidence: float) -> tuple[float, float]:
    """Confidence limits of the noncentrality parameter of a noncentral t."""
    from scipy import stats
    from scipy.optimize import brentq

    alpha = 1 - confidence

    def limit(p: float) -> float:
        f = lambda ncp: stats.nct.cdf(t, df, ncp) - p  # noqa: E731
        lo, hi = t - 10.0, t + 10.0
        while f(lo) < 0:
            lo -= 10.0
        while f(hi) > 0:
            hi += 10.0
        return float(brentq(f, lo, hi, xtol=1e-10))

    return limit(1 - alpha / 2), limit(alpha / 2)


@dataclass(frozen=True)
class PairedEffectSizes:
    """Effect sizes of a pre/post (paired) design, with the paired t-test.

    Attributes
    ----------
    n, n_excluded : int
        Complete pairs used; incomplete pairs dropped.
    mean_pre, mean_post, sd_pre, sd_post, mean_diff, sd_diff, r : float
        Descriptives; ``r`` is the pre-post correlation.
    t, df, p_value : float
        Paired t-test (two-sided), as ``scipy.stats.ttest_rel``.
    d_z, d_rm, d_av, g_av : float
        Cohen's d_z = mean diff / sd diff; d_rm = d_z sqrt(2 (1 - r));
        d_av = mean diff / mean of the two SDs; Hedges' g_av = d_av x
        (1 - 3 / (4 (2n) - 9)) (Lakens, 2013).
    d_z_ci, d_rm_ci, d_av_ci, g_av_ci : (float, float)
        Confidence intervals (see Notes of :func:`paired_effect_sizes`).
    confidence : float
    """

    n: int
    n_excluded: int
    mean_pre: float
    mean_post: float
    sd_pre: float
    sd_post: float
    mean_diff: float
    sd_diff: float
    r: float
    t: float
    df: int
    p_value: float
    d_z: float
    d_z_ci: tuple[float, float]
    d_rm: float
    d_rm_ci: tuple[float, float]
    d_av: float
    d_av_ci: tuple[float, float]
    g_av: float
    g_av_ci: tuple[float, float]
    confidence: float

    def table(self) -> pd.DataFrame:
        """statistic, value, ci_low, ci_high: the four effect sizes, t and p."""
        rows = [("d_z", self.d_z, *self.d_z_ci), ("d_rm", self.d_rm, *self.d_rm_ci),
                ("d_av", self.d_av, *self.d_av_ci), ("g_av", self.g_av, *self.g_av_ci),
                ("t", self.t, math.nan, math.nan), ("p_value", self.p_value, math.nan, math.nan)]
        return pd.DataFrame(rows, columns=["statistic", "value", "ci_low", "ci_high"])


def paired_effect_sizes(pre: Sequence[float], post: Sequence[float], *,
                        confidence: float = 0.95) -> PairedEffectSizes:
    """Cohen's d_z, d_rm, d_av and Hedges' g_av of pre/post scores, with the paired t-test.

    Parameters
    ----------
    pre, post : sequence of float
        Scores of the same learners before and after; pairs with a missing
        value are dropped (and counted).
    confidence : float
        Level of the confidence intervals (default 0.95).

    Returns
    -------
    PairedEffectSizes

    Notes
    -----
    d_z = M_diff / SD_diff; d_rm = d_z sqrt(2 (1 - r)); d_av = M_diff /
    ((SD_pre + SD_post) / 2); g_av = d_av (1 - 3 / (4 (n1 + n2) - 9)) with
    n1 = n2 = n (Lakens, 2013, equations 6 to 10 and 4). Report d_av or g_av
    to compare with between-subjects studies, d_z for power analysis.

    The interval of d_z is exact: the noncentral-t limits of the t statistic,
    divided by sqrt(n). The intervals of d_rm, d_av and g_av scale those limits
    by the same factor as the point estimate (treating r and the SDs as fixed),
    an approximation after Algina & Keselman (2003).

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
    cumulative science: a practical primer for t-tests and ANOVAs. *Frontiers
    in Psychology*, 4, 863.
    Algina, J., & Keselman, H. J. (2003). Approximate confidence intervals for
    effect sizes. *Educational and Psychological Measurement*, 63(4), 537-553.

    Examples
    --------
    Lakens (2013), Table 1: two movies rated by the same ten people (movie 2 as
    "pre", movie 1 as "post", so the difference is positive).

    >>> es = paired_effect_sizes([9, 6, 7, 8, 7, 9, 8, 8, 8, 7],
    ...                          [9, 7, 8, 9, 8, 9, 9, 10, 9, 9])
    >>> round(es.t, 2), round(es.d_z, 2), round(es.d_av, 2), round(es.g_av, 2)
    (4.74, 1.5, 1.13, 1.08)
    """
    func = "paired_effect_sizes"
    check_number("confidence", confidence, func=func, low=0.5, high=0.999)
    a, b, dropped = _pairs(pre, post, func)
    n = int(a.size)
    if n < 3:
        raise param_error("pre", func, "at least 3 complete pairs", n)
    from scipy import stats

    diff = b - a
    sd_diff = float(np.std(diff, ddof=1))
    if sd_diff == 0:
        raise param_error("post", func, "scores whose differences from pre vary "
                          "(every difference is the same: the effect size is undefined)",
                          float(diff[0]))
    test = stats.ttest_rel(b, a)
    sd_pre, sd_post = float(np.std(a, ddof=1)), float(np.std(b, ddof=1))
    r = float(np.corrcoef(a, b)[0, 1]) if sd_pre > 0 and sd_post > 0 else math.nan
    mean_diff = float(np.mean(diff))
    d_z = mean_diff / sd_diff
    t = float(test.statistic)
    ncp_lo, ncp_hi = _ncp_interval(t, n - 1, confidence)
    dz_ci = (ncp_lo / math.sqrt(n), ncp_hi / math.sqrt(n))
    rm_factor = math.sqrt(2 * (1 - r)) if not math.isnan(r) else math.nan
    sd_av = (sd_pre + sd_post) / 2
    av_factor = sd_diff / sd_av if sd_av > 0 else math.nan
    correction = 1 - 3 / (4 * (2 * n) - 9)
    return PairedEffectSizes(
        n=n, n_excluded=dropped, mean_pre=float(np.mean(a)), mean_post=float(np.mean(b)),
        sd_pre=sd_pre, sd_post=sd_post, mean_diff=mean_diff, sd_diff=sd_diff, r=r, t=t,
        df=n - 1, p_value=float(test.pvalue), d_z=d_z, d_z_ci=dz_ci,
        d_rm=d_z * rm_factor, d_rm_ci=(dz_ci[0] * rm_factor, dz_ci[1] * rm_factor),
        d_av=d_z * av_factor, d_av_ci=(dz_ci[0] * av_factor, dz_ci[1] * av_factor),
        g_av=d_z * av_factor * correction,
        g_av_ci=(dz_ci[0] * av_factor * correction, dz_ci[1] * av_factor * correction),
        confidence=float(confidence),
    )


@dataclass(frozen=True)
class NormalizedGain:
    """Hake's normalized gain.

    Attributes
    ----------
    gain : float
        NaN where undefined (a class whose mean pre-test is at the maximum).
    method : str
        "class" (gain of the class averages) or "individual" (average of
        individual gains).
    n : int
        Learners used.
    n_excluded : int
        Learners left out: incomplete pairs, and for the individual method
        pre-tests at the maximum (their gain is undefined).
    band : str
        "low", "medium", "high" (Hake, 1998), or "undefined".
    mean_pre_pct, mean_post_pct : float
        Class averages in percent of the maximum score.
    """

    gain: float
    method: str
    n: int
    n_excluded: int
    band: str
    mean_pre_pct: float
    mean_post_pct: float


def _band(g: float) -> str:
    if math.isnan(g):
        return "undefined"
    return next(label for low, label in GAIN_BANDS if g >= low)


def normalized_gain(pre: Sequence[float], post: Sequence[float], *, max_score: float = 100,
                    method: str = "class") -> NormalizedGain:
    """Hake's normalized gain <g> = (post% - pre%) / (100% - pre%).

    Parameters
    ----------
    pre, post : sequence of float
        Scores of the same learners, between 0 and ``max_score``.
    max_score : float
        The maximum score of the test (default 100).
    method : {"class", "individual"}
        "class" (default, Hake's definition): from the class-average pre and
        post scores. "individual": the average of each learner's gain; a
        learner whose pre-test is at the maximum has no defined gain and is
        excluded (and counted).

    Returns
    -------
    NormalizedGain

    References
    ----------
    Hake, R. R. (1998). Interactive-engagement versus traditional methods: a
    six-thousand-student survey of mechanics test data for introductory
    physics courses. *American Journal of Physics*, 66(1), 64-74.

    Examples
    --------
    >>> g = normalized_gain([40, 60, 100], [70, 80, 100])
    >>> round(g.gain, 3), g.band
    (0.5, 'medium')
    >>> g = normalized_gain([40, 60, 100], [70, 80, 100], method="individual")
    >>> round(g.gain, 3), g.n, g.n_excluded
    (0.5, 2, 1)
    """
    func = "normalized_gain"
    check_number("max_score", max_score, func=func, low=0)
    if max_score <= 0:
        raise param_error("max_score", func, "positive", max_score)
    check_choice("method", method, ("class", "individual"), func=func)
    a, b, dropped = _pairs(pre, post, func)
    for name, values in (("pre", a), ("post", b)):
        if values.size and (values.min() < 0 or values.max() > max_score):
            bad = values[(values < 0) | (values > max_score)][0]
            raise param_error(name, func, f"scores in [0, {max_score:g}]", float(bad))
    if a.size == 0:
        raise param_error("pre", func, "at least one complete pair", 0)
    pre_pct, post_pct = a / max_score * 100, b / max_score * 100
    mean_pre, mean_post = float(pre_pct.mean()), float(post_pct.mean())
    if method == "class":
        gain = ((mean_post - mean_pre) / (100 - mean_pre) if mean_pre < 100 else math.nan)
        return NormalizedGain(gain, method, int(a.size), dropped, _band(gain), mean_pre,
                              mean_post)
    defined = pre_pct < 100
    gains = (post_pct[defined] - pre_pct[defined]) / (100 - pre_pct[defined])
    gain = float(gains.mean()) if gains.size else math.nan
    return NormalizedGain(gain, method, int(defined.sum()), dropped + int((~defined).sum()),
                          _band(gain), mean_pre, mean_post)


# --------------------------------------------------------------------------- level 3


def application_rates(data: pd.DataFrame, *, applied: str = "applied",
                      by: str | None = None, min_group_size: int = 5,
                      show_counts: bool = False) -> pd.DataFrame:
    """Level 3: share of learners who applied what they learned, overall or by group.

    Parameters
    ----------
    data : DataFrame
        One row per learner; ``applied`` holds True / False, or missing for
        a learner who did not answer the follow-up.
    applied : str
        The column.
    by : str, optional
        A grouping column (e.g. ``role``); an "All" row follows the groups.
        Learners without a value form the group "(blank)"; a group whose own
        value is "All" reads "All (group)".
    min_group_size : int
        The rule of :mod:`ldkit.disclosure`: a group with fewer respondents
        shows no count or share, and the groups are siblings under "All", so
        where one is hidden a second one is too (``suppressed`` says why).
    show_counts : bool
        Show ``n`` of a hidden group (default False).

    Returns
    -------
    DataFrame
        group, n (respondents), applied_count, share_applied, suppressed; the
        "All" row last.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"applied": [True, True, False, None, True, False]})
    >>> application_rates(df).to_dict("records")
    [{'group': 'All', 'n': 5, 'applied_count': 3, 'share_applied': 0.6, 'suppressed': ''}]
    """
    func = "application_rates"
    if not isinstance(data, pd.DataFrame):
        raise param_error("data", func, "a DataFrame", type(data).__name__)
    if applied not in data:
        raise param_error("applied", func, f"a column of data ({', '.join(map(str, data))})",
                          applied)
    if by is not None and by not in data:
        raise param_error("by", func, "a column of data", by)
    check_min_group_size(min_group_size, func=func)
    answered = data[data[applied].notna()]
    flags = answered[applied].astype(bool)
    groups: list[tuple[str, pd.Series]] = []
    if by is not None:
        key = answered[by].map(lambda v: "(blank)" if pd.isna(v) or str(v).strip() == ""
                               else str(v))
        groups = [(group_label(k), flags[key == k]) for k in sorted(key.unique(), key=str)]
    groups.append((TOTAL, flags))
    rows = []
    for name, values in groups:
        n = int(values.size)
        rows.append({"group": name, "n": n, "applied_count": int(values.sum()),
                     "share_applied": float(values.mean()) if n else math.nan})
    frame = pd.DataFrame(rows, columns=["group", "n", "applied_count", "share_applied"])
    frame["applied_count"] = frame["applied_count"].astype("Int64")
    frame["share_applied"] = frame["share_applied"].astype("float64")
    return suppress(frame, min_group_size=min_group_size, n="n",
                    values=["applied_count", "share_applied"], parent=[],
                    total=[False] * (len(frame) - 1) + [True], show_counts=show_counts)


# --------------------------------------------------------------------------- level 4


def benefit_from_control_group(name: str, *, trained_change: float, control_change: float,
                               participants: float, value_per_unit: float,
                               periods_per_year: float = 12, unit: str = "",
                               source: str = "") -> BenefitMeasure:
    """Level 4 to the benefit model: an impact measure isolated with a control group.

    The trained group's change per person and period is the improvement; the
    part due to the programme (the isolation share) is what the control group
    did not also achieve: (trained - control) / trained. The annual
    improvement is trained change x periods per year x participants.

    Examples
    --------
    Phillips & Phillips (2013), *Measuring the Success of Sales Training*,
    chapter 11: 25 associates sold 3,800 USD a month more than the control
    group, at a 20% margin: 3,800 x 12 x 25 x 0.20 = 228,000 USD a year.

    >>> m = benefit_from_control_group("Upgrade sales", trained_change=9_500,
    ...                                control_change=5_700, participants=25,
    ...                                value_per_unit=0.20)
    >>> round(m.benefit, 2), m.isolation_method
    (228000.0, 'control group')
    """
    from ldkit.roi.benefits import BenefitMeasure

    func = "benefit_from_control_group"
    for key, value in (("trained_change", trained_change), ("control_change", control_change)):
        check_number(key, value, func=func)
    check_number("participants", participants, func=func, low=0)
    check_number("periods_per_year", periods_per_year, func=func, low=0)
    if trained_change <= 0:
        raise param_error("trained_change", func, "positive (an improvement)", trained_change)
    share = min(1.0, max(0.0, (trained_change - control_change) / trained_change))
    return BenefitMeasure(
        name, annual_improvement=trained_change * periods_per_year * participants,
        value_per_unit=value_per_unit, isolation_share=share,
        isolation_method="control group", unit=unit,
        source=source or f"trained {trained_change:g} vs control {control_change:g} per period")


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Assessments:
    """Pre/post assessment scores as read, with every excluded row accounted for.

    Attributes
    ----------
    scores : DataFrame
        learner_id, role, reaction, pre_score, post_score, applied (kept rows).
    excluded : DataFrame
        row (1-based, as the user sees it), reason.
    rows_read : int
    file : str
    max_score : float
    """

    scores: pd.DataFrame = field(repr=False)
    excluded: pd.DataFrame = field(repr=False)
    rows_read: int
    file: str = ""
    max_score: float = 100

    def counts(self) -> pd.DataFrame:
        """count, n: rows read, rows kept, then excluded rows by reason (they reconcile)."""
        rows = [("rows read", self.rows_read), ("rows kept", len(self.scores))]
        for reason, n in self.excluded.groupby("reason", sort=True).size().items():
            rows.append((f"excluded: {reason}", int(n)))
        return pd.DataFrame(rows, columns=["count", "n"])


def _flag(value: Any) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = str(value).strip().lower()
    if text == "" or text == "nan":
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(text)


def read_assessments(path: str | Path, *, max_score: float = 100) -> Assessments:
    """Read pre/post assessment scores (CSV or Excel); account for every row.

    Excluded rows, with the first reason that applies: ``missing learner id``,
    ``missing pre-test``, ``missing post-test``, ``duplicate learner`` (the
    first row of a learner is kept). Scores outside [0, max_score], a reaction
    outside 1-5 and an unreadable ``applied`` answer are errors naming the
    row and column (every one at once).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text(
    ...     "learner_id,pre_score,post_score\\nL1,50,75\\nL2,,80\\nL3,60,70\\n")
    >>> a = read_assessments(folder / "a.csv")
    >>> a.counts().to_dict("list")
    {'count': ['rows read', 'rows kept', 'excluded: missing pre-test'], 'n': [3, 2, 1]}
    """
    from ldkit.io import existing_file, suffix_of
    from ldkit.tables import read_table

    p = existing_file(path)
    kind = suffix_of(p, {".csv": "csv", ".xlsx": "xlsx"}, what="assessments")
    check_number("max_score", max_score, func="read_assessments", low=0)
    del kind  # the extension is checked; read_table reads both kinds
    raw = read_table(p)
    missing = [c for c in ("learner_id", "pre_score", "post_score") if c not in raw]
    if missing:
        raise InputError(f"has no column '{missing[0]}'", location=Location(file=str(p), row=1),
                         hint="the assessments need columns learner_id, pre_score, post_score "
                              "(and optionally role, reaction, applied)")
    problems: list[Problem] = []
    records, excluded, seen = [], [], set()
    for line, row in zip(raw.index, raw.to_dict("records"), strict=True):
        line = int(line)

        def where(column: str, line: int = line) -> Location:
            return Location(file=str(p), row=line, column=column)

        values: dict[str, Any] = {}
        for column, low, high in (("pre_score", 0, max_score), ("post_score", 0, max_score),
                                  ("reaction", 1, 5)):
            text = str(row.get(column, "") or "").strip()
            if text == "":
                values[column] = math.nan
                continue
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                problems.append(Problem(f"'{text}' is not a number", where(column),
                                        "give the score as a number"))
                continue
            if not low <= number <= high:
                problems.append(Problem(f"{number:g} is outside [{low:g}, {high:g}]",
                                        where(column), "check the score and max_score"))
                continue
            values[column] = number
        try:
            values["applied"] = _flag(row.get("applied"))
        except ValueError as exc:
            problems.append(Problem(f"'{exc}' is not yes or no", where("applied"),
                                    "write yes, no, or leave it blank (no answer)"))
        learner = str(row.get("learner_id", "")).strip()
        reason = None
        if not learner:
            reason = "missing learner id"
        elif math.isnan(values.get("pre_score", 0.0)):
            reason = "missing pre-test"
        elif math.isnan(values.get("post_score", 0.0)):
            reason = "missing post-test"
        elif learner in seen:
            reason = "duplicate learner"
        if reason:
            excluded.append((line, reason))
            continue
        seen.add(learner)
        records.append({"learner_id": learner, "role": str(row.get("role", "")).strip(),
                        "reaction": values.get("reaction", math.nan),
                        "pre_score": values.get("pre_score"),
                        "post_score": values.get("post_score"),
                        "applied": values.get("applied")})
    if problems:
        raise ValidationError(problems, what=str(p))
    scores = pd.DataFrame(records, columns=["learner_id", "role", "reaction", "pre_score",
                                            "post_score", "applied"])
    scores["applied"] = scores["applied"].astype("boolean")
    return Assessments(scores, pd.DataFrame(excluded, columns=["row", "reason"]), len(raw),
                       str(p), float(max_score))


# --------------------------------------------------------------------------- levels 1-5


@dataclass(frozen=True)
class ProgramEvaluation:
    """One programme's evaluation across the levels.

    Attributes
    ----------
    program : str
    levels : DataFrame
        level, name, measure, value, n, note: one row per measure, levels 1-5.
    effect_sizes : PairedEffectSizes or None
    gain : NormalizedGain or None
        Class-average normalized gain.
    gain_individual : NormalizedGain or None
        Average of individual gains.
    application : DataFrame
        Level 3 by role and overall (small groups suppressed).
    counts : DataFrame
        Rows read, kept and excluded by reason.
    """

    program: str
    levels: pd.DataFrame = field(repr=False)
    effect_sizes: PairedEffectSizes | None = field(repr=False)
    gain: NormalizedGain | None = field(repr=False)
    gain_individual: NormalizedGain | None = field(repr=False)
    application: pd.DataFrame = field(repr=False)
    counts: pd.DataFrame = field(repr=False)


def evaluate_program(assessments: Assessments | pd.DataFrame, *, program: str = "",
                     benefits: Benefits | None = None, roi: RoiResult | None = None,
                     max_score: float | None = None, min_group_size: int = 5,
                     show_counts: bool = False) -> ProgramEvaluation:
    """Link the evaluation levels of one programme in one table.

    Parameters
    ----------
    assessments : Assessments or DataFrame
        Learner rows with ``pre_score`` and ``post_score`` (and optionally
        ``reaction``, ``applied``, ``role``).
    program : str
    benefits : ldkit.roi.Benefits, optional
        Level 4: the monetized impact measures and the intangibles.
    roi : ldkit.roi.RoiResult, optional
        Level 5.
    max_score : float, optional
        Maximum test score (default: the Assessments', else 100).
    min_group_size : int
        No aggregate of fewer learners is shown (:mod:`ldkit.disclosure`): the
        measure's value is blank and its note says "hidden: n < 5".
    show_counts : bool
        Show ``n`` of a hidden measure or group (default False).

    Returns
    -------
    ProgramEvaluation

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"pre_score": [40, 50, 60, 55, 45], "post_score": [70, 75, 80, 70, 72],
    ...                    "reaction": [4, 5, 4, 3, 5], "applied": [True, True, False, True, True]})
    >>> ev = evaluate_program(df, program="Pilot")
    >>> ev.levels[["level", "measure", "value"]].head(3).round(3).to_dict("list")
    {'level': [1, 1, 2], 'measure': ['mean reaction (1-5)', 'share favourable (4-5)', \
'mean pre-test (%)'], 'value': [4.2, 0.8, 50.0]}
    """
    func = "evaluate_program"
    k = check_min_group_size(min_group_size, func=func)
    if isinstance(assessments, Assessments):
        data, counts = assessments.scores, assessments.counts()
        top = assessments.max_score if max_score is None else max_score
    elif isinstance(assessments, pd.DataFrame):
        data = assessments
        counts = pd.DataFrame([("rows read", len(data)), ("rows kept", len(data))],
                              columns=["count", "n"])
        top = 100 if max_score is None else max_score
    else:
        raise param_error("assessments", func, "an Assessments object or a DataFrame",
                          type(assessments).__name__)
    for column in ("pre_score", "post_score"):
        if column not in data:
            raise param_error("assessments", func, "a table with pre_score and post_score",
                              list(data.columns))
    rows: list[tuple] = []

    def add(level: int, name: str, measure: str, value: float | None, n: int | None,
            note: str = "") -> None:
        hidden = is_small(n, min_group_size=k)
        rows.append((level, name, measure, math.nan if hidden or value is None else value,
                     None if hidden and not show_counts else n,
                     f"hidden: {primary_reason(k)}" if hidden else note))

    if "reaction" in data and data["reaction"].notna().any():
        reaction = pd.to_numeric(data["reaction"], errors="coerce").dropna()
        add(1, "Reaction", "mean reaction (1-5)", float(reaction.mean()), int(reaction.size))
        add(1, "Reaction", "share favourable (4-5)", float((reaction >= 4).mean()),
            int(reaction.size))
    n_pairs = int((data["pre_score"].notna() & data["post_score"].notna()).sum())
    effect = gain = gain_ind = None
    if n_pairs >= 3 and not is_small(n_pairs, min_group_size=k):  # 3: a t-test needs df 2
        effect = paired_effect_sizes(data["pre_score"], data["post_score"])
        gain = normalized_gain(data["pre_score"], data["post_score"], max_score=top)
        gain_ind = normalized_gain(data["pre_score"], data["post_score"], max_score=top,
                                   method="individual")
        add(2, "Learning", "mean pre-test (%)", gain.mean_pre_pct, n_pairs)
        add(2, "Learning", "mean post-test (%)", gain.mean_post_pct, n_pairs)
        add(2, "Learning", "normalized gain (class average)", gain.gain, n_pairs,
            f"{gain.band} (Hake)")
        add(2, "Learning", "normalized gain (average of individual gains)", gain_ind.gain,
            gain_ind.n, f"{gain_ind.n_excluded} excluded (pre-test at maximum or incomplete)"
            if gain_ind.n_excluded else "")
        add(2, "Learning", "Hedges' g_av", effect.g_av, n_pairs,
            f"{effect.confidence:.0%} CI [{effect.g_av_ci[0]:.2f}, {effect.g_av_ci[1]:.2f}]")
        add(2, "Learning", "Cohen's d_z", effect.d_z, n_pairs,
            f"paired t({effect.df}) = {effect.t:.2f}, p = {effect.p_value:.2g}")
    elif n_pairs:
        add(2, "Learning", "pre/post pairs", None, n_pairs)
    application = pd.DataFrame(columns=["group", "n", "applied_count", "share_applied",
                                        "suppressed"])
    if "applied" in data and data["applied"].notna().any():
        application = application_rates(data, by="role" if "role" in data and
                                        data["role"].astype(str).str.len().gt(0).any()
                                        else None, min_group_size=k,
                                        show_counts=True)
        overall = application.iloc[-1]  # the "All" row, hidden or not under the same rule
        add(3, "Application", "share applying on the job", overall["share_applied"],
            int(overall["n"]))
        if not show_counts:
            application["n"] = application["n"].where(~hidden_mask(application))
    if benefits is not None:
        for m in benefits.measures:
            add(4, "Impact", f"{m.name} (annual benefit)", m.benefit, None,
                "no data: counted as 0" if not m.has_data else
                f"isolation: {m.isolation_method or 'stated'} {m.isolation:.0%}")
        if benefits.intangibles:
            add(4, "Impact", "intangible benefits (not monetized)",
                float(len(benefits.intangibles)), None,
                "; ".join(i.name for i in benefits.intangibles))
    if roi is not None:
        add(5, "ROI", "ROI (%)", roi.roi_pct, None)
        add(5, "ROI", "benefit-cost ratio", roi.bcr, None)
        add(5, "ROI", "payback (months)", roi.payback_months, None)
    levels = pd.DataFrame(rows, columns=["level", "name", "measure", "value", "n", "note"])
    levels["n"] = levels["n"].astype("Int64")
    return ProgramEvaluation(program, levels, effect, gain, gain_ind, application, counts)
