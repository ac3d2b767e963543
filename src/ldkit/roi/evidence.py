"""The evidence chain beside the ROI: levels 2 and 3 with their n and intervals.

:func:`evidence_chain` puts in one table what the ROI rests on below level 4:
level 2 (learning: the assessment gain and its paired effect size, from the
ROI step's ``effect_sizes.csv`` and ``evaluation.csv``) and level 3 (behaviour:
the change in manager ratings of the planned capabilities between the
baseline and the follow-up survey, from the progress step's
``capability_change.csv``, and the share applying on the job with a Wilson
interval). Each row has its n and interval, so a reader sees how firm each
link is.

:func:`improvement_from_change` turns a measured change into a
:class:`ldkit.roi.benefits.BenefitMeasure`: the improvement is the change in
levels x people x units per level, with the lower end of its interval as the
conservative alternative (Phillips' principle 4; an interval reaching zero
gives zero), and the isolation and confidence shares the consultant states
(principles 5 and 7): a measured change is not an effect of the programme
until its share is isolated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ldkit._params import check_number, param_error
from ldkit.roi.benefits import BenefitMeasure

__all__ = ["EVIDENCE_COLUMNS", "evidence_chain", "improvement_from_change"]

EVIDENCE_COLUMNS = ["level", "measure", "n", "estimate", "ci_low", "ci_high", "unit", "source"]


def _level2(evaluation: pd.DataFrame | None, effect_sizes: pd.DataFrame | None) -> list[dict]:
    rows: list[dict] = []
    if evaluation is not None and not evaluation.empty:
        gain = evaluation[evaluation["measure"] == "normalized gain (class average)"]
        for r in gain.itertuples():
            rows.append({"level": "2 Learning", "measure": "normalized gain (class average)",
                         "n": r.n, "estimate": r.value, "ci_low": np.nan, "ci_high": np.nan,
                         "unit": "share of possible gain", "source": "pre/post assessments"})
    if effect_sizes is not None and not effect_sizes.empty:
        dz = effect_sizes[effect_sizes["statistic"] == "d_z"]
        n = np.nan
        if evaluation is not None and not evaluation.empty:
            found = evaluation.loc[evaluation["measure"] == "Cohen's d_z", "n"]
            n = found.iloc[0] if len(found) else np.nan
        for r in dz.itertuples():
            rows.append({"level": "2 Learning", "measure": "assessment gain, d_z", "n": n,
                         "estimate": r.value, "ci_low": r.ci_low, "ci_high": r.ci_high,
                         "unit": "SD of change", "source": "pre/post assessments"})
    return rows


def _application(application: pd.DataFrame | None) -> list[dict]:
    if application is None or application.empty or "applied_count" not in application:
        return []
    total = application[application["group"].astype(str) == "All"]
    if total.empty or pd.isna(total["applied_count"].iloc[0]):
        return []
    k, n = int(total["applied_count"].iloc[0]), int(total["n"].iloc[0])
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return [{"level": "3 Behaviour", "measure": "share applying on the job", "n": n,
             "estimate": k / n, "ci_low": ci.low, "ci_high": ci.high, "unit": "share",
             "source": "follow-up question to completers (Wilson interval)"}]


def evidence_chain(change: pd.DataFrame | None = None, *,
                   planned: Iterable[str] | None = None,
                   evaluation: pd.DataFrame | None = None,
                   effect_sizes: pd.DataFrame | None = None,
                   application: pd.DataFrame | None = None,
                   names: Mapping[str, str] | None = None,
                   rater: str = "manager") -> pd.DataFrame:
    """Levels 2 and 3 of the evidence, one row per measure, with n and 95% interval.

    Parameters
    ----------
    change : DataFrame, optional
        ``capability_change.csv`` (:func:`ldkit.needs.compare_waves`): the rows
        of role ``All`` and the given ``rater`` are used; suppressed rows are
        left out.
    planned : iterable of str, optional
        Capability ids the plans developed (``goals.csv``); default all.
    evaluation, effect_sizes, application : DataFrame, optional
        The ROI step's ``evaluation.csv``, ``effect_sizes.csv`` and
        ``application.csv``.
    names : mapping, optional
        Capability id -> display name.
    rater : str
        ``manager`` (default; level 3 is what others see), ``self`` or ``combined``.

    Returns
    -------
    DataFrame
        level, measure, n, estimate, ci_low, ci_high, unit, source.

    Examples
    --------
    >>> change = pd.DataFrame({"role": ["All"], "capability": ["ap"], "rater": ["manager"],
    ...     "n_pairs": [40], "mean_change": [0.3], "change_ci_low": [0.1],
    ...     "change_ci_high": [0.5], "suppressed": [""]})
    >>> evidence_chain(change, names={"ap": "Account planning"})[["measure", "n"]].values.tolist()
    [['manager rating change: Account planning', 40]]
    """
    from ldkit.needs.segments import TOTAL

    names = names or {}
    rows = _level2(evaluation, effect_sizes)
    if change is not None and not change.empty:
        keep = change[(change["role"] == TOTAL) & (change["rater"] == rater)
                      & change["mean_change"].notna()]
        if planned is not None:
            keep = keep[keep["capability"].isin(set(planned))]
        for r in keep.itertuples():
            label = names.get(r.capability, r.capability)
            rows.append({"level": "3 Behaviour", "measure": f"{rater} rating change: {label}",
                         "n": int(r.n_pairs), "estimate": r.mean_change,
                         "ci_low": r.change_ci_low, "ci_high": r.change_ci_high,
                         "unit": "levels", "source": "baseline and follow-up survey, paired"})
    rows += _application(application)
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def improvement_from_change(name: str, *, mean_change: float, ci_low: float, people: float,
                            units_per_level: float, value_per_unit: float,
                            isolation_share: float, isolation_method: str,
                            confidence_share: float | None = None, unit: str = "",
                            source: str = "") -> BenefitMeasure:
    """A benefit measure from a measured capability change, conservatively.

    annual improvement = change (levels) x people x units per level, with two
    alternatives: the mean change and the lower end of its interval (floored
    at zero); :class:`BenefitMeasure` uses the lower. The benefit is then
    improvement x value per unit x isolation share x confidence share.

    Parameters
    ----------
    name : str
        The measure, e.g. "Account planning: added margin".
    mean_change, ci_low : float
        Mean change in levels and the low end of its interval
        (``capability_change.csv``: mean_change, change_ci_low).
    people : float
        People the change applies to (e.g. the learners of the role).
    units_per_level : float
        Business units one level of the capability is worth per person and
        year (the consultant's stated conversion, e.g. 2 accounts retained).
    value_per_unit : float
        Money per unit.
    isolation_share : float
        Share of the change due to the programme, in [0, 1] (required: a
        change between two waves is not an effect by itself).
    isolation_method : str
        One of :data:`ldkit.roi.benefits.ISOLATION_METHODS`.
    confidence_share : float, optional
        Confidence in the estimate, in [0, 1]; required when the isolation
        method is an estimate.

    Examples
    --------
    >>> m = improvement_from_change("Accounts retained", mean_change=0.3, ci_low=0.1,
    ...     people=50, units_per_level=2, value_per_unit=1000, isolation_share=0.5,
    ...     isolation_method="manager estimate", confidence_share=0.8)
    >>> m.improvement, m.benefit
    (10.0, 4000.0)
    """
    func = "improvement_from_change"
    for label, value in (("mean_change", mean_change), ("ci_low", ci_low)):
        check_number(label, value, func=func)
    if ci_low > mean_change:
        raise param_error("ci_low", func, f"at most mean_change ({mean_change:g})", ci_low)
    check_number("people", people, func=func, low=0)
    check_number("units_per_level", units_per_level, func=func, low=0)
    scale = people * units_per_level
    alternatives = (max(mean_change, 0.0) * scale, max(ci_low, 0.0) * scale)
    return BenefitMeasure(
        name, annual_improvement=alternatives, value_per_unit=value_per_unit,
        isolation_share=isolation_share, isolation_method=isolation_method,
        confidence_share=confidence_share, unit=unit,
        source=source or (f"measured change {mean_change:+.2f} levels (low end {ci_low:+.2f}) "
                          f"x {people:g} people x {units_per_level:g} per level"))
