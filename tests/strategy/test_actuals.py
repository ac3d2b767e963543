"""LMS and time-tracking actuals: the three LMS layouts, located errors, accounted exclusions."""

from datetime import date

import pandas as pd
import pytest

from ldkit.errors import InputError, ValidationError
from ldkit.strategy import (
    LmsExport,
    TimeExport,
    detect_lms_layout,
    latest_date,
    match_actuals,
    read_lms_export,
    read_time_tracking,
)

GENERIC = """\
learner_id,program,enrolled_on,completed_on,status,applied
L1,p1,2026-01-05,2026-01-20,completed,yes
L2,LA-1,2026-01-06,,in progress,
L3,Launch academy,06/01/2026,2026-02-02,completed,no
"""

MOODLE = """\
Course full name,Course short name,Username,Email address,Time enrolled,Time completed,Completed
Launch academy,LA-1,jdoe,jdoe@example.com,"Monday, 5 January 2026, 9:00 AM","Tuesday, 3 February 2026, 10:15 AM",Yes
Launch academy,LA-1,asmith,asmith@example.com,"Tuesday, 6 January 2026, 9:00 AM",-,No
"""  # noqa: E501

SUCCESSFACTORS = """\
User ID,Last Name,First Name,Item Type,Item ID,Item Title,Assignment Date,Completion Date,Completion Status
E1,Doe,Jane,COURSE,LA-1,Launch academy,01/05/2026,02/03/2026 10:15 AM EST,COMPLETE
E2,Roe,Rick,COURSE,LA-1,Launch academy,01/06/2026,02/10/2026,FAILED
"""  # noqa: E501


