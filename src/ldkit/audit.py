"""Check deliverables before they leave: no personal identifiers, no small-group aggregates.

:func:`audit_deliverables` opens every ``.html``, ``.xlsx`` and ``.pptx`` file
under a folder, reads its text and its tables, and returns one row per
finding; :func:`check_audit` turns findings into an error (what the command
line uses to stop a hand-over). Two kinds of finding:

``personal identifier``
    an e-mail address anywhere (text, table cells, sheet names, document
    properties, speaker notes), or one of the given identifier strings
    (names, employee numbers), compared case-insensitively;
``small group``
    a table row whose group size (a column named ``n`` or ``n_<something>``)
    is above 0 and below the minimum group size while an aggregate of that
    group is shown. A hidden aggregate (blank, "–") passes, so a suppressed
    row passes. An ``n_<rater>`` column is checked against the columns ending
    in ``_<rater>`` (``n_manager`` against ``mean_manager``) where there are
    such columns; ``n`` against every other numeric column except the
    exempt ones (design values shown for every group, such as
    ``required_level`` and ``weight``).

In a workbook a value is a number cell; in HTML and slides, where every
cell is text, a value is text that reads as a number ("1,234", "2.50", "40%").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

from ldkit._params import check_number, param_error
from ldkit.disclosure import is_small
from ldkit.errors import (
    InputError,
    InputFileNotFoundError,
    Location,
    ParameterError,
    UnsupportedFormatError,
)
from ldkit.vocabulary import column_key

__all__ = ["EXEMPT_COLUMNS", "FINDING_COLUMNS", "audit_deliverables", "check_audit"]

FINDING_COLUMNS = ("file", "location", "kind", "detail")
EXEMPT_COLUMNS = ("required_level", "weight")
SUFFIXES = (".html", ".htm", ".xlsx", ".pptx", ".docx", ".csv")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_BLANKS = {"", "–", "—", "-", "nan", "n/a", "na", "none", "."}


def _is_n(name: str) -> bool:
    return name == "n" or name.startswith("n_")


def _number(value: Any, *, parse_text: bool) -> float | None:
    """The value as a number, or None (blank, text, or a boolean)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if value != value else float(value)
    if not (parse_text and isinstance(value, str)):
        return None
    text = value.strip().lower()
    if text in _BLANKS:
        return None
    text = (text.replace(",", "").replace("\u202f", "").replace("\xa0", "")
            .replace(" ", "").replace("−", "-").removesuffix("%"))
    try:
        number = float(text)
    except ValueError:
        return None
    return None if number != number else number


