"""The authoring workbook: layout, formatting, and located errors of a filled-in copy."""

from __future__ import annotations

import openpyxl
import pytest

from ldkit.capability import CapabilityModel, read_model, write_template
from ldkit.capability.io_excel import SHEETS
from ldkit.errors import UnsupportedFormatError, ValidationError


@pytest.fixture
def workbook(tmp_path, small_model):
    return small_model.to_excel(tmp_path / "model.xlsx")


def test_round_trip(workbook, small_model):
    assert CapabilityModel.from_excel(workbook) == small_model


def test_layout_and_formatting(workbook):
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == ["README", *SHEETS, "Matrix", "Level lists"]
    assert wb["Level lists"].sheet_state == "hidden"
    for name, spec in SHEETS.items():
        ws = wb[name]
        assert [c.value for c in ws[1]] == [c.header for c in spec], name
        assert ws.freeze_panes == "A2", name
        assert ws["A1"].font.bold, name
        assert ws.column_dimensions["A"].width >= 14, name
    req = wb["Requirements"]
    assert [c.value for c in req[2]] == ["rep", "account_planning", 2, 2]
    # drop-downs: levels by the scale of each row's capability, ids from their sheets
    rules = {str(dv.sqref): dv.formula1 for dv in req.data_validations.dataValidation}
    assert rules["A2:A500"] == "Roles!$A$2:$A$500"
    assert rules["B2:B500"] == "Capabilities!$A$2:$A$500"
    level_rules = {dv.formula1: str(dv.sqref) for dv in req.data_validations.dataValidation
                   if "Level lists" in dv.formula1}
    lists = wb["Level lists"]
    columns = {col[0].value: [c.value for c in col[1:] if c.value is not None]
               for col in lists.iter_cols()}
    # each scale's values and labels; new rows may use either scale
    assert columns == {"p4": [1, 2, 3, 4, "Foundational", "Intermediate", "Advanced", "Expert"],
                       "yn": [1, 2, "Not yet", "Competent"],
                       "(any scale)": [1, 2, 3, 4, "Foundational", "Intermediate",
                                       "Advanced", "Expert", "Not yet", "Competent"]}
    assert level_rules["'Level lists'!$B$2:$B$5"] == "C4 C6"  # the two compliance rows
    assert level_rules["'Level lists'!$A$2:$A$9"] == "C2:C3 C5"
    assert level_rules["'Level lists'!$C$2:$C$11"].startswith("C7:C500")
    # the derived matrix view: protected, grey, says so
    matrix = wb["Matrix"]
    assert matrix.protection.sheet
    assert any("Derived" in str(c.value) for c in matrix["A"])
    assert [c.value for c in matrix[1]][:3] == ["Role ID", "Role", "account_planning"]
    assert [c.value for c in matrix[3]][:5] == ["kam", "Key Account Manager", 4, None, 2]


def test_text_that_looks_like_a_formula_stays_text(tmp_path, small_dict):
    small_dict["capabilities"][0]["definition"] = "=SUM(A1:A2) is not a formula here"
    model = CapabilityModel.from_dict(small_dict)
    back = CapabilityModel.from_excel(model.to_excel(tmp_path / "m.xlsx"))
    assert back.capability("account_planning").definition.startswith("=SUM")


def test_template_is_blank_and_valid(tmp_path):
    path = write_template(tmp_path / "template.xlsx")
    model = read_model(path)
    assert (model.roles, model.capabilities, model.domains) == ((), (), ())
    assert model.scale().labels == ["Foundational", "Intermediate", "Advanced", "Expert"]


def test_levels_typed_as_labels_and_friendly_headers(workbook):
    wb = openpyxl.load_workbook(workbook)
    wb["Requirements"]["C3"] = "advanced"  # label, any case
    wb["Requirements"]["D3"] = None  # blank weight means 1
    wb["Requirements"]["C1"] = "required_level"  # header spelled as a key
    wb.save(workbook)
    model = read_model(workbook)
    q = model.role("rep").requirement("clinical_acumen")
    assert (q.level, q.weight) == (3, 1.0)


