"""Client deliverables from one plain spec: an HTML report, an Excel workbook, a slide deck.

A :class:`Report` is data only: the client, a title, key findings, sections of
paragraphs, :class:`Table` objects (DataFrames) and :class:`Figure` objects
(PNG bytes), and next steps. Three renderers turn the same spec into the
three files a consultant hands over::

    Report ──┬── render_html      one self-contained .html (no script; figures inline)
             ├── render_workbook  .xlsx: a Summary sheet, then one formatted sheet per table
             └── render_deck      .pptx (16:9): title, agenda, findings, figures, tables, steps

Numbers read the same everywhere: a column's explicit Excel format if the
table gives one (``number_formats``), else shares (columns whose name starts
with ``share``) as percentages, other floats with two decimals, integers as
integers. Missing values are blank in the workbook and "–" in the HTML and the
deck; a table with a ``suppressed`` column gets the legend "– : hidden, fewer
than N respondents".

Every file is written atomically (:func:`ldkit.io.atomic_path`): a render that
fails midway leaves the previous deliverable in place.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import numbers
import re
import reprlib
import struct
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldkit._params import check_number
from ldkit.errors import ParameterError
from ldkit.io import atomic_path

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "Figure",
    "Report",
    "Section",
    "Table",
    "figure_png",
    "render_deck",
    "render_html",
    "render_workbook",
]

DASH = "–"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BRAND = "1F4E5F"
ROWS_PER_SLIDE = 12
BULLETS_PER_SLIDE = 8
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FORMAT = re.compile(r"(?P<int>[#0,]*0)(?:\.(?P<dec>0+))?(?P<pct>%?)")


# --------------------------------------------------------------------------- validation


class _Brief:
    """A short repr of a bad value for an error message (never a whole DataFrame)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        if isinstance(self.value, pd.DataFrame | pd.Series | np.ndarray | bytes | bytearray):
            return f"a {type(self.value).__name__}"
        return reprlib.repr(self.value)


def _error(name: str, func: str, constraint: str, value: Any) -> ParameterError:
    return ParameterError(
        f"The '{name}' parameter of {func} must be {constraint}. Got {_Brief(value)!r}.")


def _check_text(name: str, value: Any, *, func: str, required: bool = False) -> None:
    if not isinstance(value, str):
        raise _error(name, func, "a string", value)
    if required and not value.strip():
        raise _error(name, func, "a non-empty string", value)


def _check_items(name: str, value: Any, kind: type | tuple[type, ...], *, func: str,
                 what: str) -> tuple:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise _error(name, func, f"a sequence of {what}", value)
    items = tuple(value)
    for item in items:
        if not isinstance(item, kind):
            raise _error(name, func, f"a sequence of {what}", item)
    return items


def _check_report(report: Any, func: str) -> None:
    if not isinstance(report, Report):
        raise _error("report", func, "a ldkit.deliverables.Report", report)


def _check_path(path: Any, func: str, suffixes: Sequence[str]) -> Path:
    if not isinstance(path, str | Path):
        raise _error("path", func, "a str or Path", path)
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise _error("path", func, f"a file name ending in {' or '.join(suffixes)}", str(path))
    if target.is_dir():
        raise _error("path", func, "a file path, not a folder", str(path))
    return target


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class Table:
    """A table of a deliverable: a DataFrame with a title, a note and number formats.

    Parameters
    ----------
    title : str
        Shown above the table; also the workbook sheet name (shortened and
        made unique) and the slide title.
    data : DataFrame
        The rows as they should read. A non-default index is shown as columns.
    note : str, optional
        One line under the table (source, base, caveat).
    number_formats : mapping of str to str, optional
        Column name -> Excel number format (``"0.00"``, ``"0%"``, ``"#,##0"``).
        Columns not listed get the defaults: shares (name starts with
        ``share``) ``"0%"``, floats ``"0.00"``, integers ``"0"``.
    slide : bool, default True
        Whether the deck shows the table; False keeps a detail table in the HTML
        report and the workbook only (the deck's notes name it), so the deck stays
        a presentation.

    Examples
    --------
    >>> import pandas as pd
    >>> t = Table("Gap by role", pd.DataFrame({"role": ["rep"], "n": [12], "mean_gap": [0.8]}),
    ...           number_formats={"mean_gap": "0.0"})
    >>> dict(t.number_formats)
    {'mean_gap': '0.0'}
    """

    title: str
    data: pd.DataFrame
    note: str = ""
    number_formats: Mapping[str, str] = field(default_factory=dict)
    slide: bool = True

    def __post_init__(self) -> None:
        _check_text("title", self.title, func="Table", required=True)
        if not isinstance(self.slide, bool):
            raise _error("slide", "Table", "True or False", self.slide)
        if not isinstance(self.data, pd.DataFrame):
            raise _error("data", "Table", "a pandas DataFrame", self.data)
        _check_text("note", self.note, func="Table")
        if not isinstance(self.number_formats, Mapping):
            raise _error("number_formats", "Table", "a mapping of column name to format",
                         self.number_formats)
        columns = list(_prepared(self.data).columns)
        if not columns:
            raise _error("data", "Table", "a DataFrame with at least one column", self.data)
        for column, fmt in self.number_formats.items():
            if column not in columns:
                raise _error("number_formats", "Table",
                             f"keyed by columns of the table ({', '.join(columns)})", column)
            if not isinstance(fmt, str) or not fmt.strip():
                raise _error("number_formats", "Table", "a mapping to non-empty format strings",
                             fmt)
        object.__setattr__(self, "number_formats", MappingProxyType(dict(self.number_formats)))


