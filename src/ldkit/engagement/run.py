"""Running an engagement: the jobs, the pre-run check, the lock, the run, its health, results.

``ldkit run`` (:func:`run_engagement`):

1. takes the engagement's lock (one run at a time; a second run is refused,
   naming the run that holds it) and removes what a killed run left behind;
2. checks every parameter of every notebook against the phase registry before
   any kernel starts (types, ranges, choices, ``segment_by`` against the codebook),
   each problem located in engagement.yaml;
3. runs the notebooks, two at a time where the phases allow (a phase's notebook
   waits for the phases it reads, :attr:`Phase.after`), each in a kernel of its
   own working in the run folder, so the executed copies under ``runs/<id>/``
   locate the engagement relative to themselves (``../..``);
4. writes the manifest with the warnings a consultant must read before sending
   (:func:`run_health`) and the deliverables written.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ldkit.engagement.config import (
    CONFIG_FILE,
    EngagementConfig,
    load_engagement,
    min_group_size_warning,
    phase_params,
    resolve_input,
)
from ldkit.errors import InputError, LdkitError, Location, Problem, ValidationError

__all__ = [
    "EngagementLocked",
    "engagement_lock",
    "engagement_notebooks",
    "input_files",
    "latest_run",
    "notebook_jobs",
    "notebook_waits",
    "read_manifest",
    "run_engagement",
    "run_health",
    "run_results",
]

LOCK_FILE = Path("runs") / ".lock"


class EngagementLocked(InputError):
    """Another run of the same engagement is in progress."""


def engagement_notebooks(folder: str | Path) -> list[Path]:
    """The engagement's notebooks, in run order (numbered names sort first)."""
    root = Path(folder) / "notebooks"
    found = [p for p in root.glob("*.ipynb") if not p.name.startswith(".")]
    if not found:
        raise InputError(f"{root} holds no notebooks", location=Location(file=str(root)),
                         hint="copy them from the template: ldkit new")

    def key(p: Path) -> tuple[int, str]:
        m = re.match(r"(\d+)", p.stem)
        return (int(m.group(1)) if m else 10**6, p.stem)

    return sorted(found, key=key)


def notebook_jobs(folder: str | Path, config: EngagementConfig, run_dir: Path,
                  *, only: str | None = None) -> list[Any]:
    """One papermill job per notebook, its parameters checked before any kernel starts.

    A notebook of a registered phase gets its parameters from :func:`phase_params`
    (the same function the notebook calls when opened in JupyterLab); papermill
    injects those the notebook declares (today's templates declare only
    ``engagement_dir`` and ``run_dir``; notebooks of engagements made earlier
    declare them all). A notebook of the consultant's own gets the common values it
    declares and its section under ``notebooks:``.

    Raises
    ------
    ValidationError
        Every problem of every notebook at once, located in engagement.yaml.
    """
    from ldkit.engagement.phases import phase_for_notebook
    from ldkit.runner import NotebookJob, _parameter_problems, notebook_parameters

    root = Path(folder).resolve()
    run_dir = Path(run_dir)
    notebooks = engagement_notebooks(root)
    names = [p.stem for p in notebooks]
    source = str(root / CONFIG_FILE)
    unknown = [n for n in config.notebooks if n not in names]
    problems: list[Problem] = [Problem(
        f"'notebooks.{n}': no notebook of that name in notebooks/",
        Location(file=source, field=f"notebooks.{n}"),
        f"notebooks are: {', '.join(names)}") for n in unknown]
    if only is not None and only not in names:
        raise InputError(f"--only {only}: no such notebook",
                         hint=f"notebooks are: {', '.join(names)}")
    engagement_dir = os.path.relpath(root, run_dir.resolve() if run_dir.exists()
                                     else run_dir.absolute())
    jobs = []
    for path in notebooks:
        declared = notebook_parameters(path)
        phase = phase_for_notebook(path.stem)
        if phase is not None:
            try:
                params = phase_params(path.stem, root, config=config)
            except ValidationError as exc:
                problems += list(exc.problems)
                continue
            if phase.in_scope(config.inputs.model_dump()) and hasattr(params, "input_problems"):
                problems += params.input_problems(source, _section_lines(root, path.stem))
            values = params.model_dump()
            values.update(engagement_dir=engagement_dir, run_dir=".")
            given = {k: v for k, v in values.items() if k in declared}
        else:
            common = {"client": config.client, "engagement_dir": engagement_dir,
                      "min_group_size": config.min_group_size, "currency": config.currency,
                      "locale": config.locale, "run_dir": ".",
                      "deliverables": list(config.deliverables), **config.inputs.model_dump()}
            given = {k: v for k, v in common.items() if k in declared}
            given.update(config.notebooks.get(path.stem, {}))
            problems += _parameter_problems(path, given, source=source)
        if only is None or path.stem == only:
            jobs.append(NotebookJob(path.stem, path, given))
    if problems:
        raise ValidationError(problems, what=source)
    return jobs


