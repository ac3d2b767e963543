"""The engagement layer (issue 12): registry, strict config, notebooks that read
engagement.yaml, phases that own their outputs, run health, audit, lock.

Most tests work on a copy of the Demo Bio engagement that the session's
``demo_run`` fixture ran once with real papermill kernels.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from ldkit.engagement import (
    PHASES,
    PhaseParams,
    load_engagement,
    phase_params,
    run_engagement,
    run_health,
    template_path,
)
from ldkit.engagement.run import EngagementLocked, engagement_lock
from ldkit.errors import ValidationError


@pytest.fixture
def demo(demo_run, tmp_path) -> Path:
    """A fresh copy of the demo engagement (after its full run)."""
    root, report = demo_run
    assert report.ok, [n.error for n in report.notebooks]
    copy = tmp_path / "demo-bio"
    shutil.copytree(root, copy, symlinks=True)
    return copy


def _edit(root: Path, change) -> None:
    path = root / "engagement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _runs(root: Path) -> set[str]:
    return {p.name for p in (root / "runs").iterdir() if p.is_dir()}


# -- the registry -----------------------------------------------------------------------------


def test_every_template_notebook_is_a_registered_phase():
    stems = {p.stem for p in (template_path() / "notebooks").glob("*.ipynb")}
    assert stems == {p.notebook for p in PHASES}
    for phase in PHASES:
        assert issubclass(phase.params_class, PhaseParams)
        assert callable(phase.step_function)
        assert phase.processed and "/" not in phase.processed
        if phase.report:
            assert callable(phase.load("report"))


def test_template_notebooks_declare_only_where_the_engagement_is():
    from ldkit.runner import notebook_parameters

    for path in (template_path() / "notebooks").glob("*.ipynb"):
        assert set(notebook_parameters(path)) == {"engagement_dir", "run_dir"}, path.name
        assert "phase_params(" in path.read_text(encoding="utf-8")


# -- strict configuration ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "5.5", '"5"', "0"])
def test_min_group_size_must_be_a_whole_number(tmp_path, value):
    from ldkit.engagement import new_engagement

    root = new_engagement("Acme", folder=tmp_path)
    text = (root / "engagement.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("min_group_size:"))
    lines[number - 1] = f"min_group_size: {value}"
    (root / "engagement.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_engagement(root)
    problem = info.value.problems[0]
    assert problem.location.field == "min_group_size"
    assert problem.location.line == number


def test_a_small_minimum_group_size_is_a_warning_of_every_run_and_the_audit(demo):
    _edit(demo, lambda d: d.update(min_group_size=2))
    assert any(w.startswith("min_group_size is 2") for w in run_health(demo))
    from ldkit.engagement.audit import audit_engagement

    assert any(w.startswith("min_group_size is 2") for w in audit_engagement(demo).warnings)


def test_unknown_currency_and_locale_are_located(tmp_path):
    from ldkit.engagement import new_engagement

    root = new_engagement("Acme", folder=tmp_path)
    _edit(root, lambda d: d.update(currency="EUX", locale="xx-XX"))
    with pytest.raises(ValidationError) as info:
        load_engagement(root)
    fields = {p.location.field for p in info.value.problems}
    assert fields == {"currency", "locale"}
    assert all(p.location.line for p in info.value.problems)


@pytest.mark.parametrize(("notebook", "key", "value", "words"), [
    ("1-needs-analysis", "segment_by", ["regoin"], "did you mean 'region'"),
    ("3-learning-plans", "mix_tolerance", 2.0, "less than or equal to 1"),
    ("3-learning-plans", "horizon_weeks", 0, "greater than or equal to 2"),
    ("3-learning-plans", "documents", ["pdf"], "pdf"),
])
def test_a_bad_parameter_exits_2_naming_the_key_before_any_kernel_starts(demo, cli, notebook,
                                                                       key, value, words):
    _edit(demo, lambda d: d["notebooks"].setdefault(notebook, {}).update({key: value}))
    before = _runs(demo)
    code, _out, err = cli("run", demo, "--force")
    assert code == 2
    assert f"notebooks.{notebook}" in err and key in err and words in err
    assert "line " in err and "Traceback" not in err
    assert _runs(demo) == before  # no kernel started, no run folder


def test_phase_params_read_engagement_yaml_exactly(demo):
    _edit(demo, lambda d: d["notebooks"].setdefault("3-learning-plans", {}).update(
        cost_per_person=1234.0))
    p = phase_params("3-learning-plans", demo)
    assert p.client == "Demo Bio" and p.cost_per_person == 1234.0
    assert p.learning_catalog == load_engagement(demo).inputs.learning_catalog


# -- notebooks run the same in JupyterLab -----------------------------------------------------


def _run_in_lab(notebook: Path) -> None:
    """Execute a notebook as JupyterLab does: its own folder as working folder, no papermill."""
    from ldkit.runner import ensure_kernel

    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, kernel_name=ensure_kernel(), timeout=600,
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()


def test_notebooks_4_and_9_opened_in_jupyterlab_keep_roi_and_the_client(demo):
    roi_tables = sorted(p.name for p in (demo / "data/processed/roi").glob("*.csv"))
    assert len(roi_tables) >= 20
    _run_in_lab(demo / "notebooks" / "4-roi-business-case.ipynb")
    _run_in_lab(demo / "notebooks" / "9-executive-summary.ipynb")
    assert sorted(p.name for p in (demo / "data/processed/roi").glob("*.csv")) == roi_tables
    assert len(list((demo / "data/processed/roi/figures").glob("*.png"))) >= 4
    html = (demo / "deliverables" / "demo-bio-needs-analysis.html").read_text(encoding="utf-8")
    assert "Demo Bio" in html and "Client name" not in html
    assert "Return on investment" in html or "ROI" in html


def test_executed_copies_locate_the_engagement_relative_to_themselves(demo_run):
    root, report = demo_run
    for run in report.notebooks:
        nb = nbformat.read(run.output, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert str(root) not in code, run.name  # (papermill's metadata keeps its paths)
        injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
        assert 'engagement_dir = "../.."' in injected.source


# -- each phase owns its outputs --------------------------------------------------------------


def test_a_rerun_without_segmentation_leaves_no_segment_table_or_section(demo):
    assert list((demo / "data/processed/needs").glob("segment_*.csv"))
    _edit(demo, lambda d: d["notebooks"]["1-needs-analysis"].update(segment_by=[]))
    for nb in ("1-needs-analysis", "9-executive-summary"):
        assert run_engagement(demo, only=nb, progress=False).ok
    assert not list((demo / "data/processed/needs").glob("segment_*.csv"))
    html = (demo / "deliverables" / "demo-bio-needs-analysis.html").read_text(encoding="utf-8")
    assert "Gaps by region" not in html
    assert (demo / "data/processed/plans/status.csv").exists()  # other phases untouched


def test_a_stale_plan_document_is_removed_and_a_failed_phase_keeps_the_last_outputs(demo):
    plans = demo / "deliverables" / "plans"
    stale = plans / "p0123456789abcdef.html"
    stale.write_text("<p>old</p>", encoding="utf-8")
    assert run_engagement(demo, only="3-learning-plans", progress=False).ok
    assert not stale.exists()
    kept = sorted(p.name for p in plans.iterdir())
    assert "index.html" in kept and len(kept) > 400
    # a failing run (catalog missing) leaves the last good outputs in place
    (demo / "data/raw/learning_catalog.yaml").rename(demo / "data/raw/catalog.moved")
    assert not run_engagement(demo, only="3-learning-plans", progress=False).ok
    assert sorted(p.name for p in plans.iterdir()) == kept


def test_a_phase_out_of_scope_writes_and_deletes_nothing(demo):
    before = {p: p.stat().st_mtime_ns for p in (demo / "data/processed/roi").rglob("*")}
    _edit(demo, lambda d: d["inputs"].update(roi_case="", assessments=""))
    report = run_engagement(demo, only="4-roi-business-case", progress=False)
    assert report.ok
    assert {p: p.stat().st_mtime_ns for p in (demo / "data/processed/roi").rglob("*")} == before
    assert any("ROI and evaluation: out of scope" in w for w in report.warnings)


# -- run health -------------------------------------------------------------------------------


def test_a_run_with_a_tiny_budget_says_how_many_learners_have_no_plan(demo, cli):
    _edit(demo, lambda d: d["notebooks"].setdefault("3-learning-plans", {}).update(
        cost_per_person=150.0))
    code, out, _ = cli("run", demo, "--only", "3-learning-plans", "--strict")
    assert code == 1  # --strict: a warning fails the run
    status = json.loads((demo / "runs" / sorted(_runs(demo))[-1] / "manifest.json")
                        .read_text(encoding="utf-8"))
    import pandas as pd

    table = pd.read_csv(demo / "data/processed/plans/status.csv")
    infeasible = int((table["status"] == "infeasible").sum())
    assert infeasible > 0
    warning = next(w for w in status["warnings"] if "no feasible plan" in w)
    assert warning.startswith(f"Learning plans: {infeasible} of {len(table)} learners")
    assert "no feasible plan" in out and "deliverables/plans/" in out


def test_results_list_the_warnings(demo, cli):
    _edit(demo, lambda d: d.update(min_group_size=2))
    assert run_engagement(demo, only="2-capability-model", progress=False).ok
    code, _, _ = cli("results", demo, "--out", demo / "results.csv")
    assert code == 0
    import pandas as pd

    table = pd.read_csv(demo / "results.csv")
    warnings = table.loc[(table["notebook"] == "run") & (table["name"] == "warning"), "value"]
    assert any(w.startswith("min_group_size is 2") for w in warnings)


# -- one run at a time ------------------------------------------------------------------------


def test_a_second_run_is_refused_naming_the_run_that_holds_the_lock(demo, cli):
    with engagement_lock(demo, "20261207-000000-abcd"):
        with pytest.raises(EngagementLocked, match="20261207-000000-abcd"):
            run_engagement(demo, progress=False)
        code, _, err = cli("run", demo)
        assert code == 2 and "20261207-000000-abcd" in err


def test_the_next_run_removes_what_a_killed_run_left(demo):
    leftovers = [demo / "data/processed/.stage-needs-0badf00d",
                 demo / "deliverables/.demo-bio-needs-analysis.html.x1y2.tmp",
                 demo / "deliverables/plans/.index.html.abc.tmp"]
    leftovers[0].mkdir()
    for p in leftovers[1:]:
        p.write_text("partial", encoding="utf-8")
    assert run_engagement(demo, only="2-capability-model", progress=False).ok
    assert not any(p.exists() for p in leftovers)


# -- numbers that mean what they say ----------------------------------------------------------


def test_self_minus_manager_is_pooled_over_pairs(demo_run):
    import pandas as pd

    from ldkit.records import read_records

    root, report = demo_run
    gaps = pd.read_csv(root / "data/processed/needs/person_gaps.csv")
    both = gaps.dropna(subset=["self", "manager"])
    pooled = (both["self"] - both["manager"]).mean()
    recorded = read_records(report["1-needs-analysis"].output)["mean_self_minus_manager"]
    assert recorded == pytest.approx(pooled, abs=1e-4)


def test_without_a_manager_survey_nothing_mentions_manager_ratings(demo):
    _edit(demo, lambda d: d["inputs"].update(
        manager_survey="", manager_codebook="", followup_manager_survey="",
        followup_manager_codebook=""))
    for nb in ("1-needs-analysis", "6-progress", "9-executive-summary"):
        assert run_engagement(demo, only=nb, progress=False).ok
    html = (demo / "deliverables" / "demo-bio-needs-analysis.html").read_text(encoding="utf-8")
    assert "manager rating" not in html.lower() and "Self against manager" not in html
    assert not (demo / "data/processed/needs/figures/self-vs-manager.png").exists()


# -- the audit --------------------------------------------------------------------------------


def test_an_identifier_that_is_also_an_ldkit_word_is_matched_only_as_written(tmp_path):
    from ldkit.audit import audit_deliverables
    from ldkit.engagement.audit import ldkit_vocabulary

    assert "green" in ldkit_vocabulary()  # the RAG status ldkit writes itself
    page = tmp_path / "report.html"
    page.write_text("<p>Benefits (green) and costs (red)</p>", encoding="utf-8")
    assert audit_deliverables(tmp_path, exact_identifiers=["Green"]).empty
    page.write_text("<p>Comment by Green</p>", encoding="utf-8")
    found = audit_deliverables(tmp_path, exact_identifiers=["Green"])
    assert found["detail"].tolist() == ["identifier 'Green'"]


def _plans_engagement(tmp_path: Path) -> Path:
    """An engagement with learner names and a plans folder of two learners' documents."""
    from ldkit.engagement import new_engagement
    from ldkit.survey.pseudonym import find_secret, pseudonymize

    root = new_engagement("Acme", folder=tmp_path)
    (root / "data/raw/names.csv").write_text(
        "id,name\nana@acme.example,Ana Silva\nbo@acme.example,Bo Lindqvist\n", encoding="utf-8")
    _edit(root, lambda d: d["inputs"].update(learner_names="data/raw/names.csv"))
    import pandas as pd

    ids = pseudonymize(pd.Series(["ana@acme.example", "bo@acme.example"]),
                       find_secret(near=root))
    plans = root / "deliverables" / "plans"
    plans.mkdir(parents=True)
    for pid, name in zip(ids, ["Ana Silva", "Bo Lindqvist"], strict=True):
        (plans / f"{pid}.html").write_text(f"<h1>Plan of {name}</h1>", encoding="utf-8")
    (plans / "index.html").write_text(f"<td>{ids[0]}</td><td>{ids[1]}</td>",
                                      encoding="utf-8")
    return root


