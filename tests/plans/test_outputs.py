"""Plan outputs: cohort view, LMS file, per-learner documents, adjustments (hand-checked)."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from ldkit.errors import InputError, ParameterError, ValidationError
from ldkit.plans.build import PlanOptions, PlanSet
from ldkit.plans.catalog import Activity, Catalog
from ldkit.plans.cohort import LMS_COLUMNS, cohort_view, lms_assignments, write_lms_csv
from ldkit.plans.documents import PlanDocuments, write_plan_documents
from ldkit.plans.step import read_adjustments

# -- a plan set written by hand: every number below is checked against it ----------------

ITEMS = pd.DataFrame({
    "learner": ["a", "a", "a", "b", "b"],
    "goal_rank": [1, 1, 2, 1, 1],
    "capability": ["x", "x", "y", "x", "x"],
    "activity": ["proj", "ws", "mentor", "proj", "ws"],
    "title": ["Project", "Workshop", "Mentoring", "Project", "Workshop"],
    "modality": ["experiential", "formal", "social", "experiential", "formal"],
    "format": ["stretch assignment", "workshop", "mentoring", "stretch assignment", "workshop"],
    "start": pd.to_datetime(["2026-01-05", "2026-01-26", "2026-02-02", "2026-01-05",
                             "2026-02-09"]),
    "due": pd.to_datetime(["2026-01-23", "2026-01-30", "2026-02-27", "2026-01-30",
                           "2026-02-13"]),
    "hours": [14.0, 2.0, 4.0, 16.0, 4.0],
    "cost": [0.0, 500.0, 300.0, 0.0, 500.0],
    "reason": ["r"] * 5,
})
GOALS = pd.DataFrame({
    "learner": ["a", "a", "b", "b"], "rank": [1, 2, 1, 2],
    "capability": ["x", "y", "x", "y"], "current": [1.0, 2.0, 1.5, 2.0],
    "target": [3, 3, 3, 3], "gap": [2.0, 1.0, 1.5, 1.0], "weight": [1.0] * 4,
    "priority": [2.0, 1.0, 1.5, 1.0], "source": ["gap"] * 4,
})
STATUS = pd.DataFrame({
    "learner": ["a", "b", "c", "d"],
    "status": ["planned", "planned", "no plan needed", "infeasible"],
    "reason": ["3 activities", "2 activities", "no capability below the required level",
               "the budget cannot be met"],
    "hours": [20.0, 20.0, 0.0, 0.0], "cost": [800.0, 500.0, 0.0, 0.0],
    # a: 14/20 = 0.7, 4/20 = 0.2, 2/20 = 0.1; b: 16/20 = 0.8, 0, 4/20 = 0.2
    "mix_experiential": [0.7, 0.8, float("nan"), float("nan")],
    "mix_social": [0.2, 0.0, float("nan"), float("nan")],
    "mix_formal": [0.1, 0.2, float("nan"), float("nan")],
})
MILESTONES = pd.DataFrame({"learner": ["a"], "date": [date(2026, 1, 5)],
                           "kind": ["pre-assessment"], "detail": ["baseline"]})
HAND = PlanSet(GOALS, ITEMS, MILESTONES, STATUS, PlanOptions())
CAPACITY = Catalog((
    Activity("proj", "Project", ("x",), 1, 3, "experiential", "stretch assignment", 14),
    Activity("ws", "Workshop", ("x",), 1, 3, "formal", "workshop", 2, 500, capacity=1),
    Activity("mentor", "Mentoring", ("y",), 1, 3, "social", "mentoring", 4, 300),
), name="hand")


def test_cohort_seats_and_cohorts_at_capacity():
    view = cohort_view(HAND, CAPACITY, min_group_size=1)
    seats = view.seats.set_index(["activity", "month"])["seats"].to_dict()
    # proj: a and b both start in January; ws: a in January, b in February.
    assert seats == {("mentor", "2026-02"): 1, ("proj", "2026-01"): 2,
                     ("ws", "2026-01"): 1, ("ws", "2026-02"): 1}
    cohorts = view.seats.set_index(["activity", "month"])["cohorts"]
    assert cohorts[("ws", "2026-01")] == 1  # 1 seat / capacity 1
    assert pd.isna(cohorts[("proj", "2026-01")])  # no capacity: no cohorts
    grid = view.seats_by_month.set_index("activity")
    assert grid.loc["proj", "2026-01"] == 2 and grid.loc["proj", "total"] == 2
    assert grid.loc["ws", ["2026-01", "2026-02", "total"]].tolist() == [1, 1, 2]


def test_cohort_totals_mix_and_coverage():
    view = cohort_view(HAND, CAPACITY, min_group_size=1)
    totals = dict(zip(view.totals["measure"], view.totals["value"], strict=True))
    assert totals["learners"] == 4 and totals["planned"] == 2
    assert totals["no plan needed"] == 1 and totals["infeasible"] == 1
    assert totals["plan items"] == 5
    assert totals["total hours"] == 40.0 and totals["total cost"] == 1300.0
    assert totals["mean hours per planned learner"] == 20.0
    mix = view.mix.set_index("modality")
    # hours-weighted over both plans: experiential 30/40, social 4/40, formal 6/40
    assert mix["achieved"].tolist() == pytest.approx([0.75, 0.10, 0.15])
    # within +/-0.15: a is on target; b has social 0.0, outside 0.2 +/- 0.15
    assert mix["learners_within_tolerance"].tolist() == [2, 1, 2]
    cov = view.coverage.set_index("capability")
    # goal (b, 2, y) has no item: y is 1 of 2 covered; x 2 of 2; total 3 of 4
    assert cov.loc["x", ["goals", "covered"]].tolist() == [2, 2]
    assert cov.loc["y", ["goals", "covered"]].tolist() == [2, 1]
    assert cov.loc["total", "share_covered"] == 0.75
    assert view.without_plan["learner"].tolist() == ["c", "d"]
    assert view.without_plan_reasons["learners"].sum() == 2


def test_cohort_view_names_capabilities_and_checks_arguments():
    view = cohort_view(HAND, names={"x": "Account planning"}, min_group_size=1)
    assert "Account planning" in set(view.coverage["capability"])
    with pytest.raises(ParameterError, match="'plans' parameter of cohort_view"):
        cohort_view(ITEMS)


def test_lms_assignments_one_row_per_item(tmp_path):
    table = lms_assignments(HAND)
    assert list(table.columns) == LMS_COLUMNS
    assert len(table) == len(ITEMS)
    assert table.iloc[0].tolist() == ["a", "proj", "Project", "2026-01-05", "2026-01-23"]
    path = write_lms_csv(HAND, tmp_path / "lms.csv", learner_ids={"a": "E001", "b": "E002"})
    back = pd.read_csv(path, dtype=str)
    assert back["learner"].tolist() == ["E001"] * 3 + ["E002"] * 2
    # a learner missing from the ids keeps its rows, with a blank user id (never a pseudonym)
    path = write_lms_csv(HAND, tmp_path / "x.csv", learner_ids={"a": "E001"})
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back["learner"].tolist() == ["E001"] * 3 + [""] * 2


def test_lms_file_holds_no_formula(tmp_path):
    """Titles and ids from inputs are neutralized (OWASP CSV injection) in the LMS file."""
    import csv

    items = ITEMS.assign(title=['=HYPERLINK("http://x","Project")', "+Workshop", "@Mentor",
                                "-Project", "Workshop"])
    plans = PlanSet(GOALS, items, MILESTONES, STATUS, PlanOptions())
    path = write_lms_csv(plans, tmp_path / "lms.csv", learner_ids={"a": "=E001", "b": "E002"})
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["activity_title"] for r in rows] == [
        "'=HYPERLINK(\"http://x\",\"Project\")", "'+Workshop", "'@Mentor", "'-Project",
        "Workshop"]
    assert {r["learner"] for r in rows} == {"'=E001", "E002"}
    assert rows[0]["start_date"] == "2026-01-05"


# -- documents of real plans --------------------------------------------------------------




def test_documents_say_who_what_when(small, tmp_path):
    model, plans = small
    profiles = pd.DataFrame({"learner": ["p1", "p2", "p3"], "role": "rep",
                             "region": ["EU", "EU", "US"], "email": ["never@shown.com"] * 3})
    out = write_plan_documents(plans, tmp_path, model=model, client="Acme", people=profiles,
                               names={"p1": "Alex Example"})
    assert [p.name for p in out["html"]] == ["p1.html", "p2.html", "p3.html"]
    assert [p.name for p in out["docx"]] == ["p1.docx", "p2.docx", "p3.docx"]
    page = out["html"][0].read_text(encoding="utf-8")
    assert "Personal learning plan: Alex Example" in page
    assert "Sales Representative" in page and "EU" in page
    assert "never@shown.com" not in page  # e-mail columns are never shown
    assert "Plans complex accounts" in page  # the indicator of the target level 3
    items = plans.plan("p1")["items"]
    for title in items["title"]:
        assert title in page
    # one bar per activity in the timeline, one diamond per milestone inside the plan period
    assert len(re.findall(r"<rect ", page)) == len(items)
    milestones = plans.plan("p1")["milestones"]
    last = max(pd.to_datetime(items["due"]).max(), pd.to_datetime(
        milestones.loc[milestones["kind"] == "post-assessment", "date"]).max())
    inside = (pd.to_datetime(milestones["date"]) <= last).sum()
    final = int(inside < len(milestones))  # one closing check-in replaces the later ones
    assert len(re.findall(r"<path ", page)) == inside + final
    assert "5 Jan 2026" in page  # plans start on Monday 2026-01-05
    none = out["html"][1].read_text(encoding="utf-8")
    assert "No development plan is needed" in none and "no capability below" in none
    index = out["index"][0].read_text(encoding="utf-8")
    assert index.count("<tr>") == 4  # header + 3 learners


def test_docx_opens_and_matches_the_plan(small, tmp_path):
    import docx

    model, plans = small
    path = PlanDocuments(plans, model, client="Acme").write_docx("p1", tmp_path / "p1.docx")
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["About this plan", "Goals", "Activities", "Timeline", "Milestones",
                        "How you will learn", "What is expected", "How progress is assessed",
                        "Agreed"]
    activities = document.tables[2]  # about, goals, activities
    n_items = len(plans.plan("p1")["items"])
    assert len(activities.rows) == n_items + 1
    assert document.tables[3].rows[0].cells[1].text == "Jan 26"  # timeline month grid


def test_documents_check_their_arguments(small, tmp_path):
    model, plans = small
    with pytest.raises(ParameterError, match="'kinds' parameter of write_plan_documents"):
        write_plan_documents(plans, tmp_path, model=model, kinds=["pdf"])
    with pytest.raises(ParameterError, match="learners of the plan set"):
        write_plan_documents(plans, tmp_path, model=model, learners=["nobody"])
    with pytest.raises(ParameterError, match="'people' parameter"):
        PlanDocuments(plans, model, people=pd.DataFrame({"who": ["p1"]}))


# -- adjustments --------------------------------------------------------------------------


def test_adjustments_read_and_every_problem_located(tmp_path):
    good = tmp_path / "adjust.csv"
    good.write_text("learner,kind,value\np1,pin,ap-coach\np1,exclude,ap-course\n"
                    "p2,career_goal,kam\n", encoding="utf-8")
    got = read_adjustments(good, learners={"p1", "p2"}, activities={"ap-coach", "ap-course"},
                           roles={"rep", "kam"})
    assert got == {"pins": {"p1": ["ap-coach"]}, "exclusions": {"p1": ["ap-course"]},
                   "career_goals": {"p2": "kam"}}
    bad = tmp_path / "bad.csv"
    bad.write_text("learner,kind,value\nzz,pin,ap-coach\np1,boost,x\np1,pin,nope\n"
                   "p2,career_goal,ceo\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_adjustments(bad, learners={"p1", "p2"}, activities={"ap-coach"},
                         roles={"rep", "kam"})
    where = [(p.location.row, p.location.column) for p in err.value.problems]
    assert where == [(2, "learner"), (3, "kind"), (4, "value"), (5, "value")]
    missing = tmp_path / "cols.csv"
    missing.write_text("learner,value\np1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks the column"):
        read_adjustments(missing, learners=set(), activities=set(), roles=set())


# -- the demo engagement ------------------------------------------------------------------


def test_demo_plans_every_employee_with_a_gap_within_budgets_and_mix(demo_run):
    root, report = demo_run
    assert report.ok
    processed = root / "data" / "processed"
    status = pd.read_csv(processed / "plans" / "status.csv")
    gaps = pd.read_csv(processed / "needs" / "person_gaps.csv")
    with_gap = set(gaps.loc[gaps["gap"] > 0, "person_id"])
    planned = status[status["status"] == "planned"]
    assert with_gap == set(planned["learner"])  # a plan for every employee with a gap
    opts = PlanOptions()
    assert (planned["hours"] <= opts.hour_limit + 1e-9).all()
    assert (planned["cost"] <= opts.cost_per_person + 1e-9).all()
    for m, target in opts.mix.items():
        assert ((planned[f"mix_{m}"] - target).abs() <= opts.mix_tolerance + 1e-9).all()
    plans_dir = root / "deliverables" / "plans"
    assert len(list(plans_dir.glob("p*.html"))) == len(status)
    assert len(list(plans_dir.glob("p*.docx"))) == len(status)
    lms = pd.read_csv(plans_dir / "lms-assignments.csv")
    items = pd.read_csv(processed / "plans" / "items.csv")
    assert len(lms) == len(items) and list(lms.columns) == LMS_COLUMNS


def test_people_whose_role_is_not_in_the_model_are_listed_without_a_plan(small):
    from ldkit.plans.step import _with_unmatched

    model, plans = small
    gaps = pd.DataFrame({"person_id": ["p1", "p2", "p3"]})
    people = pd.DataFrame({"person_id": ["p1", "p2", "p3", "p4", "p5"],
                           "role": ["rep", "rep", "rep", "Field Medical Advisor", "rep"]})
    view = _with_unmatched(cohort_view(plans), gaps, people, model)
    extra = view.without_plan[view.without_plan["status"] == "not planned"]
    assert extra.values.tolist() == [
        ["p4", "not planned", "role 'Field Medical Advisor' is not in the capability model"],
        ["p5", "not planned", "no rating of a capability the role requires"]]
    counted = view.without_plan_reasons.set_index("reason")["learners"]
    assert counted["role 'Field Medical Advisor' is not in the capability model"] == 1


def test_learner_names_are_matched_by_the_survey_pseudonym(tmp_path):
    from ldkit.plans.step import read_learner_names
    from ldkit.survey.pseudonym import pseudonymize

    names = tmp_path / "names.csv"
    names.write_text("id,name\nana@x.example,Ana Silva\n BEN@x.example ,Ben Okafor\n",
                     encoding="utf-8")
    got = read_learner_names(names, b"secret")
    ids = pseudonymize(pd.Series(["ana@x.example", "ben@x.example"]), b"secret")
    assert got == {ids[0]: "Ana Silva", ids[1]: "Ben Okafor"}  # same key as on survey load
    names.write_text("id,name\nana@x.example,\n", encoding="utf-8")
    with pytest.raises(InputError, match="a person without a name") as err:
        read_learner_names(names, b"secret")
    assert (err.value.location.row, err.value.location.column) == (2, "name")
    names.write_text("email,name\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks the column"):
        read_learner_names(names, b"secret")


# -- coverage counts every goal a plan item develops; small groups hidden ------------------


def _coverage_case(n_x: int, n_y: int) -> tuple[PlanSet, Catalog]:
    """Learners with a goal in x (rank 1); the first ``n_y`` also in y (rank 2).

    Each learner's only item is "both", chosen for the x goal; the catalog says "both"
    develops x and y for someone now at level 1 to 3.
    """
    learners = [f"l{i}" for i in range(n_x)]
    goals = pd.DataFrame(
        [(p, 1, "x", 1.0) for p in learners] + [(p, 2, "y", 2.0) for p in learners[:n_y]],
        columns=["learner", "rank", "capability", "current"]).assign(
        target=3, gap=1.0, weight=1.0, priority=1.0, source="gap")
    items = pd.DataFrame({
        "learner": learners, "goal_rank": 1, "capability": "x", "activity": "both",
        "title": "Both", "modality": "experiential", "format": "stretch assignment",
        "start": pd.Timestamp("2026-01-05"), "due": pd.Timestamp("2026-01-30"),
        "hours": 10.0, "cost": 0.0, "reason": "r"})
    status = pd.DataFrame({"learner": learners, "status": "planned", "reason": "",
                           "hours": 10.0, "cost": 0.0, "mix_experiential": 1.0,
                           "mix_social": 0.0, "mix_formal": 0.0})
    catalog = Catalog((
        Activity("both", "Both", ("x", "y"), 1, 3, "experiential", "stretch assignment", 10),
    ), name="both")
    return PlanSet(goals, items, MILESTONES.iloc[:0], status, PlanOptions()), catalog


def test_goal_coverage_counts_a_goal_any_plan_item_develops():
    """Issue 12: the y goals are developed by the item chosen for x; they count as covered."""
    plans, catalog = _coverage_case(8, 6)
    view = cohort_view(plans, catalog, min_group_size=5)
    cov = view.coverage.set_index("capability")
    # recomputed with plain pandas: a goal is covered when an item of the same learner is
    # an activity whose capabilities include the goal's, at the learner's level (1 to 3)
    pairs = plans.goals.merge(plans.items[["learner", "activity"]], on="learner")
    develops = {"both": ({"x", "y"}, 1, 3)}
    pairs["hit"] = [c in develops[a][0] and develops[a][1] <= int(v) <= develops[a][2]
                    for a, c, v in zip(pairs["activity"], pairs["capability"],
                                       pairs["current"], strict=True)]
    expected = pairs.groupby(["learner", "rank"])["hit"].any().groupby(
        plans.goals.set_index(["learner", "rank"])["capability"]).agg(["size", "sum"])
    assert cov.loc["y", ["goals", "covered"]].tolist() == expected.loc["y"].tolist() == [6, 6]
    assert cov.loc["total", "share_covered"] == 1.0
    # counting only the goal each item was chosen for (the old count) said 8 of 14
    chosen = plans.goals.merge(plans.items[["learner", "goal_rank"]].rename(
        columns={"goal_rank": "rank"}), on=["learner", "rank"])
    assert (len(chosen), len(plans.goals)) == (8, 14)


def test_cohort_coverage_hides_a_small_capability_and_its_sibling():
    plans, catalog = _coverage_case(8, 2)  # y: 2 goals; x: 8; total 10
    cov = cohort_view(plans, catalog).coverage.set_index("capability")
    assert cov["suppressed"].to_dict() == {"x": "complementary", "y": "n < 5", "total": ""}
    assert cov[["covered", "share_covered"]].loc[["x", "y"]].isna().all().all()
    assert cov.loc["total", "covered"] == 10  # total shown: x and y cannot be told apart
    assert pd.isna(cov.loc["y", "goals"])  # the size of a hidden group is not shown


def test_cohort_mix_and_hours_hidden_below_the_minimum():
    view = cohort_view(HAND, CAPACITY)  # two planned learners, minimum 5
    totals = dict(zip(view.totals["measure"], view.totals["value"], strict=True))
    assert totals["planned"] == 2 and pd.isna(totals["mean hours per planned learner"])
    assert pd.isna(totals["total cost"])
    assert view.mix["achieved"].isna().all()
    assert view.mix["learners_within_tolerance"].isna().all()
