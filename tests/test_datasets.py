"""Synthetic survey exports: layouts, codebooks, anomalies, determinism, encodings, scale.

The tests read the files back with the csv module or openpyxl and a tiny
reader written here (``_read``), independent of any ldkit reader, and check
real values: header rows, codebook columns, counts of excluded rows, and that
every layout carries the same clean answers for the same seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from ldkit.capability import CapabilityModel, starter
from ldkit.codebook import Codebook, read_codebook
from ldkit.datasets import (
    EXCLUSION_REASONS,
    IMPORTANCE_LABELS,
    LAYOUTS,
    ExpectedCounts,
    Population,
    SurveyExports,
    make_population,
    write_survey_exports,
)
from ldkit.errors import ParameterError

N = 120
CSV_LAYOUTS = ("qualtrics", "qualtrics_legacy", "surveymonkey_csv", "tidy_csv")
HEADER_ROWS = {"qualtrics": 3, "qualtrics_legacy": 2, "surveymonkey_csv": 2,
               "surveymonkey_xlsx": 2, "msforms": 1, "tidy_csv": 1, "tidy_xlsx": 1}
END_COLUMN = {"qualtrics": "EndDate", "qualtrics_legacy": "V9", "surveymonkey_csv": "End Date",
              "surveymonkey_xlsx": "End Date", "msforms": "Completion time",
              "tidy_csv": "submitted_at", "tidy_xlsx": "submitted_at"}
ACCENTED = ("José", "Zoë", "François", "Müller")
PROF_LABELS = ("Foundational", "Intermediate", "Advanced", "Expert")


# -- a tiny reader, independent of ldkit's -------------------------------------------------------


def _raw_rows(path: Path, encoding: str | None) -> list[list]:
    if path.suffix == ".csv":
        with open(path, encoding=encoding, newline="") as fh:
            return list(csv.reader(fh))
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def _column_names(rows: list[list], layout: str) -> list[str]:
    """Field names; SurveyMonkey's two header rows joined as the module documents."""
    if not layout.startswith("surveymonkey"):
        return [str(c) for c in rows[0]]
    names, question = [], ""
    for top, sub in zip(rows[0], rows[1], strict=True):
        question = top if top not in (None, "") else question
        sub = sub or ""
        names.append(question if sub in ("", "Response", "Open-Ended Response")
                     else f"{question} - {sub}")
    return names


def _table(path: Path, layout: str, encoding: str | None) -> pd.DataFrame:
    rows = _raw_rows(path, encoding)
    names = _column_names(rows, layout)
    data = rows[HEADER_ROWS[layout]:]
    frame = pd.DataFrame(data, columns=names, dtype=object)
    return frame.map(lambda v: "" if v is None else v)


def _end_time(value, layout: str) -> pd.Timestamp:
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value)
    if layout.startswith("surveymonkey"):
        return pd.to_datetime(value, format="%m/%d/%Y %I:%M:%S %p")
    return pd.Timestamp(value)


def _number(value, scale: dict) -> float | None:
    """Label or code on the scale -> number; None if unmapped."""
    text = str(value).strip()
    if text in scale:
        return scale[text]
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number in scale.values() else None