def _section_lines(root: Path, notebook: str) -> dict[str, int | None]:
    """Line of each key of a notebook's section in engagement.yaml (for located problems)."""
    from ldkit.capability.io_yaml import load_yaml

    data = load_yaml(root / CONFIG_FILE)
    section = (data.get("notebooks") or {}).get(notebook) or {}
    return dict(getattr(section, "key_lines", {}) or {})


def input_files(folder: str | Path, config: EngagementConfig) -> list[Path]:
    """The config, the input files it names (that exist) and the notebooks: what a run reads."""
    root = Path(folder)
    files = [root / CONFIG_FILE]
    for value in config.inputs.model_dump().values():
        if value:
            path = resolve_input(root, value)
            if path.is_file():
                files.append(path)
    files += engagement_notebooks(root)
    return files


# -- the lock ---------------------------------------------------------------------------------


@contextlib.contextmanager
def engagement_lock(folder: str | Path, run_id: str) -> Iterator[Path]:
    """Hold the engagement's run lock; a second holder gets :class:`EngagementLocked`.

    The lock is an advisory ``flock`` on ``runs/.lock``, released by the operating
    system when the process ends, so a killed run never leaves a stale lock.
    """
    import fcntl

    root = Path(folder)
    lock = root / LOCK_FILE
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = json.loads(os.pread(fd, 4096, 0).decode("utf-8") or "{}")
            except (ValueError, UnicodeDecodeError):
                holder = {}
            raise EngagementLocked(
                f"{root} is being run by run {holder.get('run_id', '?')} (process "
                f"{holder.get('pid', '?')}, started {holder.get('started', '?')})",
                location=Location(file=str(lock)),
                hint="wait for it to finish; one run at a time per engagement") from None
        import datetime as dt

        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"run_id": run_id, "pid": os.getpid(),
                                  "started": dt.datetime.now(dt.UTC).isoformat(
                                      timespec="seconds")}).encode("utf-8"), 0)
        yield lock
    finally:
        os.close(fd)


# -- running ----------------------------------------------------------------------------------


def notebook_waits(jobs: list[Any]) -> dict[str, list[str]]:
    """Job name -> the earlier jobs it must wait for, from the phase registry.

    A phase's notebook waits for the notebooks of the phases it reads
    (:attr:`Phase.after`); a notebook of the consultant's own waits for every
    notebook before it, and every notebook after it waits for it.
    """
    from ldkit.engagement.phases import get_phase, phase_for_notebook

    waits: dict[str, list[str]] = {}
    barrier: list[str] = []  # the consultant's notebooks so far: everything after waits
    for i, job in enumerate(jobs):
        phase = phase_for_notebook(job.name)
        if phase is None:
            waits[job.name] = [j.name for j in jobs[:i]]
            barrier.append(job.name)
            continue
        before = {j.name for j in jobs[:i]}
        reads = [get_phase(name).notebook for name in phase.after]
        waits[job.name] = [n for n in barrier + reads if n in before]
    return waits


