"""The demo writes every starter in every format, and a needs analysis of Demo Bio."""

import openpyxl
import pandas as pd

from ldkit.capability import read_model, starters
from ldkit.demo import run_demo


def test_demo_outputs(tmp_path):
    written = run_demo(tmp_path / "demo")
    names = {p.name for p in written}
    assert "capability-model-template.xlsx" in names
    for name in starters():
        for suffix in (".yaml", ".xlsx", ".moodle.csv"):
            assert read_model(tmp_path / "demo" / "capability-models" / f"{name}{suffix}").id == (
                name)
        png = tmp_path / "demo" / "capability-models" / f"{name}-heatmap.png"
        assert png.read_bytes()[:4] == b"\x89PNG"
    needs = tmp_path / "demo" / "needs-analysis"
    assert {"gaps.csv", "borich.csv", "needs-analysis.xlsx", "gap-heatmap.png",
            "locus-for-focus.png", "self-vs-manager.png", "rating-distributions.png"} <= names
    counts = pd.read_csv(needs / "tables" / "counts.csv")
    self_counts = counts[counts.file == "self.csv"].set_index("count")["n"]
    excluded = self_counts[self_counts.index.str.startswith("excluded")].sum()
    assert self_counts["rows read"] == self_counts["rows kept"] + excluded
    gaps = pd.read_csv(needs / "tables" / "gaps.csv")
    assert gaps["mean_gap"].notna().any() and (gaps["n"] >= 0).all()
    # the aggregate workbook holds no e-mail address or raw response id
    wb = openpyxl.load_workbook(needs / "tables" / "needs-analysis.xlsx", read_only=True)
    text = " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                    for v in row if v is not None)
    assert "@" not in text and "R_" not in text
