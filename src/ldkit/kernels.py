"""Warm Jupyter kernels: each notebook's kernel forked from a process that did the imports once.

Starting a Python kernel the usual way costs a new interpreter, ipykernel, and
then the imports of the notebook (pandas, matplotlib, ldkit): over a second of
CPU before the first line of analysis runs. A :class:`ForkServer` pays that
once: it is a process that imports those libraries, never runs a line of
notebook code, and on request forks a child that becomes a fresh IPython
kernel. Each notebook gets its own child, used once and shut down; no notebook
ever sees another's kernel, and the server itself holds no client data::

    with ForkServer() as server:
        km = ForkKernelManager(kernel_name=ensure_kernel(), fork_server=server.address)
        await km.start_kernel(cwd="engagements/acme")  # a fork: the imports are done
        ...
        await km.shutdown_kernel()

:class:`ForkKernelManager` is a :class:`jupyter_client.AsyncKernelManager`
whose kernels come from the server (through :class:`ForkProvisioner`), so
nbclient and papermill use it as any kernel manager
(``kernel_manager_class=ForkKernelManager``). Two more traits serve batches:

- ``ipc_dir`` puts the kernel's sockets on Unix-domain files, one set per
  kernel, instead of TCP ports, so kernels started at the same moment by
  several processes cannot pick the same free port;
- ``hold=True`` starts a kernel *ahead of need*: the child sets itself up
  (sockets, shell) and then waits; :meth:`ForkKernelManager.activate` moves it
  to the notebook's working folder and lets it answer. A batch worker keeps
  one such kernel ready while it runs the current notebook.

:meth:`ForkServer.fork` also forks plain ldkit functions (the batch workers,
which need papermill and nbclient: imported once here too).

Isolation: a forked kernel starts from a copy of the server's memory (the
imported modules, nothing else), runs in its own session and process group,
with its own working folder and environment; numpy's global random generator
is reseeded (Python's ``random`` reseeds itself after a fork). Kernels forked
from one server share its string-hash seed (``PYTHONHASHSEED``). Forking is
offered on Linux only (:func:`fork_supported`).

Errors: a server that cannot start, or a fork it cannot make, raises
:class:`KernelStartError` (an :class:`~ldkit.errors.LdkitError` and a
``RuntimeError``) with the end of the server's log.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Bool, Unicode

from ldkit._params import param_error
from ldkit.errors import LdkitError

__all__ = [
    "ANALYSIS_PRELOAD",
    "BATCH_PRELOAD",
    "DEFAULT_PRELOAD",
    "ENGAGEMENT_MODULES",
    "KERNEL_PRELOAD",
    "WORKER_PRELOAD",
    "ForkKernelManager",
    "ForkProvisioner",
    "ForkServer",
    "ForkedProcess",
    "KernelStartError",
    "fork_supported",
    "notebook_imports",
    "preload_for",
    "warm_kernel_options",
]

KERNEL_PRELOAD: tuple[str, ...] = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",  # every kernel makes a debugger (debugpy): 0.07 s each otherwise
)
"""What every forked kernel needs whatever its notebook does: ipykernel and its debugger."""

ANALYSIS_PRELOAD: tuple[str, ...] = (
    "numpy",
    "pandas",
    "scipy.stats",
    "matplotlib",
    "matplotlib.pyplot",
)
"""The libraries ldkit's analysis functions use when they run (scipy.stats is imported
only on first use): preloaded for any notebook that imports ldkit."""

DEFAULT_PRELOAD: tuple[str, ...] = (
    *KERNEL_PRELOAD,
    *ANALYSIS_PRELOAD,
    "openpyxl",
    "pptx",
    "ldkit",
    "ldkit.records",
    "ldkit.steps",
    "ldkit.capability",
    "ldkit.survey",
    "ldkit.needs",
    "ldkit.needs.plots",
    "ldkit.report",
    "ldkit.deliverables",
    "ldkit.plans.step",
    "ldkit.roi.step",
    "ldkit.strategy.step",
)
"""Modules a :class:`ForkServer` imports by default: the kernel, and what the engagement
notebooks use (their step functions and libraries). One that is missing is skipped."""

WORKER_PRELOAD: tuple[str, ...] = ("papermill", "nbclient", "ldkit.runner")
"""What a batch worker forked from the server needs (it runs papermill, never notebook code)."""

BATCH_PRELOAD: tuple[str, ...] = (*DEFAULT_PRELOAD, *WORKER_PRELOAD)
"""The default preload plus what a batch worker forked from the server needs."""

ENGAGEMENT_MODULES: tuple[str, ...] = ("ldkit.engagement", "ldkit.steps")
"""A notebook importing one of these (or a module inside) runs ldkit's engagement steps:
it gets the whole :data:`DEFAULT_PRELOAD`, which holds what those steps import when run."""

_INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_READY = "ldkit-fork-server ready"
_LAUNCHER = ("-m", "ipykernel_launcher")
_MAX_REQUEST = 1 << 20


class KernelStartError(LdkitError, RuntimeError):
    """A fork server, a kernel or a worker could not be started."""


def fork_supported() -> bool:
    """Whether kernels can be forked from a warm server here (Linux).

    >>> isinstance(fork_supported(), bool)
    True
    """
    return sys.platform.startswith("linux") and hasattr(os, "fork")


# ------------------------------------------------------------------ forked processes


def notebook_imports(notebooks: Iterable[str | Path]) -> list[str]:
    """The modules the code cells of these notebooks import, in the order first seen.

    Absolute imports anywhere in a cell: ``import a.b`` gives ``a.b``, ``from a.b
    import c`` gives ``a.b``. IPython lines (magics, shell escapes) are left out
    of a cell that is not plain Python. A notebook or cell that cannot be read
    is skipped: this only decides what a :class:`ForkServer` imports ahead.

    Examples
    --------
    >>> import json, tempfile
    >>> cells = [{"cell_type": "code", "source": ["%matplotlib inline\\n",
    ...                                           "import pandas as pd, numpy\\n"]},
    ...          {"cell_type": "code", "source": "from ldkit.needs import gap_table"},
    ...          {"cell_type": "markdown", "source": "import this"}]
    >>> with tempfile.NamedTemporaryFile("w", suffix=".ipynb", delete=False) as f:
    ...     json.dump({"cells": cells}, f)
    >>> notebook_imports([f.name])
    ['pandas', 'numpy', 'ldkit.needs']
    """
    import ast

    found: dict[str, None] = {}
    for path in notebooks:
        try:
            cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        for cell in cells if isinstance(cells, list) else []:
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            if isinstance(source, list) and all(isinstance(line, str) for line in source):
                source = "".join(source)
            tree = _parse_cell(source) if isinstance(source, str) else None
            for node in ast.walk(tree) if tree is not None else ():
                if isinstance(node, ast.Import):
                    found.update(dict.fromkeys(alias.name for alias in node.names))
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found[node.module] = None
    return list(found)


_PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture", "%%prun")


def _parse_cell(source: str) -> Any:
    import ast

    first = source.lstrip().split(None, 1)[0] if source.strip() else ""
    if first.startswith("%%") and first not in _PYTHON_CELL_MAGICS:
        return None  # %%bash, %%html...: not Python
    for text in (source, "\n".join(line for line in source.splitlines()
                                    if not line.lstrip().startswith(("%", "!", "?")))):
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError):
            continue
    return None


def preload_for(notebooks: Iterable[str | Path], *, workers: bool = False) -> tuple[str, ...]:
    """What a :class:`ForkServer` for these notebooks imports: what their kernels will use.

    - :data:`KERNEL_PRELOAD` (every kernel);
    - the whole :data:`DEFAULT_PRELOAD` if a notebook runs ldkit's engagement steps
      (it imports one of :data:`ENGAGEMENT_MODULES`): what those steps import when run;
      else :data:`ANALYSIS_PRELOAD` if a notebook imports ldkit;
    - the modules the notebooks import (:func:`notebook_imports`) from the packages
      the default preload holds (numpy, pandas, scipy, matplotlib, openpyxl, pptx,
      ldkit): known to be safe to import before a fork, and to set themselves up the
      same outside a kernel. Other packages (ipykernel's other modules too: one of
      them installs the inline backend) are imported by each kernel, as usual;
    - :data:`WORKER_PRELOAD` if ``workers`` (batch workers are forked from it too).

    Examples
    --------
    >>> import json, tempfile
    >>> code = "import matplotlib.pyplot as plt\\nimport tqdm.auto\\nimport scipy.stats"
    >>> with tempfile.NamedTemporaryFile("w", suffix=".ipynb", delete=False) as f:
    ...     json.dump({"cells": [{"cell_type": "code", "source": code}]}, f)
    >>> preload_for([f.name])
    ('ipykernel.kernelapp', 'ipykernel.ipkernel', 'ipykernel.debugger', \
'matplotlib.pyplot', 'scipy.stats')
    """
    imports = notebook_imports(notebooks)
    vetted = {name.split(".")[0] for name in DEFAULT_PRELOAD} - \
        {name.split(".")[0] for name in KERNEL_PRELOAD}  # ipykernel's own: as listed there
    chosen = list(KERNEL_PRELOAD)
    if any(name == e or name.startswith(e + ".") for name in imports for e in ENGAGEMENT_MODULES):
        chosen.extend(DEFAULT_PRELOAD)
    elif any(name.split(".")[0] == "ldkit" for name in imports):
        chosen.extend(ANALYSIS_PRELOAD)
    chosen.extend(name for name in imports if name.split(".")[0] in vetted)
    if workers:
        chosen.extend(WORKER_PRELOAD)
    return tuple(dict.fromkeys(chosen))


class ForkedProcess:
    """A process forked by a :class:`ForkServer`: a handle like :class:`subprocess.Popen`.

    The exit code comes from the server (the process is its child) over the
    connection this handle keeps; closing the handle before the process ends
    makes the server kill it.
    """

    stdin = stdout = stderr = None

    def __init__(self, conn: socket.socket, pid: int, rest: bytes = b"") -> None:
        self._conn: socket.socket | None = conn
        self._buffer = rest
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code (negative: killed by that signal), or None while it runs."""
        if self.returncode is not None or self._conn is None:
            return self.returncode
        try:
            while True:
                chunk = self._conn.recv(4096)
                if not chunk:  # the server is gone: make sure the process is too
                    _kill_group(self.pid)
                    self.returncode = -signal.SIGKILL
                    break
                self._buffer += chunk
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.returncode = -signal.SIGKILL
        if self.returncode is None and b"\n" in self._buffer:
            self.returncode = int(json.loads(self._buffer.split(b"\n", 1)[0])["exit"])
        if self.returncode is not None:
            self.close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the process to end; return its exit code.

        Raises
        ------
        subprocess.TimeoutExpired
            If it still runs after ``timeout`` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"process {self.pid}", timeout or 0.0)
            time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the process (nothing once it has ended)."""
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the process."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """SIGTERM the process."""
        self.send_signal(signal.SIGTERM)

    def send(self, message: Mapping[str, Any]) -> None:
        """Send a message to the server about this process (e.g. activate a held kernel)."""
        if self._conn is None:
            raise KernelStartError(f"process {self.pid} has ended")
        self._conn.setblocking(True)
        try:
            self._conn.sendall(json.dumps(dict(message)).encode() + b"\n")
        finally:
            self._conn.setblocking(False)

    def close(self) -> None:
        """Drop the connection (the server kills the process if it still runs)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _request(address: str, request: Mapping[str, Any], fds: Sequence[int] = (),
             timeout: float = 30.0) -> ForkedProcess:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(timeout)
        conn.connect(address)
        data = json.dumps(dict(request)).encode() + b"\n"
        if fds:
            socket.send_fds(conn, [data], list(fds))
        else:
            conn.sendall(data)
        answer = b""
        while b"\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                raise KernelStartError("the fork server closed the connection")
            answer += chunk
    except OSError as exc:
        conn.close()
        raise KernelStartError(f"the fork server at {address} did not answer: {exc}",
                               hint="is it still running?") from exc
    line, rest = answer.split(b"\n", 1)
    reply = json.loads(line)
    if "pid" not in reply:
        conn.close()
        raise KernelStartError(f"the fork server refused: {reply.get('error')}")
    conn.setblocking(False)
    return ForkedProcess(conn, int(reply["pid"]), rest)


