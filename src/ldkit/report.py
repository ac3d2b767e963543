"""The needs-analysis deliverable: what the client reads, built from a run's tables.

:func:`build_report` turns the processed tables and figures of an engagement
into a :class:`ldkit.deliverables.Report` (key findings, sections, next
steps); :func:`render_deliverables` writes it as HTML, workbook and deck.
Only aggregate tables enter it, each already under the minimum group size.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.deliverables import Report
    from ldkit.steps import SummaryParams

__all__ = ["build_report", "key_findings", "render_deliverables"]

NEXT_STEPS = (
    "Validate the top priorities with the programme sponsors and line managers.",
    "Design personalized learning plans for the largest gaps, starting with the focus "
    "capabilities of the Locus for Focus.",
    "Agree the evaluation plan (Kirkpatrick levels 1-4) and the business case before launch.",
    "Repeat the survey after the programme to measure progress against this baseline.",
)


# Short headers for client tables; ``n`` and ``suppressed`` keep their names (the audit
# and the "hidden" legend rely on them), shares keep the "share" prefix (percent format).
DISPLAY_COLUMNS = {
    "required_level": "required", "mean_self": "self", "mean_manager": "manager",
    "mean_peer": "peer", "mean_current": "current", "mean_gap": "gap",
    "share_below": "share below", "mean_importance": "importance",
    "mean_competence": "competence", "mwds_ci_low": "mwds low", "mwds_ci_high": "mwds high",
    "mean_diff": "self - manager", "sd_diff": "sd", "exact_agreement": "share exact",
    "within_one": "share within 1", "n_pairs": "n", "item": "capability",
}


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    return pd.read_csv(path) if path.exists() else pd.DataFrame()


def _model(root: Path):
    """The capability model as processed by this run (None if notebook 2 did not run)."""
    model_file = root / "data" / "processed" / "capability-model" / "capability-model.xlsx"
    if not model_file.exists():
        return None
    from ldkit.capability import read_model

    return read_model(model_file)


def _names(model) -> dict[str, str]:
    """Display names of roles and capabilities."""
    if model is None:
        return {}
    return {c.id: c.name for c in model.capabilities} | {r.id: r.name for r in model.roles}


def key_findings(tables: dict[str, pd.DataFrame], names: dict[str, str]) -> list[str]:
    """Plain-language findings from the aggregate tables (shown cells only)."""
    out: list[str] = []
    counts = tables.get("counts", pd.DataFrame())
    if not counts.empty:
        read = counts.loc[counts["count"] == "rows read", "n"].sum()
        kept = counts.loc[counts["count"] == "rows kept", "n"].sum()
        out.append(f"{kept:,} survey responses (self-assessments and manager ratings) "
                   f"analysed out of {read:,} received; every excluded row is accounted for.")
    gaps = tables.get("gaps", pd.DataFrame())
    if not gaps.empty and gaps["priority"].notna().any():
        top = gaps.dropna(subset=["priority"]).sort_values("priority", ascending=False).head(3)
        items = [f"{names.get(r.capability, r.capability)} for {names.get(r.role, r.role)} "
                 f"(gap {r.mean_gap:.1f} levels, {r.share_below:.0%} below requirement)"
                 for r in top.itertuples()]
        out.append("Largest weighted gaps: " + "; ".join(items) + ".")
    borich = tables.get("borich", pd.DataFrame())
    if not borich.empty and "focus" in borich:
        focus = borich[borich["focus"].astype(bool)]["item"].tolist()
        if focus:
            out.append("Borich focus (high importance, high discrepancy): "
                       + ", ".join(names.get(i, i) for i in focus[:5]) + ".")
    svm = tables.get("self_vs_manager", pd.DataFrame())
    if not svm.empty and svm["mean_diff"].notna().any():
        mean_diff = svm["mean_diff"].mean()
        widest = svm.loc[svm["mean_diff"].idxmax()]
        out.append(f"Employees rate themselves {mean_diff:+.2f} levels against their managers "
                   f"on average; widest on {names.get(widest.capability, widest.capability)} "
                   f"({widest.mean_diff:+.2f}).")
    return out


# Later phases add their own findings and sections to the engagement report. Each entry
# names a function ``(root: Path, names: Mapping[str, str]) -> (findings, sections)`` that
# reads the phase's processed outputs and returns ([], []) when the phase did not run.
PHASE_SECTIONS = (
    "ldkit.plans.report:plan_sections",
    "ldkit.roi.report:roi_sections",
    "ldkit.strategy.report:strategy_sections",
)


def phase_sections(root: Path, names: dict[str, str]) -> tuple[list[str], list]:
    """Findings and sections of every later phase that produced outputs, in phase order."""
    import importlib
    import importlib.util

    findings: list[str] = []
    sections: list = []
    for entry in PHASE_SECTIONS:
        module, _, func = entry.partition(":")
        try:
            found = importlib.util.find_spec(module)
        except ModuleNotFoundError:  # its package is not there yet
            found = None
        if found is None:
            continue
        build = getattr(importlib.import_module(module), func)
        more_findings, more_sections = build(root, names)
        findings += list(more_findings)
        sections += list(more_sections)
    return findings, sections


def _quality_view(quality: pd.DataFrame) -> pd.DataFrame:
    """Flags and reliability only (the row counts have their own table)."""
    if quality.empty or "section" not in quality:
        return quality
    return quality[quality["section"] != "rows"].reset_index(drop=True)


def build_report(p: SummaryParams) -> Report:
    """The report of an engagement's needs analysis, from its processed tables and figures."""
    from ldkit.deliverables import Figure, Report, Section, Table

    root = Path(p.engagement_dir).resolve()
    folder = root / "data" / "processed" / "needs"
    figures = root / "data" / "processed" / "figures"
    model = _model(root)
    names = _names(model)
    tables = {n: _read(folder, n) for n in ("counts", "quality", "gaps", "borich",
                                            "self_vs_manager", "unmatched_roles")}
    segments = {f.stem.removeprefix("segment_"): pd.read_csv(f)
                for f in sorted(folder.glob("segment_*.csv"))}

    def fig(name: str, title: str, caption: str = "") -> tuple:
        path = figures / f"{name}.png"
        return (Figure(title, path.read_bytes(), caption),) if path.exists() else ()

    def tab(title: str, df: pd.DataFrame) -> tuple:
        """A one-table tuple, or () when the phase that writes the table did not run."""
        return (Table(title, df),) if len(df.columns) and not df.empty else ()

    def named(df: pd.DataFrame) -> pd.DataFrame:
        """Display names for ids, short readable headers, a plain 0..n-1 index."""
        out = df.reset_index(drop=True)
        for col in ("role", "capability", "item"):
            if col in out:
                out[col] = out[col].map(lambda v: names.get(v, v))
        if "suppressed" in out:  # blank where shown (a CSV round trip made it NaN)
            out["suppressed"] = out["suppressed"].fillna("").astype(str)
        return out.rename(columns=DISPLAY_COLUMNS)

    gaps = tables["gaps"]
    top = (gaps.dropna(subset=["priority"]).sort_values("priority", ascending=False).head(15)
           if not gaps.empty else gaps)
    gap_cols = [c for c in ("role", "capability", "n", "required_level", "mean_self",
                            "mean_manager", "mean_gap", "share_below", "priority", "suppressed")
                if c in gaps]
    sections = [
        Section("Data and method", (
            "Self-assessment and manager surveys were read as exported; every row received is "
            "accounted for below. Names and e-mail addresses were replaced by keyed "
            "pseudonyms on load and appear nowhere in this report.",
            f"No figure is shown for a group of fewer than {p.min_group_size} people; where "
            "one cell is hidden, a second is hidden so it cannot be recovered from the total.",
        ), tab("Rows received, kept and excluded", tables["counts"])
            + tab("Data quality: flags and scale reliability", _quality_view(tables["quality"]))),
        Section("Gaps to requirement", (
            "Gap = required level - current level (mean of self and manager ratings). "
            "Priority = mean gap x importance weight of the capability for the role.",
        ), tab("Top priorities by role and capability", named(top[gap_cols])),
            fig("gap-heatmap", "Gap to requirement by role and capability")),
        Section("Priorities (Borich)", (
            "Borich's mean weighted discrepancy score: mean importance x (mean importance - "
            "mean competence), over respondents who rated both.",
        ), tab("Borich priorities", named(tables["borich"])),
            fig("locus-for-focus", "Locus for Focus",
                "Upper right: high importance and high discrepancy, the focus.")),
        Section("Self against manager", (), tab("Self against manager",
                                                named(tables["self_vs_manager"])),
                fig("self-vs-manager", "Self against manager ratings")),
        Section("Segments", (), tuple(Table(f"Gaps by {k.replace('_', ' ')}", named(v))
                                      for k, v in segments.items())),
        Section("Capability model", (
            "Required proficiency level of each role (rows) for each capability (columns); "
            "blank where the role does not require the capability.",
        ), ((Table("Capability model: required levels",
                   model.matrix(labels=True).reset_index().rename(columns={"role": "Role"})),)
            if model is not None else ()),
            fig("required-levels", "Required proficiency by role")),
    ]
    later_findings, later_sections = phase_sections(root, names)
    sections += later_sections
    return Report(
        client=p.client,
        title="Learning needs analysis",
        subtitle="Capability gaps and priorities",
        date=date.today().isoformat(),
        key_findings=tuple(key_findings(tables, names) + later_findings),
        sections=tuple(s for s in sections if s.tables or s.figures or s.paragraphs),
        next_steps=NEXT_STEPS,
        min_group_size=p.min_group_size,
    )


def render_deliverables(report: Report, folder: Path, *, kinds: list[str] | tuple[str, ...],
                        stem: str) -> dict[str, Path]:
    """Write the report in each kind (html, xlsx, pptx) under ``folder``, atomically."""
    from ldkit.deliverables import render_deck, render_html, render_workbook

    renderers = {"html": render_html, "xlsx": render_workbook, "pptx": render_deck}
    folder.mkdir(parents=True, exist_ok=True)
    return {kind: renderers[kind](report, folder / f"{stem}.{kind}") for kind in kinds}
