"""Gap to requirement: per person and capability, then per role and capability.

gap = required level - current level (domain primer, 'Gap to requirement').
The current level combines the rating sources present for a person with
declared weights (default: self and manager count equally, peers too);
each source's mean is kept beside it so that self and manager stay visible.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ldkit._memory import large_arrays
from ldkit._params import check_number, param_error
from ldkit.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel, ScaleMapping
    from ldkit.survey import SurveyData
    from ldkit.survey.reader import _Stacked

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


@large_arrays
def combine_surveys(*surveys: SurveyData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stack the ratings of several surveys (e.g. self and manager) and their people.

    Returns
    -------
    ratings : DataFrame
        The stacked ``responses`` tables. Its ``value`` column may be backed by a
        read-only array: change it through pandas (``.loc``, assignment), which copies
        it first, not by writing into ``ratings["value"].array``.
    people : DataFrame
        One row per person_id with the attributes of the first survey that has the
        person (the self survey first, if given first), e.g. role and region.
    """
    if not surveys:
        raise param_error("surveys", "combine_surveys", "at least one SurveyData", surveys)
    stacked = _stack_unread(surveys, locked=_copy_on_write())
    ratings = None if stacked is None else stacked.frame
    if ratings is None:
        tables = [s.responses for s in surveys]
        ratings = pd.DataFrame({
            col: _stack_categoricals([_categorical(t[col]) for t in tables])
            if col != "value" else np.concatenate([t[col].to_numpy(dtype="float64")
                                                   for t in tables])
            for col in tables[0].columns
        }, copy=False)
    keep = [c for c in surveys[0].respondents.columns
            if c not in ("respondent_id", "submitted_at", "duration_seconds", "source_row")]
    people = pd.concat([s.respondents.reindex(columns=keep) for s in surveys],
                       ignore_index=True)
    people = people.dropna(subset=["person_id"]).drop_duplicates("person_id", keep="first")
    if stacked is not None and len(ratings) and _copy_on_write():
        _remember(stacked)
    return ratings, people.reset_index(drop=True)


def _stack_unread(surveys: Sequence[SurveyData], *, locked: bool) -> _Stacked | None:
    """The surveys' ratings stacked straight from their wide matrices, where none of
    their ``responses`` tables has been built yet (so none can have been changed):
    the table stacking those tables gives, without building them. None otherwise.

    ``locked``: its values are a read-only array, so that a write straight into it
    (``ratings["value"].array[i] = x``, which copy-on-write does not see) is refused
    instead of going unseen by :func:`person_gaps`; pandas' own writes copy the column
    first while :func:`_remember` holds its shallow copy."""
    from ldkit.survey.reader import _stack_ratings_from, _WideRatings

    wide = [s.__dict__.get("_responses") for s in surveys]
    if not all(isinstance(w, _WideRatings) for w in wide):
        return None
    return _stack_ratings_from(wide, locked=locked)


# Tables combine_surveys stacked from wide matrices, by id(table): person_gaps reads the
# ratings of such a table from its matrices, as long as the table is the one returned,
# unchanged (see _unchanged_stack).
_STACKS: dict[int, tuple[weakref.ref, pd.DataFrame, dict[str, tuple[int, object]],
                         _Stacked]] = {}


def _copy_on_write() -> bool:
    """Whether pandas copies a shared column before changing it (always from pandas 3;
    an option in pandas 2): what tells a changed table from an unchanged one."""
    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    try:
        return pd.get_option("mode.copy_on_write") is True
    except (KeyError, pd.errors.OptionError):  # pragma: no cover - older pandas
        return False


def _column_state(frame: pd.DataFrame, column: str) -> tuple[int, object]:
    """Where a column's values are in memory, and its dtype object."""
    array = frame[column].array
    values = array.codes if isinstance(array, pd.Categorical) else frame[column].to_numpy()
    return values.__array_interface__["data"][0], frame[column].dtype


