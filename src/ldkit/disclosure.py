"""The one minimum-group-size rule: what of an aggregate of people may be shown.

Every table of people that ldkit writes (needs gaps and segments, self vs
manager, Borich, programme evaluation, strategy tracking, the plans cohort
view) goes through this module, so changing the rule touches one file.

The rule
--------
primary suppression
    A group of fewer than ``min_group_size`` people (``0 < n < k``, and
    ``n == 0``, which has nothing to show) shows no aggregate: its values
    are blank.
complementary suppression
    Groups that share a parent (the roles of one capability, the regions of
    one capability, the roles of a programme) are treated as a partition of
    that parent, whose total may be shown in the same table (an "All" row)
    or in another one. Where a group of a parent is hidden, enough of its
    siblings are hidden too that the hidden cells, subtracted together from
    the total, describe at least two groups and at least ``k`` people; the
    smallest shown sibling is hidden first. People of the parent in no group
    (a total of 20 over groups of 8 and 9) count as one more hidden group.
    Where no sibling is left to hide, the total is hidden.
cumulative series
    Snapshots of one growing group (an application rate to date, month by
    month) are nested: two shown snapshots of ``n1 < n2`` people reveal the
    ``n2 - n1`` people in between. :func:`suppress_cumulative` shows the
    latest snapshot of at least ``k`` people and then, going back, only
    snapshots at least ``k`` people smaller than the last one shown.
counts of hidden groups
    The size ``n`` of a hidden group is blanked too unless the client's
    policy allows showing it (``show_counts=True``, default False, the safe
    side: the size of a small group can itself identify people).

Marker vocabulary
-----------------
Tables carry a column :data:`SUPPRESSED` (``"suppressed"``) that says why a
row's values are blank: ``""`` shown, ``"n < 5"`` (:func:`primary_reason`,
too few people), ``"complementary"`` (:data:`COMPLEMENTARY`, hidden so that
another hidden group cannot be worked out). Renderers show a blank value as
:data:`MARKER` ("–") and add :func:`legend`. A total row is labelled
:data:`TOTAL` ("All"); a group whose own name is "All" is shown as
:data:`TOTAL_LOOKALIKE` ("All (group)") so that the two are never confused
(:func:`group_label`).

The audit
---------
:func:`check_table` is the predicate the deliverables audit uses: it returns
the located problems of a table (a shown aggregate of a small group, a hidden
group recoverable by subtraction); :func:`is_disclosive` is its yes/no form.

Parameters
----------
:func:`check_min_group_size` validates a configured minimum (a whole number,
at least 1: YAML ``yes``, ``5.5`` and ``"5"`` are errors) and
:func:`min_group_size_warning` gives the warning text for a minimum below
:data:`ADVISED_MINIMUM` (3).

Examples
--------
>>> t = pd.DataFrame({"region": ["EU", "US", "JP", "All"], "n": [12, 3, 9, 24],
...                   "mean": [1.0, 2.0, 0.5, 1.0]})
>>> out = suppress(t, min_group_size=5, values=["mean"], parent=[],
...                total=t["region"].eq("All"))
>>> out["suppressed"].tolist(), out["mean"].tolist()
(['', 'n < 5', 'complementary', ''], [1.0, nan, nan, 1.0])
>>> is_disclosive(out, min_group_size=5, values=["mean"], parent=[],
...               total=t["region"].eq("All"))
False
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ldkit._params import param_error

__all__ = [
    "ADVISED_MINIMUM",
    "COMPLEMENTARY",
    "MARKER",
    "SUPPRESSED",
    "TOTAL",
    "TOTAL_LOOKALIKE",
    "Disclosure",
    "Finding",
    "check_min_group_size",
    "check_table",
    "group_label",
    "hidden_mask",
    "is_disclosive",
    "is_small",
    "legend",
    "min_group_size_warning",
    "primary_reason",
    "suppress",
    "suppress_cumulative",
    "suppress_labelled",
]

SUPPRESSED = "suppressed"
"""Name of the marker column: why a row's values are blank ("" when shown)."""
COMPLEMENTARY = "complementary"
"""Marker of a row hidden so that another hidden row cannot be recovered."""
MARKER = "\u2013"
"""What a reader sees in place of a hidden value (an en dash)."""
TOTAL = "All"
"""Label of a total row."""
TOTAL_LOOKALIKE = "All (group)"
"""Label of a group whose own name is "All", so it never reads as the total."""
ADVISED_MINIMUM = 3
"""Below this minimum group size every run and the audit print a warning."""