@dataclass(frozen=True)
class Figure:
    """A figure of a deliverable: PNG bytes with a title and a caption.

    Parameters
    ----------
    title : str
        Shown with the figure; the slide title in the deck.
    png : bytes
        The image, e.g. from :func:`figure_png`.
    caption : str, optional
        One or two sentences under the figure: what to read from it.
    """

    title: str
    png: bytes
    caption: str = ""

    def __post_init__(self) -> None:
        _check_text("title", self.title, func="Figure", required=True)
        if not isinstance(self.png, bytes | bytearray):
            raise _error("png", "Figure", "PNG bytes", self.png)
        if not bytes(self.png[:8]) == PNG_SIGNATURE or len(self.png) < 24:
            raise _error("png", "Figure", "PNG bytes (they start with the PNG signature)",
                         bytes(self.png[:8]))
        object.__setattr__(self, "png", bytes(self.png))
        _check_text("caption", self.caption, func="Figure")

    @property
    def pixels(self) -> tuple[int, int]:
        """Width and height of the image in pixels (from the PNG header)."""
        width, height = struct.unpack(">II", self.png[16:24])
        return int(width), int(height)


@dataclass(frozen=True)
class Section:
    """A titled part of a report: paragraphs, then figures, then tables.

    In the deck the paragraphs go to the speaker notes of the section's first
    slide (a section without figures or tables gets one text slide).
    """

    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()

    def __post_init__(self) -> None:
        _check_text("title", self.title, func="Section", required=True)
        object.__setattr__(self, "paragraphs", _check_items(
            "paragraphs", self.paragraphs, str, func="Section", what="strings"))
        object.__setattr__(self, "tables", _check_items(
            "tables", self.tables, Table, func="Section", what="Table objects"))
        object.__setattr__(self, "figures", _check_items(
            "figures", self.figures, Figure, func="Section", what="Figure objects"))


@dataclass(frozen=True)
class Report:
    """A client deliverable, as data; render it with the ``render_*`` functions.

    Parameters
    ----------
    client : str
        The client's name, shown on every deliverable.
    title : str
        E.g. "Needs analysis".
    subtitle, date : str, optional
        Shown under the title (``date`` as written, e.g. "March 2025").
    key_findings : sequence of str
        One sentence each; a bullet list up front.
    sections : sequence of Section
        The body, in reading order.
    next_steps : sequence of str
        One action each; the closing list.
    min_group_size : int
        The minimum group size the tables apply (default 5), quoted in the
        legend of hidden values.
    footer : str
        Footer text (default "Confidential").
    """

    client: str
    title: str
    subtitle: str = ""
    date: str = ""
    key_findings: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    next_steps: tuple[str, ...] = ()
    min_group_size: int = 5
    footer: str = "Confidential"

    def __post_init__(self) -> None:
        _check_text("client", self.client, func="Report", required=True)
        _check_text("title", self.title, func="Report", required=True)
        for name in ("subtitle", "date", "footer"):
            _check_text(name, getattr(self, name), func="Report")
        for name in ("key_findings", "next_steps"):
            object.__setattr__(self, name, _check_items(
                name, getattr(self, name), str, func="Report", what="strings"))
        object.__setattr__(self, "sections", _check_items(
            "sections", self.sections, Section, func="Report", what="Section objects"))
        check_number("min_group_size", self.min_group_size, func="Report", low=1, integer=True)

    def tables(self) -> list[tuple[Section, Table]]:
        """Every table with its section, in reading order."""
        return [(s, t) for s in self.sections for t in s.tables]


