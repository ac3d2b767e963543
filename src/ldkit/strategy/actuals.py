"""Actuals: LMS enrolments and completions, and hours from time tracking, matched to the portfolio.

Reading (:func:`read_lms_export`, :func:`read_time_tracking`) turns a file
as exported into a tidy table with the file row of each record; matching
(:func:`match_actuals`) assigns each record to a program of the strategy and
accounts for every row it does not count, with a reason.

LMS layouts
-----------
One table, :data:`LMS_COLUMNS`, maps each field to the column names each
layout uses (compared case-insensitively, ignoring spaces, ``_`` and
``-``); the first name present wins. The layout is detected from the header
(:func:`detect_lms_layout`) or given.

``generic`` (CSV or XLSX, one header row; ldkit's own layout; dates ISO
``YYYY-MM-DD``, else day first)::

    learner_id,program,enrolled_on,completed_on,status,applied
    L0001,launch-academy,2026-01-12,2026-02-20,completed,yes
    L0002,launch-academy,2026-01-14,,in progress,

``applied`` (optional) is the answer of the follow-up survey of completers,
"have you applied it on the job?": yes / no, blank when not asked yet.

``moodle``: Moodle's report builder export of a "Course participants"
custom report with the course, the learner's identity, enrolment and
course completion columns (dates as Moodle prints them,
``Tuesday, 3 February 2026, 10:15 AM``; day first)::

    Course full name,Course short name,Username,ID number,Time enrolled,Time completed,Completed
    Oncology launch academy,LA-2026,jdoe,E1001,"Monday, 12 January 2026, 9:00 AM",...,Yes

Moodle's per-course exports have no course column; give the course with
``read_lms_export(path, course=...)``:

- the course completion report download (Reports > Course completion >
  Download in CSV format; report/completion/index.php): ``ID`` (Moodle's
  internal user id, not used), ``Name``, the identity fields (``Email
  address``...), per activity criterion its state and ``<activity> - Completion
  date``, and ``Course complete`` holding the completion date as
  ``strftimedatetimeshort`` (``20/02/26, 16:05`` in English, month first in US
  English) or blank;
- the gradebook export (Export > Plain text file; grade_export_txt.php):
  ``First name``, ``Last name``, ``ID number``, ``Institution``, ``Department``,
  ``Email address``, the grade items, ``Last downloaded from this course`` (a
  Unix time). It has no dates: its rows count as enrolments without dates and
  are accounted ("no enrolment or completion date").

The learner column is the first of ``ID number``, ``Username``, ``Email address``,
``User ID`` present (SuccessFactors: ``User ID`` or ``ID (User)``).

``successfactors``: SAP SuccessFactors Learning's item status or learning
history report (one row per user and item; dates month first, as
``MM/DD/YYYY``)::

    User ID,Last Name,First Name,Item Type,Item ID,Item Title,Assignment Date,
    Completion Date,Completion Status
    E1001,Doe,Jane,COURSE,LA-2026,Oncology launch academy,01/12/2026,02/20/2026,COMPLETE

The Moodle and SuccessFactors layouts are **built from what we know of
those exports, not from a verified sample**; correct :data:`LMS_COLUMNS`,
:data:`LMS_DAYFIRST` or the status sets below if a client's export differs.
Names, e-mails and other columns not in the table are ignored and never
kept.

Time tracking layout
--------------------
CSV or XLSX, one header row, one row per person, program and month
(:data:`TIME_COLUMNS`)::

    person,program,month,hours,cost,activity
    DLS-01,launch-academy,2026-01,32.5,0,design
    PM-01,launch-academy,2026-01,20,4500,vendor invoice

``month`` is ``YYYY-MM`` (or any date in the month); ``hours`` the hours of
the learning team; ``cost`` (optional) external spend booked that month.
A program's spend is hours x the strategy's ``hourly_rate`` + cost.

Exclusions (accounted, never silent)
------------------------------------
LMS rows: no learner id; course not in the portfolio; unknown learner (when
a roster is given); completed status without a completion date; no date at
all; dated before the month the program starts; dated after the review date
(counted in a later review); a second row of the same learner and program
(the row with the earliest completion is kept). Time rows: no person;
program not in the portfolio; month before the program starts; month after
the review month. Bad cells (a date or number that cannot be read, a
missing required column) are errors naming the file, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ldkit._params import check_choice
from ldkit.errors import InputError, Location, Problem, UnsupportedFormatError, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.strategy.portfolio import Program, Strategy

__all__ = [
    "COMPLETE_STATUSES",
    "INCOMPLETE_STATUSES",
    "LMS_COLUMNS",
    "LMS_DAYFIRST",
    "LMS_LAYOUTS",
    "TIME_COLUMNS",
    "Actuals",
    "LmsExport",
    "TimeExport",
    "detect_lms_layout",
    "latest_date",
    "match_actuals",
    "read_lms_export",
    "read_time_tracking",
]

LMS_LAYOUTS = ("generic", "moodle", "successfactors")

# field -> layout -> column names (first present wins). Correct here if an export differs.
LMS_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "learner": {
        "generic": ("learner_id", "learner", "user_id", "employee_id", "person_id",
                    "ID number", "Username", "Email address", "Email", "ID (User)"),
        "moodle": ("ID number", "Username", "Email address", "User ID"),
        "successfactors": ("User ID", "ID (User)", "User", "Employee ID"),
    },
    "course": {
        "generic": ("program", "program_id", "course", "course_id"),
        "moodle": ("Course short name", "Course short name with link", "Course full name",
                   "Course full name with link"),
        "successfactors": ("Item ID", "Curriculum ID"),
    },
    "course_title": {
        "generic": ("course_title", "program_title", "title"),
        "moodle": ("Course full name", "Course full name with link"),
        "successfactors": ("Item Title", "Curriculum Title", "Item Description"),
    },
    "enrolled": {
        "generic": ("enrolled_on", "enrolled", "enrolment_date", "enrollment_date"),
        "moodle": ("Time enrolled", "Enrolment time created", "Time started",
                   "Enrolment time started"),
        "successfactors": ("Assignment Date", "Registration Date", "Assigned Date"),
    },
    "completed": {
        "generic": ("completed_on", "completed_at", "completion_date"),
        "moodle": ("Time completed", "Course completion time completed",
                   "Date completed", "Course complete"),
        "successfactors": ("Completion Date", "Completion Date and Time"),
    },
    "status": {
        "generic": ("status", "completion_status"),
        "moodle": ("Completed", "Course completion status", "Completion status"),
        "successfactors": ("Completion Status", "Status", "Item Status"),
    },
    "applied": {
        "generic": ("applied", "applied_on_job", "application"),
        "moodle": ("applied",),
        "successfactors": ("applied",),
    },
}
REQUIRED_LMS = ("learner", "course")

LMS_DAYFIRST: dict[str, bool | None] = {"generic": True, "moodle": None, "successfactors": False}
"""Whether a numeric date that is not ISO (``YYYY-MM-DD``) reads day first, per layout.

