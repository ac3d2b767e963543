"""ldkit.batch: many engagements at once, in real kernels (no mocks).

The synthetic engagements are built in temporary folders from the fixture
notebooks of tests/notebooks/batch (see its README); each batch runs once
per test module where several tests read it.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from ldkit.batch import (
    BatchReport,
    batch_results,
    notebook_outcome,
    read_batch,
    run_batch,
)
from ldkit.errors import InputError, LdkitError, ParameterError
from ldkit.kernels import fork_supported
from ldkit.records import read_records

NOTEBOOKS = Path(__file__).parent / "notebooks" / "batch"


def make_engagement(parent: Path, name: str, *, numbers: str = "1\n2\n3\n",
                    fixtures: tuple[str, ...] = ("count", "report"), **config) -> Path:
    """A small engagement: engagement.yaml, notebooks/<n>-<fixture>.ipynb, data/raw/self.csv."""
    root = parent / name
    (root / "notebooks").mkdir(parents=True)
    (root / "data" / "raw").mkdir(parents=True)
    for number, fixture in enumerate(fixtures, start=1):
        target = root / "notebooks" / f"{number}-{fixture}.ipynb"
        shutil.copy(NOTEBOOKS / f"{fixture}.ipynb", target)
    (root / "data" / "raw" / "self.csv").write_text(numbers)
    data = {"client": f"Client {name}", "engagement_id": f"client-{name}", **config}
    (root / "engagement.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return root


def by_folder(report: BatchReport) -> dict[str, object]:
    """Outcomes by folder name (the first, where a folder was given twice)."""
    found: dict[str, object] = {}
    for e in report.engagements:
        found.setdefault(Path(e.given).name, e)
    return found


# ------------------------------------------------------------------ one mixed batch


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Good, failing, dying and unrunnable engagements in one batch of 2 workers."""
    base = tmp_path_factory.mktemp("mixed")
    good_a = make_engagement(base, "a")
    good_b = make_engagement(base, "b", numbers="4\n5\n")
    bad = make_engagement(base, "c", numbers="1\nx\n")
    dies = make_engagement(base, "d", fixtures=("count", "dies", "report"))
    typo = make_engagement(base, "e", notebooks={"1-count": {"colour": "blue"}})
    (base / "plain").mkdir()
    given = [good_a, good_b, bad, dies, base / "nowhere", base / "a", base / "plain", typo]
    out = base / "batches"
    report = run_batch([str(g) for g in given], workers=2, out=out, progress=False)
    return report, base


def test_statuses_in_the_order_given(mixed):
    report, _ = mixed
    assert [(Path(e.given).name, e.status) for e in report.engagements] == [
        ("a", "ok"), ("b", "ok"), ("c", "failed"), ("d", "failed"), ("nowhere", "not run"),
        ("a", "not run"), ("plain", "not run"), ("e", "not run")]
    assert not report.ok
    assert report.counts() == {"ok": 2, "failed": 2, "not run": 4}
    assert report.executor == "local" and report.workers == 2
    assert report.kernels == ("fork" if fork_supported() else "fresh")


def test_good_engagements_record_their_results_and_manifests(mixed):
    report, base = mixed
    a = by_folder(report)["a"]
    assert [n.status for n in a.notebooks] == ["ok", "ok"]
    assert a.run_dir.parent == base / "a" / "runs"
    records = read_records(a.run_dir / "1-count.ipynb")
    assert (records["total"], records["client"]) == (6, "Client a")  # 1 + 2 + 3
    assert read_records(a.run_dir / "2-report.ipynb")["double"] == 12
    manifest = json.loads((a.run_dir / "manifest.json").read_text())
    assert manifest["ok"] is True
    assert [n["status"] for n in manifest["notebooks"]] == ["ok", "ok"]
    assert manifest["parameters"]["1-count"]["self_survey"] == "data/raw/self.csv"
    assert any(i["path"].endswith("data/raw/self.csv") for i in manifest["inputs"])
    b = by_folder(report)["b"]
    assert read_records(b.run_dir / "2-report.ipynb")["double"] == 18  # 2 * (4 + 5)


