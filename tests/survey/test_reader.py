"""read_survey on small hand-written exports: layouts, encodings, exclusions, pseudonyms."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ldkit.codebook import Codebook
from ldkit.errors import InputError, ParameterError, UnsupportedFormatError, ValidationError
from ldkit.survey import EXCLUSION_REASONS, pseudonymize, read_survey

SECRET = "test-secret"

DATA = Path(__file__).parents[1] / "data"
QUALTRICS = (DATA / "qualtrics_self.csv").read_text(encoding="utf-8")

CODEBOOK = {
    "respondent": {"id": "ResponseId", "identifiers": ["RecipientEmail", "RecipientFirstName"],
                   "person": "RecipientEmail", "attributes": {"role": "Q_role",
                                                               "region": "Q_region"}},
    "scales": {
        "p4": {"Foundational": 1, "Intermediate": 2, "Advanced": 3, "Expert": 4,
               "Not applicable": None},
        "i5": {"Not important": 1, "Slightly important": 2, "Moderately important": 3,
               "Very important": 4, "Extremely important": 5},
    },
    "items": [
        {"column": "QID3_1", "item": "ap_self", "capability": "account_planning",
         "dimension": "proficiency", "rater": "self", "scale": "p4"},
        # by question text, as a consultant might copy it from the second header row
        {"column": "How proficient are you - Compliance", "item": "co_self",
         "capability": "compliance", "dimension": "proficiency", "rater": "self", "scale": "p4"},
        {"column": "QID4_1", "item": "ap_imp", "capability": "account_planning",
         "dimension": "importance", "rater": "self", "scale": "i5"},
    ],
}


@pytest.fixture
def codebook() -> Codebook:
    return Codebook.from_dict(CODEBOOK)


def write(tmp_path, text, name="export.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_qualtrics_rows_are_accounted_for(tmp_path, codebook):
    data = read_survey(write(tmp_path, QUALTRICS), codebook, secret=SECRET)
    assert data.source == "qualtrics"
    # row 9 answers 'Advnced' (off the scale): that answer is left out, the row is kept
    assert data.rows_read == 7 and data.rows_kept == 3
    assert data.rows_read == data.rows_kept + data.rows_excluded
    got = {(r, c): why for r, c, why in zip(data.excluded["source_row"], data.excluded["column"],
                                            data.excluded["reason"], strict=True)}
    assert got == {(5, ""): "survey preview", (6, ""): "partial response",
                   (7, ""): "duplicate respondent", (8, ""): "missing role",
                   (9, "QID3_1"): "unmapped answer"}
    assert data.excluded.loc[data.excluded.reason == "duplicate respondent", "detail"].item() == (
        "a later response of the same person is kept (row 4)")
    assert "answer 'Advnced' in column 'QID3_1'" in data.excluded.loc[
        data.excluded.reason == "unmapped answer", "detail"].item()
    counts = dict(data.counts().itertuples(index=False))
    assert counts["rows read"] == 7 and counts["excluded: survey preview"] == 1
    assert counts["answers excluded: unmapped answer"] == 1
    assert "excluded: unmapped answer" not in counts
    assert list(data.excluded["reason"].cat.categories) == list(EXCLUSION_REASONS)
    di = data.respondents.loc[data.respondents["source_row"] == 9, "respondent_id"].item()
    assert sorted(data.responses.loc[data.responses["respondent_id"] == di, "item"]) == [
        "ap_imp", "co_self"]  # ap_self dropped, the other two kept


def test_values_labels_and_codes(tmp_path, codebook):
    data = read_survey(write(tmp_path, QUALTRICS), codebook, secret=SECRET)
    wide = data.responses.pivot_table(index="person_id", columns="item", values="value",
                                      observed=True)
    ana = pseudonymize(pd.Series(["ana@x.example"]), SECRET.encode())[0]
    ed = pseudonymize(pd.Series(["ed@x.example"]), SECRET.encode())[0]
    assert wide.loc[ana].to_dict() == {"ap_self": 3.0, "co_self": 4.0, "ap_imp": 4.0}
    assert wide.loc[ed].to_dict() == {"ap_self": 2.0, "co_self": 4.0, "ap_imp": 3.0}  # codes
    assert list(data.responses.columns) == ["respondent_id", "person_id", "item", "capability",
                                            "dimension", "rater", "value"]


def test_no_name_or_email_in_any_output(tmp_path, codebook):
    data = read_survey(write(tmp_path, QUALTRICS), codebook, secret=SECRET)
    for table in (data.responses, data.respondents, data.excluded):
        text = table.astype(str).to_csv()
        for secret_text in ("ana@", "ANA@", "Ana", "José", "ed@x", "R_1", "R_7"):
            assert secret_text not in text
    assert list(data.respondents.columns) == ["respondent_id", "person_id", "role", "region",
                                              "submitted_at", "duration_seconds", "source_row"]


def test_pseudonyms_are_stable_and_keyed():
    s = pd.Series(["Ana@X.example ", "ana@x.example", "bo@x.example", None, ""])
    a = pseudonymize(s, b"k1")
    assert a[0] == a[1] != a[2]
    assert pd.isna(a[3]) and pd.isna(a[4])
    assert pseudonymize(s, b"k2")[0] != a[0]  # another engagement, another id


def test_keep_partial(tmp_path, codebook):
    data = read_survey(write(tmp_path, QUALTRICS), codebook, secret=SECRET, keep_partial=True)
    assert data.rows_kept == 4
    assert "partial response" not in set(data.excluded["reason"])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings(tmp_path, codebook, encoding):
    text = QUALTRICS.replace("Bo,", "Zoë,")
    data = read_survey(write(tmp_path, text, encoding=encoding), codebook, secret=SECRET)
    assert data.rows_kept == 3
    assert data.encoding in {"utf-8", "utf-8-sig", "utf-16", "cp1252"}


LEGACY = (DATA / "qualtrics_legacy_self.csv").read_text(encoding="utf-8")


def test_legacy_two_row_layout(tmp_path):
    cb = {**CODEBOOK, "respondent": {"id": "ResponseID", "identifiers": ["Name", "EmailAddress"],
                                     "person": "EmailAddress",
                                     "attributes": {"role": "Q2", "region": "Region"}}}
    cb["items"] = [{**i, "column": c} for i, c in zip(
        CODEBOOK["items"], ["Q3_1", "How proficient are you - Compliance", "Q4_1"], strict=True)]
    data = read_survey(write(tmp_path, LEGACY, encoding="utf-16"), Codebook.from_dict(cb),
                       secret=SECRET)
    assert data.source == "qualtrics_legacy"
    assert data.rows_kept == 2
    assert data.excluded["reason"].tolist() == ["survey preview"]
    assert sorted(data.responses["value"].tolist()) == [2, 3, 3, 4, 4, 4]


SURVEYMONKEY = (DATA / "surveymonkey_self.csv").read_text(encoding="utf-8")


def test_surveymonkey_question_text_continues_across_subcolumns(tmp_path):
    cb = {**CODEBOOK, "respondent": {"id": "Respondent ID",
                                     "identifiers": ["Email Address", "First Name", "Last Name"],
                                     "person": "Email Address",
                                     "attributes": {"role": "What is your role?"}}}
    cb["items"] = [{**i, "column": c} for i, c in zip(CODEBOOK["items"], [
        "How proficient are you? - Account planning", "How proficient are you? - Compliance",
        "How important is it? - Account planning"], strict=True)]
    data = read_survey(write(tmp_path, SURVEYMONKEY, encoding="cp1252"),
                       Codebook.from_dict(cb), secret=SECRET)
    assert data.source == "surveymonkey"
    assert data.rows_kept == 2
    assert data.respondents["duration_seconds"].tolist() == [600.0, 600.0]
    assert sorted(data.responses["value"].tolist()) == [2, 3, 3, 4, 4, 4]


def test_msforms_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
               "What is your role?", "Account planning", "Compliance", "Importance"])
    ws.append([1, "1/5/26 10:00:00", "1/5/26 10:09:00", "ana@x.example", "Ana", None,
               "Key Account Manager", "Advanced", "Expert", "Very important"])
    ws.append([2, "1/5/26 10:00:00", "1/5/26 10:00:20", "ed@x.example", "José", None,
               "Sales Representative", 2, 4, 3])
    path = tmp_path / "forms.xlsx"
    wb.save(path)
    cb = {**CODEBOOK, "respondent": {"id": "ID", "identifiers": ["Email", "Name"],
                                     "person": "Email",
                                     "attributes": {"role": "What is your role?"}}}
    cb["items"] = [{**i, "column": c} for i, c in zip(
        CODEBOOK["items"], ["Account planning", "Compliance", "Importance"], strict=True)]
    data = read_survey(path, Codebook.from_dict(cb), secret=SECRET)
    assert data.source == "msforms"
    assert data.respondents["duration_seconds"].tolist() == [540.0, 20.0]
    assert sorted(data.responses["value"].tolist()) == [2, 3, 3, 4, 4, 4]


def test_reverse_scored_item(tmp_path, codebook):
    cb = Codebook.from_dict({**CODEBOOK, "items": [{**CODEBOOK["items"][0], "reverse": True}]})
    data = read_survey(write(tmp_path, QUALTRICS), cb, secret=SECRET)
    assert sorted(data.responses["value"].tolist()) == [2.0, 3.0]  # 3 -> 2, 2 -> 3 on 1..4


def test_not_applicable_is_no_answer(tmp_path, codebook):
    text = QUALTRICS.replace("Sales Representative,APAC,2,4,3",
                             "Sales Representative,APAC,Not applicable,4,3")
    data = read_survey(write(tmp_path, text), codebook, secret=SECRET)
    assert data.rows_kept == 3
    assert len(data.responses) == 7  # 3 + 2 (no answer for 'Not applicable') + 2 (Di)


def test_missing_codebook_column_names_file_and_column(tmp_path, codebook):
    cb = Codebook.from_dict({**CODEBOOK, "items": [{**CODEBOOK["items"][0],
                                                    "column": "QID3_9"}]})
    with pytest.raises(ValidationError) as info:
        read_survey(write(tmp_path, QUALTRICS), cb, secret=SECRET)
    p = info.value.problems[0]
    assert (p.location.file, p.location.row, p.location.column) == (
        str(tmp_path / "export.csv"), 1, "QID3_9")
    assert "names column 'QID3_9', which is not in the export (qualtrics layout)" in p.message
    assert p.hint == "did you mean 'QID3_2', 'QID3_1', 'QID4_1'?"  # difflib's order


def test_label_missing_from_scale_in_many_rows_is_an_error(tmp_path, codebook):
    rows = QUALTRICS.splitlines()
    extra = [rows[9].replace("R_7", f"R_{i}").replace("ed@", f"p{i}@").replace(
        ",2,4,3", ",Proficient,4,3") for i in range(10, 16)]
    path = write(tmp_path, "\n".join(rows + extra) + "\n")
    with pytest.raises(ValidationError) as info:
        read_survey(path, codebook, secret=SECRET)
    p = info.value.problems[0]
    assert p.message == "answer 'Proficient' (6 rows) is not on scale 'p4' of item 'ap_self'"
    assert (p.location.row, p.location.column) == (11, "QID3_1")


def test_unknown_layout(tmp_path, codebook):
    path = write(tmp_path, "a,b,c\n1,2,3\n")
    with pytest.raises(InputError, match="is of an unknown layout"):
        read_survey(path, codebook, secret=SECRET)


@pytest.mark.parametrize(("name", "content", "error", "message"), [
    ("export.docx", "x", UnsupportedFormatError, "must be .csv or .xlsx"),
    ("export.csv", "", InputError, "is empty"),
    ("export.xlsx", "not a zip", UnsupportedFormatError, "cannot be opened"),
])
def test_bad_files(tmp_path, codebook, name, content, error, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(error, match=message):
        read_survey(path, codebook, secret=SECRET)


def test_bad_parameters(tmp_path, codebook):
    path = write(tmp_path, QUALTRICS)
    with pytest.raises(ParameterError, match="The 'source' parameter of read_survey"):
        read_survey(path, codebook, source="typeform")
    with pytest.raises(ParameterError, match="max_unmapped_share"):
        read_survey(path, codebook, max_unmapped_share=2)


def test_explicit_layout_and_secret_file(tmp_path, codebook, monkeypatch):
    monkeypatch.delenv("LDKIT_SECRET", raising=False)
    (tmp_path / ".ldkit-secret").write_text("engagement-secret\n")
    data = read_survey(write(tmp_path, QUALTRICS), codebook, source="qualtrics")
    expected = pseudonymize(pd.Series(["ana@x.example"]), b"engagement-secret")[0]
    assert expected in set(data.respondents["person_id"])


def test_raw_export_is_not_modified(tmp_path, codebook):
    path = write(tmp_path, QUALTRICS)
    before = path.read_bytes()
    read_survey(path, codebook, secret=SECRET)
    assert path.read_bytes() == before
