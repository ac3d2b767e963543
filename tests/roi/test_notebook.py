"""The engagement notebook 4-roi-business-case, run with papermill (real kernels)."""

from __future__ import annotations

import json

import pytest

from ldkit.engagement import template_path
from ldkit.records import read_records
from ldkit.roi.demo import write_demo_case
from ldkit.runner import NotebookJob, notebook_parameters, run_notebooks

NOTEBOOK = template_path() / "notebooks" / "4-roi-business-case.ipynb"


def test_template_is_stored_without_outputs_and_declares_its_parameters():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert list(notebook_parameters(NOTEBOOK)) == ["client", "engagement_dir", "currency",
                                                   "min_group_size", "roi_case", "assessments"]


@pytest.mark.parametrize("in_scope", [True, False])
def test_notebook_runs(tmp_path, in_scope):
    params = {"client": "Demo Bio", "engagement_dir": str(tmp_path)}
    if in_scope:
        paths = write_demo_case(tmp_path / "data" / "raw")
        params |= {"roi_case": str(paths["roi_case"]), "assessments": str(paths["assessments"])}
    report = run_notebooks([NotebookJob("roi", NOTEBOOK, params)], tmp_path / "run",
                           cwd=tmp_path, progress=False)
    assert report.ok, report.notebooks[0].error
    records = read_records(tmp_path / "run" / "roi.ipynb")
    if not in_scope:
        assert records == {}
        text = (tmp_path / "run" / "roi.ipynb").read_text(encoding="utf-8")
        assert "ROI and programme evaluation are not in scope" in text
        assert not (tmp_path / "data" / "processed" / "roi").exists()
        return
    assert records["roi_pct"] == pytest.approx(62.84)
    assert records["bcr"] == pytest.approx(1.6284)
    assert {"net_benefit", "payback_months", "npv", "prob_roi_positive", "effect_size_g_av",
            "normalized_gain"} <= set(records)
