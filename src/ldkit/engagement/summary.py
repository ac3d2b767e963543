"""The engagement's report, workbook and deck, assembled from the phase registry.

:func:`build_report` asks every phase of :data:`ldkit.engagement.phases.PHASES`
that has a report function for its findings and sections (a phase that has not
run returns none), in phase order; :func:`render_deliverables` writes the report
as HTML, workbook and deck. Only aggregate tables enter it, each already under
the minimum group size.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from ldkit.engagement.outputs import phase_step
from ldkit.engagement.params import PhaseParams, known_kinds

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.deliverables import Report

__all__ = ["SummaryParams", "build_report", "executive_summary_step", "next_steps",
           "phase_sections", "render_deliverables"]


class SummaryParams(PhaseParams):
    """Parameters of ``9-executive-summary``."""

    run_dir: str = ""
    deliverables: list[str] = Field(default_factory=lambda: ["html", "xlsx", "pptx"])
    currency: str = "EUR"

    @field_validator("deliverables")
    @classmethod
    def _kinds(cls, value: list[str]) -> list[str]:
        from ldkit.engagement.config import DELIVERABLE_KINDS

        return known_kinds(value, DELIVERABLE_KINDS, "deliverable")


def _names(model: Any) -> dict[str, str]:
    """Display names of roles and capabilities."""
    if model is None:
        return {}
    return {c.id: c.name for c in model.capabilities} | {r.id: r.name for r in model.roles}


def phase_output(root: Path, names: dict[str, str]) -> list[tuple[str, list[str], list]]:
    """(phase name, findings, sections) of every phase with a report function, in order."""
    from ldkit.engagement.phases import PHASES

    out = []
    for phase in PHASES:
        build = phase.load("report")
        if build is None:
            continue
        findings, sections = build(root, names)
        out.append((phase.name, list(findings), list(sections)))
    return out


def phase_sections(root: Path, names: dict[str, str]) -> tuple[list[str], list]:
    """Findings and sections of every phase that produced outputs, in phase order."""
    findings: list[str] = []
    sections: list = []
    for _, more_findings, more_sections in phase_output(root, names):
        findings += more_findings
        sections += more_sections
    return findings, sections


def next_steps(root: Path) -> tuple[str, ...]:
    """Next steps that follow from the phases that ran (never one already done)."""
    from ldkit.engagement.params import processed_dir
    from ldkit.engagement.phases import PHASES

    done = {p.name for p in PHASES
            if processed_dir(root, p.name).is_dir() and any(processed_dir(root, p.name).iterdir())}
    steps = ["Validate the top priorities with the programme sponsors and line managers."]
    if "plans" in done:
        steps.append("Share each learner's plan with the learner and their manager, and "
                     "load the assignments into the LMS.")
    else:
        steps.append("Design personalized learning plans for the largest gaps, starting with "
                     "the focus capabilities of the Locus for Focus.")
    if "roi" not in done:
        steps.append("Agree the evaluation plan (Kirkpatrick levels 1-4) and the business case "
                     "before launch.")
    if "strategy" in done:
        steps.append("Act on the programmes rated amber or red in the monthly review.")
    if "progress" not in done:
        steps.append("Repeat the survey after the programme to measure progress against this "
                     "baseline.")
    return tuple(steps)


def build_report(p: SummaryParams) -> Report:
    """The engagement readout (:mod:`ldkit.engagement.story`) from every phase's outputs."""
    import dataclasses

    from ldkit.capability.step import processed_model
    from ldkit.deliverables import Branding, Report
    from ldkit.engagement.config import load_engagement
    from ldkit.engagement.story import storyline

    root = p.root
    config = load_engagement(root)
    names = _names(processed_model(root))
    story = storyline(root, phase_output(root, names), names, config)
    appendix = [dataclasses.replace(s, appendix=True) for s in story.appendix]
    sections = [s for s in story.main + appendix if s.tables or s.figures or s.paragraphs]
    from ldkit.engagement.config import resolve_input

    brand = config.branding
    logo = resolve_input(root, brand.logo) if brand.logo else None
    template = resolve_input(root, brand.pptx_template) if brand.pptx_template else None
    return Report(
        client=p.client,
        title=story.title,
        subtitle=story.subtitle,
        date=date.today().isoformat(),
        key_findings=tuple(story.takeaways),
        decisions=tuple(story.decisions),
        sections=tuple(sections),
        next_steps=tuple(story.next_steps) or next_steps(root),
        min_group_size=p.min_group_size,
        branding=Branding(firm=brand.firm, logo=logo, colors=tuple(brand.colors),
                          pptx_template=template, footer=brand.footer, status=brand.status),
        locale=config.locale,
        currency=config.currency,
        as_of=story.as_of,
        labels=_labels(root, names),
    )


def _labels(root: Path, names: dict[str, str]) -> dict[str, str]:
    """Display names of the ids a reader may meet in tables: roles, capabilities,
    programmes, goals and catalog activities (from the phases' own tables)."""
    import pandas as pd

    from ldkit.engagement.params import processed_dir

    out = dict(names)
    folder = processed_dir(root, "strategy")
    for name, key in (("portfolio", "program"), ("register", "goal")):
        path = folder / f"{name}.csv"
        if path.exists():
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
            if {key, "title"} <= set(table.columns):
                out.update(zip(table[key], table["title"], strict=False))
    items = processed_dir(root, "plans") / "items.csv"
    if items.exists():
        table = pd.read_csv(items, dtype=str, keep_default_na=False,
                            usecols=lambda c: c in ("activity", "title"))
        if {"activity", "title"} <= set(table.columns):
            out.update(zip(table["activity"], table["title"], strict=False))
    return {k: v for k, v in out.items() if k and v}


def render_deliverables(report: Report, folder: Path, *, kinds: list[str] | tuple[str, ...],
                        stem: str) -> dict[str, Path]:
    """Write the report in each kind (html, xlsx, pptx) under ``folder``, atomically."""
    from ldkit.deliverables import render_deck, render_html, render_workbook

    renderers = {"html": render_html, "xlsx": render_workbook, "pptx": render_deck}
    folder.mkdir(parents=True, exist_ok=True)
    return {kind: renderers[kind](report, folder / f"{stem}.{kind}") for kind in kinds}


@phase_step("summary")
def executive_summary_step(p: SummaryParams) -> dict[str, Path]:
    """Build the deliverables (HTML report, workbook, deck) of every phase that ran."""
    report = build_report(p)
    return render_deliverables(report, p.deliverables_dir, kinds=p.deliverables,
                               stem=f"{p.root.name}-needs-analysis")
