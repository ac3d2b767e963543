"""The engagement notebook 4-roi-business-case, run with papermill (real kernels)."""

from __future__ import annotations

import json

import pytest

from ldkit.engagement import template_path
from ldkit.records import read_records
from ldkit.roi.demo import write_demo_case
from ldkit.runner import notebook_parameters

NOTEBOOK = template_path() / "notebooks" / "4-roi-business-case.ipynb"


def test_template_is_stored_without_outputs_and_declares_its_parameters():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert set(notebook_parameters(NOTEBOOK)) == {"engagement_dir", "run_dir"}


@pytest.mark.parametrize("in_scope", [True, False])
def test_notebook_runs(tmp_path, in_scope):
    from ldkit.demo import set_inputs
    from ldkit.engagement import new_engagement, run_engagement

    root = new_engagement("Demo Bio", folder=tmp_path, engagement_id="demo-bio")
    if in_scope:
        paths = write_demo_case(root / "data" / "raw")
        set_inputs(root, {k: v.relative_to(root).as_posix() for k, v in paths.items()})
    report = run_engagement(root, only="4-roi-business-case", progress=False)
    assert report.ok, report.notebooks[0].error
    executed = report.run_dir / "4-roi-business-case.ipynb"
    records = read_records(executed)
    if not in_scope:
        assert records == {}
        text = executed.read_text(encoding="utf-8")
        assert "ROI and programme evaluation are not in scope" in text
        assert not (root / "data" / "processed" / "roi").exists()
        return
    assert records["roi_pct"] == pytest.approx(62.84)
    assert records["bcr"] == pytest.approx(1.6284)
    assert {"net_benefit", "payback_months", "npv", "prob_roi_positive", "effect_size_g_av",
            "normalized_gain"} <= set(records)
