"""The learning-activity catalog: files, located validation, lookup, and the starter."""

from __future__ import annotations

import copy

import openpyxl
import pytest
import yaml

from ldkit.capability import CapabilityModel, starter
from ldkit.errors import (
    InputError,
    InputFileNotFoundError,
    ParameterError,
    UnsupportedFormatError,
    ValidationError,
)
from ldkit.plans.catalog import (
    FORMAT_MODALITY,
    FORMATS,
    MODALITIES,
    Activity,
    Catalog,
    Program,
    read_catalog,
    starter_catalog,
    starter_catalogs,
    write_catalog_template,
)

SMALL = {
    "name": "Tiny catalog",
    "currency": "EUR",
    "activities": [
        {"id": "elearn", "title": "Account planning basics",
         "capabilities": ["account_planning"], "levels": [1, 2],
         "format": "e-learning course", "hours": 1.5, "cost": 120, "provider": "Academy",
         "core": True},
        {"id": "workshop", "title": "=Advanced planning workshop",
         "capabilities": ["account_planning", "clinical_acumen"], "levels": [2, 3],
         "modality": "formal", "format": "workshop", "hours": 7, "cost": 950,
         "provider": "Field Excellence Partners", "prerequisites": ["elearn"], "capacity": 16},
        {"id": "stretch", "title": "Plan a priority account", "capabilities": ["account_planning"],
         "levels": [3, 4], "modality": "experiential", "format": "stretch assignment",
         "hours": 16},
        {"id": "mentor", "title": "Mentoring by a senior KAM",
         "capabilities": ["account_planning", "compliance"], "levels": [1, 2],
         "modality": "social", "format": "mentoring", "hours": 6, "provider": ""},
        {"id": "pre", "title": "Pre-assessment", "capabilities": ["account_planning"],
         "levels": [1, 4], "format": "assessment", "hours": 1, "cost": 50},
    ],
    "programs": [
        {"id": "kae", "title": "Key account excellence", "capabilities": ["account_planning"],
         "pre_assessment": "pre", "core": ["elearn", "stretch"],
         "electives": ["workshop", "mentor"], "post_assessment": "pre", "capstone": None},
    ],
}


@pytest.fixture
def data() -> dict:
    return copy.deepcopy(SMALL)


@pytest.fixture
def small(data) -> Catalog:
    return Catalog.from_dict(data)


@pytest.fixture(scope="module")
def model() -> CapabilityModel:
    """account_planning and clinical_acumen on four levels, compliance on two."""
    b = CapabilityModel.builder("acme", "Acme")
    b.scale("p4", ["Foundational", "Intermediate", "Advanced", "Expert"], proficient=3)
    b.scale("yn", ["Not yet", "Competent"], proficient=2)
    b.domain("d", "Domain")
    four = {1: "a", 2: "b", 3: "c", 4: "d"}
    b.capability("account_planning", "Account planning", domain="d", indicators=four)
    b.capability("clinical_acumen", "Clinical acumen", domain="d", indicators=four)
    b.capability("compliance", "Compliance", domain="d", indicators={1: "a", 2: "b"},
                 scale="yn")
    return b.build()


@pytest.fixture(scope="module")
def pharma() -> CapabilityModel:
    return starter("pharma-commercial")