``None`` (Moodle: its numeric dates follow the site's language pack, ``%d/%m/%y`` in
English, ``%m/%d/%y`` in US English) reads the order from the file: a day over 12
decides it, and a file whose dates could be read either way is refused, naming
the option to give (``dayfirst=``). A date that cannot be read in a layout's
fixed order (``25/03/2026`` month first) is refused the same way."""
_NUMERIC_DATE = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b"
_MOODLE_PEOPLE = {"firstname", "lastname", "surname", "fullname", "name",
                  "lastdownloadedfromthiscourse", "coursecomplete", "institution",
                  "department"}

COMPLETE_STATUSES = frozenset({"complete", "completed", "passed", "attended", "yes",
                               "satisfied", "finished", "complete - passed"})
INCOMPLETE_STATUSES = frozenset({"incomplete", "not complete", "not completed", "failed", "no",
                                 "in progress", "not started", "withdrawn", "cancelled",
                                 "enrolled", "registered"})

TIME_COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("person", "employee", "resource", "user", "name", "staff"),
    "program": ("program", "program_id", "project", "initiative", "course"),
    "month": ("month", "period", "date"),
    "hours": ("hours", "hours_logged", "time_hours", "effort_hours"),
    "cost": ("cost", "spend", "external_cost", "amount"),
    "activity": ("activity", "task", "category"),
}
REQUIRED_TIME = ("person", "program", "month", "hours")

_BLANK = {"", "-", "–", "never", "n/a", "na", "none", "nan", "nat", "null"}
_YES = {"yes", "y", "true", "1", "applied"}
_NO = {"no", "n", "false", "0", "not applied"}


def _norm(name: object) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(name).casefold())


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class LmsExport:
    """An LMS export as read: one row per record, fields as text and dates.

    ``records`` columns: row (file row, header = 1), learner, course,
    course_title, enrolled, completed (datetime64, NaT if blank), status,
    applied (pandas boolean, NA if blank).
    """

    file: str
    layout: str
    records: pd.DataFrame
    sheet: str | None = None


@dataclass(frozen=True)
class TimeExport:
    """A time-tracking export as read.

    ``records`` columns: row, person, program, month (``"YYYY-MM"``), hours,
    cost, activity.
    """

    file: str
    records: pd.DataFrame
    sheet: str | None = None


def _read_table(path: str | Path, what: str) -> tuple[pd.DataFrame, str, str | None]:
    """The file's cells as text (header row 1); its path and sheet."""
    from ldkit.io import existing_file, suffix_of

    p = existing_file(path)
    kind = suffix_of(p, {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}, what=what)
    sheet = None
    if kind == "xlsx":
        try:
            book = pd.read_excel(p, sheet_name=None, dtype=object, header=None)
        except Exception as exc:  # openpyxl raises several unrelated types
            raise UnsupportedFormatError(f"cannot be opened as an Excel workbook ({exc})",
                                         location=Location(file=str(p))) from exc
        sheet, frame = next(iter(book.items()))
        frame = frame.map(_xlsx_text)
    else:
        from ldkit.survey.layouts import detect_encoding

        encoding = detect_encoding(p)
        try:
            frame = pd.read_csv(p, header=None, dtype=str, keep_default_na=False,
                                na_filter=False, encoding=encoding, sep=_delimiter(p, encoding))
        except pd.errors.EmptyDataError:
            frame = pd.DataFrame()
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise InputError(f"is not a readable CSV ({exc})", location=Location(file=str(p)),
                             hint=f"export the {what} again as CSV") from exc
    if frame.empty or not any(str(c).strip() for c in frame.iloc[0]):
        raise InputError("is empty (no header row)", location=Location(file=str(p), sheet=sheet,
                                                                         row=1))
    header = [str(c).strip() for c in frame.iloc[0]]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = header
    body = body.fillna("").astype(str).apply(lambda s: s.str.strip())
    body.insert(0, "__row", range(2, len(body) + 2))
    blank = (body.drop(columns="__row") == "").all(axis=1)
    return body[~blank].reset_index(drop=True), str(p), sheet


