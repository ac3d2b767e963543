"""Survey export layouts: detection, header parsing, and the raw table of answers.

Every reader returns a :class:`RawExport`: the answers as strings under one
canonical name per column, the names each column also answers to (field id,
ImportId, question text), the file row number of each record, and where the
layout keeps status, completion, timing and duration.

Layouts (see README, 'Survey exports'):

============================  =========================================================
``qualtrics``                 CSV, three header rows: field ids, question texts, ImportId
                              JSON (or, in 2016-era exports, a single-quoted dictionary
                              ``{'ImportId': 'QID2-1'}``); or two rows (no ImportId row).
                              Status is the response type, as text (choice-text export)
                              or as a code (numeric-value export); see RESPONSE_TYPES.
                              DistributionChannel ``preview`` / ``test`` are tests;
                              Finished False / 0 marks a partial response
``qualtrics_legacy``          CSV, two header rows: V1..Vn (and Q ids), then the names
                              (ResponseID, ..., question texts); V7 Status (a response
                              type code), V10 Finished (0/1)
``surveymonkey``              CSV or XLSX, two header rows: question text (blank cells
                              continue the previous question), then Response /
                              Open-Ended Response / sub-question labels (blank in the
                              condensed format); a matrix row is named
                              "<question> - <sub-question>". ``Respondent ID`` or (older
                              exports) ``RespondentID``, with or without ``Collector ID``
``msforms``                   XLSX (or CSV), one header row starting ID, Start time,
                              Completion time, Email, Name; quiz downloads add Total
                              points, Quiz feedback, Grade posted time and, per question,
                              ``Points - <question>`` and ``Feedback - <question>``
                              (dropped on read)
``googleforms``               CSV, one header row starting Timestamp (then Email Address
                              when collected); grid questions as ``Question [Row]``;
                              quizzes add a Score column (dropped on read)
``tidy``                      CSV or XLSX with one header row of plain column names
============================  =========================================================

Encodings: UTF-8 with or without BOM, UTF-16 (with BOM), cp1252 (all decided by
:func:`text_encoding`, the one place to swap for a shared decoder).
"""

from __future__ import annotations

import ast
import codecs
import contextlib
import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ldkit.errors import InputError, Location, UnsupportedFormatError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["CHANNEL_REASONS", "LAYOUTS", "RESPONSE_TYPES", "RawExport", "detect_encoding",
           "read_export", "read_rows", "response_type_reason", "text_encoding"]

LAYOUTS = ("qualtrics", "qualtrics_legacy", "surveymonkey", "msforms", "googleforms", "tidy")
SUBLABELS_OF_SINGLE = {"", "Response", "Open-Ended Response"}

#: Qualtrics response types (the Status column): code -> (label, exclusion reason or None).
#: The code is a sum of flags: 1 survey preview, 2 survey test, 4 imported, 8 spam,
#: 16 offline, 32 Employee Experience; e.g. 9 "Survey Preview Spam", 12 "Imported Spam",
#: 17 "Offline Survey Preview". Source: the Status value labels Qualtrics writes into
#: its SPSS exports (0 IP Address ... 48 EX Offline), and Qualtrics' support page
#: "Understanding Your Dataset" (Response Type). Imported, offline and EX responses
#: are real answers collected another way, so they are kept.
RESPONSE_TYPES: dict[int, tuple[str, str | None]] = {
    0: ("IP Address", None),
    1: ("Survey Preview", "survey preview"),
    2: ("Survey Test", "survey test"),
    4: ("Imported", None),
    8: ("Spam", "spam"),
    9: ("Survey Preview Spam", "survey preview"),
    12: ("Imported Spam", "spam"),
    16: ("Offline", None),
    17: ("Offline Survey Preview", "survey preview"),
    32: ("EX", None),
    36: ("EX Imported", None),
    40: ("EX Spam", "spam"),
    48: ("EX Offline", None),
}
_FLAG_REASONS = ((1, "survey preview"), (2, "survey test"), (8, "spam"))
_KNOWN_FLAGS = 1 | 2 | 4 | 8 | 16 | 32
#: Qualtrics DistributionChannel values that mark tests, not responses.
CHANNEL_REASONS = {"preview": "survey preview", "test": "survey test"}
_MSFORMS_IGNORED = ("total points", "quiz feedback", "grade posted time",
                    "grade posted to learners")
