"""Capability change between two survey waves: the baseline and a follow-up.

People are paired across waves through the engagement's stable pseudonym
(:func:`ldkit.survey.pseudonym.pseudonymize`: same secret, same identifier
column, so the same person has the same ``person_id`` in both waves). Each
wave is a per-person table as :func:`ldkit.needs.person_gaps` returns it
(the needs step writes the baseline's as ``data/processed/needs/person_gaps.csv``):
person_id, role, capability, required_level, and one column per rating
source (``self``, ``manager``) plus ``current``, the combined level.

Per role x capability and rater (``self``, ``manager``, ``combined``):
n_pairs, mean_before, mean_after, mean_change with its t interval, d_z with
its exact interval, and the share of people whose gap closed (below the
required level at baseline, at or above it at follow-up). People in one wave
only are counted (left, joined), never paired.

Notes
-----
d_z = mean(change) / sd(change) (Lakens 2013, eq. 7; sd with n - 1). Its
exact confidence interval inverts the noncentral t distribution: with the
observed t = d_z * sqrt(n) and df = n - 1, the limits are the noncentrality
parameters ncp_low, ncp_high with P(T >= t | ncp_low) = alpha / 2 and
P(T <= t | ncp_high) = alpha / 2, divided by sqrt(n) (Steiger & Fouladi
1997; Cumming 2012; as MBESS ``ci.sm`` computes it). No Hedges correction
is applied to d_z; the reports say "d_z (uncorrected)".

Comparing people who completed their plan with those who did not is an
association, not an effect of the plans: who completes differs in other ways
(motivation, workload, manager support). The ``by_completion`` table says so
in its ``reading`` column, and no money is claimed from it without Phillips'
isolation step (:mod:`ldkit.roi.evidence`).

References
----------
Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
cumulative science. *Frontiers in Psychology*, 4, 863.
Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation
and the evaluation of statistical models. In *What if there were no
significance tests?* (pp. 221-257). Erlbaum.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldkit._params import check_number, param_error
from ldkit.disclosure import suppress_labelled
from ldkit.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel

__all__ = ["ASSOCIATION_NOTE", "WAVE_RATERS", "WaveComparison", "compare_waves", "dz_interval"]

WAVE_RATERS = ("self", "manager", "combined")
"""Rating sources compared; ``combined`` is the ``current`` level of the needs analysis."""

ASSOCIATION_NOTE = ("association, not an effect: people who complete their plans differ in "
                    "other ways too")

_FUNC = "compare_waves"
_CHANGE_VALUES = ("mean_before", "mean_after", "mean_change", "change_ci_low", "change_ci_high",
                  "sd_change", "d_z", "ci_low", "ci_high", "share_gap_closed")


@dataclass(frozen=True)
class WaveComparison:
    """What :func:`compare_waves` found.

    Attributes
    ----------
    change : DataFrame
        One row per role (``All`` for everyone), capability and rater:
        role, capability, rater, n_pairs, mean_before, mean_after,
        mean_change, change_ci_low, change_ci_high (t interval of the mean
        change), sd_change, d_z, ci_low, ci_high (exact interval of d_z),
        n_below_before, share_gap_closed (blank where fewer than the minimum
        group size were below at baseline), suppressed.
    pairs : DataFrame
        Person-level (pseudonymous, not a deliverable): person_id, role,
        capability, rater, before, after, change, required_level,
        below_before, closed.
    accounting : DataFrame
        measure (``baseline people``, ``follow-up people``, ``paired``,
        ``left (baseline only)``, ``joined (follow-up only)``,
        ``role changed``), n.
    by_completion : DataFrame
        Empty without plan statuses; else per rater and group (``completed
        plan``, ``did not complete``, ``difference``): n_people,
        mean_change (per person: the mean change over their capabilities),
        ci_low, ci_high (t interval; Welch for the difference), suppressed,
        reading.
    confidence : float
        The confidence level of every interval.
    """

    change: pd.DataFrame
    pairs: pd.DataFrame
    accounting: pd.DataFrame
    by_completion: pd.DataFrame = field(default_factory=pd.DataFrame)
    confidence: float = 0.95


def dz_interval(d_z: float, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Exact confidence interval of d_z from the noncentral t distribution.

    Parameters
    ----------
    d_z : float
        Observed mean(change) / sd(change).
    n : int
        Number of pairs (at least 2).
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    (low, high)
        NaN, NaN when d_z is not finite or n < 2.

    Examples
    --------
    >>> low, high = dz_interval(0.5, 20)
    >>> round(low, 3), round(high, 3)
    (0.028, 0.96)
    """
    if n < 2 or not np.isfinite(d_z):
        return (np.nan, np.nan)
    alpha = 1.0 - confidence
    df, root_n = n - 1, np.sqrt(n)
    t = d_z * root_n
    if abs(t) > 1e6:  # beyond what the noncentral t can be evaluated for
        return (np.nan, np.nan)
    from scipy import optimize, stats  # here: scipy.stats costs ~0.5 s at import

    def limit(target: float) -> float:
        # nct.cdf(t, df, ncp) decreases in ncp; bracket the root around t. scipy's nct
        # returns NaN far in its tails (ncp many units from t), where the cdf is 0 or 1.
        def f(ncp: float) -> float:
            value = stats.nct.cdf(t, df, ncp)
            if not np.isfinite(value):
                value = 0.0 if ncp > t else 1.0
            return float(value) - target

        span = 10.0 + abs(t)
        lo, hi = t - span, t + span
        for _ in range(50):
            if not f(lo) < 0:
                break
            lo -= span
        for _ in range(50):
            if not f(hi) > 0:
                break
            hi += span
        f_lo, f_hi = f(lo), f(hi)
        if not (np.isfinite(f_lo) and np.isfinite(f_hi)) or f_lo < 0 or f_hi > 0:
            return np.nan  # the distribution cannot be evaluated this far out
        return optimize.brentq(f, lo, hi, xtol=1e-12)

    return (float(limit(1 - alpha / 2) / root_n), float(limit(alpha / 2) / root_n))


