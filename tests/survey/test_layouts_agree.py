"""Every layout of the same synthetic survey reads to the same tables, rows reconciled."""

from __future__ import annotations

import pandas as pd
import pytest

from ldkit.capability import starter
from ldkit.datasets import LAYOUTS, write_survey_exports
from ldkit.needs import combine_surveys, gap_table, person_gaps
from ldkit.survey import read_survey

N = 60
SECRET = "layouts"


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("exports")
    return {layout: write_survey_exports(root / layout, layout=layout, n_employees=N, seed=3)
            for layout in LAYOUTS}


@pytest.fixture(scope="module")
def read(exports):
    return {layout: (read_survey(ex.self_path, ex.self_codebook, secret=SECRET),
                     read_survey(ex.manager_path, ex.manager_codebook, secret=SECRET))
            for layout, ex in exports.items()}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rows_reconcile_with_what_was_written(exports, read, layout):
    for data, which in zip(read[layout], ("self", "manager"), strict=True):
        expected = exports[layout].expected[which]
        assert data.rows_read == expected.rows_read
        # a row with one answer off its scale loses that answer only, so it is kept
        off_scale = expected.excluded["unmapped answer"]
        assert data.rows_kept == expected.rows_kept + off_scale == N + off_scale
        assert data.rows_read == data.rows_kept + data.rows_excluded
        got = data.excluded["reason"].value_counts().to_dict()
        assert {k: got.get(k, 0) for k in expected.excluded} == expected.excluded
        answers = data.excluded[data.excluded["column"] != ""]
        assert len(answers) == off_scale and set(answers["reason"]) == {"unmapped answer"}


def test_detected_layouts(read):
    detected = {layout: read[layout][0].source for layout in LAYOUTS}
    assert detected == {"qualtrics": "qualtrics", "qualtrics_legacy": "qualtrics_legacy",
                        "surveymonkey_csv": "surveymonkey", "surveymonkey_xlsx": "surveymonkey",
                        "msforms": "msforms", "tidy_csv": "tidy", "tidy_xlsx": "tidy"}


def _canonical(data) -> pd.DataFrame:
    r = data.responses.astype({"item": "string", "person_id": "string"})
    return r[["person_id", "item", "value"]].sort_values(["person_id", "item"]).reset_index(
        drop=True)


def test_every_layout_gives_the_same_responses_and_scores(read):
    model = starter("pharma-commercial")
    reference = None
    for layout, (self_data, mgr_data) in read.items():
        responses = pd.concat([_canonical(self_data), _canonical(mgr_data)], ignore_index=True)
        ratings, people = combine_surveys(self_data, mgr_data)
        table = gap_table(person_gaps(ratings, people, model), min_n=1)
        table = table.sort_values(["role", "capability"]).reset_index(drop=True)
        if reference is None:
            reference = (responses, table, people.sort_values("person_id").reset_index(drop=True))
            continue
        pd.testing.assert_frame_equal(responses, reference[0], obj=f"responses of {layout}")
        pd.testing.assert_frame_equal(table, reference[1], obj=f"gap table of {layout}")
        assert people["person_id"].sort_values().tolist() == reference[2]["person_id"].tolist()


def test_no_name_or_email_reaches_any_table(exports, read):
    employees = exports["qualtrics"].population.employees
    needles = set(employees["employee_key"]) | set(employees["last_name"])
    for self_data, mgr_data in read.values():
        for data in (self_data, mgr_data):
            for table in (data.responses, data.respondents, data.excluded):
                text = table.astype(str).to_csv()
                leaked = [n for n in needles if n in text]
                assert not leaked, leaked[:3]


def test_self_and_manager_ratings_line_up_by_person(read):
    self_data, mgr_data = read["qualtrics"]
    both = set(self_data.respondents["person_id"]) & set(mgr_data.respondents["person_id"])
    assert len(both) >= N * 0.8  # most employees are rated by their manager too
