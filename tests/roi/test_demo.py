"""Tests of ldkit.roi.demo: Demo Bio's synthetic ROI inputs."""

from __future__ import annotations

import pandas as pd

from ldkit.evaluation import read_assessments
from ldkit.roi import read_case, write_demo_case
from ldkit.roi.demo import make_assessments


def test_write_demo_case(tmp_path):
    paths = write_demo_case(tmp_path / "raw", n_learners=120, seed=3)
    assert set(paths) == {"roi_case", "assessments"}
    case = read_case(paths["roi_case"])
    assert case.costs.participants == 120
    scores = read_assessments(paths["assessments"])
    counts = dict(zip(scores.counts()["count"], scores.counts()["n"], strict=True))
    assert counts["rows read"] == 121  # one duplicate row
    assert counts["rows read"] == counts["rows kept"] + len(scores.excluded)
    assert counts["excluded: duplicate learner"] == 1
    assert counts["excluded: missing post-test"] == 3


def test_assessments_are_pseudonymous_and_seeded():
    a, b = make_assessments(50, seed=4), make_assessments(50, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert a["learner_id"].str.fullmatch(r"L-[0-9A-F]{6}").all()
    assert not a.columns.str.contains("name|mail", case=False).any()
    assert (a["pre_score"].iloc[:2] == 100).all()