def _delimiter(path: Path, encoding: str) -> str:
    """The delimiter of a CSV from its header line: the most frequent of , ; tab |."""
    with path.open(encoding=encoding, errors="replace") as f:
        first = f.readline()
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _xlsx_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def _pick(header: Iterable[str], candidates: Iterable[str]) -> str | None:
    by_norm = {_norm(h): h for h in header}
    for name in candidates:
        if _norm(name) in by_norm:
            return by_norm[_norm(name)]
    return None


def detect_lms_layout(header: Iterable[str]) -> str:
    """The LMS layout of a header row: ``successfactors``, ``moodle`` or ``generic``.

    Examples
    --------
    >>> detect_lms_layout(["User ID", "Item ID", "Item Title", "Completion Date"])
    'successfactors'
    >>> detect_lms_layout(["Course full name", "Username", "Time completed"])
    'moodle'
    >>> detect_lms_layout(["learner_id", "program", "completed_on"])
    'generic'
    """
    names = {_norm(h) for h in header}
    if ({"userid", "iduser"} & names) and ({"itemid", "curriculumid"} & names):
        return "successfactors"
    moodle_course = {"coursefullname", "courseshortname", "coursefullnamewithlink",
                     "courseshortnamewithlink"}
    if names & moodle_course:
        return "moodle"
    # Moodle's per-course exports (gradebook, course completion): no course column,
    # the learner by e-mail, ID number or username next to the name columns
    if names & {"emailaddress", "idnumber", "username"} and names & _MOODLE_PEOPLE:
        return "moodle"
    return "generic"


