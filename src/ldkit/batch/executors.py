"""Where a batch's notebooks run: worker processes here, or a Dask cluster.

Both executors offer the same few methods to :func:`ldkit.batch.run_batch`:
``open``, ``free``, ``running``, ``submit``, ``wait`` (finished notebooks) and
``close``; ``capacity`` is how many notebooks run at once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldkit.batch.workers import (
    _PROCESS_KERNELS,
    _dask_run,
    _failed_run,
    _ipc_folder,
    _Settings,
    _Task,
    _warm_server,
)
from ldkit.errors import LdkitError
from ldkit.runner import NotebookRun

__all__: list[str] = []  # used by ldkit.batch.schedule

_GRACE_S = 60.0  # beyond the notebook timeout, a silent worker is stopped
_WORKER = "ldkit.batch.workers:_worker_main"


@dataclass
class _Slot:
    process: Any  # subprocess.Popen or ldkit.kernels.ForkedProcess
    conn: Any
    log: Path | None
    task: _Task | None = None
    started: float = 0.0


class _LocalExecutor:
    """Worker processes on this machine, one notebook at a time each.

    With fork kernels, one :class:`ldkit.kernels.ForkServer` (started at once,
    importing while the engagements are prepared) forks both the workers and
    every kernel; otherwise the workers are new interpreters.
    """

    name = "local"

    def __init__(self, workers: int, kernels: str, notes: list[str]) -> None:
        self.capacity = workers
        self.kernels = kernels
        self._notes = notes
        self._folder = Path(tempfile.mkdtemp(prefix="ldkit-batch-"))
        self._ipc = _ipc_folder()
        self._server: Any = None
        self._slots: list[_Slot] = []
        self._closed = False
        self.settings = _Settings(kernels)
        try:
            if kernels == "fork":
                self._server = _warm_server()
            else:
                self._slots = [self._spawn(i) for i in range(workers)]  # they import meanwhile
        except BaseException:
            self.close()
            raise

    def preload(self, notebooks: list[Path]) -> None:
        """Have the fork server import what these notebooks import (meanwhile: no wait)."""
        from ldkit.kernels import KernelStartError, preload_for

        if self._server is not None:
            with contextlib.suppress(KernelStartError):  # open() reports a dead server
                self._server.preload_more(preload_for(notebooks))

    def open(self, workers: int) -> None:
        """Wait for the server's imports; have ``workers`` workers (at most ``capacity``)."""
        from ldkit.kernels import KernelStartError
        from ldkit.runner import ensure_kernel

        address = ""
        if self._server is not None:
            try:
                address = self._server.start().address
            except KernelStartError as exc:
                self._notes.append(f"kernels started the usual way: {exc.one_line()}")
                _PROCESS_KERNELS.pop("server", None)
                self._server, self.kernels = None, "fresh"
        self.settings = _Settings(self.kernels, ensure_kernel(), address, self._ipc,
                                  prefetch=bool(address))
        self.capacity = max(1, min(self.capacity, workers))
        while len(self._slots) < self.capacity:
            self._slots.append(self._spawn(len(self._slots)))

    def _spawn(self, number: int) -> _Slot:
        import socket
        from multiprocessing.connection import Connection

        ours, theirs = socket.socketpair()
        try:
            if self._server is not None:
                process = self._server.fork(_WORKER, fds=[theirs.fileno()])
                return _Slot(process, Connection(ours.detach()), None)
            log = self._folder / f"worker-{number}.log"
            with log.open("ab") as err:
                process = subprocess.Popen(
                    [sys.executable, "-c", "import sys; from ldkit.batch.workers import "
                     "_worker_main; _worker_main(int(sys.argv[1]))", str(theirs.fileno())],
                    pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
            return _Slot(process, Connection(ours.detach()), log)
        finally:
            theirs.close()
            if ours.fileno() != -1:
                ours.close()

    def pids(self) -> list[int]:
        """Process ids of the workers (for tests and diagnostics)."""
        return [s.process.pid for s in self._slots]

    def free(self) -> int:
        return sum(s.task is None for s in self._slots)

    def running(self) -> int:
        return sum(s.task is not None for s in self._slots)

    def submit(self, task: _Task) -> None:
        slot = next(s for s in self._slots if s.task is None)
        slot.task, slot.started = task, time.monotonic()
        with contextlib.suppress(OSError):  # a dead worker: wait() reports it
            slot.conn.send((task, self.settings))

    def wait(self, timeout: float) -> list[tuple[_Task, NotebookRun]]:
        from multiprocessing.connection import wait

        busy = [s for s in self._slots if s.task is not None]
        if not busy:
            time.sleep(timeout)
            return []
        done: list[tuple[_Task, NotebookRun]] = []
        ready = wait([s.conn for s in busy], timeout)
        for slot in busy:
            task = slot.task
            assert task is not None
            if slot.conn in ready:
                try:
                    run = slot.conn.recv()
                except (EOFError, OSError):
                    run = self._replace_dead(slot)
                slot.task = None
                done.append((task, run))
            elif task.timeout is not None and \
                    time.monotonic() - slot.started > task.timeout + _GRACE_S:
                self._stop(slot)
                run = _failed_run(task, f"timed out: the worker did not return within "
                                  f"{task.timeout + _GRACE_S:g} s and was stopped",
                                  "NotebookTimeout", time.monotonic() - slot.started)
                self._respawn(slot)
                slot.task = None
                done.append((task, run))
        return done

    def _replace_dead(self, slot: _Slot) -> NotebookRun:
        assert slot.task is not None
        try:
            code = slot.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._stop(slot)
            code = slot.process.returncode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        log = "" if slot.log is None else _tail(slot.log)
        message = f"worker died: the worker process running it ended ({how})" + \
            (f"; its log ends: {log}" if log else "")
        run = _failed_run(slot.task, message, "WorkerDied", time.monotonic() - slot.started)
        self._respawn(slot)
        return run

    def _stop(self, slot: _Slot) -> None:
        with contextlib.suppress(OSError):
            os.killpg(slot.process.pid, signal.SIGKILL)  # workers run in sessions of their own
        with contextlib.suppress(OSError):
            slot.process.kill()
        with contextlib.suppress(Exception):
            slot.process.wait(timeout=10)

    def _respawn(self, slot: _Slot) -> None:
        slot.conn.close()
        fresh = self._spawn(self._slots.index(slot) + len(self._slots))
        slot.process, slot.conn, slot.log = fresh.process, fresh.conn, fresh.log

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for slot in self._slots:
            if slot.task is not None:  # interrupted mid-notebook: its kernel goes with it
                self._stop(slot)
                continue
            with contextlib.suppress(OSError):
                slot.conn.send(None)
        deadline = time.monotonic() + 5
        for slot in self._slots:
            try:
                slot.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._stop(slot)
            slot.conn.close()
        shutil.rmtree(self._folder, ignore_errors=True)  # the warm server stays for the next batch
        if self._ipc:
            shutil.rmtree(self._ipc, ignore_errors=True)


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(t.strip() for t in text[-lines:] if t.strip())


class _DaskExecutor:
    """Tasks on a Dask distributed cluster; each notebook is one Dask task."""

    name = "dask"

    def __init__(self, scheduler: Any, workers: int, kernels: str) -> None:
        try:
            import distributed
        except ImportError as exc:
            raise LdkitError("the dask executor needs the 'distributed' package",
                             hint="pip install 'ldkit[dask]'") from exc
        self._distributed = distributed
        self._cluster: Any = None
        self._own_client = True
        if scheduler is None:
            self._cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                                     processes=True, dashboard_address=None)
            self.client = distributed.Client(self._cluster)
        elif isinstance(scheduler, distributed.Client):
            self.client, self._own_client = scheduler, False
        else:
            try:
                self.client = distributed.Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise LdkitError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                                 hint="check --scheduler (e.g. tcp://host:8786) and that "
                                 "the scheduler runs") from exc
        threads = sum(self.client.nthreads().values())
        if threads == 0:
            self.close()
            raise LdkitError(f"the Dask cluster at {scheduler} has no workers",
                             hint="start workers: dask worker SCHEDULER_ADDRESS")
        self.capacity = threads
        self.kernels = kernels
        self.settings = _Settings(kernels)
        self._futures: dict[Any, tuple[_Task, float]] = {}

    def open(self, workers: int) -> None:
        """Nothing to wait for: the cluster is up."""

    def free(self) -> int:
        return self.capacity - len(self._futures)

    def running(self) -> int:
        return len(self._futures)

    def submit(self, task: _Task) -> None:
        future = self.client.submit(_dask_run, task, self.settings, pure=False, retries=0,
                                    key=f"ldkit-{task.key}-{uuid.uuid4().hex[:8]}")
        self._futures[future] = (task, time.monotonic())

    def wait(self, timeout: float) -> list[tuple[_Task, NotebookRun]]:
        if not self._futures:
            time.sleep(timeout)
            return []
        try:
            done, _ = self._distributed.wait(list(self._futures), timeout=timeout,
                                             return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        finished = []
        for future in done:
            task, began = self._futures.pop(future)
            if future.status == "finished":
                run = future.result()
            else:
                exc = future.exception()
                killed = type(exc).__name__ == "KilledWorker"
                run = _failed_run(task, ("worker died: " if killed else "") +
                                  f"{type(exc).__name__}: {exc}",
                                  "WorkerDied" if killed else type(exc).__name__,
                                  time.monotonic() - began)
            finished.append((task, run))
        return finished

    def close(self) -> None:
        for future in list(self._futures):
            future.cancel()
        self._futures.clear()
        if self._own_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