def _levels(wave: pd.DataFrame, name: str) -> pd.DataFrame:
    need = ("person_id", "role", "capability")
    missing = [c for c in need if c not in wave.columns]
    if missing:
        raise InputError(f"the {name} table has no column '{missing[0]}'",
                         hint="pass the per-person gaps (person_gaps(), or "
                              "data/processed/needs/person_gaps.csv)")
    raters = [r for r in ("self", "manager") if r in wave.columns]
    if "current" in wave.columns:
        raters.append("current")
    if not raters:
        raise InputError(f"the {name} table has no rating column (self, manager, current)",
                         hint="pass the per-person gaps (person_gaps())")
    frame = wave[["person_id", "role", "capability", *raters]].copy()
    frame["person_id"] = frame["person_id"].astype(str)
    frame["capability"] = frame["capability"].astype(str)
    frame["role"] = frame["role"].astype(str)
    long = frame.melt(id_vars=["person_id", "role", "capability"], value_vars=raters,
                      var_name="rater", value_name="level")
    long["rater"] = long["rater"].replace({"current": "combined"})
    long["level"] = pd.to_numeric(long["level"], errors="coerce")
    return long.dropna(subset=["level"])


def _stats(change: np.ndarray, before: np.ndarray, after: np.ndarray, below: np.ndarray,
           closed: np.ndarray, confidence: float) -> dict[str, float]:
    n = change.size
    mean = float(change.mean()) if n else np.nan
    sd = float(change.std(ddof=1)) if n >= 2 else np.nan
    varies = n >= 2 and sd > 1e-9 * max(1.0, abs(mean))  # else every change is equal
    d_z = mean / sd if varies else np.nan
    low, high = dz_interval(d_z, n, confidence=confidence)
    if varies:
        from scipy import stats

        half = stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / np.sqrt(n)
        c_low, c_high = mean - half, mean + half
    elif n >= 2:  # every change equal
        c_low = c_high = mean
    else:
        c_low = c_high = np.nan
    n_below = int(below.sum())
    return {"n_pairs": n, "mean_before": float(before.mean()) if n else np.nan,
            "mean_after": float(after.mean()) if n else np.nan, "mean_change": mean,
            "change_ci_low": c_low, "change_ci_high": c_high, "sd_change": sd, "d_z": d_z,
            "ci_low": low, "ci_high": high, "n_below_before": n_below,
            "share_gap_closed": float(closed[below].mean()) if n_below else np.nan}