def mistakes(workbook):
    wb = openpyxl.load_workbook(workbook)
    wb["Model"]["A7"], wb["Model"]["B7"] = "colour", "blue"
    wb["Scales"]["C2"] = "three"
    wb["Capabilities"]["C4"] = "legal"
    wb["Indicators"].append(["ghost", 1, None, "Haunts"])
    wb["Indicators"].append(["account_planning", 2, None, "Second text for level 2"])
    wb["Indicators"].append(["clinical_acumen", "Guru", None, "Beyond expert"])
    wb["Roles"].append(["rep", "Second rep", None, None])
    wb["Requirements"].append(["ceo", "account_planning", 4, 1])
    wb["Requirements"].append(["rep", "negotiation", 2, 1])
    wb["Requirements"]["D2"] = "high"
    wb["Requirements"]["C3"] = None
    wb.save(workbook)


def test_a_workbook_with_many_mistakes_reports_each_with_sheet_row_column(workbook):
    mistakes(workbook)
    with pytest.raises(ValidationError) as info:
        read_model(workbook)
    got = [(p.location.sheet, p.location.row, p.location.column, p.message)
           for p in info.value.problems]
    assert got == [
        ("Model", 7, "Field", "unknown field 'colour'"),
        ("Scales", 2, "Proficient from", "'three' is not a whole number"),
        ("Capabilities", 4, None, "capability 'compliance' is in unknown domain 'legal'"),
        ("Indicators", 12, "Capability ID", "indicator for unknown capability 'ghost'"),
        ("Indicators", 13, "Level", "second indicator for 'account_planning' level 2"),
        ("Indicators", 14, "Level", "level 'Guru' is not on the scale"),
        ("Roles", 4, None, "duplicate role id 'rep'"),
        ("Requirements", 2, "Weight", "weight 'high' is not a number"),
        ("Requirements", 3, "Required level", "'Required level' is empty"),
        ("Requirements", 7, "Role ID", "requirement of unknown role 'ceo'"),
        ("Requirements", 8, None, "role 'rep' requires unknown capability 'negotiation'"),
    ]
    assert all(p.location.file == str(workbook) for p in info.value.problems)


def test_missing_column_is_named(workbook):
    wb = openpyxl.load_workbook(workbook)
    wb["Roles"]["B1"] = "Title"
    wb.save(workbook)
    with pytest.raises(ValidationError) as info:
        read_model(workbook)
    p = info.value.problems[0]
    assert (p.location.sheet, p.location.row, p.location.column) == ("Roles", 1, "Name")
    assert p.message == "has no column 'Name'"


def test_not_a_workbook(tmp_path):
    fake = tmp_path / "m.xlsx"
    fake.write_text("not a zip")
    with pytest.raises(UnsupportedFormatError, match="cannot be opened as an Excel workbook"):
        read_model(fake)


def test_writer_wants_xlsx(tmp_path, small_model):
    from ldkit.capability.io_excel import write_excel

    with pytest.raises(UnsupportedFormatError, match=r"\.xlsx"):
        write_excel(small_model, tmp_path / "m.xls")


def test_level_drop_downs_follow_a_five_level_scale_with_labels(tmp_path, small_dict):
    small_dict["scales"][0]["levels"].append({"value": 5, "label": "Master, coach"})
    for cap in small_dict["capabilities"]:
        if cap.get("scale") is None:
            cap["indicators"][5] = "Coaches others"
    model = CapabilityModel.from_dict(small_dict)
    path = model.to_excel(tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(path)
    lists = {col[0].value: [c.value for c in col[1:] if c.value is not None]
             for col in wb["Level lists"].iter_cols()}
    assert lists["p4"] == [1, 2, 3, 4, 5, "Foundational", "Intermediate", "Advanced",
                           "Expert", "Master, coach"]  # a comma in a label is fine in a range
    ind = wb["Indicators"]
    rule = next(dv for dv in ind.data_validations.dataValidation
                if dv.formula1 == "'Level lists'!$A$2:$A$11")
    level5 = [c.row for c in ind["B"] if c.value == 5]
    assert level5 and all(any(_in(rng, r) for rng in rule.sqref.ranges) for r in level5)
    assert read_model(path).capability("account_planning").indicators[5] == "Coaches others"


def _in(rng, row):
    return rng.min_row <= row <= rng.max_row and rng.min_col == 2


def test_every_text_cell_is_a_string_cell(tmp_path, small_dict):
    small_dict["capabilities"][0]["name"] = "=1+1"
    small_dict["domains"][0]["description"] = "+cmd|' /C calc'!A0"
    small_dict["scales"][1]["levels"][0]["label"] = "=Not yet"
    model = CapabilityModel.from_dict(small_dict)
    path = model.to_excel(tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(path)
    formulas = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    assert read_model(path) == model
