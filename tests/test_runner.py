"""ldkit.runner: kernels, parameter inspection and checks, runs in real kernels, manifests.

The runs use real kernels through papermill (no mocks); each of the three
runs (ok, failing, dying) executes once per module and is shared by the tests.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from ldkit.errors import (
    InputError,
    InputFileNotFoundError,
    LdkitError,
    Location,
    ParameterError,
    ValidationError,
)
from ldkit.records import MIMETYPE, read_records
from ldkit.runner import (
    NOT_LITERAL,
    KernelSetupError,
    NotebookJob,
    check_parameters,
    ensure_kernel,
    file_hashes,
    new_run_id,
    notebook_parameters,
    run_notebooks,
    write_manifest,
)

NOTEBOOKS = Path(__file__).parent / "notebooks"
OK, FAILS, TYPED = NOTEBOOKS / "ok.ipynb", NOTEBOOKS / "fails.ipynb", NOTEBOOKS / "typed.ipynb"
DIES, NO_PARAMETERS = NOTEBOOKS / "dies.ipynb", NOTEBOOKS / "no_parameters.ipynb"


# ------------------------------------------------------------------ runs, once per module


@pytest.fixture(scope="module")
def ok_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("ok")
    work = base / "work"
    work.mkdir()
    run_dir = base / "runs" / new_run_id()
    jobs = [NotebookJob("needs", OK, {"client": "Acme Pharma", "output_name": "client.txt"})]
    report = run_notebooks(jobs, run_dir, cwd=work, progress=True)
    return report, work


@pytest.fixture(scope="module")
def failing_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("failing") / "run"
    jobs = [
        NotebookJob("segments", FAILS, {"segment": "tenure"}),
        NotebookJob("needs", OK, {"output_name": "never.txt"}),
    ]
    return run_notebooks(jobs, run_dir, cwd=run_dir.parent, progress=False)


@pytest.fixture(scope="module")
def dead_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("dead") / "run"
    jobs = [NotebookJob("dies", DIES), NotebookJob("needs", OK)]
    return run_notebooks(jobs, run_dir, cwd=run_dir.parent, progress=False)


# ------------------------------------------------------------------ kernel


def test_ensure_kernel_runs_this_interpreter():
    name = ensure_kernel()
    spec = Path(sys.prefix, "share", "jupyter", "kernels", name, "kernel.json")
    assert re.fullmatch(r"ldkit-[0-9a-f]{8}", name)
    assert json.loads(spec.read_text())["argv"][0] == sys.executable
    before = spec.stat().st_mtime_ns
    assert ensure_kernel() == name
    assert spec.stat().st_mtime_ns == before  # already right: not rewritten


@pytest.fixture
def private_prefix(tmp_path, monkeypatch):
    """A sys.prefix of our own, on the Jupyter path, so the real one is untouched."""
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "env"))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "env" / "share" / "jupyter"))
    return tmp_path / "env"


def test_ensure_kernel_installs_and_repairs(private_prefix):
    name = ensure_kernel()
    spec = private_prefix / "share" / "jupyter" / "kernels" / name / "kernel.json"
    assert json.loads(spec.read_text())["argv"][0] == sys.executable
    spec.write_text(json.dumps({"argv": ["/elsewhere/python", "-m", "ipykernel_launcher"],
                                "display_name": "old", "language": "python"}))
    assert ensure_kernel() == name
    assert json.loads(spec.read_text())["argv"][0] == sys.executable


def test_ensure_kernel_reports_a_shadowing_kernel(private_prefix, tmp_path, monkeypatch):
    name = "ldkit-" + hashlib.sha256(str(private_prefix).encode()).hexdigest()[:8]
    other = tmp_path / "other" / "kernels" / name
    other.mkdir(parents=True)
    (other / "kernel.json").write_text(json.dumps(
        {"argv": ["/elsewhere/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "shadow", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "other"))
    with pytest.raises(KernelSetupError, match="/elsewhere/python") as info:
        ensure_kernel()
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, LdkitError)


# ------------------------------------------------------------------ parameters


def test_notebook_parameters_types_defaults_help_required():
    params = notebook_parameters(TYPED)
    assert list(params) == [
        "client", "waves", "threshold", "anonymize", "segments", "segment_by", "note"]
    assert {n: p.type_name for n, p in params.items()} == {
        "client": "str", "waves": "int", "threshold": "float", "anonymize": "bool",
        "segments": "list[str]", "segment_by": "str", "note": "str | None"}
    assert {n: p.default for n, p in params.items()} == {
        "client": "Demo Bio", "waves": 2, "threshold": 0.5, "anonymize": True,
        "segments": ["region", "role"], "segment_by": None, "note": None}
    assert [n for n, p in params.items() if p.required] == ["segment_by"]
    assert params["segment_by"].help == "required: attribute to segment by"
    assert params["client"].help == "client display name"
    assert params["client"].default_text == '"Demo Bio"'


def _notebook_with_parameters(path: Path, source: str) -> Path:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})
    nbformat.write(nb, path)
    return path


def test_non_literal_defaults_and_lines_papermill_misreads(tmp_path):
    path = _notebook_with_parameters(tmp_path / "odd.ipynb", (
        "started = datetime.date.today()  # run date\n"
        'url: str = "https://example.org/#results"  # dashboard link\n'
        'query = "role=rep"  # filter\n'
        "region = None  # Required region code\n"
        "level = None  # not required\n"))
    params = notebook_parameters(path)
    assert params["started"].default is NOT_LITERAL
    assert params["started"].default_text == "datetime.date.today()"
    assert params["started"].type_name is None and not params["started"].required
    assert (params["url"].default, params["url"].help) == (
        "https://example.org/#results", "dashboard link")
    assert params["query"].default == "role=rep"
    assert params["region"].required and not params["level"].required


def test_notebook_without_parameters_cell():
    with pytest.raises(InputError, match=r"no_parameters\.ipynb") as info:
        notebook_parameters(NO_PARAMETERS)
    assert "tagged 'parameters'" in str(info.value) and '"parameters"' in info.value.hint
    assert isinstance(info.value, ValueError)


def test_missing_notebook():
    with pytest.raises(InputFileNotFoundError):
        notebook_parameters(NOTEBOOKS / "nope.ipynb")


def test_check_parameters_accepts_good_values_and_int_for_float():
    check_parameters(TYPED, {"segment_by": "region", "threshold": 1, "waves": 3,
                             "segments": ("region",), "note": None}, source="p.yaml")


def _problems(given: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        check_parameters(TYPED, given, source="engagement.yaml")
    out = {}
    for p in info.value.problems:
        assert p.location.file == "engagement.yaml"
        out[p.location.field] = str(p)
    return out


def test_check_parameters_unknown_name_with_suggestion():
    problems = _problems({"segment_by": "region", "segmnt_by": "role"})
    assert list(problems) == ["notebooks.typed.segmnt_by"]
    assert "no parameter 'segmnt_by'" in problems["notebooks.typed.segmnt_by"]
    assert "did you mean 'segment_by'" in problems["notebooks.typed.segmnt_by"]


def test_check_parameters_missing_required():
    problems = _problems({})
    assert list(problems) == ["notebooks.typed.segment_by"]
    text = problems["notebooks.typed.segment_by"]
    assert "required parameter 'segment_by'" in text and "attribute to segment by" in text


def test_check_parameters_wrong_types_all_at_once():
    with pytest.raises(ValidationError) as info:
        check_parameters(TYPED, {"segment_by": "region", "waves": "three", "anonymize": "yes",
                                 "threshold": True, "segments": ["region", 2], "note": 3},
                         source="engagement.yaml")
    by_name = {p.location.field.rsplit(".", 1)[1]: p for p in info.value.problems}
    assert by_name["waves"].message == (
        "The 'waves' parameter of notebook typed must be an integer. Got 'three'.")
    assert by_name["waves"].location == Location(file="engagement.yaml",
                                                 field="notebooks.typed.waves")
    assert "must be True or False. Got 'yes'" in by_name["anonymize"].message
    assert "must be a number. Got True" in by_name["threshold"].message
    assert "must be a list of strings" in by_name["segments"].message
    assert "must be a string or None. Got 3" in by_name["note"].message
    assert len(info.value.problems) == 5
    assert "5 problems" in str(info.value)


def test_check_parameters_on_notebook_without_parameters_cell():
    with pytest.raises(ValidationError) as info:
        check_parameters(NO_PARAMETERS, {}, source="p.yaml")
    (problem,) = info.value.problems
    assert problem.location.field == "notebooks.no_parameters"
    assert "parameters" in problem.hint


def test_run_checks_every_job_before_any_kernel(tmp_path):
    run_dir = tmp_path / "run"
    jobs = [NotebookJob("typed", TYPED, {"waves": "two"}),
            NotebookJob("needs", OK, {"clinet": "Acme"})]
    with pytest.raises(ValidationError) as info:
        run_notebooks(jobs, run_dir, progress=False, source="engagement.yaml")
    fields = sorted(p.location.field for p in info.value.problems)
    assert fields == ["notebooks.ok.clinet", "notebooks.typed.segment_by",
                      "notebooks.typed.waves"]
    assert not run_dir.exists()  # nothing ran


def test_run_rejects_bad_jobs(tmp_path):
    with pytest.raises(ParameterError, match="distinct names"):
        run_notebooks([NotebookJob("a", OK), NotebookJob("a", OK)], tmp_path, progress=False)
    with pytest.raises(ParameterError, match="jobs named"):
        run_notebooks([NotebookJob("../a", OK)], tmp_path, progress=False)
    with pytest.raises(ParameterError, match="timeout"):
        run_notebooks([NotebookJob("a", OK)], tmp_path, progress=False, timeout=0)
    with pytest.raises(InputFileNotFoundError):
        run_notebooks([NotebookJob("a", NOTEBOOKS / "nope.ipynb")], tmp_path, progress=False)
    with pytest.raises(InputFileNotFoundError):
        run_notebooks([NotebookJob("a", OK)], tmp_path, cwd=tmp_path / "nope", progress=False)


# ------------------------------------------------------------------ runs


def test_ok_run(ok_run):
    report, work = ok_run
    (run,) = report.notebooks
    assert report.ok and run.status == "ok" and run.error is None
    assert run.duration > 0 and report.started <= report.finished
    assert run.output == report.run_dir / "needs.ipynb" and run.output.exists()
    assert report["needs"] is run
    assert (work / "client.txt").read_text(encoding="utf-8") == "Acme Pharma\n"


def test_executed_copies_name_no_absolute_path(ok_run, failing_run):
    """papermill records the notebook's path and the copy's: relative to the copy here."""
    import os

    for report in (ok_run[0], failing_run):
        for run in report.notebooks:
            if run.output is None:
                continue
            meta = nbformat.read(run.output, as_version=4).metadata.papermill
            assert meta["output_path"] == run.output.name
            assert not os.path.isabs(meta["input_path"])
            assert (run.output.parent / meta["input_path"]).resolve() == Path(run.path).resolve()
            assert str(run.output.parent.parent) not in run.output.read_text(encoding="utf-8")


def test_ok_run_records_read_back(ok_run):
    report, _ = ok_run
    records = read_records(report["needs"].output)
    assert list(records) == ["top_priority", "top_gaps"]
    assert records["top_priority"] == "account_planning"
    expected = pd.DataFrame({"capability": ["account_planning", "clinical_acumen"],
                             "gap": [1.5, 0.75]})
    pd.testing.assert_frame_equal(records["top_gaps"], expected)
    nb = nbformat.read(report["needs"].output, as_version=4)
    texts = [o["data"]["text/plain"] for c in nb.cells if c.cell_type == "code"
             for o in c.outputs if MIMETYPE in o.get("data", {})]
    assert texts == ["recorded top_priority = 'account_planning'",
                     "recorded top_gaps = table of 2 rows x 2 columns"]


def test_manifest(ok_run, tmp_path):
    report, _ = ok_run
    data_file = tmp_path / "survey.csv"
    data_file.write_text("id,score\n1,3\n", encoding="utf-8")
    hashes = file_hashes([OK, data_file])
    path = write_manifest(
        report.run_dir,
        parameters={"client": "Acme Pharma", "api_token": "abc123",
                    "contact": {"Email": "lead@acme.example", "name": "Lee"},
                    "notebooks": {"needs": {"output_name": "client.txt"}}},
        inputs=hashes,
        report=report,
    )
    assert path == report.run_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest["run_id"] == report.run_dir.name
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["started"])
    assert manifest["finished"] >= manifest["started"] and manifest["ok"] is True
    assert manifest["parameters"] == {
        "client": "Acme Pharma", "api_token": "<redacted>",
        "contact": {"Email": "<redacted>", "name": "Lee"},
        "notebooks": {"needs": {"output_name": "client.txt"}}}
    assert "abc123" not in path.read_text(encoding="utf-8")
    assert manifest["inputs"] == [
        {"path": str(OK), "sha256": hashlib.sha256(OK.read_bytes()).hexdigest()},
        {"path": str(data_file), "sha256": hashlib.sha256(b"id,score\n1,3\n").hexdigest()}]
    import ldkit
    assert manifest["versions"]["ldkit"] == ldkit.__version__
    assert manifest["versions"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert manifest["versions"]["pandas"] == pd.__version__
    assert manifest["versions"]["papermill"]
    (nb,) = manifest["notebooks"]
    assert (nb["name"], nb["status"], nb["error"]) == ("needs", "ok", None)
    assert nb["duration_s"] > 0


def test_failing_run(failing_run):
    report = failing_run
    failed, skipped = report.notebooks
    assert not report.ok
    assert failed.status == "failed"
    err = failed.error
    assert (err.cell_number, err.ename) == (3, "ValueError")
    assert err.evalue == "no column 'tenure' in the survey"
    assert str(err) == "ValueError in cell 3: no column 'tenure' in the survey"
    nb = nbformat.read(failed.output, as_version=4)  # the executed copy is kept
    assert any(o.get("ename") == "ValueError" for c in nb.cells for o in c.get("outputs", []))
    assert (skipped.status, skipped.output, skipped.duration) == ("skipped", None, 0.0)
    assert not (report.run_dir / "needs.ipynb").exists()


def test_failing_run_in_manifest(failing_run):
    path = write_manifest(failing_run.run_dir, parameters={}, inputs={}, report=failing_run)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest["ok"] is False
    assert [n["status"] for n in manifest["notebooks"]] == ["failed", "skipped"]
    assert manifest["notebooks"][0]["error"]["cell_number"] == 3
    assert manifest["notebooks"][0]["error"]["ename"] == "ValueError"


def test_dead_kernel(dead_run):
    dies, after = dead_run.notebooks
    assert dies.status == "failed" and str(dies.error) == "kernel died"
    assert dies.error.cell_number == 3
    assert dies.output is not None and dies.output.exists()
    assert after.status == "skipped" and not dead_run.ok


# ------------------------------------------------------------------ small helpers, errors


def test_new_run_id():
    run_id = new_run_id()
    assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{4}", run_id)


def test_file_hashes_of_missing_file(tmp_path):
    with pytest.raises(InputFileNotFoundError):
        file_hashes([tmp_path / "nope.csv"])


def test_errors_pickle():
    err = KernelSetupError("cannot install", hint="use a venv")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is KernelSetupError and (back.message, back.hint) == (
        "cannot install", "use a venv")
    assert isinstance(back, RuntimeError) and isinstance(back, LdkitError)
    with pytest.raises(ValidationError) as info:
        check_parameters(TYPED, {"waves": "x"}, source="p.yaml")
    back = pickle.loads(pickle.dumps(info.value))
    assert back.problems == info.value.problems and str(back) == str(info.value)


# ------------------------------------------------------------------ side by side


def _times(output: Path) -> tuple[str, str]:
    meta = nbformat.read(output, as_version=4).metadata["papermill"]
    return meta["start_time"], meta["end_time"]


@pytest.fixture(scope="module")
def side_by_side(tmp_path_factory):
    base = tmp_path_factory.mktemp("side")
    jobs = [NotebookJob("a", OK, {"output_name": "a.txt"}),
            NotebookJob("b", OK, {"output_name": "b.txt"}),
            NotebookJob("c", OK, {"output_name": "c.txt"}),
            NotebookJob("d", FAILS, {"segment": "tenure"}),
            NotebookJob("e", OK, {"output_name": "e.txt"})]
    after = {"c": ["a"], "d": ["a", "b", "c"], "e": ["d"]}
    return run_notebooks(jobs, base / "run", cwd=base, progress=True, workers=2,
                         after=after), base


def test_side_by_side_report_in_job_order(side_by_side):
    report, base = side_by_side
    assert [r.name for r in report.notebooks] == ["a", "b", "c", "d", "e"]
    assert [r.status for r in report.notebooks] == ["ok", "ok", "ok", "failed", "skipped"]
    assert {p.name for p in base.glob("*.txt")} == {"a.txt", "b.txt", "c.txt"}
    # every executed copy carries its outputs and records
    assert read_records(report["c"].output)["top_priority"] == "account_planning"


def test_side_by_side_waits_for_what_a_job_reads(side_by_side):
    report, _ = side_by_side
    start = {r.name: _times(r.output)[0] for r in report.notebooks if r.output}
    end = {r.name: _times(r.output)[1] for r in report.notebooks if r.output}
    assert start["c"] >= end["a"]
    assert start["d"] >= max(end["a"], end["b"], end["c"])
    assert start["b"] < end["a"]  # a and b ran at the same time


def test_after_must_name_earlier_jobs(tmp_path):
    jobs = [NotebookJob("a", OK), NotebookJob("b", OK)]
    with pytest.raises(ParameterError, match="after"):
        run_notebooks(jobs, tmp_path, progress=False, workers=2, after={"a": ["b"]})
    with pytest.raises(ParameterError, match="workers"):
        run_notebooks(jobs, tmp_path, progress=False, workers=0)


def test_forked_kernels_give_the_outputs_of_fresh_ones(tmp_path, ok_run):
    from ldkit.kernels import fork_supported

    if not fork_supported():
        pytest.skip("forking kernels needs Linux")
    report, _ = ok_run
    jobs = [NotebookJob("needs", OK, {"client": "Acme Pharma", "output_name": "client.txt"})]
    forked = run_notebooks(jobs, tmp_path / "run", cwd=tmp_path, progress=False,
                           kernels="fork")
    assert forked.ok
    assert (tmp_path / "client.txt").read_text(encoding="utf-8") == "Acme Pharma\n"

    def shown(path):
        nb = nbformat.read(path, as_version=4)
        return [o.get("data", o.get("text")) for c in nb.cells if c.cell_type == "code"
                for o in c.get("outputs", [])]

    assert shown(forked["needs"].output) == shown(report["needs"].output)
    with pytest.raises(ParameterError, match="kernels"):
        run_notebooks(jobs, tmp_path / "x", progress=False, kernels="warm")
