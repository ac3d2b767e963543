"""Survey export layouts: detection, header parsing, and the raw table of answers.

Every reader returns a :class:`RawExport`: the answers as strings under one
canonical name per column, the names each column also answers to (field id,
ImportId, question text), the file row number of each record, and where the
layout keeps status, completion, timing and duration.

Layouts (see README, 'Survey exports'):

============================  =========================================================
``qualtrics``                 CSV, three header rows: field ids, question texts, ImportId
                              JSON; Status "Survey Preview" marks tests, Finished False
                              a partial response
``qualtrics_legacy``          CSV, two header rows: V1..Vn (and Q ids), then the names
                              (ResponseID, ..., question texts); V7 Status (1 = preview),
                              V10 Finished (0/1)
``surveymonkey``              CSV or XLSX, two header rows: question text (blank cells
                              continue the previous question), then Response /
                              Open-Ended Response / sub-question labels; a matrix row is
                              named "<question> - <sub-question>"
``msforms``                   XLSX (or CSV), one header row starting ID, Start time,
                              Completion time, Email, Name
``tidy``                      CSV or XLSX with one header row of plain column names
============================  =========================================================

Encodings: UTF-8 with or without BOM, UTF-16 (with BOM), cp1252.
"""

from __future__ import annotations

import codecs
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ldkit.errors import InputError, Location, UnsupportedFormatError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["LAYOUTS", "RawExport", "detect_encoding", "read_export"]

LAYOUTS = ("qualtrics", "qualtrics_legacy", "surveymonkey", "msforms", "tidy")
SUBLABELS_OF_SINGLE = {"", "Response", "Open-Ended Response"}


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
    preview_values: tuple[str, ...] = ()
    finished: str | None = None  # column of the completion flag
    submitted: str | None = None  # column of the submission time
    started: str | None = None
    duration: str | None = None  # column of the duration in seconds

    def resolve(self, name: str) -> str | None:
        """The canonical column a codebook name refers to (None if absent)."""
        if name in self.frame.columns:
            return name
        return self.aliases.get(name) or self.aliases.get(name.strip().casefold())

    def location(self, column: str | None = None, row: int | None = None) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row, column=column)


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


def _csv_head(path: Path, encoding: str, n: int = 3) -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        return [row for _, row in zip(range(n), reader, strict=False)]


def _detect(head: list[list[str]]) -> str:
    row0 = [c.strip() for c in head[0]] if head else []
    names = set(row0)
    if row0[:2] == ["V1", "V2"]:
        return "qualtrics_legacy"
    if {"ResponseId", "StartDate"} & names and ("Finished" in names or "Status" in names):
        return "qualtrics"
    if {"Respondent ID", "Collector ID"} <= names:
        return "surveymonkey"
    if {"ID", "Start time", "Completion time"} <= names:
        return "msforms"
    return "tidy"


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
    else:
        encoding = detect_encoding(p)
        try:
            head = _csv_head(p, encoding)
        except UnicodeDecodeError:
            encoding = "cp1252"
            head = _csv_head(p, encoding)
    if not head or not any(c.strip() for c in head[0]):
        raise InputError("is empty (no header row)", location=Location(file=str(p), row=1))
    layout = _detect(head) if source == "auto" else source
    n_header = {"qualtrics": 3 if _has_import_ids(head) else 2, "qualtrics_legacy": 2,
                "surveymonkey": 2}.get(layout, 1)
    width = len(head[0])
    if suffix == ".xlsx":
        body = _frame_from_rows(all_rows[n_header:], width)
    else:
        try:
            body = pd.read_csv(p, encoding=encoding, header=None, skiprows=n_header,
                               dtype=object, keep_default_na=False, na_filter=False,
                               names=range(width), engine="c", index_col=False)
        except UnicodeDecodeError:
            encoding = "cp1252"
            body = pd.read_csv(p, encoding=encoding, header=None, skiprows=n_header,
                               dtype=object, keep_default_na=False, na_filter=False,
                               names=range(width), engine="c", index_col=False)
        except pd.errors.ParserError as exc:
            raise InputError(f"is not a readable CSV ({exc})", location=Location(file=str(p)),
                             hint="export the survey again as CSV") from exc
    blank = (body == "").all(axis=1)
    rows = pd.Series(range(n_header + 1, n_header + 1 + len(body)), index=body.index)
    body, rows = body[~blank], rows[~blank]
    builder = _BUILDERS[layout]
    raw = builder(head, str(p), body)
    raw.encoding, raw.sheet = encoding, sheet
    raw.rows = rows.reset_index(drop=True)
    raw.frame = raw.frame.reset_index(drop=True)
    return raw