def _mask(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"


class _Scanner:
    """Collects the findings of one file."""

    def __init__(self, file: str, *, min_n: int, identifiers: Sequence[str],
                 exempt: Iterable[str], exact: Sequence[str] = ()) -> None:
        self.file = file
        self.min_n = min_n
        # whole words only: the name 'Ana' must not match 'Analysis'
        originals = {i.casefold(): i for i in identifiers if i}
        self.identifiers = originals
        self._pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(k) for k in sorted(originals, key=len,
                                                                 reverse=True)) + r")(?!\w)",
            re.IGNORECASE) if originals else None
        # identifiers that are also ordinary words: matched only as written
        self.exact = {i: i for i in exact if i}
        self._exact = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(k) for k in sorted(self.exact, key=len,
                                                                 reverse=True)) + r")(?!\w)"
        ) if self.exact else None
        self.exempt = {e.strip().lower() for e in exempt}
        self.rows: list[tuple[str, str, str, str]] = []
        self._seen: set[tuple[str, str, str]] = set()

    def add(self, location: str, kind: str, detail: str) -> None:
        if (location, kind, detail) not in self._seen:
            self._seen.add((location, kind, detail))
            self.rows.append((self.file, location, kind, detail))

    def text(self, text: Any, location: str) -> None:
        if not isinstance(text, str) or not text:
            return
        for match in EMAIL.finditer(text):
            self.add(location, "personal identifier", f"e-mail address {_mask(match[0])}")
        if self._pattern is not None:
            for match in self._pattern.finditer(text):
                original = self.identifiers.get(match[1].casefold(), match[1])
                self.add(location, "personal identifier", f"identifier '{original}'")
        if self._exact is not None:
            for match in self._exact.finditer(text):
                self.add(location, "personal identifier", f"identifier '{match[1]}'")

    def table(self, rows: Iterable[tuple[int, Sequence[Any]]], label: str, *,
              parse_text: bool) -> None:
        """Check the rows under each header row that names a group-size column: a small
        group's aggregate shown (each row), a hidden group recoverable by subtraction (each
        block of rows, :func:`ldkit.disclosure.check_table`)."""
        header: list[str] | None = None
        names: list[str] = []
        block: list[tuple[int, Sequence[Any]]] = []
        for number, cells in rows:
            texts = [str(c).strip() if c is not None else "" for c in cells]
            keys = [column_key(t) for t in texts]  # display names read as column names
            if any(_is_n(k) and "<" not in t for k, t in zip(keys, texts, strict=True)) \
                    and not any(_number(c, parse_text=True) is not None for c in cells) \
                    and not any(t in _BLANKS - {""} for t in texts):  # a hidden row's marker
                self._block(header, names, block, label)
                header, names, block = keys, texts, []
                continue
            if header is not None:
                block.append((number, cells))
                self._row(header, names, cells, number, label, parse_text=parse_text)
        self._block(header, names, block, label)

    def _block(self, header: list[str] | None, names: list[str],
               block: list[tuple[int, Sequence[Any]]], label: str) -> None:
        """The subtraction rule of :mod:`ldkit.disclosure` on one table of rows."""
        from ldkit.disclosure import check_table

        if header is None or len(block) < 2:
            return
        width = len(header)
        frame = pd.DataFrame([list(cells)[:width] + [None] * (width - len(cells))
                              for _, cells in block],
                             columns=[k or f"column {i + 1}" for i, k in enumerate(header)])
        frame = frame.loc[:, ~frame.columns.duplicated()]
        try:
            found = check_table(frame, min_group_size=self.min_n, parent="auto")
        except (ValueError, KeyError, TypeError):  # a table ldkit cannot read as groups
            return
        for f in found:
            if f.rule != "recoverable":
                continue  # the row rule above reports small groups, with rater columns
            number = block[f.row][0]
            self.add(f"{label}, row {number}", "small group", f.detail)

    def _row(self, header: list[str], names: list[str], cells: Sequence[Any], number: int,
             label: str, *, parse_text: bool) -> None:
        def shown(j: int) -> bool:
            value = cells[j] if j < len(cells) else None
            if isinstance(value, str) and value.startswith("="):  # a formula
                return True
            return _number(value, parse_text=parse_text) is not None

        values = [j for j, k in enumerate(header) if k and not _is_n(k) and k not in self.exempt]
        for i, key in enumerate(header):
            if not _is_n(key) or i >= len(cells):
                continue
            n = _number(cells[i], parse_text=True)
            if n is None or not is_small(n, min_group_size=self.min_n):
                continue
            suffix = key[1:] if key != "n" else ""
            paired = [j for j in values if suffix and header[j].endswith(suffix)]
            visible = [header[j] for j in (paired or values) if shown(j)]
            if visible:
                listed = ", ".join(visible[:3]) + (", ..." if len(visible) > 3 else "")
                self.add(f"{label}, row {number}, column '{names[i]}'", "small group",
                         f"{key} = {n:g} (fewer than {self.min_n}) but {listed} shown")
                return


