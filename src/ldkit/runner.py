"""Run parameterized notebooks as one batch, with papermill, and record the run.

A run checks the parameters of every notebook before any kernel starts, then
executes the notebooks in order in a kernel of this very interpreter
(:func:`ensure_kernel`, so nobody has to name or install a kernel by hand),
writes each executed copy into the run folder, stops at the first failure
(the rest are "skipped") and returns a :class:`RunReport`. With ``workers=2``
and ``after`` (which job waits for which), independent notebooks run side by
side, each still in a fresh kernel of its own.
:func:`write_manifest` then stores what ran, with which parameters, on which
inputs and versions::

    run_dir = Path("runs") / new_run_id()
    jobs = [NotebookJob("needs", Path("notebooks/needs.ipynb"), {"client": "Demo Bio"})]
    hashes = file_hashes(["data/raw/survey.xlsx"])
    report = run_notebooks(jobs, run_dir, cwd=Path.cwd())
    write_manifest(run_dir, parameters={"client": "Demo Bio"}, inputs=hashes, report=report)

A notebook declares its parameters in one cell tagged ``parameters`` holding
annotated literals with a trailing comment each::

    client: str = "Demo Bio"  # client display name
    segment_by: str = None  # required: attribute to segment by

Errors: parameter problems raise :class:`~ldkit.errors.ValidationError`
(every problem of every notebook at once); a kernel that cannot be set up
raises :class:`KernelSetupError` (an :class:`~ldkit.errors.LdkitError` and a
``RuntimeError``). A failing notebook raises nothing: it is reported.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as _dt
import difflib
import enum
import functools
import hashlib
import io
import json
import logging
import math
import numbers
import platform
import re
import secrets
import sys
import time
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit._params import check_choice, param_error
from ldkit.errors import (
    InputError,
    InputFileNotFoundError,
    LdkitError,
    Location,
    Problem,
    ValidationError,
)
from ldkit.io import atomic_path, atomic_write_text, existing_file, read_notebook

__all__ = [
    "NOT_LITERAL",
    "KernelSetupError",
    "NotebookError",
    "NotebookJob",
    "NotebookRun",
    "ParameterInfo",
    "RunReport",
    "check_parameters",
    "ensure_kernel",
    "file_hashes",
    "new_run_id",
    "notebook_parameters",
    "run_notebook",
    "run_notebooks",
    "write_manifest",
]

_PARAMETERS_TAG = "parameters"
_INJECTED_TAG = "injected-parameters"  # papermill's tag on the cell it inserts
_ERROR_MARKER_TAG = "papermill-error-cell-tag"  # papermill's tag on its error banners
_JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class KernelSetupError(LdkitError, RuntimeError):
    """No Jupyter kernel running this interpreter could be installed or found."""


class _NotLiteral(enum.Enum):
    NOT_LITERAL = "<not a literal>"

    def __repr__(self) -> str:
        return "NOT_LITERAL"


NOT_LITERAL = _NotLiteral.NOT_LITERAL
"""The ``default`` of a parameter whose default is an expression, not a literal."""


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class ParameterInfo:
    """One parameter declared in a notebook's ``parameters`` cell.

    ``type_name`` is the annotation as written (``"list[str]"``), or None when
    there is none; ``default`` is the Python value of the default, or
    :data:`NOT_LITERAL` when the default is an expression; ``default_text`` is
    the default as written. ``required`` is True when the default is None and
    either the help text says "required" or the annotation does not allow None.
    """

    name: str
    type_name: str | None
    default: Any
    help: str
    required: bool
    default_text: str = ""


@dataclass(frozen=True)
class NotebookJob:
    """A notebook to run: ``name`` names the executed copy (``<name>.ipynb``)."""

    name: str
    path: Path
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NotebookError:
    """Why a notebook failed.

    ``cell_number`` is the 1-based number of the failing cell in the notebook
    as written (papermill's injected-parameters cell not counted);
    ``cell_index`` is its 0-based index in the executed copy as papermill
    reports it; ``exec_count`` is its ``In [n]`` counter.
    """

    message: str
    ename: str | None = None
    evalue: str | None = None
    cell_number: int | None = None
    cell_index: int | None = None
    exec_count: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class NotebookRun:
    """The outcome of one job: status is "ok", "failed" or "skipped".

    ``output`` is the executed copy (kept on failure too); None when skipped.
    """

    name: str
    path: Path
    output: Path | None
    status: str
    duration: float
    error: NotebookError | None = None


@dataclass(frozen=True)
class RunReport:
    """The outcome of a batch: ``ok`` is True when every notebook ran to the end."""

    run_dir: Path
    notebooks: tuple[NotebookRun, ...]
    ok: bool
    started: _dt.datetime | None = None
    finished: _dt.datetime | None = None
    warnings: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> NotebookRun:
        """The run of the job called ``name``."""
        for run in self.notebooks:
            if run.name == name:
                return run
        raise KeyError(name)


# ------------------------------------------------------------------ kernel


def ensure_kernel() -> str:
    """Name of a Jupyter kernel that runs this interpreter, installing it if needed.

    The kernel is called ``ldkit-<8 hex digits of a hash of sys.prefix>`` and
    lives in ``sys.prefix/share/jupyter/kernels``; it is (re)written when
    missing or when it differs from what ipykernel would write for
    :data:`sys.executable` (another Python, an older ipykernel).

    Returns
    -------
    str
        The kernel name, to pass to papermill or nbclient.

    Raises
    ------
    KernelSetupError
        If the kernel cannot be written, or another kernel of the same name
        takes precedence on the Jupyter path.
    """
    from ipykernel.kernelspec import get_kernel_dict
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    name = "ldkit-" + hashlib.sha256(sys.prefix.encode()).hexdigest()[:8]
    spec_dir = Path(sys.prefix, "share", "jupyter", "kernels", name)
    wanted = get_kernel_dict()  # what `ipykernel install` writes, for sys.executable
    wanted["display_name"] = f"Python {platform.python_version()} (ldkit, {sys.prefix})"
    if _read_json(spec_dir / "kernel.json") != wanted:
        try:
            atomic_write_text(spec_dir / "kernel.json", json.dumps(wanted, indent=1) + "\n")
        except OSError as exc:
            raise KernelSetupError(
                f"cannot install the Jupyter kernel {name} in {spec_dir.parent}: {exc}",
                hint="run ldkit from a virtual environment you can write to, "
                "or pass kernel_name= a kernel that runs this Python",
            ) from exc
    try:
        found = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel as exc:
        raise KernelSetupError(
            f"Jupyter does not find the kernel {name} written to {spec_dir}",
            hint="check the JUPYTER_PATH and JUPYTER_DATA_DIR environment variables",
        ) from exc
    if list(found.argv) != wanted["argv"]:
        raise KernelSetupError(
            f"the Jupyter kernel {name} in {found.resource_dir} runs {found.argv[0]}, "
            f"not {sys.executable}",
            hint=f"remove {found.resource_dir}",
        )
    return name


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# ------------------------------------------------------------------ parameters


def notebook_parameters(path: str | Path) -> dict[str, ParameterInfo]:
    """The parameters a notebook declares in its cell tagged ``parameters``.

    Parameters
    ----------
    path : str or Path
        An ``.ipynb`` file.

    Returns
    -------
    dict of str to ParameterInfo
        In the order of the cell.

    Raises
    ------
    InputFileNotFoundError
        If the notebook does not exist.
    InputError
        If no cell is tagged ``parameters``.

    Notes
    -----
    The parameters are those :func:`papermill.inspect_notebook` reports (as in
    ``papermill --help-notebook``). Papermill reads the cell line by line, so
    it drops a line with a second ``=`` or a ``|`` in its annotation and cuts
    a string value at a ``#``; where the cell's syntax tree disagrees with
    papermill on a name or a default, the syntax tree wins. A notebook is read
    once per process while its file is unchanged (same inode, size and modification
    time).
    """
    path = existing_file(path)
    stat = path.stat()
    key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return dict(_declared(str(path), key))


@functools.lru_cache(maxsize=256)
def _declared(path_text: str, version: tuple[int, int, int]) -> dict[str, ParameterInfo]:
    """:func:`notebook_parameters` of one version of a file (the stat is the cache key)."""
    import papermill

    path = Path(path_text)
    cell = _parameters_cell(path)
    # papermill warns about lines it cannot parse; _reconcile reads those itself
    pm_logger = logging.getLogger("papermill")
    level = pm_logger.level
    pm_logger.setLevel(logging.ERROR)
    try:
        found = papermill.inspect_notebook(path)
    except ValueError:  # no kernelspec in the metadata: read it as Python
        from papermill.translators import PythonTranslator

        found = {p.name: p._asdict() for p in PythonTranslator.inspect(cell)}
    finally:
        pm_logger.setLevel(level)
    declared = {}
    for name, p in found.items():
        type_name = None if p["inferred_type_name"] == "None" else p["inferred_type_name"]
        declared[name] = (type_name, p["default"], p["help"])
    declared = _reconcile(declared, cell.source)
    return {
        name: _parameter_info(name, type_name, default_text, help_text)
        for name, (type_name, default_text, help_text) in declared.items()
    }


def _parameters_cell(path: Path) -> Any:
    nb = read_notebook(path)
    for cell in nb.cells:
        if _PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return cell
    raise InputError(
        f"notebook {path} has no cell tagged 'parameters'",
        location=Location(file=str(path)),
        hint='tag the cell holding the notebook\'s settings "parameters" '
        "(View > Cell Toolbar > Tags in Jupyter, or the cell's property inspector in JupyterLab)",
    )


def _reconcile(
    declared: dict[str, tuple[str | None, str, str]], source: str
) -> dict[str, tuple[str | None, str, str]]:
    """Papermill's reading, corrected by the cell's syntax tree where they disagree."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics, for example: keep papermill's reading
        return declared
    comments = _line_comments(source)
    result = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation, value = node.target.id, node.annotation, node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, annotation, value = node.targets[0].id, None, node.value
        else:
            continue
        if value is None:
            continue
        text = ast.get_source_segment(source, value) or ast.unparse(value)
        known = declared.get(name)
        if known is not None and _same_code(known[1], text):
            result[name] = known
            continue
        if annotation is not None:
            type_name = ast.get_source_segment(source, annotation) or ast.unparse(annotation)
            type_name = type_name.strip("\"'")
        else:
            type_name = known[0] if known else None
        help_text = comments.get(node.end_lineno or node.lineno, "")
        result[name] = (type_name, text, help_text)
    for name, known in declared.items():  # anything papermill saw that ast did not
        result.setdefault(name, known)
    return result


def _same_code(a: str, b: str) -> bool:
    try:
        return ast.dump(ast.parse(a, mode="eval")) == ast.dump(ast.parse(b, mode="eval"))
    except SyntaxError:
        return False


def _line_comments(source: str) -> dict[int, str]:
    """Line number -> the text of the comment ending that line."""
    comments = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, SyntaxError):
        pass
    return comments