def run_engagement(folder: str | Path, *, only: str | None = None, force: bool = False,
                   progress: bool = True, workers: int | None = None,
                   kernels: str = "fresh") -> Any:
    """Run an engagement's notebooks; write executed copies and a manifest.

    Parameters are checked against every notebook before any kernel starts. The
    notebooks run in order, up to ``workers`` at a time where the phases allow
    (:func:`notebook_waits`; default two, or one on a single CPU). A failing
    notebook stops the run: no other starts (its executed copy is kept under
    runs/). Unless ``force``, a run whose inputs and parameters equal the last
    successful run's is skipped (the last run's report is returned). ``kernels``:
    "fresh" (a new kernel process each) or "fork" (each kernel forked from a warm
    server, see :func:`ldkit.runner.run_notebooks`).

    Returns
    -------
    ldkit.runner.RunReport
        With ``warnings`` (what to read before sending) and ``outputs`` (the
        deliverables written).

    Raises
    ------
    EngagementLocked
        If another run of this engagement is in progress.
    ValidationError
        If any parameter is wrong (before any kernel starts).
    """
    import dataclasses

    from ldkit.engagement.outputs import remove_leftovers
    from ldkit.runner import file_hashes, new_run_id, run_notebooks, write_manifest

    root = Path(folder).resolve()
    config = load_engagement(root)
    run_id = new_run_id()
    with engagement_lock(root, run_id):
        remove_leftovers(root)
        inputs = file_hashes(input_files(root, config))
        last = latest_run(root, ok_only=True)
        if not force and only is None and last is not None:
            manifest = read_manifest(last)
            previous = {i["path"]: i["sha256"] for i in manifest.get("inputs", [])}
            if previous == inputs and manifest.get("versions", {}).get("ldkit") == \
                    _ldkit_version():
                return _report_from_manifest(last, manifest)
        run_dir = root / "runs" / run_id
        while run_dir.exists():
            run_dir = root / "runs" / new_run_id()
        run_dir.mkdir(parents=True)
        try:
            jobs = notebook_jobs(root, config, run_dir, only=only)
        except LdkitError:
            run_dir.rmdir()
            raise
        if workers is None:
            workers = min(2, os.cpu_count() or 1)
        report = run_notebooks(jobs, run_dir, cwd=run_dir, progress=progress,
                               source=str(root / CONFIG_FILE), workers=workers,
                               after=notebook_waits(jobs), kernels=kernels)
        report = dataclasses.replace(report, warnings=tuple(run_health(root, config)),
                                     outputs=tuple(_deliverables(root)))
        write_manifest(run_dir, parameters=_resolved(root, config, jobs), inputs=inputs,
                       report=report)
    return report


def _resolved(root: Path, config: EngagementConfig, jobs: list[Any]) -> dict[str, Any]:
    """Every job's parameters as its phase resolves them (what the manifest records)."""
    from ldkit.engagement.phases import phase_for_notebook

    out = {}
    for job in jobs:
        if phase_for_notebook(job.name) is not None:
            values = phase_params(job.name, root, config=config).model_dump()
            values["engagement_dir"] = job.parameters.get("engagement_dir", str(root))
            out[job.name] = values
        else:
            out[job.name] = dict(job.parameters)
    return out


def run_health(root: str | Path, config: EngagementConfig | None = None,
               ran: set[str] | None = None) -> list[str]:
    """The warnings a consultant must read before sending the deliverables.

    The minimum group size when below 3; then per phase, in order: out of scope
    (its inputs are empty), or what its health check finds in its processed outputs
    (respondents whose role is not in the model, learners without a feasible plan
    with the limit most often binding, low or negative reliability, the share of
    rows excluded). ``ran``: the notebooks of this run (default: all).
    """
    from ldkit.engagement.params import processed_dir
    from ldkit.engagement.phases import PHASES

    root = Path(root)
    config = config or load_engagement(root)
    out: list[str] = []
    small = min_group_size_warning(config.min_group_size)
    if small:
        out.append(small)
    inputs = config.inputs.model_dump()
    notebooks = {p.stem for p in engagement_notebooks(root)}
    for phase in PHASES:
        if phase.notebook not in notebooks or (ran is not None and phase.notebook not in ran):
            continue
        if not phase.in_scope(inputs):
            keys = " or ".join(f"inputs.{k}" for k in phase.scope)
            out.append(f"{phase.title}: out of scope ({keys} is empty in engagement.yaml)")
            continue
        check = phase.load("health")
        if check is not None:
            folder = processed_dir(root, phase.name)
            out += [f"{phase.title}: {w}" for w in check(folder)] if folder.is_dir() else []
    return out