# ------------------------------------------------------------------ the server (client side)


class ForkServer:
    """A warm process that forks fresh IPython kernels (and ldkit workers) on request.

    Parameters
    ----------
    preload : sequence of str, default DEFAULT_PRELOAD
        Modules the server imports before serving. A module that cannot be
        imported is skipped (the server's log names it).
    python : str, default sys.executable
        The interpreter of the server; kernels whose command runs another
        interpreter are started the usual way.
    start_timeout : float, default 120
        Seconds to wait for the server to finish its imports.

    Notes
    -----
    The server listens on a Unix socket in a private temporary folder (mode
    0700). One connection per child: the server answers with the child's
    process id, writes its exit code on the connection when it ends, and kills
    it if the connection closes first (its manager is gone). The server exits,
    killing the children it still has, when its standard input closes: when
    :meth:`stop` is called or the process that started it dies. Kernels also
    end by themselves if the server dies (ipykernel's parent poller).

    Examples
    --------
    >>> if fork_supported():
    ...     with ForkServer(preload=["json"]) as server:
    ...         code = server.fork("ldkit.kernels:_exit_with", args=["3"]).wait(timeout=10)
    ... else:  # elsewhere kernels start the usual way
    ...     code = 3
    >>> code
    3
    """

    def __init__(self, preload: Sequence[str] = DEFAULT_PRELOAD, *,
                 python: str | None = None, start_timeout: float = 120.0) -> None:
        if isinstance(preload, str) or not all(isinstance(m, str) for m in preload):
            raise param_error("preload", "ForkServer", "a sequence of module names", preload)
        if not fork_supported():
            raise KernelStartError(f"kernels cannot be forked on {sys.platform}",
                                   hint="start kernels the usual way (kernels='fresh')")
        self.preload = tuple(preload)
        self.python = python or sys.executable
        self.start_timeout = start_timeout
        self._folder: Path | None = None
        self._process: subprocess.Popen | None = None
        self._log: Any = None
        self._ready = False

    @property
    def address(self) -> str:
        """Path of the server's Unix socket (waits until the server is ready)."""
        self.start()
        assert self._folder is not None
        return str(self._folder / "fork.sock")

    @property
    def pid(self) -> int | None:
        """Process id of the server, or None before :meth:`start`."""
        return None if self._process is None else self._process.pid

    def start(self, *, wait: bool = True) -> ForkServer:
        """Start the server; unless ``wait=False``, wait until it has imported its modules.

        Raises
        ------
        KernelStartError
            If the server ends or does not become ready within ``start_timeout``.
        """
        if self._process is None:
            self._folder = Path(tempfile.mkdtemp(prefix="ldkit-fork-"))
            self._log = (self._folder / "server.log").open("w+b")
            cmd = [self.python, "-c", "import sys; from ldkit.kernels import _serve; "
                   "_serve(sys.argv[1], sys.argv[2:])", str(self._folder / "fork.sock"),
                   *self.preload]
            try:
                self._process = subprocess.Popen(
                    cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                    start_new_session=True, close_fds=True)
            except OSError as exc:
                self.stop()
                raise KernelStartError(f"the fork server cannot start: {exc}") from exc
            self._started = time.monotonic()
        if wait and not self._ready:
            self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        deadline = self._started + self.start_timeout
        selector = selectors.DefaultSelector()
        selector.register(self._process.stdout, selectors.EVENT_READ)
        line = b""
        try:
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(timeout=left):
                    raise self._failure(f"did not start within {self.start_timeout:g} s")
                chunk = os.read(self._process.stdout.fileno(), 256)
                if not chunk:
                    raise self._failure("ended while starting")
                line += chunk
        finally:
            selector.close()
        if line.decode(errors="replace").strip() != _READY:
            raise self._failure(f"answered {line!r}")
        self._ready = True

    def _failure(self, what: str) -> KernelStartError:
        log = self.log_tail()
        self.stop()
        return KernelStartError(f"the fork server {what}" + (f": {log}" if log else ""),
                                hint="start kernels the usual way (kernels='fresh')")

    def preload_more(self, modules: Sequence[str]) -> None:
        """Have the server import these modules too; returns at once.

        The server imports them before it serves a fork asked for after this
        call, and before it is ready if it is still starting (:meth:`start`
        then waits for them too). Modules it has already are skipped; one that
        cannot be imported is skipped (its kernels import it themselves).
        Starts the server (without waiting) if needed.

        Raises
        ------
        KernelStartError
            If the server has ended.
        """
        if isinstance(modules, str) or not all(isinstance(m, str) for m in modules):
            raise param_error("modules", "ForkServer.preload_more", "a sequence of module names",
                              modules)
        if not modules:
            return
        self.start(wait=False)
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps({"preload": list(modules)}).encode() + b"\n")
            self._process.stdin.flush()
        except OSError as exc:
            raise self._failure(f"ended ({exc})") from exc

    def fork(self, target: str, *, args: Sequence[str] = (), fds: Sequence[int] = (),
             env: Mapping[str, str] | None = None, cwd: str | Path | None = None
             ) -> ForkedProcess:
        """Fork a child that calls ``target`` (``"ldkit.module:function"``).

        The child calls ``function(*fds, *args)`` with the file descriptors
        passed to it (e.g. one end of a socket pair) and the string
        arguments, in its own session, with ``env`` (default this process's
        environment) and ``cwd``; it ends when the function returns.

        Raises
        ------
        KernelStartError
            If the server is not running or refuses (a target outside ldkit).
        """
        request = {"kind": "call", "target": target, "args": [str(a) for a in args],
                   "env": dict(os.environ if env is None else env),
                   "cwd": str(cwd or os.getcwd())}
        return _request(self.address, request, fds)

    def log_tail(self, lines: int = 5) -> str:
        """The last lines the server (and its children) wrote on stderr, on one line."""
        if self._log is None or self._log.closed:
            return ""
        self._log.flush()
        self._log.seek(0)
        text = self._log.read().decode(errors="replace").strip().splitlines()
        return " | ".join(t.strip() for t in text[-lines:] if t.strip())

    def alive(self) -> bool:
        """Whether the server process is running."""
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the server and every child it still runs; remove its folder."""
        process, self._process = self._process, None
        self._ready = False
        if process is not None:
            with contextlib.suppress(OSError):
                assert process.stdin is not None
                process.stdin.close()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> ForkServer:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def __del__(self, _suppress: Any = contextlib.suppress) -> None:  # pragma: no cover
        # best effort, also at interpreter exit, when module globals may already be None
        with _suppress(Exception):
            self.stop(timeout=1.0)


# ------------------------------------------------------------------ the server (its process)


class _Child:
    def __init__(self, conn: socket.socket, go: int | None) -> None:
        self.conn = conn
        self.go = go  # write end of a held kernel's start pipe
        self.buffer = b""


def _serve(address: str, preload: Sequence[str]) -> None:
    """Main loop of the server process (started by :meth:`ForkServer.start`)."""
    # what ipykernel sets before a notebook imports matplotlib
    os.environ.setdefault("MPLBACKEND", _INLINE_BACKEND)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # as ipykernel's kernelspec
    if sys.path and sys.path[0] in ("", "."):
        del sys.path[0]  # modules of the folder the batch was started in are not the kernels'
    parent = sys.stdin.fileno()
    os.set_blocking(parent, False)
    commands = _ParentCommands(parent)
    _import_all(preload)
    if commands.read() is None:  # modules asked for meanwhile (preload_more): before ready
        return

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(parent, selectors.EVENT_READ, "parent")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the batch; it stops us
    # a child that ends wakes the loop at once (its manager may be waiting for its exit code)
    wake, waker = socket.socketpair()
    wake.setblocking(False)
    waker.setblocking(False)
    signal.set_wakeup_fd(waker.fileno(), warn_on_full_buffer=False)
    signal.signal(signal.SIGCHLD, _on_child_signal)
    selector.register(wake, selectors.EVENT_READ, "wake")
    print(_READY, flush=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)  # children must not write into the pipe nobody reads any more

    children: dict[int, _Child] = {}
    by_conn: dict[socket.socket, int] = {}
    pending: dict[socket.socket, bytes] = {}
    try:
        while True:
            # the parent's commands first: modules it asked for come before its next fork
            events = sorted(selector.select(timeout=1.0), key=lambda e: e[0].data != "parent")
            for key, _ in events:
                if key.data == "wake":
                    with contextlib.suppress(OSError):
                        wake.recv(4096)
                    continue
                if key.data == "accept":
                    conn, _ = listener.accept()
                    pending[conn] = b""
                    selector.register(conn, selectors.EVENT_READ, "conn")
                    continue
                if key.data == "parent":
                    if commands.read() is None:
                        return
                    continue
                conn = key.fileobj
                assert isinstance(conn, socket.socket)
                data, fds = b"", []
                with contextlib.suppress(OSError):
                    data, fds, _, _ = socket.recv_fds(conn, _MAX_REQUEST, 8)
                if not data:  # the manager is gone: so is its child
                    selector.unregister(conn)
                    pending.pop(conn, None)
                    pid = by_conn.pop(conn, None)
                    if pid is not None:
                        _kill_group(pid)
                        child = children.get(pid)
                        if child is not None and child.go is not None:
                            os.close(child.go)
                            child.go = None
                    conn.close()
                    continue
                if conn in pending:
                    pending[conn] += data
                    if b"\n" not in pending[conn]:
                        continue
                    request = pending.pop(conn).split(b"\n", 1)[0]
                    closing = [listener, wake, waker, *pending, *by_conn, conn]
                    go_fds = [c.go for c in children.values() if c.go is not None]
                    reply, go = _fork(request, fds, closing, go_fds, selector, parent)
                    for fd in fds:
                        os.close(fd)
                    if "pid" in reply:
                        children[reply["pid"]] = _Child(conn, go)
                        by_conn[conn] = reply["pid"]
                    with contextlib.suppress(OSError):
                        conn.sendall(json.dumps(reply).encode() + b"\n")
                    continue
                pid = by_conn.get(conn)
                child = children.get(pid) if pid is not None else None
                if child is None:
                    continue
                child.buffer += data
                while b"\n" in child.buffer:
                    line, child.buffer = child.buffer.split(b"\n", 1)
                    _on_message(child, line)
            _reap(children, by_conn)
    finally:
        for pid in list(children):
            _kill_group(pid)
        listener.close()
        with contextlib.suppress(OSError):
            os.unlink(address)


def _import_all(names: Iterable[str]) -> None:
    """Import modules in the server (skipping those that fail), then warm and freeze."""
    import gc
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a missing optional module: the kernels import it themselves
            print(f"ldkit fork server: cannot preload {name}: {exc}", file=sys.stderr, flush=True)
    _warm_up()
    backend = "matplotlib_inline.backend_inline"
    if backend in sys.modules:  # importing it hooks it into the running shell: none here
        print(f"ldkit fork server: {backend} must not be preloaded", file=sys.stderr, flush=True)
        sys.exit(3)
    gc.collect()
    gc.freeze()  # keep the imported objects' pages shared with the children


class _ParentCommands:
    """Lines from the process that started the server, on its standard input.

    ``{"preload": [module, ...]}`` imports more modules (:meth:`ForkServer.preload_more`);
    the end of the input stops the server.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def read(self) -> bool | None:
        """Carry out the complete lines there are now; None once the input has ended."""
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                return True
            if not chunk:
                return None
            self.buffer += chunk
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                try:
                    names = json.loads(line)["preload"]
                except (ValueError, KeyError, TypeError):
                    continue
                if not isinstance(names, list):
                    continue
                names = [str(name) for name in names if name not in sys.modules]
                for name in [n for n in names if n.split(".")[0] == "matplotlib_inline"]:
                    # at start-up the server refuses it and ends; once serving, it skips it
                    print(f"ldkit fork server: {name} must not be preloaded: skipped",
                          file=sys.stderr, flush=True)
                    names.remove(name)
                _import_all(names)