def _remember(stacked: _Stacked) -> None:
    frame = stacked.frame
    key = id(frame)
    # a shallow copy shares the columns: while it lives, a change to the table (in place,
    # through pandas) copies the changed column first (copy-on-write), which moves it
    shadow = frame.copy(deep=False)
    state = {c: _column_state(frame, c) for c in frame.columns}
    forget = _STACKS.pop  # bound now: still there when the table goes at interpreter exit
    # the matrices and lookups, not the table itself (that would keep it alive)
    kept = type(stacked)(None, stacked.parts, stacked.person_codes, stacked.item_capability)
    _STACKS[key] = (weakref.ref(frame, lambda _: forget(key, None)), shadow, state, kept)


def _unchanged_stack(ratings: pd.DataFrame) -> _Stacked | None:
    """The wide matrices ``ratings`` was stacked from by :func:`combine_surveys`, if
    ``ratings`` is that very table and none of its columns has changed since."""
    entry = _STACKS.get(id(ratings))
    if entry is None:
        return None
    ref, _, state, stacked = entry
    if ref() is not ratings or list(ratings.columns) != list(state):
        return None
    for column, (address, dtype) in state.items():
        now_address, now_dtype = _column_state(ratings, column)
        if now_address != address or now_dtype is not dtype:
            return None
    return stacked


def _stack_categoricals(parts: list[pd.Categorical]) -> pd.Categorical:
    """``union_categoricals(parts, ignore_order=True)``, recoding in slices of a million
    codes into one preallocated array: no full-length temporary per part (18 million
    ratings at 100,000 people)."""
    from pandas.api.types import union_categoricals

    if len({str(p.categories.dtype) for p in parts}) > 1:
        return union_categoricals(parts, ignore_order=True)  # its error, as before
    categories = parts[0].categories.append([p.categories for p in parts[1:]]).unique()
    dtype = np.int8 if len(categories) < 2**7 else (
        np.int16 if len(categories) < 2**15 else np.int32 if len(categories) < 2**31 else np.int64)
    codes = np.empty(sum(len(p) for p in parts), dtype=dtype)
    start, step = 0, 1 << 20
    for k, part in enumerate(parts):
        # the first part's categories open the union, in their order
        position = (np.arange(len(part.categories)) if k == 0 else
                    categories.get_indexer_for(part.categories))
        stop = start + len(part)
        if np.array_equal(position, np.arange(len(position))):
            codes[start:stop] = part.codes
        else:
            lookup = np.append(position, -1).astype(dtype)  # code -1 (missing) stays -1
            for at in range(0, len(part), step):
                chunk = part.codes[at:at + step]
                codes[start + at:start + at + len(chunk)] = lookup[chunk]
        start = stop
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories),
                                     validate=False)


def _role_ids(people: pd.DataFrame, model: CapabilityModel) -> pd.Series:
    """Map each person's role (id or display name, any case) to a model role id."""
    lookup: dict[str, str] = {}
    for r in model.roles:
        lookup[r.id.casefold()] = r.id
        lookup[r.name.casefold()] = r.id
    return people["role"].astype("string").str.strip().str.casefold().map(lookup)