def _day_order(texts: Iterable[pd.Series], rows: pd.Series, *, dayfirst: bool | None,
               columns: list[str], loc: Location, problems: list[Problem]) -> bool:
    """Whether numeric dates read day first: given, or read from the dates themselves."""
    parts = [t.astype(str).str.extract(_NUMERIC_DATE).dropna().astype(int) for t in texts]
    first = [int(i) for p in parts for i in p.index[p[0] > 12]]
    second = [int(i) for p in parts for i in p.index[p[1] > 12]]
    any_numeric = any(len(p) for p in parts)
    where = loc.with_(column=" / ".join(c for c in columns if c))
    if dayfirst is None:
        if first and second:
            problems.append(Problem(
                f"numeric dates are written both day first (row {int(rows[first[0]])}) and "
                f"month first (row {int(rows[second[0]])})",
                where, "export the file again with one date format"))
            return True
        if first or second:
            return bool(first)
        if any_numeric:
            problems.append(Problem(
                "numeric dates such as dd/mm/yyyy and mm/dd/yyyy cannot be told apart in this "
                "file (no day above 12)", where,
                "give the order: dayfirst=True for dd/mm/yyyy or dayfirst=False for "
                "mm/dd/yyyy"))
        return True
    wrong = second if dayfirst else first
    if wrong:
        problems.append(Problem(
            f"a date cannot be read {'day' if dayfirst else 'month'} first (row "
            f"{int(rows[wrong[0]])}: a {'month' if dayfirst else 'day'} above 12)", where,
            f"give dayfirst={not dayfirst} if the file writes "
            f"{'mm/dd/yyyy' if dayfirst else 'dd/mm/yyyy'}"))
    return dayfirst


def _parse_dates(raw: pd.Series, rows: pd.Series, *, dayfirst: bool, column: str,
                 loc: Location, problems: list[Problem]) -> pd.Series:
    text = raw.astype(str).str.strip()
    blank = text.str.casefold().isin(_BLANK)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    iso = ~blank & text.str.match(r"^\d{4}-\d{2}-\d{2}")
    out[iso] = pd.to_datetime(text[iso].str[:10], format="%Y-%m-%d", errors="coerce")
    other = ~blank & ~iso
    if other.any():
        cleaned = text[other].str.replace(r"\s+[A-Z]{2,5}$", "", regex=True)  # time zone
        out[other] = pd.to_datetime(cleaned, format="mixed", dayfirst=dayfirst,
                                    errors="coerce")
    bad = ~blank & out.isna()
    for idx in bad[bad].index[:20]:
        problems.append(Problem(f"'{raw[idx]}' is not a date", loc.with_(row=int(rows[idx]),
                                                                          column=column),
                                "write dates as YYYY-MM-DD"))
    return out.dt.normalize()


def _parse_applied(raw: pd.Series, rows: pd.Series, *, column: str, loc: Location,
                   problems: list[Problem]) -> pd.Series:
    text = raw.astype(str).str.strip().str.casefold()
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    out[text.isin(_YES)] = True
    out[text.isin(_NO)] = False
    bad = ~text.isin(_YES | _NO | _BLANK)
    for idx in bad[bad].index[:20]:
        problems.append(Problem(f"'{raw[idx]}' is not yes or no",
                                loc.with_(row=int(rows[idx]), column=column),
                                "write yes, no, or leave blank if not asked yet"))
    return out


def _missing_columns(fields: Iterable[str], found: Mapping[str, str | None],
                     names: Mapping[str, tuple[str, ...]], loc: Location,
                     header: list[str], what: str) -> None:
    missing = [f for f in fields if found.get(f) is None]
    if missing:
        wanted = "; ".join(f"{f}: one of {', '.join(repr(n) for n in names[f])}"
                           for f in missing)
        raise InputError(f"has no column for {', '.join(missing)} ({wanted})",
                         location=loc.with_(row=1),
                         hint=f"the header has {', '.join(repr(h) for h in header[:12])}; "
                              f"see the {what} layouts in ldkit.strategy.actuals")