def _read(out: SurveyExports, which: str) -> tuple[pd.DataFrame, dict[str, int], int]:
    """Kept answers (index: person; columns: role + item ids), excluded counts, rows read."""
    path = out.self_path if which == "self" else out.manager_path
    book = read_codebook(out.self_codebook if which == "self" else out.manager_codebook)
    df = _table(path, out.layout, out.encoding)
    read = len(df)
    excluded = dict.fromkeys(EXCLUSION_REASONS, 0)

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal df
        excluded[reason] += int(mask.sum())
        df = df[~mask]

    if out.layout == "qualtrics":
        drop(df["Status"] == "Survey Preview", "survey preview")
        drop(df["Finished"] == "False", "partial response")
    elif out.layout == "qualtrics_legacy":
        drop(df["V7"] == "1", "survey preview")
        drop(df["V10"] == "0", "partial response")
    person = book.respondent.person_column
    end = df[END_COLUMN[out.layout]].map(lambda v: _end_time(v, out.layout))
    df = df.assign(_end=end).sort_values("_end", kind="stable")
    drop(df.duplicated(person, keep="last"), "duplicate respondent")
    values = pd.DataFrame({i.item: df[i.column].map(lambda v, s=book.scales[i.scale]:
                                                    _number(v, s)) for i in book.items},
                          index=df.index)
    drop(values.isna().any(axis=1), "unmapped answer")
    role = book.respondent.attributes["role"]
    drop(df[role] == "", "missing role")
    kept = values.loc[df.index].astype(float)
    kept.insert(0, "role", df[role])
    kept.index = pd.Index(df[person], name="person")
    return kept.sort_index(), excluded, read


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, SurveyExports]:
    base = tmp_path_factory.mktemp("exports")
    return {layout: write_survey_exports(base / layout, layout=layout, n_employees=N, seed=7)
            for layout in LAYOUTS}


# -- population ---------------------------------------------------------------------------------


def test_population_columns_and_truth():
    pop = make_population(300, seed=3)
    assert isinstance(pop, Population)
    emp = pop.employees
    assert list(emp.columns) == ["employee_key", "first_name", "last_name", "role", "role_name",
                                 "region", "business_unit", "tenure_years", "manager_key"]
    assert len(emp) == 300 and emp["employee_key"].is_unique
    assert emp["employee_key"].str.fullmatch(r"[a-z0-9.\-]+@demobio\.example").all()
    model = starter("pharma-commercial")
    assert pop.model == model
    assert set(emp["role"]) <= set(model.role_ids)
    names = {r.id: r.name for r in model.roles}
    assert (emp["role"].map(names) == emp["role_name"]).all()
    assert set(emp["region"]) <= {"North America", "EMEA", "APAC", "LATAM"}
    assert set(emp["business_unit"]) <= {"Oncology", "Immunology", "Cell Therapy", "Rare Disease"}
    assert (emp["tenure_years"] > 0).all()
    # the showcase names exercise encodings; e-mails are ASCII-folded
    row = emp.set_index("employee_key").loc["jose.garcia@demobio.example"]
    assert (row["first_name"], row["last_name"]) == ("José", "García")
    assert "zoe.muller@demobio.example" in set(emp["employee_key"])
    # every manager is known; surveyed managers are first-line sales managers
    assert emp["manager_key"].isin(pop.managers["manager_key"]).all()
    surveyed = pop.managers.loc[pop.managers["surveyed"], "manager_key"]
    assert set(emp.set_index("employee_key").loc[surveyed, "role"]) == {
        "first_line_sales_manager"}
    reps = emp[emp["role"] != "first_line_sales_manager"]
    assert reps["manager_key"].isin(surveyed).all()
    # cell-therapy account managers only work in the Cell Therapy unit
    assert set(emp.loc[emp["role"] == "cell_therapy_account_manager", "business_unit"]) <= {
        "Cell Therapy"}

    truth = pop.truth
    assert list(truth.columns) == ["employee_key", "capability", "true_level", "importance"]
    assert len(truth) == 300 * len(model.capabilities)
    assert truth["true_level"].between(1, 4).all() and truth["importance"].between(1, 5).all()
    # people sit around or below their role's requirement: gaps exist
    req = model.requirements()[["role", "capability", "required_level", "weight"]]
    merged = truth.merge(emp[["employee_key", "role"]]).merge(req)
    gap = merged["required_level"] - merged["true_level"]
    assert 0.2 < gap.mean() < 0.8
    assert (gap > 0).mean() > 0.6
    # importance follows the role's requirement weight
    by_weight = merged.groupby("weight")["importance"].mean()
    assert by_weight.is_monotonic_increasing
    # within a person, capabilities are correlated
    wide = truth.pivot(index="employee_key", columns="capability", values="true_level")
    role = emp.set_index("employee_key")["role"].loc[wide.index]
    within = wide - wide.groupby(role).transform("mean")
    assert within[["account_planning", "customer_engagement"]].corr().iloc[0, 1] > 0.3


