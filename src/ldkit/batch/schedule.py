"""The batch itself: prepare every engagement, hand out notebooks in order, finish each.

See :mod:`ldkit.batch` for what a batch does; :func:`run_batch` is the entry
point (``ldkit batch``).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ldkit._params import check_choice, check_number, param_error
from ldkit.batch.executors import _DaskExecutor, _LocalExecutor
from ldkit.batch.prepare import (
    _Engagement,
    _lock,
    _mark_repeats,
    _notebook_paths,
    _prepare,
    _unlock,
)
from ldkit.batch.progress import _BatchProgress
from ldkit.batch.report import BatchReport, _write_batch, notebook_outcome
from ldkit.batch.workers import _Task
from ldkit.runner import NotebookRun

__all__ = ["DEFAULT_TIMEOUT", "EXECUTORS", "KERNEL_MODES", "default_workers", "run_batch"]

EXECUTORS = ("local", "dask")
KERNEL_MODES = ("auto", "fork", "fresh")
DEFAULT_TIMEOUT = 3600.0
"""Seconds one notebook may run in a batch, unless told otherwise."""


def default_workers() -> int:
    """The number of CPUs this process may use (at least 1).

    >>> default_workers() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_batch(
    engagements: Sequence[str | Path],
    *,
    workers: int | None = None,
    only: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    resume: bool = False,
    executor: str = "local",
    scheduler: Any = None,
    kernels: str = "auto",
    out: str | Path | None = ".",
    progress: bool = True,
) -> BatchReport:
    """Run the notebooks of many engagements concurrently; one report for all.

    Parameters
    ----------
    engagements : sequence of str or Path
        Engagement folders.
    workers : int, optional
        Notebooks run at once (local executor); default :func:`default_workers`.
        With ``executor="dask"`` the cluster's threads set the pace, and
        ``workers`` only sizes the local cluster started when no
        ``scheduler`` is given.
    only : str, optional
        Run only this notebook of each engagement.
    timeout : float or None, default DEFAULT_TIMEOUT
        Seconds each notebook may run (None: no limit on the notebook; a cell
        may still run 600 s).
    resume : bool, default False
        Skip engagements whose last successful run had the same inputs and
        ldkit version; restart a failed run with unchanged inputs at the
        notebook that failed. Without it, every engagement runs in full.
    executor : {"local", "dask"}, default "local"
        Worker processes on this machine, or a Dask distributed cluster
        (``pip install 'ldkit[dask]'``).
    scheduler : str or distributed.Client, optional
        With ``executor="dask"``: the scheduler's address (``tcp://host:8786``)
        or a client; default a local cluster of ``workers`` processes.
    kernels : {"auto", "fork", "fresh"}, default "auto"
        "fork": each kernel forked from a warm :class:`ldkit.kernels.ForkServer`;
        "fresh": each kernel a new process; "auto": fork where supported (Linux).
    out : str or Path or None, default "."
        Folder for ``batch-<batch id>.json``; None writes no batch file.
    progress : bool, default True
        Show a live progress display on stderr.

    Returns
    -------
    BatchReport
        One :class:`EngagementOutcome` per engagement, in the order given.

    Raises
    ------
    ParameterError
        For bad arguments (no engagement, ``workers`` < 1, an unknown executor
        or kernel mode, a scheduler without the dask executor).
    LdkitError
        If the dask executor cannot be used (``distributed`` missing, the
        scheduler unreachable) or ``kernels="fork"`` cannot start its server.

    Notes
    -----
    A bad engagement does not raise: it is reported "not run" and the others
    run. See the module docstring for resume and for the same folder given
    twice.

    Examples
    --------
    >>> run_batch([], progress=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ldkit.errors.ParameterError: The 'engagements' parameter of run_batch must be ... Got [].

    A real batch (see ``tests/test_batch.py``)::

        report = run_batch(["engagements/acme", "engagements/bio"], workers=2, resume=True)
        report.summary()[["engagement", "status", "failed notebook", "cell"]]
    """
    func = "run_batch"
    if isinstance(engagements, str | Path):
        engagements = [engagements]
    engagements = list(engagements)
    if not engagements or not all(isinstance(e, str | Path) for e in engagements):
        raise param_error("engagements", func, "a non-empty sequence of engagement folders",
                          engagements)
    check_choice("executor", executor, EXECUTORS, func=func)
    check_choice("kernels", kernels, KERNEL_MODES, func=func)
    if workers is None:
        workers = default_workers()
    check_number("workers", workers, func=func, low=1, integer=True)
    if timeout is not None:
        check_number("timeout", timeout, func=func, low=1e-3)
        timeout = float(timeout)
    if only is not None and (not isinstance(only, str) or not only):
        raise param_error("only", func, "a notebook name", only)
    if scheduler is not None and executor != "dask":
        raise param_error("scheduler", func, "None unless executor='dask'", scheduler)
    from ldkit.kernels import fork_supported

    if kernels == "fork" and not fork_supported():
        raise param_error("kernels", func, f"'fresh' or 'auto' on {sys.platform} (forking "
                          "kernels needs Linux)", kernels)
    mode = "fork" if kernels == "fork" or (kernels == "auto" and fork_supported()) else "fresh"
    from ldkit.runner import new_run_id

    batch_id = new_run_id()
    started = _dt.datetime.now(_dt.UTC)
    notes: list[str] = []
    pool: Any = None
    states: list[_Engagement] = []
    if executor == "local":  # its fork server imports while the engagements are prepared
        pool = _LocalExecutor(workers, mode, notes)
    try:
        if pool is not None:  # what the notebooks import: the server imports it meanwhile
            pool.preload(_notebook_paths(engagements, only))
        states = [_prepare(str(e), i, only=only, resume=resume)
                  for i, e in enumerate(engagements)]
        notes.extend(_mark_repeats(states))
        if pool is None and any(s.status == "pending" and s.left for s in states):
            pool = _DaskExecutor(scheduler, workers, mode)
        _lock(states)  # one run at a time per engagement, as under ldkit run
        for s in states:
            if s.status == "pending" and s.left == 0:  # resumed a run that had nothing left
                _finish(s)
        todo = [s for s in states if s.status == "pending"]
        if todo:
            pool.open(sum(s.left for s in todo))
            _drive(todo, pool, timeout=timeout, progress=progress)
    finally:
        try:
            if pool is not None:
                pool.close()
        finally:
            for s in states:
                _unlock(s)
    used = mode if pool is None else pool.kernels
    report = BatchReport(
        batch_id=batch_id, engagements=tuple(s.outcome() for s in states), started=started,
        finished=_dt.datetime.now(_dt.UTC), executor=executor,
        workers=workers, kernels=used, timeout=timeout, only=only, resume=resume,
        notes=tuple(notes))
    if out is not None:
        report = replace(report, path=_write_batch(report, Path(out)))
    return report