def compare_waves(baseline: pd.DataFrame, followup: pd.DataFrame, model: CapabilityModel, *,
                  min_group_size: int = 5,
                  plan_status: Mapping[str, str] | pd.DataFrame | None = None,
                  confidence: float = 0.95) -> WaveComparison:
    """Pair people across two waves and measure the change per role x capability and rater.

    Parameters
    ----------
    baseline, followup : DataFrame
        Per-person levels of each wave (:func:`ldkit.needs.person_gaps`):
        person_id, role, capability, and the rating columns present of
        ``self``, ``manager`` and ``current`` (combined).
    model : CapabilityModel
        Supplies the required level of each role and capability (for the
        gaps closed) and the order of roles and capabilities.
    min_group_size : int
        A cell of fewer pairs shows no numbers; a second cell of the same
        capability and rater is hidden where one hidden role could be
        recovered from the ``All`` row (complementary suppression).
    plan_status : mapping or DataFrame, optional
        Each person's plan status (:class:`ldkit.plans.progress.PlanProgress`
        ``learners``: learner, status; or person_id -> status). People with
        status ``done`` completed their plan; other statuses did not; people
        without a plan are left out of ``by_completion``.
    confidence : float
        Confidence level of the intervals (default 0.95).

    Returns
    -------
    WaveComparison

    Notes
    -----
    A person is paired on the capabilities rated in both waves; the role is
    the baseline's (the plans were built for it; ``role changed`` counts
    people whose role differs at follow-up). See the module docstring for
    d_z and its interval.

    Examples
    --------
    >>> from ldkit.capability import starter
    >>> m = starter("pharma-commercial")
    >>> before = pd.DataFrame({"person_id": list("abcde"), "role": "key_account_manager",
    ...     "capability": "account_planning", "current": [2.0, 2, 3, 2, 3]})
    >>> after = before.assign(current=[3.0, 3, 3, 2, 4])
    >>> row = compare_waves(before, after, m).change.iloc[0]
    >>> int(row.n_pairs), float(row.mean_change), round(float(row.d_z), 3)
    (5, 0.6, 1.095)
    """
    check_number("min_group_size", min_group_size, func=_FUNC, low=1, integer=True)
    check_number("confidence", confidence, func=_FUNC, low=0.5, high=0.999)
    for name, wave in (("baseline", baseline), ("followup", followup)):
        if not isinstance(wave, pd.DataFrame):
            raise param_error(name, _FUNC, "a DataFrame of per-person levels (person_gaps)",
                              wave)
    before, after = _levels(baseline, "baseline"), _levels(followup, "follow-up")
    base_people = set(before["person_id"])
    follow_people = set(after["person_id"])
    both = base_people & follow_people
    role_at = before.drop_duplicates("person_id").set_index("person_id")["role"]
    role_after = after.drop_duplicates("person_id").set_index("person_id")["role"]
    shared = sorted(both)
    changed = int((role_at.reindex(shared).to_numpy() != role_after.reindex(shared).to_numpy()
                   ).sum()) if shared else 0
    accounting = pd.DataFrame({"measure": ["baseline people", "follow-up people", "paired",
                                           "left (baseline only)", "joined (follow-up only)",
                                           "role changed"],
                               "n": [len(base_people), len(follow_people), len(both),
                                     len(base_people - follow_people),
                                     len(follow_people - base_people), changed]})

    pairs = before.merge(after.drop(columns="role"), on=["person_id", "capability", "rater"],
                         suffixes=("_before", "_after"), how="inner")
    pairs = pairs.rename(columns={"level_before": "before", "level_after": "after"})
    req = model.requirements()[["role", "capability", "required_level"]].astype(
        {"role": str, "capability": str})
    names = {r.name.casefold(): r.id for r in model.roles}
    pairs["role"] = pairs["role"].map(lambda r: names.get(str(r).casefold(), r))
    pairs = pairs.merge(req, on=["role", "capability"], how="left")
    pairs["change"] = pairs["after"] - pairs["before"]
    pairs["below_before"] = pairs["before"] < pairs["required_level"]
    pairs["closed"] = pairs["below_before"] & (pairs["after"] >= pairs["required_level"])
    pairs = pairs[["person_id", "role", "capability", "rater", "before", "after", "change",
                   "required_level", "below_before", "closed"]].reset_index(drop=True)

    change = _change_table(pairs, model, confidence)
    change = suppress_labelled(change, n="n_pairs", min_group_size=min_group_size,
                       values=[*_CHANGE_VALUES, "n_below_before"],
                       parent=["capability", "rater"])
    # the share of gaps closed is an aggregate of the people below at baseline: that
    # subgroup obeys the minimum size too
    few_below = change["n_below_before"].fillna(0) < min_group_size
    change.loc[few_below, "share_gap_closed"] = np.nan
    by_completion = (_by_completion(pairs, plan_status, min_group_size, confidence)
                     if plan_status is not None else pd.DataFrame())
    return WaveComparison(change, pairs, accounting, by_completion, confidence)


