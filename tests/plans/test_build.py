"""Personalized learning plans: goals, the activity integer program, timeline (hand-checked).

Default options unless a test says otherwise: 48 h (8 h x 6 months), 2,500 EUR per
person, 70/20/10 within +/-15% (experiential 55-85%, social 5-35%, formal 0-25%),
4 h per week over 26 weeks from Monday 2026-01-05.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from ldkit.capability import CapabilityModel
from ldkit.errors import InputError, ParameterError
from ldkit.plans.build import PlanOptions, PlanSet, build_plans
from ldkit.plans.catalog import MODALITIES, Activity, Catalog, Program

START = date(2026, 1, 5)


@pytest.fixture
def model() -> CapabilityModel:
    b = CapabilityModel.builder("m")
    b.domain("d", "D")
    for cap, name in (("ap", "Account planning"), ("neg", "Negotiation"),
                      ("sm", "Stakeholder mapping")):
        b.capability(cap, name, domain="d", indicators={i: "x" for i in range(1, 5)})
    b.role("rep", "Sales Representative", requires={"ap": (3, 2), "neg": (3, 1)})
    b.role("kam", "Key Account Manager", requires={"ap": (4, 3), "sm": (3, 2)})
    return b.build()


ACTIVITIES = (
    #        id                    capabilities  levels  modality  format  hours  cost
    Activity("ap-stretch", "Lead an account plan", ("ap",), 1, 3, "experiential",
             "stretch assignment", 14, 0, core=True),
    Activity("ap-shadow-premium", "Shadow a KAM (premium)", ("ap",), 1, 3, "experiential",
             "job shadowing", 14, 2000),
    Activity("ap-coach", "Account plan coaching", ("ap",), 1, 3, "social", "coaching", 4, 400),
    Activity("ap-course", "Account planning essentials", ("ap",), 1, 2, "formal",
             "e-learning course", 2, 100),
    Activity("ap-advanced", "Advanced account strategy", ("ap",), 3, 3, "formal", "workshop",
             3, 600, prerequisites=("ap-coach",)),
    Activity("neg-mentoring", "Negotiation mentoring", ("neg",), 1, 2, "social", "mentoring",
             3, 300),
    Activity("neg-project", "Negotiate a contract renewal", ("neg",), 1, 3, "experiential",
             "stretch assignment", 10, 0, prerequisites=("neg-course",)),
    Activity("neg-course", "Negotiation basics", ("neg",), 1, 3, "formal", "e-learning course",
             2, 150),
    Activity("sm-course", "Stakeholder mapping essentials", ("sm",), 1, 2, "formal",
             "e-learning course", 2, 100),
)
CATALOG = Catalog(ACTIVITIES, name="test")


def gaps(rows) -> pd.DataFrame:
    """People table as person_gaps returns it: (person, capability, required, weight, current)."""
    df = pd.DataFrame(rows, columns=["person_id", "capability", "required_level", "weight",
                                     "current"])
    df["role"] = "rep"
    df["gap"] = df["required_level"] - df["current"]
    return df


def selected(plans: PlanSet, learner: str) -> set[str]:
    return set(plans.plan(learner)["items"]["activity"])


def status(plans: PlanSet, learner: str) -> pd.Series:
    return plans.status.set_index("learner").loc[learner]


def shares(plans: PlanSet, learner: str) -> dict[str, float]:
    items = plans.plan(learner)["items"]
    total = items["hours"].sum()
    return {m: items.loc[items.modality == m, "hours"].sum() / total for m in MODALITIES}


def week_of(day) -> int:
    return (pd.Timestamp(day).date() - START).days // 7 + 1


# -- goals -------------------------------------------------------------------------------


def test_goals_ranked_by_gap_times_weight_ties_by_capability(model):
    people = gaps([("p1", "ap", 3, 2.0, 2.5), ("p1", "neg", 3, 1.0, 2.0),  # 1.0 and 1.0
                   ("p1", "sm", 3, 1.0, 1.5)])  # priority 1.5
    g = build_plans(people, CATALOG, model).plan("p1")["goals"]
    assert g["capability"].tolist() == ["sm", "ap", "neg"]  # ap before neg on a 1.0 tie
    assert g["priority"].tolist() == [1.5, 1.0, 1.0]
    assert g["rank"].tolist() == [1, 2, 3]
    assert g["target"].tolist() == [3, 3, 3]
    assert set(g["source"]) == {"gap"}
    two = build_plans(people, CATALOG, model, options=PlanOptions(max_goals=2))
    assert two.plan("p1")["goals"]["capability"].tolist() == ["sm", "ap"]


def test_borich_rank_weights_priority(model):
    people = gaps([("p1", "ap", 3, 1.0, 2.0), ("p1", "neg", 3, 1.0, 2.0)])
    borich = pd.DataFrame({"item": ["neg", "ap", "sm"], "mwds": [6.0, 2.0, 1.0],
                           "rank": [1, 2, 3]})
    g = build_plans(people, CATALOG, model, borich=borich).plan("p1")["goals"]
    # factor 1 + (n - rank) / (n - 1), n = 3: neg 1 + 2/2 = 2, ap 1 + 1/2 = 1.5
    assert g["capability"].tolist() == ["neg", "ap"]
    assert g["priority"].tolist() == [2.0, 1.5]


def test_no_gap_learner_gets_an_explicit_no_plan_needed_row(model):
    people = gaps([("p1", "ap", 3, 2.0, 3.0), ("p1", "neg", 3, 1.0, 3.5),
                   ("p2", "ap", 3, 2.0, 2.0)])
    plans = build_plans(people, CATALOG, model)
    assert status(plans, "p1").status == "no plan needed"
    assert "no capability below the required level" in status(plans, "p1").reason
    one = plans.plan("p1")
    assert one["goals"].empty and one["items"].empty and one["milestones"].empty
    assert status(plans, "p2").status == "planned"
    assert plans.status["learner"].tolist() == ["p1", "p2"]


def test_aspiration_goals_follow_and_are_stretch_or_aspiration(model):
    people = gaps([("p1", "ap", 3, 2.0, 3.0), ("p1", "neg", 3, 1.0, 3.0)])  # no gap
    assert status(build_plans(people, CATALOG, model), "p1").status == "no plan needed"
    plans = build_plans(people, CATALOG, model, career_goals={"p1": "kam"})
    g = plans.plan("p1")["goals"].set_index("capability")
    # kam requires ap 4 (weight 3) and sm 3 (weight 2). ap: own role requires 3 and the
    # learner is at 3, so gap 1, priority 3, "stretch". sm is not rated: taken as level 1,
    # gap 2, priority 4, "aspiration". Ranked by priority: sm, then ap.
    assert g.loc["sm", ["rank", "current", "target"]].tolist() == [1, 1.0, 3]
    assert (g.loc["sm", "source"], g.loc["sm", "priority"]) == ("aspiration", 4.0)
    assert (g.loc["ap", "rank"], g.loc["ap", "target"], g.loc["ap", "source"],
            g.loc["ap", "priority"]) == (2, 4, "stretch", 3.0)
    assert status(plans, "p1").status == "planned"
    items = plans.plan("p1")["items"]
    assert "sm-course" in set(items.activity)
    assert "aspiration toward Key Account Manager" in \
        items.set_index("activity").loc["sm-course", "reason"]


def test_aspiration_goals_come_after_gap_goals(model):
    people = gaps([("p1", "ap", 3, 2.0, 3.0), ("p1", "neg", 3, 1.0, 2.0)])  # gap on neg
    g = build_plans(people, CATALOG, model, career_goals={"p1": "kam"}).plan("p1")["goals"]
    assert g["capability"].tolist() == ["neg", "sm", "ap"]
    assert g["source"].tolist() == ["gap", "aspiration", "stretch"]


# -- the integer program -----------------------------------------------------------------


def test_budget_binds(model):
    # p1 is at level 2 on ap: eligible ap-stretch (14 h, 0), ap-shadow-premium (14 h,
    # 2000), ap-coach (4 h, 400), ap-course (2 h, 100); ap-advanced suits level 3 only.
    people = gaps([("p1", "ap", 3, 2.0, 2.0)])
    # 2,500 EUR buys all four: 0 + 2000 + 400 + 100 = 2500 <= 2500 (binding exactly);
    # 34 h, experiential 28/34 = 82%, social 12%, formal 6%: within the mix.
    plans = build_plans(people, CATALOG, model)
    assert selected(plans, "p1") == {"ap-stretch", "ap-shadow-premium", "ap-coach", "ap-course"}
    assert status(plans, "p1").cost == 2500.0
    # 1,000 EUR: the premium shadowing (2000) is out; the rest costs 500.
    plans = build_plans(people, CATALOG, model, options=PlanOptions(cost_per_person=1000))
    assert selected(plans, "p1") == {"ap-stretch", "ap-coach", "ap-course"}
    # 450 EUR: stretch + coach + course = 500 > 450. Stretch + course = 100 fails the mix
    # (experiential 14/16 = 87.5% > 85%, no social); stretch + coach = 400 is within it
    # (14/18 = 78% experiential, 22% social), so that is the plan.
    plans = build_plans(people, CATALOG, model, options=PlanOptions(cost_per_person=450))
    assert selected(plans, "p1") == {"ap-stretch", "ap-coach"}
    assert status(plans, "p1").cost == 400.0


@pytest.mark.parametrize("tolerance", [0.0, 0.05, 0.15, 0.3])
def test_mix_tolerance_respected(model, tolerance):
    people = gaps([("p1", "ap", 3, 2.0, 2.0), ("p2", "ap", 4, 3.0, 3.0),
                   ("p3", "neg", 3, 1.0, 1.0)])
    options = PlanOptions(mix_tolerance=tolerance)
    plans = build_plans(people, CATALOG, model, options=options)
    for learner in ("p1", "p2", "p3"):
        row = status(plans, learner)
        if row.status != "planned":
            assert "mix" in row.reason
            continue
        achieved = shares(plans, learner)
        for m in MODALITIES:
            assert options.mix[m] - tolerance - 1e-9 <= achieved[m]
            assert achieved[m] <= options.mix[m] + tolerance + 1e-9
            assert row[f"mix_{m}"] == pytest.approx(achieved[m])
    if tolerance == 0.05:
        # 65-75 / 15-25 / 5-15%: all four of p1's activities are 82% experiential, so one
        # 14 h experiential item goes; the core ap-stretch stays: 14/20, 4/20, 2/20.
        assert selected(plans, "p1") == {"ap-stretch", "ap-coach", "ap-course"}
        assert shares(plans, "p1") == pytest.approx(
            {"experiential": 0.7, "social": 0.2, "formal": 0.1})


def test_level_range_filtering(model):
    people = gaps([("lvl2", "ap", 4, 3.0, 2.5), ("lvl3", "ap", 4, 3.0, 3.0)])
    plans = build_plans(people, CATALOG, model)
    # level 2.5 rounds down to 2: ap-advanced (levels 3-3) does not suit; ap-course (1-2) does
    assert "ap-advanced" not in selected(plans, "lvl2")
    assert "ap-course" in selected(plans, "lvl2")
    # level 3: ap-course (1-2) does not suit. All of stretch, premium, coach, advanced
    # cost 3000 > 2500; without the premium: 21 h, 14/21 = 67% experiential, 4/21 = 19%
    # social, 3/21 = 14% formal, 1000 EUR.
    assert selected(plans, "lvl3") == {"ap-stretch", "ap-coach", "ap-advanced"}
    assert "at level 3" in plans.plan("lvl3")["items"]["reason"].iloc[0]


def test_prerequisites_respected(model):
    people = gaps([("p1", "neg", 3, 1.0, 1.0), ("p2", "ap", 4, 3.0, 3.0)])
    plans = build_plans(people, CATALOG, model)
    # neg-project needs neg-course: 10 + 2 + 3 h = 15 h, 67% / 20% / 13%, 450 EUR
    assert selected(plans, "p1") == {"neg-project", "neg-course", "neg-mentoring"}
    for learner in ("p1", "p2"):
        items = plans.plan(learner)["items"].set_index("activity")
        for aid, row in items.iterrows():
            for p in CATALOG.activity(aid).prerequisites:
                assert p in items.index
                assert row.start > items.loc[p, "due"]  # the week after it ends
    reason = plans.plan("p1")["items"].set_index("activity").loc["neg-course", "reason"]
    assert "prerequisite of Negotiate a contract renewal" in reason
    # without its prerequisite the project cannot be chosen; mentoring alone is 100% social
    blocked = build_plans(people, CATALOG, model, exclusions={"p1": ["neg-course"]})
    row = status(blocked, "p1")
    assert row.status == "infeasible" and "mix" in row.reason
    assert blocked.plan("p1")["items"].empty


def test_pinned_and_excluded_activities(model):
    people = gaps([("p1", "ap", 3, 2.0, 2.0)])
    # exclude the free stretch assignment: the experiential hours must come from the
    # premium shadowing: 2000 + 400 + 100 = 2500 EUR, 14/20, 4/20, 2/20.
    plans = build_plans(people, CATALOG, model, exclusions={"p1": ["ap-stretch"]})
    assert selected(plans, "p1") == {"ap-shadow-premium", "ap-coach", "ap-course"}
    # pin ap-advanced, which does not suit level 2: it is planned with its prerequisite
    # ap-coach; premium (2000) + advanced (600) > 2500, so the premium goes: 23 h,
    # 14/23 = 61% experiential, 17% social, 5/23 = 22% formal, 1100 EUR.
    plans = build_plans(people, CATALOG, model, pins={"p1": ["ap-advanced"]})
    assert selected(plans, "p1") == {"ap-stretch", "ap-coach", "ap-course", "ap-advanced"}
    assert "pinned" in plans.plan("p1")["items"].set_index("activity").loc[
        "ap-advanced", "reason"]
    # pins that exceed the budget: 2000 + 600 = 2600 > 2500
    plans = build_plans(people, CATALOG, model,
                        pins={"p1": ["ap-shadow-premium", "ap-advanced"]})
    row = status(plans, "p1")
    assert row.status == "infeasible"
    assert "pinned activities cost 2,600 EUR" in row.reason and "budget" in row.reason
    # pins and exclusions together: pinned advanced + coach = 1000, and experiential
    # hours can only come from the premium (2000): the cheapest plan costs 3000.
    plans = build_plans(people, CATALOG, model, pins={"p1": ["ap-advanced"]},
                        exclusions={"p1": ["ap-stretch"]})
    row = status(plans, "p1")
    assert row.status == "infeasible"
    assert "the budget is too small" in row.reason and "3,000 EUR" in row.reason


def test_no_repeats(model):
    # two goals developed by one activity: it appears once, with both goals in its reason
    both = Activity("joint", "Joint account negotiation", ("ap", "neg"), 1, 3, "experiential",
                    "stretch assignment", 14, 0)
    catalog = Catalog((*ACTIVITIES, both))
    people = gaps([("p1", "ap", 3, 2.0, 2.0), ("p1", "neg", 3, 1.0, 1.0),
                   ("p2", "ap", 3, 2.0, 2.0)])
    plans = build_plans(people, catalog, model)
    for learner in ("p1", "p2"):
        items = plans.plan(learner)["items"]
        assert items["activity"].is_unique
    reason = plans.plan("p1")["items"].set_index("activity").loc["joint", "reason"]
    assert "develops Account planning (goal 1" in reason
    assert "also develops Negotiation (goal 2" in reason


def test_infeasible_budget_names_the_budget(model):
    people = gaps([("p1", "ap", 3, 2.0, 2.0)])
    plans = build_plans(people, CATALOG, model, options=PlanOptions(cost_per_person=50))
    row = status(plans, "p1")
    # the only social activity, coaching, costs 400: the cheapest plan within the mix is
    # ap-stretch + ap-coach = 0 + 400 EUR.
    assert row.status == "infeasible"
    assert "budget" in row.reason and "400 EUR" in row.reason and "50 EUR" in row.reason
    assert plans.plan("p1")["items"].empty and plans.plan("p1")["milestones"].empty
    assert len(plans.plan("p1")["goals"]) == 1  # the goal is still reported


def test_infeasible_hours_and_missing_catalog(model):
    people = gaps([("p1", "ap", 3, 2.0, 2.0), ("p2", "sm", 4, 2.0, 3.0)])
    # 2 h a month for 6 months = 12 h: the shortest plan in the mix is 14 + 4 = 18 h
    plans = build_plans(people, CATALOG, model, options=PlanOptions(hours_per_month=2))
    row = status(plans, "p1")
    assert row.status == "infeasible"
    assert "takes 18.0 h, above the 12.0 h of hours_per_month" in row.reason
    # nothing in the catalog develops stakeholder mapping at level 3
    row = status(plans, "p2")
    assert row.status == "infeasible"
    assert "no catalog activity" in row.reason and "Stakeholder mapping at level 3" in row.reason


def test_reason_text(model):
    people = gaps([("p1", "ap", 3, 2.0, 1.5)])
    plans = build_plans(people, CATALOG, model)
    reason = plans.plan("p1")["items"].set_index("activity").loc["ap-stretch", "reason"]
    assert reason == ("develops Account planning (goal 1, gap 1.5 levels) at level 1; "
                      "core item; experiential toward the 70/20/10 mix")


# -- timeline ----------------------------------------------------------------------------


def check_timeline(plans: PlanSet) -> None:
    opts = plans.options
    end = opts.start + timedelta(weeks=opts.horizon_weeks - 1, days=4)
    for learner in plans.status.loc[plans.status.status == "planned", "learner"]:
        one = plans.plan(learner)
        items, ms = one["items"], one["milestones"]
        first, last = items["start"].map(week_of), items["due"].map(week_of)
        assert (items["start"].dt.day_of_week == 0).all()  # Monday
        assert (items["due"].dt.day_of_week == 4).all()  # Friday
        # each item spans at least ceil(hours / cap) weeks
        assert ((last - first + 1) >= np.ceil(items["hours"] / opts.max_hours_per_week)).all()
        # weekly cap: the items that lie within weeks w1..w2 have at most cap x weeks hours
        for w1 in range(1, opts.horizon_weeks + 1):
            for w2 in range(w1, opts.horizon_weeks + 1):
                inside = items.loc[(first >= w1) & (last <= w2), "hours"].sum()
                assert inside <= opts.max_hours_per_week * (w2 - w1 + 1) + 1e-9
        # everything within the horizon
        assert (items["due"] <= pd.Timestamp(end)).all()
        assert (ms["date"] <= pd.Timestamp(end)).all()
        # pre-assessment first, post-assessment after the last development activity
        assert ms["kind"].iloc[0] == "pre-assessment"
        assert ms["date"].iloc[0] == pd.Timestamp(opts.start) <= items["start"].min()
        post = ms.loc[ms.kind == "post-assessment", "date"]
        assert len(post) == 1
        develop = items[~items["format"].isin(["assessment", "capstone"])]
        assert post.iloc[0] > develop["due"].max()
        # prerequisites before dependents
        by_id = items.set_index("activity")
        for aid, row in by_id.iterrows():
            for p in CATALOG.activity(aid).prerequisites if aid in CATALOG.ids else ():
                assert row.start > by_id.loc[p, "due"]
        # manager check-ins every 6 weeks
        checkins = ms.loc[ms.kind == "manager check-in", "date"].map(week_of).tolist()
        assert checkins == list(range(1 + opts.checkin_every_weeks, opts.horizon_weeks + 1,
                                      opts.checkin_every_weeks))


MANY = [("a", "ap", 3, 2.0, 2.0), ("b", "ap", 4, 3.0, 3.0), ("c", "neg", 3, 1.0, 1.0),
        ("d", "ap", 3, 2.0, 1.0), ("d", "neg", 3, 1.0, 1.5), ("e", "ap", 4, 3.0, 3.0),
        ("e", "neg", 3, 1.0, 2.0), ("f", "sm", 3, 2.0, 1.0), ("f", "ap", 3, 2.0, 2.5)]


@pytest.mark.parametrize("options", [
    PlanOptions(),
    PlanOptions(max_hours_per_week=3, horizon_weeks=8, hours_per_month=40),
    PlanOptions(max_hours_per_week=2.5, horizon_weeks=12, hours_per_month=20,
                checkin_every_weeks=4, cost_per_person=5000),
])
def test_timeline(model, options):
    plans = build_plans(gaps(MANY), CATALOG, model, options=options, pins={"e": ["ap-course"]})
    assert (plans.status.status == "planned").sum() >= 4
    check_timeline(plans)


def test_tight_horizon_reduces_the_plan_to_fit(model):
    # p1 at level 3 on ap: stretch 14 h, coach 4 h, advanced 3 h (waits for the coaching).
    # The hours constraint: 14 + 4 + (3 + 4 for the wait) = 25 <= 4 x (weeks - 1).
    people = gaps([("p1", "ap", 4, 3.0, 3.0)])
    eight = PlanOptions(horizon_weeks=8, hours_per_month=100)  # 25 <= 28
    plans = build_plans(people, CATALOG, model, options=eight)
    items = plans.plan("p1")["items"].set_index("activity")
    # clock at 4 h a week: stretch (core) 0-14 h = weeks 1-4; coach 14-18 h = weeks 4-5;
    # advanced waits for week 6 (20-23 h); post-assessment Monday of week 7.
    assert items.index.tolist() == ["ap-stretch", "ap-coach", "ap-advanced"]
    assert items[["start", "due"]].astype(str).values.tolist() == [
        ["2026-01-05", "2026-01-30"], ["2026-01-26", "2026-02-06"],
        ["2026-02-09", "2026-02-13"]]
    ms = plans.plan("p1")["milestones"].set_index("kind")
    assert ms.loc["post-assessment", "date"] == pd.Timestamp("2026-02-16")
    check_timeline(plans)
    # 7 weeks: 25 > 4 x 6 = 24, so the workshop goes; stretch + coach = 18 h fits
    seven = PlanOptions(horizon_weeks=7, hours_per_month=100)
    plans = build_plans(people, CATALOG, model, options=seven)
    assert selected(plans, "p1") == {"ap-stretch", "ap-coach"}
    check_timeline(plans)
    # 6 weeks at 3 h for negotiation: project 10 + course 2 + mentoring 3 = 15 h, plus a
    # week waiting for the course, plus a week for the post-assessment: 21 > 18 h.
    tight = PlanOptions(horizon_weeks=6, max_hours_per_week=3, hours_per_month=100)
    plans = build_plans(gaps([("p2", "neg", 3, 1.0, 1.0)]), CATALOG, model, options=tight)
    row = status(plans, "p2")
    assert row.status == "infeasible"
    assert "takes 15.0 h and waits for 1 prerequisite" in row.reason
    assert "does not fit in 6 weeks" in row.reason


def test_program_assessments_and_capstone(model):
    closing = (
        Activity("ap-pre", "Account planning pre-assessment", ("ap",), 1, 4, "formal",
                 "assessment", 1),
        Activity("ap-post", "Account planning post-assessment", ("ap",), 1, 4, "formal",
                 "assessment", 1),
        Activity("ap-capstone", "Account plan review board", ("ap",), 1, 4, "formal",
                 "capstone", 2),
    )
    program = Program("ap-program", "Account planning program", ("ap",),
                      pre_assessment="ap-pre", core=("ap-stretch",),
                      post_assessment="ap-post", capstone="ap-capstone")
    catalog = Catalog((*ACTIVITIES, *closing), programs=(program,))
    plans = build_plans(gaps([("p1", "ap", 3, 2.0, 2.0)]), catalog, model)
    items = plans.plan("p1")["items"]
    # all of it fits: 14 + 14 + 4 + 2 + 1 + 1 + 2 = 38 h (74% / 11% / 16%), 2500 EUR.
    # Clock: pre 0-1 h; stretch (core) 1-15; coach 15-19; course 19-21; premium 21-35
    # (weeks 6-9); the post-assessment starts week 10 (36-37 h), the capstone 37-39 h.
    assert items["activity"].tolist() == ["ap-pre", "ap-stretch", "ap-coach", "ap-course",
                                          "ap-shadow-premium", "ap-post", "ap-capstone"]
    assert "pre-assessment of the program Account planning program" in items["reason"].iloc[0]
    ms = plans.plan("p1")["milestones"]
    assert ms["kind"].tolist() == ["pre-assessment", "manager check-in", "post-assessment",
                                   "capstone", "manager check-in", "manager check-in",
                                   "manager check-in"]
    at = ms.set_index("kind")["date"]
    assert at["pre-assessment"] == pd.Timestamp("2026-01-05")
    assert at["post-assessment"] == pd.Timestamp("2026-03-09")  # Monday of week 10
    assert at["capstone"] == pd.Timestamp("2026-03-13")  # Friday of week 10
    assert ms.loc[0, "detail"] == "Account planning pre-assessment"
    check_timeline(plans)
    # pre and post come as a pair: a tiny budget of hours keeps neither
    small = build_plans(gaps([("p1", "ap", 3, 2.0, 2.0)]), catalog, model,
                        options=PlanOptions(hours_per_month=3.2))  # 19.2 h
    chosen = set(small.plan("p1")["items"]["activity"])
    assert ("ap-pre" in chosen) == ("ap-post" in chosen)


# -- determinism, sharing, validation ----------------------------------------------------


def test_deterministic(model):
    people = gaps(MANY)
    kwargs = {"career_goals": {"a": "kam"}, "pins": {"e": ["ap-course"]},
              "exclusions": {"b": ["ap-stretch"]}}
    one = build_plans(people, CATALOG, model, **kwargs)
    two = build_plans(people.copy(), CATALOG, model, **kwargs)
    for name in ("goals", "items", "milestones", "status"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))


def test_identical_learners_share_one_solution(model):
    rows = [(f"p{i}", cap, 3, w, cur) for i in range(300)
            for cap, w, cur in (("ap", 2.0, 2.0 + (i % 2) * 0.5), ("neg", 1.0, 1.0))]
    people = gaps(rows)
    plans = build_plans(people, CATALOG, model)
    assert (plans.status.status == "planned").all()
    items = plans.items.drop(columns="learner")
    first = items[plans.items.learner == "p0"].reset_index(drop=True)
    for learner in ("p2", "p298"):
        pd.testing.assert_frame_equal(
            items[plans.items.learner == learner].reset_index(drop=True), first)


def test_input_not_modified(model):
    people = gaps(MANY)
    before = people.copy()
    build_plans(people, CATALOG, model)
    pd.testing.assert_frame_equal(people, before)


@pytest.mark.parametrize("kwargs, match", [
    ({"hours_per_month": 0}, "'hours_per_month' parameter of PlanOptions must be"),
    ({"cost_per_person": -1}, "'cost_per_person' parameter of PlanOptions"),
    ({"mix": {"experiential": 0.7, "social": 0.2}}, "shares that sum to 1"),
    ({"mix": {"experiential": 0.7, "social": 0.2, "online": 0.1}}, "keyed by"),
    ({"mix_tolerance": 1.5}, "'mix_tolerance' parameter"),
    ({"start": date(2026, 1, 6)}, "a Monday"),
    ({"horizon_weeks": 1}, "'horizon_weeks' parameter"),
    ({"max_goals": 0}, "'max_goals' parameter"),
    ({"max_hours_per_week": float("nan")}, "'max_hours_per_week' parameter"),
    ({"checkin_every_weeks": 1.5}, "'checkin_every_weeks' parameter"),
])
def test_options_validated(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        PlanOptions(**kwargs)


def test_inputs_validated(model):
    people = gaps([("p1", "ap", 3, 2.0, 2.0)])
    with pytest.raises(InputError, match="learner 'zz'"):
        build_plans(people, CATALOG, model, pins={"zz": ["ap-course"]})
    with pytest.raises(InputError, match="learner 'zz'"):
        build_plans(people, CATALOG, model, career_goals={"zz": "kam"})
    with pytest.raises(InputError, match="activity 'nope'"):
        build_plans(people, CATALOG, model, exclusions={"p1": ["nope"]})
    with pytest.raises(InputError, match="not a role of the model"):
        build_plans(people, CATALOG, model, career_goals={"p1": "ceo"})
    with pytest.raises(InputError, match="both pinned and excluded"):
        build_plans(people, CATALOG, model, pins={"p1": ["ap-course"]},
                    exclusions={"p1": "ap-course"})
    with pytest.raises(InputError, match="no column 'gap'"):
        build_plans(people.drop(columns="gap"), CATALOG, model)
    with pytest.raises(ParameterError, match="'catalog' parameter of build_plans"):
        build_plans(people, ACTIVITIES, model)
    with pytest.raises(ParameterError, match="'options' parameter of build_plans"):
        build_plans(people, CATALOG, model, options={"hours_per_month": 4})
    with pytest.raises(InputError, match="borich"):
        build_plans(people, CATALOG, model, borich=pd.DataFrame({"x": [1]}))


def test_plan_of_one_learner(model):
    plans = build_plans(gaps(MANY), CATALOG, model)
    one = plans.plan("a")
    assert set(one) == {"goals", "items", "milestones", "status"}
    assert (one["items"]["learner"] == "a").all() and one["items"].index[0] == 0
    with pytest.raises(ParameterError):
        plans.plan("nobody")
    assert repr(plans).startswith("PlanSet(6 learners")


def test_empty_people(model):
    plans = build_plans(gaps([]), CATALOG, model)
    assert plans.status.empty and plans.items.empty
    assert list(plans.items.columns) == ["learner", "goal_rank", "capability", "activity",
                                         "title", "modality", "format", "start", "due",
                                         "hours", "cost", "reason"]


# -- scale: shared solves, worker processes, solver options ----------------------------


def test_needs_are_priorities_in_units_of_the_smallest():
    from ldkit.plans.build import _Goal, _needs

    goals = [_Goal(1, "ap", 2.0, 2, 3, 1.0, 3.0, 3.0, "gap"),
             _Goal(2, "neg", 1.5, 1, 3, 1.5, 1.0, 1.5, "gap"),
             _Goal(3, "sm", 1.0, 1, 3, 0.5, 3.0, 1.5, "gap")]
    assert _needs(goals) == (("ap", 2, 2.0), ("neg", 1, 1.0), ("sm", 1, 1.0))
    # a common factor does not change the needs: 4.5 / 1.5 = 3 / 1 = 3
    scaled = [_Goal(1, "ap", 2.0, 2, 3, 1.5, 3.0, 4.5, "gap"),
              _Goal(2, "neg", 1.5, 1, 3, 1.5, 1.0, 1.5, "gap")]
    plain = [_Goal(1, "ap", 2.0, 2, 3, 1.0, 3.0, 3.0, "gap"),
             _Goal(2, "neg", 1.5, 1, 3, 1.0, 1.0, 1.0, "gap")]
    assert _needs(scaled) == _needs(plain) == (("ap", 2, 3.0), ("neg", 1, 1.0))


def test_learners_with_proportional_priorities_share_one_solve(model, monkeypatch):
    import ldkit.plans.build as build

    calls = []
    choose = build._choose
    monkeypatch.setattr(build, "_choose", lambda *a: calls.append(a[0]) or choose(*a))
    # p1: ap gap 1 x weight 2 = 2, neg gap 1 x weight 1 = 1; p2: 1 x 4 = 4 and 1 x 2 = 2,
    # the same up to a factor 2: one program, one plan. p3: 3 and 1 is another program.
    people = gaps([("p1", "ap", 3, 2.0, 2.0), ("p1", "neg", 3, 1.0, 2.0),
                   ("p2", "ap", 3, 4.0, 2.0), ("p2", "neg", 3, 2.0, 2.0),
                   ("p3", "ap", 3, 3.0, 2.0), ("p3", "neg", 3, 1.0, 2.0)])
    plans = build_plans(people, CATALOG, model)
    assert calls == [(("ap", 2, 2.0), ("neg", 2, 1.0)), (("ap", 2, 3.0), ("neg", 2, 1.0))]
    one, two = (plans.plan(p)["items"].drop(columns="learner") for p in ("p1", "p2"))
    pd.testing.assert_frame_equal(one, two)
    assert plans.plan("p2")["goals"]["priority"].tolist() == [4.0, 2.0]  # reported as is


@pytest.fixture(scope="module")
def synthetic():
    from ldkit.plans.synthetic import make_plan_inputs

    return make_plan_inputs(30, seed=1)


def test_worker_processes_give_the_same_plans(synthetic):
    people, catalog, model = synthetic.people, synthetic.catalog, synthetic.model
    # one learner with pins above the budget, so that a worker also diagnoses a profile
    expensive = sorted(catalog.activities, key=lambda a: -a.cost)[:4]
    pins = {"L00003": [a.id for a in expensive]}
    serial = build_plans(people, catalog, model, pins=pins, workers=1)
    parallel = build_plans(people, catalog, model, pins=pins, workers=2)
    for name in ("goals", "items", "milestones", "status"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(parallel, name))
    assert status(parallel, "L00003").status == "infeasible"
    assert "pinned activities cost" in status(parallel, "L00003").reason
    assert (serial.status.status == "planned").sum() == 29


def test_planning_falls_back_to_this_process(model, monkeypatch):
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool

    class Broken:
        def __init__(self, *args, **kwargs):
            raise BrokenProcessPool("no processes here")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Broken)
    people = gaps(MANY)
    with pytest.warns(RuntimeWarning, match="could not use 2 worker processes"):
        fallback = build_plans(people, CATALOG, model, workers=2)
    serial = build_plans(people, CATALOG, model, workers=1)
    for name in ("goals", "items", "milestones", "status"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(fallback, name))


def test_workers_default(model, monkeypatch):
    import types

    from ldkit.plans.build import PARALLEL_FROM, _cpu_count, _workers

    assert _workers(3, 2) == 2 and _workers(1, 5000) == 1 and _workers(2, 0) == 1
    assert _workers(None, PARALLEL_FROM - 1) == 1
    # a script (its main module has a file, as under pytest): in this process
    assert _workers(None, 5000) == 1
    # a notebook or interactive session: one process per CPU
    monkeypatch.setitem(__import__("sys").modules, "__main__", types.ModuleType("__main__"))
    assert _workers(None, 5000) == _cpu_count()
    with pytest.raises(ParameterError, match="'workers' parameter of build_plans"):
        build_plans(gaps(MANY), CATALOG, model, workers=0)


def test_search_options_keep_the_optimum(synthetic):
    """The HiGHS search options (no feasibility jump, no sub-MIP heuristics, no symmetry
    detection) change how the optimum is found, not its value: on 25 synthetic learners
    the objective equals that of HiGHS with its default search, to 1e-9."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    from ldkit.plans.build import _Catalog, _formulate, _Need

    plans = build_plans(synthetic.people, synthetic.catalog, synthetic.model)
    cat = _Catalog(synthetic.catalog)
    goals = plans.goals
    checked = 0
    for learner, g in list(goals.groupby("learner", sort=False))[:25]:
        unit = g["priority"].min()
        needs = [_Need(c, int(np.floor(cur + 1e-9)), p / unit)
                 for c, cur, p in zip(g["capability"], g["current"], g["priority"], strict=True)]
        m = _formulate(needs, cat, (), (), plans.options)
        tuned = m.solve()
        res = milp(-m.value, integrality=np.ones(len(m.value)), bounds=Bounds(m.lb, m.ub),
                   constraints=[LinearConstraint(m.a, m.low, m.high)],
                   options={"mip_rel_gap": 0.0})
        assert m.value @ tuned == pytest.approx(-res.fun, rel=0, abs=1e-9), learner
        checked += 1
    assert checked == 25


