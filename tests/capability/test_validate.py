"""Every validation rule, each reported with its location, all at once."""

from __future__ import annotations

import pytest

from ldkit.capability import CapabilityModel
from ldkit.capability.validate import validate_model
from ldkit.errors import ValidationError


def _cap(d, cid):
    return next(c for c in d["capabilities"] if c["id"] == cid)


def _role(d, rid):
    return next(r for r in d["roles"] if r["id"] == rid)


def _set(path_fn, key, value):
    def mutate(d):
        path_fn(d)[key] = value
    return mutate


CASES = [
    # (id, mutation, expected message, expected field of the location)
    ("model-id-empty", lambda d: d.update(id=""), "model has an empty id", "model"),
    ("model-id-spaces", lambda d: d.update(id="Acme Pharma"),
     "model id 'Acme Pharma' has spaces or punctuation", "model"),
    ("model-name-empty", lambda d: d.update(name=" "), "model 'acme' has an empty name", "model"),
    ("default-scale-unknown", lambda d: d.update(default_scale="p5"),
     "default scale 'p5' is not defined", "model"),
    ("scale-duplicate", lambda d: d["scales"].append(dict(d["scales"][1])),
     "duplicate scale id 'yn'", "scales[2]"),
    ("scale-no-levels", lambda d: d["scales"][1].update(levels=[]),
     "scale 'yn' has no levels", "scales[1]"),
    ("scale-level-twice", lambda d: d["scales"][1]["levels"].append(
        {"value": 2, "label": "Again"}), "scale 'yn' has level 2 2 times", "scales[1]"),
    ("scale-label-twice", lambda d: d["scales"][1]["levels"][1].update(label="not YET"),
     "scale 'yn' has the label 'not yet' 2 times", "scales[1]"),
    ("scale-label-empty", lambda d: d["scales"][1]["levels"][1].update(label=""),
     "scale 'yn' level 2 has an empty label", "scales[1]"),
    ("scale-proficient-off", lambda d: d["scales"][0].update(proficient=7),
     "scale 'p4': proficient level 7 is not a level", "scales[0]"),
    ("domain-duplicate", lambda d: d["domains"].append({"id": "science", "name": "S2"}),
     "duplicate domain id 'science'", "domains[2]"),
    ("domain-name-empty", lambda d: d["domains"][1].update(name=""),
     "domain 'science' has an empty name", "domains[1]"),
    ("domain-id-bad", lambda d: d["domains"][1].update(id="sci ence"),
     "domain id 'sci ence' has spaces or punctuation", "domains[1]"),
    ("capability-duplicate", lambda d: d["capabilities"].append(dict(d["capabilities"][0])),
     "duplicate capability id 'account_planning'", "capabilities[3]"),
    ("capability-name-empty", _set(lambda d: _cap(d, "compliance"), "name", ""),
     "capability 'compliance' has an empty name", "capabilities[2]"),
    ("capability-id-empty", _set(lambda d: _cap(d, "compliance"), "id", ""),
     "capability has an empty id", "capabilities[2]"),
    ("capability-domain-unknown", _set(lambda d: _cap(d, "compliance"), "domain", "legal"),
     "capability 'compliance' is in unknown domain 'legal'", "capabilities[2]"),
    ("capability-scale-unknown", _set(lambda d: _cap(d, "compliance"), "scale", "p9"),
     "capability 'compliance' uses unknown scale 'p9'", "capabilities[2]"),
    ("indicator-missing", lambda d: _cap(d, "clinical_acumen")["indicators"].pop(3),
     "capability 'clinical_acumen' has no indicator for level 3 'Advanced'", "capabilities[1]"),
    ("indicator-empty", lambda d: _cap(d, "clinical_acumen")["indicators"].update({2: ""}),
     "capability 'clinical_acumen' has an empty indicator for level 2",
     "capabilities[1].indicators.2"),
    ("indicator-off-scale", lambda d: _cap(d, "compliance")["indicators"].update({3: "x"}),
     "capability 'compliance' has an indicator for level 3, which is not on scale 'yn'",
     "capabilities[2].indicators.3"),
    ("role-duplicate", lambda d: d["roles"].append(dict(d["roles"][0])),
     "duplicate role id 'rep'", "roles[2]"),
    ("role-name-empty", _set(lambda d: _role(d, "kam"), "name", ""),
     "role 'kam' has an empty name", "roles[1]"),
    ("role-id-comma", _set(lambda d: _role(d, "kam"), "id", "kam,2"),
     "role id 'kam,2' has spaces or punctuation", "roles[1]"),
    ("requirement-unknown-capability",
     lambda d: _role(d, "kam")["requires"].update({"negotiation": 3}),
     "role 'kam' requires unknown capability 'negotiation'", "roles[1].requires.negotiation"),
    ("requirement-level-off-scale",
     lambda d: _role(d, "kam")["requires"].update({"compliance": {"level": 3, "weight": 1}}),
     "role 'kam' requires level 3 of 'compliance', outside scale 'yn'",
     "roles[1].requires.compliance"),
    ("requirement-negative-weight",
     lambda d: _role(d, "kam")["requires"].update({"compliance": {"level": 2, "weight": -1}}),
     "role 'kam' has weight -1.0 for 'compliance'", "roles[1].requires.compliance"),
]


@pytest.mark.parametrize(("mutate", "message", "field"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_rule_reports_with_location(small_dict, mutate, message, field):
    mutate(small_dict)
    with pytest.raises(ValidationError) as info:
        CapabilityModel.from_dict(small_dict, file="m.yaml")
    found = [p for p in info.value.problems if p.message == message]
    assert found, [p.message for p in info.value.problems]
    assert found[0].location.field == field
    assert found[0].location.file == "m.yaml"
    assert found[0].hint


def test_duplicate_requirement_is_reported():
    model = CapabilityModel.builder("m").domain("d", "D").capability(
        "c", "C", domain="d", indicators={1: "a", 2: "b", 3: "c", 4: "d"}).role("r", "R").build()
    from dataclasses import replace

    from ldkit.capability import Requirement

    role = replace(model.roles[0], requirements=(Requirement("c", 1), Requirement("c", 2)))
    broken = model.replace(roles=(role,), validate=False)
    assert [p.message for p in validate_model(broken)] == [
        "role 'r' requires capability 'c' more than once"]


def test_no_scale_at_all():
    model = CapabilityModel(id="m", name="M", scales=(), validate=False)
    assert [p.message for p in model.problems()] == ["the model has no proficiency scale"]


def test_warnings_do_not_block(small_dict):
    _cap(small_dict, "compliance")["indicators"] = {}
    small_dict["roles"].append({"id": "new", "name": "New role"})
    model = CapabilityModel.from_dict(small_dict)
    warnings = [(p.severity, p.message) for p in model.problems()]
    assert warnings == [("warning", "capability 'compliance' has no behavioural indicators"),
                        ("warning", "role 'new' requires no capability")]


def test_every_problem_at_once(small_dict):
    small_dict["name"] = ""
    _cap(small_dict, "compliance")["domain"] = "legal"
    _role(small_dict, "kam")["requires"]["negotiation"] = 3
    with pytest.raises(ValidationError) as info:
        CapabilityModel.from_dict(small_dict)
    assert len(info.value.problems) == 3


def test_starters_are_valid_without_warnings():
    from ldkit.capability import starter, starters

    for name in starters():
        assert starter(name).problems() == []