def test_population_is_deterministic():
    a, b = make_population(80, seed=5), make_population(80, seed=5)
    pd.testing.assert_frame_equal(a.employees, b.employees)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    c = make_population(80, seed=6)
    assert not a.truth["true_level"].equals(c.truth["true_level"])


def test_population_for_other_models():
    medical = make_population(60, seed=1, model="medical-affairs")
    assert "msl_manager" in set(medical.employees["role"])
    digital = make_population(60, seed=1, model=starter("digital-learning"))
    # no people-manager role: team leads outside the survey manage everyone
    assert not digital.managers["surveyed"].any()
    assert not digital.employees["manager_key"].isin(digital.employees["employee_key"]).any()


# -- files and headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_writes_readable_files(exports, layout):
    out = exports[layout]
    ext = ".xlsx" if layout in ("surveymonkey_xlsx", "msforms", "tidy_xlsx") else ".csv"
    assert out.layout == layout
    assert out.self_path.name == f"self{ext}" and out.manager_path.name == f"manager{ext}"
    assert out.self_codebook.name == "codebook_self.yaml"
    assert out.manager_codebook.name == "codebook_manager.yaml"
    assert (out.encoding is None) == (ext == ".xlsx")
    for path in (out.self_path, out.manager_path):
        rows = _raw_rows(path, out.encoding)
        widths = {len(r) for r in rows}
        assert len(widths) == 1, "every row has as many cells as the header"
        assert len(rows) - HEADER_ROWS[layout] > N


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("which", ["self", "manager"])
def test_codebook_columns_exist_in_the_export(exports, layout, which):
    out = exports[layout]
    book = read_codebook(out.self_codebook if which == "self" else out.manager_codebook)
    assert isinstance(book, Codebook)
    names = _column_names(_raw_rows(out.self_path if which == "self" else out.manager_path,
                                    out.encoding), layout)
    r = book.respondent
    used = [r.id, r.person_column, *r.identifiers, *r.attributes.values(), *r.dedupe_on,
            *(i.column for i in book.items)]
    missing = [c for c in used if c not in names]
    assert not missing
    assert book.min_duration_seconds == 60
    assert book.scales["proficiency4"] == dict(zip(PROF_LABELS, (1, 2, 3, 4), strict=True))
    assert book.scales["importance5"] == {lab: i for i, lab in enumerate(IMPORTANCE_LABELS, 1)}
    n_caps = len(starter("pharma-commercial").capabilities)
    if which == "self":
        assert set(r.attributes) == {"role", "region", "business_unit", "tenure"}
        assert len(book.items) == 2 * n_caps
        assert {i.rater for i in book.items} == {"self"}
        assert book.items[0].item == "customer_engagement_prof_self"
        assert book.items[n_caps].item == "customer_engagement_imp_self"
        assert book.items[n_caps].dimension == "importance"
    else:
        assert set(r.attributes) == {"role"}
        assert [i.item for i in book.items][:2] == ["customer_engagement_prof_mgr",
                                                    "stakeholder_mapping_prof_mgr"]
        assert {i.rater for i in book.items} == {"manager"}
    assert r.dedupe_on == (r.person_column,)