_GOOGLE_IGNORED = ("score",)


def response_type_reason(value: str) -> tuple[bool, str | None]:
    """(known, exclusion reason) of a Qualtrics Status value, as text or as a code.

    >>> response_type_reason("9"), response_type_reason("IP Address")
    ((True, 'survey preview'), (True, None))
    >>> response_type_reason("Survey Test"), response_type_reason("banana")
    ((True, 'survey test'), (False, None))
    """
    text = value.strip()
    if text == "":
        return True, None
    by_label = {label.casefold(): reason for label, reason in RESPONSE_TYPES.values()}
    if text.casefold() in by_label:
        return True, by_label[text.casefold()]
    try:
        number = float(text)
    except ValueError:
        return False, None
    if not number.is_integer() or number < 0 or int(number) & ~_KNOWN_FLAGS:
        return False, None
    code = int(number)
    return True, next((why for flag, why in _FLAG_REASONS if code & flag), None)


@dataclass
class RawExport:
    """The answers of an export as strings, with the layout's bookkeeping."""

    file: str
    layout: str
    encoding: str | None
    sheet: str | None
    frame: pd.DataFrame  # one column per export column, canonical names, str values
    rows: pd.Series  # file row number (1-based, counting header rows) per record
    aliases: dict[str, str] = field(default_factory=dict)  # any accepted name -> canonical
    ambiguous: set[str] = field(default_factory=set)  # names that fit several columns
    status: str | None = None  # column of the response status
    preview_values: tuple[str, ...] = ()  # status values that mark a preview (tidy)
    finished: str | None = None  # column of the completion flag
    submitted: str | None = None  # column of the submission time
    started: str | None = None
    duration: str | None = None  # column of the duration in seconds
    status_codes: bool = False  # status holds Qualtrics response types (RESPONSE_TYPES)
    channel: str | None = None  # column of the Qualtrics distribution channel
    ignored: tuple[str, ...] = ()  # columns dropped on read (quiz points and feedback)
    tried: dict[str, str] = field(default_factory=dict)  # layout -> what the file lacked

    def resolve(self, name: str) -> str | None:
        """The canonical column a codebook name refers to (None if absent)."""
        if name in self.frame.columns:
            return name
        return (self.aliases.get(name) or self.aliases.get(name.strip().casefold())
                or self.aliases.get(_squash(name)))

    def location(self, column: str | None = None, row: int | None = None) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row, column=column)


