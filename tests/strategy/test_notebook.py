"""The template notebook 5-strategy-tracking, run by the engagement runner (real kernels)."""

import re
from pathlib import Path

import nbformat
import pytest

from ldkit.engagement import run_engagement, template_path
from ldkit.records import read_records
from ldkit.runner import notebook_parameters

NOTEBOOK = template_path() / "notebooks" / "5-strategy-tracking.ipynb"


def test_stored_without_outputs_with_a_parameters_cell():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert [c for c in code if "parameters" in c.metadata.get("tags", [])] == [code[0]]
    # the engagement's values come from engagement.yaml (phase_params), as under ldkit run
    assert set(notebook_parameters(NOTEBOOK)) == {"engagement_dir", "run_dir"}


@pytest.fixture(scope="module")
def engagement(tmp_path_factory) -> Path:
    from ldkit.engagement import new_engagement

    return new_engagement("Demo Bio", folder=tmp_path_factory.mktemp("eng"),
                          engagement_id="demo-bio")


def stream_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs if o.get("output_type") == "stream")


def test_out_of_scope_prints_one_sentence_and_records_nothing(engagement):
    report = run_engagement(engagement, only="5-strategy-tracking", progress=False)
    assert report.ok
    executed = report.run_dir / "5-strategy-tracking.ipynb"
    assert read_records(executed) == {}
    assert stream_text(executed) == ("Learning strategy tracking is not in scope for this "
                                     "engagement (the 'strategy' input is empty).\n")


def test_in_scope_records_the_key_numbers(engagement):
    from ldkit.strategy import write_demo_strategy

    write_demo_strategy(engagement / "data" / "raw")
    config = engagement / "engagement.yaml"
    text = config.read_text(encoding="utf-8")
    for key, value in (("strategy", "data/raw/strategy.yaml"),
                       ("lms_completions", "data/raw/lms_completions.csv"),
                       ("time_tracking", "data/raw/time_tracking.csv")):
        text, n = re.subn(rf"^(  {key}: )\"\"", rf"\g<1>{value}", text, flags=re.M)
        assert n == 1, key
    config.write_text(text, encoding="utf-8")
    report = run_engagement(engagement, only="5-strategy-tracking", progress=False, force=True)
    assert report.ok, report.notebooks[0].error
    records = read_records(report.run_dir / "5-strategy-tracking.ipynb")
    assert records["review_month"] == "2026-12"
    assert (records["programs_green"], records["programs_amber"], records["programs_red"]) == (
        3, 1, 1)
    assert records["goals_failing_smart"] == 2
    assert (engagement / "deliverables" / "demo-bio-monthly-report-2026-12.pptx").is_file()