def test_qualtrics_header_rows(exports):
    out = exports["qualtrics"]
    rows = _raw_rows(out.self_path, "utf-8-sig")
    ids, texts, imports = rows[0], rows[1], rows[2]
    assert ids[:17] == ["StartDate", "EndDate", "Status", "IPAddress", "Progress",
                        "Duration (in seconds)", "Finished", "RecordedDate", "ResponseId",
                        "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                        "ExternalReference", "LocationLatitude", "LocationLongitude",
                        "DistributionChannel", "UserLanguage"]
    assert ids[17:21] == ["Q_role", "Q_region", "Q_bu", "Q_tenure"]
    assert ids[21:32] == [f"QID3_{k}" for k in range(1, 12)]
    assert ids[32:43] == [f"QID4_{k}" for k in range(1, 12)]
    assert texts[ids.index("QID3_4")] == (
        "How proficient are you today in each of the following? - Account planning")
    parsed = [json.loads(cell) for cell in imports]
    assert all("ImportId" in p for p in parsed)
    assert parsed[0] == {"ImportId": "startDate", "timeZone": "America/Denver"}
    assert parsed[ids.index("QID3_1")] == {"ImportId": "QID3_1"}
    assert imports[ids.index("QID3_1")] == '{"ImportId":"QID3_1"}'
    data = rows[3:]
    col = {name: [r[i] for r in data] for i, name in enumerate(ids)}
    assert set(col["Status"]) == {"IP Address", "Survey Preview"}
    assert set(col["Finished"]) == {"True", "False"}
    assert set(col["QID3_1"]) <= {"", *PROF_LABELS, "Advnaced", "7"}
    assert set(col["QID4_1"]) <= {"", *IMPORTANCE_LABELS, "Advnaced", "7"}
    assert {"Advnaced", "7"} <= {v for name in ids if name.startswith("QID") for v in col[name]}
    assert all(r.startswith("R_") and len(r) == 17 for r in col["ResponseId"])
    assert len(set(col["ResponseId"])) == len(data)
    # rows are in order of end time, previews first
    assert col["EndDate"] == sorted(col["EndDate"])
    assert col["Status"][:2] == ["Survey Preview"] * 2
    manager = _raw_rows(out.manager_path, "utf-8-sig")[0]
    assert manager[-2:] == ["EmployeeEmail", "EmployeeRole"]
    assert "Q_role" not in manager


def test_qualtrics_legacy_header_rows_and_codes(exports):
    out = exports["qualtrics_legacy"]
    assert out.encoding == "utf-16"
    assert out.self_path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    rows = _raw_rows(out.self_path, "utf-16")
    assert rows[0][:10] == [f"V{k}" for k in range(1, 11)]
    assert rows[1][:10] == ["ResponseID", "ResponseSet", "Name", "ExternalDataReference",
                            "EmailAddress", "IPAddress", "Status", "StartDate", "EndDate",
                            "Finished"]
    assert rows[0][10:14] == ["Q_role", "Q_region", "Q_bu", "Q_tenure"]
    assert rows[0][14] == "Q3_1" and rows[0][25] == "Q4_1"
    data = rows[2:]
    assert {r[6] for r in data} == {"0", "1"} and {r[9] for r in data} == {"0", "1"}
    codes = {r[i] for r in data for i in range(14, 36)}
    assert codes <= {"", "1", "2", "3", "4", "5", "7", "Advnaced"}
    named = [r for r in data if r[6] == "0"]
    assert all(", " in r[2] for r in named)  # Name is "Last, First"
    assert rows[0][-2:] == ["Q4_11", "Q_comment"]


def test_surveymonkey_header_rows(exports):
    out = exports["surveymonkey_csv"]
    assert out.encoding == "cp1252"
    rows = _raw_rows(out.self_path, "cp1252")
    top, sub = rows[0], rows[1]
    assert top[:9] == ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                       "Email Address", "First Name", "Last Name", "Custom Data 1"]
    assert sub[:9] == [""] * 9
    assert sub[9:13] == ["Response"] * 4
    start = top.index("How proficient are you today in each of the following?")
    assert top[start + 1:start + 11] == [""] * 10  # blanks continue the matrix question
    assert sub[start:start + 2] == ["Customer engagement", "Stakeholder mapping"]
    assert top[start + 11] == "How important is each of the following to success in your role?"
    assert sub[-1] == "Open-Ended Response"
    first = rows[2]
    dt.datetime.strptime(first[3], "%m/%d/%Y %I:%M:%S %p")
    manager = _raw_rows(out.manager_path, "cp1252")
    by_name = dict(zip(manager[0], zip(*manager[2:], strict=True), strict=False))
    assert all(v.endswith("@demobio.example") for v in by_name["Custom Data 1"])
    xlsx = _raw_rows(exports["surveymonkey_xlsx"].self_path, None)
    assert xlsx[0][start + 1] is None and xlsx[1][start] == "Customer engagement"
    assert isinstance(xlsx[2][0], int)