def _squash(name: str) -> str:
    """A name without spaces, case-folded: 'Respondent ID' and 'RespondentID' meet."""
    return re.sub(r"\s+", "", name).casefold()


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM, or NUL-interleaved), else cp1252."""
    with path.open("rb") as f:
        head = f.read(65536)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head[1:200:2].count(0) > 50:
        return "utf-16-le"
    if head[0:200:2].count(0) > 50:
        return "utf-16-be"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8"


def text_encoding(path: Path, *, whole: bool = True) -> str:
    """The encoding to read a CSV with: detected, and cp1252 if UTF-8 fails further on.

    The one place the survey layer decides how to decode text (roster included).
    With ``whole=False`` only the head is checked (large exports: the reader falls
    back to cp1252 if a later byte is not UTF-8).
    """
    encoding = detect_encoding(path)
    if encoding == "utf-8" and whole:
        try:
            with path.open(encoding="utf-8", newline="") as f:
                while f.read(1 << 20):
                    pass
        except UnicodeDecodeError:
            return "cp1252"
    return encoding


def _csv_head(path: Path, encoding: str, n: int = 3) -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        return [row for _, row in zip(range(n), reader, strict=False)]


def read_rows(path: str | Path) -> tuple[list[list[str]], str | None, str | None]:
    """All rows of a small .csv or .xlsx table as text: (rows, encoding, sheet)."""
    from ldkit.io import existing_file

    p = existing_file(path)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        rows, sheet = _read_rows_xlsx(p)
        return rows, None, sheet
    if suffix not in (".csv", ".txt"):
        raise UnsupportedFormatError(f"{p}: expected a .csv or .xlsx file, got "
                                     f"'{suffix or '(none)'}'", hint="save it as CSV or Excel")
    encoding = text_encoding(p)
    with p.open(encoding=encoding, newline="") as f:
        return [row for row in csv.reader(f)], encoding, None


def _fits(head: list[list[str]]) -> dict[str, str]:
    """For each layout, what the header lacks to be that layout ('' if it fits)."""
    row0 = [c.strip() for c in head[0]] if head else []
    names = set(row0)
    squashed = {_squash(c) for c in row0}
    fits = {}
    fits["qualtrics_legacy"] = "" if row0[:2] == ["V1", "V2"] else "V1, V2 header"
    q_id = {"responseid", "startdate"} & squashed
    q_flag = {"finished", "status"} & squashed
    fits["qualtrics"] = "" if q_id and q_flag else (
        "ResponseId/StartDate with Finished/Status columns")
    fits["surveymonkey"] = "" if "respondentid" in squashed else (
        "Respondent ID/RespondentID column")
    lower = {c.casefold() for c in names}
    lacking = [c for c in ("ID", "Start time", "Completion time") if c.casefold() not in lower]
    fits["msforms"] = "" if not lacking else f"{', '.join(lacking)} columns"
    fits["googleforms"] = "" if row0 and row0[0].casefold() == "timestamp" else (
        "Timestamp first column")
    return fits


def _detect(head: list[list[str]]) -> str:
    fits = _fits(head)
    return next((layout for layout in LAYOUTS[:-1] if fits[layout] == ""), "tidy")


def _read_rows_xlsx(path: Path) -> tuple[list[list[str]], str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise UnsupportedFormatError(f"cannot be opened as an Excel workbook ({exc})",
                                     location=Location(file=str(path))) from exc
    try:
        ws = wb.worksheets[0]
        rows = [["" if v is None else _cell_text(v) for v in r]
                for r in ws.iter_rows(values_only=True)]
        return rows, ws.title
    finally:
        wb.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def _frame_from_rows(rows: list[list[str]], width: int) -> pd.DataFrame:
    import pandas as pd

    data = [r[:width] + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(data, columns=range(width), dtype=object)


def read_export(path: str | Path, *, source: str = "auto") -> RawExport:
    """Read an export file into a :class:`RawExport`, detecting layout and encoding."""
    import pandas as pd

    from ldkit._params import check_choice
    from ldkit.io import existing_file

    check_choice("source", source, ("auto", *LAYOUTS), func="read_survey")
    p = existing_file(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".txt", ".tsv", ".xlsx"):
        raise UnsupportedFormatError(f"{p}: survey exports must be .csv or .xlsx, got "
                                     f"'{suffix or '(none)'}'", hint="export the survey as CSV "
                                     "or Excel")
    encoding = None
    sheet = None
    if suffix == ".xlsx":
        all_rows, sheet = _read_rows_xlsx(p)
        head = all_rows[:3]
    else:  # the head decides; a UTF-8 error further on falls back to cp1252 below
        encoding = text_encoding(p, whole=False)
        try:
            head = _csv_head(p, encoding)
        except UnicodeDecodeError:
            encoding = "cp1252"
            head = _csv_head(p, encoding)
    if not head or not any(c.strip() for c in head[0]):
        raise InputError("is empty (no header row)", location=Location(file=str(p), row=1))
    layout = _detect(head) if source == "auto" else source
    n_header = {"qualtrics": 3 if _has_import_ids(head) else 2, "qualtrics_legacy": 2,
                "surveymonkey": 2 if _has_sublabel_row(head) else 1}.get(layout, 1)
    width = len(head[0])
    if suffix == ".xlsx":
        body = _frame_from_rows(all_rows[n_header:], width)
    else:
        try:
            with _one_thread():
                body = pd.read_csv(p, encoding=encoding, header=None, skiprows=n_header,
                                   dtype=object, keep_default_na=False, na_filter=False,
                                   names=range(width), engine="c", index_col=False)
        except UnicodeDecodeError:
            encoding = "cp1252"
            with _one_thread():
                body = pd.read_csv(p, encoding=encoding, header=None, skiprows=n_header,
                                   dtype=object, keep_default_na=False, na_filter=False,
                                   names=range(width), engine="c", index_col=False)
        except pd.errors.ParserError as exc:
            raise InputError(f"is not a readable CSV ({exc})", location=Location(file=str(p)),
                             hint="export the survey again as CSV") from exc
    blank = _blank_rows(body)
    rows = pd.Series(range(n_header + 1, n_header + 1 + len(body)), index=body.index)
    body, rows = body[~blank], rows[~blank]
    builder = _BUILDERS[layout]
    raw = builder(head, str(p), body)
    raw.encoding, raw.sheet = encoding, sheet
    raw.rows = rows.reset_index(drop=True)
    raw.frame = raw.frame.reset_index(drop=True)
    raw.tried = {k: v for k, v in _fits(head).items() if v}
    return raw


def _one_thread() -> contextlib.AbstractContextManager:
    """pandas' CSV parser in one thread (option ``mode.max_threads``, pandas >= 3.1).

    The parallel parser splits a large file between threads, but every cell it turns
    into a Python string (``dtype=object``, as exports are read) needs the GIL: on the
    2-core benchmark machine one thread parses the 46 MB self-assessment export of
    ``benchmarks/needs_scale.py`` in 0.48 s of CPU, two in 0.6 s.
    """
    import pandas as pd

    try:
        pd.get_option("mode.max_threads")
    except (KeyError, pd.errors.OptionError):  # pandas < 3.1 parses in one thread
        return contextlib.nullcontext()
    return pd.option_context("mode.max_threads", 1)


def _blank_rows(body: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is blank text, column by column over the rows still blank
    (the first column with answers rules most rows out)."""
    import numpy as np

    candidates = np.arange(len(body))
    for column in range(body.shape[1]):
        if not len(candidates):
            break
        candidates = candidates[body.iloc[candidates, column].to_numpy() == ""]
    blank = np.zeros(len(body), dtype=bool)
    blank[candidates] = True
    return blank