def read_lms_export(path: str | Path, *, layout: str = "auto", course: str | None = None,
                    dayfirst: bool | None = None) -> LmsExport:
    """Read an LMS enrolment/completion export (generic CSV, Moodle or SuccessFactors).

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` file as exported.
    layout : str
        ``"auto"`` (detect from the header), ``"generic"``, ``"moodle"`` or
        ``"successfactors"``.
    course : str, optional
        The course (program id or LMS course short name) of a per-course export
        that has no course column, such as Moodle's gradebook export or course
        completion report download. Ignored if the file has a course column.
    dayfirst : bool, optional
        How numeric dates are written: True ``dd/mm/yyyy``, False ``mm/dd/yyyy``.
        Default: the layout's convention (:data:`LMS_DAYFIRST`); for Moodle, read
        from the file, refusing a file whose dates could be read either way.
        Moodle's long dates (``Tuesday, 3 March 2026, 10:15 AM``) and ISO dates
        read either way.

    Returns
    -------
    LmsExport

    Raises
    ------
    InputError
        A required column missing (learner, course), with the header found.
    ValidationError
        Cells that are not dates or yes/no, each with its row and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "lms.csv"
    >>> _ = f.write_text("User ID,Item ID,Item Title,Assignment Date,Completion Date,"
    ...                  "Completion Status\\nE1,LA-2026,Launch,01/12/2026,02/03/2026,COMPLETE\\n")
    >>> export = read_lms_export(f)
    >>> export.layout, str(export.records.loc[0, "completed"].date())
    ('successfactors', '2026-02-03')
    """
    check_choice("layout", layout, ("auto", *LMS_LAYOUTS), func="read_lms_export")
    body, file, sheet = _read_table(path, "LMS export")
    header = [c for c in body.columns if c != "__row"]
    chosen = detect_lms_layout(header) if layout == "auto" else layout
    loc = Location(file=file, sheet=sheet)
    found = {f: _pick(header, names[chosen]) for f, names in LMS_COLUMNS.items()}
    for f in REQUIRED_LMS:  # a learner or course column under another LMS's name
        if found[f] is None:
            found[f] = _pick(header, [n for names in LMS_COLUMNS[f].values() for n in names])
    if found["course"] is None and course is not None:
        if not str(course).strip():
            from ldkit._params import param_error

            raise param_error("course", "read_lms_export", "a course id", course)
        body[" course"] = str(course).strip()
        found["course"] = " course"
    if found["course"] is None and found["learner"] is not None:
        raise InputError(
            "has no course column: a per-course export (such as Moodle's gradebook export "
            "or course completion report)", location=loc.with_(row=1),
            hint="say which course it is: read_lms_export(path, course='<program id>'); "
                 f"the header has {', '.join(repr(h) for h in header[:12])}")
    _missing_columns(REQUIRED_LMS, found, {f: LMS_COLUMNS[f][chosen] for f in LMS_COLUMNS},
                     loc, header, "LMS")
    if found["course_title"] == found["course"]:
        found["course_title"] = None
    rows = body["__row"]
    problems: list[Problem] = []

    def col(f: str) -> pd.Series:
        name = found[f]
        return body[name] if name else pd.Series("", index=body.index)

    order = _day_order([col("enrolled"), col("completed")], rows,
                       dayfirst=LMS_DAYFIRST[chosen] if dayfirst is None else dayfirst,
                       columns=[found["enrolled"] or "", found["completed"] or ""], loc=loc,
                       problems=problems)
    records = pd.DataFrame({
        "row": rows.astype(int),
        "learner": col("learner"),
        "course": col("course"),
        "course_title": col("course_title"),
        "enrolled": _parse_dates(col("enrolled"), rows, dayfirst=order,
                                 column=found["enrolled"] or "", loc=loc, problems=problems),
        "completed": _parse_dates(col("completed"), rows, dayfirst=order,
                                  column=found["completed"] or "", loc=loc, problems=problems),
        "status": col("status"),
        "applied": _parse_applied(col("applied"), rows, column=found["applied"] or "",
                                  loc=loc, problems=problems),
    })
    if problems:
        raise ValidationError(problems, what=f"LMS export {file}")
    return LmsExport(file, chosen, records.reset_index(drop=True), sheet)


def _parse_numbers(raw: pd.Series, rows: pd.Series, *, column: str, loc: Location,
                   problems: list[Problem], default: float | None) -> pd.Series:
    text = raw.astype(str).str.strip().str.replace(r"[\s']", "", regex=True)
    comma_decimal = text.str.contains(",") & ~text.str.contains(r"\.")
    text = text.where(~comma_decimal, text.str.replace(",", ".", regex=False))
    text = text.str.replace(",", "", regex=False)
    blank = text.str.casefold().isin(_BLANK)
    values = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = (~blank & values.isna()) | (values < 0)
    for idx in bad[bad].index[:20]:
        problems.append(Problem(f"'{raw[idx]}' is not a number of 0 or more",
                                loc.with_(row=int(rows[idx]), column=column),
                                "type e.g. 7.5"))
    if default is None:
        for idx in blank[blank].index[:20]:
            problems.append(Problem("is blank", loc.with_(row=int(rows[idx]), column=column),
                                    "type the hours, 0 if none"))
        return values
    return values.fillna(default)