def test_msforms_and_tidy_headers(exports):
    forms = _raw_rows(exports["msforms"].self_path, None)
    assert forms[0][:6] == ["ID", "Start time", "Completion time", "Email", "Name",
                            "Last modified time"]
    assert "Account planning - how proficient are you?" in forms[0]
    assert "Account planning - how important is it in your role?" in forms[0]
    assert isinstance(forms[1][1], dt.datetime) and forms[1][0] == 1
    assert [r[0] for r in forms[1:]] == list(range(1, len(forms)))
    manager = _raw_rows(exports["msforms"].manager_path, None)
    assert "Account planning - how proficient is this employee?" in manager[0]

    tidy = _raw_rows(exports["tidy_csv"].self_path, "utf-8")
    assert tidy[0][:10] == ["respondent_id", "email", "first_name", "last_name",
                            "submitted_at", "duration_seconds", "role", "region",
                            "business_unit", "tenure"]
    assert tidy[0][10] == "customer_engagement_prof_self"
    dt.datetime.fromisoformat(tidy[1][4])
    tidy_mgr = _raw_rows(exports["tidy_xlsx"].manager_path, None)
    assert tidy_mgr[0][:6] == ["respondent_id", "manager_email", "employee_email", "role",
                               "submitted_at", "duration_seconds"]
    assert tidy_mgr[0][6] == "customer_engagement_prof_mgr"
    assert isinstance(tidy_mgr[1][4], dt.datetime) and isinstance(tidy_mgr[1][6], int)


# -- content --------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("which", ["self", "manager"])
def test_expected_counts_match_the_rows_written(exports, layout, which):
    out = exports[layout]
    expected = out.expected[which]
    assert isinstance(expected, ExpectedCounts)
    kept, excluded, read = _read(out, which)
    assert read == expected.rows_read
    assert len(kept) == expected.rows_kept == N
    assert excluded == expected.excluded
    assert expected.rows_read == expected.rows_kept + sum(expected.excluded.values())
    qualtrics = layout.startswith("qualtrics")
    assert expected.excluded["survey preview"] == (2 if qualtrics else 0)
    assert (expected.excluded["partial response"] > 0) == qualtrics
    assert expected.excluded["duplicate respondent"] == round(0.02 * N)
    assert expected.excluded["unmapped answer"] == 2
    assert expected.excluded["missing role"] == 2
    assert set(kept.index) == set(out.population.employees["employee_key"])


def test_clean_rows_identical_across_layouts(exports):
    for which in ("self", "manager"):
        reference, _, _ = _read(exports["qualtrics"], which)
        for layout in LAYOUTS[1:]:
            kept, _, _ = _read(exports[layout], which)
            pd.testing.assert_frame_equal(kept, reference, obj=f"{layout} {which}")
    emp = exports["qualtrics"].population.employees.set_index("employee_key")
    kept, _, _ = _read(exports["tidy_csv"], "self")
    assert (kept["role"] == emp.loc[kept.index, "role_name"]).all()


def test_same_seed_same_files_other_seed_other_answers(tmp_path):
    for layout in ("qualtrics", "surveymonkey_csv", "tidy_xlsx"):
        a = write_survey_exports(tmp_path / "a" / layout, layout=layout, n_employees=40, seed=11)
        b = write_survey_exports(tmp_path / "b" / layout, layout=layout, n_employees=40, seed=11)
        if a.encoding:
            assert a.self_path.read_bytes() == b.self_path.read_bytes()
            assert a.manager_path.read_bytes() == b.manager_path.read_bytes()
        else:
            assert _raw_rows(a.self_path, None) == _raw_rows(b.self_path, None)
        assert a.self_codebook.read_text() == b.self_codebook.read_text()
        assert a.expected == b.expected
    c = write_survey_exports(tmp_path / "c", layout="qualtrics", n_employees=40, seed=12)
    assert c.self_path.read_bytes() != (tmp_path / "a" / "qualtrics" / "self.csv").read_bytes()


