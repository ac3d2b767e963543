"""Re-export of :mod:`ldkit.engagement.check` (the old import path keeps working)."""

from ldkit.engagement.check import (
    CheckReport,
    check_engagement,
    compare_records,
    run_nbval,
    sanitizer_path,
)

__all__ = ["CheckReport", "check_engagement", "compare_records", "run_nbval", "sanitizer_path"]
