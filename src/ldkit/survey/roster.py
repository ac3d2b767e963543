"""The HR roster: who was invited, with the attributes HR holds (role, region, manager...).

The roster is joined to a survey export by e-mail or employee id *before*
pseudonymization (see :func:`ldkit.survey.read_survey`); people on the roster
who did not answer give the response rate (:func:`response_rates`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ldkit.errors import InputError, Location, Problem, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.codebook import RosterSpec
    from ldkit.survey.reader import SurveyData

__all__ = ["read_roster", "response_rates"]


def read_roster(spec: RosterSpec, *, codebook_file: str | None = None) -> pd.DataFrame:
    """The roster as text: ``key`` (trimmed, case-folded), ``source_row``, one column per attribute.

    Raises
    ------
    InputError
        A missing column, a blank or repeated key; each with file, row and column.
    """
    from ldkit.survey.layouts import read_rows

    path = spec.path(codebook_file)
    all_rows, _, sheet = read_rows(path)
    numbered = [(i + 1, r) for i, r in enumerate(all_rows) if any(str(c).strip() for c in r)]
    rows = [r for _, r in numbered]
    if not rows:
        raise InputError("is empty (no header row)", location=Location(file=str(path), row=1),
                         hint="the roster needs a header row and one row per person")
    header = [str(c).strip() for c in rows[0]]
    lower = {h.casefold(): i for i, h in enumerate(header) if h}
    problems: list[Problem] = []
    wanted = {"key": spec.key, **dict(spec.attributes)}
    index: dict[str, int] = {}
    for name, column in wanted.items():
        if column.casefold() in lower:
            index[name] = lower[column.casefold()]
        else:
            what = "key" if name == "key" else f"attribute '{name}'"
            problems.append(Problem(
                f"roster {what} column '{column}' is not in the roster",
                Location(file=str(path), sheet=sheet, row=1, column=column),
                f"the roster has columns {', '.join(repr(h) for h in header[:8] if h)}"))
    if problems:
        raise ValidationError(problems, what=f"roster {path}")
    width = len(header)
    body = [list(r) + [""] * (width - len(r)) for r in rows[1:]]
    table = pd.DataFrame({name: [str(r[i]).strip() for r in body] for name, i in index.items()})
    table["key"] = table["key"].str.casefold()
    table["source_row"] = [n for n, _ in numbered[1:]]  # record number (the Excel row)
    blank = table["key"] == ""
    for row in table.loc[blank, "source_row"]:
        problems.append(Problem(f"row has no '{spec.key}'",
                                Location(file=str(path), sheet=sheet, row=int(row),
                                         column=spec.key),
                                "fill it in or remove the row"))
    dup = table["key"].duplicated(keep=False) & ~blank
    for _key, group in table[dup].groupby("key", sort=False):
        rows_ = ", ".join(str(r) for r in group["source_row"])
        problems.append(Problem(f"'{spec.key}' is repeated (rows {rows_})",
                                Location(file=str(path), sheet=sheet,
                                         row=int(group["source_row"].iloc[1]), column=spec.key),
                                "one row per person"))
    if problems:
        raise ValidationError(problems, what=f"roster {path}")
    return table.reset_index(drop=True)


def response_rates(data: SurveyData, *, by: str | list[str] | tuple[str, ...] = "role",
                   min_group_size: int = 5) -> pd.DataFrame:
    """Invited (on the roster), responded (a kept response) and the rate, by group.

    One row per group of ``by`` (roster attributes), then an ``All`` row. A group
    with fewer than ``min_group_size`` invited people shows its headcount only:
    ``responded`` and ``rate`` are hidden (NA) and ``suppressed`` is True.

    Raises
    ------
    ParameterError
        The survey was read without a roster, or ``by`` names no roster attribute.
    """
    from ldkit._params import check_number
    from ldkit.errors import ParameterError

    check_number("min_group_size", min_group_size, func="response_rates", low=1)
    if data.roster is None:
        raise ParameterError("The 'data' parameter of response_rates must be read with a "
                             "codebook 'roster:'. Got a survey without a roster.")
    keys = [by] if isinstance(by, str) else list(by)
    missing = [k for k in keys if k not in data.roster.columns]
    if missing:
        raise ParameterError(f"The 'by' parameter of response_rates must name roster "
                             f"attributes ({', '.join(data.roster.columns)}). Got {missing}.")
    roster = data.roster.assign(**{k: data.roster[k].fillna("(blank)") for k in keys})
    grouped = roster.groupby(keys, sort=True, dropna=False)["responded"].agg(
        invited="size", responded="sum").reset_index()
    total = pd.DataFrame({**{k: ["All"] for k in keys}, "invited": [len(roster)],
                          "responded": [int(roster["responded"].sum())]})
    table = pd.concat([grouped, total], ignore_index=True)
    table["invited"] = table["invited"].astype("int64")
    table["responded"] = table["responded"].astype("Int64")
    table["rate"] = (table["responded"].astype("float64") / table["invited"]).astype("Float64")
    return _suppress_small_groups(table, min_group_size)


def _suppress_small_groups(table: pd.DataFrame, min_group_size: int) -> pd.DataFrame:
    """The minimum-group-size rule for response rates (the one call to swap for the
    shared disclosure rule): a group under the size shows its headcount only."""
    small = table["invited"].to_numpy() < min_group_size
    out = table.copy()
    out.loc[small, "responded"] = pd.NA
    out.loc[small, "rate"] = pd.NA
    out["suppressed"] = np.asarray(small, dtype=bool)
    return out