@large_arrays
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
                            ("domain", model.domain_ids)):
        req[col] = pd.Categorical(req[col], categories=categories)
    # one row per person and requirement of their role (people in input order, then the
    # model's order): index arrays into ``who`` and ``req``, never a join of wide rows
    at_person, at_req = _person_requirements(
        pd.Categorical(who["role"], categories=model.role_ids).codes, req["role"].cat.codes,
        len(model.role_ids))
    person = _categorical(ratings["person_id"])
    capability = _categorical(ratings["capability"])
    who_person = person.categories.get_indexer(who["person_id"])  # per person, not per row
    req_cap = capability.categories.get_indexer(req["capability"]).astype(np.int32)
    with ThreadPoolExecutor(max_workers=2) as pool:  # the means while the rows are built
        stacked = _unchanged_stack(ratings) if scale_map is None else None
        means = _means_by_person_capability(person, capability, ratings, values, who_person,
                                            at_person, req_cap[at_req], pool=pool,
                                            stacked=stacked)
        frame = {"person_id": who["person_id"].array.take(at_person)}
        for col in ("role", "capability", "domain", "required_level", "weight"):
            frame[col] = req[col].array.take(at_req)
        del at_person, at_req
        frame.update({name: future.result() for name, future in means.items()})

    # current = sum_s w_s * level_s / sum_s w_s over the sources present, source by source
    # in place (the order of np.nansum over the sources: same sums, bit for bit), a chunk
    # of rows at a time (small temporaries beside 5 million rows)
    n = len(frame["person_id"])
    required = np.asarray(frame["required_level"])
    current, gap = np.empty(n), np.empty(n)
    below, unknown = np.empty(n, dtype=bool), np.empty(n, dtype=bool)
    step = 1 << 18
    for start in range(0, n, step):
        part = slice(start, start + step)
        now = current[part]
        now.fill(0.0)
        wsum = np.zeros(len(now))
        for s in RATERS:
            level, w = frame[s][part], weights.get(s, 0.0)
            absent = np.isnan(level)
            term = level * w
            term[absent] = 0.0
            now += term
            np.add(wsum, w, out=wsum, where=~absent)
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(now, wsum, out=now)
        now[wsum <= 0] = np.nan
        np.subtract(required[part], now, out=gap[part])
        np.less(now, required[part], out=below[part])
        np.isnan(now, out=unknown[part])
    frame["current"] = current
    frame["gap"] = gap
    # not rated: unknown, not "not below"
    frame["below"] = pd.arrays.BooleanArray(below, unknown)
    return pd.DataFrame(frame, copy=False)


