"""Moodle competency-framework CSV (tool_lpimportcsv): columns, scale configuration, read-back."""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

import pytest

from ldkit.capability import MOODLE_COLUMNS, CapabilityModel, read_model
from ldkit.capability.io_moodle import read_moodle_csv, read_moodle_framework
from ldkit.errors import InputError, ParameterError, ValidationError


def _load_php_port():  # tests/capability/moodle_csv.py (the tests are not a package)
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "moodle_csv", Path(__file__).with_name("moodle_csv.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_php = _load_php_port()
fgetcsv_lines, fputcsv, moodle_reads = _php.fgetcsv_lines, _php.fputcsv, _php.moodle_reads

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


# -- frameworks as Moodle and clients write them ------------------------------------------

OECD = Path(__file__).parents[1] / "data" / "moodle" / "oecd_example.csv"


def test_moodles_own_example_framework_reads_with_all_its_competencies():
    # moodle/moodle admin/tool/lpimportcsv/tests/fixtures/example.csv: import_test.php
    # asserts 64 competencies. Counted here with the csv module, independently of ldkit.
    with open(OECD, newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    competencies = [r for r in table[1:] if r[12] != "1"]
    assert len(competencies) == 64
    fw = read_moodle_framework(OECD)
    assert len(fw.mapping) == 64
    assert not fw.mapping["becomes"].str.startswith("not read").any()
    assert fw.levels == ("group", "domain", "capability", "indicator")
    assert fw.mapping["role"].value_counts().to_dict() == {
        "indicator": 39, "capability": 15, "domain": 8, "group": 2}
    assert "64 competencies, depth 4, read as group > domain > capability > indicator" in fw.note
    model = fw.model
    assert model.capability_ids == [r[1] for r in competencies if r[0] in
                                    ("delivery", "interpersonal", "strategic")]
    assert model.capability("drafting-skills").domain == "delivery"
    assert model.scale().labels == ["Not yet competent", "Competent"]
    assert model.scale().proficient == 2  # {"id":2, "proficient":1}
    drafting = model.capability("drafting-skills").indicators
    assert drafting[2] == ("Tailors communication (e.g. content, style and medium) to diverse "
                           "audiences; Writes and presents factual material in a concise "
                           "manner.")
    assert drafting[1] == "Not yet: " + drafting[2]
    assert model.capability("analytical-thinking").definition.startswith(
        "Analytical Thinking is the ability to identify patterns across situations")


def test_levels_option_maps_depths_and_is_reported():
    fw = read_moodle_framework(OECD, levels="domain,capability,indicator")
    assert fw.levels == ("domain", "capability", "indicator")
    assert "read as domain > capability > indicator:" in fw.note
    # depth 4 folds into the indicators of the capability above it
    delivery = fw.model.capability("delivery").indicators[2]
    assert delivery.startswith("Analytical Thinking is the ability")  # its child, then
    assert "; Distinguishes between critical and irrelevant pieces of information;" in delivery
    with pytest.raises(ValidationError, match="deeper than the 3 levels given"):
        read_moodle_csv(OECD, levels=["group", "domain", "capability"])
    with pytest.raises(ParameterError, match="levels"):
        read_moodle_csv(OECD, levels="domain,skill")


def _small_framework(name="Négociation – “avancée”"):
    return [MOODLE_HEADERS,
            ["", "fw", "Framework", "", "1", "Not yet,Competent",
             '[{"scaleid":"7"},{"id":1,"scaledefault":1,"proficient":0},'
             '{"id":2,"scaledefault":0,"proficient":1}]', "", "", "", "", "", "1",
             "domain,competency"],
            ["", "sales", "Sales", "<p>Selling</p>", "1", "", "", "", "0", "null", "", "1", "", ""],
            ["sales", "nego", name, "<p>Négocie</p>", "1", "Low,Mid,High",
             '[{"scaleid":"9"},{"id":2,"scaledefault":1,"proficient":1}]', "", "0", "null",
             "", "2", "", ""]]


@pytest.mark.parametrize(("encoding", "name", "bom", "newline"), [
    ("utf-8", "Négociation – “avancée”", b"\xef\xbb\xbf", "\r\n"),
    ("utf-8", "Négociation – “avancée”", b"", "\n"),
    ("cp1252", "Négociation – “avancée” €", b"", "\r\n"),
    ("latin-1", "Négociation avancée ½", b"", "\r\n"),
])
def test_encodings_and_per_competency_scales(tmp_path, encoding, name, bom, newline):
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(_small_framework(name))
    path = tmp_path / "framework.csv"
    path.write_bytes(bom + buf.getvalue().encode(encoding))
    fw = read_moodle_framework(path)
    assert fw.encoding == (encoding + "-sig" if bom else encoding)
    cap = fw.model.capability("nego")
    assert (cap.name, cap.definition) == (name, "Négocie")
    assert fw.model.scale_of("nego").labels == ["Low", "Mid", "High"]
    assert fw.model.scale_of("nego").proficient == 2
    assert fw.model.scale().labels == ["Not yet", "Competent"]


def test_older_twelve_column_layout_reads_by_header_names(tmp_path):
    keep = [i for i, h in enumerate(MOODLE_HEADERS) if h not in (
        "Cross-referenced competency ID numbers", "Exported ID (optional)")]
    path = tmp_path / "old.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([[r[i] for i in keep] for r in _small_framework()])
    fw = read_moodle_framework(path)
    assert fw.layout == "12 columns (older Moodle layout)"
    assert fw.model.capability_ids == ["nego"]
    path.write_text(",".join(f"c{i}" for i in range(12)) + "\n" + "," * 11 + "\n")
    with pytest.raises(InputError, match="older 12-column layout"):
        read_moodle_csv(path)


# -- the export as Moodle's own CSV reader reads it ---------------------------------------

def test_the_php_port_behaves_as_php_documents():
    # php_fgetcsv: a backslash keeps itself and escapes the next character; text after the
    # closing quote is appended; "\"" at a field's end does not close it (php bug #43225).
    assert fgetcsv_lines('a,"b\\"c",d\n') == [["a", 'b\\"c', "d"]]
    assert fgetcsv_lines('"ab"cd,e\n') == [["abcd", "e"]]
    assert fgetcsv_lines('"x\\",y\nz\n') == [['x\\",y\nz\n']]
    assert fputcsv(['a\\"b', "c d", 'q"q']) == '"a\\"b","c d","q""q"\n'


def test_moodle_reads_every_field_ldkit_writes(tmp_path, small_dict):
    tricky = ['C:\\temp\\new', 'say "hi", then \\"quote\\"', "ends in a backslash \\",
              "two\nlines", "<b>not bold</b> & P&L", "\\\\\"", "50\\50"]
    small_dict["capabilities"][0]["definition"] = " | ".join(tricky)
    small_dict["capabilities"][0]["name"] = 'Plans "key" accounts, C:\\x\\y'
    small_dict["domains"][0]["description"] = "ends with \\"
    small_dict["capabilities"][2]["name"] = "=HYPERLINK(\"http://x\")"
    model = CapabilityModel.from_dict(small_dict)
    path = model.to_moodle_csv(tmp_path / "f.csv")
    records = moodle_reads(path.read_bytes())
    assert records[0] == MOODLE_HEADERS
    by_id = {r[1]: r for r in records[1:]}
    planning = by_id["account_planning"]
    assert planning[2] == 'Plans "key" accounts, C:\\x\\y'
    assert f"<p>{' | '.join(tricky)}</p>" in html.unescape(planning[3])
    assert html.unescape(by_id["customer"][3]) == "<p>ends with \\</p>"
    assert by_id["compliance"][2] == "'=HYPERLINK(\"http://x\")"  # OWASP: not a formula
    assert json.loads(by_id["compliance"][6])[0] == {"scaleid": "yn"}
    assert all(len(r) == 14 for r in records)
    assert read_model(path) == model  # ldkit takes the ' off again


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "x" * 101, "has 101 characters; Moodle cuts it to 100"),
    ("id", "c" * 101, "has 101 characters; Moodle cuts it to 100"),
    ("name", "ends in a backslash\\", "backslash before a quote or at its end"),
    ("name", 'a \\"quoted\\" name', "backslash before a quote or at its end"),
])
def test_fields_moodle_would_misread_are_refused_with_the_row(tmp_path, small_dict, field,
                                                              value, message):
    assert small_dict["capabilities"][2]["id"] == "compliance"
    small_dict["capabilities"][2][field] = value
    if field == "id":
        for role in small_dict["roles"]:
            if "compliance" in role.get("requires", {}):
                role["requires"][value] = role["requires"].pop("compliance")
    model = CapabilityModel.from_dict(small_dict)
    with pytest.raises(ValidationError, match=message) as info:
        model.to_moodle_csv(tmp_path / "f.csv")
    p = info.value.problems[0]
    assert p.location.row == 5  # header, framework, customer, account_planning, compliance
    assert p.location.column == ("Short name" if field == "name" else "ID number")
    assert not (tmp_path / "f.csv").exists()