class _HtmlParser(HTMLParser):
    """Text chunks (with their place) and tables (rows of cell text) of an HTML file."""

    ATTRIBUTES = ("alt", "title", "href", "content", "aria-label", "value", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[str, str]] = []
        self.tables: list[list[list[str]]] = []
        self._open: list[int] = []
        self._cell: list[str] | None = None
        self._style = 0

    def _where(self) -> str:
        if self._open and self._cell is not None:
            t = self._open[-1]
            return f"table {t + 1}, row {len(self.tables[t])}"
        return f"line {self.getpos()[0]}"

    def _close_cell(self) -> None:
        if self._cell is not None and self._open:
            rows = self.tables[self._open[-1]]
            if rows:
                rows[-1].append("".join(self._cell))
        self._cell = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in self.ATTRIBUTES and not value.startswith("data:"):
                self.texts.append((value, f"line {self.getpos()[0]}"))
        if tag == "style":
            self._style += 1
        elif tag == "table":
            self._close_cell()
            self.tables.append([])
            self._open.append(len(self.tables) - 1)
        elif tag == "tr" and self._open:
            self._close_cell()
            self.tables[self._open[-1]].append([])
        elif tag in ("td", "th") and self._open:
            self._close_cell()
            if not self.tables[self._open[-1]]:
                self.tables[self._open[-1]].append([])
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._style = max(self._style - 1, 0)
        elif tag in ("td", "th", "tr"):
            self._close_cell()
        elif tag == "table" and self._open:
            self._close_cell()
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._style:
            return
        if self._cell is not None:
            self._cell.append(data)
        self.texts.append((data, self._where()))


def _scan_html(path: Path, scan: _Scanner) -> None:
    parser = _HtmlParser()
    parser.feed(path.read_bytes().decode("utf-8", errors="replace"))
    parser.close()
    for text, where in parser.texts:
        scan.text(text, where)
    for t, rows in enumerate(parser.tables, start=1):
        scan.table(enumerate(rows, start=1), f"table {t}", parse_text=True)


def _scan_xlsx(path: Path, scan: _Scanner) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        props = wb.properties
        for name in ("creator", "lastModifiedBy", "title", "subject", "keywords",
                     "description"):
            scan.text(getattr(props, name, None), "document properties")
        for ws in wb.worksheets:
            scan.text(ws.title, f"sheet name '{ws.title}'")
            rows = []
            for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
                for c, value in enumerate(values, start=1):
                    if isinstance(value, str):
                        scan.text(value, f"sheet '{ws.title}', cell {get_column_letter(c)}{r}")
                rows.append((r, values))
            scan.table(rows, f"sheet '{ws.title}'", parse_text=False)
    finally:
        wb.close()


def _shapes(shapes: Iterable[Any]) -> Iterable[Any]:
    for shape in shapes:
        if hasattr(shape, "shapes"):  # a group
            yield from _shapes(shape.shapes)
        else:
            yield shape


_CONTINUED = re.compile(r"^(?P<title>.*) \((?P<k>\d+) of (?P<n>\d+)\)$")


def _scan_pptx(path: Path, scan: _Scanner) -> None:
    """Text everywhere; tables checked as the reader meets them: a table continued on
    the next slides ("Gaps (2 of 3)", header repeated) is checked as one table."""
    from pptx import Presentation

    prs = Presentation(str(path))
    props = prs.core_properties
    for name in ("author", "last_modified_by", "title", "subject", "keywords", "comments",
                 "category"):
        scan.text(getattr(props, name, None), "document properties")
    continued: dict[str, tuple[int, list[tuple[int, list[str]]]]] = {}
    for s, slide in enumerate(prs.slides, start=1):
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        part = _CONTINUED.match(title.strip())
        t = 0
        for shape in _shapes(slide.shapes):
            if shape.has_text_frame:
                scan.text(shape.text_frame.text, f"slide {s}")
            if getattr(shape, "has_table", False):
                t += 1
                rows = [(r, [cell.text for cell in row.cells])
                        for r, row in enumerate(shape.table.rows, start=1)]
                for r, cells in rows:
                    for cell in cells:
                        scan.text(cell, f"slide {s}, table {t}, row {r}")
                if part is None or t > 1:
                    scan.table(rows, f"slide {s}, table {t}", parse_text=True)
                    continue
                first, gathered = continued.get(part["title"], (s, []))
                gathered += rows if int(part["k"]) == 1 or not gathered else rows[1:]
                continued[part["title"]] = (first, gathered)
                if part["k"] == part["n"]:
                    numbered = [(i, cells) for i, (_, cells) in enumerate(gathered, start=1)]
                    scan.table(numbered, f"slides {first}-{s}, table", parse_text=True)
                    del continued[part["title"]]
        if slide.has_notes_slide:
            scan.text(slide.notes_slide.notes_text_frame.text, f"slide {s} notes")
    for title, (first, gathered) in continued.items():  # a series cut short
        numbered = [(i, cells) for i, (_, cells) in enumerate(gathered, start=1)]
        scan.table(numbered, f"slides from {first} ('{title}'), table", parse_text=True)


