"""Each engagement of a batch, before any kernel starts: read, hashed, checked, resumed.

:func:`_prepare` never raises for a bad engagement: it marks it "not run" with
the reason, so that the others run. Under resume it decides "up to date" (the
last successful run had the same inputs) or where a failed run restarts.
"""

from __future__ import annotations

import datetime as _dt
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.batch.report import EngagementOutcome
from ldkit.errors import InputError, LdkitError
from ldkit.runner import NotebookJob, NotebookRun, _read_json

__all__: list[str] = []  # used by ldkit.batch.schedule


@dataclass
class _Engagement:
    """One engagement while the batch runs (coordinator side)."""

    index: int
    given: str
    folder: Path
    engagement_id: str | None = None
    status: str = "pending"  # pending | running | ok | failed | up to date | not run
    message: str = ""
    hashes: dict[str, str] = field(default_factory=dict)
    jobs: list[NotebookJob] = field(default_factory=list)
    run_dir: Path | None = None
    runs: list[NotebookRun] = field(default_factory=list)
    reused: dict[str, str] = field(default_factory=dict)
    next_job: int = 0
    busy: bool = False
    started: _dt.datetime | None = None
    finished: _dt.datetime | None = None
    warnings: tuple[str, ...] = ()
    lock: Any = None  # the engagement's run lock while the batch runs it (an ExitStack)

    @property
    def left(self) -> int:
        return len(self.jobs) - self.next_job

    def outcome(self) -> EngagementOutcome:
        return EngagementOutcome(
            given=self.given, folder=self.folder, engagement_id=self.engagement_id,
            status=self.status, run_dir=self.run_dir, notebooks=tuple(self.runs),
            message=self.message, reused=dict(self.reused),
            duration=sum(r.duration for r in self.runs), warnings=tuple(self.warnings))


def _prepare(given: str, index: int, *, only: str | None, resume: bool) -> _Engagement:
    """Read, hash and check one engagement; decide what to run. Never raises LdkitError."""
    from ldkit.engagement import input_files, load_engagement, notebook_jobs
    from ldkit.runner import _parameter_problems, file_hashes, new_run_id

    folder = Path(given).expanduser()
    state = _Engagement(index, given, folder.absolute())
    try:
        if not folder.is_dir():
            raise InputError(f"{given} does not exist" if not folder.exists()
                             else f"{given} is not a folder",
                             hint="give the folder of an engagement, the one holding "
                             "engagement.yaml")
        root = folder.resolve()
        state.folder = root
        config = load_engagement(root)
        state.engagement_id = config.engagement_id
        hashes = file_hashes(input_files(root, config))
        state.hashes = hashes
        names = [p.stem for p in _notebooks(root)] if only is None else [only]
        if resume:
            up_to_date = _up_to_date_run(root, hashes, names)
            if up_to_date is not None:
                state.status = "up to date"
                state.run_dir = up_to_date
                state.message = f"inputs unchanged since run {up_to_date.name}"
                manifest = _read_json(up_to_date / "manifest.json")
                state.runs = [NotebookRun(n["name"], Path(n["path"]),
                                          up_to_date / f"{n['name']}.ipynb", "up to date", 0.0)
                              for n in manifest.get("notebooks", []) if n["name"] in names]
                return state
        run_dir = root / "runs" / new_run_id()
        while run_dir.exists():  # two engagements prepared within a second share the time stamp
            run_dir = root / "runs" / new_run_id()
        jobs = notebook_jobs(root, config, run_dir, only=only)
        problems = []
        for job in jobs:
            problems.extend(_parameter_problems(Path(job.path), job.parameters,
                                                source=str(root / "engagement.yaml")))
        if problems:
            from ldkit.errors import ValidationError

            raise ValidationError(problems, what="notebook parameters")
        state.jobs, state.run_dir = jobs, run_dir
        if resume and only is None:
            _plan_resume(state, root, hashes)
    except LdkitError as exc:
        state.status = "not run"
        state.message = exc.one_line()
    except OSError as exc:  # unreadable files: report, let the others run
        state.status = "not run"
        state.message = f"{type(exc).__name__}: {exc}"
    return state


def _notebooks(root: Path) -> list[Path]:
    from ldkit.engagement import engagement_notebooks

    return engagement_notebooks(root)


