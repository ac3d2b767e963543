"""The codebook: the contract keys, validation with locations, YAML and workbook forms."""

from __future__ import annotations

import textwrap

import openpyxl
import pytest

from ldkit.codebook import Codebook, read_codebook
from ldkit.errors import InputError, ValidationError

YAML = textwrap.dedent("""\
    respondent:
      id: ResponseId
      identifiers: [RecipientEmail, RecipientFirstName, RecipientLastName]
      person: RecipientEmail
      attributes: {role: Q_role, region: Q_region}
    scales:
      proficiency5: {"Novice": 1, "Developing": 2, "Proficient": 3, "Advanced": 4, "Expert": 5}
    items:
      - column: QID3_1
        item: acct_planning_self
        capability: account_planning
        dimension: proficiency
        rater: self
        scale: proficiency5
        reverse: false
    options:
      min_duration_seconds: 90
    """)


def test_contract_keys(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(YAML)
    cb = read_codebook(path)
    assert cb.respondent.id == "ResponseId"
    assert cb.respondent.identifiers == ("RecipientEmail", "RecipientFirstName",
                                         "RecipientLastName")
    assert cb.respondent.person_column == "RecipientEmail"
    assert dict(cb.respondent.attributes) == {"role": "Q_role", "region": "Q_region"}
    assert cb.scales["proficiency5"]["Advanced"] == 4.0
    item = cb.items[0]
    assert (item.column, item.item, item.capability, item.dimension, item.rater, item.scale,
            item.reverse) == ("QID3_1", "acct_planning_self", "account_planning",
                              "proficiency", "self", "proficiency5", False)
    assert cb.min_duration_seconds == 90
    assert cb.scale_range("proficiency5") == (1.0, 5.0)
    assert cb.raters == ["self"]


def test_person_defaults_to_id():
    cb = Codebook.from_dict({"respondent": {"id": "ID"}, "scales": {"s": {"a": 1}},
                             "items": [{"column": "c", "item": "i", "capability": "x",
                                        "scale": "s"}]})
    assert cb.respondent.person_column == "ID"
    assert cb.items[0].dimension == "proficiency" and cb.items[0].rater == "self"


def test_round_trip_through_yaml(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(YAML)
    cb = read_codebook(path)
    assert read_codebook(cb.to_yaml(tmp_path / "again.yaml")) == cb


def test_every_problem_with_its_line(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(textwrap.dedent("""\
        respondent: {identifiers: [Email]}
        scales:
          p4: {Low: 1, High: lots}
        items:
          - {column: c1, item: a, capability: x, dimension: skill, rater: self, scale: p4}
          - {column: c2, item: a, capability: x, rater: boss, scale: p9}
          - {column: c3, item: b, scale: p4}
        """))
    with pytest.raises(ValidationError) as info:
        read_codebook(path)
    got = [(p.location.line, p.message) for p in info.value.problems]
    assert got == [
        (1, "'respondent: id:' is missing"),
        (3, "scale 'p4': value of 'High' must be a number or null, got 'lots'"),
        (5, "dimension 'skill' of item 'a' is unknown"),
        (6, "rater 'boss' of item 'a' is unknown"),
        (6, "item 'a' uses unknown scale 'p9'"),
        (6, "duplicate item 'a'"),
        (7, "item is missing 'capability'"),
    ]


def test_not_a_codebook(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(InputError, match="is not a codebook"):
        read_codebook(path)


def test_workbook_form(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Codebook items"
    ws.append(["Column", "Item", "Capability", "Dimension", "Rater", "Scale", "Reverse"])
    ws.append(["QID3_1", "ap_self", "account_planning", "proficiency", "self", "p4", "no"])
    resp = wb.create_sheet("Codebook respondent")
    resp.append(["Field", "Value"])
    for row in (["id", "ResponseId"], ["identifiers", "RecipientEmail, RecipientFirstName"],
                ["person", "RecipientEmail"], ["attribute:role", "Q_role"]):
        resp.append(row)
    scales = wb.create_sheet("Codebook scales")
    scales.append(["Scale", "Label", "Value"])
    for i, label in enumerate(["Foundational", "Intermediate", "Advanced", "Expert"], start=1):
        scales.append(["p4", label, i])
    path = tmp_path / "cb.xlsx"
    wb.save(path)
    cb = read_codebook(path)
    assert cb.respondent.identifiers == ("RecipientEmail", "RecipientFirstName")
    assert dict(cb.respondent.attributes) == {"role": "Q_role"}
    assert cb.items[0].reverse is False
    assert cb.scales["p4"] == {"Foundational": 1.0, "Intermediate": 2.0, "Advanced": 3.0,
                               "Expert": 4.0}


def test_workbook_without_codebook_sheets(tmp_path):
    path = tmp_path / "cb.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(InputError, match="has no sheet 'Codebook respondent'"):
        read_codebook(path)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("min_duration_seconds: 90", "min_duration_seconds: fast",
     "option 'min_duration_seconds' must be a number of at least 0, got 'fast'"),
    ("min_duration_seconds: 90", "min_duration_seconds: -5", "got -5"),
    ('"Novice": 1', '"Novice": "1"', "value of 'Novice' must be a number or null, got '1'"),
    ('"Novice": 1', '"Novice": true', "value of 'Novice' must be a number or null, got True"),
    ("reverse: false", "reverse: 0", "'reverse' must be true or false, got 0"),
])
def test_yaml_scalars_are_strict(tmp_path, old, new, message):
    path = tmp_path / "cb.yaml"
    path.write_text(YAML.replace(old, new), encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_codebook(path)
    assert any(message in p.message for p in err.value.problems), err.value.report()
    assert all(p.location.line for p in err.value.problems)


def test_yaml_duplicate_key_is_refused(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(YAML.replace("    rater: self\n", "    rater: self\n    rater: manager\n"),
                    encoding="utf-8")
    with pytest.raises(InputError, match="'rater' is written twice, on line 13 and on line 14"):
        read_codebook(path)
