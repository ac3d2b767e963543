"""Gap to requirement: per person and capability, then per role and capability.

gap = required level - current level (domain primer, 'Gap to requirement').
The current level combines the rating sources present for a person with
declared weights (default: self and manager count equally, peers too);
each source's mean is kept beside it so that self and manager stay visible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ldkit._params import check_number, param_error
from ldkit.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel, ScaleMapping
    from ldkit.survey import SurveyData

__all__ = [
    "DEFAULT_RATER_WEIGHTS",
    "combine_surveys",
    "gap_table",
    "person_gaps",
    "unmatched_roles",
]

DEFAULT_RATER_WEIGHTS = {"self": 1.0, "manager": 1.0, "peer": 1.0}
RATERS = ("self", "manager", "peer")
_MEASURES = ("capability", "domain", "item")  # what a row measures; the other keys are people


def combine_surveys(*surveys: SurveyData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stack the ratings of several surveys (e.g. self and manager) and their people.

    Returns
    -------
    ratings : DataFrame
        The stacked ``responses`` tables.
    people : DataFrame
        One row per person_id with the attributes of the first survey that has the
        person (the self survey first, if given first), e.g. role and region.
    """
    if not surveys:
        raise param_error("surveys", "combine_surveys", "at least one SurveyData", surveys)
    from pandas.api.types import union_categoricals

    tables = [s.responses for s in surveys]
    ratings = pd.DataFrame({
        col: union_categoricals([pd.Categorical(t[col]) for t in tables], ignore_order=True)
        if col != "value" else np.concatenate([t[col].to_numpy(dtype="float64")
                                               for t in tables])
        for col in tables[0].columns
    }, copy=False)
    keep = [c for c in surveys[0].respondents.columns
            if c not in ("respondent_id", "submitted_at", "duration_seconds", "source_row")]
    people = pd.concat([s.respondents.reindex(columns=keep) for s in surveys],
                       ignore_index=True)
    people = people.dropna(subset=["person_id"]).drop_duplicates("person_id", keep="first")
    return ratings, people.reset_index(drop=True)


def _role_ids(people: pd.DataFrame, model: CapabilityModel) -> pd.Series:
    """Map each person's role (id or display name, any case) to a model role id."""
    lookup: dict[str, str] = {}
    for r in model.roles:
        lookup[r.id.casefold()] = r.id
        lookup[r.name.casefold()] = r.id
    return people["role"].astype("string").str.strip().str.casefold().map(lookup)