_EXEMPT = frozenset({"required_level", "weight", "target", "level", "rank", "capacity"})


def primary_reason(min_group_size: int) -> str:
    """The marker of a row hidden for its own size: ``"n < 5"``."""
    return f"n < {min_group_size}"


def is_small(n: float | None, *, min_group_size: int) -> bool:
    """The primary rule for one aggregate: True when ``n`` people are too few to show.

    None (an aggregate that is not of people, e.g. a money figure) is never small.

    Examples
    --------
    >>> [is_small(n, min_group_size=5) for n in (4, 5, None)]
    [True, False, False]
    """
    k = check_min_group_size(min_group_size, func="is_small")
    if n is None or (isinstance(n, float) and math.isnan(n)) or n is pd.NA:
        return False
    return float(n) < k


def group_label(value: Any) -> Any:
    """The label a group is shown with: its value, except "All" becomes "All (group)".

    Examples
    --------
    >>> group_label("EU"), group_label("All")
    ('EU', 'All (group)')
    """
    return TOTAL_LOOKALIKE if isinstance(value, str) and value == TOTAL else value


def legend(min_group_size: int, *, complementary: bool = True,
           counts_hidden: bool = True) -> str:
    """The legend of hidden values, for any table with a :data:`SUPPRESSED` column.

    Examples
    --------
    >>> legend(5, complementary=False)
    '– : hidden, fewer than 5 respondents (group size not shown).'
    """
    text = f"{MARKER} : hidden, fewer than {min_group_size} respondents"
    if counts_hidden:
        text += " (group size not shown)"
    if complementary:
        text += "; or hidden so that a hidden group cannot be worked out from the total"
    return text + "."


def hidden_mask(table: pd.DataFrame) -> pd.Series:
    """True for the rows a table marks as suppressed (any non-empty marker).

    Reads the marker after a CSV round trip too (blank cells come back NaN),
    and a boolean marker column.
    """
    if SUPPRESSED not in table.columns:
        return pd.Series(False, index=table.index)
    col = table[SUPPRESSED]
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.fillna(False).astype(bool)
    text = col.astype("string").fillna("").str.strip().str.lower()
    return ~text.isin(["", "false", "0", "nan", "none"])


# --------------------------------------------------------------------------- parameters


def check_min_group_size(value: object, *, name: str = "min_group_size",
                         func: str = "the engagement") -> int:
    """Return a minimum group size as an int, or raise ParameterError.

    A whole number of at least 1: booleans (YAML ``yes``), fractions
    (``5.5``), floats (``5.0``: write ``5``) and text (``"5"``) are errors.

    Examples
    --------
    >>> check_min_group_size(5)
    5
    >>> check_min_group_size(True)
    Traceback (most recent call last):
    ...
    ldkit.errors.ParameterError: The 'min_group_size' parameter of the engagement must be \
a whole number of at least 1 (e.g. 5). Got True.
    """
    if (isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral)
            or int(value) < 1):
        raise param_error(name, func, "a whole number of at least 1 (e.g. 5)", value)
    return int(value)


def min_group_size_warning(n: int) -> str | None:
    """The warning for a minimum group size below :data:`ADVISED_MINIMUM`, else None.

    Examples
    --------
    >>> min_group_size_warning(5) is None
    True
    >>> min_group_size_warning(2)
    'min_group_size is 2: aggregates of groups of 2 people are shown, ...'
    """
    k = check_min_group_size(n)
    if k >= ADVISED_MINIMUM:
        return None
    who = "every single person's answers" if k == 1 else f"groups of {k} people"
    return (f"min_group_size is {k}: aggregates of {who} are shown, which can identify "
            f"individuals; use {ADVISED_MINIMUM} or more (5 is common)")


