"""plan_progress: issued plans against LMS exports in the layouts the strategy phase reads.

Every expected number is counted by hand from the small plans below.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from ldkit.plans import plan_progress
from ldkit.plans.progress import (
    PROGRESS_STATUSES,
    lms_ids_from_assignments,
    manager_followups,
    overdue_activities,
    progress_by_group,
)
from ldkit.strategy.actuals import read_lms_export

AS_OF = "2026-04-01"


def _items() -> pd.DataFrame:
    rows = [  # learner, activity, title, due, hours
        ("pa", "ap-course", "Account planning course", "2026-02-06", 6.0),
        ("pa", "ap-stretch", "Account plan stretch", "2026-03-20", 20.0),
        ("pa", "neg-workshop", "Negotiation workshop", "2026-06-05", 8.0),
        ("pb", "ap-course", "Account planning course", "2026-02-06", 6.0),
        ("pb", "ap-stretch", "Account plan stretch", "2026-03-20", 20.0),
        ("pc", "ap-course", "Account planning course", "2026-02-06", 6.0),
        ("pc", "neg-workshop", "Negotiation workshop", "2026-06-05", 8.0),
        ("pd", "neg-workshop", "Negotiation workshop", "2026-06-05", 8.0),
    ]
    out = pd.DataFrame(rows, columns=["learner", "activity", "title", "due", "hours"])
    out["start"] = pd.to_datetime(out["due"]) - pd.Timedelta(days=14)
    out["capability"] = "account_planning"
    return out


def _write(path, text: str, encoding: str = "utf-8") -> str:
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return str(path)


SUCCESSFACTORS = ("User ID,Last Name,First Name,Item Type,Item ID,Item Title,Assignment Date,"
                  "Completion Date,Completion Status\n") + """\
