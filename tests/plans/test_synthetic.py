"""Synthetic learning-plan inputs: model, catalog and gap table fit together, seeded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ldkit.errors import ParameterError
from ldkit.needs import person_gaps
from ldkit.plans.build import build_plans
from ldkit.plans.catalog import MODALITIES
from ldkit.plans.synthetic import (
    PlanInputs,
    make_catalog,
    make_model,
    make_person_gaps,
    make_plan_inputs,
)


@pytest.fixture(scope="module")
def inputs() -> PlanInputs:
    return make_plan_inputs(400, seed=0)


def test_model_shape(inputs):
    model = inputs.model
    assert len(model.capabilities) == 40
    assert len(model.domains) == 5
    assert len(model.roles) == 6
    req = model.requirements()
    # each role requires round(0.4 x 40) = 16 capabilities, 12 of them from its own domains
    assert req.groupby("role").size().tolist() == [16] * 6
    assert set(req["required_level"]) <= {2, 3, 4}
    assert set(req["weight"]) <= {1.0, 2.0, 3.0}
    assert not [p for p in model.problems() if p.severity == "error"]
    # every capability has one indicator per level of its scale
    assert all(len(c.indicators) == 4 for c in model.capabilities)


def test_catalog_fits_the_model(inputs):
    model, catalog = inputs.model, inputs.catalog
    assert len(catalog.activities) == 300
    assert len(set(catalog.ids)) == 300
    catalog.check(model)  # raises on any error
    assert len(catalog.programs) == 8  # one per 5 capabilities
    table = catalog.table()
    develop = table[~table["format"].isin(["assessment", "capstone"])]
    assert len(develop) == 300 - 3 * 8
    # every capability and every current level below the top (1-3) can be developed,
    # with an experiential, a social and a formal activity
    for cap in model.capability_ids:
        for level in (1, 2, 3):
            suits = [a for a in catalog.activities if a.format not in ("assessment", "capstone")
                     and a.suits(cap, level)]
            assert {a.modality for a in suits} == set(MODALITIES), (cap, level)
    # hours over the catalog are about 70/20/10 (formats cycle per capability)
    hours = develop.groupby("modality")["hours"].sum() / develop["hours"].sum()
    assert 0.65 <= hours["experiential"] <= 0.78
    assert 0.08 <= hours["formal"] <= 0.25 and 0.08 <= hours["social"] <= 0.25
    # prerequisites: a workshop needs the e-learning of its capability, an expert project
    # the workshop; every prerequisite is an activity of the catalog
    workshop = catalog.activity("account-planning-workshop-4")
    assert workshop.prerequisites == ("account-planning-e-learning-1",)
    assert catalog.activity("account-planning-stretch-6").prerequisites == (
        "account-planning-workshop-4",)
    ids = set(catalog.ids)
    assert all(set(a.prerequisites) <= ids for a in catalog.activities)
    # programs: pre, core, electives, post and capstone are activities of the catalog
    for p in catalog.programs:
        assert len(p.capabilities) in (2, 3) and len(p.core) == 2 and len(p.electives) == 3
        assert catalog.activity(p.pre_assessment).format == "assessment"
        assert catalog.activity(p.capstone).format == "capstone"
        assert set(p.activity_ids) <= ids


def test_person_gaps_layout_matches_person_gaps(inputs):
    model = make_model(n_capabilities=10, n_roles=2)
    synthetic = make_person_gaps(model, 5, seed=3)
    # person_gaps on a hand-made ratings table of the same model: same columns and dtypes
    role = model.roles[0]
    caps = [r.capability for r in model.requirements().itertuples() if r.role == role.id]
    ratings = pd.DataFrame({
        "person_id": ["a"] * len(caps) * 2, "capability": caps * 2,
        "dimension": ["proficiency"] * len(caps) * 2,
        "rater": ["self"] * len(caps) + ["manager"] * len(caps),
        "value": [2.0] * len(caps) + [3.0] * len(caps)})
    people = pd.DataFrame({"person_id": ["a"], "role": [role.id]})
    real = person_gaps(ratings, people, model)
    assert list(synthetic.columns) == list(real.columns)
    # person_id is text either way (its exact string dtype follows the input of person_gaps)
    assert pd.api.types.is_string_dtype(synthetic["person_id"])
    assert (synthetic.dtypes.iloc[1:].astype(str).tolist()
            == real.dtypes.iloc[1:].astype(str).tolist())
    assert real["current"].tolist() == [2.5] * len(caps)  # the mean of 2 and 3


def test_person_gaps_values(inputs):
    people = inputs.people
    model = inputs.model
    # one row per learner and capability its role requires
    per_role = model.requirements().groupby("role").size()
    sizes = people.groupby("person_id").size()
    roles = people.drop_duplicates("person_id").set_index("person_id")["role"]
    assert (sizes == per_role.loc[roles.loc[sizes.index].astype(str)].to_numpy()).all()
    assert people["person_id"].iloc[0] == "L00001" and people["person_id"].nunique() == 400
    # ratings are integer codes on the 1-4 scale; current is their mean; gap = req - current
    rated = people[["self", "manager"]].stack().dropna()
    assert set(rated) <= {1.0, 2.0, 3.0, 4.0}
    expected = people[["self", "manager"]].mean(axis=1)
    pd.testing.assert_series_equal(people["current"], expected, check_names=False)
    both = people["current"].notna()
    np.testing.assert_allclose(people.loc[both, "gap"],
                               people.loc[both, "required_level"] - people.loc[both, "current"])
    assert (people.loc[both, "below"] == (people.loc[both, "gap"] > 0)).all()
    assert people.loc[~both, "below"].isna().all() and people["peer"].isna().all()
    # shares: manager ratings for about 85% of pairs, no rating for about 1%
    assert 0.82 < people["manager"].notna().mean() < 0.88
    assert 0.002 < (~both).mean() < 0.03
    # gaps are around half a level on average, mostly positive or zero
    assert 0.2 < people["gap"].mean() < 0.7


def test_seeded_and_independent_of_size():
    one = make_plan_inputs(30, n_capabilities=15, n_roles=3, n_activities=80, seed=4)
    two = make_plan_inputs(30, n_capabilities=15, n_roles=3, n_activities=80, seed=4)
    pd.testing.assert_frame_equal(one.people, two.people)
    assert one.catalog.to_dict() == two.catalog.to_dict()
    assert one.model.to_dict() == two.model.to_dict()
    more = make_plan_inputs(60, n_capabilities=15, n_roles=3, n_activities=80, seed=4)
    assert more.catalog.to_dict() == one.catalog.to_dict()  # more learners, same catalog
    other = make_plan_inputs(30, n_capabilities=15, n_roles=3, n_activities=80, seed=5)
    assert not other.people["current"].equals(one.people["current"])


def test_plans_build_from_synthetic_inputs():
    small = make_plan_inputs(12, seed=2)
    plans = build_plans(small.people, small.catalog, small.model)
    counts = plans.status["status"].value_counts().to_dict()
    assert counts.get("planned", 0) >= 10 and "infeasible" not in counts
    assert plans.items.groupby("learner")["activity"].apply(lambda s: s.is_unique).all()


@pytest.mark.parametrize("call, match", [
    (lambda: make_model(n_capabilities=4), "'n_capabilities' parameter of make_model"),
    (lambda: make_model(n_roles=9), "'n_roles' parameter of make_model"),
    (lambda: make_model(seed=-1), "'seed' parameter of make_model"),
    (lambda: make_catalog("model"), "'model' parameter of make_catalog"),
    (lambda: make_catalog(make_model(), n_activities=100),
     "'n_activities' parameter of make_catalog must be an integer in \\[184"),
    (lambda: make_person_gaps(make_model(), 0), "'n_learners' parameter of make_person_gaps"),
    (lambda: make_person_gaps(make_model(), 5, manager_share=1.5), "'manager_share'"),
    (lambda: make_plan_inputs(5, seed=1.5), "'seed' parameter of make_plan_inputs"),
])
def test_parameters_validated(call, match):
    with pytest.raises(ParameterError, match=match):
        call()