@dataclass(frozen=True)
class Disclosure:
    """A disclosure policy: the minimum group size and whether hidden groups' sizes show.

    Attributes
    ----------
    min_group_size : int
        No aggregate of fewer people is shown (default 5).
    show_counts : bool
        Show the size ``n`` of a hidden group (default False; only where the
        client's policy allows).
    """

    min_group_size: int = 5
    show_counts: bool = False

    def __post_init__(self) -> None:
        check_min_group_size(self.min_group_size, func="Disclosure")
        if not isinstance(self.show_counts, bool):
            raise param_error("show_counts", "Disclosure", "True or False", self.show_counts)

    def legend(self, *, complementary: bool = True) -> str:
        """:func:`legend` under this policy."""
        return legend(self.min_group_size, complementary=complementary,
                      counts_hidden=not self.show_counts)


# --------------------------------------------------------------------------- the rule


def _mask(table: pd.DataFrame, total: Any, func: str) -> np.ndarray:
    if total is None:
        return np.zeros(len(table), dtype=bool)
    mask = np.asarray(pd.Series(total).fillna(False), dtype=bool) if not isinstance(
        total, np.ndarray) else total.astype(bool)
    if mask.shape != (len(table),):
        raise param_error("total", func, f"{len(table)} flags, one per row", len(mask))
    return mask


def _counts(table: pd.DataFrame, n: str, func: str) -> np.ndarray:
    if n not in table.columns:
        raise param_error("n", func, f"a column of the table ({', '.join(map(str, table))})", n)
    return pd.to_numeric(table[n], errors="coerce").fillna(0).to_numpy(float)


def _sibling_sets(table: pd.DataFrame, parent: Sequence[Hashable] | None
                  ) -> list[np.ndarray]:
    """Positions of the rows of each parent (None: every row on its own)."""
    if parent is None:
        return [np.array([i]) for i in range(len(table))]
    if len(parent) == 0:
        return [np.arange(len(table))]
    keys = table[list(parent)].astype("string").fillna("\0na")
    codes = keys.groupby(list(parent), sort=False, dropna=False).ngroup().to_numpy()
    return [np.flatnonzero(codes == c) for c in np.unique(codes)]


def _complement(n: np.ndarray, hidden: np.ndarray, protect: np.ndarray,
                is_total: np.ndarray, rows: np.ndarray, k: int) -> list[int]:
    """Rows of one parent to hide besides ``hidden`` so no hidden group is recoverable."""
    groups = [i for i in rows if not is_total[i]]
    totals = [i for i in rows if is_total[i]]
    if not groups:
        return []
    total_n = max((n[i] for i in totals), default=None)
    rest = 0.0 if total_n is None else max(total_n - sum(n[i] for i in groups), 0.0)
    # the people of the parent in no group form one more group, never shown on its own
    small_rest = 0 < rest < k

    def exposed(extra: list[int]) -> bool:
        gone = [i for i in groups if (hidden[i] or i in extra) and n[i] > 0]
        sizes = [n[i] for i in gone] + ([rest] if rest > 0 else [])
        primary = any(protect[i] for i in gone) or small_rest
        return primary and (len(sizes) < 2 or sum(sizes) < k)

    extra: list[int] = []
    while exposed(extra):
        shown = [i for i in groups if not hidden[i] and i not in extra and n[i] > 0]
        if not shown:
            break
        extra.append(min(shown, key=lambda i: (n[i], i)))
    if exposed(extra):  # nothing left to hide among the groups: hide the total
        extra += [i for i in totals if not hidden[i]]
    return extra


