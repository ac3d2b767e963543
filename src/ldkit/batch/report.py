"""What a batch did: the outcome of each engagement, the summary, the batch file, the results.

:func:`~ldkit.batch.run_batch` returns a :class:`BatchReport` and writes it as
``batch-<batch id>.json``; :func:`read_batch` reads that file back and
:func:`batch_results` gathers the key results every engagement recorded.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.errors import InputError, Location
from ldkit.runner import NotebookError, NotebookRun

__all__ = [
    "BatchReport",
    "EngagementOutcome",
    "batch_results",
    "notebook_outcome",
    "read_batch",
]

_OUTCOMES = {
    "DeadKernelError": "kernel died",
    "NotebookTimeout": "timed out",
    "CellTimeoutError": "timed out",
    "WorkerDied": "worker died",
}


def notebook_outcome(run: NotebookRun) -> str:
    """A notebook's status in a batch.

    "ok", "failed", "kernel died", "timed out", "worker died", "skipped"
    (after a failure) or "up to date" (an unchanged engagement under resume).

    Examples
    --------
    >>> from pathlib import Path
    >>> from ldkit.runner import NotebookError, NotebookRun
    >>> died = NotebookError("kernel died", ename="DeadKernelError")
    >>> notebook_outcome(NotebookRun("1-needs", Path("1-needs.ipynb"), None, "failed", 2.0, died))
    'kernel died'
    """
    if run.status == "failed" and run.error is not None:
        return _OUTCOMES.get(run.error.ename or "", "failed")
    return run.status


@dataclass(frozen=True)
class EngagementOutcome:
    """What a batch did with one engagement.

    ``status`` is "ok", "failed" (a notebook failed; ``message`` names it, its
    cell and error), "up to date" (resume: unchanged since ``run_dir``) or
    "not run" (``message`` says why). ``reused`` maps the notebooks a resumed
    run took over from an earlier run to that run's id. ``given`` is the path
    as given to the batch, ``folder`` the resolved one.
    """

    given: str
    folder: Path
    engagement_id: str | None
    status: str
    run_dir: Path | None = None
    notebooks: tuple[NotebookRun, ...] = ()
    message: str = ""
    reused: Mapping[str, str] = field(default_factory=dict)
    duration: float = 0.0
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True for "ok" and "up to date"."""
        return self.status in ("ok", "up to date")

    @property
    def failed_notebook(self) -> NotebookRun | None:
        """The notebook that stopped the engagement, if any."""
        return next((n for n in self.notebooks if n.status == "failed"), None)


@dataclass(frozen=True)
class BatchReport:
    """The outcome of :func:`run_batch`: one :class:`EngagementOutcome` per engagement given.

    ``path`` is the ``batch-<batch_id>.json`` written, ``notes`` what the batch
    wants the user to know (a shared engagement id, a fallback to fresh kernels).
    """

    batch_id: str
    engagements: tuple[EngagementOutcome, ...]
    started: _dt.datetime | None = None
    finished: _dt.datetime | None = None
    executor: str = "local"
    workers: int = 1
    kernels: str = "fresh"
    timeout: float | None = None
    only: str | None = None
    resume: bool = False
    path: Path | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every engagement is "ok" or "up to date"."""
        return all(e.ok for e in self.engagements)

    def counts(self) -> dict[str, int]:
        """Number of engagements by status."""
        return dict(Counter(e.status for e in self.engagements))

    def summary(self) -> Any:
        """One row per engagement, as the command prints it.

        Columns: engagement, folder, status, notebooks (e.g. ``2/3 ok``),
        failed notebook, cell, error, duration_s, run.
        """
        import pandas as pd

        rows = []
        for e in self.engagements:
            failed = next((n for n in e.notebooks if notebook_outcome(n) not in
                           ("ok", "skipped", "up to date")), None)
            ran = [n for n in e.notebooks if n.status != "skipped"]
            good = sum(n.status in ("ok", "up to date") for n in e.notebooks)
            rows.append({
                "engagement": e.engagement_id or "",
                "folder": e.given,
                "status": e.status,
                "notebooks": f"{good}/{len(e.notebooks)} ok" if e.notebooks else "",
                "failed notebook": "" if failed is None else
                f"{failed.name} ({notebook_outcome(failed)})",
                "cell": (failed.error.cell_number if failed is not None and failed.error
                         and failed.error.cell_number is not None else None),
                "error": (failed.error.message if failed is not None and failed.error
                          else (e.message if e.status == "not run" else "")),
                "duration_s": round(sum(n.duration for n in ran), 1),
                "run": "" if e.run_dir is None else e.run_dir.name,
            })
        table = pd.DataFrame(rows, columns=["engagement", "folder", "status", "notebooks",
                                            "failed notebook", "cell", "error", "duration_s",
                                            "run"])
        table["cell"] = table["cell"].astype("Int64")
        return table

    def results(self) -> Any:
        """The key results recorded by the engagements' runs: see :func:`batch_results`."""
        return batch_results(self)