def _import_id(cell: str) -> str | None:
    """The ImportId of a third-header-row cell: JSON, or a 2016 single-quoted dict."""
    text = cell.strip()
    if not text.startswith("{") or "importid" not in text.casefold():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    return str(value.get("ImportId", "")) if isinstance(value, dict) else None


def _has_import_ids(head: list[list[str]]) -> bool:
    return len(head) > 2 and any(_import_id(c) is not None for c in head[2])


def _has_sublabel_row(head: list[list[str]]) -> bool:
    """SurveyMonkey's second header row: its Respondent ID cell is blank (never a response)."""
    if len(head) < 2:
        return False
    squashed = [_squash(c) for c in head[0]]
    at = squashed.index("respondentid") if "respondentid" in squashed else 0
    row = head[1]
    return at >= len(row) or row[at].strip() == ""


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        n = n.strip() or "column"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


def _alias_map(canonical: list[str], *alternatives: list[str]) -> tuple[dict[str, str], set[str]]:
    aliases: dict[str, str] = {}
    ambiguous: set[str] = set()
    for alt in alternatives:
        for name, canon in zip(alt, canonical, strict=False):
            for key in (name.strip(), name.strip().casefold()):
                if not key or key == canon:
                    continue
                if key in aliases and aliases[key] != canon:
                    ambiguous.add(key)
                aliases.setdefault(key, canon)
    for canon in canonical:
        aliases.setdefault(canon.casefold(), canon)
    squashed: dict[str, set[str]] = {}
    for canon in canonical:
        squashed.setdefault(_squash(canon), set()).add(canon)
    for key, canons in squashed.items():
        if len(canons) == 1:
            aliases.setdefault(key, next(iter(canons)))
        else:
            ambiguous.add(key)
    for key in ambiguous:
        aliases.pop(key, None)
    return aliases, ambiguous