def suppress(table: pd.DataFrame, *, min_group_size: int = 5, n: str = "n",
             values: Sequence[str], parent: Sequence[Hashable] | None = None,
             total: Any = None, show_counts: bool = False,
             counts: Sequence[str] = ()) -> pd.DataFrame:
    """Apply the rule (module docstring) to a table of groups; return a marked copy.

    Parameters
    ----------
    table : DataFrame
        One row per group (and total rows, if any). Not modified.
    min_group_size : int
        No aggregate of fewer people is shown.
    n : str
        The column of group sizes (people).
    values : list of str
        The aggregate columns blanked in a hidden row.
    parent : list of str or None
        Columns whose values name the parent of a row: rows with equal
        values are sibling groups of one partition (e.g. ``["capability"]``
        for a role x capability table). ``[]``: all rows are siblings of one
        parent. None (default): the rows are unrelated measures; only primary
        suppression applies.
    total : boolean array-like, optional
        True on the total rows of each parent (flag them by how the table was
        built, never by their label: a group may be named "All").
    show_counts : bool
        Keep ``n`` (and ``counts``) of hidden rows (default False: blank).
    counts : list of str
        Further count columns blanked with ``n`` when counts are hidden.

    Returns
    -------
    DataFrame
        A copy with ``values`` blank (NaN) in hidden rows, the :data:`SUPPRESSED`
        column set ("", "n < k", "complementary"), and ``n`` as a nullable
        integer (blank in hidden rows unless ``show_counts``). A marker column
        already present is combined: a row it marks stays hidden.
    """
    func = "suppress"
    k = check_min_group_size(min_group_size, name="min_group_size", func=func)
    if not isinstance(table, pd.DataFrame):
        raise param_error("table", func, "a DataFrame", type(table).__name__)
    missing = [c for c in [*values, *counts] if c not in table.columns]
    if missing:
        raise param_error("values", func, "columns of the table", missing)
    sizes = _counts(table, n, func)
    is_total = _mask(table, total, func)
    prior = hidden_mask(table).to_numpy()
    primary = sizes < k
    hidden = primary | prior
    status = np.where(primary, primary_reason(k), "").astype(object)
    if SUPPRESSED in table.columns:
        old = table[SUPPRESSED].astype("string").fillna("").to_numpy(object)
        status = np.where(prior & ~primary, old, status)
    for rows in _sibling_sets(table, parent):
        for i in _complement(sizes, hidden, hidden.copy(), is_total, rows, k):
            hidden[i] = True
            status[i] = COMPLEMENTARY
    out = table.copy()
    out[SUPPRESSED] = status
    _blank(out, hidden, values)
    out[n] = pd.to_numeric(out[n], errors="coerce").astype("Int64") if _whole(out[n]) \
        else out[n]
    if not show_counts:
        for c in (n, *counts):
            if pd.api.types.is_integer_dtype(out[c].dtype):
                out[c] = out[c].astype("Int64")
            out.loc[hidden, c] = pd.NA if str(out[c].dtype) == "Int64" else np.nan
    return out


def _blank(out: pd.DataFrame, hidden: np.ndarray, columns: Sequence[str]) -> None:
    """Blank ``columns`` in the hidden rows, in place; integer columns stay integer."""
    if not hidden.any():
        return
    for c in columns:
        if pd.api.types.is_integer_dtype(out[c].dtype):
            out[c] = out[c].astype("Int64")
            out.loc[hidden, c] = pd.NA
        elif pd.api.types.is_bool_dtype(out[c].dtype):
            out[c] = out[c].astype("boolean")
            out.loc[hidden, c] = pd.NA
        else:
            out.loc[hidden, c] = np.nan


def _whole(col: pd.Series) -> bool:
    v = pd.to_numeric(col, errors="coerce").dropna()
    return bool(((v % 1) == 0).all())


def suppress_labelled(table: pd.DataFrame, *, min_group_size: int = 5, n: str = "n",
                      values: Sequence[str], parent: Sequence[Hashable] | None = None,
                      show_counts: bool = False) -> pd.DataFrame:
    """:func:`suppress` for a table whose total rows carry the label :data:`TOTAL` ("All")
    in one of their label columns (a group named "All" must be shown as
    :data:`TOTAL_LOOKALIKE` first: :func:`group_label`).

    Examples
    --------
    >>> t = pd.DataFrame({"cap": ["a"] * 4, "region": ["EU", "US", "JP", "All"],
    ...                   "n": [12, 3, 9, 24], "mean": [1.0, 2.0, 0.5, 1.0]})
    >>> suppress_labelled(t, values=["mean"], parent=["cap"])["suppressed"].tolist()
    ['', 'n < 5', 'complementary', '']
    """
    labels = table.drop(columns=[n, *values], errors="ignore")
    total = labels.apply(lambda col: col.map(lambda v: isinstance(v, str) and v == TOTAL)
                         ).any(axis=1) if len(labels.columns) else None
    return suppress(table, min_group_size=min_group_size, n=n, values=values,
                    parent=list(parent) if parent is not None else None,
                    total=total if parent is not None else None, show_counts=show_counts)


