"""write_needs_tables: text from the surveys and the model never becomes a formula."""

from __future__ import annotations

import csv
import zipfile

import pandas as pd
from openpyxl import load_workbook

from ldkit.needs.scoring import NeedsResult, write_needs_tables

EVIL = '=HYPERLINK("http://evil.example","Click")'


def test_needs_tables_hold_no_formula(tmp_path):
    gaps = pd.DataFrame({"role": ["@Sales", "KAM"], "capability": [EVIL, "Planning"],
                         "n": [6, 7], "mean_gap": [-0.5, 1.25]})
    segment = pd.DataFrame({"region": ["+North", "South"], "n": [5, 8], "mean_gap": [0.5, -1.0]})
    empty = pd.DataFrame()
    result = NeedsResult(
        person_gaps=pd.DataFrame({"person_id": ["p1"], "capability": [EVIL], "gap": [-1.0]}),
        gaps=gaps, self_vs_manager=empty, borich=empty, segments={"region": segment},
        counts=pd.DataFrame({"count": ["rows read"], "n": [13]}), quality=empty,
        unmatched_roles=empty, min_n=5, people=empty)
    written = write_needs_tables(result, tmp_path)
    with open(tmp_path / "gaps.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["capability"] for r in rows] == ["'" + EVIL, "Planning"]
    assert [r["role"] for r in rows] == ["'@Sales", "KAM"]
    assert [r["mean_gap"] for r in rows] == ["-0.5", "1.25"]  # numbers stay numbers
    with open(tmp_path / "segment_region.csv", newline="", encoding="utf-8") as f:
        assert [r["region"] for r in csv.DictReader(f)] == ["'+North", "South"]
    workbook = tmp_path / "needs-analysis.xlsx"
    assert workbook in written
    with zipfile.ZipFile(workbook) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if "worksheets/" in n)
    ws = load_workbook(workbook)["gaps"]
    assert ws["B2"].value == EVIL and ws["B2"].data_type == "s"
    assert ws["D2"].value == -0.5 and ws["D2"].data_type == "n"
