"""The work of the ``2-capability-model`` engagement notebook, and its report section.

Validates the capability model and writes, under ``data/processed/capability-model``,
its authoring workbook, its Moodle competency-framework CSV and the heatmap of
required levels.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ldkit.engagement.outputs import phase_step
from ldkit.engagement.params import PhaseParams, processed_dir, save_figure

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel

__all__ = ["CapabilityModelParams", "capability_model_step", "capability_sections",
           "processed_model"]

WORKBOOK = "capability-model.xlsx"


class CapabilityModelParams(PhaseParams):
    """Parameters of ``2-capability-model``."""

    capability_model: str


@phase_step("capability")
def capability_model_step(p: CapabilityModelParams) -> CapabilityModel:
    """Validate the model; write its workbook, Moodle CSV and heatmap."""
    from ldkit.capability import read_model

    model = read_model(p.path(p.capability_model))
    model.to_excel(p.out / WORKBOOK)
    model.to_moodle_csv(p.out / "capability-model.moodle.csv")
    save_figure(model.heatmap(), p.figures / "required-levels.png")
    return model


def processed_model(root: str | Path) -> CapabilityModel | None:
    """The capability model as the last run processed it (None if the phase has not run)."""
    model_file = processed_dir(root, "capability") / WORKBOOK
    if not model_file.exists():
        return None
    from ldkit.capability import read_model

    return read_model(model_file)


def capability_sections(root: Path, names: Mapping[str, str]) -> tuple[list[str], list]:
    """The "Capability model" section of the report; ([], []) when the phase has not run."""
    from ldkit.deliverables import Figure, Section, Table

    model = processed_model(root)
    if model is None:
        return [], []
    figure = processed_dir(root, "capability") / "figures" / "required-levels.png"
    figures = ((Figure("Required proficiency by role", figure.read_bytes()),)
               if figure.exists() else ())
    section = Section("Capability model", (
        "Required proficiency level of each role (rows) for each capability (columns); "
        "blank where the role does not require the capability.",
    ), (Table("Capability model: required levels",
              model.matrix(labels=True).reset_index().rename(columns={"role": "Role"})),),
        figures)
    return [], [section]
