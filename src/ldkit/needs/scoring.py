"""One call from read surveys to every needs-analysis table: :func:`score_needs`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ldkit._params import check_number

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel, ScaleMapping
    from ldkit.survey import SurveyData

__all__ = ["NeedsResult", "score_needs", "write_needs_tables"]


@dataclass(frozen=True)
class NeedsResult:
    """Every table of a needs analysis.

    Aggregate tables (``gaps``, ``self_vs_manager``, ``borich``, ``segments``)
    apply the minimum group size; ``person_gaps`` is per person (pseudonymous
    ids only) and is the input to learning plans, not a client deliverable.
    """

    person_gaps: pd.DataFrame
    gaps: pd.DataFrame
    self_vs_manager: pd.DataFrame
    borich: pd.DataFrame
    segments: Mapping[str, pd.DataFrame]
    counts: pd.DataFrame
    quality: pd.DataFrame
    unmatched_roles: pd.DataFrame
    min_n: int
    people: pd.DataFrame = field(repr=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Name -> table, in reading order (what the writers write).

        Without a single manager rating (no manager survey) there is no
        ``self_vs_manager`` table: nothing mentions manager ratings.
        """
        out = {"counts": self.counts, "quality": self.quality, "gaps": self.gaps}
        if "manager" in self.person_gaps and self.person_gaps["manager"].notna().any():
            out["self_vs_manager"] = self.self_vs_manager
        out["borich"] = self.borich
        out.update({f"segment_{k}": v for k, v in self.segments.items()})
        out["unmatched_roles"] = self.unmatched_roles
        return out


def _counts(surveys: Sequence[SurveyData]) -> pd.DataFrame:
    parts = []
    for s in surveys:
        c = s.counts()
        c.insert(0, "file", Path(s.file).name)
        c.insert(1, "layout", s.source)
        parts.append(c)
    return pd.concat(parts, ignore_index=True)


def _self_scale_range(surveys: Sequence[SurveyData], dimension: str) -> tuple[float, float]:
    ranges = {s.codebook.scale_range(i.scale) for s in surveys for i in s.codebook.items
              if i.rater == "self" and i.dimension == dimension}
    return (min(r[0] for r in ranges), max(r[1] for r in ranges)) if ranges else (0.0, 0.0)


def _borich(surveys: Sequence[SurveyData], ratings: pd.DataFrame, *, min_n: int,
            show_counts: bool = False) -> pd.DataFrame:
    """Borich on self-rated importance and proficiency, per capability.

    Borich needs both on one scale: where the proficiency scale differs from the
    importance scale (a 4-level proficiency, a 5-point importance), proficiency is
    mapped linearly onto the importance scale first. The minimum group size
    applies per item (:func:`ldkit.needs.borich.suppress_borich`).
    """
    from ldkit.capability import ScaleMapping
    from ldkit.needs.borich import BORICH_COLUMNS, borich, suppress_borich

    own = ratings[ratings["rater"] == "self"]

    def wide(dimension: str) -> pd.DataFrame:
        sub = own[own["dimension"] == dimension]
        return sub.pivot_table(index="person_id", columns="capability", values="value",
                               aggfunc="mean", observed=True)

    importance, competence = wide("importance"), wide("proficiency")
    common = importance.columns.intersection(competence.columns)
    people = importance.index.intersection(competence.index)
    if len(common) == 0 or len(people) == 0:
        return pd.DataFrame(columns=BORICH_COLUMNS)
    imp_range = _self_scale_range(surveys, "importance")
    prof_range = _self_scale_range(surveys, "proficiency")
    competence = competence.loc[people, common]
    if imp_range != prof_range:
        mapping = ScaleMapping.linear(prof_range, imp_range)
        competence = competence.apply(mapping.convert)
    return suppress_borich(borich(importance.loc[people, common], competence),
                           min_group_size=min_n, show_counts=show_counts)


def score_needs(
    surveys: SurveyData | Sequence[SurveyData],
    model: CapabilityModel,
    *,
    min_n: int = 5,
    show_counts: bool = False,
    segment_by: Sequence[str] | None = None,
    rater_weights: Mapping[str, float] | None = None,
    scale_map: ScaleMapping | None = None,
) -> NeedsResult:
    """Score a needs analysis: gaps, self vs manager, Borich, segments, data quality.

    Parameters
    ----------
    surveys : SurveyData or list of SurveyData
        E.g. ``[self_survey, manager_survey]``; people are joined by their
        pseudonymous person id; attributes come from the first survey that has
        the person.
    model : CapabilityModel
        Required levels and weights per role.
    min_n : int
        Minimum group size of every aggregate (default 5), under the one rule of
        :mod:`ldkit.disclosure`.
    show_counts : bool
        Show the size of a hidden group (default False; only where the client's
        policy allows).
    segment_by : list of str, optional
        Respondent attributes to segment by (default: every attribute except role).
    rater_weights, scale_map
        See :func:`ldkit.needs.person_gaps`.
    """
    from ldkit.needs.agreement import self_vs_manager
    from ldkit.needs.gaps import combine_surveys, gap_table, person_gaps, unmatched_roles
    from ldkit.needs.segments import segment_table
    from ldkit.survey.quality import quality_report

    check_number("min_n", min_n, func="score_needs", low=1, integer=True)
    listed = [surveys] if not isinstance(surveys, Sequence) else list(surveys)
    ratings, people = combine_surveys(*listed)
    pg = person_gaps(ratings, people, model, rater_weights=rater_weights, scale_map=scale_map)
    attrs = [c for c in people.columns if c not in ("person_id", "role")]
    by = list(segment_by) if segment_by is not None else attrs
    quality = pd.concat([quality_report(s).assign(file=Path(s.file).name) for s in listed],
                        ignore_index=True)
    return NeedsResult(
        person_gaps=pg,
        gaps=gap_table(pg, min_n=min_n, show_counts=show_counts),
        self_vs_manager=self_vs_manager(pg, min_n=min_n, show_counts=show_counts),
        borich=_borich(listed, ratings, min_n=min_n, show_counts=show_counts),
        segments={k: segment_table(pg, people, k, min_n=min_n, show_counts=show_counts)
                  for k in by},
        counts=_counts(listed),
        quality=quality,
        unmatched_roles=unmatched_roles(people, model),
        min_n=min_n,
        people=people,
    )


def write_needs_tables(result: NeedsResult, folder: str | Path) -> list[Path]:
    """Write every aggregate table as CSV, ``person_gaps.csv``, and ``needs-analysis.xlsx``.

    The workbook holds the aggregate tables only (one sheet each, frozen header,
    readable widths); the per-person table stays a CSV for the learning plans.
    """
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ldkit.io import atomic_path, atomic_write_csv
    from ldkit.xlsx import keep_text

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    tables = result.tables()
    for name, table in {**tables, "person_gaps": result.person_gaps}.items():
        written.append(atomic_write_csv(table, out / f"{name}.csv"))  # no formula text
    target = out / "needs-analysis.xlsx"
    with atomic_path(target) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, table in tables.items():
                sheet = name[:31]
                table.to_excel(xl, sheet_name=sheet, index=False)
                ws = keep_text(xl.sheets[sheet])  # text from inputs never a formula
                ws.freeze_panes = "A2"
                for i, col in enumerate(table.columns, start=1):
                    cell = ws.cell(row=1, column=i)
                    cell.font = Font(bold=True, color="FFFFFF")
                    cell.fill = PatternFill("solid", fgColor="1F4E5F")
                    width = max([len(str(col))] + [len(str(v)) for v in table[col].head(200)])
                    ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
        written.append(target)
    return written