def _has_import_ids(head: list[list[str]]) -> bool:
    return len(head) > 2 and any(c.strip().startswith('{"ImportId"') for c in head[2])


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
    for key in ambiguous:
        aliases.pop(key, None)
    return aliases, ambiguous


def _qualtrics(head: list[list[str]], file: str, body: pd.DataFrame) -> RawExport:
    ids = _unique_names(head[0])
    texts = head[1] if len(head) > 1 else []
    import_ids = []
    if _has_import_ids(head):
        for cell in head[2]:
            try:
                import_ids.append(str(json.loads(cell).get("ImportId", "")))
            except (json.JSONDecodeError, AttributeError):
                import_ids.append("")
    body.columns = ids
    aliases, ambiguous = _alias_map(ids, import_ids, texts)
    return RawExport(file, "qualtrics", None, None, body, body.index.to_series(), aliases,
                     ambiguous, status="Status" if "Status" in ids else None,
                     preview_values=("Survey Preview",),
                     finished="Finished" if "Finished" in ids else None,
                     submitted=next((c for c in ("RecordedDate", "EndDate") if c in ids), None),
                     started="StartDate" if "StartDate" in ids else None,
                     duration="Duration (in seconds)" if "Duration (in seconds)" in ids else None)


def _qualtrics_legacy(head: list[list[str]], file: str, body: pd.DataFrame) -> RawExport:
    ids = _unique_names(head[0])
    texts = head[1] if len(head) > 1 else []
    body.columns = ids
    aliases, ambiguous = _alias_map(ids, texts)
    by_text = {t.strip(): i for t, i in zip(texts, ids, strict=False)}
    return RawExport(file, "qualtrics_legacy", None, None, body, body.index.to_series(), aliases,
                     ambiguous, status=by_text.get("Status", "V7"), preview_values=("1",),
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
    return RawExport(file, "surveymonkey", None, None, body, body.index.to_series(), aliases,
                     ambiguous, submitted="End Date" if "End Date" in names else None,
                     started="Start Date" if "Start Date" in names else None)


def _single_header(layout: str):
    def build(head: list[list[str]], file: str, body: pd.DataFrame) -> RawExport:
        names = _unique_names(head[0])
        body.columns = names
        aliases, ambiguous = _alias_map(names)
        lower = {n.casefold(): n for n in names}

        def pick(*options: str) -> str | None:
            return next((lower[o] for o in options if o in lower), None)

        return RawExport(
            file, layout, None, None, body, body.index.to_series(), aliases, ambiguous,
            status=pick("status") if layout == "tidy" else None,
            finished=pick("finished") if layout == "tidy" else None,
            submitted=pick("completion time", "submitted_at", "submitted", "end_date",
                           "completed_at", "recordeddate", "enddate"),
            started=pick("start time", "started_at", "start_date", "startdate"),
            duration=pick("duration_seconds", "duration (in seconds)", "duration"),
        )

    return build


_BUILDERS = {
    "qualtrics": _qualtrics,
    "qualtrics_legacy": _qualtrics_legacy,
    "surveymonkey": _surveymonkey,
    "msforms": _single_header("msforms"),
    "tidy": _single_header("tidy"),
}