def _notebook_paths(engagements: Sequence[str | Path], only: str | None) -> list[Path]:
    """The notebooks the batch may run (for its fork server's preload; never raises)."""
    paths = []
    for given in engagements:
        try:
            found = _notebooks(Path(given).expanduser())
        except (LdkitError, OSError):
            continue  # _prepare reports it
        paths.extend(p for p in found if only is None or p.stem == only)
    return paths



def _same_inputs(manifest: Mapping[str, Any], hashes: Mapping[str, str]) -> bool:
    from ldkit.engagement import _ldkit_version

    previous = {i.get("path"): i.get("sha256") for i in manifest.get("inputs", [])}
    return previous == dict(hashes) and \
        manifest.get("versions", {}).get("ldkit") == _ldkit_version()


def _up_to_date_run(root: Path, hashes: Mapping[str, str], names: list[str]) -> Path | None:
    """The last successful run, if it ran every wanted notebook on the same inputs."""
    from ldkit.engagement import latest_run

    last = latest_run(root, ok_only=True)
    if last is None:
        return None
    manifest = _read_json(last / "manifest.json")
    ran = {n.get("name") for n in manifest.get("notebooks", []) if n.get("status") == "ok"}
    if _same_inputs(manifest, hashes) and set(names) <= ran:
        return last
    return None


def _plan_resume(state: _Engagement, root: Path, hashes: Mapping[str, str]) -> None:
    """Restart a failed run with unchanged inputs at the notebook that failed."""
    from ldkit.engagement import latest_run

    last = latest_run(root)
    if last is None:
        return
    manifest = _read_json(last / "manifest.json")
    if manifest.get("ok") or not _same_inputs(manifest, hashes):
        return
    previous = manifest.get("notebooks", [])
    if [n.get("name") for n in previous] != [j.name for j in state.jobs]:
        return
    assert state.run_dir is not None
    for n, job in zip(previous, state.jobs, strict=True):
        copy = last / f"{job.name}.ipynb"
        if n.get("status") != "ok" or not copy.is_file():
            break
        state.run_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(copy, state.run_dir / copy.name)
        origin = n.get("reused_from") or last.name
        state.reused[job.name] = origin
        state.runs.append(NotebookRun(job.name, Path(job.path), state.run_dir / copy.name,
                                      "ok", float(n.get("duration_s") or 0.0)))
        state.next_job += 1
    if state.reused:
        first = state.jobs[state.next_job].name if state.left else "the end"
        state.message = (f"resumed at {first}: reused {', '.join(state.reused)} "
                         f"from run {last.name}")


def _lock(states: list[_Engagement]) -> None:
    """Take the run lock of every engagement about to run, as ``ldkit run`` does; one
    that another run holds is "not run", naming that run (:func:`_unlock` releases)."""
    import contextlib

    from ldkit.engagement.run import engagement_lock

    for s in states:
        if s.status != "pending" or s.run_dir is None:
            continue
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(engagement_lock(s.folder, s.run_dir.name))
        except (LdkitError, OSError) as exc:
            stack.close()
            s.status = "not run"
            s.message = exc.one_line() if isinstance(exc, LdkitError) else \
                f"the run lock cannot be taken: {type(exc).__name__}: {exc}"
            s.jobs, s.runs, s.reused = [], [], {}
            if s.run_dir.exists():  # only copies a resume put there: the folder is new
                shutil.rmtree(s.run_dir, ignore_errors=True)
            s.run_dir = None
            continue
        s.lock = stack


def _unlock(state: _Engagement) -> None:
    if state.lock is not None:
        state.lock.close()
        state.lock = None


def _mark_repeats(states: list[_Engagement]) -> list[str]:
    """The same folder given twice runs once; return notes on shared engagement ids."""
    first: dict[Path, _Engagement] = {}
    for s in states:
        if s.status == "not run":
            continue
        key = s.folder.resolve()
        if key in first:
            s.status = "not run"
            s.message = (f"{s.given} is the same folder as {first[key].given}: two runs would "
                         "write into one folder at once, so it runs once")
            s.jobs, s.runs, s.reused = [], [], {}
            if s.run_dir is not None and s.run_dir.exists():
                shutil.rmtree(s.run_dir, ignore_errors=True)
            s.run_dir = None
        else:
            first[key] = s
    ids: dict[str, list[str]] = {}
    for s in states:
        if s.status != "not run" and s.engagement_id:
            ids.setdefault(s.engagement_id, []).append(s.given)
    return [f"engagement id '{i}' is shared by {len(g)} folders ({', '.join(g)}); "
            "they run separately and the tables tell them apart by folder"
            for i, g in ids.items() if len(g) > 1]