def _parameter_info(
    name: str, type_name: str | None, default_text: str, help_text: str
) -> ParameterInfo:
    try:
        default = ast.literal_eval(default_text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        default = NOT_LITERAL
    says_required = bool(re.search(r"(?<!not )\brequired\b", help_text, re.IGNORECASE))
    required = default is None and (
        says_required or (type_name is not None and not _split_optional(type_name)[1])
    )
    return ParameterInfo(name, type_name, default, help_text, required, default_text)


def _split_optional(type_name: str) -> tuple[str, bool]:
    """(the type without its None alternative, whether None is allowed)."""
    t = "".join(type_name.split()).strip("\"'")
    t = re.sub(r"^typing\.", "", t)
    m = re.fullmatch(r"Optional\[(.+)\]", t)
    if m:
        return m.group(1), True
    m = re.fullmatch(r"Union\[(.+)\]", t)
    parts = m.group(1).split(",") if m else t.split("|")
    if len(parts) > 1 and "None" in parts:
        rest = [p for p in parts if p != "None"]
        return ("|".join(rest) if len(rest) > 1 else rest[0]), True
    return t, t in {"None", "Any", "object"}


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


# type name -> (test, description)
_SIMPLE_TYPES = {
    "str": (lambda v: isinstance(v, str), "a string"),
    "int": (_is_int, "an integer"),
    "float": (_is_number, "a number"),
    "bool": (lambda v: isinstance(v, bool), "True or False"),
    "list": (lambda v: isinstance(v, list | tuple), "a list"),
    "dict": (lambda v: isinstance(v, Mapping), "a mapping"),
}
_ALIASES = {"List": "list", "Dict": "dict", "Sequence": "list", "Mapping": "dict"}
_PLURALS = {"str": "strings", "int": "integers", "float": "numbers", "bool": "True or False"}


def _type_problem(type_name: str | None, value: Any) -> str | None:
    """What ``value`` must be, when it does not fit ``type_name``; None if it fits."""
    if type_name is None:
        return None
    base, optional = _split_optional(type_name)
    if value is None and optional:
        return None
    m = re.fullmatch(r"(\w+)(?:\[(\w+)(?:,.*)?\])?", base)
    if not m:
        return None
    outer = _ALIASES.get(m.group(1), m.group(1))
    inner = _ALIASES.get(m.group(2) or "", m.group(2))
    if outer not in _SIMPLE_TYPES:
        return None
    test, desc = _SIMPLE_TYPES[outer]
    if outer == "list" and inner in _PLURALS:
        inner_test = _SIMPLE_TYPES[inner][0]
        desc = f"a list of {_PLURALS[inner]}"
        fits = test(value) and all(inner_test(v) for v in value)
    else:
        fits = test(value)
    if fits:
        return None
    return desc + (" or None" if optional else "")


def check_parameters(notebook: str | Path, given: Mapping[str, Any], *, source: str) -> None:
    """Check the parameters given to a notebook against the ones it declares.

    Parameters
    ----------
    notebook : str or Path
        The ``.ipynb`` file.
    given : mapping
        Parameter name -> value, as they would be passed to papermill.
    source : str
        Where the values come from (a file name), for the problems' locations.

    Raises
    ------
    ValidationError
        Listing every problem: a name the notebook does not declare (with the
        closest declared names), a required parameter not given, a value of the
        wrong type (an int is accepted for a float; annotations other than
        str, int, float, bool, list[...] and dict[...] are not checked), or a
        notebook with no cell tagged ``parameters``. Each problem's location is
        ``Location(file=source, field="notebooks.<notebook stem>.<name>")``.
    InputFileNotFoundError
        If the notebook does not exist.
    """
    problems = _parameter_problems(Path(notebook), given, source=source)
    if problems:
        raise ValidationError(problems, what=f"the parameters of notebook {Path(notebook).stem}")


def _parameter_problems(notebook: Path, given: Mapping[str, Any], *, source: str) -> list[Problem]:
    stem = notebook.stem
    try:
        declared = notebook_parameters(notebook)
    except InputError as exc:
        where = Location(file=source, field=f"notebooks.{stem}")
        return [Problem(exc.message, where, exc.hint)]
    problems = []
    for name, value in given.items():
        where = Location(file=source, field=f"notebooks.{stem}.{name}")
        info = declared.get(name)
        if info is None:
            close = difflib.get_close_matches(str(name), list(declared), n=3, cutoff=0.6)
            if close:
                hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
            elif declared:
                hint = "its parameters are " + ", ".join(declared)
            else:
                hint = "it declares no parameters"
            problems.append(Problem(f"notebook {stem} has no parameter '{name}'", where, hint))
            continue
        expected = _type_problem(info.type_name, value)
        if expected is not None:
            message = (
                f"The '{name}' parameter of notebook {stem} must be {expected}. Got {value!r}."
            )
            problems.append(Problem(message, where))
    for name, info in declared.items():
        if info.required and name not in given:
            where = Location(file=source, field=f"notebooks.{stem}.{name}")
            problems.append(
                Problem(
                    f"the required parameter '{name}' of notebook {stem} is missing",
                    where,
                    info.help or None,
                )
            )
    return problems


# ------------------------------------------------------------------ running


def run_notebooks(
    jobs: Sequence[NotebookJob],
    run_dir: str | Path,
    *,
    cwd: str | Path | None = None,
    progress: bool = True,
    kernel_name: str | None = None,
    timeout: int = 600,
    source: str = "parameters",
    workers: int = 1,
    after: Mapping[str, Sequence[str]] | None = None,
    kernels: str = "fresh",
) -> RunReport:
    """Run notebooks in order with papermill; stop at the first failure.

    With ``workers`` above 1, up to that many notebooks run at once, each in a
    kernel of its own started the usual way: a job starts once the jobs named in
    ``after`` have run, in the order of ``jobs`` among those ready. After a
    failure no job starts; those running finish.

    Parameters
    ----------
    jobs : sequence of NotebookJob
        The notebooks, their parameters and the names of their executed copies.
    run_dir : str or Path
        Folder for the executed copies ``<job name>.ipynb`` (created if needed).
    cwd : str or Path, optional
        Working folder of the kernels; default the current folder.
    progress : bool, default True
        Show a progress bar on stderr.
    kernel_name : str, optional
        Jupyter kernel to use; default :func:`ensure_kernel`.
    timeout : int, default 600
        Seconds one cell may run before the notebook fails.
    source : str, default "parameters"
        Where the parameters come from, for the locations of problems.
    workers : int, default 1
        How many notebooks may run at once.
    after : mapping of str to sequence of str, optional
        Job name -> names of earlier jobs it must wait for (with ``workers`` above
        1; names of jobs not in ``jobs`` are ignored). Default: each job waits for
        every job before it (one after the other).
    kernels : {"fresh", "fork"}, default "fresh"
        "fresh": each kernel a new process, as papermill starts it; "fork": each
        kernel forked from this process's warm :class:`ldkit.kernels.ForkServer`
        (:func:`ldkit.kernels.warm_kernel_options`; fresh where that is not possible).

    Returns
    -------
    RunReport
        One :class:`NotebookRun` per job, in order: "ok", "failed" (with a
        :class:`NotebookError`: the failing cell, exception name and message;
        "kernel died" when the kernel process ended) or "skipped" (after a
        failure).

    Raises
    ------
    ValidationError
        If any job's parameters are wrong (see :func:`check_parameters`);
        every job is checked before any kernel starts.
    ParameterError
        If job names repeat or are not plain file names, timeout or workers is not
        a positive integer, or ``after`` names a job that is not earlier.
    InputFileNotFoundError
        If a notebook or ``cwd`` does not exist.
    KernelSetupError
        If no kernel for this interpreter can be set up.
    """
    jobs = list(jobs)
    run_dir = Path(run_dir)
    _check_jobs(jobs, timeout)
    waits = _waits(jobs, workers, after)
    check_choice("kernels", kernels, ("fresh", "fork"), func="run_notebooks")
    if cwd is not None and not Path(cwd).is_dir():
        raise InputFileNotFoundError(cwd, hint="cwd must be an existing folder")
    problems = []
    for job in jobs:
        existing_file(job.path)
        problems.extend(_parameter_problems(Path(job.path), job.parameters, source=source))
    if problems:
        raise ValidationError(problems, what="notebook parameters")
    kernel = kernel_name or ensure_kernel()
    run_dir.mkdir(parents=True, exist_ok=True)
    forked: dict[str, Any] = {}
    if kernels == "fork":
        from ldkit.kernels import warm_kernel_options

        forked = warm_kernel_options()

    started = _dt.datetime.now(_dt.UTC)
    runs: list[NotebookRun] = []
    with _Progress(len(jobs), enabled=progress) as bar:
        if workers == 1:
            for job in jobs:
                if any(r.status != "ok" for r in runs):
                    runs.append(NotebookRun(job.name, Path(job.path), None, "skipped", 0.0))
                    bar.advance(f"{job.name} skipped")
                    continue
                bar.start(job.name)
                runs.append(_run_one(job, run_dir, cwd=cwd, kernel=kernel, timeout=timeout,
                                     **forked))
                bar.advance(f"{job.name} {runs[-1].status}")
        else:
            runs = _run_side_by_side(jobs, waits, workers, bar, run_dir=run_dir, cwd=cwd,
                                     kernel=kernel, timeout=timeout, forked=forked)
    finished = _dt.datetime.now(_dt.UTC)
    ok = all(r.status == "ok" for r in runs)
    return RunReport(run_dir, tuple(runs), ok, started, finished)


def _waits(jobs: list[NotebookJob], workers: int,
           after: Mapping[str, Sequence[str]] | None) -> dict[str, set[str]]:
    """Job name -> the earlier jobs it waits for (checked)."""
    if not _is_int(workers) or workers < 1:
        raise param_error("workers", "run_notebooks", "a positive integer", workers)
    names = [job.name for job in jobs]
    if after is None:
        return {name: set(names[:i]) for i, name in enumerate(names)}
    if not isinstance(after, Mapping):
        raise param_error("after", "run_notebooks", "a mapping of job name to job names", after)
    waits: dict[str, set[str]] = {}
    for i, name in enumerate(names):
        wanted = after.get(name, ())
        if isinstance(wanted, str):
            wanted = (wanted,)
        later = [w for w in wanted if w in names[i:]]
        if later:
            raise param_error("after", "run_notebooks",
                              f"names of jobs that come before {name!r}", later[0])
        waits[name] = {w for w in wanted if w in names[:i]}
    return waits


def _run_side_by_side(jobs: list[NotebookJob], waits: dict[str, set[str]], workers: int,
                      bar: _Progress, *, run_dir: Path, cwd: Any, kernel: str,
                      timeout: int, forked: dict[str, Any]) -> list[NotebookRun]:
    """Run jobs on ``workers`` threads, each job once the jobs it waits for are ok.

    Each notebook still runs in a kernel process of its own (the threads only
    wait on their kernels); a job waiting for one that failed, and every job not
    started after a failure, is "skipped". While notebooks run, the kernel of the
    next one is started ahead of need, the usual way (a new process, as papermill
    starts it), so that its start-up overlaps the running notebooks (with ``forked``
    options, kernels are forked from a warm server instead: nothing to start ahead).
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    done: dict[str, NotebookRun] = {}
    pending = list(jobs)
    running: dict[Any, NotebookJob] = {}
    spare = None
    try:
        with ThreadPoolExecutor(workers, thread_name_prefix="ldkit-notebook") as pool:
            while pending or running:
                failed = any(r.status != "ok" for r in done.values())
                for job in list(pending):
                    if failed or len(running) >= workers:
                        break
                    if all(w in done for w in waits[job.name]):
                        pending.remove(job)
                        km, spare = spare, None
                        running[pool.submit(_run_in, km, job, run_dir, cwd=cwd, kernel=kernel,
                                            timeout=timeout, forked=forked)] = job
                if not running:
                    break
                if pending and spare is None and not failed and not forked:
                    spare = _start_kernel(kernel, cwd)
                bar.start(", ".join(job.name for job in running.values()))
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = running.pop(future)
                    done[job.name] = future.result()  # run_notebook reports, never raises
                    bar.advance(f"{job.name} {done[job.name].status}")
    finally:
        if spare is not None:
            _stop_kernel(spare)
    for job in pending:
        done[job.name] = NotebookRun(job.name, Path(job.path), None, "skipped", 0.0)
        bar.advance(f"{job.name} skipped")
    return [done[job.name] for job in jobs]


def _start_kernel(kernel: str, cwd: Any) -> Any:
    """A kernel manager whose kernel is starting (as nbclient would start it), or None."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    try:
        km = AsyncKernelManager(kernel_name=kernel, config=_client_options().get("config"))
        folder = str(Path(cwd).absolute()) if cwd is not None else None
        run_sync(km.start_kernel)(cwd=folder,
                                  extra_arguments=["--HistoryManager.hist_file=:memory:"])
    except Exception:  # papermill starts the notebook's kernel itself then
        return None
    return km


def _stop_kernel(km: Any) -> None:
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)
    with contextlib.suppress(Exception):
        run_sync(km.cleanup_resources)()