def test_every_notebook_gets_a_kernel_of_its_own(mixed):
    report, _ = mixed
    pids, parents = [], set()
    for e in report.engagements:
        if e.status != "ok":
            continue
        for n in e.notebooks:
            records = read_records(n.output)
            pids.append(records["kernel_pid"])
            parents.add(records["kernel_parent"])
            first = next(c for c in nbformat.read(n.output, as_version=4).cells
                         if c.cell_type == "code")
            assert first.execution_count == 1  # nothing ran in the kernel before the notebook
    assert len(pids) == 4 and len(set(pids)) == 4
    if report.kernels == "fork":
        assert len(parents) == 1  # all forked by the one warm server, never by each other
        assert not parents & set(pids)


def test_a_failing_cell_is_reported_and_stops_only_its_engagement(mixed):
    report, _ = mixed
    c = by_folder(report)["c"]
    count, rest = c.notebooks
    assert (count.name, count.status, notebook_outcome(count)) == ("1-count", "failed", "failed")
    assert (count.error.ename, count.error.cell_number) == ("ValueError", 4)
    assert "'x'" in count.error.message and count.error.message.startswith("ValueError in cell 4")
    assert count.output.exists()  # the executed copy is kept
    assert (rest.name, rest.status) == ("2-report", "skipped")
    assert c.failed_notebook is count
    assert c.message.startswith("1-count: ValueError in cell 4")
    manifest = json.loads((c.run_dir / "manifest.json").read_text())
    assert manifest["ok"] is False
    assert manifest["notebooks"][0]["error"]["cell_number"] == 4


def test_a_dead_kernel_is_reported_as_such(mixed):
    report, _ = mixed
    d = by_folder(report)["d"]
    assert [(n.name, notebook_outcome(n)) for n in d.notebooks] == [
        ("1-count", "ok"), ("2-dies", "kernel died"), ("3-report", "skipped")]
    died = d.notebooks[1]
    assert (died.error.ename, died.error.cell_number) == ("DeadKernelError", 3)


def test_engagements_that_cannot_run_say_why(mixed):
    report, base = mixed
    messages = {Path(e.given).name + str(i): e.message for i, e in enumerate(report.engagements)}
    assert messages["nowhere4"].startswith(f"{base / 'nowhere'} does not exist")
    assert messages["a5"] == (f"{base / 'a'} is the same folder as {base / 'a'}: two runs "
                              "would write into one folder at once, so it runs once")
    assert "is not an engagement: it has no engagement.yaml" in messages["plain6"]
    assert "notebook 1-count has no parameter 'colour'" in messages["e7"]
    assert not (base / "e" / "runs").exists()  # checked before any kernel started


def test_summary_table(mixed):
    report, _ = mixed
    table = report.summary()
    assert list(table.columns) == ["engagement", "folder", "status", "notebooks",
                                   "failed notebook", "cell", "error", "duration_s", "run"]
    row = table.iloc[2]
    assert (row["engagement"], row["status"], row["notebooks"], row["failed notebook"],
            row["cell"]) == ("client-c", "failed", "0/2 ok", "1-count (failed)", 4)
    assert table.iloc[3]["failed notebook"] == "2-dies (kernel died)"
    assert table.iloc[0]["notebooks"] == "2/2 ok" and pd.isna(table.iloc[0]["cell"])


def test_batch_file_and_results_of_all_engagements(mixed):
    report, base = mixed
    assert report.path == base / "batches" / f"batch-{report.batch_id}.json"
    again = read_batch(report.path)
    pd.testing.assert_frame_equal(again.summary(), report.summary())
    assert again.counts() == report.counts()
    results = batch_results(report.path)
    assert list(results.columns) == ["engagement", "folder", "run", "notebook", "name", "value"]
    totals = results[results["name"] == "total"].set_index("engagement")["value"]
    assert totals.to_dict() == {"client-a": "6", "client-b": "9"}  # JSON text, as run_results
    assert set(results["folder"]) == {str(base / "a"), str(base / "b")}
    pd.testing.assert_frame_equal(report.results(), results)


