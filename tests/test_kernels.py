"""ldkit.kernels: the fork server, forked kernels (held and not), their ends; real processes."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import pytest

from ldkit.errors import LdkitError, ParameterError
from ldkit.kernels import (
    ForkKernelManager,
    ForkServer,
    KernelStartError,
    _ipykernel_args,
    fork_supported,
)
from ldkit.runner import ensure_kernel

pytestmark = pytest.mark.skipif(not fork_supported(), reason="forking kernels needs Linux")

PROBE = ("import json, os, numpy\n"
         "print(json.dumps({'cwd': os.getcwd(), 'ppid': os.getppid(), 'pid': os.getpid(),"
         " 'sid': os.getsid(0), 'random': float(numpy.random.rand()),"
         " 'env': os.environ.get('LDKIT_TEST_MARK')}))")


@pytest.fixture(scope="module")
def server():
    """A light server (numpy and the kernel only), shared by the tests of this module."""
    with ForkServer(preload=["ipykernel.kernelapp", "numpy"]) as running:
        yield running


async def probe(km, *, ready_timeout: float = 30, code: str = PROBE,
                timeout: float = 30) -> dict:
    """Run ``code`` (PROBE) in the kernel; the JSON it printed."""
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=ready_timeout)
        printed = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])

        await kc.execute_interactive(code, timeout=timeout, output_hook=hook)
        return json.loads("".join(printed))
    finally:
        kc.stop_channels()


def manager(server, tmp_path, **traits) -> ForkKernelManager:
    return ForkKernelManager(kernel_name=ensure_kernel(), fork_server=server.address,
                             ipc_dir=str(tmp_path), **traits)


def gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_fork_call_returns_its_exit_code(server):
    assert server.fork("ldkit.kernels:_exit_with", args=["3"]).wait(timeout=10) == 3


def test_only_ldkit_functions_are_forked(server):
    with pytest.raises(KernelStartError, match="only ldkit functions are forked, not 'os:system'"):
        server.fork("os:system", args=["true"])


def test_kernels_are_fresh_children_in_their_own_folder_and_session(server, tmp_path,
                                                                    monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("LDKIT_TEST_MARK", "passed on")

    async def two_kernels():
        seen = []
        for _ in range(2):
            km = manager(server, tmp_path)
            await km.start_kernel(cwd=str(work))
            try:
                seen.append(await probe(km))
            finally:
                await km.release()
            assert not km.has_kernel
        return seen

    first, second = asyncio.run(two_kernels())
    for seen in (first, second):
        assert seen["cwd"] == str(work)
        assert seen["ppid"] == server.pid  # forked by the server, not by another kernel
        assert seen["sid"] == seen["pid"]  # a session (and process group) of its own
        assert seen["env"] == "passed on"
    assert first["pid"] != second["pid"]
    assert first["random"] != second["random"]  # numpy reseeded in each child
    assert not any(tmp_path.glob("*-[0-9]"))  # the ipc socket files are gone


def test_a_held_kernel_answers_only_once_activated(server, tmp_path):
    work = tmp_path / "work"
    work.mkdir()

    async def held():
        km = manager(server, tmp_path, hold=True)
        await km.start_kernel(cwd=str(tmp_path))
        try:
            with pytest.raises(RuntimeError, match="didn't respond"):
                await probe(km, ready_timeout=1.5)
            km.activate(work)
            return await probe(km)
        finally:
            await km.release()

    assert asyncio.run(held())["cwd"] == str(work)


def test_activate_needs_a_held_forked_kernel(tmp_path):
    with pytest.raises(KernelStartError, match="activate"):
        ForkKernelManager(fork_server="", ipc_dir=str(tmp_path)).activate(tmp_path)


def test_a_killed_kernel_is_seen_dead_with_its_signal(server, tmp_path):
    async def killed():
        km = manager(server, tmp_path)
        await km.start_kernel(cwd=str(tmp_path))
        try:
            pid = km.provisioner.pid
            os.kill(pid, 9)
            deadline = time.monotonic() + 10
            while await km.is_alive() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            return await km.is_alive(), km.provisioner.process.returncode
        finally:
            await km.release()

    assert asyncio.run(killed()) == (False, -9)


def test_the_server_kills_a_child_whose_manager_is_gone(server, tmp_path):
    async def dropped():
        km = manager(server, tmp_path, hold=True)  # held: it would wait forever
        await km.start_kernel(cwd=str(tmp_path))
        pid = km.provisioner.pid
        km.provisioner.process.close()
        await km.cleanup_resources()
        return pid

    assert gone(asyncio.run(dropped()))


def test_stopping_the_server_ends_its_children(tmp_path):
    running = ForkServer(preload=["ipykernel.kernelapp"]).start()

    async def start_held():
        km = manager(running, tmp_path, hold=True)
        await km.start_kernel(cwd=str(tmp_path))
        return km

    km = asyncio.run(start_held())
    server_pid, kernel_pid = running.pid, km.provisioner.pid
    running.stop()
    assert gone(server_pid) and gone(kernel_pid)
    assert not running.alive() and running.pid is None
    asyncio.run(km.release())


def test_a_server_that_cannot_start_says_why():
    with pytest.raises(KernelStartError) as info:
        ForkServer(preload=["matplotlib_inline.backend_inline"]).start()
    assert isinstance(info.value, LdkitError) and isinstance(info.value, RuntimeError)
    assert "the fork server ended while starting" in str(info.value)
    assert "matplotlib_inline.backend_inline must not be preloaded" in str(info.value)


def test_a_module_that_cannot_be_preloaded_is_skipped():
    with ForkServer(preload=["ldkit_no_such_module"]) as running:
        assert running.fork("ldkit.kernels:_exit_with", args=["0"]).wait(timeout=10) == 0
        assert "cannot preload ldkit_no_such_module" in running.log_tail()


def test_preload_must_be_module_names():
    with pytest.raises(ParameterError, match="The 'preload' parameter of ForkServer must be"):
        ForkServer(preload="numpy")


def test_only_ipykernel_of_this_interpreter_is_forked():
    args = ["-f", "/tmp/kernel.json"]
    assert _ipykernel_args([sys.executable, "-m", "ipykernel_launcher", *args]) == args
    assert _ipykernel_args(["/usr/bin/other-python", "-m", "ipykernel_launcher", *args]) is None
    assert _ipykernel_args([sys.executable, "-m", "other_kernel", *args]) is None


def test_warm_kernel_options_run_each_notebook_in_a_forked_kernel(tmp_path, monkeypatch):
    import nbformat

    import ldkit.kernels as kernels
    from ldkit.kernels import warm_kernel_options
    from ldkit.runner import NotebookJob, run_notebook

    monkeypatch.setattr(kernels, "_WARM", {})
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    params = nbformat.v4.new_code_cell('out: str = "x.json"  # where to write')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        "import json, os\n"
        "json.dump({'ppid': os.getppid(), 'pid': os.getpid(), 'cwd': os.getcwd()}, "
        "open(out, 'w'))")]
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    options = warm_kernel_options(["ipykernel.kernelapp"], wait=False)  # starts the server
    assert options["kernel_manager_class"] is ForkKernelManager
    server = kernels._WARM["server"]
    try:
        seen = []
        for name in ("one", "two"):
            job = NotebookJob(name, path, {"out": f"{name}.json"})
            run = run_notebook(job, tmp_path / "runs", cwd=tmp_path, **warm_kernel_options())
            assert run.status == "ok", run.error
            seen.append(json.loads((tmp_path / f"{name}.json").read_text()))
        assert [s["ppid"] for s in seen] == [server.pid, server.pid]  # forked by the server
        assert seen[0]["pid"] != seen[1]["pid"]  # a kernel per notebook
        assert seen[0]["cwd"] == str(tmp_path)
        assert kernels._WARM["server"] is server  # one server for the process
    finally:
        server.stop()
    assert warm_kernel_options() == {}  # a server that has ended: kernels start as usual


SHOW = ("import json, pandas as pd, matplotlib, matplotlib.pyplot as plt\n"
        "frame = pd.DataFrame([[i * j for i in range(30)] for j in range(3)])\n"
        "print(json.dumps({'max_columns': pd.get_option('display.max_columns'),"
        " 'repr': repr(frame), 'backend': matplotlib.get_backend(),"
        " 'figures': plt.get_fignums(), 'font': matplotlib.rcParams['font.family']}))")


async def _shown(km) -> dict:
    return await probe(km, ready_timeout=60, code=SHOW, timeout=60)


def test_forked_kernels_show_dataframes_as_kernels_started_the_usual_way(tmp_path):
    """pandas imported in the server (outside IPython) would fit DataFrames to a terminal;
    the server's warm-up figure (matplotlib preloaded) must leave no figure or setting."""
    from jupyter_client.manager import AsyncKernelManager

    async def both():
        usual = AsyncKernelManager(kernel_name=ensure_kernel())
        await usual.start_kernel(cwd=str(tmp_path))
        try:
            seen_usual = await _shown(usual)
        finally:
            await usual.shutdown_kernel(now=True)
        with ForkServer(preload=["ipykernel.kernelapp", "pandas", "matplotlib.pyplot"]) as warm:
            km = ForkKernelManager(kernel_name=ensure_kernel(), fork_server=warm.address,
                                   ipc_dir=str(tmp_path))
            await km.start_kernel(cwd=str(tmp_path))
            try:
                seen_forked = await _shown(km)
            finally:
                await km.release()
        return seen_usual, seen_forked

    usual, forked = asyncio.run(both())
    assert forked == usual
    assert usual["max_columns"] == 20 and "..." in usual["repr"]