def _run_in(km: Any, job: NotebookJob, run_dir: Path, *, cwd: Any, kernel: str,
            timeout: int, forked: dict[str, Any]) -> NotebookRun:
    """Run ``job`` in the kernel of ``km`` (started ahead), or in a new kernel (None)."""
    if km is None:
        return _run_one(job, run_dir, cwd=cwd, kernel=kernel, timeout=timeout, **forked)
    try:
        return run_notebook(job, run_dir, cwd=cwd, kernel_name=kernel, timeout=timeout,
                            kernel_manager=km)
    finally:
        _stop_kernel(km)


def _check_jobs(jobs: list[NotebookJob], timeout: int) -> None:
    if not _is_int(timeout) or timeout <= 0:
        raise param_error("timeout", "run_notebooks", "a positive integer (seconds)", timeout)
    names = []
    for job in jobs:
        if not isinstance(job, NotebookJob):
            raise param_error("jobs", "run_notebooks", "a sequence of NotebookJob", job)
        if not isinstance(job.name, str) or not _JOB_NAME.match(job.name):
            raise param_error(
                "jobs",
                "run_notebooks",
                "jobs named with letters, digits, '.', '_' or '-'",
                job.name,
            )
        names.append(job.name)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise param_error("jobs", "run_notebooks", "jobs with distinct names", repeated)


