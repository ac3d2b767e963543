"""The work of the ``1-needs-analysis`` engagement notebook.

Reads the self-assessment survey (and the manager survey when given), scores
them against the capability model, and writes under ``data/processed/needs``
the aggregate tables (gaps, Borich, self against manager, segments, counts,
quality), the pseudonymous per-person tables the plans read (``person_gaps.csv``,
``people.csv``; never a deliverable) and the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from ldkit.engagement.outputs import phase_step
from ldkit.engagement.params import PhaseParams, save_figure
from ldkit.errors import Location, Problem

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel
    from ldkit.needs import NeedsResult

__all__ = ["NeedsAnalysisParams", "NeedsStepResult", "needs_analysis_step"]


class NeedsAnalysisParams(PhaseParams):
    """Parameters of ``1-needs-analysis``."""

    capability_model: str
    self_survey: str
    self_codebook: str
    manager_survey: str = ""
    manager_codebook: str = ""
    segment_by: list[str] = Field(default_factory=lambda: ["region"])

    def input_problems(self, config_file: str, lines: dict[str, int | None]) -> list[Problem]:
        """Checks that need the inputs: every ``segment_by`` attribute is one the
        self-survey codebook declares (a typo would silently give no segments)."""
        from ldkit.codebook import read_codebook

        if not self.segment_by:
            return []
        try:
            codebook = read_codebook(self.path(self.self_codebook))
        except Exception:  # the codebook's own problems are reported when it is read
            return []
        declared = sorted(codebook.respondent.attributes)
        problems = []
        for attr in self.segment_by:
            if attr not in declared:
                import difflib

                close = difflib.get_close_matches(attr, declared, n=1)
                hint = (f"did you mean '{close[0]}'? " if close else "") + (
                    f"the codebook {self.self_codebook} declares: {', '.join(declared)}"
                    if declared else f"the codebook {self.self_codebook} declares no attributes")
                problems.append(Problem(
                    f"'notebooks.1-needs-analysis.segment_by': '{attr}' is not a respondent "
                    "attribute of the self survey",
                    Location(file=config_file, field="notebooks.1-needs-analysis.segment_by",
                             line=lines.get("segment_by")), hint))
        return problems


@dataclass(frozen=True)
class NeedsStepResult:
    """What the needs-analysis step produced."""

    result: NeedsResult
    model: CapabilityModel
    tables: dict[str, Path]
    figures: dict[str, Path]

    @property
    def has_manager(self) -> bool:
        return bool(len(self.result.self_vs_manager))

    def records(self) -> dict[str, Any]:
        """The key results the notebook records (``ldkit results``).

        ``mean_self_minus_manager`` is pooled over person x capability pairs with both
        ratings (not a mean of capability means); None without a manager survey.
        """
        r = self.result
        kept = int(r.counts.loc[r.counts["count"] == "rows kept", "n"].sum())
        read = int(r.counts.loc[r.counts["count"] == "rows read", "n"].sum())
        top = r.gaps.dropna(subset=["priority"]).sort_values("priority", ascending=False)
        from ldkit.needs import mean_self_minus_manager

        diff = mean_self_minus_manager(r.person_gaps, min_n=r.min_n)
        return {
            "rows_read": read,
            "rows_kept": kept,
            "top_priority": f"{top.iloc[0].role}/{top.iloc[0].capability}" if len(top) else "",
            "top_priority_gap": round(float(top.iloc[0].mean_gap), 4) if len(top) else None,
            "borich_top_item": str(r.borich.iloc[0]["item"]) if len(r.borich) else "",
            "mean_self_minus_manager": None if diff != diff else round(diff, 4),
            "top_priorities": top.head(5)[["role", "capability", "n", "mean_gap",
                                           "priority"]].round(4),
        }


@phase_step("needs")
def needs_analysis_step(p: NeedsAnalysisParams) -> NeedsStepResult:
    """Read the surveys, score them, write tables and figures (see the module docstring)."""
    from ldkit.capability import read_model
    from ldkit.io import atomic_write_csv
    from ldkit.needs import plots, score_needs, write_needs_tables
    from ldkit.survey import read_survey
    from ldkit.survey.pseudonym import find_secret

    model = read_model(p.path(p.capability_model))
    secret = find_secret(near=p.root)
    surveys = [read_survey(p.path(p.self_survey), p.path(p.self_codebook), secret=secret,
                           model=model)]
    if p.manager_survey:
        surveys.append(read_survey(p.path(p.manager_survey), p.path(p.manager_codebook),
                                   secret=secret, model=model))
    attrs = [a for a in p.segment_by if a in surveys[0].respondents.columns]
    result = score_needs(surveys, model, min_n=p.min_group_size, segment_by=attrs)
    out = p.out
    tables = {f.stem: f for f in write_needs_tables(result, out)}
    # the respondents' attributes (pseudonymous), for the plans' documents; never a deliverable
    tables["people"] = atomic_write_csv(result.people, out / "people.csv")
    names = {c.id: c.name for c in model.capabilities} | {r.id: r.name for r in model.roles}
    figs: dict[str, Any] = {
        "gap-heatmap": plots.plot_gap_heatmap(result.gaps, names=names),
        "locus-for-focus": plots.plot_locus_for_focus(result.borich, names=names),
    }
    if p.manager_survey and len(result.self_vs_manager):
        figs["self-vs-manager"] = plots.plot_self_vs_manager(result.self_vs_manager, names=names)
    figures = {k: save_figure(f, p.figures / f"{k}.png") for k, f in figs.items()}
    return NeedsStepResult(result, model, tables, figures)