def _scan_docx(path: Path, scan: _Scanner) -> None:
    from docx import Document

    doc = Document(str(path))
    props = doc.core_properties
    for name in ("author", "last_modified_by", "title", "subject", "keywords", "comments"):
        scan.text(getattr(props, name, None), "document properties")
    for i, para in enumerate(doc.paragraphs, start=1):
        scan.text(para.text, f"paragraph {i}")
    for t, table in enumerate(doc.tables, start=1):
        rows = [(r, [cell.text for cell in row.cells]) for r, row in enumerate(table.rows, 1)]
        for r, cells in rows:
            for cell in cells:
                scan.text(cell, f"table {t}, row {r}")
        scan.table(rows, f"table {t}", parse_text=True)
    for section in doc.sections:
        for part in (section.header, section.footer):
            for para in part.paragraphs:
                scan.text(para.text, "header or footer")


def _scan_csv(path: Path, scan: _Scanner) -> None:
    import csv
    import io

    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    rows = list(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))
    for r, cells in rows:
        for c, cell in enumerate(cells, start=1):
            scan.text(cell, f"row {r}, column {c}")
    scan.table(rows, "table", parse_text=True)


_READERS = {".html": (_scan_html, "an HTML page"), ".htm": (_scan_html, "an HTML page"),
            ".docx": (_scan_docx, "a Word document"), ".csv": (_scan_csv, "a CSV file"),
            ".xlsx": (_scan_xlsx, "an Excel workbook"),
            ".pptx": (_scan_pptx, "a PowerPoint deck")}