def write(tmp_path, text, name="lms.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_generic_layout(tmp_path):
    export = read_lms_export(write(tmp_path, GENERIC))
    assert export.layout == "generic"
    r = export.records
    assert r["row"].tolist() == [2, 3, 4]
    assert r["learner"].tolist() == ["L1", "L2", "L3"]
    assert r["enrolled"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-01-05", "2026-01-06", "2026-01-06"]  # 06/01/2026 reads day first
    assert r["completed"].isna().tolist() == [False, True, False]
    assert r["applied"].tolist() == [True, pd.NA, False]


def test_moodle_layout_keeps_no_names_or_emails(tmp_path):
    export = read_lms_export(write(tmp_path, MOODLE))
    assert export.layout == "moodle"
    r = export.records
    assert r["learner"].tolist() == ["jdoe", "asmith"]
    assert r["course"].tolist() == ["LA-1", "LA-1"]
    assert r["course_title"].tolist() == ["Launch academy", "Launch academy"]
    assert str(r.loc[0, "completed"].date()) == "2026-02-03"
    assert pd.isna(r.loc[1, "completed"])
    assert "jdoe@example.com" not in r.to_string()


def test_successfactors_layout_reads_month_first(tmp_path):
    export = read_lms_export(write(tmp_path, SUCCESSFACTORS))
    assert export.layout == "successfactors"
    r = export.records
    assert r["learner"].tolist() == ["E1", "E2"]
    assert r["completed"].dt.strftime("%Y-%m-%d").tolist() == ["2026-02-03", "2026-02-10"]
    assert r["status"].tolist() == ["COMPLETE", "FAILED"]


def test_xlsx_export(tmp_path):
    frame = pd.DataFrame({"learner_id": ["L1"], "program": ["p1"],
                          "enrolled_on": [pd.Timestamp("2026-01-05")],
                          "completed_on": [pd.Timestamp("2026-01-20")]})
    path = tmp_path / "lms.xlsx"
    frame.to_excel(path, index=False)
    r = read_lms_export(path).records
    assert str(r.loc[0, "completed"].date()) == "2026-01-20"


def test_layout_detection():
    assert detect_lms_layout(["User ID", "Curriculum ID", "Status"]) == "successfactors"
    assert detect_lms_layout(["Course short name", "ID number"]) == "moodle"
    assert detect_lms_layout(["learner", "course"]) == "generic"


def test_missing_column_names_what_is_needed(tmp_path):
    with pytest.raises(InputError) as info:
        read_lms_export(write(tmp_path, "person,completed_on\nL1,2026-01-01\n"))
    text = str(info.value)
    assert "row 1" in text and "has no column for learner, course" in text
    assert "'program'" in text and "'person'" in text


def test_bad_cells_are_located(tmp_path):
    text = GENERIC.replace("2026-01-20", "soon").replace(",no\n", ",maybe\n")
    with pytest.raises(ValidationError) as info:
        read_lms_export(write(tmp_path, text))
    found = [str(p) for p in info.value.problems]
    assert any("row 2" in f and "column 'completed_on'" in f and "'soon' is not a date" in f
               for f in found)
    assert any("row 4" in f and "column 'applied'" in f and "'maybe' is not yes or no" in f
               for f in found)


def test_time_tracking_aliases_and_decimal_comma(tmp_path):
    path = write(tmp_path, "Employee;Project;Period;Hours;Cost\nPM-01;p1;2026-1;7,5;\n"
                           "PM-01;p1;2026-02-15;8;1200\n", name="time.csv")
    r = read_time_tracking(path).records
    assert r["month"].tolist() == ["2026-01", "2026-02"]
    assert r["hours"].tolist() == [7.5, 8.0]
    assert r["cost"].tolist() == [0.0, 1200.0]


def test_time_tracking_bad_hours_are_located(tmp_path):
    path = write(tmp_path, "person,program,month,hours\nA,p1,2026-01,-3\nB,p1,,2\n",
                 name="time.csv")
    with pytest.raises(ValidationError) as info:
        read_time_tracking(path)
    found = [str(p) for p in info.value.problems]
    assert any("row 2" in f and "'-3' is not a number of 0 or more" in f for f in found)
    assert any("row 3" in f and "column 'month'" in f and "is blank" in f for f in found)


def test_match_accounts_for_every_lms_row(small_strategy, lms_records):
    records = lms_records([
        {"learner": "a", "course": "p1", "enrolled": "2026-01-05", "completed": "2026-01-20"},
        {"learner": "b", "course": "LA-1", "enrolled": "2026-01-06"},
        {"learner": "", "course": "p1", "enrolled": "2026-01-06"},
        {"learner": "c", "course": "Code of conduct", "enrolled": "2026-01-06"},
        {"learner": "d", "course": "p1", "enrolled": "2025-12-20"},  # before the start month
        {"learner": "e", "course": "p1", "enrolled": "2026-05-02"},  # after the review date
        {"learner": "f", "course": "p1", "status": "completed", "enrolled": "2026-01-07"},
        {"learner": "g", "course": "p1"},                             # no date at all
        {"learner": "a", "course": "p1", "enrolled": "2026-01-02"},  # second row of a
        {"learner": "x", "course": "p1", "enrolled": "2026-01-08"},  # not in the roster
    ])
    actuals = match_actuals(small_strategy, LmsExport("lms.csv", "generic", records),
                            as_of=date(2026, 4, 30), learners=list("abcdefg"))
    counts = dict(zip(actuals.counts["count"], actuals.counts["n"], strict=True))
    assert counts == {
        "rows read": 10, "rows kept": 2, "excluded: no learner id": 1,
        "excluded: course not in the portfolio": 1, "excluded: unknown learner": 1,
        "excluded: completed without a completion date": 1,
        "excluded: no enrolment or completion date": 1,
        "excluded: dated before the program starts": 1,
        "excluded: dated after the review date": 1,
        "excluded: second row of the same learner and program": 1,
    }
    assert sorted(actuals.exclusions["row"]) == [4, 5, 6, 7, 8, 9, 10, 11]
    kept = actuals.completions.set_index("learner")
    assert kept.loc["a", "program"] == "p1"
    assert str(kept.loc["a", "enrolled"].date()) == "2026-01-02"  # earliest enrolment kept
    assert str(kept.loc["a", "completed"].date()) == "2026-01-20"
    assert kept.loc["b", "program"] == "p1"  # matched on the LMS course code


def test_failed_status_is_not_a_completion(small_strategy, lms_records):
    records = lms_records([{"learner": "a", "course": "LA-1", "enrolled": "2026-01-05",
                            "completed": "2026-01-20", "status": "FAILED"}])
    actuals = match_actuals(small_strategy, LmsExport("f", "successfactors", records))
    assert actuals.completions["completed"].isna().all()


def test_learners_are_pseudonymized_with_the_secret(small_strategy, lms_records):
    records = lms_records([{"learner": "Ana@X.example", "course": "p1",
                            "enrolled": "2026-01-05"}])
    actuals = match_actuals(small_strategy, LmsExport("f", "generic", records), secret=b"k",
                            learners=["ana@x.example"])
    learner = actuals.completions.loc[0, "learner"]
    assert learner.startswith("p") and len(learner) == 17 and "ana" not in learner


def test_match_accounts_for_every_time_row(small_strategy):
    records = pd.DataFrame({
        "row": [2, 3, 4, 5, 6], "person": ["A", "", "A", "A", "A"],
        "program": ["p1", "p1", "admin", "P1", "launch academy"],
        "month": ["2026-01", "2026-01", "2026-01", "2025-12", "2026-05"],
        "hours": [10.0, 1.0, 5.0, 2.0, 3.0], "cost": 0.0, "activity": "",
    })
    actuals = match_actuals(small_strategy, time=TimeExport("time.csv", records),
                            as_of=date(2026, 4, 30))
    counts = dict(zip(actuals.counts["count"], actuals.counts["n"], strict=True))
    assert counts == {"rows read": 5, "rows kept": 1, "excluded: no person": 1,
                      "excluded: program not in the portfolio": 1,
                      "excluded: month before the program starts": 1,
                      "excluded: month after the review month": 1}
    assert actuals.hours["hours"].tolist() == [10.0]
    detail = actuals.exclusions.set_index("row")["detail"]
    assert detail[4] == "program 'admin'"
    assert detail[5] == "month 2025-12, program starts 2026-01"


def test_latest_date(tmp_path):
    lms = read_lms_export(write(tmp_path, GENERIC))
    time = read_time_tracking(write(tmp_path, "person,program,month,hours\nA,p1,2026-03,1\n",
                                    name="time.csv"))
    assert latest_date(lms) == date(2026, 2, 2)
    assert latest_date(lms, time) == date(2026, 3, 31)
    assert latest_date() is None


# -- per-course exports as Moodle writes them (tests/data/lms, see its README) -------------

LMS_DATA = __import__("pathlib").Path(__file__).parents[1] / "data" / "lms"


def test_moodle_course_completion_report_with_the_course_given():
    export = read_lms_export(LMS_DATA / "moodle_course_completion.csv", course="LA-2026")
    assert export.layout == "moodle"
    r = export.records
    assert r["course"].tolist() == ["LA-2026"] * 3
    assert r["learner"].tolist() == ["jane.doe@example.com", "rick.roe@example.com",
                                     "ana.nunez@example.com"]  # not Moodle's internal ID
    # "20/02/26, 16:05": day first, read from the file (days 14 and 20 are above 12)
    assert r["completed"].dt.strftime("%Y-%m-%d").fillna("").tolist() == [
        "2026-02-20", "", "2026-02-03"]
    assert "Name" not in r.columns and "Jane Doe" not in r.to_string()


def test_a_per_course_export_without_the_course_says_so_not_learner_missing():
    with pytest.raises(InputError) as info:
        read_lms_export(LMS_DATA / "moodle_gradebook.csv")
    message = str(info.value)
    assert "has no course column" in message and "course=" in message
    assert "learner" not in message.split("(")[0]
    export = read_lms_export(LMS_DATA / "moodle_gradebook.csv", course="LA-2026")
    assert export.records["learner"].tolist() == ["E1002", "E1001"][::-1]  # ID number first
    assert export.records["completed"].isna().all()  # the gradebook carries no dates


def test_ambiguous_numeric_dates_are_refused_until_the_order_is_given():
    path = LMS_DATA / "moodle_course_completion_ambiguous.csv"
    with pytest.raises(ValidationError, match="cannot be told apart") as info:
        read_lms_export(path, course="LA-2026")
    assert "dayfirst=True" in str(info.value.problems[0].hint)
    assert info.value.problems[0].location.column == "Course complete"
    day = read_lms_export(path, course="LA-2026", dayfirst=True).records["completed"]
    month = read_lms_export(path, course="LA-2026", dayfirst=False).records["completed"]
    assert day.dt.strftime("%Y-%m-%d").tolist() == ["2026-02-03", "2026-02-04"]
    assert month.dt.strftime("%Y-%m-%d").tolist() == ["2026-03-02", "2026-04-02"]


def test_a_date_against_the_layouts_order_is_refused(tmp_path):
    text = SUCCESSFACTORS.replace("02/10/2026", "25/03/2026")
    with pytest.raises(ValidationError, match="cannot be read month first"):
        read_lms_export(write(tmp_path, text))
    r = read_lms_export(write(tmp_path, text.replace("01/05/2026", "13/01/2026")
                              .replace("01/06/2026", "14/01/2026")
                              .replace("02/03/2026 10:15 AM EST", "03/02/2026")),
                        dayfirst=True).records
    assert r["completed"].dt.strftime("%Y-%m-%d").tolist() == ["2026-02-03", "2026-03-25"]


@pytest.mark.parametrize("learner", ["Email address", "ID number", "Username", "User ID",
                                     "ID (User)"])
def test_learner_columns_by_the_names_lmss_use(tmp_path, learner):
    path = write(tmp_path, f"{learner},Item ID,Completion Date\nE7,LA-1,2026-02-03\n")
    assert read_lms_export(path).records["learner"].tolist() == ["E7"]
