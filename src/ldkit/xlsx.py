"""Formatted authoring workbooks: the pieces every ldkit workbook reader and writer shares.

A README sheet of instructions, and data sheets with a bold coloured header,
readable column widths, wrapped long text, a frozen header row, an
auto-filter, and text starting with "=" kept as text (never a formula). Reading
back: :class:`Column` describes a sheet's columns, :func:`read_sheet` finds them
by header (case, spaces, "_" and "-" ignored; aliases accepted) and returns the
rows as records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["HEADER_FILL", "Column", "clean_cell", "keep_text", "norm_header", "read_sheet",
           "readme_sheet", "safe_cell", "table_sheet"]


@dataclass(frozen=True)
class Column:
    """One column of an authoring sheet: its header, the record key it fills, whether it
    is required, its width and wrapping when written, other accepted headers, and the
    line that documents it on the README sheet."""

    header: str
    key: str
    required: bool = False
    width: int = 14
    wrap: bool = False
    aliases: tuple[str, ...] = ()
    doc: str = ""


def norm_header(header: Any) -> str:
    """A header as matched: case-folded, spaces, "_" and "-" as one "_".

    >>> norm_header(" Capability-ID ")
    'capability_id'
    """
    return re.sub(r"[\s_\-]+", "_", str(header).strip().casefold()).strip("_")


def clean_cell(value: Any) -> Any:
    """A cell's value with text stripped; blank text is None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_sheet(ws: Any, spec: Sequence[Column]
               ) -> tuple[list[Column], dict[str, str], list[tuple[int, dict[str, Any]]]]:
    """The columns of ``spec`` found in row 1 of a worksheet, and its rows as records.

    Returns (the required columns missing, key -> header as written or else the spec's
    header, rows as (row number, {key: value}) without blank rows; no rows when a
    required column is missing).
    """
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    by_norm: dict[str, Column] = {}
    for col in spec:
        for name in (norm_header(col.header), col.key, *col.aliases):
            by_norm.setdefault(name, col)
    index: dict[str, int] = {}
    headers = {c.key: c.header for c in spec}
    for i, h in enumerate(header):
        col = by_norm.get(norm_header(h)) if h is not None else None
        if col is not None and col.key not in index:
            index[col.key] = i
            headers[col.key] = str(h).strip()
    missing = [c for c in spec if c.required and c.key not in index]
    if missing:
        return missing, headers, []
    out = []
    for r, values in enumerate(rows, start=2):
        rec = {k: clean_cell(values[i]) if i < len(values) else None for k, i in index.items()}
        if any(v is not None for v in rec.values()):
            out.append((r, rec))
    return missing, headers, out

HEADER_FILL = "1F4E5F"


def safe_cell(cell: Any, value: Any) -> Any:
    """Put ``value`` in an openpyxl cell; text is always a string cell, never a formula.

    openpyxl makes any text starting with "=" a formula (``data_type`` "f"):
    a client name or capability name such as ``=HYPERLINK(...)`` would run
    when the workbook is opened. Every writer of text from inputs uses this
    (or :func:`keep_text` after appending rows). Returns the cell.

    >>> from openpyxl import Workbook
    >>> cell = safe_cell(Workbook().active["A1"], "=1+1")
    >>> cell.value, cell.data_type
    ('=1+1', 's')
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def keep_text(ws: Any, *, min_row: int = 1) -> Any:
    """Make every text cell of a worksheet from ``min_row`` on a string cell (see
    :func:`safe_cell`); for sheets filled with ``ws.append``. Returns the sheet."""
    for cells in ws.iter_rows(min_row=min_row):
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"
    return ws


def readme_sheet(wb: Any, lines: Iterable[tuple[str, str]], *, title: str = "README") -> Any:
    """Make the workbook's active sheet the README; ``lines`` are (text, kind) pairs,
    kind "title" (large bold), "h" (bold) or "" (plain)."""
    from openpyxl.styles import Font

    ws = wb.active
    ws.title = title
    for i, (text, kind) in enumerate(lines, start=1):
        cell = safe_cell(ws.cell(row=i, column=1), text)
        if kind == "title":
            cell.font = Font(bold=True, size=14)
        elif kind:
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 120
    return ws


def table_sheet(wb: Any, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                widths: Sequence[float], wrap: Sequence[bool] | None = None) -> Any:
    """Add a formatted data sheet: header row, rows, widths, wrapping, frozen header."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(list(headers))
    n_rows = 0
    for row in rows:
        ws.append(list(row))
        n_rows += 1
    keep_text(ws)  # text that starts with '=' is text, not a formula (headers too)
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=HEADER_FILL)
    wraps = list(wrap) if wrap is not None else [False] * len(headers)
    for i, (width, wrapped) in enumerate(zip(widths, wraps, strict=True), start=1):
        head = ws.cell(row=1, column=i)
        head.font, head.fill = bold, fill
        ws.column_dimensions[get_column_letter(i)].width = width
        if wrapped:
            for (c,) in ws.iter_rows(min_row=2, max_row=n_rows + 1, min_col=i, max_col=i):
                c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    if n_rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n_rows + 1}"
    return ws
