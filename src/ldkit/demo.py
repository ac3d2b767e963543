"""The demo: what ``make demo`` and ``ldkit demo`` produce.

Until the engagement notebooks exist, the demo writes each starter
capability model in every format ldkit speaks (YAML, the Excel authoring
workbook, Moodle's competency-framework CSV), a heatmap of each model's
required levels, and the blank authoring template.
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
    return written