_WARMED: list[bool] = []


def _warm_up() -> None:
    """Fill the caches each child would fill again: fonts and glyphs, a notebook validator.

    Once matplotlib is preloaded, draws one figure on an Agg canvas (not through
    pyplot: no figure stays open, no setting changes); with pandas too, imports
    pandas' plotting backend; with nbformat (batch workers), compiles its notebook
    validator. Library caches only; a failure is logged, not fatal.
    """
    try:
        if "matplotlib" in sys.modules and not _WARMED:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            _WARMED.append(True)
            figure = Figure(figsize=(2, 2), dpi=50)
            axes = figure.add_subplot()
            axes.bar(["a", "b"], [1, 2])
            axes.set_title("Warm-up")
            FigureCanvasAgg(figure).draw()
        if "matplotlib" in sys.modules and "pandas" in sys.modules:
            import pandas.plotting._matplotlib  # noqa: F401
        if "nbformat.validator" in sys.modules:  # batch workers validate every notebook
            sys.modules["nbformat.validator"].get_validator()
    except Exception as exc:
        print(f"ldkit fork server: warm-up failed: {exc}", file=sys.stderr, flush=True)


def _on_child_signal(signum: int, frame: Any) -> None:
    """SIGCHLD in the server: nothing to do here; the wake-up socket makes the loop reap."""