def test_read_batch_rejects_other_files(tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    with pytest.raises(InputError, match="is not a batch file"):
        read_batch(other)


# ------------------------------------------------------------------ resume


def test_resume_restarts_a_failed_run_at_the_notebook_that_failed(tmp_path):
    flaky = make_engagement(tmp_path, "f", fixtures=("count", "flaky", "report"))
    first = run_batch([flaky], workers=1, out=None, progress=False)
    (f,) = first.engagements
    assert [notebook_outcome(n) for n in f.notebooks] == ["ok", "failed", "skipped"]
    assert f.notebooks[1].error.cell_number == 3
    second = run_batch([flaky], workers=1, resume=True, out=tmp_path, progress=False)
    (f2,) = second.engagements
    assert f2.status == "ok" and f2.run_dir != f.run_dir
    assert f2.reused == {"1-count": f.run_dir.name}
    assert f2.message == f"resumed at 2-flaky: reused 1-count from run {f.run_dir.name}"
    manifest = json.loads((f2.run_dir / "manifest.json").read_text())
    assert manifest["notebooks"][0]["reused_from"] == f.run_dir.name
    assert "reused_from" not in manifest["notebooks"][1]
    assert read_records(f2.run_dir / "1-count.ipynb")["total"] == 6  # the copy, not a rerun
    assert read_records(f2.run_dir / "3-report.ipynb")["double"] == 12
    third = run_batch([flaky], workers=1, resume=True, out=None, progress=False)
    assert third.engagements[0].status == "up to date"
    assert third.engagements[0].run_dir == f2.run_dir


# ------------------------------------------------------------------ timeouts, dead workers


def test_timeout_and_a_dead_worker_do_not_stop_the_others(tmp_path):
    slow = make_engagement(tmp_path, "slow", fixtures=("sleeps", "count"))
    killer = make_engagement(tmp_path, "killer", fixtures=("kills-worker",))
    good = make_engagement(tmp_path, "good", fixtures=("count",))
    report = run_batch([slow, killer, good], workers=2, timeout=3, out=None, progress=False)
    s, k, g = report.engagements
    assert [notebook_outcome(n) for n in s.notebooks] == ["timed out", "skipped"]
    timed_out = s.notebooks[0]
    assert timed_out.error.ename == "NotebookTimeout" and timed_out.error.cell_number == 3
    assert timed_out.error.message == ("timed out: the notebook ran longer than 3 s "
                                       "(stopped in cell 3)")
    assert notebook_outcome(k.notebooks[0]) == "worker died"
    assert k.notebooks[0].error.message.startswith(
        "worker died: the worker process running it ended (killed by signal 9)")
    assert g.status == "ok" and read_records(g.run_dir / "1-count.ipynb")["total"] == 6


def test_fresh_kernels(tmp_path):
    """kernels="fresh": a new worker interpreter, a new kernel process per notebook."""
    a = make_engagement(tmp_path, "a")
    report = run_batch([a], workers=1, kernels="fresh", out=None, progress=False)
    assert report.kernels == "fresh" and report.engagements[0].status == "ok"
    count = read_records(report.engagements[0].run_dir / "1-count.ipynb")
    double = read_records(report.engagements[0].run_dir / "2-report.ipynb")
    assert (count["total"], double["double"]) == (6, 12)
    assert count["kernel_parent"] == double["kernel_parent"]  # the worker started both
    assert count["kernel_pid"] != double["kernel_pid"]


@pytest.mark.skipif(not fork_supported(), reason="forking kernels needs Linux")
def test_forked_kernels_start_with_what_their_notebooks_import(tmp_path):
    """The warm server imports the notebooks' vetted imports and what ldkit uses when run
    (scipy.stats), not other packages (the standard library's wave here)."""
    root = make_engagement(tmp_path, "a", fixtures=())
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    params = nbformat.v4.new_code_cell('client: str = "Client"  # client display name')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params,
                nbformat.v4.new_code_cell(
                    "import sys\nfrom ldkit import record\n"
                    "record('loaded', [m for m in ('openpyxl', 'scipy.stats', 'wave')"
                    " if m in sys.modules])"),
                nbformat.v4.new_code_cell("import openpyxl\nimport wave")]
    nbformat.write(nb, root / "notebooks" / "1-imports.ipynb")
    report = run_batch([root], workers=1, kernels="fork", out=None, progress=False)
    assert report.engagements[0].status == "ok", report.engagements[0].message
    loaded = read_records(report.engagements[0].run_dir / "1-imports.ipynb")["loaded"]
    assert loaded == ["openpyxl", "scipy.stats"]


# ------------------------------------------------------------------ dask


