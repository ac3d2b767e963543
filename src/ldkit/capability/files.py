"""Reading and writing a capability model by file extension."""

from __future__ import annotations

from pathlib import Path

from ldkit.capability.model import CapabilityModel
from ldkit.io import suffix_of

__all__ = ["FORMATS", "read_model", "write_model"]

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".xlsx": "excel", ".csv": "moodle"}


def read_model(path: str | Path) -> CapabilityModel:
    """Read a model from .yaml/.yml, .xlsx (authoring workbook) or .csv (Moodle)."""
    kind = suffix_of(path, FORMATS, what="capability model")
    reader = {"yaml": CapabilityModel.from_yaml, "excel": CapabilityModel.from_excel,
              "moodle": CapabilityModel.from_moodle_csv}[kind]
    return reader(path)


def write_model(model: CapabilityModel, path: str | Path) -> Path:
    """Write a model to .yaml/.yml, .xlsx or .csv (Moodle) by the extension of ``path``."""
    kind = suffix_of(path, FORMATS, what="capability model")
    writer = {"yaml": model.to_yaml, "excel": model.to_excel, "moodle": model.to_moodle_csv}[kind]
    return writer(path)
