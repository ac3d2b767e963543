"""Tests of ldkit.roi.step and ldkit.roi.report: tables, figures, records, report sections."""

from __future__ import annotations

import pandas as pd
import pytest

from ldkit.deliverables import Report, render_deck, render_workbook
from ldkit.errors import InputFileNotFoundError
from ldkit.roi.demo import write_demo_case
from ldkit.roi.report import roi_sections
from ldkit.roi.step import RoiParams, roi_step


@pytest.fixture(scope="module")
def engagement(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-bio")
    paths = write_demo_case(root / "data" / "raw")
    p = RoiParams(client="Demo Bio", engagement_dir=str(root),
                  roi_case=str(paths["roi_case"].relative_to(root)),
                  assessments=str(paths["assessments"].relative_to(root)))
    return root, paths, roi_step(p)


def test_tables_and_figures_written(engagement):
    root, _, step = engagement
    folder = root / "data" / "processed" / "roi"
    assert {p.stem for p in folder.glob("*.csv")} == set(step.tables)
    for name in ("costs", "benefits", "result", "rules", "tornado", "multi_year",
                 "monte_carlo", "options", "staffing", "evaluation", "effect_sizes"):
        assert (folder / f"{name}.csv").exists(), name
    assert sorted(p.name for p in step.figures.values()) == [
        "roi-monte-carlo.png", "roi-options-1.png", "roi-options-2.png", "roi-tornado.png",
        "roi-waterfall.png"]
    result = pd.read_csv(folder / "result.csv").set_index("metric")["value"]
    assert result["roi_pct"] == pytest.approx(62.843, abs=0.001)


def test_no_learner_id_leaves_the_step(engagement):
    root, paths, _ = engagement
    ids = pd.read_csv(paths["assessments"])["learner_id"].tolist()
    for csv in (root / "data" / "processed" / "roi").glob("*.csv"):
        text = csv.read_text(encoding="utf-8")
        assert not any(i in text for i in ids), csv.name


def test_records(engagement):
    records = engagement[2].records()
    assert records["roi_pct"] == pytest.approx(62.84)
    assert records["bcr"] == pytest.approx(1.6284)
    assert records["net_benefit"] == 354_875.0
    assert records["payback_months"] == pytest.approx(7.37)
    assert set(records) >= {"npv", "irr", "prob_roi_positive", "effect_size_g_av",
                            "normalized_gain", "application_rate"}
    assert 0.3 < records["normalized_gain"] < 0.7
    assert all(v is None or isinstance(v, int | float) for v in records.values())


def test_report_sections_render(engagement, tmp_path):
    root = engagement[0]
    findings, sections = roi_sections(root, {})
    assert findings[0].startswith("The programme returns ROI 63% (BCR 1.63) in year one: "
                                  "EUR 919,575 of benefits")
    assert ("Over 3 years at a discount rate of 8% the net present value is EUR 955,010, "
            "IRR 117%.") in findings
    assert ("Staffing the digital learning function: outsourcing costs EUR 23,963 less than "
            "staffing in house over 3 years (present value).") in findings
    assert any("Strategic learning partnership ranks first" in f for f in findings)
    titles = [s.title for s in sections]
    assert titles == ["Business case: fully loaded costs (EUR)",
                      "Business case: monetized benefits", "Return on investment",
                      "Sensitivity", "Multi-year view", "Programme evaluation",
                      "Options appraisal", "Staffing the digital learning function"]
    report = Report("Demo Bio", "ROI", key_findings=tuple(findings), sections=tuple(sections))
    deck = render_deck(report, tmp_path / "roi.pptx")
    workbook = render_workbook(report, tmp_path / "roi.xlsx")
    from openpyxl import load_workbook
    from pptx import Presentation

    slide_titles = [s.shapes.title.text for s in Presentation(deck).slides if s.shapes.title]
    assert "From benefits to net benefit" in slide_titles
    assert "Conservative rules applied" in slide_titles
    assert "Costs by category" in load_workbook(workbook).sheetnames


def test_out_of_scope_writes_and_deletes_nothing(engagement, tmp_path):
    """Issue 12: a phase out of scope leaves the last outputs as they are (it used to clear
    them, which lost the ROI tables when the notebook ran with its template defaults)."""
    root = engagement[0]
    folder = root / "data" / "processed" / "roi"
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*")}
    step = roi_step(RoiParams(client="Demo Bio", engagement_dir=str(root)))
    assert step.empty and step.records() == {}
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*")} == before
    empty = tmp_path / "empty"
    empty.mkdir()
    assert roi_step(RoiParams(client="x", engagement_dir=str(empty))).empty
    assert not any(empty.iterdir())
    assert roi_sections(empty, {}) == ([], [])


def test_missing_named_input_is_an_error(tmp_path):
    with pytest.raises(InputFileNotFoundError):
        roi_step(RoiParams(client="x", engagement_dir=str(tmp_path),
                           roi_case="data/raw/roi_case.yaml"))


def test_assessments_only(tmp_path):
    paths = write_demo_case(tmp_path / "data" / "raw", n_learners=60)
    step = roi_step(RoiParams(client="x", engagement_dir=str(tmp_path),
                              assessments=str(paths["assessments"])))
    assert step.analysis is None and step.evaluation is not None
    assert "roi_pct" not in step.records() and "normalized_gain" in step.records()
    findings, sections = roi_sections(tmp_path, {})
    assert [s.title for s in sections] == ["Programme evaluation"]
    assert findings[0].startswith("Evaluation: a normalized learning gain of")
