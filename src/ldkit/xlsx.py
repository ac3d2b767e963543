"""Formatted authoring workbooks: the pieces every ldkit workbook writer shares.

A README sheet of instructions, and data sheets with a bold coloured header,
readable column widths, wrapped long text, a frozen header row, an
auto-filter, and text starting with "=" kept as text (never a formula).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["HEADER_FILL", "readme_sheet", "table_sheet"]

HEADER_FILL = "1F4E5F"


def readme_sheet(wb: Any, lines: Iterable[tuple[str, str]], *, title: str = "README") -> Any:
    """Make the workbook's active sheet the README; ``lines`` are (text, kind) pairs,
    kind "title" (large bold), "h" (bold) or "" (plain)."""
    from openpyxl.styles import Font

    ws = wb.active
    ws.title = title
    for i, (text, kind) in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1, value=text)
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
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:  # text that starts with '=' is text, not a formula
            if cell.data_type == "f":
                cell.data_type = "s"
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
