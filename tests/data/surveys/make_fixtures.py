"""Write the vendor-layout survey fixtures of this folder, byte for byte.

Run once (``python tests/data/surveys/make_fixtures.py``); the files are committed, so the
tests read fixed bytes. Each file follows what its vendor writes (see README.md here for
the sources): byte-order marks, line endings, encodings, header rows, quoting. All
people are made up.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent


def csv_bytes(rows, *, encoding="utf-8", bom=False, newline="\r\n", quote_all=False) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


def xlsx(path: Path, rows, title: str = "Sheet1") -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    wb.save(path)


# --------------------------------------------------------------- SurveyMonkey
SM_META = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
           "Email Address", "First Name", "Last Name", "Custom Data 1"]
SM_Q = ["What is your role?", "How proficient are you in each?", "", "How important is it?",
        "Anything else?"]
SM_SUB = ["Response", "Account planning", "Compliance", "Account planning",
          "Open-Ended Response"]
# the new user's client: Ana, Ben, Chloé, Dev, Eli, Fay answer; Gus stops after one rating;
# the consultant's own test (qa@consult.example); Hal is not on the HR roster
SM_ROWS = [
    ["114230001", "431551", "01/12/2026 09:01:12 AM", "01/12/2026 09:09:40 AM", "10.0.0.1",
     "ana@client.example", "Ana", "Alves", "", "Key Account Manager", "Advanced", "Expert",
     "Very important", "More coaching, please"],
    ["114230002", "431551", "01/12/2026 09:15:00 AM", "01/12/2026 09:22:05 AM", "10.0.0.2",
     "ben@client.example", "Ben", "Bauer", "", "KAM", "Intermediate", "Advanced",
     "Extremely important", "Two lines:\r\nfirst, then second"],
    ["114230003", "431551", "01/12/2026 10:00:00 AM", "01/12/2026 10:07:30 AM", "10.0.0.3",
     "chloe@client.example", "Chloé", "Côté", "", "Sales Representative", "Foundational",
     "Intermediate", "Moderately important", ""],
    ["114230004", "431551", "01/12/2026 10:30:00 AM", "01/12/2026 10:36:00 AM", "10.0.0.4",
     "dev@client.example", "Dev", "Dutta", "", "Sales Rep", "Intermediate", "Intermediate",
     "Very important", ""],
    ["114230005", "431551", "01/12/2026 11:00:00 AM", "01/12/2026 11:08:00 AM", "10.0.0.5",
     "eli@client.example", "Eli", "Evans", "", "Key Account Manager", "Expert", "Advanced",
     "Very important", ""],
    ["114230006", "431551", "01/12/2026 11:30:00 AM", "01/12/2026 11:35:00 AM", "10.0.0.6",
     "fay@client.example", "Fay", "Fox", "", "Sales Representative", "Advanced", "Expret",
     "Slightly important", ""],
    ["114230007", "431551", "01/12/2026 12:00:00 PM", "01/12/2026 12:01:10 PM", "10.0.0.7",
     "gus@client.example", "Gus", "Gray", "", "Sales Representative", "Advanced", "", "", ""],
    ["114230008", "431551", "01/11/2026 04:00:00 PM", "01/11/2026 04:02:00 PM", "10.9.9.9",
     "qa@consult.example", "Test", "Consultant", "", "Key Account Manager", "Expert", "Expert",
     "Extremely important", "test response, ignore"],
    ["114230009", "431551", "01/12/2026 01:00:00 PM", "01/12/2026 01:06:00 PM", "10.0.0.9",
     "hal@client.example", "Hal", "Hill", "", "Key Account Manager", "Advanced", "Advanced",
     "Very important", ""],
]

# legacy layout: RespondentID (no space), no CollectorID, condensed (blank second row), cp1252
SM_LEGACY_META = ["RespondentID", "StartDate", "EndDate", "IP Address", "Email Address",
                  "First Name", "LastName", "Custom Data"]
SM_LEGACY_ROWS = [
    ["2750001", "12/01/2015 09:00:00", "12/01/2015 09:08:00", "1.1.1.1", "jose@client.example",
     "José", "Núñez", "", "Key Account Manager", "Advanced", "Expert", "Very important",
     "Zoë's team – fine"],
    ["2750002", "12/01/2015 10:00:00", "12/01/2015 10:09:00", "1.1.1.2", "zoe@client.example",
     "Zoë", "Brontë", "", "Sales Representative", "Intermediate", "Advanced",
     "Moderately important", ""],
    ["2750003", "12/01/2015 11:00:00", "12/01/2015 11:03:00", "1.1.1.3", "max@client.example",
     "Max", "Müller", "", "Sales Representative", "", "", "", ""],
]

# ------------------------------------------------------------------- Qualtrics
Q_FIELDS = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
            "Finished", "RecordedDate", "ResponseId", "RecipientLastName",
            "RecipientFirstName", "RecipientEmail", "ExternalReference", "LocationLatitude",
            "LocationLongitude", "DistributionChannel", "UserLanguage", "Q1", "Q2_1", "Q2_2",
            "Q3_1"]
Q_TEXTS = ["Start Date", "End Date", "Response Type", "IP Address", "Progress",
           "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
           "Recipient Last Name", "Recipient First Name", "Recipient Email",
           "External Data Reference", "Location Latitude", "Location Longitude",
           "Distribution Channel", "User Language", "What is your role?",
           "How proficient are you in each? - Account planning",
           "How proficient are you in each? - Compliance",
           "How important is it? - Account planning"]
Q_IMPORT = ["startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished",
            "recordedDate", "_recordId", "recipientLastName", "recipientFirstName",
            "recipientEmail", "externalDataReference", "locationLatitude",
            "locationLongitude", "distributionChannel", "userLanguage", "QID1", "QID2_1",
            "QID2_2", "QID3_1"]


def q_import_row(modern: bool = True) -> list[str]:
    out = []
    for i in Q_IMPORT:
        extra = ',"timeZone":"America/Denver"' if i in ("startDate", "endDate",
                                                          "recordedDate") else ""
        out.append(f'{{"ImportId":"{i}"{extra}}}')
    return out


# (status text, status code, finished text, finished code, channel, who)
Q_PEOPLE = [
    ("IP Address", "0", "True", "1", "anonymous", "ana", "Key Account Manager",
     ("Advanced", "Expert", "Very important"), ("3", "4", "4")),
    ("Survey Preview", "1", "True", "1", "preview", "", "Key Account Manager",
     ("Expert", "Expert", "Very important"), ("4", "4", "4")),
    ("Survey Test", "2", "True", "1", "test", "", "Sales Representative",
     ("Advanced", "Advanced", "Very important"), ("3", "3", "4")),
    ("Spam", "8", "True", "1", "anonymous", "spam", "Sales Representative",
     ("Foundational", "Foundational", "Not important"), ("1", "1", "1")),
    ("Imported", "4", "True", "1", "imported", "ben", "Sales Representative",
     ("Intermediate", "Advanced", "Moderately important"), ("2", "3", "3")),
    ("Offline", "16", "True", "1", "offline", "cy", "Key Account Manager",
     ("Expert", "Advanced", "Extremely important"), ("4", "3", "5")),
    ("IP Address", "0", "False", "0", "email", "di", "Sales Representative",
     ("Advanced", "", ""), ("3", "", "")),
    ("Survey Preview Spam", "9", "True", "1", "anonymous", "", "Sales Representative",
     ("Advanced", "Advanced", "Very important"), ("3", "3", "4")),
    ("Imported Spam", "12", "True", "1", "imported", "", "Sales Representative",
     ("Advanced", "Advanced", "Very important"), ("3", "3", "4")),
    ("Offline Survey Preview", "17", "True", "1", "offline", "", "Key Account Manager",
     ("Advanced", "Advanced", "Very important"), ("3", "3", "4")),
    ("IP Address", "0", "True", "1", "preview", "", "Key Account Manager",
     ("Advanced", "Advanced", "Very important"), ("3", "3", "4")),
    ("IP Address", "0", "True", "1", "email", "ed", "Sales Representative",
     ("Intermediate", "Intermediate", "Slightly important"), ("2", "2", "2")),
]


def q_rows(numeric: bool) -> list[list[str]]:
    rows = []
    for k, (st, code, fin, fcode, channel, who, role, labels, codes) in enumerate(Q_PEOPLE):
        email = f"{who}@client.example" if who else ""
        first = who.capitalize() if who else ""
        answers = codes if numeric else labels
        role_value = ("1" if role == "Key Account Manager" else "2") if numeric else role
        rows.append([
            f"2026-02-0{1 + k % 9} 09:00:00", f"2026-02-0{1 + k % 9} 09:10:00",
            code if numeric else st, f"10.1.0.{k}", "100" if fcode == "1" else "40", "600",
            fcode if numeric else fin, f"2026-02-0{1 + k % 9} 09:10:01", f"R_{k:02d}aBcD",
            "", first, email, "", "", "", channel, "EN", role_value, *answers])
    return rows


# 2016-era header: single-quoted ImportId dictionaries, sub-questions as QID2-1
Q16_FIELDS = ["ResponseId", "ResponseSet", "IPAddress", "StartDate", "EndDate",
              "RecipientLastName", "RecipientFirstName", "RecipientEmail",
              "ExternalDataReference", "Finished", "Status", "Q1", "Q2_1", "Q2_2", "Q3_1"]
Q16_TEXTS = ["ResponseID", "ResponseSet", "IPAddress", "StartDate", "EndDate",
             "RecipientLastName", "RecipientFirstName", "RecipientEmail",
             "ExternalDataReference", "Finished", "Status", "What is your role?",
             "How proficient are you in each?-Account planning",
             "How proficient are you in each?-Compliance",
             "How important is it?-Account planning"]
Q16_IMPORT = ["{'ImportId': 'responseId'}", "{'ImportId': 'responseSetId'}",
              "{'ImportId': 'ipAddress'}", "{'ImportId': 'startDate'}",
              "{'ImportId': 'endDate'}", "{'ImportId': 'panel-RecipientLastName'}",
              "{'ImportId': 'panel-RecipientFirstName'}", "{'ImportId': 'panel-RecipientEmail'}",
              "{'ImportId': 'panel-ExternalDataReference'}", "{'ImportId': 'finished'}",
              "{'ImportId': 'status'}", "{'ImportId': 'QID1'}", "{'ImportId': 'QID2-1'}",
              "{'ImportId': 'QID2-2'}", "{'ImportId': 'QID3-1'}"]
Q16_ROWS = [
    ["R_1Ab", "Default Response Set", "1.2.3.4", "2016-03-01 10:00:00", "2016-03-01 10:09:00",
     "", "Ana", "ana@client.example", "", "1", "0", "1", "3", "4", "4"],
    ["R_2Cd", "Default Response Set", "", "2016-03-01 10:00:00", "2016-03-01 10:02:00",
     "", "", "", "", "1", "1", "1", "4", "4", "4"],
    ["R_3Ef", "Default Response Set", "1.2.3.5", "2016-03-01 11:00:00", "2016-03-01 11:08:00",
     "", "Ed", "ed@client.example", "", "1", "0", "2", "2", "2", "3"],
    ["R_4Gh", "Default Response Set", "1.2.3.6", "2016-03-01 12:00:00", "2016-03-01 12:03:00",
     "", "Di", "di@client.example", "", "0", "0", "2", "3", "", ""],
]

# ------------------------------------------------------------- Microsoft Forms
MS_QUIZ_HEAD = ["ID", "Start time", "Completion time", "Email", "Name", "Total points",
                "Quiz feedback", "Grade posted time", "What is your role?",
                "Points - What is your role?", "Feedback - What is your role?",
                "Account planning", "Points - Account planning", "Feedback - Account planning",
                "Compliance", "Points - Compliance", "Feedback - Compliance",
                "Importance of account planning", "Points - Importance of account planning",
                "Feedback - Importance of account planning"]


def ms_quiz_rows():
    t = dt.datetime(2026, 3, 2, 9, 0, 0)
    people = [("ana@client.example", "Ana Alves", "Key Account Manager", "Advanced", "Expert",
               "Very important"),
              ("ed@client.example", "Ed Eng", "Sales Representative", "Intermediate",
               "Advanced", "Moderately important"),
              ("di@client.example", "Di Dias", "Sales Representative", "Foundational",
               "Intermediate", "Slightly important")]
    rows = []
    for k, (email, name, role, ap, co, imp) in enumerate(people, start=1):
        rows.append([k, t + dt.timedelta(minutes=30 * k),
                     t + dt.timedelta(minutes=30 * k + 7), email, name, 2, "", None, role,
                     None, None, ap, 1, "Good", co, 1, "", imp, None, None])
    return rows


MS_SURVEY_HEAD = ["Id", "Start time", "Completion time", "Email", "Name",
                  "Last modified time", "What is your role?", "Account planning",
                  "Compliance", "Importance of account planning", "Topics you want"]


def ms_survey_rows():
    t = dt.datetime(2026, 3, 3, 14, 0, 0)
    return [
        [1, t, t + dt.timedelta(minutes=6), "anonymous", None, None, "Key Account Manager",
         "Advanced", "Expert", "Very important", "Negotiation;Pricing;"],
        [2, t, t + dt.timedelta(minutes=9), "anonymous", None, None, "Sales Representative",
         "Intermediate", "Advanced", "Extremely important", "Compliance;"],
        [3, t, t + dt.timedelta(minutes=1), "anonymous", None, None, "Sales Representative",
         "Advanced", None, None, None],
    ]


# ---------------------------------------------------------------- Google Forms
G_HEAD = ["Timestamp", "Email Address", "What is your role?",
          "How proficient are you in each? [Account planning]",
          "How proficient are you in each? [Compliance]",
          "How important is it? [Account planning]", "Anything else?"]
G_ROWS = [
    ["2026/04/06 9:12:03 AM GMT+2", "ana@client.example", "Key Account Manager", "Advanced",
     "Expert", "Very important", "Line one\nline two, with a comma"],
    ["2026/04/06 10:40:51 AM GMT+2", "ed@client.example", "Sales Representative",
     "Intermediate", "Advanced", "Moderately important", ""],
    ["2026/04/06 1:05:09 PM GMT+2", "di@client.example", "Sales Representative", "Foundational",
     "", "", ""],
]
G_QUIZ_HEAD = ["Timestamp", "Email address", "Score", "What is your role?",
               "How proficient are you in each? [Account planning]",
               "How proficient are you in each? [Compliance]",
               "How important is it? [Account planning]"]
G_QUIZ_ROWS = [
    ["4/7/2026 9:12:03", "ana@client.example", "2 / 3", "Key Account Manager", "Advanced",
     "Expert", "Very important"],
    ["4/7/2026 11:00:00", "ed@client.example", "1 / 3", "Sales Representative",
     "Intermediate", "Advanced", "Moderately important"],
]

# -------------------------------------------------------------------- rosters
ROSTER_HEAD = ["Employee ID", "Work Email", "Full Name", "Job Title", "Country",
               "Business Unit", "Manager Email"]
ROSTER_ROWS = [
    ["E001", "Ana@Client.example", "Ana Alves", "Key Account Manager", "Germany", "Oncology",
     "mia@client.example"],
    ["E002", "ben@client.example", "Ben Bauer", "Key Account Manager", "Germany", "Oncology",
     "mia@client.example"],
    ["E003", "chloe@client.example", "Chloé Côté", "Sales Representative", "France",
     "Oncology", "mia@client.example"],
    ["E004", "dev@client.example", "Dev Dutta", "Sales Representative", "France",
     "Immunology", "nils@client.example"],
    ["E005", "eli@client.example", "Eli Evans", "Key Account Manager", "Germany",
     "Immunology", "nils@client.example"],
    ["E006", "fay@client.example", "Fay Fox", "Sales Representative", "France", "Immunology",
     "nils@client.example"],
    ["E007", "gus@client.example", "Gus Gray", "Sales Representative", "France", "Oncology",
     "nils@client.example"],
    ["E008", "ida@client.example", "Ida Ito", "Sales Representative", "France", "Oncology",
     "mia@client.example"],
    ["E009", "jan@client.example", "Jan Jung", "Key Account Manager", "Germany", "Oncology",
     "mia@client.example"],
]


def main() -> None:
    sm = [SM_META + SM_Q, [""] * len(SM_META) + SM_SUB, *SM_ROWS]
    (HERE / "surveymonkey_expanded.csv").write_bytes(csv_bytes(sm, bom=True))
    xlsx(HERE / "surveymonkey_expanded.xlsx", sm, title="Sheet")
    legacy = [SM_LEGACY_META + SM_Q[:4] + ["Comments"], [""] * (len(SM_LEGACY_META) + 5),
              *SM_LEGACY_ROWS]
    (HERE / "surveymonkey_legacy_cp1252.csv").write_bytes(csv_bytes(legacy, encoding="cp1252"))

    (HERE / "qualtrics_choice_text.csv").write_bytes(csv_bytes(
        [Q_FIELDS, Q_TEXTS, q_import_row(), *q_rows(numeric=False)], bom=True))
    (HERE / "qualtrics_numeric.csv").write_bytes(csv_bytes(
        [Q_FIELDS, Q_TEXTS, q_import_row(), *q_rows(numeric=True)], bom=True))
    (HERE / "qualtrics_2016.csv").write_bytes(csv_bytes(
        [Q16_FIELDS, Q16_TEXTS, Q16_IMPORT, *Q16_ROWS], encoding="utf-8"))

    xlsx(HERE / "msforms_quiz.xlsx", [MS_QUIZ_HEAD, *ms_quiz_rows()])
    xlsx(HERE / "msforms_survey.xlsx", [MS_SURVEY_HEAD, *ms_survey_rows()])

    (HERE / "googleforms_grid.csv").write_bytes(csv_bytes(
        [G_HEAD, *G_ROWS], newline="\n", quote_all=True))
    (HERE / "googleforms_quiz.csv").write_bytes(csv_bytes(
        [G_QUIZ_HEAD, *G_QUIZ_ROWS], newline="\r\n"))

    (HERE / "roster.csv").write_bytes(csv_bytes([ROSTER_HEAD, *ROSTER_ROWS],
                                                encoding="cp1252"))
    xlsx(HERE / "roster.xlsx", [ROSTER_HEAD, *ROSTER_ROWS], title="Employees")


if __name__ == "__main__":
    main()
