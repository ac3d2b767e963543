"""The demo: what ``make demo`` and ``ldkit demo`` produce.

Until the engagement notebooks exist, the demo

1. writes each starter capability model in every format ldkit speaks (YAML,
   the Excel authoring workbook, Moodle's competency-framework CSV), a heatmap
   of each model's required levels, and the blank authoring template;
2. runs a needs analysis of a fictional client, Demo Bio: synthetic
   self-assessment and manager exports in the Qualtrics layout (with the dirt
   real exports carry), read against their codebooks, scored against the
   pharma-commercial model, written as CSV tables, an Excel workbook and
   figures.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["run_demo"]


def run_demo(out: str | Path = "demo-output") -> list[Path]:
    """Write the demo outputs under ``out``; return the paths written."""
    from ldkit.capability import starter, starters, write_template
    from ldkit.io import atomic_path

    folder = Path(out) / "capability-models"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in starters():
        model = starter(name)
        written.append(model.to_yaml(folder / f"{name}.yaml"))
        written.append(model.to_excel(folder / f"{name}.xlsx"))
        written.append(model.to_moodle_csv(folder / f"{name}.moodle.csv"))
        figure = model.heatmap()
        target = folder / f"{name}-heatmap.png"
        with atomic_path(target) as tmp:
            figure.savefig(tmp, dpi=120, format="png")
        written.append(target)
    written.append(write_template(folder / "capability-model-template.xlsx"))
    written += run_needs_demo(Path(out) / "needs-analysis")
    return written


DEMO_SECRET = "demo-bio-not-a-real-secret"


def run_needs_demo(out: str | Path) -> list[Path]:
    """Synthetic Demo Bio exports -> read -> score -> tables, workbook and figures."""
    from ldkit.capability import starter
    from ldkit.datasets import write_survey_exports
    from ldkit.io import atomic_path
    from ldkit.needs import plots
    from ldkit.needs.scoring import score_needs, write_needs_tables
    from ldkit.survey import read_survey

    folder = Path(out)
    model = starter("pharma-commercial")
    exports = write_survey_exports(folder / "raw", layout="qualtrics", n_employees=240, seed=11,
                                   model=model)
    surveys = [read_survey(exports.self_path, exports.self_codebook, secret=DEMO_SECRET),
               read_survey(exports.manager_path, exports.manager_codebook, secret=DEMO_SECRET)]
    result = score_needs(surveys, model)
    written = [exports.self_path, exports.manager_path]
    written += write_needs_tables(result, folder / "tables")
    names = {c.id: c.name for c in model.capabilities} | {r.id: r.name for r in model.roles}
    figures = {
        "gap-heatmap": plots.plot_gap_heatmap(result.gaps, names=names),
        "locus-for-focus": plots.plot_locus_for_focus(result.borich, names=names),
        "self-vs-manager": plots.plot_self_vs_manager(result.self_vs_manager, names=names),
        "rating-distributions": plots.plot_rating_distributions(
            surveys[0].responses, names=names),
    }
    for name, figure in figures.items():
        target = folder / "figures" / f"{name}.png"
        with atomic_path(target) as tmp:
            figure.savefig(tmp, dpi=110, format="png")
        written.append(target)
    return written