def _person_requirements(person_role: np.ndarray, req_role: np.ndarray, n_roles: int
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Positions (person, requirement) of each person's role requirements.

    Persons in their order, each followed by the requirements of their role in the
    requirements' order (the rows an inner merge on role gives). int32 positions
    (5 million rows at 100,000 people).
    """
    req_role = np.asarray(req_role, dtype=np.intp)
    person_role = np.asarray(person_role, dtype=np.intp)
    by_role = np.argsort(req_role, kind="stable").astype(np.int32)  # grouped by role
    per_role = np.bincount(req_role, minlength=n_roles)
    first = np.cumsum(per_role) - per_role  # where each role's group starts in by_role
    per_person = per_role[person_role]
    at_person = np.repeat(np.arange(len(person_role), dtype=np.int32), per_person)
    # row k of person i (starting at start_i) takes by_role[first[role_i] + k - start_i]
    shift = first[person_role] - (np.cumsum(per_person) - per_person)
    position = np.arange(len(at_person), dtype=np.intp)
    position += np.repeat(shift, per_person)
    return at_person, by_role[position]


def _categorical(column: pd.Series) -> pd.Categorical:
    """The column as a Categorical (itself, when it is one: no copy of its codes)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array
    return pd.Categorical(column)


def _means_by_person_capability(person: pd.Categorical, capability: pd.Categorical,
                                ratings: pd.DataFrame, values: np.ndarray,
                                who_person: np.ndarray, at_person: np.ndarray,
                                row_cap: np.ndarray, *, pool: ThreadPoolExecutor,
                                stacked: _Stacked | None = None) -> dict[str, Future]:
    """Mean rating of each source per output row (a person and a capability), as
    futures of ``pool``.

    ``who_person`` is the person code (in ``person``) of each person scored,
    ``at_person`` the person of each output row, ``row_cap`` its capability code (in
    ``capability``); -1 where the ratings lack the person or capability.

    Sums and counts with ``np.add.at`` over integer keys (a person's rank among
    the people scored x number of capabilities + capability code): linear in the
    number of ratings, where a groupby on two string keys is not, at 100,000
    people. Ranks follow the people's order, so that the bins are filled and read
    in order. Each source (self, manager, peer proficiency; importance) is selected
    on the small category codes and summed on its own, two sources at a time.

    With ``stacked`` (the wide matrices the ratings were stacked from, unchanged), where
    no person and capability can have two ratings of one source (each person on one row
    of a survey, each capability in one item of a source), each mean is the one rating
    itself, read from the matrices (:func:`_means_from_matrices`).
    """
    n_caps = max(len(capability.categories), 1)
    # rank of each person code among the people scored (first appearance); -1: not scored
    scored = pd.unique(who_person[who_person >= 0])
    size = max(len(scored), 1) * n_caps
    key_type = np.int32 if size < 2**31 else np.int64
    rank = np.full(len(person.categories) + 1, -1, dtype=key_type)  # last slot: code -1
    rank[scored] = np.arange(len(scored))
    row_key = rank[who_person][at_person]
    row_ok = (row_key >= 0) & (row_cap >= 0)
    if stacked is not None:
        plan = _matrix_plan(stacked, len(person.categories), n_caps)
        if plan is not None:
            return {name: pool.submit(_means_from_matrices, stacked, columns, rank, row_key,
                                      row_cap, row_ok, len(scored))
                    for name, columns in plan.items()}
    row_key *= n_caps
    row_key += row_cap
    row_key[~row_ok] = 0
    dimension = _categorical(ratings["dimension"])
    rater = _categorical(ratings["rater"])
    usable = ~np.isnan(values)
    for cat in (person, capability):
        if len(cat) and cat.codes.min() < 0:
            usable &= cat.codes >= 0

    def rows_of(cat: pd.Categorical, value: str) -> np.ndarray:
        where = cat.categories.get_indexer([value])[0]
        return cat.codes == where if where >= 0 else np.zeros(len(cat), dtype=bool)

    def mean_of(source: str) -> np.ndarray:
        if source == "importance":
            rows = rows_of(dimension, "importance")
        else:
            rows = rows_of(dimension, "proficiency")
            rows &= rows_of(rater, source)
        rows &= usable
        key = rank[person.codes[rows]]
        mine = key >= 0  # ratings of people not scored are left out
        if mine.all():
            weights = values[rows]
            key *= n_caps
            key += capability.codes[rows]
        else:
            key, weights = key[mine], values[rows][mine]
            key *= n_caps
            key += capability.codes[rows][mine]
        del rows, mine
        # np.add.at adds in row order, as np.bincount does: the same sums, bit for bit
        sums, counts = np.zeros(size), np.zeros(size, dtype=np.int64)
        np.add.at(sums, key, weights)
        np.add.at(counts, key, 1)
        del key, weights
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.divide(sums, counts, out=sums)[row_key]
        mean[~row_ok] = np.nan
        return mean

    # the sources are independent: computed in ``pool`` (numpy releases the GIL in
    # these loops), each on its own bins
    return {name: pool.submit(mean_of, name) for name in (*RATERS, "importance")}


def _source(dimension: str, rater: str) -> str | None:
    """The source a rating counts for: self, manager or peer proficiency, or importance."""
    if dimension == "proficiency":
        return rater if rater in RATERS else None
    return "importance" if dimension == "importance" else None


def _matrix_plan(stacked: _Stacked, n_people: int, n_caps: int
                 ) -> dict[str, dict[int, np.ndarray]] | None:
    """Per source and survey (part), the matrix column of each capability code (-1:
    none); None where a person or a capability could have two ratings of one source
    (a person on two rows of a survey, a capability in two items of a source)."""
    plan: dict[str, dict[int, np.ndarray]] = {name: {} for name in (*RATERS, "importance")}
    seen: dict[str, set[int]] = {name: set() for name in plan}
    for k, (part, caps) in enumerate(zip(stacked.parts, stacked.item_capability, strict=True)):
        codes = stacked.person_codes[k]
        codes = codes[codes >= 0]
        if len(codes) and np.bincount(codes, minlength=n_people).max() > 1:
            return None
        for j, (item, cap) in enumerate(zip(part.items, caps, strict=True)):
            name = _source(item.dimension, item.rater)
            if name is None or cap < 0:
                continue
            if cap in seen[name]:
                return None
            seen[name].add(int(cap))
            column = plan[name].setdefault(k, np.full(n_caps, -1, dtype=np.int64))
            column[cap] = j
    return plan


def _means_from_matrices(stacked: _Stacked, columns: dict[int, np.ndarray], rank: np.ndarray,
                         row_rank: np.ndarray, row_cap: np.ndarray, row_ok: np.ndarray,
                         n_scored: int, *, chunk: int = 1 << 18) -> np.ndarray:
    """One source's rating of each output row, read from the matrices (see
    :func:`_matrix_plan`): NaN where there is none. Output rows a chunk at a time, so
    that the lookups stay small (and in cache) beside 5 million rows."""
    out = np.full(len(row_rank), np.nan)
    for k, column_of_cap in columns.items():
        matrix = np.ascontiguousarray(stacked.parts[k].values)
        flat_matrix = matrix.ravel()
        width = matrix.shape[1]
        # the matrix row of each person scored (-1: none), and a last slot, -1, for the
        # output rows that read nothing
        row_of = np.full(n_scored + 1, -1, dtype=np.int64)
        ranks = rank[stacked.person_codes[k]]  # code -1 reads rank's last slot, -1
        mine = ranks >= 0
        row_of[ranks[mine]] = np.flatnonzero(mine)
        column_of = column_of_cap.astype(np.int64)
        for start in range(0, len(row_rank), chunk):
            part = slice(start, start + chunk)
            ok = row_ok[part]
            flat = row_of.take(np.where(ok, row_rank[part], n_scored))
            col = column_of.take(np.where(ok, row_cap[part], 0))
            hit = (flat >= 0) & (col >= 0)
            flat *= width
            flat += col
            flat[~hit] = 0
            np.copyto(out[part], flat_matrix.take(flat), where=hit)
    return out


def _combined_codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray | None:
    """One integer per row numbering its combination of the categorical ``keys``
    (mixed radix over their category codes; -1 where a key is missing).

    Grouping on it gives the groups of ``groupby(keys, observed=True, sort=False)`` in
    the same order (first appearance), without building and checking a multi-key
    index over 5 million rows. None where a key is not categorical (the general way).
    """
    if not keys or not all(isinstance(frame[k].dtype, pd.CategoricalDtype) for k in keys):
        return None
    sizes = [len(frame[k].cat.categories) for k in keys]
    if np.prod([float(n) for n in sizes]) >= 2**62:
        return None
    combined = np.zeros(len(frame), dtype=np.int64)
    missing = np.zeros(len(frame), dtype=bool)
    for k, n in zip(keys, sizes, strict=True):
        codes = frame[k].cat.codes.to_numpy()
        missing |= codes < 0
        combined *= n
        combined += codes
    combined[missing] = -1
    return combined


def unmatched_roles(people: pd.DataFrame, model: CapabilityModel) -> pd.DataFrame:
    """People whose role is not a role of the model: role value and count."""
    ids = _role_ids(people, model)
    missing = people.loc[ids.isna(), "role"].astype("string").fillna("(blank)")
    return missing.value_counts().rename_axis("role").reset_index(name="n")


@large_arrays
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
    # one grouping, each aggregate over all its columns at once
    frame = gaps[[*keys, "required_level", "weight", *RATERS, "current", "gap"]].assign(
        below=gaps["below"].astype("boolean"))
    combined = _combined_codes(gaps, keys)
    if combined is None:
        g = frame.groupby(keys, observed=True, sort=False)
    else:  # the same groups, in the same order, on one integer key
        if (combined < 0).any():  # a missing key: left out, as groupby leaves it out
            frame, combined = frame[combined >= 0], combined[combined >= 0]
        g = frame.drop(columns=keys).groupby(combined, sort=False)
    means = g[[*RATERS, "current", "gap", "below"]].mean()
    counts = g[["current", *RATERS]].count()
    first = g[["required_level", "weight"]].first()
    out = pd.DataFrame({"n": counts["current"], "required_level": first["required_level"],
                        "weight": first["weight"]})
    for rater in RATERS:
        out[f"mean_{rater}"] = means[rater]
        out[f"n_{rater}"] = counts[rater]
    out["mean_current"] = means["current"]
    out["mean_gap"] = means["gap"]
    out["share_below"] = means["below"].astype("float64")
    out["priority"] = out["mean_gap"] * out["weight"]
    if combined is None:
        out = out.reset_index()
    else:  # the key values of each group, back from its number
        number = out.index.to_numpy()
        labels = {}
        for k in reversed(keys):
            n = len(gaps[k].cat.categories)
            labels[k] = pd.Categorical.from_codes(number % n, dtype=gaps[k].dtype)
            number = number // n
        out = pd.concat([pd.DataFrame({k: labels[k] for k in keys}),
                         out.reset_index(drop=True)], axis=1)
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
