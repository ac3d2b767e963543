"""Bad engagement folders and configurations: one located line, exit 2, nothing written.

Each case edits a fresh scaffold (no kernel ever starts: every problem is found
before), runs the command in-process and checks the outcome: exit 2, no
traceback, one ``error:`` line naming the file and the key, line or path.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ldkit.engagement import new_engagement

CONFIG_CASES = {
    # name: (text to append or a function of the config text, words the error must hold)
    "unknown top-level key": (lambda t: t + "clinet: Acme\n", ["clinet", "unknown key"]),
    "unknown input": (lambda t: t.replace("inputs:\n", "inputs:\n  survey: x.csv\n"),
                      ["inputs.survey", "unknown key"]),
    "min_group_size text": (lambda t: t.replace("min_group_size: 5", "min_group_size: five"),
                            ["min_group_size"]),
    "min_group_size bool": (lambda t: t.replace("min_group_size: 5", "min_group_size: yes"),
                            ["min_group_size"]),
    "currency lower case": (lambda t: t.replace("currency: EUR", "currency: eur"),
                            ["currency"]),
    "deliverable unknown": (lambda t: t.replace("deliverables: [html, xlsx, pptx]",
                                                "deliverables: [html, pdf]"), ["deliverables"]),
    "notebooks not a mapping": (lambda t: t.replace(
        "notebooks:                   # per-phase", "notebooks: 3\nx_notebooks:  # per-phase"),
        ["notebooks"]),
    "tab indentation": (lambda t: t.replace("  capability_model:", "\tcapability_model:"),
                        ["line"]),
    "not a mapping": (lambda t: "- just\n- a list\n", ["engagement"]),
    "empty file": (lambda t: "", ["engagement"]),
    "a notebook of no phase": (lambda t: t.replace("  1-needs-analysis:\n",
                                                   "  7-extra:\n    x: 1\n  1-needs-analysis:\n"),
                               ["notebooks.7-extra"]),
    "an unknown phase parameter": (lambda t: t.replace(
        "    segment_by: [region]", "    segment_by: [region]\n    segmnet_by: [x]"),
        ["segmnet_by", "did you mean 'segment_by'"]),
}


@pytest.fixture
def scaffold(tmp_path) -> Path:
    return new_engagement("Acme", folder=tmp_path / "engagements")


def _bad_run(cli, root: Path) -> str:
    before = sorted(p.name for p in (root / "runs").iterdir()) if (root / "runs").exists() else []
    code, out, err = cli("run", root)
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    after = sorted(p.name for p in (root / "runs").iterdir()) if (root / "runs").exists() else []
    assert [a for a in after if not a.startswith(".")] == \
        [b for b in before if not b.startswith(".")]
    return lines[0]


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_a_bad_engagement_yaml_is_one_located_line(scaffold, cli, case):
    edit, words = CONFIG_CASES[case]
    config = scaffold / "engagement.yaml"
    config.write_text(edit(config.read_text(encoding="utf-8")), encoding="utf-8")
    line = _bad_run(cli, scaffold)
    assert "engagement.yaml" in line
    for word in words:
        assert word in line, (word, line)


@pytest.mark.parametrize("where", ["parent", "absolute", "symlink"])
def test_an_input_outside_the_engagement_is_refused_unless_allowed(scaffold, cli, where,
                                                                   tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("id: x\n", encoding="utf-8")
    if where == "parent":
        value = os.path.relpath(outside, scaffold)
    elif where == "absolute":
        value = str(outside)
    else:
        (scaffold / "data/raw/model.yaml").symlink_to(outside)
        value = "data/raw/model.yaml"
    config = scaffold / "engagement.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "capability_model: data/raw/capability_model.yaml",
        f"capability_model: '{value}'")
    config.write_text(text, encoding="utf-8")
    line = _bad_run(cli, scaffold)
    assert "outside the engagement folder" in line and "allow_outside_inputs" in line
    from ldkit.engagement import phase_params

    config.write_text(text + "allow_outside_inputs: true\n", encoding="utf-8")
    p = phase_params("capability", scaffold)
    assert p.path(p.capability_model).resolve() == outside.resolve()


def test_a_notebook_without_a_parameters_cell_is_located(scaffold, cli):
    nb = scaffold / "notebooks" / "7-extra.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": "1",
                                         "outputs": [], "execution_count": None}],
                              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                  encoding="utf-8")
    line = _bad_run(cli, scaffold)
    assert "7-extra" in line and "parameters" in line


@pytest.mark.parametrize("bad_id", ["../../x", "a/b", "..", ".hidden", "x y", ""])
def test_new_with_a_bad_id_writes_nothing(tmp_path, cli, bad_id):
    parent = tmp_path / "deep" / "engagements"
    parent.mkdir(parents=True)
    before = sorted(tmp_path.rglob("*"))
    code, out, err = cli("new", "Acme", "--dir", parent, "--id", bad_id)
    assert code == 2 and "Traceback" not in out + err and "--id" in err
    assert sorted(tmp_path.rglob("*")) == before


def test_new_into_a_file_is_refused(tmp_path, cli):
    afile = tmp_path / "file.txt"
    afile.write_text("x", encoding="utf-8")
    code, _, err = cli("new", "Acme", "--dir", afile)
    assert code == 2 and "is a file" in err


@pytest.mark.parametrize("content", ["{not json", "", "[1, 2]", "\xff\xfe"])
def test_a_corrupt_manifest_is_a_located_error_for_results(scaffold, cli, content):
    run = scaffold / "runs" / "20260101-000000-abcd"
    run.mkdir(parents=True)
    (run / "manifest.json").write_text(content, encoding="utf-8", errors="surrogateescape")
    code, out, err = cli("results", scaffold)
    assert code == 2 and "Traceback" not in out + err
    assert err.startswith("error: ")


def test_an_unwritable_output_is_one_line(tmp_path, cli, scaffold):
    target = tmp_path / "afile"
    target.write_text("x", encoding="utf-8")
    code, out, err = cli("results", scaffold, "--out", target / "results.csv")
    assert code == 2 and "Traceback" not in out + err


@pytest.mark.parametrize(("err", "words"), [
    (28, "No space left on device"), (13, "Permission denied")])
def test_a_file_system_fault_is_one_line_and_keeps_the_last_outputs(tmp_path, cli, monkeypatch,
                                                                    err, words):
    """A full disk or a refused write: exit 2, one line naming the file, the old file kept,
    no temporary file left behind."""
    import ldkit.io

    target = tmp_path / "model.yaml"
    code, _, _ = cli("model", "starter", "pharma-commercial", target)
    assert code == 0
    before = target.read_bytes()
    real = ldkit.io.os.replace

    def refuse(src, dst, *args, **kwargs):
        if str(dst) == str(target):
            raise OSError(err, os.strerror(err), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(ldkit.io.os, "replace", refuse)
    code, out, err_text = cli("model", "starter", "pharma-commercial", target)
    assert code == 2 and "Traceback" not in out + err_text
    lines = [line for line in err_text.splitlines() if line.strip()]
    assert len(lines) == 1 and str(target) in lines[0] and words in lines[0]
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.yaml"]
