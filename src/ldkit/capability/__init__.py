"""Capability models: roles x capabilities x proficiency levels, with indicators.

Public API::

    CapabilityModel            the model (from_yaml, from_excel, from_moodle_csv,
                               from_requirements, builder; to_yaml, to_excel,
                               to_moodle_csv; requirements, matrix, heatmap, diff)
    CapabilityModelBuilder     step-by-step construction
    Scale, Level, Domain, Capability, Role, Requirement, STANDARD_SCALE
    read_model, write_model    by file extension (.yaml, .xlsx, .csv)
    write_template             blank authoring workbook
    starters, starter          the starter library
    ScaleMapping, convert_ratings   ratings between scales
    plot_requirements_heatmap  heatmap figure
"""

from ldkit.capability.files import read_model, write_model
from ldkit.capability.io_excel import write_template
from ldkit.capability.io_moodle import MOODLE_COLUMNS
from ldkit.capability.library import starter, starters
from ldkit.capability.model import (
    STANDARD_SCALE,
    Capability,
    CapabilityModel,
    CapabilityModelBuilder,
    Domain,
    Level,
    Requirement,
    Role,
    Scale,
)
from ldkit.capability.plot import plot_requirements_heatmap
from ldkit.capability.scales import ScaleMapping, convert_ratings

__all__ = [
    "MOODLE_COLUMNS",
    "STANDARD_SCALE",
    "Capability",
    "CapabilityModel",
    "CapabilityModelBuilder",
    "Domain",
    "Level",
    "Requirement",
    "Role",
    "Scale",
    "ScaleMapping",
    "convert_ratings",
    "plot_requirements_heatmap",
    "read_model",
    "starter",
    "starters",
    "write_model",
    "write_template",
]
