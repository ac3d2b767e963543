"""Regression check of an engagement: rerun it and say what changed against a baseline run.

Two comparisons, both against a baseline run (default: the latest successful one):

- the **recorded results** (``ldkit.record`` values) of every notebook, numbers
  compared with a tolerance, tables cell by cell;
- the **notebooks' outputs** through nbval: the baseline's executed notebooks are
  re-executed with ``pytest --nbval`` (with the sanitizer shipped in the package
  for run ids, timestamps, paths and memory addresses) and their outputs
  compared with what the baseline stored.
"""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ldkit.errors import InputError, Location

__all__ = ["CheckReport", "check_engagement", "compare_records", "sanitizer_path"]


def sanitizer_path() -> Path:
    """The nbval sanitizer file shipped in the package."""
    from importlib import resources

    return Path(str(resources.files("ldkit").joinpath("nbval_sanitize.cfg")))


@dataclass(frozen=True)
class CheckReport:
    """What ``ldkit check`` found: ``changes`` (one row per change) and nbval's verdict."""

    baseline: Path
    rerun: Path
    changes: pd.DataFrame  # notebook, name, change, baseline, rerun
    nbval_passed: bool | None
    nbval_output: str = ""

    @property
    def changed(self) -> bool:
        return bool(len(self.changes)) or self.nbval_passed is False


def _same(a: Any, b: Any, *, rel: float, abs_: float) -> bool:
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        if not (isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame)):
            return False
        try:
            pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                          check_dtype=False, rtol=rel, atol=abs_)
        except AssertionError:
            return False
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y, rel=rel, abs_=abs_)
                                        for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], rel=rel, abs_=abs_) for k in a)
    return a == b


def compare_records(baseline: Path, rerun: Path, *, rel_tol: float = 1e-6,
                    abs_tol: float = 1e-9) -> pd.DataFrame:
    """Recorded results of two runs, notebook by notebook: what was added, removed, changed."""
    from ldkit.records import read_records

    rows = []
    names = sorted({p.stem for p in baseline.glob("*.ipynb")} | {p.stem for p in
                                                                 rerun.glob("*.ipynb")})
    for nb in names:
        old = read_records(baseline / f"{nb}.ipynb") if (baseline / f"{nb}.ipynb").exists() \
            else {}
        new = read_records(rerun / f"{nb}.ipynb") if (rerun / f"{nb}.ipynb").exists() else {}
        for key in sorted(old.keys() | new.keys()):
            if key not in new:
                rows.append((nb, key, "removed", _show(old[key]), None))
            elif key not in old:
                rows.append((nb, key, "added", None, _show(new[key])))
            elif not _same(old[key], new[key], rel=rel_tol, abs_=abs_tol):
                rows.append((nb, key, "changed", _show(old[key]), _show(new[key])))
    return pd.DataFrame(rows, columns=["notebook", "name", "change", "baseline", "rerun"],
                        dtype=object)


def _show(value: Any) -> str:
    if isinstance(value, pd.DataFrame):
        return value.to_json(orient="split", index=False)
    return repr(value)


def run_nbval(run_dir: Path, *, cwd: Path) -> tuple[bool, str]:
    """Re-execute a run's notebooks with nbval and compare with their stored outputs."""
    notebooks = sorted(str(p) for p in run_dir.glob("*.ipynb"))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
           "--nbval-current-env", "--nbval-sanitize-with", str(sanitizer_path()),
           "--rootdir", str(run_dir), *notebooks]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    return proc.returncode == 0, proc.stdout[-4000:]


def check_engagement(folder: str | Path, *, against: str | None = None, nbval: bool = True,
                     rel_tol: float = 1e-6, abs_tol: float = 1e-9,
                     progress: bool = False) -> CheckReport:
    """Rerun an engagement and report what changed against a baseline run."""
    from ldkit.engagement.run import latest_run, run_engagement

    root = Path(folder).resolve()
    baseline = (root / "runs" / against) if against else latest_run(root, ok_only=True)
    if baseline is None or not baseline.is_dir():
        raise InputError(f"{root} has no {'run ' + against if against else 'successful run'} "
                         "to compare with", location=Location(file=str(root / "runs")),
                         hint=f"run it first: ldkit run {root}")
    passed, output = run_nbval(baseline, cwd=root) if nbval else (None, "")
    report = run_engagement(root, force=True, progress=progress)
    changes = compare_records(baseline, report.run_dir, rel_tol=rel_tol, abs_tol=abs_tol)
    if not report.ok:
        failed = [n for n in report.notebooks if n.status == "failed"]
        extra = pd.DataFrame([(n.name, "(run)", "failed", "ok", n.error.message if n.error
                               else "") for n in failed], columns=changes.columns)
        changes = pd.concat([changes, extra], ignore_index=True)
    return CheckReport(baseline, report.run_dir, changes, passed, output)
