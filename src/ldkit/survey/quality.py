"""Data quality of a survey read: counts, straight-lining, speeding, scale reliability.

Flags are reported, not exclusions: the consultant decides what to drop, and
every drop stays accounted for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.survey.reader import SurveyData

__all__ = ["MIN_STRAIGHTLINE_ITEMS", "quality_flags", "quality_report"]

MIN_STRAIGHTLINE_ITEMS = 5


def quality_flags(data: SurveyData, *, min_duration_seconds: float | None = None
                  ) -> pd.DataFrame:
    """One row per kept respondent: items_answered, straight_lining, duration, speeding.

    Straight-lining: the same answer on every proficiency item, with at least
    five answered. Speeding: a duration under ``min_duration_seconds`` (default:
    the codebook's ``options.min_duration_seconds``, else a third of the median
    duration).
    """
    r = data.responses
    prof = r[r["dimension"] == "proficiency"]
    stats = prof.groupby("respondent_id", observed=True)["value"].agg(["count", "nunique"])
    answered = r.groupby("respondent_id", observed=True)["value"].count()
    people = data.respondents[["respondent_id", "duration_seconds"]].copy()
    people["respondent_id"] = people["respondent_id"].astype("string")
    ids = people["respondent_id"].astype(object)
    people["items_answered"] = ids.map(answered.rename(index=str)).fillna(0).astype(int)
    n_prof = ids.map(stats["count"].rename(index=str)).fillna(0)
    distinct = ids.map(stats["nunique"].rename(index=str)).fillna(0)
    people["straight_lining"] = (n_prof >= MIN_STRAIGHTLINE_ITEMS) & (distinct == 1)
    limit = min_duration_seconds if min_duration_seconds is not None else (
        data.codebook.min_duration_seconds)
    duration = people["duration_seconds"]
    if limit is None and duration.notna().any():
        limit = float(duration.median()) / 3
    people["speeding"] = (duration < limit) if limit is not None else False
    people["speeding"] = people["speeding"].fillna(False).astype(bool)
    return people[["respondent_id", "items_answered", "straight_lining", "duration_seconds",
                   "speeding"]]


def quality_report(data: SurveyData, *, min_duration_seconds: float | None = None
                   ) -> pd.DataFrame:
    """The data-quality report as one tidy table: section, measure, value, detail."""
    from ldkit.needs.reliability import cronbach_alpha

    rows: list[tuple[str, str, float, str]] = []
    for measure, n in data.counts().itertuples(index=False):
        rows.append(("rows", measure, float(n), ""))
    kept = max(data.rows_kept, 1)
    flags = quality_flags(data, min_duration_seconds=min_duration_seconds)
    for flag, what in (("straight_lining", "same answer on every proficiency item"),
                       ("speeding", "faster than the minimum duration")):
        n = int(flags[flag].sum())
        rows.append(("flags", flag, float(n), f"{n / kept:.1%} of kept responses; {what}"))
    for (dimension, rater), sub in data.responses.groupby(["dimension", "rater"],
                                                          observed=True):
        wide = sub.pivot_table(index="respondent_id", columns="item", values="value",
                               aggfunc="first", observed=True)
        label = f"{dimension} ({rater})"
        if wide.shape[1] < 2 or wide.shape[0] < 3:
            rows.append(("reliability", f"alpha {label}", np.nan,
                         "needs at least 2 items and 3 respondents"))
            continue
        try:
            res = cronbach_alpha(wide)
        except ValueError as exc:
            rows.append(("reliability", f"alpha {label}", np.nan, str(exc)))
            continue
        rows.append(("reliability", f"alpha {label}", float(res.alpha),
                     f"95% CI [{res.ci_low:.2f}, {res.ci_high:.2f}], k = {res.k}, n = {res.n}"))
    return pd.DataFrame(rows, columns=["section", "measure", "value", "detail"])