def figure_png(fig: MplFigure, *, dpi: float = 150) -> bytes:
    """The PNG bytes of a matplotlib figure (tight bounding box, white background).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; it is not closed.
    dpi : float
        Resolution (default 150: sharp on slides and in print, small in HTML).

    Examples
    --------
    >>> from matplotlib.figure import Figure as MplFigure
    >>> fig = MplFigure(figsize=(3, 2))
    >>> _ = fig.add_subplot().bar(["a", "b"], [1, 2])
    >>> figure_png(fig, dpi=50)[:4]
    b'\\x89PNG'
    """
    from matplotlib.figure import Figure as MplFigure

    if not isinstance(fig, MplFigure):
        raise _error("fig", "figure_png", "a matplotlib Figure", fig)
    check_number("dpi", dpi, func="figure_png", low=10, high=1200)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


# --------------------------------------------------------------------------- cell values


def _prepared(data: pd.DataFrame) -> pd.DataFrame:
    """The frame as shown: a meaningful index becomes columns; column names become text."""
    frame = data
    index = frame.index
    default = (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
               and index.name is None)
    if not default:
        frame = frame.reset_index()
    if isinstance(frame.columns, pd.MultiIndex):
        names = [" / ".join(str(p) for p in col if str(p)) for col in frame.columns]
    else:
        names = [str(c) for c in frame.columns]
    if names != list(frame.columns):
        frame = frame.set_axis(names, axis=1)
    return frame


def _scalar(value: Any) -> Any:
    if isinstance(value, pd.Timestamp | pd.Timedelta):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # containers
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _number_format(value: Any, column: str, explicit: str | None, *, grouped: bool
                   ) -> str | None:
    """The Excel format of one value: the explicit one, else the default of its kind."""
    if explicit:
        return explicit
    if not _is_number(value):
        return None
    if column.lower().startswith("share"):
        return "0%"
    if isinstance(value, numbers.Integral):
        return "#,##0" if grouped else "0"
    return "#,##0.00" if grouped else "0.00"


def _apply_format(value: float, fmt: str) -> str:
    """Format a number as the Excel format ``fmt`` would show it (simple formats only)."""
    match = _FORMAT.fullmatch(fmt.strip())
    if match is None:  # a format we do not translate: a plain readable number
        return f"{value:,}" if isinstance(value, numbers.Integral) else f"{value:,.2f}"
    decimals = len(match["dec"] or "")
    comma = "," if "," in match["int"] else ""
    if match["pct"]:
        return f"{value * 100:{comma}.{decimals}f}%"
    if isinstance(value, numbers.Integral) and decimals == 0:
        return f"{value:{comma}d}"
    return f"{value:{comma}.{decimals}f}"


def _cell_text(value: Any, column: str, explicit: str | None) -> str:
    """A value as text for the HTML report and the deck."""
    value = _scalar(value)
    if _is_missing(value):
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if _is_number(value):
        if not math.isfinite(value):
            return str(value)
        fmt = _number_format(value, column, explicit, grouped=True)
        return _apply_format(value, fmt)
    return str(value)


def _is_numeric_column(series: pd.Series) -> bool:
    return (pd.api.types.is_numeric_dtype(series.dtype)
            and not pd.api.types.is_bool_dtype(series.dtype))


def _legend(table: Table, min_group_size: int) -> str:
    """The legend of hidden values, for a table with a ``suppressed`` column."""
    frame = _prepared(table.data)
    if "suppressed" not in frame.columns:
        return ""
    text = f"{DASH} : hidden, fewer than {min_group_size} respondents"
    reasons = frame["suppressed"].astype("string").str.lower().fillna("")
    if reasons.str.startswith("compl").any():
        text += "; or hidden so that a hidden group cannot be worked out from the total"
    return text + "."