def test_anomalies_are_extra_rows(tmp_path):
    clean = write_survey_exports(tmp_path / "clean", layout="qualtrics", n_employees=50,
                                 seed=2, anomalies=False)
    dirty = write_survey_exports(tmp_path / "dirty", layout="qualtrics", n_employees=50, seed=2)
    for which in ("self", "manager"):
        expected = clean.expected[which]
        assert expected.rows_read == expected.rows_kept == 50
        assert set(expected.excluded.values()) == {0}
        a, excluded, read = _read(clean, which)
        assert read == 50 and set(excluded.values()) == {0}
        b, _, _ = _read(dirty, which)
        pd.testing.assert_frame_equal(a, b)


def test_capability_subset_gets_the_same_answers(tmp_path, exports):
    caps = ["account_planning", "compliance"]
    out = write_survey_exports(tmp_path, layout="tidy_csv", n_employees=N, seed=7,
                               capabilities=caps)
    book = read_codebook(out.self_codebook)
    assert [i.item for i in book.items] == ["account_planning_prof_self",
                                            "compliance_prof_self",
                                            "account_planning_imp_self",
                                            "compliance_imp_self"]
    full, _, _ = _read(exports["tidy_csv"], "manager")
    subset, _, _ = _read(out, "manager")
    pd.testing.assert_frame_equal(subset, full[subset.columns])
    imp_full, _, _ = _read(exports["tidy_csv"], "self")
    imp_subset, _, _ = _read(out, "self")
    cols = ["account_planning_imp_self", "compliance_imp_self"]
    pd.testing.assert_frame_equal(imp_subset[cols], imp_full[cols])


def test_self_ratings_above_manager_ratings(exports):
    own, _, _ = _read(exports["tidy_csv"], "self")
    mgr, _, _ = _read(exports["tidy_csv"], "manager")
    caps = [c[: -len("_prof_mgr")] for c in mgr.columns if c.endswith("_prof_mgr")]
    self_mean = own[[f"{c}_prof_self" for c in caps]].to_numpy().mean()
    mgr_mean = mgr[[f"{c}_prof_mgr" for c in caps]].to_numpy().mean()
    assert 0.1 < self_mean - mgr_mean < 0.5
    # skewed, not uniform: every level used, not all equally
    counts = np.bincount(own[[f"{c}_prof_self" for c in caps]].to_numpy().astype(int).ravel())
    assert (counts[1:] > 0).all() and counts[1:].max() > 1.5 * counts[1:].min()


def test_flags_speeders_and_straight_liners(exports):
    out = exports["qualtrics"]
    table = _table(out.self_path, "qualtrics", out.encoding)
    table = table[(table["Status"] == "IP Address") & (table["Finished"] == "True")]
    table = table.drop_duplicates("RecipientEmail", keep="last")
    kept, _, _ = _read(out, "self")
    table = table.set_index("RecipientEmail").loc[kept.index]
    speeding = (table["Duration (in seconds)"].astype(int) < 60).sum()
    assert speeding == out.expected["self"].flagged["speeding"] == round(0.03 * N)
    prof = kept[[c for c in kept.columns if c.endswith("_prof_self")]]
    straight = (prof.nunique(axis=1) == 1).sum()
    assert straight >= out.expected["self"].flagged["straight-lining"] == round(0.03 * N)


# -- encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", CSV_LAYOUTS)
def test_default_encodings_keep_accented_names(exports, layout):
    out = exports[layout]
    raw = out.self_path.read_bytes()
    boms = {"qualtrics": b"\xef\xbb\xbf", "qualtrics_legacy": b"\xff\xfe"}
    if layout in boms:
        assert raw.startswith(boms[layout])
    else:
        assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode(out.encoding)
    for name in ACCENTED:
        assert name in text
    assert "jose.garcia@demobio.example" in text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encoding_override(tmp_path, encoding):
    out = write_survey_exports(tmp_path, layout="surveymonkey_csv", n_employees=30, seed=4,
                               encoding=encoding)
    assert out.encoding == encoding
    raw = out.self_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    if encoding == "cp1252":
        assert "José".encode("cp1252") in raw
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    rows = _raw_rows(out.self_path, encoding)
    firsts = {r[6] for r in rows[2:]}
    assert {"José", "Zoë", "François"} <= firsts
    assert "Müller" in {r[7] for r in rows[2:]}