pa,Doe,Jane,COURSE,AP-COURSE,Account planning course,01/19/2026,02/02/2026,COMPLETE
pa,Doe,Jane,COURSE,ap-stretch,Account plan stretch,01/19/2026,04/15/2026,COMPLETE
pa,Doe,Jane,COURSE,AP-COURSE,Account planning course,01/19/2026,02/20/2026,COMPLETE
pb,Roe,Rik,COURSE,ap-course,Account planning course,01/19/2026,02/10/2026,COMPLETE
pb,Roe,Rik,COURSE,ap-stretch,Account plan stretch,01/19/2026,03/18/2026,COMPLETE
pc,Poe,Ann,COURSE,ap-course,Account planning course,01/19/2026,,IN PROGRESS
pc,Poe,Ann,COURSE,GMP-101,GMP refresher,01/19/2026,01/30/2026,COMPLETE
zz,Who,Ken,COURSE,ap-course,Account planning course,01/19/2026,01/30/2026,COMPLETE
,,,COURSE,ap-course,Account planning course,01/19/2026,01/30/2026,COMPLETE
pd,Dee,Bo,COURSE,neg-workshop,Negotiation workshop,01/19/2026,,COMPLETE
"""


@pytest.fixture
def sf_progress(tmp_path):
    export = read_lms_export(_write(tmp_path / "sf.csv", SUCCESSFACTORS, "utf-8-sig"))
    assert export.layout == "successfactors"
    return plan_progress(_items(), export, as_of=AS_OF)


def test_learner_rows_counted_by_hand(sf_progress):
    t = sf_progress.learners.set_index("learner")
    # pa: course done 02-02 (the 02-20 repeat is a second completion), stretch done after
    # the review date, so overdue; workshop not yet due
    assert t.loc["pa", ["planned", "due", "completed", "overdue"]].tolist() == [3, 2, 1, 1]
    assert t.loc["pa", "hours_done"] == 6.0 and t.loc["pa", "hours_planned"] == 34.0
    assert t.loc["pa", "status"] == "behind"
    # pb: both items done: every planned activity completed
    assert t.loc["pb", ["planned", "due", "completed", "overdue"]].tolist() == [2, 2, 2, 0]
    assert t.loc["pb", "status"] == "done"
    assert t.loc["pb", "share_hours_done"] == 1.0
    # pc: course in progress (not completed), due: nothing completed, something due
    assert t.loc["pc", ["due", "completed", "overdue"]].tolist() == [1, 0, 1]
    assert t.loc["pc", "status"] == "not started"
    # pd: nothing due yet, nothing completed (the completion lacks its date)
    assert t.loc["pd", ["due", "completed", "overdue"]].tolist() == [0, 0, 0]
    assert t.loc["pd", "status"] == "on track"
    assert set(t["status"]) <= set(PROGRESS_STATUSES)
    assert sf_progress.as_of == date(2026, 4, 1)


def test_every_lms_row_is_accounted(sf_progress):
    counts = dict(zip(sf_progress.counts["count"], sf_progress.counts["n"], strict=True))
    assert counts["rows read"] == 10
    assert counts["completions counted"] == 3
    excluded = sf_progress.excluded.set_index("row")["reason"].to_dict()
    assert excluded == {
        3: "completed after the review date",
        4: "second completion of the same activity",
        7: "not completed",
        8: "course not in the learner's plan",
        9: "learner without a plan",
        10: "no learner id",
        11: "completed without a completion date",
    }
    assert counts["rows read"] == counts["completions counted"] + len(sf_progress.excluded)


def test_activity_rows(sf_progress):
    a = sf_progress.activities.set_index(["learner", "activity"])
    assert a.loc[("pa", "ap-course"), "completed_on"] == pd.Timestamp("2026-02-02")
    assert a.loc[("pa", "ap-stretch"), "state"] == "overdue"
    assert a.loc[("pa", "ap-stretch"), "days_overdue"] == 12  # 03-20 to 04-01
    assert a.loc[("pa", "neg-workshop"), "state"] == "not yet due"
    assert len(sf_progress.activities) == len(_items())


MOODLE = "\n".join([
    "Course full name,Course short name,Username,ID number,Time enrolled,Time completed,Completed",
    'Account planning course,ap-course,jdoe,E1001,"Monday, 12 January 2026, 9:00 AM",'
    '"Tuesday, 3 February 2026, 10:15 AM",Yes',
    'Negotiation workshop,neg-workshop,jdoe,E1001,"Monday, 12 January 2026, 9:00 AM",'
    '"Friday, 6 March 2026, 4:00 PM",Yes',
    'Account planning course,ap-course,rroe,E1002,"Monday, 12 January 2026, 9:00 AM",,No',
    ""])


def test_moodle_export_matched_through_the_assignment_file(tmp_path):
    from ldkit.plans.cohort import LMS_COLUMNS

    items = _items()
    lms_user = {"pa": "E1001", "pb": "E1002", "pc": "E1003", "pd": "E1004"}
    assignments = pd.DataFrame({"learner": items["learner"].map(lms_user),
                                "activity_id": items["activity"], "activity_title": items["title"],
                                "start_date": "", "due_date": items["due"]})[LMS_COLUMNS]
    ids = lms_ids_from_assignments(items, assignments)
    assert ids == {"E1001": "pa", "E1002": "pb", "E1003": "pc", "E1004": "pd"}
    export = read_lms_export(_write(tmp_path / "moodle.csv", MOODLE))
    assert export.layout == "moodle"
    p = plan_progress(items, export, as_of=AS_OF, lms_ids=ids)
    a = p.activities.set_index(["learner", "activity"])
    assert a.loc[("pa", "ap-course"), "completed_on"] == pd.Timestamp("2026-02-03")
    assert a.loc[("pa", "neg-workshop"), "state"] == "completed"  # early completion counts
    assert a.loc[("pb", "ap-course"), "state"] == "overdue"
    with pytest.raises(Exception, match="does not line up"):
        lms_ids_from_assignments(items, assignments.iloc[1:])


def test_export_of_survey_ids_is_pseudonymized_with_the_secret(tmp_path):
    from ldkit.survey.pseudonym import pseudonymize

    secret = b"engagement-secret"
    emails = pd.Series(["ana@x.example", "bo@x.example"])
    learners = pseudonymize(emails, secret).tolist()
    items = pd.DataFrame({"learner": learners, "activity": "ap-course",
                          "title": "Account planning", "due": "2026-02-06", "hours": 6.0})
    generic = ("learner_id,program,enrolled_on,completed_on,status\n"
               "Ana@X.example,ap-course,2026-01-12,2026-02-01,completed\n")
    export = read_lms_export(_write(tmp_path / "lms.csv", generic))
    p = plan_progress(items, export, as_of="2026-03-01", secret=secret)
    assert p.learners.set_index("learner").loc[learners[0], "status"] == "done"
    assert p.learners.set_index("learner").loc[learners[1], "status"] == "not started"
    assert "ana@x.example" not in p.learners.to_string().casefold()


def _many(n_per_role: dict[str, int]) -> tuple:
    """Learners of several roles with one activity each, a known status mix."""
    rows, people = [], []
    k = 0
    for role, n in n_per_role.items():
        for _ in range(n):
            learner = f"p{k}"
            rows.append((learner, "ap-course", "Account planning course", "2026-02-06", 6.0))
            people.append((learner, role, f"m{k % 2}"))
            k += 1
    items = pd.DataFrame(rows, columns=["learner", "activity", "title", "due", "hours"])
    done = items["learner"].iloc[::2]  # every second learner completed
    lms = pd.DataFrame({"learner": done, "course": "ap-course",
                        "completed": pd.Timestamp("2026-02-01"), "status": "completed"})
    people = pd.DataFrame(people, columns=["person_id", "role", "manager"])
    return plan_progress(items, lms, as_of=AS_OF), people


def test_no_group_under_the_minimum_size_appears_in_the_progress_tables():
    progress, people = _many({"KAM": 8, "Rep": 12, "MSL": 3})
    table = progress_by_group(progress, people, "role", min_group_size=5)
    numbers = [*PROGRESS_STATUSES, "share_behind", "mean_share_hours_done"]
    by_role = table.set_index("role")
    assert by_role.loc["MSL", "suppressed"] == "n < 5"
    assert by_role.loc["MSL", numbers].isna().all()
    # the smallest shown role is hidden too, so All minus the rest gives nothing away
    assert by_role.loc["KAM", "suppressed"] == "complementary"
    assert by_role.loc["KAM", numbers].isna().all()
    assert by_role.loc["Rep", "done"] == 6 and by_role.loc["Rep", "not started"] == 6
    assert by_role.loc["All", "learners"] == 23
    shown = table[table["suppressed"] == ""]
    assert (shown["learners"] >= 5).all()

    small = plan_progress(pd.DataFrame({"learner": ["a", "b"], "activity": "rare",
                                        "title": "Rare", "due": "2026-02-01", "hours": 1.0}),
                          pd.DataFrame(columns=["learner", "course", "completed"]),
                          as_of=AS_OF)
    top = overdue_activities(small, min_group_size=5)
    assert top.loc[0, "suppressed"] == "n < 5"
    assert np.isnan(top.loc[0, "overdue"])


def test_overdue_activities_counted():
    progress, _ = _many({"KAM": 10})
    top = overdue_activities(progress, min_group_size=5)
    row = top.iloc[0]
    assert (row.learners, row.due, row.completed, row.overdue) == (10, 10, 5, 5)
    assert row.share_overdue == 0.5


def test_manager_followups_list_people_behind_per_manager():
    progress, people = _many({"KAM": 6})
    managers = people.rename(columns={"person_id": "learner"})
    lists = manager_followups(progress, managers)
    assert set(lists) == {"m1"}  # m0's people all completed: no list for m0
    # learners p1, p3, p5 did not complete; all three have manager m1
    assert lists["m1"]["learner"].tolist() == ["p1", "p3", "p5"]
    assert (lists["m1"]["status"] == "not started").all()
    assert lists["m1"]["due"].tolist() == ["2026-02-06"] * 3


def test_bad_input_is_named():
    from ldkit.errors import InputError, ParameterError

    with pytest.raises(InputError, match="due"):
        plan_progress(_items().drop(columns="due"), pd.DataFrame(columns=["learner", "course",
                                                                           "completed"]),
                      as_of=AS_OF)
    with pytest.raises(ParameterError, match="as_of"):
        plan_progress(_items(), pd.DataFrame(columns=["learner", "course", "completed"]),
                      as_of="not a date")