def test_dask_executor_on_a_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    a = make_engagement(tmp_path, "a", fixtures=("count",))
    c = make_engagement(tmp_path, "c", numbers="2\nx\n", fixtures=("count",))
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        report = run_batch([a, c], executor="dask", scheduler=cluster.scheduler_address,
                           out=None, progress=False)
    assert report.executor == "dask"
    assert [e.status for e in report.engagements] == ["ok", "failed"]
    assert read_records(report.engagements[0].run_dir / "1-count.ipynb")["total"] == 6
    failed = report.engagements[1].notebooks[0]
    assert (failed.error.ename, failed.error.cell_number) == ("ValueError", 4)


def test_dask_executor_without_distributed_says_how_to_install_it(tmp_path, monkeypatch):
    a = make_engagement(tmp_path, "a", fixtures=("count",))
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(LdkitError) as info:
        run_batch([a], executor="dask", out=None, progress=False)
    assert info.value.one_line() == ("the dask executor needs the 'distributed' package "
                                     "(pip install 'ldkit[dask]')")
    assert not (a / "runs").exists() or not any((a / "runs").iterdir())


# ------------------------------------------------------------------ arguments


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"engagements": []}, "The 'engagements' parameter of run_batch must be a non-empty "
                          "sequence of engagement folders. Got []."),
    ({"workers": 0}, "The 'workers' parameter of run_batch must be an integer in [1, inf]. "
                     "Got 0."),
    ({"executor": "spark"}, "The 'executor' parameter of run_batch must be one of 'local', "
                            "'dask'. Got 'spark'."),
    ({"kernels": "warm"}, "The 'kernels' parameter of run_batch must be one of 'auto', "
                          "'fork', 'fresh'. Got 'warm'."),
    ({"timeout": 0}, "The 'timeout' parameter of run_batch must be a number in [0.001, inf]. "
                     "Got 0."),
    ({"scheduler": "tcp://localhost:8786"}, "The 'scheduler' parameter of run_batch must be "
                                            "None unless executor='dask'. "
                                            "Got 'tcp://localhost:8786'."),
])
def test_bad_arguments(kwargs, message, tmp_path):
    arguments = {"engagements": [tmp_path], "progress": False, "out": None, **kwargs}
    with pytest.raises(ParameterError) as info:
        run_batch(**arguments)
    assert str(info.value) == message


# ------------------------------------------------------------------ the demo, four times


NEEDS_PHASE = {"capability_model", "self_survey", "self_codebook", "manager_survey",
               "manager_codebook"}


def test_demo_four_times_one_broken_then_resumed(tmp_path):
    """The acceptance scenario: three good copies finish, the broken one names its cell,
    and --resume after the fix reruns that one only.

    The later phases (learning plans, ROI, strategy) are set out of scope ("" inputs) in
    the copies to keep the test short: their notebooks then only say so.
    """
    from ldkit.demo import make_demo_engagement

    source = make_demo_engagement(tmp_path / "source", n_employees=60)
    config = yaml.safe_load((source / "engagement.yaml").read_text())
    config["inputs"] = {k: (v if k in NEEDS_PHASE else "") for k, v in config["inputs"].items()}
    (source / "engagement.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    copies = [Path(shutil.copytree(source, tmp_path / name))
              for name in ("north", "south", "east", "west")]
    export = copies[2] / "data" / "raw" / "self.csv"
    original = export.read_bytes()
    export.write_text("this is not a survey export\n")  # broken on purpose

    first = run_batch(copies, workers=2, out=tmp_path, progress=False)
    assert [e.status for e in first.engagements] == ["ok", "ok", "failed", "ok"], \
        first.summary()[["folder", "status", "failed notebook", "error"]].to_dict("records")
    broken = first.engagements[2]
    failed = broken.failed_notebook
    assert (failed.name, failed.error.cell_number) == ("1-needs-analysis", 4)
    assert "self.csv" in failed.error.message
    assert all(n.status == "skipped" for n in broken.notebooks[1:])
    assert first.notes == ("engagement id 'demo-bio' is shared by 4 folders "
                           f"({', '.join(str(c) for c in copies)}); they run separately "
                           "and the tables tell them apart by folder",)
    kept = batch_results(first).query("name == 'rows_kept'")
    assert kept["folder"].tolist() == [str(copies[i]) for i in (0, 1, 3)]
    # 60 employees, self and manager, plus 2 + 2 respondents who lose one off-scale answer
    assert kept["value"].tolist() == ["124"] * 3

    export.write_bytes(original)  # the fix
    second = run_batch(copies, workers=2, resume=True, out=tmp_path, progress=False)
    assert [e.status for e in second.engagements] == ["up to date", "up to date", "ok",
                                                      "up to date"]
    assert [e.run_dir for i, e in enumerate(second.engagements) if i != 2] == \
        [e.run_dir for i, e in enumerate(first.engagements) if i != 2]
    assert second.engagements[2].run_dir != broken.run_dir
    assert len(batch_results(second).query("name == 'rows_kept'")) == 4