def suppress_cumulative(table: pd.DataFrame, *, min_group_size: int = 5, n: str = "n",
                        values: Sequence[str], series: Sequence[Hashable] = (),
                        order: str, show_counts: bool = False) -> pd.DataFrame:
    """The rule for cumulative snapshots of one growing group (e.g. a rate to date by month).

    Within each ``series`` (e.g. a programme), rows sorted by ``order``: the
    latest snapshot is shown if it has at least ``min_group_size`` people;
    going back, a snapshot is shown only if it has as many people as the last
    one shown (nothing new is revealed) or at least ``min_group_size`` fewer.

    Returns a copy with ``values`` blank where hidden and ``n`` blank there
    unless ``show_counts``; no marker column is added (the tracking tables
    keep their columns).

    Examples
    --------
    Twelve people by month 4 are shown; month 3 (8) would reveal the 4 who
    answered in month 4, month 2 (6) is 6 fewer, shown; month 1 (3) is small:

    >>> t = pd.DataFrame({"month": [1, 2, 3, 4], "n": [3, 6, 8, 12],
    ...                   "rate": [1.0, 0.5, 0.5, 0.5]})
    >>> suppress_cumulative(t, values=["rate"], order="month", show_counts=True)["rate"].tolist()
    [nan, 0.5, nan, 0.5]
    """
    func = "suppress_cumulative"
    k = check_min_group_size(min_group_size, name="min_group_size", func=func)
    sizes = _counts(table, n, func)
    keep = np.zeros(len(table), dtype=bool)
    for rows in _sibling_sets(table, list(series)):
        ranked = sorted(rows, key=lambda i: table[order].iloc[i], reverse=True)
        last: float | None = None
        for i in ranked:
            if sizes[i] < k:
                continue
            if last is None or sizes[i] == last or last - sizes[i] >= k:
                keep[i] = True
                last = sizes[i]
    out = table.copy()
    hidden = ~keep
    _blank(out, hidden, values)
    if not show_counts:
        if pd.api.types.is_integer_dtype(out[n].dtype):
            out[n] = out[n].astype("Int64")
        out.loc[hidden, n] = pd.NA if str(out[n].dtype) == "Int64" else np.nan
    return out


# --------------------------------------------------------------------------- the audit


@dataclass(frozen=True)
class Finding:
    """One disclosure problem of a table: the row (0-based position), column and why."""

    row: int
    column: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"row {self.row + 1}, column '{self.column}': {self.detail}"


def _shown(value: Any) -> bool:
    if value is None or value is pd.NA:
        return False
    if isinstance(value, str):
        text = value.strip()
        return bool(text) and text != MARKER and text != "-"
    try:
        return not math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def _number(value: Any) -> float:
    """A cell as a number: numbers as they are, text as rendered ("1,234", "40%"); else NaN."""
    if value is None or value is pd.NA:
        return math.nan
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace(",", "").replace("\u2009", "").replace(" ", "")
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1], 0.01
    try:
        return float(text) * scale
    except ValueError:
        return math.nan


def _numbers(col: pd.Series) -> bool:
    """A column of aggregates: numbers, or text of numbers (blanks and markers allowed)."""
    if pd.api.types.is_bool_dtype(col.dtype):
        return False
    if pd.api.types.is_numeric_dtype(col.dtype):
        return True
    cells = [v for v in col if _shown(v)]
    return bool(cells) and all(not math.isnan(_number(v)) for v in cells)


def _is_n(name: str) -> bool:
    low = str(name).strip().lower()
    return low == "n" or low.startswith("n_")