# ------------------------------------------------------------------ the batch file


def _iso(moment: _dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(_dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _run_dict(run: NotebookRun) -> dict[str, Any]:
    error = run.error
    return {
        "name": run.name,
        "path": str(run.path),
        "output": None if run.output is None else str(run.output),
        "status": run.status,
        "outcome": notebook_outcome(run),
        "duration_s": round(run.duration, 3),
        "error": None if error is None else {
            "message": error.message, "ename": error.ename, "evalue": error.evalue,
            "cell_number": error.cell_number, "exec_count": error.exec_count},
    }


def _write_batch(report: BatchReport, out: Path) -> Path:
    from ldkit.io import atomic_write_text

    data = {
        "batch_id": report.batch_id,
        "started": _iso(report.started),
        "finished": _iso(report.finished),
        "ok": report.ok,
        "counts": report.counts(),
        "executor": report.executor,
        "workers": report.workers,
        "kernels": report.kernels,
        "timeout_s": report.timeout,
        "only": report.only,
        "resume": report.resume,
        "notes": list(report.notes),
        "engagements": [{
            "given": e.given,
            "folder": str(e.folder),
            "engagement_id": e.engagement_id,
            "status": e.status,
            "message": e.message,
            "run_id": None if e.run_dir is None else e.run_dir.name,
            "run_dir": None if e.run_dir is None else str(e.run_dir),
            "duration_s": round(e.duration, 3),
            "reused": dict(e.reused),
            "warnings": list(e.warnings),
            "notebooks": [_run_dict(n) for n in e.notebooks],
        } for e in report.engagements],
    }
    target = out / f"batch-{report.batch_id}.json"
    atomic_write_text(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return target


def read_batch(path: str | Path) -> BatchReport:
    """Read a ``batch-<id>.json`` written by :func:`run_batch`.

    Raises
    ------
    InputFileNotFoundError
        If the file does not exist.
    InputError
        If it is not a batch file.
    """
    from ldkit.io import existing_file

    path = existing_file(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        engagements = tuple(_outcome_from(e) for e in data["engagements"])
        return BatchReport(
            batch_id=str(data["batch_id"]), engagements=engagements,
            started=_parse_time(data.get("started")), finished=_parse_time(data.get("finished")),
            executor=data.get("executor", "local"), workers=int(data.get("workers", 1)),
            kernels=data.get("kernels", "fresh"), timeout=data.get("timeout_s"),
            only=data.get("only"), resume=bool(data.get("resume")), path=path,
            notes=tuple(data.get("notes", [])))
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"is not a batch file written by ldkit batch ({exc})",
                         location=Location(file=str(path)),
                         hint="give a batch-<id>.json or engagement folders") from None


def _parse_time(text: str | None) -> _dt.datetime | None:
    return None if not text else _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _outcome_from(e: Mapping[str, Any]) -> EngagementOutcome:
    runs = []
    for n in e["notebooks"]:
        err = n.get("error")
        error = None if not err else NotebookError(
            err["message"], ename=err.get("ename"), evalue=err.get("evalue"),
            cell_number=err.get("cell_number"), exec_count=err.get("exec_count"))
        runs.append(NotebookRun(n["name"], Path(n["path"]),
                                None if n.get("output") is None else Path(n["output"]),
                                n["status"], float(n.get("duration_s") or 0.0), error))
    return EngagementOutcome(
        given=str(e["given"]), folder=Path(e["folder"]), engagement_id=e.get("engagement_id"),
        status=str(e["status"]), run_dir=None if not e.get("run_dir") else Path(e["run_dir"]),
        notebooks=tuple(runs), message=str(e.get("message", "")),
        reused=dict(e.get("reused") or {}), duration=float(e.get("duration_s") or 0.0),
        warnings=tuple(str(w) for w in e.get("warnings") or ()))


def batch_results(batch: BatchReport | str | Path) -> Any:
    """The key results recorded by the runs of a batch, as one table.

    Parameters
    ----------
    batch : BatchReport, or the path of a ``batch-<id>.json``

    Returns
    -------
    pandas.DataFrame
        Columns engagement, folder, run, notebook, name, value (as
        :func:`ldkit.engagement.run_results`, plus the folder): the records
        of every engagement that is "ok" or "up to date", from the run the
        batch made or found. Failed and not-run engagements have no rows.
    """
    import pandas as pd

    from ldkit.engagement import run_results

    report = batch if isinstance(batch, BatchReport) else read_batch(batch)
    frames = []
    for e in report.engagements:
        if not e.ok or e.run_dir is None:
            continue
        table = run_results(e.folder, run=e.run_dir.name)
        table.insert(1, "folder", e.given)
        frames.append(table)
    columns = ["engagement", "folder", "run", "notebook", "name", "value"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
