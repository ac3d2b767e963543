"""Moodle competency-framework CSV (tool_lpimportcsv): columns, scale configuration, read-back."""

from __future__ import annotations

import csv
import json

import pytest

from ldkit.capability import MOODLE_COLUMNS, CapabilityModel, read_model
from ldkit.errors import InputError, ValidationError

# The 14 headers of moodle/moodle admin/tool/lpimportcsv/lang/en/tool_lpimportcsv.php, in the
# order of framework_importer::list_required_headers().
MOODLE_HEADERS = [
    "Parent ID number", "ID number", "Short name", "Description", "Description format",
    "Scale values", "Scale configuration", "Rule type (optional)", "Rule outcome (optional)",
    "Rule config (optional)", "Cross-referenced competency ID numbers",
    "Exported ID (optional)", "Is framework", "Taxonomy",
]


@pytest.fixture
def exported(tmp_path, small_model):
    return small_model.to_moodle_csv(tmp_path / "framework.csv")


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_columns_in_moodle_order(exported):
    assert list(MOODLE_COLUMNS) == MOODLE_HEADERS
    table = rows(exported)
    assert table[0] == MOODLE_HEADERS
    assert all(len(r) == 14 for r in table)


def test_framework_row_and_scale_configuration(exported):
    framework = rows(exported)[1]
    assert framework[:3] == ["", "acme", "Acme field force"]
    assert framework[4] == "1"  # HTML
    assert framework[5] == "Foundational,Intermediate,Advanced,Expert"
    assert json.loads(framework[6]) == [
        {"scaleid": "p4"},
        {"id": 1, "scaledefault": 1, "proficient": 0},
        {"id": 2, "scaledefault": 0, "proficient": 0},
        {"id": 3, "scaledefault": 0, "proficient": 1},
        {"id": 4, "scaledefault": 0, "proficient": 1},
    ]
    assert framework[12:] == ["1", "domain,competency"]


def test_domains_parent_capabilities(exported):
    table = rows(exported)[2:]
    parents = {r[1]: r[0] for r in table}
    assert parents == {"customer": "", "account_planning": "customer",
                       "compliance": "customer", "science": "",
                       "clinical_acumen": "science"}
    compliance = next(r for r in table if r[1] == "compliance")
    assert compliance[5] == "Not yet,Competent"  # its own scale
    assert json.loads(compliance[6])[0] == {"scaleid": "yn"}
    planning = next(r for r in table if r[1] == "account_planning")
    assert planning[5:7] == ["", ""]  # framework scale
    assert "<li><strong>Level 3 (Advanced)</strong>: Plans complex accounts</li>" in planning[3]


def test_reads_back_to_the_same_model(exported, small_model):
    assert CapabilityModel.from_moodle_csv(exported) == small_model
    assert read_model(exported) == small_model


def test_html_special_characters_survive(tmp_path, small_dict):
    small_dict["capabilities"][0]["definition"] = "Plans <big> accounts & P&L: \"well\""
    small_dict["roles"].append({"id": "new", "name": "New & <odd>"})  # no requirements
    model = CapabilityModel.from_dict(small_dict)
    assert CapabilityModel.from_moodle_csv(model.to_moodle_csv(tmp_path / "f.csv")) == model


def test_labels_with_commas_cannot_go_to_moodle(tmp_path, small_dict):
    small_dict["scales"][1]["levels"][0]["label"] = "Not yet, learning"
    model = CapabilityModel.from_dict(small_dict)
    with pytest.raises(ValidationError, match="contains a comma"):
        model.to_moodle_csv(tmp_path / "f.csv")


def test_domain_and_capability_ids_must_differ_for_moodle(tmp_path, small_dict):
    small_dict["domains"][1]["id"] = "compliance"
    small_dict["capabilities"][1]["domain"] = "compliance"
    model = CapabilityModel.from_dict(small_dict)
    with pytest.raises(ValidationError, match="both a domain and a capability id"):
        model.to_moodle_csv(tmp_path / "f.csv")


def test_reads_a_framework_exported_by_moodle(tmp_path):
    # The shape Moodle's framework_exporter writes: no ldkit tables, numeric scale id.
    path = tmp_path / "moodle.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(MOODLE_HEADERS)
        w.writerow(["", "OECD", "OECD core", "<p>Core competencies</p>", "1",
                    "Not yet competent,Competent",
                    '[{"scaleid":"2"},{"id":2,"scaledefault":1,"proficient":1}]',
                    "", "", "", "", "", "1", "competency,competency"])
        w.writerow(["", "delivery", "Delivery", "<p>Results</p>", "1", "", "", "", "0", "null",
                    "", "1", "", ""])
        w.writerow(["delivery", "drafting", "Drafting skills",
                    "<p>Writes clearly</p><ul><li><strong>Level 1</strong>: Writes notes</li>"
                    "<li><strong>Level 2</strong>: Writes reports</li></ul>",
                    "1", "", "", "", "0", "null", "", "2", "", ""])
    model = read_model(path)
    assert (model.id, model.name, model.description) == ("OECD", "OECD core", "Core competencies")
    assert model.scale().labels == ["Not yet competent", "Competent"]
    assert model.scale().proficient == 2
    assert model.capability("drafting").indicators == {1: "Writes notes", 2: "Writes reports"}
    assert model.capability("drafting").definition == "Writes clearly"
    assert model.roles == ()


@pytest.mark.parametrize(("content", "message"), [
    ("a,b,c\n1,2,3\n", "is not a Moodle competency-framework CSV"),
    (",".join(MOODLE_HEADERS) + "\n" + ",x,X,,1,,,,,,,,,\n", "has no framework row"),
])
def test_bad_moodle_files(tmp_path, content, message):
    path = tmp_path / "f.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_model(path)


def test_bad_scale_configuration_is_located(tmp_path, exported):
    table = rows(exported)
    table[1][6] = "{not json"
    with open(exported, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(table)
    with pytest.raises(ValidationError) as info:
        read_model(exported)
    p = info.value.problems[0]
    assert (p.location.row, p.location.column) == (2, "Scale configuration")