def _texts(table: Table) -> tuple[list[str], list[bool], list[list[str]]]:
    """Header, numeric flag per column, and every row as formatted text."""
    frame = _prepared(table.data)
    header = list(frame.columns)
    numeric = [_is_numeric_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    formats = [table.number_formats.get(c) for c in header]
    rows = [[_cell_text(v, c, f) for v, c, f in zip(row, header, formats, strict=True)]
            for row in frame.itertuples(index=False, name=None)]
    return header, numeric, rows


# --------------------------------------------------------------------------- HTML


def _slug(text: str, taken: set[str]) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"
    slug, k = base, 2
    while slug in taken:
        slug, k = f"{base}-{k}", k + 1
    taken.add(slug)
    return slug


def _html_context(report: Report) -> dict[str, Any]:
    taken = {"contents", "key-findings", "next-steps"}
    toc: list[dict[str, str]] = []
    if report.key_findings:
        toc.append({"id": "key-findings", "title": "Key findings"})
    sections = []
    for section in report.sections:
        sid = _slug(section.title, taken)
        toc.append({"id": sid, "title": section.title})
        figures = [{"id": _slug(f"{sid}-figure-{i}", taken), "title": f.title,
                    "caption": f.caption, "data": base64.b64encode(f.png).decode("ascii")}
                   for i, f in enumerate(section.figures, start=1)]
        tables = []
        for i, table in enumerate(section.tables, start=1):
            header, numeric, rows = _texts(table)
            tables.append({
                "id": _slug(f"{sid}-table-{i}", taken), "title": table.title,
                "note": table.note, "legend": _legend(table, report.min_group_size),
                "header": list(zip(header, numeric, strict=True)),
                "rows": [list(zip(row, numeric, strict=True)) for row in rows],
            })
        sections.append({"id": sid, "title": section.title,
                         "paragraphs": section.paragraphs, "figures": figures,
                         "tables": tables})
    if report.next_steps:
        toc.append({"id": "next-steps", "title": "Next steps"})
    return {"report": report, "toc": toc, "sections": sections}


def render_html(report: Report, path: str | Path) -> Path:
    """Write the report as one self-contained HTML file.

    The file holds no script and loads nothing: the style sheet is inline and
    figures are embedded as base64 ``data:`` URIs, so it opens offline and
    prints cleanly. It has the client name, a table of contents linking to
    every section, the key findings, each section (paragraphs, figures,
    tables with right-aligned formatted numbers, "–" for hidden values), and
    the next steps. All text is HTML-escaped.

    Parameters
    ----------
    report : Report
    path : str or Path
        The ``.html`` file to write (replaced atomically).

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> table = Table("Respondents", pd.DataFrame({"role": ["rep", "kam"], "n": [40, 12]}))
    >>> report = Report("Acme", "Needs analysis", sections=(Section("Sample", tables=(table,)),))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     html = render_html(report, f"{folder}/report.html").read_text(encoding="utf-8")
    >>> 'href="#sample"' in html and "<script" not in html
    True
    """
    _check_report(report, "render_html")
    target = _check_path(path, "render_html", (".html", ".htm"))
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    folder = resources.files("ldkit").joinpath("templates", "report")
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    html = env.get_template("report.html.j2").render(**_html_context(report))
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target


# --------------------------------------------------------------------------- workbook


def _sheet_names(titles: Sequence[str], taken: Iterable[str]) -> list[str]:
    """Valid, unique (case-insensitively, as Excel compares) sheet names for ``titles``."""
    used = {t.lower() for t in taken}
    names = []
    for title in titles:
        base = _SHEET_FORBIDDEN.sub(" ", title)
        base = " ".join(base.split()).strip("'") or "Table"
        if base.lower() == "history":  # reserved by Excel
            base = "History table"
        name, k = base[:31], 2
        while name.lower() in used:
            suffix = f" ({k})"
            name, k = base[: 31 - len(suffix)].rstrip() + suffix, k + 1
        used.add(name.lower())
        names.append(name)
    return names


def _excel_value(value: Any) -> Any:
    """A value openpyxl writes faithfully; None for missing."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = _scalar(value)
    if _is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if isinstance(value, pd.Timedelta):
        return value.to_pytimedelta()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, bool | int | float | dt.date | dt.time | dt.timedelta):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _header_footer_text(text: str) -> str:
    return text.replace("&", "&&")


def _write_table_sheet(ws: Any, table: Table, report: Report) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    frame = _prepared(table.data)
    header = list(frame.columns)
    formats = [table.number_formats.get(c) for c in header]
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor=BRAND)
    for c, name in enumerate(header, start=1):
        cell = ws.cell(row=1, column=c, value=_excel_value(name))
        cell.font, cell.fill = head_font, head_fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = [len(name) for name in header]
    for r, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for c, (raw, name, explicit) in enumerate(zip(row, header, formats, strict=True),
                                                  start=1):
            value = _excel_value(raw)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            fmt = _number_format(value, name, explicit, grouped=False)
            if isinstance(value, dt.datetime) and not explicit:
                fmt = "yyyy-mm-dd" if value.time() == dt.time(0) else "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date) and not explicit:
                fmt = "yyyy-mm-dd"
            if fmt:
                cell.number_format = fmt
            if r <= 201:
                widths[c - 1] = max(widths[c - 1], len(_cell_text(value, name, explicit)))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
    last = f"{get_column_letter(len(header))}{max(len(frame) + 1, 2)}"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.left.text = _header_footer_text(f"{report.client} – {table.title}")
    ws.oddFooter.left.text = _header_footer_text(report.footer)
    ws.oddFooter.right.text = "Page &P of &N"


def _write_summary(ws: Any, report: Report, sheets: Sequence[tuple[str, Section, Table]]
                   ) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    bold = Font(bold=True)
    heading = Font(bold=True, size=12, color=BRAND)
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100
    ws["A1"] = report.title
    ws["A1"].font = Font(bold=True, size=16, color=BRAND)
    rows: list[tuple[str, str]] = [("Client", report.client)]
    if report.subtitle:
        rows.append(("Subtitle", report.subtitle))
    if report.date:
        rows.append(("Date", report.date))
    rows.append(("Minimum group size",
                 f"Groups of fewer than {report.min_group_size} respondents are not shown "
                 "(empty cells)."))
    r = 3
    for label, text in rows:
        ws.cell(row=r, column=1, value=label).font = bold
        ws.cell(row=r, column=2, value=_excel_value(text)).alignment = wrap
        r += 1

    def block(title: str, items: Sequence[str]) -> None:
        nonlocal r
        if not items:
            return
        r += 1
        ws.cell(row=r, column=1, value=title).font = heading
        r += 1
        for i, item in enumerate(items, start=1):
            ws.cell(row=r, column=1, value=i).alignment = Alignment(horizontal="left")
            ws.cell(row=r, column=2, value=_excel_value(item)).alignment = wrap
            r += 1

    block("Key findings", report.key_findings)
    block("Next steps", report.next_steps)
    if sheets:
        r += 1
        ws.cell(row=r, column=1, value="Tables").font = heading
        r += 1
        for name, section, table in sheets:
            cell = ws.cell(row=r, column=1, value=name)
            quoted = name.replace("'", "''")
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1",
                                       display=name)
            cell.font = Font(color="0563C1", underline="single")
            about = " ".join(p for p in (f"{section.title}: {table.title}.", table.note,
                                         _legend(table, report.min_group_size)
                                         .replace(f"{DASH} :", "Empty cells:")) if p)
            ws.cell(row=r, column=2, value=_excel_value(about)).alignment = wrap
            r += 1
    ws.oddFooter.left.text = _header_footer_text(report.footer)


def render_workbook(report: Report, path: str | Path) -> Path:
    """Write the report's tables as a formatted Excel workbook.

    The first sheet, "Summary", holds the title, client, date, key findings,
    next steps and a linked list of the tables. Then one sheet per table, in
    reading order: sheet names from the table titles (at most 31 characters,
    no ``[]:*?/\\``, unique), a bold white-on-teal header, the header row frozen,
    an auto-filter, readable column widths, and number formats (the table's
    ``number_formats``, else shares ``0%``, floats ``0.00``, integers ``0``).
    Missing values are left empty. Text that starts with "=" is stored as
    text, never as a formula.

    Parameters
    ----------
    report : Report
    path : str or Path
        The ``.xlsx`` file to write (replaced atomically).

    Returns
    -------
    Path
        ``path``.
    """
    _check_report(report, "render_workbook")
    target = _check_path(path, "render_workbook", (".xlsx",))
    from openpyxl import Workbook

    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    pairs = report.tables()
    names = _sheet_names([t.title for _, t in pairs], taken=["Summary"])
    for name, (_, table) in zip(names, pairs, strict=True):
        _write_table_sheet(wb.create_sheet(name), table, report)
    _write_summary(summary, report, [(n, s, t) for n, (s, t) in zip(names, pairs, strict=True)])
    wb.properties.creator = "ldkit"
    wb.properties.lastModifiedBy = "ldkit"
    wb.properties.title = report.title
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


# --------------------------------------------------------------------------- deck


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]


class _Deck:
    """The python-pptx presentation being built, with the house layout."""

    def __init__(self, report: Report) -> None:
        from pptx import Presentation
        from pptx.util import Emu, Inches

        self.report = report
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9
        self.margin = Inches(0.6)
        self.body_top = Inches(1.35)
        self.width = self.prs.slide_width - 2 * self.margin

    def _color(self):
        from pptx.dml.color import RGBColor

        return RGBColor.from_string(BRAND)

    def slide(self, title: str, layout: int = 5) -> Any:
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Inches, Pt

        slide = self.prs.slides.add_slide(self.prs.slide_layouts[layout])
        shape = slide.shapes.title
        shape.left, shape.top = self.margin, Inches(0.35)
        shape.width, shape.height = self.width, Inches(0.9)
        shape.text = title
        frame = shape.text_frame
        frame.word_wrap = True
        for paragraph in frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
            paragraph.font.size = Pt(28)
            paragraph.font.bold = True
            paragraph.font.color.rgb = self._color()
        self._footer(slide)
        return slide

    def _footer(self, slide: Any) -> None:
        from pptx.dml.color import RGBColor
        from pptx.util import Inches, Pt

        number = len(self.prs.slides)
        top = self.prs.slide_height - Inches(0.5)
        box = slide.shapes.add_textbox(self.margin, top, self.width, Inches(0.3))
        text = " · ".join(p for p in (self.report.footer, self.report.client) if p)
        paragraph = box.text_frame.paragraphs[0]
        paragraph.text = f"{text}    {number}"
        paragraph.font.size = Pt(10)
        paragraph.font.color.rgb = RGBColor(0x6B, 0x75, 0x7B)

    def _text_box(self, slide: Any, top: int, height: int, text: str, *, size: int,
                  italic: bool = False, center: bool = False) -> None:
        from pptx.dml.color import RGBColor
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Pt

        box = slide.shapes.add_textbox(self.margin, top, self.width, height)
        box.text_frame.word_wrap = True
        paragraph = box.text_frame.paragraphs[0]
        paragraph.text = text
        paragraph.font.size = Pt(size)
        paragraph.font.italic = italic
        paragraph.font.color.rgb = RGBColor(0x4A, 0x55, 0x5C)
        if center:
            paragraph.alignment = PP_ALIGN.CENTER

    def title_slide(self) -> None:
        from pptx.util import Inches, Pt

        report = self.report
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[0])
        title, body = slide.shapes.title, slide.placeholders[1]
        title.left, title.top, title.width, title.height = (
            self.margin, Inches(2.0), self.width, Inches(1.6))
        body.left, body.top, body.width, body.height = (
            self.margin, Inches(3.8), self.width, Inches(1.8))
        title.text = report.title
        for paragraph in title.text_frame.paragraphs:
            paragraph.font.size = Pt(40)
            paragraph.font.bold = True
            paragraph.font.color.rgb = self._color()
        lines = [report.client, report.subtitle, report.date]
        frame = body.text_frame
        for i, line in enumerate(p for p in lines if p):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.font.size = Pt(24 if i == 0 else 18)
        self._footer(slide)

    def bullets(self, title: str, items: Sequence[str]) -> None:
        from pptx.util import Inches, Pt

        for k, chunk in enumerate(_chunks(items, BULLETS_PER_SLIDE)):
            slide = self.slide(title if k == 0 else f"{title} (cont.)", layout=1)
            body = slide.placeholders[1]
            body.left, body.top = self.margin, self.body_top
            body.width = self.width
            body.height = self.prs.slide_height - self.body_top - Inches(0.8)
            frame = body.text_frame
            frame.word_wrap = True
            size = 22 if len(chunk) <= 5 else 18
            for i, item in enumerate(chunk):
                paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
                paragraph.text = item
                paragraph.font.size = Pt(size)
                paragraph.space_after = Pt(8)

    def figure(self, figure: Figure) -> Any:
        from pptx.util import Inches

        slide = self.slide(figure.title)
        caption_h = Inches(0.7) if figure.caption else 0
        box_h = self.prs.slide_height - self.body_top - Inches(0.65) - caption_h
        px_w, px_h = figure.pixels
        scale = min(self.width / px_w, box_h / px_h)
        width, height = int(px_w * scale), int(px_h * scale)
        left = self.margin + (self.width - width) // 2
        slide.shapes.add_picture(io.BytesIO(figure.png), left, self.body_top, width, height)
        if figure.caption:
            self._text_box(slide, self.body_top + height + Inches(0.08), Inches(0.6),
                           figure.caption, size=14, italic=True, center=True)
        return slide

    def table(self, table: Table) -> Any:
        from pptx.dml.color import RGBColor
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Inches, Pt

        header, numeric, rows = _texts(table)
        ncols = len(header)
        size = Pt(14 if ncols <= 6 else 12 if ncols <= 10 else 10)
        weights = [min(max([len(header[c])] + [len(r[c]) for r in rows[:200]] + [4]), 40)
                   for c in range(ncols)]
        widths = [int(self.width * w / sum(weights)) for w in weights]
        row_h = Inches(0.38)
        legend = _legend(table, self.report.min_group_size)
        note = " ".join(p for p in (table.note, legend) if p)
        first = None
        for k, chunk in enumerate(_chunks(rows, ROWS_PER_SLIDE)):
            slide = self.slide(table.title if k == 0 else f"{table.title} (cont.)")
            first = first or slide
            shape = slide.shapes.add_table(len(chunk) + 1, ncols, self.margin, self.body_top,
                                           sum(widths), row_h * (len(chunk) + 1))
            grid = shape.table
            for c, width in enumerate(widths):
                grid.columns[c].width = width
            for r in range(len(chunk) + 1):
                grid.rows[r].height = row_h
            for r, texts in enumerate([header, *chunk]):
                for c, text in enumerate(texts):
                    cell = grid.cell(r, c)
                    cell.text = text
                    cell.margin_left = cell.margin_right = Inches(0.06)
                    cell.margin_top = cell.margin_bottom = Inches(0.03)
                    paragraph = cell.text_frame.paragraphs[0]
                    paragraph.font.size = size
                    if numeric[c]:
                        paragraph.alignment = PP_ALIGN.RIGHT
                    if r == 0:
                        paragraph.font.bold = True
                        paragraph.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                        cell.fill.solid()
                        cell.fill.fore_color.rgb = self._color()
            if note:
                top = self.body_top + row_h * (len(chunk) + 1) + Inches(0.12)
                self._text_box(slide, top, Inches(0.5), note, size=11)
        return first

    def notes(self, slide: Any, paragraphs: Sequence[str]) -> None:
        if paragraphs:
            slide.notes_slide.notes_text_frame.text = "\n\n".join(paragraphs)


def render_deck(report: Report, path: str | Path) -> Path:
    """Write the report as a 16:9 PowerPoint deck.

    Slides, each with a title: the title slide (title, client, subtitle,
    date); "Agenda" (the section titles); "Key findings" (bullets); for each
    section, one slide per figure (picture scaled to fit, caption below) and
    one slide per table (a native table of at most 12 rows, continued on
    slides titled "<title> (cont.)", numbers formatted as in the report);
    "Next steps". A section's paragraphs go to the speaker notes of its first
    slide; a section without figures or tables gets one text slide. Lists of
    more than 8 bullets continue on a "(cont.)" slide; empty lists get no slide.

    Parameters
    ----------
    report : Report
    path : str or Path
        The ``.pptx`` file to write (replaced atomically).

    Returns
    -------
    Path
        ``path``.
    """
    _check_report(report, "render_deck")
    target = _check_path(path, "render_deck", (".pptx",))
    deck = _Deck(report)
    deck.title_slide()
    if report.sections:
        deck.bullets("Agenda", [s.title for s in report.sections])
    if report.key_findings:
        deck.bullets("Key findings", report.key_findings)
    for section in report.sections:
        slides = [deck.figure(f) for f in section.figures]
        slides += [deck.table(t) for t in section.tables if t.slide]
        detail = [t.title for t in section.tables if not t.slide]
        notes = tuple(section.paragraphs) + (
            ("Detail in the report and workbook: " + "; ".join(detail) + ".",) if detail else ())
        if slides:
            deck.notes(slides[0], notes)
        else:
            deck.bullets(section.title, section.paragraphs)
    if report.next_steps:
        deck.bullets("Next steps", report.next_steps)
    props = deck.prs.core_properties
    props.title, props.author, props.last_modified_by = report.title, "ldkit", "ldkit"
    with atomic_path(target) as tmp:
        deck.prs.save(tmp)
    return target
