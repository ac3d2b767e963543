"""`ldkit check`: an unchanged rerun reports no change; a changed input is reported."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from ldkit.check import check_engagement, compare_records, sanitizer_path
from ldkit.errors import InputError


@pytest.fixture
def engagement_copy(demo_run, tmp_path):
    root, _ = demo_run
    copy = tmp_path / "demo-bio"
    shutil.copytree(root, copy)
    return copy


def test_unchanged_rerun_reports_no_change(engagement_copy):
    result = check_engagement(engagement_copy, nbval=True)
    assert result.nbval_passed, result.nbval_output
    assert result.changes.empty
    assert not result.changed
    assert result.rerun != result.baseline


def test_a_changed_input_is_reported(engagement_copy):
    raw = engagement_copy / "data" / "raw" / "capability_model.yaml"
    model = yaml.safe_load(raw.read_text())
    model["roles"][0]["requires"]["account_planning"]["level"] = 4  # the rep needs more
    raw.write_text(yaml.safe_dump(model, sort_keys=False))
    result = check_engagement(engagement_copy, nbval=False)
    assert result.changed and result.nbval_passed is None
    changed = set(result.changes["name"])
    assert "top_priorities" in changed or "top_priority" in changed
    assert set(result.changes["change"]) == {"changed"}


def test_no_baseline(tmp_path):
    from ldkit.engagement import new_engagement

    root = new_engagement("Acme", folder=tmp_path)
    with pytest.raises(InputError, match="has no successful run"):
        check_engagement(root)


def test_compare_records_tolerance(tmp_path):
    import nbformat

    from ldkit.records import MIMETYPE

    def notebook(folder, values):
        folder.mkdir()
        outputs = [nbformat.v4.new_output("display_data", data={
            MIMETYPE: {"name": k, "value": v, "kind": "scalar"}, "text/plain": "x"})
            for k, v in values.items()]
        cell = nbformat.v4.new_code_cell("", outputs=outputs)
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), folder / "nb.ipynb")
        return folder

    a = notebook(tmp_path / "a", {"gap": 0.95, "n": 480, "label": "x", "gone": 1})
    b = notebook(tmp_path / "b", {"gap": 0.95 + 1e-12, "n": 481, "label": "x", "new": 2})
    got = compare_records(a, b)
    assert list(got.itertuples(index=False, name=None)) == [
        ("nb", "gone", "removed", "1", None), ("nb", "n", "changed", "480", "481"),
        ("nb", "new", "added", None, "2")]
    assert isinstance(got, pd.DataFrame)


def test_sanitizer_ships_in_the_package():
    text = sanitizer_path().read_text()
    assert "[run ids]" in text and "[memory addresses]" in text and "[timestamps]" in text
