"""Re-export of the engagement report at its old import path.

The report is assembled from the phase registry in :mod:`ldkit.engagement.summary`;
the needs analysis's own part lives in :mod:`ldkit.needs.report`.
"""

from ldkit.engagement.summary import build_report, phase_sections, render_deliverables
from ldkit.needs.report import DISPLAY_COLUMNS, key_findings

__all__ = ["DISPLAY_COLUMNS", "build_report", "key_findings", "phase_sections",
           "render_deliverables"]