def _deliverables(root: Path) -> list[str]:
    """What is in ``deliverables/``: files, and folders with their file counts."""
    folder = root / "deliverables"
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith("."):
            continue
        if p.is_dir():
            n = sum(1 for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            out.append(f"deliverables/{p.name}/ ({n} files)")
        else:
            out.append(f"deliverables/{p.name}")
    return out


def _ldkit_version() -> str:
    from ldkit._version import __version__

    return __version__


def read_manifest(run_dir: str | Path) -> dict[str, Any]:
    """A run's manifest; a missing or corrupt one is a located error."""
    path = Path(run_dir) / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("the run has no manifest", location=Location(file=str(path)),
                         hint="the run did not finish; run the engagement again") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"the run's manifest is not valid JSON ({exc})",
                         location=Location(file=str(path)),
                         hint="the file is damaged: delete that run folder and run again"
                         ) from None
    if not isinstance(data, dict):
        raise InputError("the run's manifest is not a JSON object",
                         location=Location(file=str(path)),
                         hint="the file is damaged: delete that run folder and run again")
    return data


def _report_from_manifest(run_dir: Path, manifest: dict) -> Any:
    from ldkit.runner import NotebookRun, RunReport

    runs = tuple(NotebookRun(name=n["name"], path=Path(n["path"]),
                             output=run_dir / f"{n['name']}.ipynb", status="up to date",
                             duration=0.0, error=None)
                 for n in manifest.get("notebooks", []))
    return RunReport(run_dir=run_dir, notebooks=runs, ok=True,
                     warnings=tuple(manifest.get("warnings", [])),
                     outputs=tuple(manifest.get("outputs", [])))


def latest_run(folder: str | Path, *, ok_only: bool = False) -> Path | None:
    """The newest run folder (with a readable manifest), optionally only successful runs.

    A run whose manifest is damaged is passed over (it cannot be trusted as a baseline).
    """
    runs = sorted((Path(folder) / "runs").glob("*/manifest.json"), reverse=True)
    for manifest in runs:
        try:
            data = read_manifest(manifest.parent)
        except InputError:
            continue
        if not ok_only:
            return manifest.parent
        if data.get("ok") and data.get("notebooks"):
            return manifest.parent
    return None


def run_results(folder: str | Path, run: str | None = None) -> Any:
    """Recorded results of a run (default: the latest successful one) as one table.

    Columns: engagement, run, notebook, name, value (tables as their JSON text). The
    run's warnings come first, as rows of notebook "run" named "warning".
    """
    import pandas as pd

    from ldkit.records import read_records

    root = Path(folder).resolve()
    config = load_engagement(root)
    run_dir = (root / "runs" / run) if run else latest_run(root, ok_only=True)
    if run_dir is None or not run_dir.is_dir():
        raise InputError(f"{root} has no {'run ' + run if run else 'successful run'}",
                         location=Location(file=str(root / "runs")),
                         hint=f"run it first: ldkit run {root}")
    manifest = read_manifest(run_dir)
    rows = [(config.engagement_id, run_dir.name, "run", "warning", str(w))
            for w in manifest.get("warnings", [])]
    for nb in sorted(run_dir.glob("*.ipynb")):
        for name, value in read_records(nb).items():
            text = value.to_json(orient="split", index=False) if hasattr(value, "to_json") \
                else (value if isinstance(value, str) else json.dumps(value))
            rows.append((config.engagement_id, run_dir.name, nb.stem, name, text))
    return pd.DataFrame(rows, columns=["engagement", "run", "notebook", "name", "value"])