def test_each_plan_document_names_only_its_own_learner(tmp_path, cli):
    from ldkit.engagement.audit import audit_engagement

    root = _plans_engagement(tmp_path)
    result = audit_engagement(root)
    assert result.ok and result.personal_files == 3
    index = root / "deliverables/plans/index.html"
    index.write_text(index.read_text(encoding="utf-8") + "<td>Bo Lindqvist</td>",
                     encoding="utf-8")
    first = sorted((root / "deliverables/plans").glob("p*.html"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "<p>with Ana Silva and Bo Lindqvist</p>",
                     encoding="utf-8")
    found = audit_engagement(root).findings
    assert set(found["file"]) == {"plans/index.html", f"plans/{first.name}"}
    code, _, err = cli("audit", root)
    assert code == 2 and "personal identifier" in err


def test_allowed_words_are_not_findings_and_are_listed(tmp_path, cli):
    root = _plans_engagement(tmp_path)
    (root / "deliverables/report.html").write_text("<p>Ana Silva Consulting</p>",
                                                   encoding="utf-8")
    code, _, err = cli("audit", root)
    assert code == 2 and "Ana Silva" in err
    _edit(root, lambda d: d.update(audit={"allow": ["Ana Silva"]}))
    code, out, _ = cli("audit", root)
    assert code == 0
    assert "Allowed by engagement.yaml (audit.allow): Ana Silva" in out
