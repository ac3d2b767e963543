"""CapabilityModel: construction, lookup, builder, tidy requirements."""

from __future__ import annotations

import pandas as pd
import pytest

from ldkit.capability import (
    STANDARD_SCALE,
    CapabilityModel,
    Level,
    Scale,
)
from ldkit.errors import ParameterError, ValidationError


def test_from_dict_builds_every_entity(small_model):
    m = small_model
    assert m.summary() == ("Acme field force (acme, v2.1): 2 roles, 3 capabilities in 2 domains, "
                           "5 requirements, 2 scales")
    assert m.default_scale == "p4"
    assert m.scale_of("compliance").id == "yn"
    assert m.scale_of("account_planning").id == "p4"
    assert m.role("kam").requirement("account_planning").level == 4
    assert m.role("Key Account Manager").id == "kam"  # by name as well
    assert m.role("kam").requirement("clinical_acumen") is None


def test_lookup_of_unknown_ids_is_a_parameter_error(small_model):
    with pytest.raises(ParameterError, match=r"The 'id' parameter of CapabilityModel\.role"):
        small_model.role("ceo")
    with pytest.raises(ParameterError):
        small_model.capability("nope")
    with pytest.raises(ParameterError):
        small_model.scale("nope")


def test_scale_resolves_values_and_labels():
    assert STANDARD_SCALE.value_of("advanced") == 3
    assert STANDARD_SCALE.value_of(" Expert ") == 4
    assert STANDARD_SCALE.value_of(2.0) == 2
    assert STANDARD_SCALE.value_of("3") == 3
    assert STANDARD_SCALE.value_of("Guru") is None
    assert STANDARD_SCALE.label(9) == "?"


def test_scale_sorts_levels_and_defaults_proficient():
    s = Scale("s", "S", (Level(3, "c"), Level(1, "a"), Level(2, "b")))
    assert s.values == [1, 2, 3] and s.proficient == 2
    assert Scale("t", "T", tuple(Level(i, str(i)) for i in range(1, 6))).proficient == 3


def test_direct_construction_validates(small_model):
    with pytest.raises(ValidationError, match="unknown domain"):
        CapabilityModel(id="x", name="X", capabilities=small_model.capabilities)
    broken = CapabilityModel(id="x", name="X", capabilities=small_model.capabilities,
                             validate=False)
    assert any("unknown domain" in p.message for p in broken.problems())


def test_equality_ignores_source_locations(small_dict):
    a = CapabilityModel.from_dict(small_dict, file="a.yaml")
    b = CapabilityModel.from_dict(small_dict, file="b.yaml")
    assert a == b and a.source != b.source


def test_builder_step_by_step():
    b = CapabilityModel.builder("acme", "Acme", version="1")
    b.scale("yn", ["Not yet", "Competent"], name="Two levels")
    b.domain("customer", "Customer")
    b.capability("planning", "Planning", domain="customer", indicators={1: "Learns"})
    b.indicator("planning", 2, "Plans")
    b.role("rep", "Rep", family="Commercial", requires={"planning": 2})
    b.require("rep", "planning", level=1, weight=2.5)  # replaces
    model = b.build()
    assert model.scale().labels == ["Not yet", "Competent"]
    assert model.role("rep").requirements[0].level == 1
    assert model.role("rep").requirements[0].weight == 2.5
    assert model.capability("planning").indicators == {1: "Learns", 2: "Plans"}


def test_builder_uses_standard_scale_and_reports_all_problems():
    b = CapabilityModel.builder("acme")
    b.domain("d", "D").capability("c", "C", domain="d", indicators={1: "a", 2: "b", 3: "c"})
    b.role("r", "R", requires={"c": 9, "zz": (1, 1.0)})
    with pytest.raises(ValidationError) as info:
        b.build()
    messages = [p.message for p in info.value.problems]
    assert messages == [
        "capability 'c' has no indicator for level 4 'Expert'",
        "role 'r' requires level 9 of 'c', outside scale 'proficiency4'",
        "role 'r' requires unknown capability 'zz'",
    ]
    assert info.value.problems[1].location.field == "roles[0].requires[0]"


def test_builder_rejects_unknown_targets():
    b = CapabilityModel.builder("acme")
    with pytest.raises(ParameterError):
        b.indicator("nope", 1, "x")
    with pytest.raises(ParameterError):
        b.require("nope", "c", level=1)


def test_requirements_table(small_model):
    req = small_model.requirements()
    assert list(req.columns) == ["role", "role_name", "family", "capability", "capability_name",
                                 "domain", "domain_name", "scale", "required_level",
                                 "required_label", "weight"]
    assert len(req) == 5
    kam = req.set_index(["role", "capability"]).loc[("kam", "account_planning")]
    assert (kam.required_level, kam.required_label, kam.weight) == (4, "Expert", 3.0)
    assert req.loc[req.capability == "compliance", "required_label"].tolist() == [
        "Competent", "Competent"]


def test_from_requirements_round_trips_the_tidy_table(small_model):
    req = small_model.requirements()
    # one scale only: drop the compliance rows rated on the two-level scale
    req = req[req.scale == "p4"]
    draft = CapabilityModel.from_requirements(req, id="draft", name="Draft")
    pd.testing.assert_frame_equal(
        draft.requirements().drop(columns=["scale", "required_label"]),
        req.drop(columns=["scale", "required_label"]).reset_index(drop=True))
    warnings = [p for p in draft.problems() if p.severity == "warning"]
    assert len(warnings) == 2  # two capabilities without indicators: a draft, not an error


def test_from_requirements_minimal_columns_and_labels():
    df = pd.DataFrame({"role": ["rep", "rep"], "capability": ["a", "b"],
                       "required_level": [2, "Expert"]})
    model = CapabilityModel.from_requirements(df)
    assert model.domain_ids == ["general"]
    assert [q.level for q in model.role("rep").requirements] == [2, 4]
    assert model.role("rep").requirements[0].weight == 1.0


@pytest.mark.parametrize(("frame", "message"), [
    (pd.DataFrame({"role": ["r"], "capability": ["c"]}), "no column 'required_level'"),
    (pd.DataFrame({"role": ["r"], "capability": ["c"], "required_level": ["lots"]}),
     "required_level 'lots' is not a level"),
    (pd.DataFrame({"role": ["r"], "capability": ["c"], "required_level": [2],
                   "weight": ["high"]}), "weight 'high' is not a number"),
])
def test_from_requirements_errors(frame, message):
    with pytest.raises(ValueError, match=message):
        CapabilityModel.from_requirements(frame)


def test_from_requirements_needs_a_dataframe():
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        CapabilityModel.from_requirements([{"role": "r"}])


def test_replace_revalidates(small_model):
    renamed = small_model.replace(name="Acme 2")
    assert renamed.name == "Acme 2" and renamed != small_model
    with pytest.raises(ValidationError):
        small_model.replace(default_scale="nope")


def test_repr_html(small_model):
    assert small_model._repr_html_().startswith("<p><b>CapabilityModel</b> Acme field force")