def check_table(table: pd.DataFrame, *, min_group_size: int, n: str | None = None,
                values: Sequence[str] | None = None,
                parent: Sequence[Hashable] | str | None = None, total: Any = None
                ) -> list[Finding]:
    """The disclosure problems of a table, located; empty when it may be shown.

    Two rules: ``small group`` (a row of ``0 < n < min_group_size`` with an
    aggregate shown) and ``recoverable`` (a row whose values are hidden but
    can be worked out by subtraction: within a parent, the hidden rows of
    non-zero size are fewer than two or add up to fewer than
    ``min_group_size`` people, the total being shown here or elsewhere).

    Parameters
    ----------
    table : DataFrame
        The table as it will be shown: numbers, or text as rendered ("1,234",
        "40%"); blank or :data:`MARKER` = hidden.
    min_group_size : int
    n : str, optional
        Group-size column (default ``"n"``, else the first ``n_*`` column).
    values : list of str, optional
        Aggregate columns (default: every column of numbers, or of text that
        reads as numbers, except ``n``-like, the marker and design columns such
        as ``required_level`` and ``weight``).
    parent, total
        As in :func:`suppress`. Without ``parent`` only the first rule is
        checked. ``parent="auto"`` reads a rendered table: the other columns are
        labels; a row labelled :data:`TOTAL` or "total" is a total (a group
        named "All" is shown as :data:`TOTAL_LOOKALIKE` and is not); the parents
        are the label columns named capability, domain or item, else there is
        one parent. Where the sizes of hidden rows are blank, the second rule
        is checked on the number of hidden rows and, with a total row, their
        size worked out from it.
    """
    func = "check_table"
    k = check_min_group_size(min_group_size, func=func)
    if n is None:
        names = [c for c in table.columns if _is_n(c)]
        if not names:
            return []
        n = "n" if "n" in table.columns else names[0]
    if values is None:
        values = [c for c in table.columns if c != SUPPRESSED and not _is_n(c)
                  and str(c).lower() not in _EXEMPT and _numbers(table[c])]
    if isinstance(parent, str):
        if parent != "auto":
            raise param_error("parent", func, "a list of columns, None or 'auto'", parent)
        labels = [c for c in table.columns if c not in values and c != n
                  and c != SUPPRESSED and not _is_n(c) and str(c).lower() not in _EXEMPT]
        if total is None:
            total = table[labels].apply(lambda col: col.map(
                lambda v: isinstance(v, str) and v.strip().lower() in ("all", "total")
            )).any(axis=1) if labels else None
        parent = [c for c in labels if str(c).strip().lower() in ("capability", "domain",
                                                                    "item")]
    table = table.assign(**{n: table[n].map(_number)})
    sizes = pd.to_numeric(table[n], errors="coerce").to_numpy(float)
    is_total = _mask(table, total, func)
    frame = table.reset_index(drop=True)
    shown = np.array([[_shown(v) for v in frame[c]] for c in values], dtype=bool).T \
        if len(values) else np.zeros((len(frame), 0), dtype=bool)
    any_shown = shown.any(axis=1) if shown.size else np.zeros(len(frame), dtype=bool)
    found: list[Finding] = []
    for i in range(len(frame)):
        if not math.isnan(sizes[i]) and 0 < sizes[i] < k and any_shown[i]:
            col = values[int(np.flatnonzero(shown[i])[0])]
            found.append(Finding(i, str(col), "small group",
                                 f"{n} = {sizes[i]:g} (fewer than {k}) but {col} shown"))
    if parent is None:
        return found
    for rows in _sibling_sets(frame, parent):
        groups = [i for i in rows if not is_total[i]]
        totals = [i for i in rows if is_total[i]]
        hid = [i for i in groups if not any_shown[i] and sizes[i] != 0]
        if not hid:
            continue
        total_n = max((sizes[i] for i in totals if not math.isnan(sizes[i])), default=math.nan)
        known = [sizes[i] for i in groups if not math.isnan(sizes[i])]
        rest = total_n - sum(known) if not math.isnan(total_n) else math.nan
        hidden_sizes = [sizes[i] for i in hid]
        if any(math.isnan(s) for s in hidden_sizes):
            total_hidden = rest if not math.isnan(rest) else math.nan
            members = len(hid)
        else:
            extra = rest if not math.isnan(rest) and rest > 0 else 0.0
            total_hidden = sum(hidden_sizes) + extra
            members = len(hid) + (1 if extra > 0 else 0)
        total_shown = any(any_shown[i] for i in totals) or not totals
        small = members < 2 or (not math.isnan(total_hidden) and total_hidden < k)
        if small and total_shown:
            i = hid[0]
            found.append(Finding(i, str(values[0]) if len(values) else str(n), "recoverable",
                                 f"hidden, but recoverable by subtraction from the total "
                                 f"and {len(groups) - len(hid)} shown sibling(s)"))
    return found


def is_disclosive(table: pd.DataFrame, *, min_group_size: int, **options: Any) -> bool:
    """True when :func:`check_table` finds a problem (options as there)."""
    return bool(check_table(table, min_group_size=min_group_size, **options))