def _run_one(
    job: NotebookJob, run_dir: Path, *, cwd: Any, kernel: str, timeout: int, **forked: Any
) -> NotebookRun:
    return run_notebook(job, run_dir, cwd=cwd, kernel_name=kernel, timeout=timeout, **forked)


def run_notebook(
    job: NotebookJob,
    run_dir: str | Path,
    *,
    cwd: str | Path | None = None,
    kernel_name: str | None = None,
    timeout: int = 600,
    notebook_timeout: float | None = None,
    kernel_manager_class: type | None = None,
    config: Any = None,
    kernel_manager: Any = None,
) -> NotebookRun:
    """Run one notebook with papermill into ``run_dir/<job name>.ipynb``; never raises for it.

    The building block of :func:`run_notebooks` and of :mod:`ldkit.batch`.
    Unlike :func:`run_notebooks` it does not check the parameters first
    (do it once, with :func:`check_parameters`, before any kernel starts).

    Parameters
    ----------
    job : NotebookJob
        The notebook, its parameters and the name of its executed copy.
    run_dir : str or Path
        Folder of the executed copy (created if needed).
    cwd : str or Path, optional
        Working folder of the kernel; default the current folder.
    kernel_name : str, optional
        Jupyter kernel to use; default :func:`ensure_kernel`.
    timeout : int, default 600
        Seconds one cell may run.
    notebook_timeout : float, optional
        Seconds the whole notebook may run (kernel start-up not counted); the
        cell running at the deadline is stopped and the run fails with
        ``ename`` "NotebookTimeout".
    kernel_manager_class : type, optional
        A :class:`jupyter_client.AsyncKernelManager` subclass for the kernel,
        e.g. :class:`ldkit.kernels.ForkKernelManager`; default nbclient's.
    config : traitlets.config.Config, optional
        Configuration of the notebook client and kernel manager, merged over
        ldkit's defaults (encrypted kernel sockets where available).
    kernel_manager : jupyter_client.AsyncKernelManager, optional
        A kernel manager whose kernel is already started (e.g. one started
        ahead of need); the notebook runs in it and the caller shuts it down.
        Default: a new kernel, started and shut down here.

    Returns
    -------
    NotebookRun
        "ok", or "failed" with a :class:`NotebookError`: the failing cell and
        its error; "kernel died" (``ename`` "DeadKernelError") when the kernel
        process ended; a timeout (``ename`` "CellTimeoutError" or
        "NotebookTimeout"); or any other error of start-up or I/O.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    output = run_dir / f"{job.name}.ipynb"
    options = _client_options(config)
    if kernel_manager_class is not None:
        options["kernel_manager_class"] = kernel_manager_class
    if kernel_manager is not None:
        options["km"] = kernel_manager
    if cwd is not None:
        # the kernel starts in cwd; papermill's own cwd= would chdir this whole process,
        # which two notebooks run from two threads cannot share
        options["resources"] = {"metadata": {"path": str(Path(cwd).absolute())}}
    began = time.perf_counter()
    deadline = None
    if notebook_timeout is not None:
        deadline = time.monotonic() + notebook_timeout

        def cell_timeout(cell: Any) -> int:
            left = math.ceil(deadline - time.monotonic())
            return max(1, min(timeout, left))

        options["timeout_func"] = cell_timeout
    error = None
    try:
        papermill.execute_notebook(
            str(Path(job.path).absolute()),
            str(output.absolute()),
            parameters=dict(job.parameters) or None,
            kernel_name=kernel_name or ensure_kernel(),
            engine_name=_engine(),
            log_output=False,
            progress_bar=False,
            execution_timeout=timeout,
            **options,
        )
    except papermill.PapermillExecutionError as exc:
        number = _source_cell_number(output, exc.cell_index)
        where = f"cell {number}" if number is not None else f"In [{exc.exec_count}]"
        error = NotebookError(
            f"{exc.ename} in {where}: {exc.evalue}",
            ename=exc.ename,
            evalue=exc.evalue,
            cell_number=number,
            cell_index=exc.cell_index,
            exec_count=exc.exec_count,
        )
    except DeadKernelError:
        index, number = _last_started_cell(output)
        error = NotebookError(
            "kernel died", ename="DeadKernelError", cell_number=number, cell_index=index
        )
    except CellTimeoutError as exc:
        index, number = _last_started_cell(output)
        if deadline is not None and time.monotonic() >= deadline - 1:
            error = NotebookError(
                f"timed out: the notebook ran longer than {notebook_timeout:g} s"
                f" (stopped in cell {number})",
                ename="NotebookTimeout",
                evalue=f"{notebook_timeout:g} s",
                cell_number=number,
                cell_index=index,
            )
        else:
            error = NotebookError(
                f"cell {number} ran longer than {timeout} s",
                ename="CellTimeoutError",
                evalue=str(exc).strip().splitlines()[0] if str(exc).strip() else "",
                cell_number=number,
                cell_index=index,
            )
    except Exception as exc:  # kernel start-up and I/O failures: report, do not abort the batch
        error = NotebookError(
            f"{type(exc).__name__}: {exc}", ename=type(exc).__name__, evalue=str(exc)
        )
    duration = time.perf_counter() - began
    status = "ok" if error is None else "failed"
    return NotebookRun(
        job.name, Path(job.path), output if output.exists() else None, status, duration, error
    )


SAVE_EVERY_S = 1.0
"""While cells run, the executed copy is written at most this often (papermill writes it
before and after every cell); always at the start, after a failure and at the end."""


@functools.cache
def _engine() -> str:
    """papermill's nbclient engine, registered as "ldkit", with two changes.

    - The executed copy is written at most every :data:`SAVE_EVERY_S` while cells
      run: each write is a deep copy, a validation and an indented JSON dump of the
      whole notebook, most of a worker's time on short notebooks.
    - The copy records its notebook's path relative to itself and its own name,
      not the absolute paths papermill records (a folder path names its owner).
    """
    import os

    from papermill.engines import NBClientEngine, papermill_engines

    class _Engine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb: Any, kernel_name: str, output_path: Any = None,
                             **kwargs: Any) -> Any:
            paths = nb.metadata.get("papermill", {})
            if output_path and paths.get("input_path") and paths.get("output_path"):
                with contextlib.suppress(ValueError):  # another drive: kept as it is
                    folder = os.path.dirname(os.path.abspath(output_path))
                    paths["input_path"] = os.path.relpath(paths["input_path"], folder)
                    paths["output_path"] = os.path.basename(output_path)
            return super().execute_notebook(nb, kernel_name, output_path=output_path, **kwargs)

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            last = [time.monotonic()]

            def save(**options: Any) -> None:
                if time.monotonic() - last[0] >= SAVE_EVERY_S:
                    type(nb_man).save(nb_man, **options)
                    last[0] = time.monotonic()

            nb_man.save = save
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            finally:
                del nb_man.save  # papermill's own again: the last write has everything

    papermill_engines.register("ldkit", _Engine)
    return "ldkit"


def _client_options(extra: Any = None) -> dict[str, Any]:
    """nbclient options: encrypt the kernel's sockets where jupyter_client can (8.10+).

    Without keys, recent ipykernels warn on stderr that they run unencrypted.
    ``extra`` (a traitlets Config) is merged over these defaults.
    """
    import zmq
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

    config = Config({"AsyncKernelManager": {"client_class": "ldkit._kernel_client.ReadyClient"}})
    if "transport_encryption" in KernelManager.class_traits() and zmq.has("curve"):
        config.merge(Config({"KernelManager": {"transport_encryption": "auto"}}))
    if extra is not None:
        config.merge(Config(extra))
    return {"config": config} if config else {}


def _executed_cells(output: Path) -> list[Any]:
    """The executed copy's cells without papermill's error banners ([] if unreadable)."""
    import nbformat

    try:
        nb = nbformat.read(output, as_version=4)
    except Exception:  # a missing or half-written copy: no cell numbers then
        return []
    return [c for c in nb.cells if _ERROR_MARKER_TAG not in c.get("metadata", {}).get("tags", [])]


def _source_cell_number(output: Path, cell_index: int) -> int | None:
    """1-based number, in the notebook as written, of the executed copy's cell ``cell_index``."""
    cells = _executed_cells(output)
    if not 0 <= cell_index < len(cells):
        return None
    injected = sum(1 for c in cells[:cell_index] if _INJECTED_TAG in c.metadata.get("tags", []))
    return cell_index + 1 - injected