def write_yaml(tmp_path, data, name="catalog.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# -- the catalog itself ------------------------------------------------------------------


def test_constants_cover_every_format():
    assert MODALITIES == ("experiential", "social", "formal")
    assert set(FORMAT_MODALITY) == set(FORMATS)
    assert set(FORMAT_MODALITY.values()) == set(MODALITIES)
    assert FORMAT_MODALITY["stretch assignment"] == "experiential"
    assert FORMAT_MODALITY["community of practice"] == "social"
    assert FORMAT_MODALITY["capstone"] == "formal"


def test_reading_fills_fields_and_defaults(small):
    e = small.activity("elearn")
    assert e == Activity("elearn", "Account planning basics", ("account_planning",), 1, 2,
                         "formal", "e-learning course", 1.5, 120.0, "Academy", core=True)
    assert e.modality == "formal"  # the default of the format
    w = small.activity("workshop")
    assert (w.prerequisites, w.capacity, w.core) == (("elearn",), 16, False)
    assert small.activity("stretch").cost == 0.0
    assert small.ids == ["elearn", "workshop", "stretch", "mentor", "pre"]
    p = small.program("kae")
    assert p == Program("kae", "Key account excellence", ("account_planning",), "pre",
                        ("elearn", "stretch"), ("workshop", "mentor"), "pre", None)
    assert p.activity_ids == ["pre", "elearn", "stretch", "workshop", "mentor", "pre"]
    assert (small.name, small.currency) == ("Tiny catalog", "EUR")
    assert "5 activities" in repr(small)


def test_levels_may_be_given_as_from_and_to(data):
    del data["activities"][0]["levels"]
    data["activities"][0]["level_from"] = 2
    data["activities"][0]["level_to"] = 3
    data["activities"][1]["levels"] = 2  # a single level
    cat = Catalog.from_dict(data)
    assert (cat.activity("elearn").level_from, cat.activity("elearn").level_to) == (2, 3)
    assert (cat.activity("workshop").level_from, cat.activity("workshop").level_to) == (2, 2)


def test_unknown_activity_is_a_parameter_error_with_a_suggestion(small):
    with pytest.raises(ParameterError, match=r"The 'id' parameter of Catalog\.activity") as info:
        small.activity("elearning")
    assert "did you mean 'elearn'" in str(info.value)


def test_for_capability_filters_by_capability_and_current_level(small):
    assert [a.id for a in small.for_capability("account_planning", 1)] == [
        "elearn", "mentor", "pre"]
    assert [a.id for a in small.for_capability("account_planning", 2)] == [
        "elearn", "workshop", "mentor", "pre"]
    assert [a.id for a in small.for_capability("account_planning", 4)] == ["stretch", "pre"]
    assert [a.id for a in small.for_capability("clinical_acumen", 3)] == ["workshop"]
    assert small.for_capability("clinical_acumen", 1) == []
    assert small.for_capability("no_such_capability", 2) == []
    with pytest.raises(ParameterError, match=r"'level' parameter of Catalog\.for_capability"):
        small.for_capability("account_planning", 2.5)
    with pytest.raises(ParameterError, match="'capability' parameter"):
        small.for_capability(None, 2)


def test_table_has_one_row_per_activity(small):
    t = small.table()
    assert list(t.columns) == ["id", "title", "capabilities", "level_from", "level_to",
                               "modality", "format", "hours", "cost", "provider", "core",
                               "prerequisites", "capacity"]
    assert len(t) == 5
    row = t.set_index("id").loc["workshop"]
    assert row["capabilities"] == "account_planning, clinical_acumen"
    assert (row["level_from"], row["level_to"], row["hours"], row["capacity"]) == (2, 3, 7.0, 16)
    assert t["capacity"].isna().sum() == 4
    assert str(t["capacity"].dtype) == "Int64"
    assert t["core"].tolist() == [True, False, False, False, False]
    assert Catalog(()).table().columns.tolist() == t.columns.tolist()


# -- files -------------------------------------------------------------------------------


def test_yaml_round_trip(tmp_path, small):
    path = small.to_yaml(tmp_path / "out" / "catalog.yaml")
    assert read_catalog(path) == small
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(data) == ["name", "currency", "activities", "programs"]
    assert data["activities"][1]["levels"] == [2, 3]
    assert "levels: [2, 3]" in path.read_text(encoding="utf-8")  # short lists in flow style


def test_excel_round_trip_and_formatting(tmp_path, small):
    path = small.to_excel(tmp_path / "catalog.xlsx")
    assert read_catalog(path) == small
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["README", "Catalog", "Activities", "Programs"]
    acts = wb["Activities"]
    assert [c.value for c in acts[1]] == [
        "Activity ID", "Title", "Capabilities", "Level from", "Level to", "Modality", "Format",
        "Hours", "Cost", "Provider", "Core", "Prerequisites", "Capacity"]
    assert [c.value for c in acts[3]] == [
        "workshop", "=Advanced planning workshop", "account_planning, clinical_acumen", 2, 3,
        "formal", "workshop", 7, 950, "Field Excellence Partners", "no", "elearn", 16]
    assert [c.value for c in wb["Programs"][1]] == [
        "Program ID", "Title", "Capabilities", "Pre-assessment", "Core", "Electives",
        "Post-assessment", "Capstone"]
    for name in ("Catalog", "Activities", "Programs"):
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws["A1"].font.bold, name
        assert ws.column_dimensions["A"].width >= 16, name
    rules = {str(dv.sqref): dv.formula1 for dv in acts.data_validations.dataValidation}
    assert rules["F2:F500"] == '"experiential,social,formal"'
    assert rules["G2:G500"] == '"' + ",".join(FORMATS) + '"'
    assert rules["K2:K500"] == '"yes,no"'
    programs = {str(dv.sqref): dv.formula1 for dv in wb["Programs"].data_validations.dataValidation}
    assert programs["D2:D500"] == "Activities!$A$2:$A$500"
    readme = "\n".join(str(c.value) for (c,) in wb["README"].iter_rows() if c.value)
    assert "Level from: lowest current level it suits" in readme
    assert "Capstone: activity id of the capstone" in readme


def test_starter_round_trips_through_both_formats(tmp_path):
    cat = starter_catalog()
    assert read_catalog(cat.to_yaml(tmp_path / "s.yml")) == cat
    assert read_catalog(cat.to_excel(tmp_path / "s.xlsx")) == cat


def test_template_reads_back_as_an_empty_catalog(tmp_path):
    path = write_catalog_template(tmp_path / "template.xlsx")
    cat = read_catalog(path)
    assert cat == Catalog(activities=())
    assert (cat.activities, cat.programs, cat.currency) == ((), (), "EUR")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["README", "Catalog", "Activities", "Programs"]
    formulas = [dv.formula1 for dv in wb["Activities"].data_validations.dataValidation]
    assert '"experiential,social,formal"' in formulas


def test_workbook_accepts_friendly_headers_and_values(tmp_path, small):
    path = small.to_excel(tmp_path / "catalog.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Activities"]
    ws["D1"], ws["H1"] = "level_from", "duration hours"  # keys and aliases, any case
    ws["F2"], ws["K2"], ws["C2"] = None, "Yes", "account_planning ; clinical_acumen"
    wb.save(path)
    e = read_catalog(path).activity("elearn")
    assert (e.modality, e.core, e.capabilities) == (
        "formal", True, ("account_planning", "clinical_acumen"))


# -- located validation --------------------------------------------------------------------

# (what, index, changes, message, YAML field, workbook sheet, workbook column)
MUTATIONS = [
    ("activities", 1, {"id": "elearn"}, "duplicate activity id 'elearn'",
     "activities[1].id", "Activities", "Activity ID"),
    ("activities", 2, {"id": "plan a account"}, "has spaces or punctuation",
     "activities[2].id", "Activities", "Activity ID"),
    ("activities", 0, {"title": ""}, "activity 'elearn' has an empty title",
     "activities[0].title", "Activities", "Title"),
    ("activities", 0, {"capabilities": []}, "names no capability",
     "activities[0].capabilities", "Activities", "Capabilities"),
    ("activities", 1, {"modality": "classroom"}, "unknown modality 'classroom'",
     "activities[1].modality", "Activities", "Modality"),
    ("activities", 2, {"format": "webinar"}, "unknown format 'webinar'",
     "activities[2].format", "Activities", "Format"),
    ("activities", 1, {"levels": [3, 2]}, "level_from 3 is above level_to 2",
     "activities[1].levels", "Activities", "Level from"),
    ("activities", 2, {"hours": 0}, "hours must be a number above 0, got 0",
     "activities[2].hours", "Activities", "Hours"),
    ("activities", 3, {"hours": "two"}, "must be a number, got 'two'",
     "activities[3].hours", "Activities", "Hours"),
    ("activities", 1, {"cost": -5}, "cost must be a number of at least 0, got -5",
     "activities[1].cost", "Activities", "Cost"),
    ("activities", 1, {"capacity": 0}, "capacity must be a whole number of at least 1, got 0",
     "activities[1].capacity", "Activities", "Capacity"),
    ("activities", 1, {"prerequisites": ["elearning"]},
     "prerequisite 'elearning' is not an activity", "activities[1].prerequisites",
     "Activities", "Prerequisites"),
    ("activities", 0, {"core": "maybe"}, "must be yes or no",
     "activities[0].core", "Activities", "Core"),
    ("programs", 0, {"core": ["elearn", "strech"]}, "core 'strech' is not an activity",
     "programs[0].core", "Programs", "Core"),
    ("programs", 0, {"capstone": "final"}, "capstone 'final' is not an activity",
     "programs[0].capstone", "Programs", "Capstone"),
    ("programs", 0, {"title": ""}, "program 'kae' has an empty title",
     "programs[0].title", "Programs", "Title"),
]
IDS = [f"{m[0]}[{m[1]}].{next(iter(m[2]))}={next(iter(m[2].values()))!r}" for m in MUTATIONS]


def mutate(data, what, index, changes):
    data[what][index].update(changes)
    return data


def edit_workbook(path, what, index, changes):
    """Apply the same changes to the cells of a written workbook."""
    sheet = {"activities": "Activities", "programs": "Programs"}[what]
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    headers = {c.value: c.column for c in ws[1]}
    key_to_header = {"id": "Activity ID" if what == "activities" else "Program ID",
                     "title": "Title", "capabilities": "Capabilities", "modality": "Modality",
                     "format": "Format", "hours": "Hours", "cost": "Cost", "core": "Core",
                     "prerequisites": "Prerequisites", "capacity": "Capacity",
                     "capstone": "Capstone"}
    row = index + 2
    for key, value in changes.items():
        if key == "levels":
            ws.cell(row, headers["Level from"]).value = value[0]
            ws.cell(row, headers["Level to"]).value = value[1]
            continue
        if isinstance(value, list):
            value = ", ".join(value)
        ws.cell(row, headers[key_to_header[key]]).value = value if value != "" else None
    wb.save(path)


def only(problems, text):
    found = [p for p in problems if text in p.message]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


@pytest.mark.parametrize(("what", "index", "changes", "message", "field", "sheet", "column"),
                         MUTATIONS, ids=IDS)
def test_yaml_problem_is_located(tmp_path, data, what, index, changes, message, field, sheet,
                                 column):
    path = write_yaml(tmp_path, mutate(data, what, index, changes))
    with pytest.raises(ValidationError) as info:
        read_catalog(path)
    problem = only(info.value.problems, message)
    loc = problem.location
    assert (loc.file, loc.field) == (str(path), field)
    key = field.rsplit(".", 1)[1]
    assert path.read_text(encoding="utf-8").splitlines()[loc.line - 1].lstrip(" -").startswith(
        f"{key}:")
    assert problem.hint


@pytest.mark.parametrize(("what", "index", "changes", "message", "field", "sheet", "column"),
                         MUTATIONS, ids=IDS)
def test_workbook_problem_is_located(tmp_path, small, what, index, changes, message, field,
                                     sheet, column):
    path = small.to_excel(tmp_path / "catalog.xlsx")
    edit_workbook(path, what, index, changes)
    with pytest.raises(ValidationError) as info:
        read_catalog(path)
    loc = only(info.value.problems, message).location
    assert (loc.file, loc.sheet, loc.row, loc.column) == (str(path), sheet, index + 2, column)


def test_every_problem_is_reported_at_once_in_reading_order(tmp_path, data):
    for what, index, changes, *_ in MUTATIONS[2:]:  # not the id changes (they shift refs)
        mutate(data, what, index, changes)
    path = write_yaml(tmp_path, data)
    with pytest.raises(ValidationError) as info:
        read_catalog(path)
    err = info.value
    for _, _, _, message, *_ in MUTATIONS[2:]:
        only(err.problems, message)
    lines = [p.location.line for p in err.problems]
    assert lines == sorted(lines)
    assert f"problems in learning catalog {path}" in str(err)
    assert len(err.report().splitlines()) == len(err.problems)


def test_a_parse_problem_is_not_reported_twice(tmp_path, data):
    data["activities"][0]["hours"] = "two"
    del data["activities"][1]["levels"]
    with pytest.raises(ValidationError) as info:
        read_catalog(write_yaml(tmp_path, data))
    assert [p.message for p in info.value.problems] == [
        "hours must be a number, got 'two'",
        "the current levels it suits are missing"]


def test_currency_and_unknown_keys(tmp_path, data):
    data["currency"] = "euro"
    data["activities"][0]["hour"] = data["activities"][0].pop("hours")
    path = write_yaml(tmp_path, data)
    with pytest.raises(ValidationError) as info:
        read_catalog(path)
    problems = info.value.problems
    assert only(problems, "currency 'euro'").location.field == "currency"
    unknown = only(problems, "unknown key 'hour'")
    assert (unknown.location.field, unknown.hint) == ("activities[0].hour",
                                                      "did you mean 'hours'?")
    only(problems, "hours is missing")


def test_workbook_currency_problem_is_located(tmp_path, small):
    path = small.to_excel(tmp_path / "catalog.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["Catalog"]["A3"].value == "currency"
    wb["Catalog"]["B3"] = "€"
    wb.save(path)
    with pytest.raises(ValidationError) as info:
        read_catalog(path)
    loc = only(info.value.problems, "three-letter code").location
    assert (loc.sheet, loc.row, loc.column) == ("Catalog", 3, "Value")


def test_workbook_without_a_required_column(tmp_path, small):
    path = small.to_excel(tmp_path / "catalog.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Activities"]["H1"] = "Effort"
    wb.save(path)
    with pytest.raises(ValidationError) as info:
        read_catalog(path)
    loc = only(info.value.problems, "has no column 'Hours'").location
    assert (loc.sheet, loc.row, loc.column) == ("Activities", 1, "Hours")


def test_prerequisite_cycles_are_reported_once_each(data):
    acts = data["activities"]
    acts[0]["prerequisites"] = ["mentor"]  # elearn -> mentor -> workshop -> elearn
    acts[3]["prerequisites"] = ["workshop"]
    acts[2]["prerequisites"] = ["stretch"]  # stretch -> stretch
    with pytest.raises(ValidationError) as info:
        Catalog.from_dict(data)
    cycles = [p for p in info.value.problems if "cycle" in p.message]
    assert [p.message for p in cycles] == [
        "prerequisite cycle: elearn -> mentor -> workshop -> elearn",
        "prerequisite cycle: stretch -> stretch"]
    assert cycles[0].location.field == "activities[0].prerequisites"


def test_problems_of_a_catalog_built_in_code_name_the_field():
    cat = Catalog((Activity("a", "A", ("x",), 1, 2, "", "workshop", -1.0),))
    problem = only(cat.problems(), "hours must be")
    assert problem.location.field == "activities[0].hours"
    with pytest.raises(ValidationError, match="1 problem in learning catalog"):
        cat.check()


# -- validation against a capability model ---------------------------------------------------


def test_valid_against_the_model(small, model):
    assert small.problems(model) == []
    assert small.check(model) is small


def test_unknown_capability_with_suggestion_and_level_off_the_scale(tmp_path, data, model):
    data["activities"][0]["capabilities"] = ["acount_planning"]
    data["activities"][3]["levels"] = [1, 3]  # compliance has two levels
    data["programs"][0]["capabilities"] = ["account_planing", "leadership"]
    cat = read_catalog(write_yaml(tmp_path, data))  # valid on its own
    problems = cat.problems(model)
    unknown = only(problems, "capability 'acount_planning' is not in model 'acme'")
    assert unknown.hint == "did you mean 'account_planning'?"
    assert (unknown.location.field, unknown.location.line) == ("activities[0].capabilities", 6)
    scale = only(problems, "levels 1-3 are outside the scale of 'compliance' (1-2)")
    assert scale.location.field == "activities[3].levels"
    assert scale.hint == "use levels 1 to 2"
    only(problems, "program 'kae': capability 'account_planing'")
    assert "use a capability id" in only(problems, "capability 'leadership'").hint
    assert len(problems) == 4
    with pytest.raises(ValidationError) as info:
        cat.check(model)
    assert len(info.value.problems) == 4


def test_model_must_be_a_capability_model(small):
    with pytest.raises(ParameterError, match=r"'model' parameter of Catalog\.problems"):
        small.problems("acme")


def test_assessment_of_another_format_is_a_warning(data):
    data["programs"][0]["post_assessment"] = "elearn"
    cat = Catalog.from_dict(data)  # warnings do not stop reading
    warning = only(cat.problems(), "post_assessment 'elearn' has the format")
    assert warning.severity == "warning"
    assert cat.check() is cat


# -- bad files -------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(InputFileNotFoundError):
        read_catalog(tmp_path / "nope.yaml")


def test_unknown_extension(tmp_path, small):
    path = tmp_path / "catalog.csv"
    path.write_text("id,title\n", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match=r"extension '\.csv'"):
        read_catalog(path)
    with pytest.raises(UnsupportedFormatError):
        small.to_excel(tmp_path / "catalog.xls")
    with pytest.raises(UnsupportedFormatError):
        small.to_yaml(tmp_path / "catalog.txt")


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nactivities:\n  - id: a\n   title: b\n", encoding="utf-8")
    with pytest.raises(InputError, match="is not valid YAML") as info:
        read_catalog(path)
    assert info.value.location.line == 4


@pytest.mark.parametrize("text", ["- just\n- a list\n", "", "activities: 3\n"])
def test_yaml_that_is_not_a_catalog(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError):
        read_catalog(path)


def test_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(UnsupportedFormatError, match="cannot be opened as an Excel workbook"):
        read_catalog(path)


def test_workbook_without_activities_sheet(tmp_path):
    path = tmp_path / "c.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Roles"
    wb.save(path)
    with pytest.raises(UnsupportedFormatError, match="no sheet 'Activities'"):
        read_catalog(path)


# -- the starter catalog ----------------------------------------------------------------------


def test_starter_catalogs_are_listed():
    assert "pharma-commercial" in starter_catalogs()
    with pytest.raises(ParameterError, match="'name' parameter of starter_catalog"):
        starter_catalog("oncology")


def test_starter_is_valid_against_its_model(pharma):
    cat = starter_catalog("pharma-commercial")
    assert cat.problems(pharma) == []
    assert 40 <= len(cat.activities) <= 55
    assert cat.currency == "EUR"


def test_starter_covers_every_capability_at_every_level_in_every_modality(pharma):
    cat = starter_catalog()
    for cap in pharma.capability_ids:
        for level in pharma.scale_of(cap).values:
            assert cat.for_capability(cap, level), (cap, level)
        modalities = {a.modality for a in cat.activities if cap in a.capabilities}
        assert modalities == set(MODALITIES), cap


def test_starter_hours_mix_is_70_20_10():
    t = starter_catalog().table()
    share = t.groupby("modality")["hours"].sum() / t["hours"].sum()
    for modality, target in {"experiential": 0.7, "social": 0.2, "formal": 0.1}.items():
        assert abs(share[modality] - target) <= 0.1, share.to_dict()


def test_starter_activities_are_realistic():
    cat = starter_catalog()
    t = cat.table()
    assert set(t["format"]) >= {"workshop", "e-learning course", "podcast", "coaching",
                                "mentoring", "stretch assignment", "job shadowing",
                                "community of practice", "capstone", "assessment"}
    experiential = t[t["modality"] == "experiential"]
    assert experiential["hours"].between(8, 20).all()
    assert t[t["modality"] == "social"]["hours"].between(4, 10).all()
    assert t[t["modality"] == "formal"]["hours"].between(0.5, 8).all()
    workshops = t[t["format"] == "workshop"]
    assert workshops["cost"].between(400, 1500).all()
    assert workshops["capacity"].between(12, 20).all()
    assert t[t["format"] == "e-learning course"]["cost"].between(50, 300).all()
    assert t["core"].any() and (t["prerequisites"] != "").any()
    assert t["provider"].ne("").all()


def test_starter_programs_follow_the_plp_framework():
    cat = starter_catalog()
    assert 2 <= len(cat.programs) <= 3
    kae = cat.program("key-account-excellence")
    assert set(kae.capabilities) == {"account_planning", "stakeholder_mapping",
                                     "customer_engagement"}
    assert cat.activity(kae.pre_assessment).format == "assessment"
    assert cat.activity(kae.post_assessment).format == "assessment"
    assert cat.activity(kae.capstone).format == "capstone"
    assert len(kae.core) == 2 and len(kae.electives) == 4
    assert len({cat.activity(x).format for x in kae.electives}) >= 3


@pytest.mark.parametrize(("changes", "message"), [
    ({"hours": "2"}, "hours must be a number, got '2'"),
    ({"hours": True}, "hours must be a number, got True"),
    ({"capacity": 2.0}, "capacity must be a whole number, got 2.0"),
    ({"capacity": "12"}, "capacity must be a whole number, got '12'"),
    ({"core": 1}, "core must be yes or no, got 1"),
    ({"core": "maybe"}, "core must be yes or no, got 'maybe'"),
])
def test_yaml_scalars_are_strict(tmp_path, data, changes, message):
    """In YAML a number is written as a number: text, booleans and 2.0 for a whole number are
    errors with the line (a workbook cell may still hold a number typed as text)."""
    path = write_yaml(tmp_path, mutate(data, "activities", 0, changes))
    with pytest.raises(ValidationError) as info:
        read_catalog(path)
    problem = only(info.value.problems, message)
    key = next(iter(changes))
    assert path.read_text(encoding="utf-8").splitlines()[problem.location.line - 1].lstrip(
        " -").startswith(f"{key}:")


def test_yaml_with_duplicate_key_or_alias_bomb_is_refused(tmp_path):
    from ldkit.errors import InputError

    path = tmp_path / "c.yaml"
    path.write_text("activities:\n  - id: a\n    id: b\n", encoding="utf-8")
    with pytest.raises(InputError, match="'id' is written twice, on line 2 and on line 3"):
        read_catalog(path)
    levels = ['a: &a [x, x, x, x, x, x, x, x, x]'] + [
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi",
                                                                strict=True)]
    path.write_text("\n".join(levels) + "\nactivities: *i\n", encoding="utf-8")
    with pytest.raises(InputError, match="aliases expand to"):
        read_catalog(path)
