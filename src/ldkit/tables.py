"""The one reader of client tables: CSV, TSV and text exports, and .xlsx workbooks.

:func:`read_table` returns every cell as text (``""`` when blank), so each
caller parses numbers, dates and codes itself and names the row and column of
a bad value. The frame's index is the row number as the user sees it (the
Excel row, or the line where a CSV record starts, counting the header as 1),
so ``for row, values in table.iterrows()`` gives located problems even when
blank rows were skipped or a quoted field spans several lines.
``table.attrs["source"]`` records the file, sheet, encoding and delimiter.

Text files are decoded by :func:`ldkit.io.decode_text` (UTF-8 with or
without BOM, UTF-16 with or without BOM, cp1252) and parsed by the standard
``csv`` module: quoted fields may span lines, and CR, LF and CRLF line ends
may be mixed; a quoted multi-line field is always one record. The delimiter
is the one of ``, ; TAB |`` that occurs most often, outside quotes, in the
header line (a ``.tsv`` file is always tab-separated).

Workbooks are read with openpyxl in read-only mode, in one pass over the
sheet's XML: the sheet named, else the first visible one. The table is the
header row (row 1) and the columns it names; rows stop at the last non-blank
row, so a used range reaching XFD1048576 costs no more than the cells really
present. These are errors, each with the cell or range and a hint: a formula
without a cached value (the file was written by a program that does not
calculate), an Excel error value (``#N/A``), a merged range inside the
table, a value right of the header, a repeated or missing column name, a
missing sheet.

A file whose bytes are a workbook but whose name says CSV (or the reverse),
or an old binary ``.xls``, is refused with what it really is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from ldkit.errors import InputError, Location, UnsupportedFormatError

__all__ = ["DELIMITERS", "TEXT_SUFFIXES", "WORKBOOK_SUFFIXES", "read_table"]

DELIMITERS = (",", ";", "\t", "|")
"""The delimiters a text table may use."""

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(path: str | Path, *, sheet: str | None = None,
               delimiter: str | None = None) -> pd.DataFrame:
    """Read a client table (.csv, .tsv, .txt or .xlsx) as text cells, located.

    Parameters
    ----------
    path : str or Path
        The file. Its extension says what it should be; its first bytes
        decide what it is (a mismatch is an error saying so).
    sheet : str, optional
        The worksheet of a workbook; default the first visible one.
        Ignored for text files.
    delimiter : str, optional
        Force the delimiter of a text file instead of detecting it.

    Returns
    -------
    pandas.DataFrame
        One column per header (stripped of spaces), every value a ``str``
        (``""`` when blank), blank rows left out; the index (named ``row``)
        holds each record's row number as the user sees it. A file with a
        header and no rows gives an empty frame with those columns.

    Raises
    ------
    InputFileNotFoundError
        If the file does not exist.
    UnsupportedFormatError
        Another extension, a workbook named as text or the reverse, an .xls.
    InputError
        Every other problem, with the file and the row, column, cell range or
        byte offset: undecodable bytes (naming the encodings tried), an empty
        file, a row longer than the header, a repeated or blank column name,
        an unclosed quote; in a workbook a missing sheet, a formula without a
        cached value, an error value, a merged range, a value right of the
        header.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = f.write_bytes(b'id;comment\\r\\nL1;"two\\nlines"\\n\\nL2;x\\n')
    >>> t = read_table(f)
    >>> t.to_dict("index")
    {2: {'id': 'L1', 'comment': 'two\\nlines'}, 5: {'id': 'L2', 'comment': 'x'}}
    """
    from ldkit.io import existing_file

    p = existing_file(path)
    suffix = p.suffix.lower()
    if suffix not in TEXT_SUFFIXES + WORKBOOK_SUFFIXES:
        raise UnsupportedFormatError(
            f"{p}: cannot read a table with the extension '{suffix or '(none)'}'",
            location=Location(file=str(p)),
            hint="give a .csv, .tsv, .txt or .xlsx file")
    with p.open("rb") as f:
        head = f.read(8)
    if head.startswith(_OLE):
        raise UnsupportedFormatError(
            "is an old Excel 97-2003 workbook (.xls)", location=Location(file=str(p)),
            hint="open it in Excel and save it as .xlsx (or export CSV UTF-8)")
    if suffix in TEXT_SUFFIXES:
        if head.startswith(_ZIP):
            raise UnsupportedFormatError(
                f"is an Excel workbook (.xlsx), not a text file, although it is named "
                f"'{p.name}'", location=Location(file=str(p)),
                hint="rename it to .xlsx, or export it from Excel as CSV UTF-8")
        return _read_text_table(p, suffix, delimiter)
    if not head.startswith(_ZIP):
        kind = "empty" if not head else "a text file (CSV?)"
        raise UnsupportedFormatError(
            f"is {kind}, not an Excel workbook, although it is named '{p.name}'",
            location=Location(file=str(p)),
            hint="rename it to .csv if it is a CSV export, or save it from Excel as .xlsx")
    return _read_workbook(p, sheet)


# -- text ----------------------------------------------------------------------------------

def _sniff(header_line: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_text_table(p: Path, suffix: str, delimiter: str | None) -> pd.DataFrame:
    from ldkit.io import decode_text

    text, encoding = decode_text(p.read_bytes(), file=str(p))
    if not text.strip():
        raise InputError("is empty", location=Location(file=str(p)),
                         hint="export the table again, with its header row")
    first = next((line for line in text.splitlines() if line.strip()), "")
    sep = delimiter or _sniff(first, suffix)
    # one field may be as long as the file (the csv module's default limit is 128 KiB)
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    header: list[str] | None = None
    header_row = 1
    records: list[list[str]] = []
    rows: list[int] = []
    start = 1
    try:
        for fields in reader:
            row, start = start, reader.line_num + 1
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header, header_row = [f.strip() for f in fields], row
                continue
            if len(fields) > len(header):
                extra = fields[len(header):]
                if any(f.strip() for f in extra):
                    raise InputError(
                        f"has {len(fields)} fields, the header has {len(header)}",
                        location=Location(file=str(p), row=row),
                        hint=f"quote values that contain '{_show(sep)}', or check the "
                             "delimiter")
                fields = fields[:len(header)]
            records.append(fields + [""] * (len(header) - len(fields)))
            rows.append(row)
    except csv.Error as exc:
        raise InputError(f"is not a readable table: {exc}",
                         location=Location(file=str(p), row=start),
                         hint='close the quote (") that opens the field, or double '
                              'quotes inside a quoted field ("")') from None
    if header is None:  # only delimiters and spaces
        raise InputError("has no header row", location=Location(file=str(p)),
                         hint="export the table again, with its header row")
    columns = _columns(header, records, Location(file=str(p), row=header_row),
                       lambda i: f"{i + 1}")
    return _frame(records, rows, columns, {"file": str(p), "encoding": encoding,
                                           "delimiter": sep, "header": header})


def _show(sep: str) -> str:
    return "TAB" if sep == "\t" else sep


def _columns(header: list[str], records: list[list[str]], where: Location,
             name_of: Any) -> list[int]:
    """Indices of the named columns; blank headers over blank columns are dropped."""
    keep, seen = [], {}
    for i, name in enumerate(header):
        if not name:
            if any(r[i].strip() for r in records):
                raise InputError(f"column {name_of(i)} has values but no name in the header",
                                 location=where, hint="give the column a name")
            continue
        key = name.casefold()
        if key in seen:
            first = header[seen[key]]
            named = f"'{name}'" if first == name else f"'{first}' / '{name}'"
            raise InputError(f"the column name {named} appears twice (columns "
                             f"{name_of(seen[key])} and {name_of(i)})", location=where,
                             hint="rename one of them; ldkit never guesses which is meant")
        seen[key] = i
        keep.append(i)
    return keep


def _frame(records: list[list[str]], rows: list[int], keep: list[int], source: dict
           ) -> pd.DataFrame:
    header = source.pop("header")
    data = {header[i]: [r[i] for r in records] for i in keep}
    frame = pd.DataFrame(data, index=pd.Index(rows, name="row", dtype="int64"),
                         columns=[header[i] for i in keep], dtype=object)
    frame.attrs["source"] = source
    return frame


# -- workbooks -----------------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if value.time() == dt.time() else
                value.isoformat(sep=" "))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _open_workbook(p: Path) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputError(f"cannot be opened as an Excel workbook ({exc.__class__.__name__}: "
                         f"{exc})", location=Location(file=str(p)),
                         hint="open it in Excel and save it again as .xlsx") from None


def _read_workbook(p: Path, sheet: str | None) -> pd.DataFrame:
    from openpyxl.utils import get_column_letter, range_boundaries
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class _Parser(WorkSheetParser):
        """openpyxl's sheet parser, also telling which cells hold a formula."""

        def parse_cell(self, element: Any) -> dict:
            cell = super().parse_cell(element)
            cell["formula"] = element.find(FORMULA_TAG) is not None
            return cell

    wb = _open_workbook(p)
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise InputError(f"has no sheet '{sheet}'", location=Location(file=str(p)),
                                 hint=f"sheets: {', '.join(wb.sheetnames)}")
            ws = wb[sheet]
        else:
            visible = [w for w in wb.worksheets if getattr(w, "sheet_state", "visible")
                       == "visible"]
            if not visible:
                raise InputError("has no visible worksheet", location=Location(file=str(p)),
                                 hint="unhide the sheet with the data, or name it")
            ws = visible[0]
        title = ws.title
        loc = Location(file=str(p), sheet=title)

        def cell_name(r: int, c: int) -> str:
            return f"{get_column_letter(c)}{r}"

        with ws._get_source() as src:
            parser = _Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                             date_formats=wb._date_formats,
                             timedelta_formats=wb._timedelta_formats)
            header: list[str] | None = None
            header_row = 0
            width = 0
            records: list[list[str]] = []
            rows: list[int] = []
            for r, cells in parser.parse():
                present = [c for c in cells if c["value"] is not None or c["formula"]]
                if not present:
                    continue
                if header is None:
                    header_row = r
                    width = max(c["column"] for c in present)
                    header = [""] * width
                    for c in present:
                        _check_cell(c, r, loc, cell_name)
                        header[c["column"] - 1] = _cell_text(c["value"]).strip()
                    continue
                values = [""] * width
                for c in present:
                    _check_cell(c, r, loc, cell_name)
                    if c["column"] > width:
                        if c["value"] is None or not str(c["value"]).strip():
                            continue
                        raise InputError(
                            f"cell {cell_name(r, c['column'])} holds {c['value']!r}, right of "
                            f"the header ({cell_name(header_row, 1)}:"
                            f"{cell_name(header_row, width)})", location=loc.with_(row=r),
                            hint="delete the stray value, or give its column a header")
                    values[c["column"] - 1] = _cell_text(c["value"])
                if any(v.strip() for v in values):
                    records.append(values)
                    rows.append(r)
            merged = ([m.ref for m in parser.merged_cells.mergeCell]
                      if parser.merged_cells is not None else [])
    finally:
        wb.close()
    if header is None:
        raise InputError("is empty", location=loc,
                         hint="put the header in row 1 and the data below it")
    last = rows[-1] if rows else header_row
    for ref in merged:
        c1, r1, _, r2 = range_boundaries(str(ref))
        if r2 >= header_row and r1 <= last and c1 <= width:
            raise InputError(f"cells {ref} are merged inside the table",
                             location=loc.with_(row=r1),
                             hint="unmerge them (Home > Merge & Center) and fill every cell")
    columns = _columns(header, records, loc.with_(row=header_row),
                       lambda i: get_column_letter(i + 1))
    return _frame(records, rows, columns, {"file": str(p), "sheet": title, "header": header})


def _check_cell(cell: dict, row: int, loc: Location, cell_name: Any) -> None:
    name = cell_name(row, cell["column"])
    if cell["formula"] and cell["value"] is None:
        raise InputError(f"cell {name} holds a formula without a calculated value",
                         location=loc.with_(row=row),
                         hint="open the file in Excel and save it (so values are calculated), "
                              "or paste the values (Paste Special > Values)")
    if cell["data_type"] == "e":
        raise InputError(f"cell {name} holds the Excel error {cell['value']}",
                         location=loc.with_(row=row),
                         hint="fix the formula or clear the cell")