def _last_started_cell(output: Path) -> tuple[int | None, int | None]:
    """(index in the copy, number as written) of the last cell papermill started."""
    cells = _executed_cells(output)
    started = [i for i, c in enumerate(cells) if c.metadata.get("papermill", {}).get("start_time")]
    if not started:
        return None, None
    return started[-1], _source_cell_number(output, started[-1])


class _Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            self._bar = progress_bar()
            self._bar.__enter__()
            self._task = self._bar.add_task("notebooks", total=self.total)
        return self

    def start(self, name: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=f"running {name}")

    def advance(self, description: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=description)

    def __exit__(self, *exc_info: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc_info)


def progress_bar(*extra: Any) -> Any:
    """A rich progress bar on stderr: spinner, description, bar, done/total, time elapsed,
    then ``extra`` columns (shared by ``ldkit run`` and ``ldkit batch``)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), *extra,
                    console=Console(stderr=True, highlight=False))


# ------------------------------------------------------------------ manifest


def new_run_id() -> str:
    """A run id from the UTC time and 4 random hex digits, e.g. ``20261122-190512-3fa2``."""
    now = _dt.datetime.now(_dt.UTC)
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def file_hashes(paths: Iterable[str | Path]) -> dict[str, str]:
    """SHA-256 (hex) of each file, keyed by the path as given.

    Raises
    ------
    InputFileNotFoundError
        If a file does not exist.
    """
    hashes = {}
    for p in paths:
        path = existing_file(p)
        with path.open("rb") as fh:
            hashes[str(p)] = hashlib.file_digest(fh, "sha256").hexdigest()
    return hashes


def write_manifest(
    run_dir: str | Path,
    *,
    parameters: Mapping[str, Any],
    inputs: Mapping[str, str] | Iterable[str | Path],
    report: RunReport,
    redact: Sequence[str] = ("secret", "password", "token", "email"),
    reused: Mapping[str, str] | None = None,
) -> Path:
    """Write ``run_dir/manifest.json``: what ran, on what, with which versions.

    Parameters
    ----------
    run_dir : str or Path
        The run folder; its name is the run id.
    parameters : mapping
        The run's parameters (nested mappings allowed). The value of every key
        whose name contains one of ``redact`` (case-insensitive) is written as
        ``"<redacted>"``.
    inputs : mapping of path to sha256, or iterable of paths
        Input files, already hashed with :func:`file_hashes` (best: hash before
        the run) or to hash now.
    report : RunReport
        The outcome of :func:`run_notebooks`.
    redact : sequence of str
        Key fragments whose values are not written.
    reused : mapping of str to str, optional
        Notebook name -> id of the earlier run whose executed copy this run
        reuses (a resumed batch run); written as ``"reused_from"``.

    Returns
    -------
    Path
        The manifest, written atomically.
    """
    run_dir = Path(run_dir)
    hashes = dict(inputs) if isinstance(inputs, Mapping) else file_hashes(inputs)
    words = tuple(w.lower() for w in redact)
    manifest = {
        "run_id": run_dir.name,
        "started": _iso(report.started),
        "finished": _iso(report.finished),
        "ok": report.ok,
        "parameters": _redacted(parameters, words),
        "inputs": [{"path": p, "sha256": h} for p, h in hashes.items()],
        "versions": _versions(),
        "warnings": list(report.warnings),
        "outputs": list(report.outputs),
        "notebooks": [
            {
                "name": r.name,
                "path": str(r.path),
                "output": None if r.output is None else str(r.output),
                "status": r.status,
                "duration_s": round(r.duration, 3),
                "error": None
                if r.error is None
                else {
                    "message": r.error.message,
                    "ename": r.error.ename,
                    "evalue": r.error.evalue,
                    "cell_number": r.error.cell_number,
                    "exec_count": r.error.exec_count,
                },
                **({"reused_from": reused[r.name]} if reused and r.name in reused else {}),
            }
            for r in report.notebooks
        ],
    }
    target = run_dir / "manifest.json"
    with atomic_path(target) as tmp:
        tmp.write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
    return target


def _iso(moment: _dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(_dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _redacted(value: Any, words: tuple[str, ...]) -> Any:
    if isinstance(value, Mapping):
        return {
            str(k): "<redacted>" if any(w in str(k).lower() for w in words) else _redacted(v, words)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redacted(v, words) for v in value]
    return value


def _versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    from ldkit._version import __version__

    found: dict[str, str | None] = {"ldkit": __version__, "python": platform.python_version()}
    for package in ("pandas", "papermill"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = None
    return found
