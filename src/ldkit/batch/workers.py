"""What runs in a batch worker: one notebook at a time, each in a kernel of its own.

A local worker is a process of its own (:func:`_worker_main`), forked from the
batch's warm :class:`~ldkit.kernels.ForkServer` or started as a new
interpreter; on a Dask cluster each notebook is a task (:func:`_dask_run`).
Workers never run notebook code themselves.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ldkit.runner import NotebookError, NotebookJob, NotebookRun

__all__: list[str] = []  # used by ldkit.batch.executors and ldkit.batch.schedule


@dataclass(frozen=True)
class _Task:
    """One notebook of one engagement, as sent to a worker."""

    key: str
    job: NotebookJob
    run_dir: Path
    cwd: Path
    timeout: float | None


@dataclass(frozen=True)
class _Settings:
    """How a worker gets its kernels."""

    kernels: str  # fork | fresh
    kernel_name: str | None = None
    fork_server: str = ""
    ipc_dir: str = ""
    prefetch: bool = False


def _client_config(settings: _Settings) -> Any:
    from traitlets.config import Config

    config = Config({"ForkKernelManager": {"fork_server": settings.fork_server,
                                           "ipc_dir": settings.ipc_dir,
                                           "shutdown_wait_time": 2.0}})
    if settings.ipc_dir:
        # sockets on files in a folder only this user can open: nobody else can listen in,
        # so no CurveZMQ encryption (it is for TCP ports, which any local user can reach)
        config.merge(Config({"ForkKernelManager": {"transport_encryption": "disabled"}}))
    return config


class _KernelSupply:
    """A worker's kernels: with a fork server and ``prefetch``, one is always ready.

    The spare is forked *held* (set up, not answering) while the current
    notebook runs; :meth:`take` activates it in the next notebook's folder and
    forks the next spare. Each kernel serves one notebook.
    """

    def __init__(self, settings: _Settings) -> None:
        self.settings = settings
        self._spare: Any = None

    def _start_held(self) -> Any:
        from jupyter_core.utils import run_sync

        from ldkit.kernels import ForkKernelManager
        from ldkit.runner import _client_options

        config = _client_options(_client_config(self.settings)).get("config")
        km = ForkKernelManager(kernel_name=self.settings.kernel_name or "", config=config,
                               hold=True)
        run_sync(km.start_kernel)(cwd=self.settings.ipc_dir or tempfile.gettempdir(),
                                  extra_arguments=["--HistoryManager.hist_file=:memory:"])
        return km

    def take(self, cwd: Path) -> Any:
        """A started kernel manager for a notebook in ``cwd``, or None (let nbclient start one)."""
        if not (self.settings.prefetch and self.settings.fork_server):
            return None
        km, self._spare = self._spare, None
        try:
            if km is None:
                km = self._start_held()
            km.activate(cwd)
        except Exception:  # the spare or the server died: nbclient starts a kernel instead
            if km is not None:
                self.release(km, now=True)
            km = None
        try:
            self._spare = self._start_held()
        except Exception:
            self._spare = None
        return km

    def release(self, km: Any, *, now: bool = False) -> None:
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):
            if now:
                run_sync(km.shutdown_kernel)(now=True)
                run_sync(km.cleanup_resources)()
            else:
                run_sync(km.release)()

    def close(self) -> None:
        if self._spare is not None:
            self.release(self._spare, now=True)  # never activated: nothing to say goodbye to
            self._spare = None


def _execute(task: _Task, settings: _Settings, supply: _KernelSupply | None = None
             ) -> NotebookRun:
    """Run one notebook in a worker; never raises."""
    from ldkit.kernels import ForkKernelManager
    from ldkit.runner import run_notebook

    km = None
    try:
        km = supply.take(task.cwd) if supply is not None else None
        cell_timeout = 600 if task.timeout is None else max(1, int(task.timeout + 0.999))
        return run_notebook(task.job, task.run_dir, cwd=task.cwd, kernel_name=settings.kernel_name,
                            timeout=cell_timeout, notebook_timeout=task.timeout,
                            kernel_manager_class=ForkKernelManager,
                            config=_client_config(settings), kernel_manager=km)
    except Exception as exc:  # a bug or an I/O error here must not take the worker down
        error = NotebookError(f"{type(exc).__name__}: {exc}", ename=type(exc).__name__,
                              evalue=str(exc))
        return NotebookRun(task.job.name, Path(task.job.path), None, "failed", 0.0, error)
    finally:
        if km is not None and supply is not None:
            supply.release(km)


def _quiet() -> None:
    import logging
    import warnings

    for name in ("papermill", "traitlets", "nbclient", "jupyter_client"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def _worker_main(fd: int) -> None:
    """A local worker process: run the tasks received on the connection ``fd``, one by one.

    Started as a new interpreter (fresh kernels) or forked from the batch's
    fork server (papermill already imported there). Never runs notebook code
    itself: each notebook runs in a kernel of its own.
    """
    from multiprocessing.connection import Connection

    conn = Connection(int(fd))
    os.environ["LDKIT_BATCH_WORKER"] = str(os.getpid())  # kernels can tell who runs them
    _quiet()
    import papermill  # noqa: F401  (before the first notebook)

    import ldkit.kernels
    import ldkit.runner  # noqa: F401

    supply: _KernelSupply | None = None
    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            if message is None:
                break
            task, settings = message
            if supply is None or supply.settings != settings:
                if supply is not None:
                    supply.close()
                supply = _KernelSupply(settings)
            run = _execute(task, settings, supply)
            try:
                conn.send(run)
            except OSError:
                break
    finally:
        if supply is not None:
            supply.close()
    sys.stderr.flush()
    os._exit(0)  # nothing else to tidy: skip the interpreter's slow teardown


_PROCESS_KERNELS: dict[str, Any] = {}


def _warm_server(*, workers: bool = True) -> Any:
    """This process's fork server for batches: started once, kept until the process ends.

    It never runs notebook code, so one batch after another can fork from it;
    later batches in the same process (a notebook, the tests, a Dask worker)
    skip its start-up. ``workers``: it starts with what every kernel and the
    batch workers need (papermill), and each batch adds what its notebooks
    import (:meth:`~ldkit.kernels.ForkServer.preload_more`); without, it is a Dask
    worker's server, with the default preload.
    """
    import atexit

    from ldkit.kernels import DEFAULT_PRELOAD, KERNEL_PRELOAD, WORKER_PRELOAD, ForkServer

    key = "server" if workers else "kernel server"
    server = _PROCESS_KERNELS.get(key)
    if server is None or not (server.alive() or server.pid is None):
        preload = (*KERNEL_PRELOAD, *WORKER_PRELOAD) if workers else DEFAULT_PRELOAD
        server = ForkServer(preload).start(wait=False)
        _PROCESS_KERNELS[key] = server
        atexit.register(server.stop)
    return server


def _dask_run(task: _Task, settings: _Settings) -> NotebookRun:
    """A task on a Dask worker: kernels from this worker process's own fork server."""
    import atexit

    os.environ["LDKIT_BATCH_WORKER"] = str(os.getpid())
    _quiet()
    from ldkit.runner import ensure_kernel

    if "ipc_dir" not in _PROCESS_KERNELS:
        _PROCESS_KERNELS["ipc_dir"] = _ipc_folder()
        atexit.register(shutil.rmtree, _PROCESS_KERNELS["ipc_dir"], True)
    address = _warm_server(workers=False).address if settings.kernels == "fork" else ""
    local = replace(settings, kernel_name=ensure_kernel(), fork_server=address,
                    ipc_dir=_PROCESS_KERNELS["ipc_dir"], prefetch=False)
    return _execute(task, local)


def _ipc_folder() -> str:
    """A private folder for kernel sockets, or "" (TCP) where its paths would be too long."""
    folder = tempfile.mkdtemp(prefix="ldkit-ipc-")
    if len(folder) + 60 > 100:  # AF_UNIX paths: 104-108 bytes; the kernel adds ~60
        shutil.rmtree(folder, ignore_errors=True)
        return ""
    return folder


def _failed_run(task: _Task, message: str, ename: str, duration: float) -> NotebookRun:
    output = task.run_dir / f"{task.job.name}.ipynb"
    return NotebookRun(task.job.name, Path(task.job.path), output if output.exists() else None,
                       "failed", duration, NotebookError(message, ename=ename, evalue=message))