def _on_message(child: _Child, line: bytes) -> None:
    """A message about a running child: {"go": cwd} starts a held kernel."""
    try:
        message = json.loads(line)
    except ValueError:
        return
    if "go" in message and child.go is not None:
        with contextlib.suppress(OSError):
            os.write(child.go, str(message["go"]).encode() + b"\n")
        os.close(child.go)
        child.go = None


def _reap(children: dict[int, _Child], by_conn: dict[socket.socket, int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        child = children.pop(pid, None)
        if child is None:
            continue
        by_conn.pop(child.conn, None)
        if child.go is not None:
            os.close(child.go)
        with contextlib.suppress(OSError):
            child.conn.sendall(
                json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(OSError):
            kill(pid, signal.SIGKILL)
            return


def _fork(request: bytes, fds: list[int], closing: list[socket.socket], go_fds: list[int],
          selector: Any, parent: int) -> tuple[dict[str, Any], int | None]:
    """Fork the child a request asks for: (reply, write end of its start pipe or None)."""
    try:
        spec = json.loads(request)
        kind = spec["kind"]
        args = [str(a) for a in spec["args"]]
        env = {str(k): str(v) for k, v in spec["env"].items()}
        cwd = str(spec["cwd"])
        hold = bool(spec.get("hold", False))
        target = str(spec.get("target", ""))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return {"error": f"bad request: {exc}"}, None
    if kind not in ("kernel", "call"):
        return {"error": f"unknown kind {kind!r}"}, None
    if kind == "call" and not (target.startswith("ldkit.") and ":" in target):
        return {"error": f"only ldkit functions are forked, not {target!r}"}, None
    if not os.path.isdir(cwd):
        return {"error": f"the working folder {cwd} does not exist"}, None
    read_go, write_go = os.pipe() if hold else (None, None)
    pid = os.fork()
    if pid:
        if read_go is not None:
            os.close(read_go)
        return {"pid": pid}, write_go
    # ---- the child: never returns
    code = 1
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        selector.close()
        for s in closing:
            s.close()
        for fd in (parent, *go_fds, *([] if write_go is None else [write_go])):
            os.close(fd)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()  # not the server's stream
        if kind == "call":
            module, _, name = target.partition(":")
            import importlib

            result = getattr(importlib.import_module(module), name)(*fds, *args)
            code = result if isinstance(result, int) else 0
        else:
            code = _run_kernel(args, env, read_go)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _run_kernel(args: list[str], env: dict[str, str], read_go: int | None) -> int:
    """In a forked child: become an IPython kernel (held ones wait for their start)."""
    os.environ["JPY_PARENT_PID"] = str(os.getppid())  # the kernel ends if the server does
    if sys.path and sys.path[0] in ("", "."):
        del sys.path[0]  # as ipykernel_launcher; the shell puts the working folder back
    if "matplotlib" in sys.modules and env.get("MPLBACKEND"):
        sys.modules["matplotlib"].rcParams["backend"] = env["MPLBACKEND"]
    if "pandas" in sys.modules:
        # pandas sets its column limit when imported: 0 (fit the terminal) outside IPython,
        # as in the server, 20 in a Jupyter kernel; a kernel started the usual way has 20
        sys.modules["pandas"].set_option("display.max_columns", 20)
    sys.argv = [sys.executable, *args]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(args)
    if read_go is not None:
        with os.fdopen(read_go, "rb") as pipe:
            cwd = pipe.readline().decode().strip()
        if not cwd:  # never activated: the batch is over
            return 0
        os.chdir(cwd)
    app.start()
    return 0


def _exit_with(code: str) -> int:
    """A trivial fork target (tests, examples): return ``int(code)``."""
    return int(code)


# ------------------------------------------------------------------ provisioner and manager


class ForkProvisioner(LocalProvisioner):
    """A local provisioner whose kernels are forked by a :class:`ForkServer`.

    Used by :class:`ForkKernelManager`. A kernel command that does not run
    ``ipykernel_launcher`` with the server's interpreter is launched the
    usual way (:class:`~jupyter_client.provisioning.LocalProvisioner`).
    """

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        km = self.parent
        address = getattr(km, "fork_server", "")
        args = _ipykernel_args(cmd)
        if not address or args is None:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        request = {"kind": "kernel", "args": args, "env": env, "cwd": cwd,
                   "hold": bool(getattr(km, "hold", False))}
        self.process = _request(address, request)
        self.pid = self.pgid = self.process.pid
        self.cwd = cwd
        return self.connection_info

    async def cleanup(self, restart: bool = False) -> None:
        if isinstance(self.process, ForkedProcess):
            self.process.close()
        await super().cleanup(restart=restart)


def _ipykernel_args(cmd: Sequence[str]) -> list[str] | None:
    """The arguments after ``python -m ipykernel_launcher``, or None for another command."""
    if len(cmd) < 3 or tuple(cmd[1:3]) != _LAUNCHER:
        return None
    if os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
        return None
    return list(cmd[3:])


class ForkKernelManager(AsyncKernelManager):
    """An async kernel manager that forks kernels from a :class:`ForkServer`.

    Traits (settable by keyword or by traitlets config, e.g. through
    nbclient's ``config``):

    ``fork_server``
        Socket path of a running :class:`ForkServer` (``server.address``);
        empty: start kernels the usual way.
    ``ipc_dir``
        An existing folder: the kernel's sockets become Unix-domain files
        there (transport ``ipc``), one set per kernel, instead of TCP ports;
        its connection file goes there too.
    ``hold``
        Start the kernel held: set up but not answering until
        :meth:`activate` (forked kernels only).

    Examples
    --------
    >>> km = ForkKernelManager(fork_server="", ipc_dir="")
    >>> km.has_kernel, km.hold
    (False, False)
    """

    fork_server = Unicode("", config=True, help="Socket path of the ldkit fork server.")
    ipc_dir = Unicode("", config=True, help="Folder for ipc sockets; empty: use TCP.")
    hold = Bool(False, config=True, help="Start the kernel held until activate().")

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.provisioner is None:  # not on restarts
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id,
                                               kernel_spec=self.kernel_spec, parent=self)
            if self.ipc_dir:
                self.transport = "ipc"
                self.ip = os.path.join(self.ipc_dir, self.kernel_id[:13])
                if not self.connection_file:  # with the sockets, gone with the folder
                    self.connection_file = os.path.join(self.ipc_dir,
                                                        f"kernel-{self.kernel_id}.json")
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # jupyter_client polls for the kernel's end every 0.1 s; a forked kernel's exit code
        # arrives on its connection as soon as it ends, so look far more often (a recv)
        if isinstance(getattr(self.provisioner, "process", None), ForkedProcess):
            pollinterval = min(pollinterval, 0.005)
        await super()._async_wait(pollinterval=pollinterval)

    def client(self, **kwargs: Any) -> Any:
        """A client of the kernel; :meth:`release` closes it too."""
        kc = super().client(**kwargs)
        self.__dict__.setdefault("_ldkit_clients", []).append(kc)
        return kc

    async def release(self) -> None:
        """Close the clients made by :meth:`client`, shut the kernel down, free its resources.

        For a kernel this manager's caller owns (one passed to nbclient as
        ``km=``, which then leaves it running).
        """
        from jupyter_core.utils import ensure_async

        for kc in self.__dict__.pop("_ldkit_clients", []):
            with contextlib.suppress(Exception):
                await ensure_async(kc.stop_channels())
        try:
            if await self.is_alive():
                await self.shutdown_kernel(now=False)
        except RuntimeError:  # no kernel running
            pass
        finally:
            await self.cleanup_resources()

    def activate(self, cwd: str | Path) -> None:
        """Let a held kernel start, in the working folder ``cwd``.

        Raises
        ------
        KernelStartError
            If the kernel was not started held, or has ended.
        """
        process = getattr(self.provisioner, "process", None)
        if not self.hold or not isinstance(process, ForkedProcess):
            raise KernelStartError("activate() is for kernels started held from a fork server")
        process.send({"go": str(Path(cwd).absolute())})


_WARM: dict[str, ForkServer] = {}


def warm_kernel_options(preload: Sequence[str] = DEFAULT_PRELOAD, *, wait: bool = True
                        ) -> dict[str, Any]:
    """Options for :func:`ldkit.runner.run_notebook` that fork each kernel from a warm server.

    The first call starts this process's :class:`ForkServer` and registers its stop at
    exit; later calls reuse it. Every notebook still gets a kernel of its own, used
    once, and the server never runs notebook code. Where kernels cannot be forked (not
    Linux) or the server cannot start or has died, returns ``{}``: kernels then start
    the usual way.

    Parameters
    ----------
    preload : sequence of str, default DEFAULT_PRELOAD
        Modules the server imports (used by the call that starts it).
    wait : bool, default True
        Wait until the server has imported them (needed before the first kernel).
        ``wait=False`` early (e.g. before preparing inputs) lets the imports run
        meanwhile; a later call with ``wait=True`` then waits for what is left.

    Returns
    -------
    dict
        ``{"kernel_manager_class": ForkKernelManager, "config": traitlets Config}``,
        or ``{}``.

    Examples
    --------
    >>> options = warm_kernel_options()  # doctest: +SKIP
    >>> run_notebook(job, run_dir, cwd=root, **options)  # doctest: +SKIP
    """
    if not fork_supported():
        return {}
    server = _WARM.get("server")
    if server is None:
        import atexit

        server = ForkServer(preload).start(wait=False)
        _WARM["server"] = server
        atexit.register(server.stop)
    if not server.alive():
        return {}
    if wait:
        try:
            server.start()
        except KernelStartError:
            return {}
    from traitlets.config import Config

    return {"kernel_manager_class": ForkKernelManager,
            "config": Config({"ForkKernelManager": {"fork_server": server.address,
                                                    "shutdown_wait_time": 2.0}})}