def _change_table(pairs: pd.DataFrame, model: CapabilityModel, confidence: float
                  ) -> pd.DataFrame:
    from ldkit.needs.segments import TOTAL

    rows: list[dict[str, Any]] = []
    role_order = {r: i for i, r in enumerate(model.role_ids)}
    cap_order = {c: i for i, c in enumerate(model.capability_ids)}
    rater_order = {r: i for i, r in enumerate(WAVE_RATERS)}

    def add(role: str, cap: str, rater: str, df: pd.DataFrame) -> None:
        rows.append({"role": role, "capability": cap, "rater": rater,
                     **_stats(df["change"].to_numpy(float), df["before"].to_numpy(float),
                              df["after"].to_numpy(float),
                              df["below_before"].to_numpy(bool), df["closed"].to_numpy(bool),
                              confidence)})

    for (role, cap, rater), df in pairs.groupby(["role", "capability", "rater"], sort=False):
        add(role, cap, rater, df)
    for (cap, rater), df in pairs.groupby(["capability", "rater"], sort=False):
        add(TOTAL, cap, rater, df)
    columns = ["role", "capability", "rater", "n_pairs", "mean_before", "mean_after",
               "mean_change", "change_ci_low", "change_ci_high", "sd_change", "d_z", "ci_low",
               "ci_high", "n_below_before", "share_gap_closed"]
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table
    key = (table["capability"].map(lambda c: cap_order.get(c, len(cap_order))) * 10_000
           + table["rater"].map(rater_order) * 1_000
           + table["role"].map(lambda r: len(role_order) + 1 if r == TOTAL
                               else role_order.get(r, len(role_order))))
    table["n_below_before"] = table["n_below_before"].astype(float)
    return table.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


def _statuses(plan_status: Mapping[str, str] | pd.DataFrame) -> pd.Series:
    if isinstance(plan_status, pd.DataFrame):
        key = "learner" if "learner" in plan_status.columns else "person_id"
        if key not in plan_status.columns or "status" not in plan_status.columns:
            raise InputError("the plan status table has no columns learner and status",
                             hint="pass PlanProgress.learners")
        return plan_status.set_index(plan_status[key].astype(str))["status"].astype(str)
    if isinstance(plan_status, Mapping):
        return pd.Series({str(k): str(v) for k, v in plan_status.items()}, dtype=object)
    raise param_error("plan_status", _FUNC, "a mapping or PlanProgress.learners", plan_status)


def _by_completion(pairs: pd.DataFrame, plan_status: Mapping[str, str] | pd.DataFrame,
                   min_group_size: int, confidence: float) -> pd.DataFrame:
    from scipy import stats

    status = _statuses(plan_status)
    person = (pairs.groupby(["rater", "person_id"], sort=False)["change"].mean().reset_index())
    person["status"] = person["person_id"].map(status)
    person = person.dropna(subset=["status"])
    person["group"] = np.where(person["status"] == "done", "completed plan",
                               "did not complete")
    rows: list[dict[str, Any]] = []
    z = 0.5 + confidence / 2
    for rater in [r for r in WAVE_RATERS if r in set(person["rater"])]:
        sub = person[person["rater"] == rater]
        values = {g: sub.loc[sub["group"] == g, "change"].to_numpy(float)
                  for g in ("completed plan", "did not complete")}
        for group, x in values.items():
            n = x.size
            mean = float(x.mean()) if n else np.nan
            half = (stats.t.ppf(z, n - 1) * x.std(ddof=1) / np.sqrt(n)) if n >= 2 else np.nan
            rows.append({"rater": rater, "group": group, "n_people": n, "mean_change": mean,
                         "ci_low": mean - half, "ci_high": mean + half})
        a, b = values["completed plan"], values["did not complete"]
        if a.size >= 2 and b.size >= 2:
            with warnings.catch_warnings():  # a group of equal changes is not an error
                warnings.simplefilter("ignore", RuntimeWarning)
                test = stats.ttest_ind(a, b, equal_var=False)
            ci = test.confidence_interval(confidence)
            diff, low, high = float(a.mean() - b.mean()), float(ci.low), float(ci.high)
        else:
            diff = low = high = np.nan
        rows.append({"rater": rater, "group": "difference", "n_people": a.size + b.size,
                     "mean_change": diff, "ci_low": low, "ci_high": high})
    table = pd.DataFrame(rows, columns=["rater", "group", "n_people", "mean_change", "ci_low",
                                        "ci_high"])
    small = table.groupby("rater")["n_people"].transform(
        lambda s: s.where(table.loc[s.index, "group"] != "difference").min())
    table["_n"] = np.where(table["group"] == "difference", small, table["n_people"])
    table = suppress_labelled(table, n="_n", min_group_size=min_group_size,
                      values=["mean_change", "ci_low", "ci_high"])
    table["reading"] = ASSOCIATION_NOTE
    return table.drop(columns="_n")