def person_gaps(
    ratings: pd.DataFrame,
    people: pd.DataFrame,
    model: CapabilityModel,
    *,
    rater_weights: Mapping[str, float] | None = None,
    scale_map: ScaleMapping | None = None,
) -> pd.DataFrame:
    """Per person and required capability: current level by rater, combined level, gap.

    Parameters
    ----------
    ratings : DataFrame
        Tidy ratings (``SurveyData.responses``, or several stacked with
        :func:`combine_surveys`): person_id, capability, dimension, rater, value.
    people : DataFrame
        One row per person_id with a ``role`` column (role id or display name).
    model : CapabilityModel
        Supplies each role's required level and weight per capability.
    rater_weights : mapping, optional
        Weight of each rating source in the combined current level
        (default self 1, manager 1, peer 1). A source with weight 0 is shown but
        not combined.
    scale_map : ScaleMapping, optional
        Converts survey values to the model's scale (e.g. a 1-5 survey onto a 1-4
        model); by default values are taken to be on the model's scale.

    Returns
    -------
    DataFrame
        One row per person and capability their role requires: person_id, role,
        capability, domain, required_level, weight, self, manager, peer (mean
        proficiency rating of each source, NaN if none), importance (mean
        importance rating, any source), current, gap (required - current),
        below (current < required). People whose role is not in the model are
        left out; :func:`unmatched_roles` lists them.

    Notes
    -----
    current = sum_s w_s * level_s / sum_s w_s over the sources s present.
    """
    weights = dict(DEFAULT_RATER_WEIGHTS if rater_weights is None else rater_weights)
    for name, w in weights.items():
        if name not in RATERS:
            raise param_error("rater_weights", "person_gaps", f"keyed by {RATERS}", name)
        check_number(f"rater_weights['{name}']", w, func="person_gaps", low=0)
    for col in ("person_id", "capability", "dimension", "rater", "value"):
        if col not in ratings.columns:
            raise InputError(f"the ratings table has no column '{col}'",
                             hint="pass SurveyData.responses")
    if "role" not in people.columns:
        raise InputError("the people table has no column 'role'",
                         hint="map a role attribute in the codebook: attributes: {role: ...}")

    values = ratings["value"].to_numpy(dtype="float64")
    if scale_map is not None:
        values = scale_map.convert(values)

    who = people[["person_id"]].assign(role=_role_ids(people, model)).dropna(subset=["role"])
    req = model.requirements()[["role", "capability", "domain", "required_level", "weight"]]
    for col, categories in (("role", model.role_ids), ("capability", model.capability_ids),
                            ("domain", model.domain_ids)):  # categorical before the merge
        req[col] = pd.Categorical(req[col], categories=categories)
    who["role"] = pd.Categorical(who["role"], categories=model.role_ids)
    person = pd.Categorical(ratings["person_id"])
    capability = pd.Categorical(ratings["capability"])
    who["_p"] = person.categories.get_indexer(who["person_id"])  # per person, not per row
    req["_c"] = capability.categories.get_indexer(req["capability"])
    frame = who.merge(req, on="role")
    means = _means_by_person_capability(person, capability, ratings, values,
                                        frame["_p"].to_numpy(), frame["_c"].to_numpy())
    for name, column in means.items():
        frame[name] = column

    levels = frame[list(RATERS)].to_numpy(dtype="float64")
    w = np.array([weights.get(s, 0.0) for s in RATERS])
    present = ~np.isnan(levels)
    wsum = (present * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        current = np.where(wsum > 0, np.nansum(levels * w, axis=1) / wsum, np.nan)
    frame["current"] = current
    frame["gap"] = frame["required_level"] - frame["current"]
    below = pd.array(current < frame["required_level"].to_numpy(), dtype="boolean")
    below[np.isnan(current)] = pd.NA  # not rated: unknown, not "not below"
    frame["below"] = below
    cols = ["person_id", "role", "capability", "domain", "required_level", "weight", *RATERS,
            "importance", "current", "gap", "below"]
    return frame[cols].reset_index(drop=True)  # people in input order


def _means_by_person_capability(person: pd.Categorical, capability: pd.Categorical,
                                ratings: pd.DataFrame, values: np.ndarray,
                                row_person: np.ndarray, row_cap: np.ndarray
                                ) -> dict[str, np.ndarray]:
    """Mean rating per (person, capability) of the rows given by their category codes.

    Sums and counts with ``np.bincount`` over integer keys (person code x number of
    capabilities + capability code): linear in the number of ratings, where a
    groupby on two string keys is not, at 100,000 people. One source (self, manager,
    peer proficiency; importance) at a time, so that only one source's keys and bins
    are in memory at once.
    """
    n_caps = max(len(capability.categories), 1)
    size = max(len(person.categories), 1) * n_caps
    row_ok = (row_person >= 0) & (row_cap >= 0)
    row_key = np.where(row_ok, row_person.astype(np.int64) * n_caps + row_cap, 0)
    dimension = pd.Categorical(ratings["dimension"])
    rater = pd.Categorical(ratings["rater"])
    # source of each rating, from its (dimension, rater) codes by one lookup: -1 none
    n_raters = len(rater.categories)
    source = np.full((len(dimension.categories) + 1) * (n_raters + 1), -1, dtype=np.int8)
    names = [*RATERS, "importance"]
    for d, dim in enumerate(dimension.categories):
        for r, who in enumerate(rater.categories):
            if dim == "proficiency" and who in RATERS:
                source[d * (n_raters + 1) + r] = RATERS.index(who)
        if dim == "importance":
            source[d * (n_raters + 1): (d + 1) * (n_raters + 1)] = len(RATERS)
    # codes -1 (missing) index the last slot of a row of the table: no source
    dim_codes = np.where(dimension.codes >= 0, dimension.codes, len(dimension.categories))
    rater_codes = np.where(rater.codes >= 0, rater.codes, n_raters)
    group = source[dim_codes.astype(np.intp) * (n_raters + 1) + rater_codes]
    group[(person.codes < 0) | (capability.codes < 0) | np.isnan(values)] = -1
    del dim_codes, rater_codes
    out: dict[str, np.ndarray] = {}
    for g, name in enumerate(names):
        use = np.flatnonzero(group == g)
        key = person.codes[use].astype(np.intp) * n_caps + capability.codes[use]
        counts = np.bincount(key, minlength=size)
        sums = np.bincount(key, weights=values[use], minlength=size)
        del use, key
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sums[row_key] / counts[row_key]
        mean[~row_ok] = np.nan
        out[name] = mean
    return out


def unmatched_roles(people: pd.DataFrame, model: CapabilityModel) -> pd.DataFrame:
    """People whose role is not a role of the model: role value and count."""
    ids = _role_ids(people, model)
    missing = people.loc[ids.isna(), "role"].astype("string").fillna("(blank)")
    return missing.value_counts().rename_axis("role").reset_index(name="n")


def gap_table(
    gaps: pd.DataFrame,
    *,
    by: Sequence[str] = ("role", "capability"),
    min_n: int = 5,
    show_counts: bool = False,
) -> pd.DataFrame:
    """Aggregate person gaps per group (default role x capability), with small cells hidden.

    Columns: the ``by`` columns, n, required_level, weight, mean_self, n_self,
    mean_manager, n_manager, mean_peer, n_peer, mean_current, mean_gap, share_below,
    priority (mean_gap x weight), suppressed. The minimum group size is
    :mod:`ldkit.disclosure`'s rule: a group of fewer than ``min_n`` people shows
    no value (suppressed = "n < min_n"), and the groups (e.g. roles) of one
    capability are siblings, so a second one is hidden where one hidden group
    could be worked out from the capability's total. A rater source with fewer
    than ``min_n`` raters in a group is blanked for that group, under the same
    rule per rater (``mean_<rater>`` with ``n_<rater>``). Sizes of hidden groups
    are blank unless ``show_counts``. The columns of a rater source without a
    single rating (no manager survey, no peer survey) are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"role": ["kam"] * 5, "capability": ["ap"] * 5,
    ...                   "required_level": [4] * 5, "weight": [3.0] * 5,
    ...                   "self": [3, 4, 2, 3, 3], "manager": [2, 4, 2, 3, float("nan")],
    ...                   "peer": [float("nan")] * 5, "current": [2.5, 4, 2, 3, 3],
    ...                   "gap": [1.5, 0, 2, 1, 1], "below": [True, False, True, True, True]})
    >>> row = gap_table(g).iloc[0]
    >>> int(row.n), float(row.mean_gap), float(row.share_below), float(row.mean_manager)
    (5, 1.1, 0.8, nan)
    """
    from ldkit.disclosure import SUPPRESSED, suppress

    check_number("min_n", min_n, func="gap_table", low=1, integer=True)
    keys = list(by)
    missing = [c for c in [*keys, "gap", "current"] if c not in gaps.columns]
    if missing:
        raise InputError(f"the gap table has no column '{missing[0]}'",
                         hint="pass the result of person_gaps()")
    g = gaps.groupby(keys, observed=True, sort=False)
    out = g.agg(n=("current", "count"), required_level=("required_level", "first"),
                weight=("weight", "first"))
    for rater in RATERS:
        out[f"mean_{rater}"] = g[rater].mean()
        out[f"n_{rater}"] = g[rater].count()
    out["mean_current"] = g["current"].mean()
    out["mean_gap"] = g["gap"].mean()
    out["share_below"] = gaps["below"].astype("boolean").groupby(
        [gaps[k] for k in keys], observed=True, sort=False).mean().astype("float64")
    out["priority"] = out["mean_gap"] * out["weight"]
    out = out.reset_index()
    # siblings: the person groups (roles) of one capability; capabilities are parents
    parent = [k for k in keys if k in _MEASURES]
    parent = None if len(parent) == len(keys) else parent
    table = suppress(out, min_group_size=min_n, n="n", parent=parent, show_counts=show_counts,
                     values=[*[f"mean_{r}" for r in RATERS], "mean_current", "mean_gap",
                             "share_below", "priority"])
    for rater in RATERS:  # a rater group below threshold is dropped whole, per group
        own = suppress(table[[*keys, f"n_{rater}", f"mean_{rater}", SUPPRESSED]].assign(
                           **{f"n_{rater}": out[f"n_{rater}"]}),
                       min_group_size=min_n, n=f"n_{rater}", values=[f"mean_{rater}"],
                       parent=parent, show_counts=show_counts)
        table[f"mean_{rater}"] = own[f"mean_{rater}"]
        table[f"n_{rater}"] = own[f"n_{rater}"].astype("Int64")
    # a rater source with no rating at all (no manager survey) is not mentioned
    absent = [r for r in RATERS if r != "self" and not gaps[r].notna().any()]
    return table.drop(columns=[c for r in absent for c in (f"mean_{r}", f"n_{r}")])