def read_time_tracking(path: str | Path) -> TimeExport:
    """Read hours by person, program and month (see the module docstring for the layout).

    Raises
    ------
    InputError
        A required column missing (person, program, month, hours).
    ValidationError
        Months, hours or costs that cannot be read, each with its row and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "time.csv"
    >>> _ = f.write_text("Employee,Project,Period,Hours\\nPM-01,launch,2026-03,\\"7,5\\"\\n")
    >>> read_time_tracking(f).records[["person", "program", "month", "hours"]].to_dict("records")
    [{'person': 'PM-01', 'program': 'launch', 'month': '2026-03', 'hours': 7.5}]
    """
    body, file, sheet = _read_table(path, "time tracking")
    header = [c for c in body.columns if c != "__row"]
    loc = Location(file=file, sheet=sheet)
    found = {f: _pick(header, names) for f, names in TIME_COLUMNS.items()}
    _missing_columns(REQUIRED_TIME, found, TIME_COLUMNS, loc, header, "time tracking")
    rows = body["__row"]
    problems: list[Problem] = []
    month_text = body[found["month"]].str.replace(
        r"^(\d{4})-(\d{1,2})$", lambda m: f"{m[1]}-{int(m[2]):02d}-01", regex=True)
    months = _parse_dates(month_text, rows, dayfirst=True, column=found["month"], loc=loc,
                          problems=problems)
    hours = _parse_numbers(body[found["hours"]], rows, column=found["hours"], loc=loc,
                           problems=problems, default=None)
    cost = (_parse_numbers(body[found["cost"]], rows, column=found["cost"], loc=loc,
                           problems=problems, default=0.0)
            if found["cost"] else pd.Series(0.0, index=body.index))
    blank_month = body[found["month"]].str.casefold().isin(_BLANK)
    for idx in blank_month[blank_month].index[:20]:
        problems.append(Problem("is blank", loc.with_(row=int(rows[idx]),
                                                      column=found["month"]),
                                "write the month as YYYY-MM"))
    if problems:
        raise ValidationError(problems, what=f"time tracking {file}")
    records = pd.DataFrame({
        "row": rows.astype(int),
        "person": body[found["person"]],
        "program": body[found["program"]],
        "month": months.dt.strftime("%Y-%m"),
        "hours": hours.astype(float),
        "cost": cost.astype(float),
        "activity": body[found["activity"]] if found["activity"] else "",
    })
    return TimeExport(file, records.reset_index(drop=True), sheet)


def latest_date(lms: LmsExport | None = None, time: TimeExport | None = None) -> date | None:
    """The latest date in the exports: enrolment or completion, or the end of a time month."""
    dates: list[pd.Timestamp] = []
    if lms is not None and len(lms.records):
        for column in ("enrolled", "completed"):
            value = lms.records[column].max()
            if pd.notna(value):
                dates.append(value)
    if time is not None and len(time.records):
        last = pd.Period(time.records["month"].max(), freq="M")
        dates.append(last.end_time.normalize())
    return max(dates).date() if dates else None


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Actuals:
    """Actuals matched to the portfolio, with every excluded row accounted for.

    Attributes
    ----------
    completions : DataFrame
        One row per learner and program: learner (pseudonymous if a secret
        was given), program, enrolled, completed (NaT if not yet), applied
        (boolean, NA if not asked), row.
    hours : DataFrame
        One row per time entry kept: person, program, month, hours, cost, row.
    exclusions : DataFrame
        One row per excluded row: source (``lms`` or ``time``), file, row,
        reason, detail.
    counts : DataFrame
        source, count (``rows read``, ``rows kept``, ``excluded: <reason>``), n.
    """

    completions: pd.DataFrame
    hours: pd.DataFrame
    exclusions: pd.DataFrame
    counts: pd.DataFrame


COMPLETION_COLUMNS = ["learner", "program", "enrolled", "completed", "applied", "row"]
HOURS_COLUMNS = ["person", "program", "month", "hours", "cost", "row"]
EXCLUSION_COLUMNS = ["source", "file", "row", "reason", "detail"]


