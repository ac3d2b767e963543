"""The demo writes every starter in every format, and they read back."""

from ldkit.capability import read_model, starters
from ldkit.demo import run_demo


def test_demo_outputs(tmp_path):
    written = run_demo(tmp_path / "demo")
    names = sorted(p.name for p in written)
    assert len(written) == 4 * len(starters()) + 1
    assert "capability-model-template.xlsx" in names
    for name in starters():
        for suffix in (".yaml", ".xlsx", ".moodle.csv"):
            assert read_model(tmp_path / "demo" / "capability-models" / f"{name}{suffix}").id == (
                name)
        png = tmp_path / "demo" / "capability-models" / f"{name}-heatmap.png"
        assert png.read_bytes()[:4] == b"\x89PNG"
