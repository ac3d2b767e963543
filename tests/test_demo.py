"""`ldkit demo`: starter models in every format, and the Demo Bio engagement end to end."""

from ldkit.capability import read_model, starters
from ldkit.demo import run_demo


def test_demo_outputs(tmp_path):
    written = run_demo(tmp_path / "demo", progress=False)
    names = {p.name for p in written}
    assert "capability-model-template.xlsx" in names
    for name in starters():
        for suffix in (".yaml", ".xlsx", ".moodle.csv"):
            path = tmp_path / "demo" / "capability-models" / f"{name}{suffix}"
            assert read_model(path).id == name
        png = tmp_path / "demo" / "capability-models" / f"{name}-heatmap.png"
        assert png.read_bytes()[:4] == b"\x89PNG"
    deliverables = tmp_path / "demo" / "demo-bio" / "deliverables"
    assert sorted(p.name for p in written if p.parent == deliverables) == [
        "demo-bio-monthly-report-2026-12.html", "demo-bio-monthly-report-2026-12.pptx",
        "demo-bio-monthly-report-2026-12.xlsx", "demo-bio-needs-analysis.html",
        "demo-bio-needs-analysis.pptx", "demo-bio-needs-analysis.xlsx"]
    plans = deliverables / "plans"
    # 244 learners (240 employees and 4 respondents who lost one off-scale answer) and the index
    assert len(list(plans.glob("*.html"))) == 245