def _program_lookup(programs: Iterable[Program]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for p in programs:
        for key in p.course_keys():
            lookup.setdefault(key, p.id)
    return lookup


class _Ledger:
    """Rows excluded so far, with reasons; what is left."""

    def __init__(self, source: str, file: str, frame: pd.DataFrame) -> None:
        self.source, self.file = source, file
        self.left = frame
        self.read = len(frame)
        self.out: list[pd.DataFrame] = []
        self.reasons: list[str] = []

    def drop(self, mask: pd.Series, reason: str, detail: pd.Series | str = "") -> None:
        self.reasons.append(reason)
        if not mask.any():
            return
        gone = self.left[mask]
        detail_values = detail[mask] if isinstance(detail, pd.Series) else detail
        self.out.append(pd.DataFrame({"source": self.source, "file": self.file,
                                      "row": gone["row"].to_numpy(), "reason": reason,
                                      "detail": detail_values}))
        self.left = self.left[~mask]

    def counts(self) -> list[tuple[str, str, int]]:
        excluded = pd.concat(self.out) if self.out else pd.DataFrame(columns=EXCLUSION_COLUMNS)
        by_reason = excluded["reason"].value_counts()
        rows = [(self.source, "rows read", self.read), (self.source, "rows kept", len(self.left))]
        rows += [(self.source, f"excluded: {r}", int(by_reason.get(r, 0))) for r in self.reasons
                 if by_reason.get(r, 0)]
        return rows


def _start_of_month(programs: pd.Series, strategy: Strategy) -> pd.Series:
    starts = {p.id: pd.Timestamp(p.start).to_period("M").start_time for p in strategy.programs}
    return programs.map(starts)


def match_actuals(strategy: Strategy, lms: LmsExport | None = None,
                  time: TimeExport | None = None, *, as_of: date | None = None,
                  secret: bytes | None = None, learners: Iterable[str] | None = None
                  ) -> Actuals:
    """Assign LMS and time records to the strategy's programs; account for the rest.

    Parameters
    ----------
    strategy : Strategy
    lms, time : LmsExport, TimeExport, optional
        As read by :func:`read_lms_export` and :func:`read_time_tracking`.
    as_of : date, optional
        The review date: LMS rows dated only after it, and time rows of later
        months, are excluded ("counted in a later review").
    secret : bytes, optional
        Pseudonymize learner and person ids with this key
        (:func:`ldkit.survey.pseudonym.pseudonymize`) before anything is kept.
    learners : iterable of str, optional
        The roster of known learner ids (as in the export, before
        pseudonymization); rows of other learners are excluded as "unknown
        learner". None: every learner is known.

    Returns
    -------
    Actuals
        Rows read = rows kept + rows excluded, per source.

    Examples
    --------
    >>> from datetime import date
    >>> from ldkit.strategy.portfolio import Program, Strategy
    >>> s = Strategy("s", (), (Program("p", "P", date(2026, 2, 1), date(2026, 6, 30)),))
    >>> recs = pd.DataFrame({"row": [2, 3, 4], "learner": ["a", "b", ""],
    ...     "course": ["p", "other", "p"], "course_title": "",
    ...     "enrolled": pd.to_datetime(["2026-02-03", "2026-02-03", "2026-02-03"]),
    ...     "completed": pd.to_datetime(["2026-03-01", None, None]), "status": "",
    ...     "applied": pd.array([pd.NA] * 3, dtype="boolean")})
    >>> a = match_actuals(s, LmsExport("lms.csv", "generic", recs))
    >>> a.counts[["count", "n"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'count': 'rows read', 'n': 3}, {'count': 'rows kept', 'n': 1},
     {'count': 'excluded: no learner id', 'n': 1},
     {'count': 'excluded: course not in the portfolio', 'n': 1}]
    """
    from ldkit.survey.pseudonym import pseudonymize

    lookup = _program_lookup(strategy.programs)
    review = pd.Timestamp(as_of) if as_of is not None else None
    exclusions: list[pd.DataFrame] = []
    counts: list[tuple[str, str, int]] = []
    completions = pd.DataFrame(columns=COMPLETION_COLUMNS)
    hours = pd.DataFrame(columns=HOURS_COLUMNS)
    roster: set[str] | None = None
    if learners is not None:
        ids = pd.Series([str(x) for x in learners], dtype=object)
        ids = pseudonymize(ids, secret) if secret is not None else ids.str.strip()
        roster = set(ids.dropna())
    if lms is not None:
        frame = lms.records.copy()
        if secret is not None:
            frame["learner"] = pseudonymize(frame["learner"].replace("", None), secret
                                            ).fillna("").astype(str)
        by_course = frame["course"].str.strip().str.casefold().map(lookup)
        by_title = frame["course_title"].str.strip().str.casefold().map(lookup)
        frame["program"] = by_course.fillna(by_title)
        status = frame["status"].str.strip().str.casefold()
        frame["completed"] = frame["completed"].where(~status.isin(INCOMPLETE_STATUSES))
        ledger = _Ledger("lms", lms.file, frame)
        left = ledger.left
        ledger.drop(left["learner"].str.strip() == "", "no learner id")
        left = ledger.left
        ledger.drop(left["program"].isna(), "course not in the portfolio",
                    "course " + left["course"].where(left["course"] != "",
                                                     left["course_title"]).map(repr))
        if roster is not None:
            left = ledger.left
            ledger.drop(~left["learner"].isin(roster), "unknown learner")
        left = ledger.left
        says_done = left["status"].str.strip().str.casefold().isin(COMPLETE_STATUSES)
        ledger.drop(says_done & left["completed"].isna(), "completed without a completion date",
                    "status " + left["status"].map(repr))
        left = ledger.left
        ledger.drop(left["enrolled"].isna() & left["completed"].isna(),
                    "no enrolment or completion date")
        left = ledger.left
        first = left[["enrolled", "completed"]].min(axis=1)
        start = _start_of_month(left["program"], strategy)
        ledger.drop(first < start, "dated before the program starts",
                    "dated " + first.dt.strftime("%Y-%m-%d") + ", program starts "
                    + start.dt.strftime("%Y-%m"))
        if review is not None:
            left = ledger.left
            first = left[["enrolled", "completed"]].min(axis=1)
            ledger.drop(first > review, "dated after the review date",
                        "counted in a later review")
        left = ledger.left.copy()
        left["enrolled"] = left["enrolled"].fillna(left["completed"])
        order = left.sort_values(["program", "learner", "completed", "row"],
                                 na_position="last", kind="stable")
        dup = order.duplicated(["program", "learner"], keep="first")
        ledger.left = order
        ledger.drop(dup, "second row of the same learner and program",
                    "the row with the earliest completion is kept")
        first_enrolled = order.groupby(["program", "learner"], as_index=False)["enrolled"].min()
        kept = (ledger.left.drop(columns="enrolled")
                .merge(first_enrolled, on=["program", "learner"], how="left", validate="1:1")
                .sort_values("row", kind="stable"))
        completions = kept[COMPLETION_COLUMNS].reset_index(drop=True)
        exclusions += ledger.out
        counts += ledger.counts()
    if time is not None:
        frame = time.records.copy()
        if secret is not None:
            frame["person"] = pseudonymize(frame["person"].replace("", None), secret,
                                           prefix="s").fillna("").astype(str)
        frame["program"] = frame["program"].str.strip().str.casefold().map(lookup)
        ledger = _Ledger("time", time.file, frame)
        left = ledger.left
        ledger.drop(left["person"].str.strip() == "", "no person")
        left = ledger.left
        ledger.drop(left["program"].isna(), "program not in the portfolio",
                    "program " + time.records.loc[left.index, "program"].map(repr))
        left = ledger.left
        month_start = pd.to_datetime(left["month"] + "-01")
        start = _start_of_month(left["program"], strategy)
        ledger.drop(month_start < start, "month before the program starts",
                    "month " + left["month"] + ", program starts " + start.dt.strftime("%Y-%m"))
        if review is not None:
            left = ledger.left
            ledger.drop(left["month"] > review.strftime("%Y-%m"), "month after the review month",
                        "counted in a later review")
        hours = ledger.left[HOURS_COLUMNS].reset_index(drop=True)
        exclusions += ledger.out
        counts += ledger.counts()
    excluded = (pd.concat(exclusions, ignore_index=True) if exclusions
                else pd.DataFrame(columns=EXCLUSION_COLUMNS))
    return Actuals(completions, hours, excluded[EXCLUSION_COLUMNS],
                   pd.DataFrame(counts, columns=["source", "count", "n"]))