# ------------------------------------------------------------------ what a server preloads


def write_notebook(path, *sources, kinds=None):
    cells = [{"cell_type": (kinds or {}).get(i, "code"), "metadata": {}, "source": source}
             for i, source in enumerate(sources)]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


def test_notebook_imports_reads_code_cells_with_magics_and_skips_what_it_cannot_read(tmp_path):
    from ldkit.kernels import notebook_imports

    first = write_notebook(
        tmp_path / "a.ipynb",
        ["%matplotlib inline\n", "import pandas as pd, numpy\n", "!ls\n"],
        "def f():\n    from scipy import stats\n    from . import sibling\n",
        "%%bash\nimport nothing\n",  # a shell cell: not Python
        "import this",
        "x = (",  # a syntax error
        kinds={3: "markdown"})
    second = write_notebook(tmp_path / "b.ipynb", "import numpy\nimport ldkit.needs")
    broken = tmp_path / "c.ipynb"
    broken.write_text("{not json")
    assert notebook_imports([first, broken, tmp_path / "missing.ipynb", second]) == \
        ["pandas", "numpy", "scipy", "ldkit.needs"]


def test_preload_for_takes_what_the_notebooks_use_from_vetted_packages(tmp_path):
    from ldkit.kernels import (
        ANALYSIS_PRELOAD,
        DEFAULT_PRELOAD,
        KERNEL_PRELOAD,
        WORKER_PRELOAD,
        preload_for,
    )

    plain = write_notebook(tmp_path / "plain.ipynb", "import json\nimport tqdm.auto\nimport pptx\n"
                           "from ipykernel.pylab.backend_inline import flush_figures")
    assert preload_for([plain]) == (*KERNEL_PRELOAD, "pptx")  # tqdm: set up at import
    analysis = write_notebook(tmp_path / "analysis.ipynb",
                              "import matplotlib.pyplot as plt\nfrom ldkit.needs import gaps")
    chosen = preload_for([analysis], workers=True)
    assert chosen[:len(KERNEL_PRELOAD)] == KERNEL_PRELOAD
    assert set(ANALYSIS_PRELOAD) | {"ldkit.needs"} <= set(chosen)  # what ldkit uses at run
    assert chosen[-len(WORKER_PRELOAD):] == WORKER_PRELOAD
    assert "pptx" not in chosen and "ldkit.steps" not in chosen
    assert len(chosen) == len(set(chosen))
    template = Path(__file__).parents[1] / "engagements" / "template" / "notebooks"
    chosen = preload_for(sorted(template.glob("*.ipynb")))
    assert set(DEFAULT_PRELOAD) <= set(chosen)  # engagement steps: what they import when run


def test_preload_more_imports_before_the_next_fork(tmp_path):
    with ForkServer(preload=["ipykernel.kernelapp"]) as warm:
        warm.preload_more(["wave", "ldkit_no_such_module", "matplotlib_inline.backend_inline"])
        warm.preload_more([])
        km = manager(warm, tmp_path)
        code = "import json, sys\nprint(json.dumps({'wave': 'wave' in sys.modules}))"

        async def run():
            await km.start_kernel(cwd=str(tmp_path))
            try:
                return await probe(km, code=code)
            finally:
                await km.release()

        assert asyncio.run(run()) == {"wave": True}
        assert "cannot preload ldkit_no_such_module" in warm.log_tail()
        assert "matplotlib_inline.backend_inline must not be preloaded: skipped" in \
            warm.log_tail()
        assert warm.alive()
        with pytest.raises(ParameterError, match=r"'modules' parameter of ForkServer\.preload"):
            warm.preload_more("wave")
