"""The readout as a story (issue 15 item 1), on the Demo Bio run."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml
from pptx import Presentation

from ldkit.engagement import run_engagement


def _titles(deck_path) -> list[str]:
    deck = Presentation(str(deck_path))
    out = []
    for slide in deck.slides:
        title = slide.shapes.title
        out.append(title.text if title is not None else "")
    return out


@pytest.fixture(scope="module")
def deck_titles(demo_run) -> list[str]:
    root, report = demo_run
    assert report.ok
    return _titles(root / "deliverables" / "demo-bio-needs-analysis.pptx")


def test_the_story_opens_with_the_executive_summary_and_stays_within_25_slides(deck_titles):
    assert deck_titles[0] == "" or "Learning" in deck_titles[0]  # the title slide
    assert deck_titles[2] == "Executive summary"
    assert "Decisions we ask of you" in deck_titles[:5]
    assert "Appendix" in deck_titles
    story = deck_titles[:deck_titles.index("Appendix")]
    assert len(story) <= 25
    for part in ("Scope and method", "Roadmap", "Next steps"):
        assert part in story
    assert any(t.startswith("Recommendations") for t in story)
    # detail tables come after the appendix divider
    assert any(t.startswith("Rows received") for t in deck_titles[len(story):])
    assert not any(t.startswith("Rows received") for t in story)


def test_the_largest_gap_slide_states_the_takeaway_with_its_number(demo_run, deck_titles):
    root, _ = demo_run
    gaps = pd.read_csv(root / "data/processed/needs/gaps.csv").dropna(subset=["priority"])
    top = gaps.sort_values("priority", ascending=False).iloc[0]
    title = next(t for t in deck_titles if "is the largest gap for" in t)
    assert f"{top.mean_gap:.1f} levels below requirement" in title
    assert f"{top.share_below:.0%}" in title


def test_the_return_slide_states_the_roi_of_the_case(demo_run, deck_titles):
    root, _ = demo_run
    result = pd.read_csv(root / "data/processed/roi/result.csv").set_index("metric")["value"]
    roi = float(result["roi_pct"])
    # Phillips: (benefits - costs) / costs x 100, recomputed from the case's totals
    assert roi == pytest.approx((result["benefits"] - result["costs"]) / result["costs"] * 100)
    assert any(f"returns {roi:.0f}%" in t for t in deck_titles)


def test_drafted_recommendations_are_marked_and_given_ones_are_used(demo_run, tmp_path):
    root, _ = demo_run
    html = (root / "deliverables/demo-bio-needs-analysis.html").read_text(encoding="utf-8")
    assert "Recommendations (draft)" in html and "Draft: to confirm with the sponsor" in html
    # a drafted action that already asks for approval is not prefixed a second time
    assert "Approve the business case: " in html and "Approve: approve" not in html
    copy = tmp_path / "demo-bio"
    shutil.copytree(root, copy, symlinks=True)
    config = yaml.safe_load((copy / "engagement.yaml").read_text(encoding="utf-8"))
    config["recommendations"] = [{"action": "Fund a coaching academy for first-line managers",
                                  "owner": "VP Sales", "timing": "Q2 2027",
                                  "cost": "EUR 120,000"}]
    (copy / "engagement.yaml").write_text(yaml.safe_dump(config, sort_keys=False),
                                          encoding="utf-8")
    assert run_engagement(copy, only="9-executive-summary", progress=False).ok
    html = (copy / "deliverables/demo-bio-needs-analysis.html").read_text(encoding="utf-8")
    assert "Fund a coaching academy for first-line managers" in html and "VP Sales" in html
    assert "<li>Fund a coaching academy for first-line managers (EUR 120,000)</li>" in html
    assert "Recommendations (draft)" not in html
    titles = _titles(copy / "deliverables/demo-bio-needs-analysis.pptx")
    assert "Decisions we ask of you" in titles