def _drive(states: list[_Engagement], pool: Any, *, timeout: float | None,
           progress: bool) -> None:
    """Hand out notebooks until every engagement is finished."""
    by_key: dict[str, _Engagement] = {}
    total = sum(s.left for s in states)
    durations: list[float] = []
    failed = 0
    with _BatchProgress(total, enabled=progress) as bar:
        while any(s.status in ("pending", "running") for s in states):
            while pool.free() > 0:
                ready = [s for s in states if s.status in ("pending", "running")
                         and not s.busy and s.left > 0]
                if not ready:
                    break
                s = max(ready, key=lambda e: (e.left, -e.index))
                job = s.jobs[s.next_job]
                assert s.run_dir is not None
                key = f"{s.index}-{job.name}"
                by_key[key] = s
                if s.status == "pending":
                    s.status, s.started = "running", _dt.datetime.now(_dt.UTC)
                s.busy = True
                # the kernel works in the run folder: the executed copy finds the
                # engagement at ../.., as under ldkit run
                s.run_dir.mkdir(parents=True, exist_ok=True)
                pool.submit(_Task(key, job, s.run_dir, s.run_dir, timeout))
            for task, run in pool.wait(0.2):
                s = by_key.pop(task.key)
                s.busy = False
                s.runs.append(run)
                s.next_job += 1
                durations.append(run.duration)
                if run.status != "ok":
                    failed += 1
                    bar.note(f"{s.given}: {run.name} {notebook_outcome(run)}"
                             + (f": {run.error.message}" if run.error else ""))
                    bar.skip(s.left)
                    _finish(s)
                elif s.left == 0:
                    _finish(s)
            bar.update(len(durations), pool.running(), failed, durations,
                       min(pool.capacity, max(1, sum(s.left for s in states))))


def _health(state: _Engagement) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The run's warnings and deliverables, as ``ldkit run`` lists them (never raises)."""
    from ldkit.engagement.run import _deliverables, run_health
    from ldkit.errors import LdkitError

    try:
        return tuple(run_health(state.folder)), tuple(_deliverables(state.folder))
    except (LdkitError, OSError) as exc:
        return (f"the run's health could not be checked: {exc}",), ()


def _finish(state: _Engagement) -> None:
    """Mark the rest skipped, set the status, write the engagement's manifest."""
    from ldkit.runner import RunReport, write_manifest

    for job in state.jobs[state.next_job:]:
        state.runs.append(NotebookRun(job.name, Path(job.path), None, "skipped", 0.0))
    state.next_job = len(state.jobs)
    state.finished = _dt.datetime.now(_dt.UTC)
    bad = next((r for r in state.runs if r.status == "failed"), None)
    state.status = "ok" if bad is None else "failed"
    if bad is not None:
        state.message = f"{bad.name}: {bad.error.message if bad.error else 'failed'}"
    assert state.run_dir is not None
    warnings, outputs = _health(state)
    report = RunReport(state.run_dir, tuple(state.runs), bad is None,
                       state.started or state.finished, state.finished, warnings, outputs)
    state.warnings = warnings
    try:
        state.run_dir.mkdir(parents=True, exist_ok=True)
        write_manifest(state.run_dir, parameters={j.name: j.parameters for j in state.jobs},
                       inputs=state.hashes, report=report, reused=state.reused)
    except OSError as exc:
        state.status = "failed"
        state.message = f"the manifest could not be written: {exc}"
    finally:
        _unlock(state)