def test_xlsx_layouts_keep_accented_names(exports):
    for layout in ("surveymonkey_xlsx", "msforms", "tidy_xlsx"):
        cells = {c for row in _raw_rows(exports[layout].self_path, None) for c in row}
        if layout == "msforms":
            assert {"José García", "Zoë Müller", "François Lefèvre"} <= cells
        else:
            assert {"José", "Zoë", "François", "Müller"} <= cells


def test_encoding_that_cannot_hold_the_text(tmp_path):
    with pytest.raises(ParameterError, match="'encoding' parameter"):
        write_survey_exports(tmp_path, layout="tidy_csv", n_employees=20, encoding="ascii")


# -- parameters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"layout": "spss"}, "layout"),
    ({"n_employees": 0}, "n_employees"),
    ({"n_employees": 2.5}, "n_employees"),
    ({"seed": -1}, "seed"),
    ({"capabilities": ["no_such_capability"]}, "capabilities"),
    ({"capabilities": []}, "capabilities"),
    ({"capabilities": "account_planning"}, "capabilities"),
    ({"layout": "msforms", "encoding": "utf-8"}, "encoding"),
    ({"encoding": "no-such-codec"}, "encoding"),
    ({"model": "no-such-starter"}, "model"),
    ({"anomalies": "yes"}, "anomalies"),
])
def test_bad_parameters(tmp_path, kwargs, name):
    with pytest.raises(ParameterError, match=f"The '{name}' parameter of write_survey_exports"):
        write_survey_exports(tmp_path, **kwargs)
    assert not list(tmp_path.iterdir())


def test_bad_population_parameters():
    with pytest.raises(ParameterError, match="'n_employees' parameter of make_population"):
        make_population(0)
    with pytest.raises(ParameterError, match="'model' parameter of make_population"):
        make_population(10, model=42)


def test_tiny_population(tmp_path):
    out = write_survey_exports(tmp_path, layout="qualtrics", n_employees=1, seed=0)
    kept, excluded, read = _read(out, "manager")
    assert len(kept) == 1 and read == out.expected["manager"].rows_read
    assert excluded == out.expected["manager"].excluded


# -- scale --------------------------------------------------------------------------------------


def test_twenty_thousand_employees_thirty_capabilities(tmp_path):
    caps = [f"capability_{k:02d}" for k in range(30)]
    rows = [{"role": role, "role_name": role.replace("_", " ").title(), "capability": cap,
             "required_level": 1 + (k + i) % 4, "weight": 1 + (k * (i + 1)) % 3,
             "domain": f"domain_{k % 5}"}
            for i, role in enumerate(["field_rep", "account_lead", "team_coach"])
            for k, cap in enumerate(caps) if (k + i) % 3]
    rows.append({"role": "team_coach", "role_name": "Team Coach", "capability": "coaching",
                 "required_level": 4, "weight": 3, "domain": "domain_0"})
    model = CapabilityModel.from_requirements(pd.DataFrame(rows), id="big", name="Big model")
    out = write_survey_exports(tmp_path, layout="qualtrics", n_employees=20_000, seed=1,
                               model=model, capabilities=caps)
    book = read_codebook(out.self_codebook)
    assert len(book.items) == 60
    with open(out.self_path, encoding="utf-8-sig", newline="") as fh:
        n_rows = sum(1 for _ in csv.reader(fh)) - 3
    assert n_rows == out.expected["self"].rows_read == 20_000 + sum(
        out.expected["self"].excluded.values())
    assert len(out.population.truth) == 20_000 * 31