def _qualtrics(head: list[list[str]], file: str, body: pd.DataFrame) -> RawExport:
    ids = _unique_names(head[0])
    texts = head[1] if len(head) > 1 else []
    import_ids: list[str] = []
    if _has_import_ids(head):
        import_ids = [_import_id(c) or "" for c in head[2]]
    body.columns = ids
    # 2016-era ImportIds write sub-questions as QID2-1 where field ids say QID2_1
    underscored = [i.replace("-", "_") for i in import_ids]
    aliases, ambiguous = _alias_map(ids, import_ids, underscored, texts)
    by_name = {_squash(i): i for i in ids}

    def pick(*options: str) -> str | None:
        return next((by_name[_squash(o)] for o in options if _squash(o) in by_name), None)

    return RawExport(file, "qualtrics", None, None, body, body.index.to_series(), aliases,
                     ambiguous, status=pick("Status"), status_codes=True,
                     finished=pick("Finished"),
                     submitted=pick("RecordedDate", "EndDate"),
                     started=pick("StartDate"),
                     duration=pick("Duration (in seconds)"),
                     channel=pick("DistributionChannel"))


def _qualtrics_legacy(head: list[list[str]], file: str, body: pd.DataFrame) -> RawExport:
    ids = _unique_names(head[0])
    texts = head[1] if len(head) > 1 else []
    body.columns = ids
    aliases, ambiguous = _alias_map(ids, texts)
    by_text = {t.strip(): i for t, i in zip(texts, ids, strict=False)}
    return RawExport(file, "qualtrics_legacy", None, None, body, body.index.to_series(), aliases,
                     ambiguous, status=by_text.get("Status", "V7"), status_codes=True,
                     finished=by_text.get("Finished", "V10"),
                     submitted=by_text.get("EndDate", "V9"),
                     started=by_text.get("StartDate", "V8"))


def _surveymonkey(head: list[list[str]], file: str, body: pd.DataFrame) -> RawExport:
    questions, current = [], ""
    for cell in head[0]:
        current = cell.strip() or current
        questions.append(current)
    subs = head[1] if len(head) > 1 else [""] * len(questions)
    subs = subs + [""] * (len(questions) - len(subs))
    names = [q if s.strip() in SUBLABELS_OF_SINGLE else f"{q} - {s.strip()}"
             for q, s in zip(questions, subs, strict=True)]
    names = _unique_names(names)
    body.columns = names
    aliases, ambiguous = _alias_map(names, [f"{q} {s}".strip() for q, s in zip(
        questions, subs, strict=True)])
    by_name = {_squash(n): n for n in names}
    return RawExport(file, "surveymonkey", None, None, body, body.index.to_series(), aliases,
                     ambiguous, submitted=by_name.get("enddate"),
                     started=by_name.get("startdate"))


def _single_header(layout: str):
    def build(head: list[list[str]], file: str, body: pd.DataFrame) -> RawExport:
        names = _unique_names(head[0])
        body.columns = names
        ignored = tuple(n for n in names if _ignored(layout, n))
        if ignored:
            body = body.drop(columns=list(ignored))
            names = [n for n in names if n not in ignored]
        aliases, ambiguous = _alias_map(names)
        lower = {n.casefold(): n for n in names}

        def pick(*options: str) -> str | None:
            return next((lower[o] for o in options if o in lower), None)

        return RawExport(
            file, layout, None, None, body, body.index.to_series(), aliases, ambiguous,
            status=pick("status") if layout == "tidy" else None,
            preview_values=("Survey Preview",) if layout == "tidy" else (),
            finished=pick("finished") if layout == "tidy" else None,
            submitted=pick("completion time", "timestamp", "submitted_at", "submitted",
                           "end_date", "completed_at", "recordeddate", "enddate"),
            started=pick("start time", "started_at", "start_date", "startdate"),
            duration=pick("duration_seconds", "duration (in seconds)", "duration"),
            ignored=ignored,
        )

    return build


def _ignored(layout: str, name: str) -> bool:
    """Quiz bookkeeping columns that are not answers (Microsoft Forms, Google Forms)."""
    key = name.strip().casefold()
    if layout == "msforms":
        return key in _MSFORMS_IGNORED or key.startswith(("points - ", "feedback - "))
    if layout == "googleforms":
        return key in _GOOGLE_IGNORED
    return False


_BUILDERS = {
    "qualtrics": _qualtrics,
    "qualtrics_legacy": _qualtrics_legacy,
    "surveymonkey": _surveymonkey,
    "msforms": _single_header("msforms"),
    "googleforms": _single_header("googleforms"),
    "tidy": _single_header("tidy"),
}
