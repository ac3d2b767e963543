"""Run the notebooks of many engagements at once: ``ldkit batch``.

A practice reruns every engagement when a new survey wave arrives or ldkit is
upgraded. :func:`run_batch` does it concurrently and without stopping at the
first failure::

    report = run_batch(["engagements/acme", "engagements/bio"], workers=2)
    report.summary()        # one row per engagement: status, failing notebook and cell
    batch_results(report)   # the key results recorded by every engagement, one table

How it runs:

- Every engagement is prepared first (``engagement.yaml`` read, inputs hashed,
  every notebook's parameters checked); one that cannot run (a folder that
  does not exist or is not an engagement, a bad parameter, a folder given
  twice) is reported as "not run" with the reason, and the others run. The
  batch holds each engagement's run lock while it runs it, as ``ldkit run``
  does: an engagement another run holds is "not run", naming that run.
- The notebooks of one engagement run in order, as ``ldkit run`` runs them;
  those of different engagements run side by side on ``workers`` worker
  processes (or on a Dask cluster: ``executor="dask"``). The engagement with
  the most notebooks left goes first. A failing notebook stops its own
  engagement only (later notebooks "skipped").
- Each notebook gets a fresh kernel that no other notebook has used. With
  ``kernels="fork"`` (the default on Linux) the kernel is forked from a
  :class:`ldkit.kernels.ForkServer` that imported ipykernel, pandas,
  matplotlib, ldkit and papermill once and never runs notebook code; that
  removes most of the start-up cost of a kernel. The workers are forked from
  it too, and each keeps one kernel started ahead of need (held until its
  notebook comes). The server stays up for the life of the Python process,
  so later batches in the same process start at once. ``kernels="fresh"``
  starts each kernel as a new process, as ``ldkit run`` does.
- ``timeout`` bounds each notebook's run time; a notebook whose kernel dies
  is reported as "kernel died", one whose worker process dies as "worker
  died" (the worker is replaced and the batch goes on).
- Every engagement gets its usual ``runs/<run-id>/`` folder and
  ``manifest.json``; the batch writes ``batch-<batch-id>.json`` (in ``out``)
  listing them, which :func:`read_batch` and :func:`batch_results` (and
  ``ldkit results batch-<id>.json``) read back.
- ``resume=True`` skips an engagement whose last successful run had the same
  inputs (sha256 of engagement.yaml, input files and notebooks) and ldkit
  version ("up to date"); an engagement whose last run failed with the same
  inputs restarts at the notebook that failed, reusing the executed copies of
  the notebooks before it ("resumed"); any other engagement runs in full.

Two folders may hold engagements with the same ``engagement_id`` (copies of
one engagement, for example): nothing they write collides, since every output
lives inside its own folder, so both run and the batch notes the shared id;
tables of the batch carry the folder to tell them apart. The same folder given
twice (also through a link) would have two runs writing into one folder at
once: it runs once, and the repeat is reported as "not run".

Notebooks run on a Dask cluster must see the engagement folders at the same
paths as the machine that starts the batch (a shared file system).

Modules: :mod:`~ldkit.batch.schedule` (:func:`run_batch`: prepare, hand out,
finish), :mod:`~ldkit.batch.prepare` (each engagement read, checked, resumed),
:mod:`~ldkit.batch.executors` (local worker processes, Dask),
:mod:`~ldkit.batch.workers` (what runs in a worker), :mod:`~ldkit.batch.progress`
(the live display), :mod:`~ldkit.batch.report` (outcomes, summary, batch file,
results).
"""
from ldkit.batch.report import (
    BatchReport,
    EngagementOutcome,
    batch_results,
    notebook_outcome,
    read_batch,
)
from ldkit.batch.schedule import (
    DEFAULT_TIMEOUT,
    EXECUTORS,
    KERNEL_MODES,
    default_workers,
    run_batch,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "EXECUTORS",
    "KERNEL_MODES",
    "BatchReport",
    "EngagementOutcome",
    "batch_results",
    "default_workers",
    "notebook_outcome",
    "read_batch",
    "run_batch",
]
