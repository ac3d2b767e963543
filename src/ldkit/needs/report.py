"""The needs-analysis part of the engagement report, and its run-health warnings.

Built from what :func:`ldkit.needs.step.needs_analysis_step` wrote under
``data/processed/needs``. Only aggregate tables enter it, each already under the
minimum group size. Without a manager survey, no text, table or figure mentions
manager ratings.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

__all__ = ["DISPLAY_COLUMNS", "TABLES", "has_manager", "key_findings", "needs_sections",
           "needs_warnings", "read_tables"]

TABLES = ("counts", "quality", "gaps", "borich", "self_vs_manager", "unmatched_roles")
"""The aggregate tables of ``data/processed/needs`` the report reads (stems)."""

LOW_ALPHA = 0.6
"""Cronbach's alpha below this is flagged as low reliability in the run's warnings."""

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


def read_tables(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The needs tables (:data:`TABLES`) and segments (``segment:<attribute>``) of a folder."""
    folder = Path(folder)
    tables = {n: _read(folder, n) for n in TABLES}
    for f in sorted(folder.glob("segment_*.csv")):
        tables[f"segment:{f.stem.removeprefix('segment_')}"] = pd.read_csv(f)
    return tables


def has_manager(tables: Mapping[str, pd.DataFrame]) -> bool:
    """Whether manager ratings entered the analysis (a manager survey was given)."""
    svm = tables.get("self_vs_manager", pd.DataFrame())
    return not svm.empty


def key_findings(tables: Mapping[str, pd.DataFrame], names: Mapping[str, str]) -> list[str]:
    """Plain-language findings from the aggregate tables (shown cells only)."""
    out: list[str] = []
    counts = tables.get("counts", pd.DataFrame())
    if not counts.empty:
        read = counts.loc[counts["count"] == "rows read", "n"].sum()
        kept = counts.loc[counts["count"] == "rows kept", "n"].sum()
        what = ("self-assessments and manager ratings" if has_manager(tables)
                else "self-assessments")
        out.append(f"{kept:,} survey responses ({what}) analysed out of {read:,} received; "
                   "every excluded row is accounted for.")
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
        shown = svm.dropna(subset=["mean_diff"])
        # pooled over person x capability pairs: each capability's mean weighted by its pairs
        mean_diff = float((shown["mean_diff"] * shown["n_pairs"]).sum() / shown["n_pairs"].sum())
        widest = shown.loc[shown["mean_diff"].idxmax()]
        out.append(f"Employees rate themselves {mean_diff:+.2f} levels against their managers "
                   f"on average; widest on {names.get(widest.capability, widest.capability)} "
                   f"({widest.mean_diff:+.2f}).")
    return out


def _quality_view(quality: pd.DataFrame) -> pd.DataFrame:
    """Flags and reliability only (the row counts have their own table)."""
    if quality.empty or "section" not in quality:
        return quality
    return quality[quality["section"] != "rows"].reset_index(drop=True)


def needs_sections(root: Path, names: Mapping[str, str], *, min_group_size: int | None = None
                   ) -> tuple[list[str], list]:
    """Findings and sections of the needs analysis; ([], []) when it has not run."""
    if min_group_size is None:
        from ldkit.engagement.config import load_engagement

        min_group_size = load_engagement(root).min_group_size
    from ldkit.deliverables import Figure, Section, Table
    from ldkit.engagement.params import processed_dir

    folder = processed_dir(root, "needs")
    if not (folder / "gaps.csv").exists():
        return [], []
    tables = read_tables(folder)
    manager = has_manager(tables)
    figures = folder / "figures"

    def fig(name: str, title: str, caption: str = "") -> tuple:
        path = figures / f"{name}.png"
        return (Figure(title, path.read_bytes(), caption),) if path.exists() else ()

    def tab(title: str, df: pd.DataFrame) -> tuple:
        """A one-table tuple, or () when the table is empty."""
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
                if c in gaps and (manager or c != "mean_manager")]
    surveys = ("Self-assessment and manager surveys were" if manager
               else "The self-assessment survey was")
    current = ("mean of self and manager ratings" if manager else "self-rating")
    segments = {k.removeprefix("segment:"): v for k, v in tables.items()
                if k.startswith("segment:")}
    sections = [
        Section("Data and method", (
            f"{surveys} read as exported; every row received is accounted for below. Names "
            "and e-mail addresses were replaced by keyed pseudonyms on load and appear "
            "nowhere in this report.",
            _disclosure_note(min_group_size),
        ), tab("Rows received, kept and excluded", tables["counts"])
            + tab("Data quality: flags and scale reliability", _quality_view(tables["quality"]))),
        Section("Gaps to requirement", (
            f"Gap = required level - current level ({current}). "
            "Priority = mean gap x importance weight of the capability for the role.",
        ), tab("Top priorities by role and capability", named(top[gap_cols])),
            fig("gap-heatmap", "Gap to requirement by role and capability")),
        Section("Priorities (Borich)", (
            "Borich's mean weighted discrepancy score: mean importance x (mean importance - "
            "mean competence), over respondents who rated both.",
        ), tab("Borich priorities", named(tables["borich"])),
            fig("locus-for-focus", "Locus for Focus",
                "Upper right: high importance and high discrepancy, the focus.")),
    ]
    if manager:
        sections.append(Section("Self against manager", (), tab(
            "Self against manager", named(tables["self_vs_manager"])),
            fig("self-vs-manager", "Self against manager ratings")))
    if segments:
        sections.append(Section("Segments", (), tuple(
            Table(f"Gaps by {k.replace('_', ' ')}", named(v)) for k, v in segments.items())))
    return key_findings(tables, names), sections


def _disclosure_note(min_group_size: int) -> str:
    from ldkit.disclosure import legend

    return (f"No figure is shown for a group of fewer than {min_group_size} people; where "
            "one group is hidden, another is hidden too so it cannot be recovered from the "
            "total or its siblings. " + legend(min_group_size))


def needs_warnings(folder: str | Path) -> list[str]:
    """What a consultant must read before sending: unmatched roles, low reliability,
    the share of rows excluded."""
    tables = read_tables(folder)
    out: list[str] = []
    unmatched = tables.get("unmatched_roles", pd.DataFrame())
    if not unmatched.empty and "n" in unmatched:
        n = int(unmatched["n"].sum())
        roles = ", ".join(f"'{r}'" for r in unmatched["role"].astype(str).head(5))
        out.append(f"{n} respondent{'s' if n != 1 else ''} gave a role that is not in the "
                   f"capability model ({roles}): not scored and without a plan")
    quality = tables.get("quality", pd.DataFrame())
    if not quality.empty and "section" in quality:
        rel = quality[quality["section"] == "reliability"]
        for r in rel.itertuples():
            if pd.notna(r.value) and float(r.value) < LOW_ALPHA:
                word = "negative" if float(r.value) < 0 else "low"
                out.append(f"{word} reliability: {r.measure} = {float(r.value):.2f} "
                           f"(below {LOW_ALPHA}) in {r.file}")
    counts = tables.get("counts", pd.DataFrame())
    if not counts.empty:
        for file, rows in counts.groupby("file", sort=False):
            read = rows.loc[rows["count"] == "rows read", "n"].sum()
            kept = rows.loc[rows["count"] == "rows kept", "n"].sum()
            if read and (read - kept) / read > 0.1:
                out.append(f"{(read - kept) / read:.0%} of the rows of {file} were excluded "
                           f"({read - kept:,} of {read:,}); see the data-quality table")
    return out