def test_dask_executor_gives_the_same_plans(synthetic):
    distributed = pytest.importorskip("distributed")
    people, catalog, model = synthetic.people, synthetic.catalog, synthetic.model
    expensive = sorted(catalog.activities, key=lambda a: -a.cost)[:4]
    pins = {"L00003": [a.id for a in expensive]}  # a worker also diagnoses a profile
    serial = build_plans(people, catalog, model, pins=pins, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        spread = build_plans(people, catalog, model, pins=pins, executor="dask")
        again = build_plans(people, catalog, model, pins=pins, executor="dask")
    for name in ("goals", "items", "milestones", "status"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(spread, name))
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(again, name))
    assert "pinned activities cost" in status(spread, "L00003").reason


def test_dask_executor_needs_a_client(model):
    pytest.importorskip("distributed")
    with pytest.raises(InputError, match="found no Dask client"):
        build_plans(gaps(MANY), CATALOG, model, executor="dask")
    with pytest.raises(ParameterError, match="'executor' parameter of build_plans"):
        build_plans(gaps(MANY), CATALOG, model, executor="threads")


def test_direct_highs_matches_scipy_milp(synthetic):
    """The reused HiGHS object finds the same optimum value as scipy.optimize.milp."""
    from ldkit.plans import build
    from ldkit.plans._highs import solve_binary

    cat, info = build._Catalog(synthetic.catalog), build._ModelInfo(synthetic.model)
    people = synthetic.people
    checked = 0
    for _, rows in people.groupby("person_id", sort=False):
        goals = build._learner_goals(
            rows["capability"].tolist(), rows["current"].to_numpy(float),
            rows["gap"].to_numpy(float), rows["required_level"].to_numpy(float),
            rows["weight"].to_numpy(float), None, info, {}, 3)
        if not goals:
            continue
        milp = build._formulate(build._needs(goals), cat, (), (), build.PlanOptions())
        c = -milp.value
        args = (c, milp.lb, milp.ub, milp.a, milp.low, milp.high, build._HIGHS_OPTIONS)
        direct = np.round(solve_binary(*args))
        reference = np.round(solve_binary(*args, reuse=False))
        assert c @ direct == pytest.approx(c @ reference, abs=1e-9)
        assert (milp.a @ direct <= milp.high + 1e-6).all()
        assert (milp.a @ direct >= milp.low - 1e-6).all()
        checked += 1
    assert checked >= 25