# ------------------------------------------------------------------ the command


def test_cli_batch_resume_and_results(cli, tmp_path):
    good = make_engagement(tmp_path, "good")
    bad = make_engagement(tmp_path, "bad", numbers="3\nthree\n")
    out = tmp_path / "batches"
    code, printed, _ = cli("batch", good, bad, tmp_path / "nowhere", "--workers",
                               2, "--out", out)
    assert code == 1
    lines = printed.splitlines()
    assert any(line.startswith(f"{bad}: 1-count failed: ValueError in cell 4: ")
               and "three" in line for line in lines)
    assert any(line.startswith(f"{tmp_path / 'nowhere'}: not run: ") for line in lines)
    assert "3 engagement(s): 1 ok, 1 failed, 1 not run" in lines
    (batch_file,) = out.glob("batch-*.json")
    assert f"Batch summary: {batch_file}" in lines

    (bad / "data" / "raw" / "self.csv").write_text("3\n4\n")  # the fix
    code, printed, _ = cli("batch", good, bad, "--resume", "--out", out)
    assert code == 0
    assert f"Skipped 1 up-to-date engagement(s), inputs unchanged since their last " \
        f"successful run: {good}" in printed
    assert "2 engagement(s): 1 up to date, 1 ok" in printed
    latest = max(out.glob("batch-*.json"), key=lambda p: p.stat().st_mtime_ns)

    code, printed, _ = cli("results", latest, "--out", tmp_path / "results.csv")
    assert code == 0
    table = pd.read_csv(tmp_path / "results.csv")
    totals = table[table["name"] == "total"].set_index("folder")["value"]
    assert totals.to_dict() == {str(good): "6", str(bad): "7"}  # 1+2+3 and 3+4


def test_cli_batch_bad_option_is_one_line(cli, tmp_path):
    code, _, err = cli("batch", tmp_path, "--executor", "spark")
    assert code == 2
    assert err == ("error: The 'executor' parameter of run_batch must be one of 'local', "
                   "'dask'. Got 'spark'.\n")


# ------------------------------------------------------------------ the run lock


def test_an_engagement_being_run_is_not_run_and_the_lock_is_released(tmp_path):
    from ldkit.engagement.run import engagement_lock

    busy = make_engagement(tmp_path, "busy", fixtures=("count",))
    free = make_engagement(tmp_path, "free", fixtures=("count",))
    with engagement_lock(busy, "20261122-190512-3fa2"):
        report = run_batch([busy, free], workers=1, kernels="fresh", out=None,
                           progress=False)
        # the batch holds no lock any more: a run of the free engagement may start
        with engagement_lock(free, "later"):
            pass
    first, second = report.engagements
    assert first.status == "not run" and first.run_dir is None
    assert "being run by run 20261122-190512-3fa2" in first.message
    assert not [p for p in (busy / "runs").iterdir() if not p.name.startswith(".")]
    assert second.status == "ok"
    with engagement_lock(busy, "after"):  # released when the other holder let go
        pass


def test_the_batch_holds_the_lock_while_it_runs(tmp_path):
    """While a batch runs an engagement, ldkit run of the same engagement is refused."""
    import threading

    from ldkit.engagement.run import EngagementLocked, engagement_lock

    slow = make_engagement(tmp_path, "slow", fixtures=("sleeps",))
    seen: list[str] = []

    def try_lock() -> None:
        import time

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any((slow / "runs").glob("*/1-sleeps.ipynb")):
                try:
                    with engagement_lock(slow, "intruder"):
                        seen.append("taken")
                except EngagementLocked as exc:
                    seen.append(exc.message)
                return
            time.sleep(0.05)

    probe = threading.Thread(target=try_lock)
    probe.start()
    report = run_batch([slow], workers=1, kernels="fresh", out=None, progress=False,
                       timeout=3)
    probe.join()
    assert report.engagements[0].status in ("ok", "failed")
    assert seen and "is being run by run" in seen[0]
