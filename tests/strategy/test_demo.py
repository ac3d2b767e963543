"""Demo Bio's year of synthetic plan and actuals: reproducible, and shaped as promised."""

from datetime import date

import pandas as pd
import pytest

from ldkit.errors import ParameterError
from ldkit.strategy import (
    match_actuals,
    read_lms_export,
    read_strategy,
    read_time_tracking,
    review_pack,
    write_demo_strategy,
)


@pytest.fixture(scope="module")
def pack(demo_files):
    strategy = read_strategy(demo_files["strategy"])
    lms = read_lms_export(demo_files["lms_completions"])
    time = read_time_tracking(demo_files["time_tracking"])
    actuals = match_actuals(strategy, lms, time, as_of=date(2026, 12, 31))
    return review_pack(strategy, actuals, as_of=date(2026, 12, 31))


def test_same_seed_same_files(demo_files, tmp_path):
    again = write_demo_strategy(tmp_path)
    for key, path in demo_files.items():
        assert again[key].read_bytes() == path.read_bytes(), key


def test_three_green_one_amber_one_red(pack):
    status = pack.status.set_index("program")["status"].to_dict()
    assert status == {"launch-academy": "green", "gmp-refresher": "green",
                      "field-coaching": "amber", "kam-excellence": "red",
                      "medical-digital-fluency": "green"}


def test_two_goals_fail_smart_on_purpose(pack):
    failing = pack.smart[~pack.smart["smart"]].set_index("goal")["failures"].to_dict()
    assert failing == {"lg-coaching-culture": "Measurable: no baseline",
                       "lg-digital-fluency": "Achievable: no sponsor"}


def test_every_kind_of_dirt_is_excluded_with_a_reason(pack):
    counts = dict(zip(pack.counts["source"] + ": " + pack.counts["count"], pack.counts["n"],
                      strict=True))
    for reason in ("no learner id", "course not in the portfolio",
                   "completed without a completion date", "dated before the program starts",
                   "second row of the same learner and program"):
        assert counts[f"lms: excluded: {reason}"] >= 1, reason
    assert counts["time: excluded: program not in the portfolio"] == 12  # LMS operations
    assert counts["time: excluded: month before the program starts"] == 1
    for source in ("lms", "time"):
        excluded = sum(v for k, v in counts.items() if k.startswith(f"{source}: excluded"))
        assert counts[f"{source}: rows read"] == counts[f"{source}: rows kept"] + excluded


def test_a_short_window_and_own_learners(tmp_path):
    learners = [f"X{i:03d}" for i in range(350)]
    paths = write_demo_strategy(tmp_path, start=date(2027, 3, 1), months=2, learners=learners)
    lms = read_lms_export(paths["lms_completions"]).records
    assert lms["learner"].str.match(r"^(X\d{3})?$").all()
    assert lms["enrolled"].max() <= pd.Timestamp("2027-04-30")
    assert read_strategy(paths["strategy"]).program("launch-academy").start == date(2027, 3, 1)


def test_bad_arguments(tmp_path):
    with pytest.raises(ParameterError, match="'months' parameter of write_demo_strategy"):
        write_demo_strategy(tmp_path, months=0)
    with pytest.raises(ParameterError, match="'learners'"):
        write_demo_strategy(tmp_path, learners=["a"])