def audit_deliverables(
    folder: str | Path,
    *,
    min_group_size: int = 5,
    identifiers: Iterable[str] = (),
    exempt_columns: Iterable[str] = EXEMPT_COLUMNS,
    skip: Iterable[str] = (),
    exact_identifiers: Iterable[str] = (),
) -> pd.DataFrame:
    """Find personal identifiers and small-group aggregates in deliverables.

    Parameters
    ----------
    folder : str or Path
        A folder (searched recursively for ``.html``, ``.htm``, ``.xlsx``,
        ``.pptx``; Office lock files ``~$...`` and hidden files are skipped) or
        one such file.
    min_group_size : int
        The minimum group size (default 5): a row with 0 < n < min_group_size
        must show no aggregate.
    identifiers : iterable of str
        Strings that must not appear, e.g. respondent names or employee ids;
        compared case-insensitively as substrings.
    exempt_columns : iterable of str
        Numeric columns that may be shown for a small group because they
        describe the design, not the respondents (default ``required_level``,
        ``weight``).
    skip : iterable of str
        Subfolders of ``folder`` not to audit: documents addressed to one person
        (e.g. ``plans``, the personal learning plans), which carry that person's name
        by design and no aggregate.
    exact_identifiers : iterable of str
        Identifiers that are also ordinary words (a last name "Green"): matched
        only as written, case-sensitively, so the same word in another case (the
        status "green") is not a finding.

    Returns
    -------
    DataFrame
        One row per finding: file (relative to ``folder``), location (sheet,
        row and column; slide and table; HTML table and row, or line), kind
        ("personal identifier" or "small group") and detail. E-mail addresses
        are shown masked. Empty when the deliverables pass.

    Raises
    ------
    InputFileNotFoundError
        If ``folder`` does not exist.
    UnsupportedFormatError
        If a file cannot be opened as what its extension says.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from ldkit.deliverables import Report, Section, Table, render_html
    >>> rows = pd.DataFrame({"role": ["rep", "kam"], "n": [12, 3], "mean_gap": [0.8, 1.5]})
    >>> report = Report("Acme", "Needs", sections=(Section("Gaps", tables=(Table("Gap", rows),)),))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = render_html(report, f"{folder}/report.html")
    ...     findings = audit_deliverables(folder)
    >>> findings[["location", "kind"]].to_numpy().tolist()
    [["table 1, row 3, column 'n'", 'small group']]
    """
    func = "audit_deliverables"
    if not isinstance(folder, str | Path):
        raise param_error("folder", func, "a str or Path", folder)
    check_number("min_group_size", min_group_size, func=func, low=1, integer=True)
    needles = _strings("identifiers", identifiers, func)
    exact = _strings("exact_identifiers", exact_identifiers, func)
    exempt = _strings("exempt_columns", exempt_columns, func)
    root = Path(folder)
    if not root.exists():
        raise InputFileNotFoundError(root, hint="give the folder of the deliverables")
    if root.is_file():
        files, base = [root], root.parent
    else:
        skipped = [root / s for s in _strings("skip", skip, func)]
        files = sorted(p for p in root.rglob("*")
                       if p.is_file() and p.suffix.lower() in SUFFIXES
                       and not p.name.startswith(("~$", "."))
                       and not any(p.is_relative_to(d) for d in skipped))
        base = root
    rows: list[tuple[str, str, str, str]] = []
    for path in files:
        if path.suffix.lower() not in _READERS:
            raise UnsupportedFormatError(
                f"{path}: cannot audit a '{path.suffix}' file",
                location=Location(file=str(path)), hint="give a .html, .xlsx or .pptx file")
        read, what = _READERS[path.suffix.lower()]
        name = path.relative_to(base).as_posix()
        scan = _Scanner(name, min_n=min_group_size, identifiers=needles, exempt=exempt,
                        exact=exact)
        try:
            read(path, scan)
        except Exception as exc:  # any failure of a third-party reader on a bad file
            raise UnsupportedFormatError(
                f"{path} cannot be opened as {what}: {exc}", location=Location(file=str(path)),
                hint="re-render it, or remove it from the folder") from exc
        rows.extend(scan.rows)
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS), dtype=object)


def _strings(name: str, value: Any, func: str) -> list[str]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise param_error(name, func, "a sequence of strings (not one string)", value)
    items = list(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise param_error(name, func, "a sequence of non-empty strings", item)
    return [i.strip() for i in items]


def check_audit(findings: pd.DataFrame) -> None:
    """Raise :class:`~ldkit.errors.InputError` if the audit found anything.

    Parameters
    ----------
    findings : DataFrame
        :func:`audit_deliverables` output.

    Raises
    ------
    InputError
        Naming the number of findings and the first one, located at its file.

    Examples
    --------
    >>> check_audit(pd.DataFrame(columns=list(FINDING_COLUMNS)))  # passes silently
    """
    if not isinstance(findings, pd.DataFrame) or not set(FINDING_COLUMNS) <= set(
            findings.columns):
        raise ParameterError(
            "The 'findings' parameter of check_audit must be a DataFrame with columns "
            f"{', '.join(FINDING_COLUMNS)}. Got {type(findings).__name__}.")
    if findings.empty:
        return
    first = findings.iloc[0]
    n = len(findings)
    raise InputError(
        f"{n} finding{'s' if n > 1 else ''} in the deliverables; first: {first['kind']} at "
        f"{first['location']}: {first['detail']}",
        location=Location(file=str(first["file"])),
        hint="remove identifiers and hide aggregates of small groups, then re-render")
