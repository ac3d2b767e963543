"""Survey exports as the vendors write them (fixtures in tests/data/surveys/).

Sources checked for each layout (see the README's survey section):
- Qualtrics response types: the Status value labels Qualtrics writes into its SPSS exports
  (0 IP Address, 1 Survey Preview, 2 Survey Test, 4 Imported, 8 Spam, 9 Survey Preview Spam,
  12 Imported Spam, 16 Offline, 17 Offline Survey Preview, 32 EX, 40 EX Spam, 48 EX Offline),
  and Qualtrics support, "Understanding Your Dataset" / "(360)": three header rows; Finished
  1/TRUE or 0/FALSE.
- Qualtrics 2016 header rows: public scripts that parse "{'ImportId': 'QID..'}" rows.
- SurveyMonkey: public exports and parsers with "Respondent ID,Collector ID,Start Date,End
  Date,IP Address,Email Address,First Name,Last Name,Custom Data 1" and the older
  "RespondentID,CollectorID,StartDate,EndDate,IP Address,Email Address,First Name,LastName,
  Custom Data"; the condensed format's blank second row.
- Microsoft Forms quiz: "ID, Start time, Completion time, Email, Name, Total points, Quiz
  feedback, Grade posted time" and "Points - <q>", "Feedback - <q>" per question.
- Google Forms: "Timestamp","Email Address" with every field quoted; grid questions as
  "Question [Row]"; the Forms API's totalScore (the Score column of quizzes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ldkit.codebook import Codebook, read_codebook
from ldkit.errors import InputError, ValidationError
from ldkit.survey import pseudonymize, read_survey
from ldkit.survey.layouts import RESPONSE_TYPES, read_export, response_type_reason
from ldkit.survey.roster import response_rates

DATA = Path(__file__).parents[1] / "data" / "surveys"
SECRET = "vendor-layouts"
SCALES = {
    "p4": {"Foundational": 1, "Intermediate": 2, "Advanced": 3, "Expert": 4,
           "Not applicable": None},
    "i5": {"Not important": 1, "Slightly important": 2, "Moderately important": 3,
           "Very important": 4, "Extremely important": 5},
}


def codebook(id_col, items, *, person=None, attributes=None, **extra) -> Codebook:
    cols = dict(zip(("ap_self", "co_self", "ap_imp"), items, strict=True))
    return Codebook.from_dict({
        "respondent": {"id": id_col, "person": person or id_col,
                       "attributes": attributes or {}},
        "scales": SCALES,
        "items": [
            {"column": cols["ap_self"], "item": "ap_self", "capability": "account_planning",
             "scale": "p4"},
            {"column": cols["co_self"], "item": "co_self", "capability": "compliance",
             "scale": "p4"},
            {"column": cols["ap_imp"], "item": "ap_imp", "capability": "account_planning",
             "dimension": "importance", "scale": "i5"},
        ],
        **extra,
    })


def pid(*emails: str) -> set[str]:
    return set(pseudonymize(pd.Series(list(emails)), SECRET.encode()))


def whole_rows(data) -> dict[int, str]:
    ex = data.excluded[data.excluded["column"] == ""]
    return dict(zip(ex["source_row"], ex["reason"].astype(str), strict=True))


# ------------------------------------------------------------------ bytes on disk
def test_fixtures_are_written_as_the_vendors_write_them():
    sm = (DATA / "surveymonkey_expanded.csv").read_bytes()
    assert sm.startswith(b"\xef\xbb\xbfRespondent ID,Collector ID,") and b"\r\n" in sm
    assert b'"Two lines:\r\nfirst, then second"' in sm  # CRLF inside a quoted field
    legacy = (DATA / "surveymonkey_legacy_cp1252.csv").read_bytes()
    assert legacy.startswith(b"RespondentID,StartDate") and b"Jos\xe9" in legacy
    with pytest.raises(UnicodeDecodeError):
        legacy.decode("utf-8")
    q16 = (DATA / "qualtrics_2016.csv").read_text(encoding="utf-8")
    assert "{'ImportId': 'QID2-1'}" in q16
    assert (DATA / "qualtrics_numeric.csv").read_bytes().startswith(b"\xef\xbb\xbfStartDate,")
    g = (DATA / "googleforms_grid.csv").read_bytes()
    assert g.startswith(b'"Timestamp","Email Address",') and b"\r\n" not in g
    assert b"Chlo\xe9" in (DATA / "roster.csv").read_bytes()


# ------------------------------------------------------------------ SurveyMonkey
SM_ITEMS = ("How proficient are you in each? - Account planning",
            "How proficient are you in each? - Compliance",
            "How important is it? - Account planning")


@pytest.mark.parametrize("name", ["surveymonkey_expanded.csv", "surveymonkey_expanded.xlsx"])
def test_surveymonkey_second_header_row_is_never_a_respondent(name):
    cb = codebook("Respondent ID", SM_ITEMS, person="Email Address",
                  attributes={"role": "What is your role?"})
    data = read_survey(DATA / name, cb, secret=SECRET)
    assert data.source == "surveymonkey"
    assert data.rows_read == 9  # nine responses; the 'Response' row is a header
    assert "missing respondent id" not in set(data.excluded["reason"])
    # Gus answered 1 of 3 ratings: partial by the default rule (SurveyMonkey has no Finished)
    assert whole_rows(data) == {9: "partial response"}
    assert data.rows_kept == 8
    # 'Expret' is off the scale: that answer goes, Fay stays
    answers = data.excluded[data.excluded["column"] != ""]
    assert answers[["source_row", "column"]].values.tolist() == [
        [8, "How proficient are you in each? - Compliance"]]


def test_surveymonkey_legacy_respondentid_without_collector_cp1252():
    cb = codebook("Respondent ID",  # the codebook may say 'Respondent ID': it meets RespondentID
                  ("How proficient are you in each?", "How proficient are you in each?.1",
                   "How important is it?"),
                  person="Email Address", attributes={"role": "What is your role?"})
    data = read_survey(DATA / "surveymonkey_legacy_cp1252.csv", cb, secret=SECRET)
    assert (data.source, data.encoding) == ("surveymonkey", "cp1252")
    assert data.rows_read == 3 and data.rows_kept == 2
    assert whole_rows(data) == {5: "partial response"}  # Max answered no rating
    assert set(data.respondents["person_id"]) == pid("jose@client.example", "zoe@client.example")
    assert data.respondents["duration_seconds"].tolist() == [480.0, 540.0]


def test_unknown_layout_lists_what_each_layout_lacked_and_suggests_source(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Name,Score\nAna,3\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_survey(path, codebook("Respondent ID", SM_ITEMS), secret=SECRET)
    text = str(info.value)
    for piece in ("Qualtrics (no ResponseId/StartDate with Finished/Status columns)",
                  "SurveyMonkey (no Respondent ID/RespondentID column)",
                  "Microsoft Forms (no ID, Start time, Completion time columns)",
                  "Google Forms (no Timestamp first column)", "--source"):
        assert piece in text


# ------------------------------------------------------------------ Qualtrics
Q_ITEMS = ("QID2_1", "QID2_2", "QID3_1")


def test_response_type_codes_as_qualtrics_documents_them():
    # every documented type, by label and by code, gives the same decision
    for code, (label, reason) in RESPONSE_TYPES.items():
        assert response_type_reason(str(code)) == (True, reason), code
        assert response_type_reason(label) == (True, reason), label
    assert [c for c, (_, r) in RESPONSE_TYPES.items() if r is None] == [0, 4, 16, 32, 36, 48]
    assert response_type_reason("3") == (True, "survey preview")  # preview + test
    assert response_type_reason("64") == (False, None)  # not a documented flag
    assert response_type_reason("1.5") == (False, None)


@pytest.mark.parametrize("name", ["qualtrics_choice_text.csv", "qualtrics_numeric.csv"])
def test_qualtrics_status_channel_and_finished(name):
    cb = codebook("ResponseId", Q_ITEMS, person="RecipientEmail", attributes={"role": "Q1"},
                  roles={"1": "key_account_manager", "2": "sales_representative",
                         "Key Account Manager": "key_account_manager",
                         "Sales Representative": "sales_representative"})
    data = read_survey(DATA / name, cb, secret=SECRET)
    assert data.source == "qualtrics" and data.encoding == "utf-8-sig"
    assert data.rows_read == 12
    assert whole_rows(data) == {
        5: "survey preview",  # Status Survey Preview / 1
        6: "survey test",  # Status Survey Test / 2
        7: "spam",  # Spam / 8
        10: "partial response",  # Finished False / 0
        11: "survey preview",  # Survey Preview Spam / 9
        12: "spam",  # Imported Spam / 12
        13: "survey preview",  # Offline Survey Preview / 17
        14: "survey preview",  # IP Address, but DistributionChannel preview
    }
    detail = data.excluded.set_index("source_row")["detail"]
    assert detail[14] == "DistributionChannel = preview"
    # normal, imported and offline responses are kept
    assert set(data.respondents["person_id"]) == pid(
        "ana@client.example", "ben@client.example", "cy@client.example", "ed@client.example")
    assert sorted(data.respondents["role"]) == ["key_account_manager", "key_account_manager",
                                                "sales_representative", "sales_representative"]


def test_choice_text_and_numeric_exports_give_the_same_ratings():
    tables = []
    for name in ("qualtrics_choice_text.csv", "qualtrics_numeric.csv"):
        cb = codebook("ResponseId", Q_ITEMS, person="RecipientEmail")
        r = read_survey(DATA / name, cb, secret=SECRET).responses
        tables.append(r.astype({"person_id": str, "item": str})[["person_id", "item", "value"]]
                      .sort_values(["person_id", "item"]).reset_index(drop=True))
    pd.testing.assert_frame_equal(tables[0], tables[1])
    assert len(tables[0]) == 12  # 4 kept people x 3 items


def test_unknown_response_type_is_an_error(tmp_path):
    text = (DATA / "qualtrics_numeric.csv").read_bytes().replace(
        b",0,10.1.0.11,", b",64,10.1.0.11,")
    path = tmp_path / "q.csv"
    path.write_bytes(text)
    with pytest.raises(ValidationError) as info:
        read_survey(path, codebook("ResponseId", Q_ITEMS), secret=SECRET)
    p = info.value.problems[0]
    assert "response type '64'" in p.message and p.location.row == 15
    assert p.location.column == "Status"


def test_qualtrics_2016_single_quoted_import_ids():
    # items named by the 2016 ImportId (QID2-1), by its modern spelling, and by field id
    cb = codebook("ResponseId", ("QID2-1", "QID2_2", "Q3_1"), person="RecipientEmail",
                  attributes={"role": "Q1"})
    data = read_survey(DATA / "qualtrics_2016.csv", cb, secret=SECRET)
    assert data.source == "qualtrics"
    assert data.rows_read == 4  # the {'ImportId': ...} row is a header, not a response
    assert whole_rows(data) == {5: "survey preview", 7: "partial response"}
    assert set(data.respondents["person_id"]) == pid("ana@client.example", "ed@client.example")
    wide = data.wide()
    assert sorted(wide.to_numpy().ravel().tolist()) == [2.0, 2.0, 3.0, 4.0]


# ------------------------------------------------------------------ Microsoft Forms
MS_ITEMS = ("Account planning", "Compliance", "Importance of account planning")


def test_msforms_quiz_points_and_feedback_are_ignored():
    raw = read_export(DATA / "msforms_quiz.xlsx")
    assert raw.layout == "msforms"
    assert "Points - Account planning" in raw.ignored and "Total points" in raw.ignored
    assert not [c for c in raw.frame.columns if c.startswith(("Points", "Feedback"))]
    cb = codebook("ID", MS_ITEMS, person="Email", attributes={"role": "What is your role?"})
    data = read_survey(DATA / "msforms_quiz.xlsx", cb, secret=SECRET)
    assert data.rows_kept == 3 and len(data.excluded) == 0
    assert data.respondents["duration_seconds"].tolist() == [420.0] * 3
    # Ana 3, 4, 4; Ed 2, 3, 3; Di 1, 2, 2 (labels on p4 and i5)
    assert sorted(data.responses["value"]) == [1, 2, 2, 2, 3, 3, 3, 4, 4]


def test_msforms_survey_anonymous_with_partial():
    cb = codebook("Id", MS_ITEMS)
    data = read_survey(DATA / "msforms_survey.xlsx", cb, secret=SECRET)
    assert data.source == "msforms"
    assert data.rows_kept == 2 and whole_rows(data) == {4: "partial response"}
    assert "1 of 3 rating items answered" in data.excluded["detail"].item()


# ------------------------------------------------------------------ Google Forms
G_ITEMS = ("How proficient are you in each? [Account planning]",
           "How proficient are you in each? [Compliance]",
           "How important is it? [Account planning]")


def test_google_forms_grid_csv():
    cb = codebook("Email Address", G_ITEMS, attributes={"role": "What is your role?"})
    data = read_survey(DATA / "googleforms_grid.csv", cb, secret=SECRET)
    assert data.source == "googleforms"
    assert data.rows_read == 3  # the quoted newline does not make a row
    assert data.rows_kept == 2 and whole_rows(data) == {4: "partial response"}
    assert data.respondents["submitted_at"].tolist() == [
        pd.Timestamp("2026-04-06 09:12:03"), pd.Timestamp("2026-04-06 10:40:51")]
    assert set(data.respondents["person_id"]) == pid("ana@client.example", "ed@client.example")


def test_google_forms_quiz_score_is_ignored():
    raw = read_export(DATA / "googleforms_quiz.csv")
    assert raw.layout == "googleforms" and raw.ignored == ("Score",)
    cb = codebook("Email address", G_ITEMS, attributes={"role": "What is your role?"})
    data = read_survey(DATA / "googleforms_quiz.csv", cb, secret=SECRET)
    assert data.rows_kept == 2
    assert data.respondents["submitted_at"].tolist() == [
        pd.Timestamp("2026-04-07 09:12:03"), pd.Timestamp("2026-04-07 11:00:00")]


# ------------------------------------------------------- the new user's SurveyMonkey file
@pytest.mark.parametrize("roster", ["roster.csv", "roster.xlsx"])
def test_new_users_surveymonkey_export_with_test_partial_and_roster(tmp_path, roster):
    """Exactly the right people are analysed; every other row and person is accounted for."""
    cb = read_codebook(DATA / "codebook_surveymonkey_roster.yaml")
    if roster == "roster.xlsx":
        data_dict = cb.to_dict()
        data_dict["roster"]["file"] = str(DATA / "roster.xlsx")
        cb = Codebook.from_dict(data_dict, file=cb.file)
    data = read_survey(DATA / "surveymonkey_expanded.csv", cb, secret=SECRET)

    # recomputed by hand from the fixture: rows 3..11 are Ana..Hal in file order
    assert data.rows_read == 9
    assert whole_rows(data) == {9: "partial response",  # Gus: 1 of 3 ratings
                                10: "excluded by codebook",  # the consultant's test
                                11: "not on roster"}  # Hal
    assert data.excluded.set_index("source_row").loc[10, "detail"] == (
        "consultant's test response")
    analysed = ["ana", "ben", "chloe", "dev", "eli", "fay"]
    assert set(data.respondents["person_id"]) == pid(*(f"{p}@client.example" for p in analysed))
    assert data.rows_kept == 6 == data.rows_read - data.rows_excluded
    # roles from the roster (not from the survey's 'KAM' / 'Sales Rep' answers), mapped
    people = data.respondents.set_index("person_id")
    role = {p: people.loc[next(iter(pid(f"{p}@client.example"))), "role"] for p in analysed}
    assert role == {"ana": "key_account_manager", "ben": "key_account_manager",
                    "chloe": "sales_representative", "dev": "sales_representative",
                    "eli": "key_account_manager", "fay": "sales_representative"}
    # the manager's e-mail is pseudonymized, as the manager's own person id would be
    mia, nils = (next(iter(pid(e))) for e in ("mia@client.example", "nils@client.example"))
    assert people["manager"].value_counts().to_dict() == {mia: 3, nils: 3}
    for table in (data.responses, data.respondents, data.excluded, data.roster):
        text = table.astype(str).to_csv()
        assert "@" not in text and "Chlo" not in text

    # the roster: 9 invited; Gus (partial), Ida and Jan did not give a usable response
    assert len(data.roster) == 9 and int(data.roster["responded"].sum()) == 6
    rates = response_rates(data, by="role", min_group_size=5).set_index("role")
    assert rates.loc["sales_representative", ["invited", "responded"]].tolist() == [5, 3]
    assert rates.loc["sales_representative", "rate"] == pytest.approx(3 / 5)
    assert rates.loc["key_account_manager", "invited"] == 4  # under 5: headcount only
    assert bool(rates.loc["key_account_manager", "suppressed"])
    assert pd.isna(rates.loc["key_account_manager", "responded"])
    assert rates.loc["All", ["invited", "responded"]].tolist() == [9, 6]
    by_two = response_rates(data, by=["region", "role"], min_group_size=1)
    assert int(by_two["invited"].iloc[:-1].sum()) == 9


# ------------------------------------------------------------------ codebook controls
def test_exclude_matching_nothing_is_an_error():
    cb = codebook("Respondent ID", SM_ITEMS, person="Email Address",
                  exclude=[{"id": "999", "reason": "typo"}])
    with pytest.raises(ValidationError, match="excludes '999', which matches no response"):
        read_survey(DATA / "surveymonkey_expanded.csv", cb, secret=SECRET)


def test_exclude_by_respondent_id_and_constant_role():
    cb = Codebook.from_dict({
        **codebook("Respondent ID", SM_ITEMS).to_dict(),
        "respondent": {"id": "Respondent ID", "person": "Email Address",
                       "constants": {"role": "key_account_manager"}},
        "exclude": [{"id": "114230008", "reason": "test"}]})
    data = read_survey(DATA / "surveymonkey_expanded.csv", cb, secret=SECRET)
    assert whole_rows(data) == {9: "partial response", 10: "excluded by codebook"}
    assert set(data.respondents["role"]) == {"key_account_manager"}


def test_partial_rule_trailing_blanks(tmp_path):
    head = "Respondent ID,Collector ID,a,b,c\r\n,,Response,Response,Response\r\n"
    rows = ["1,9,Advanced,Expert,Very important", "2,9,Advanced,,Very important",
            "3,9,Advanced,Expert,", "4,9,,,"]
    path = tmp_path / "sm.csv"
    path.write_bytes((head + "\r\n".join(rows) + "\r\n").encode())
    cb = codebook("Respondent ID", ("a", "b", "c"),
                  options={"max_trailing_blank": 0, "min_share_answered": 0.5})
    data = read_survey(path, cb, secret=SECRET)
    # row 4 has a gap but answers the last item; row 5 stops early; row 6 answers nothing
    assert whole_rows(data) == {5: "partial response", 6: "partial response"}
    assert data.rows_kept == 2
    # independent recount: trailing blanks after the last answer
    answered = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 0], [0, 0, 0]], dtype=bool)
    trailing = [3 - (np.flatnonzero(r)[-1] + 1) if r.any() else 3 for r in answered]
    assert [t > 0 for t in trailing] == [False, False, True, True]


def test_frequent_off_scale_answer_stays_an_error(tmp_path):
    head = "Respondent ID,Collector ID,a,b,c\r\n,,Response,Response,Response\r\n"
    rows = [f"{i},9,Proficient,Expert,Very important" for i in range(1, 6)]
    path = tmp_path / "sm.csv"
    path.write_bytes((head + "\r\n".join(rows) + "\r\n").encode())
    with pytest.raises(ValidationError, match="answer 'Proficient' \\(5 rows\\)"):
        read_survey(path, codebook("Respondent ID", ("a", "b", "c")), secret=SECRET)


@pytest.mark.parametrize(("change", "message"), [
    ({"exclude": [{"id": "1"}]}, "exclusion of '1' gives no reason"),
    ({"exclude": [{"reason": "x"}]}, "exclusion names no respondent"),
    ({"exclude_rows": [1]}, "unknown codebook key 'exclude_rows'"),
    ({"options": {"min_share_answerd": 0.5}}, "did you mean 'min_share_answered'?"),
    ({"options": {"min_share_answered": 2}}, "between 0 and 1"),
    ({"options": {"min_duration_seconds": "fast"}}, "must be a number"),
    ({"roster": {"file": "r.csv", "key": "Email"}}, "roster is missing 'match'"),
    ({"roles": ["kam"]}, "'roles' must map"),
])
def test_codebook_control_errors(change, message):
    data = {**codebook("Respondent ID", SM_ITEMS).to_dict(), **change}
    with pytest.raises(ValidationError) as info:
        Codebook.from_dict(data)
    assert any(message in str(p) for p in info.value.problems), info.value.report()


def test_unknown_keys_in_items_and_respondent_are_errors():
    data = codebook("Respondent ID", SM_ITEMS).to_dict()
    data["respondent"]["atributes"] = {"role": "x"}
    data["items"][0]["capabilty"] = "x"
    with pytest.raises(ValidationError) as info:
        Codebook.from_dict(data)
    text = info.value.report()
    assert "unknown codebook key 'atributes'" in text and "did you mean 'attributes'?" in text
    assert "unknown codebook key 'capabilty'" in text


def test_codebook_round_trips_its_controls():
    cb = read_codebook(DATA / "codebook_surveymonkey_roster.yaml")
    again = Codebook.from_dict(cb.to_dict(), file=cb.file)
    assert again == cb


def test_roster_errors_are_located(tmp_path):
    (tmp_path / "roster.csv").write_text(
        "Work Email,Job Title\nana@x.example,KAM\n,KAM\nANA@x.example,Rep\n", encoding="utf-8")
    data = codebook("Respondent ID", SM_ITEMS).to_dict()
    data["roster"] = {"file": str(tmp_path / "roster.csv"), "key": "Work Email",
                      "match": "Email Address", "attributes": {"role": "Job Title",
                                                               "region": "Country"}}
    cb = Codebook.from_dict(data)
    with pytest.raises(ValidationError) as info:
        read_survey(DATA / "surveymonkey_expanded.csv", cb, secret=SECRET)
    assert "roster attribute 'region' column 'Country' is not in the roster" in \
        info.value.report()
    data["roster"]["attributes"] = {"role": "Job Title"}
    with pytest.raises(ValidationError) as info:
        read_survey(DATA / "surveymonkey_expanded.csv", Codebook.from_dict(data), secret=SECRET)
    report = info.value.report()
    assert "row 3, column 'Work Email': row has no 'Work Email'" in report
    assert "'Work Email' is repeated (rows 2, 4)" in report
