"""Client deliverables from one plain spec: an HTML report, an Excel workbook, a slide deck.

A :class:`Report` is data only: the client, a title, key findings, sections of
paragraphs, :class:`Table` objects (DataFrames) and :class:`Figure` objects
(PNG bytes), and next steps. Three renderers turn the same spec into the
three files a consultant hands over::

    Report ──┬── render_html      one self-contained .html (no script; figures inline)
             ├── render_workbook  .xlsx: a Summary sheet, then one formatted sheet per table
             └── render_deck      .pptx (16:9): title, agenda, findings, figures, tables, steps

Every text a client reads goes through :mod:`ldkit.vocabulary`: column names by
their display names (``mean_gap`` reads "Gap"), ids by the report's ``labels``,
numbers, dates and spelling in the report's ``locale`` (en-GB by default),
money in its ``currency``. Numbers read the same everywhere: a column's
explicit Excel format if the table gives one (``number_formats``), else shares
(columns whose name starts with ``share``) as percentages, whole numbers (also
floats that are all whole, such as counts read back from a CSV) without
decimals, other floats with two decimals. Missing values are blank in the
workbook and "–" in the HTML and the deck; a table with a ``suppressed``
column gets the legend "– : hidden, fewer than N respondents".

Tables on slides are laid out with font metrics (:mod:`ldkit.layout`): every
column is at least as wide as its widest word or number, rows are measured
and a table continues on as many slides as it needs ("(1 of 3)"), with its
header repeated and its note below it. A :class:`Branding` (firm, logo,
colours, the firm's own PowerPoint template, footer, status such as "Draft
v2") is applied to all three files; text colours are checked against WCAG AA
(contrast at least 4.5:1) and darkened where they fail.

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

from ldkit import vocabulary as vocab
from ldkit._params import check_number
from ldkit.errors import ParameterError
from ldkit.io import atomic_path
from ldkit.layout import DECK_FONT, LINE_SPACING, longest_token, text_width, wrap_lines

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "Branding",
    "Figure",
    "Report",
    "Section",
    "Table",
    "figure_png",
    "render_deck",
    "render_html",
    "render_workbook",
    "table_layout",
]

DASH = "–"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BRAND = "1F4E5F"
MUTED = "4A555C"
"""Grey of notes, captions and footers (contrast 7.9:1 on white)."""
ROWS_PER_SLIDE = 14
"""At most this many body rows on one slide (fewer when the rows are tall)."""
BULLETS_PER_SLIDE = 8
_ISO_IN_TEXT = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
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
    alt : str, optional
        The alternative text for readers who cannot see the picture: what it
        shows and its key number ("Bar chart of the gap by role: Key Account
        Managers lag most, 1.2 levels"). Default: the title and the caption.
    """

    title: str
    png: bytes
    caption: str = ""
    alt: str = ""

    def __post_init__(self) -> None:
        _check_text("title", self.title, func="Figure", required=True)
        if not isinstance(self.png, bytes | bytearray):
            raise _error("png", "Figure", "PNG bytes", self.png)
        if not bytes(self.png[:8]) == PNG_SIGNATURE or len(self.png) < 24:
            raise _error("png", "Figure", "PNG bytes (they start with the PNG signature)",
                         bytes(self.png[:8]))
        object.__setattr__(self, "png", bytes(self.png))
        _check_text("caption", self.caption, func="Figure")
        _check_text("alt", self.alt, func="Figure")

    @property
    def alt_text(self) -> str:
        """The alt text: ``alt``, else "Chart: <title>. <caption>"."""
        if self.alt.strip():
            return self.alt.strip()
        caption = self.caption.strip()
        return f"Chart: {self.title}." + (f" {caption}" if caption else "")

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
    appendix: bool = False  # detail after the story: behind an "Appendix" divider

    def __post_init__(self) -> None:
        _check_text("title", self.title, func="Section", required=True)
        object.__setattr__(self, "paragraphs", _check_items(
            "paragraphs", self.paragraphs, str, func="Section", what="strings"))
        object.__setattr__(self, "tables", _check_items(
            "tables", self.tables, Table, func="Section", what="Table objects"))
        object.__setattr__(self, "figures", _check_items(
            "figures", self.figures, Figure, func="Section", what="Figure objects"))


@dataclass(frozen=True)
class Branding:
    """The consultancy's identity on a deliverable.

    Parameters
    ----------
    firm : str
        The consultancy's name: on the title slide, the cover and every footer.
    logo : path or bytes, optional
        A PNG or JPEG logo: on the title slide and the report's cover.
    colors : sequence of str
        Hex colours, the first the primary (titles, table headers). A colour
        whose contrast with white is below 4.5:1 (WCAG AA) is darkened until it
        passes (:func:`ldkit.vocabulary.readable_color`), so white header text
        stays legible.
    pptx_template : path, optional
        The firm's own .pptx: the deck uses its slide master and layouts
        ("Title Slide", "Title and Content", "Title Only"); its slides are dropped.
    footer : str
        Footer text, e.g. "Confidential" (default: the report's ``footer``).
    status : str
        E.g. "Draft v2": on the title and in every footer.
    """

    firm: str = ""
    logo: str | Path | bytes | None = None
    colors: tuple[str, ...] = ()
    pptx_template: str | Path | None = None
    footer: str = ""
    status: str = ""

    def __post_init__(self) -> None:
        for name in ("firm", "footer", "status"):
            _check_text(name, getattr(self, name), func="Branding")
        colors = self.colors
        if isinstance(colors, Mapping):  # {primary: ..., accent: ...}
            ordered = [colors[k] for k in ("primary", "accent") if k in colors]
            colors = ordered + [v for k, v in colors.items() if k not in ("primary", "accent")]
        if isinstance(colors, str):
            colors = (colors,)
        colors = _check_items("colors", colors, str, func="Branding", what="hex colours")
        checked = []
        for color in colors:
            try:
                checked.append(vocab.readable_color(color))
            except ParameterError:
                raise _error("colors", "Branding", "hex colours such as '#1F4E5F'",
                             color) from None
        object.__setattr__(self, "colors", tuple(checked))
        if self.logo is not None and not isinstance(self.logo, str | Path | bytes):
            raise _error("logo", "Branding", "a file path or image bytes", self.logo)
        if self.pptx_template is not None:
            if not isinstance(self.pptx_template, str | Path):
                raise _error("pptx_template", "Branding", "a path to a .pptx file",
                             self.pptx_template)
            template = Path(self.pptx_template)
            if template.suffix.lower() not in (".pptx", ".potx") or not template.is_file():
                raise _error("pptx_template", "Branding", "an existing .pptx file",
                             str(template))

    @property
    def primary(self) -> str:
        """The primary colour as "RRGGBB" (the house teal when none is given)."""
        return (self.colors[0] if self.colors else f"#{BRAND}").lstrip("#").upper()

    def logo_bytes(self) -> bytes | None:
        """The logo's bytes (read from its file), or None."""
        if self.logo is None:
            return None
        if isinstance(self.logo, bytes):
            return self.logo
        path = Path(self.logo)
        if not path.is_file():
            raise _error("logo", "Branding", "an existing image file", str(path))
        return path.read_bytes()


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
        Shown under the title (``date`` as written, e.g. "March 2025"; an ISO
        date "2026-12-07" is written in the locale's style).
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
    branding : Branding, optional
        Firm, logo, colours, PowerPoint template, footer and status.
    locale : str, default "en-GB"
        Number, date and paper style and spelling (see :data:`ldkit.vocabulary.LOCALES`).
    currency : str, default "EUR"
        The engagement's currency.
    labels : mapping of str to str, optional
        Display names of ids and codes that appear as column names or cell
        values (e.g. programme ids), on top of :data:`ldkit.vocabulary.COLUMN_LABELS`.
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
    branding: Branding = field(default_factory=Branding)
    locale: str = "en-GB"
    currency: str = "EUR"
    labels: Mapping[str, str] = field(default_factory=dict)
    decisions: tuple[str, ...] = ()
    as_of: str = ""

    def __post_init__(self) -> None:
        _check_text("client", self.client, func="Report", required=True)
        _check_text("title", self.title, func="Report", required=True)
        for name in ("subtitle", "date", "footer", "currency"):
            _check_text(name, getattr(self, name), func="Report")
        for name in ("key_findings", "next_steps", "decisions"):
            object.__setattr__(self, name, _check_items(
                name, getattr(self, name), str, func="Report", what="strings"))
        _check_text("as_of", self.as_of, func="Report")
        object.__setattr__(self, "sections", _check_items(
            "sections", self.sections, Section, func="Report", what="Section objects"))
        check_number("min_group_size", self.min_group_size, func="Report", low=1, integer=True)
        if self.branding is None:
            object.__setattr__(self, "branding", Branding())
        if not isinstance(self.branding, Branding):
            raise _error("branding", "Report", "a ldkit.deliverables.Branding", self.branding)
        try:
            vocab.locale_style(self.locale)
        except ParameterError:
            raise _error("locale", "Report", f"one of {', '.join(vocab.LOCALES)}",
                         self.locale) from None
        if not isinstance(self.labels, Mapping):
            raise _error("labels", "Report", "a mapping of id to display name", self.labels)
        object.__setattr__(self, "labels", MappingProxyType(
            {str(k): str(v) for k, v in self.labels.items()}))

    def tables(self) -> list[tuple[Section, Table]]:
        """Every table with its section, in reading order."""
        return [(s, t) for s in self.sections for t in s.tables]

    @property
    def story(self) -> tuple[Section, ...]:
        """The sections of the main story (before the appendix)."""
        return tuple(s for s in self.sections if not s.appendix)

    @property
    def appendix(self) -> tuple[Section, ...]:
        """The sections of the appendix."""
        return tuple(s for s in self.sections if s.appendix)

    # -- the words every renderer uses (one place) --------------------------------------

    def text(self, value: str) -> str:
        """Client text in the report's spelling, known codes by their names, ISO dates in
        the locale's style ("status at 2026-12-31" -> "status at 31 Dec 2026")."""
        text = vocab.spell(vocab.value_label(value, self.labels), self.locale)
        return _ISO_IN_TEXT.sub(
            lambda m: vocab.format_date(m.group(0), self.locale, short=True), text)

    @property
    def date_text(self) -> str:
        """The date as the locale writes it ("7 Dec 2026"), or as given."""
        formatted = vocab.format_date(self.date, self.locale, short=True)
        return formatted or self.date

    @property
    def footer_text(self) -> str:
        """The footer: the branding's, else the report's; then the status."""
        parts = [self.branding.footer or self.footer, self.branding.status]
        return " · ".join(p for p in parts if p)

    @property
    def paper(self) -> str:
        """"A4" or "Letter", by locale."""
        return vocab.locale_style(self.locale).paper


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


_STRAY_INDEX = re.compile(r"^(Unnamed: \d+|index|level_\d+)$")


def _prepared(data: pd.DataFrame) -> pd.DataFrame:
    """The frame as shown: a meaningful index becomes columns; column names become text;
    stray index columns (a CSV's "Unnamed: 0", a reset "index" counting 0..n-1) are dropped."""
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
    stray = [c for c in frame.columns if _STRAY_INDEX.match(c) and frame.shape[1] > 1
             and pd.api.types.is_integer_dtype(frame[c].dtype)
             and frame[c].tolist() in (list(range(len(frame))), list(range(1, len(frame) + 1)))]
    if stray:
        frame = frame.drop(columns=stray)
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


def _whole_columns(frame: pd.DataFrame) -> set[str]:
    """Float columns whose every value is whole (counts read back from a CSV)."""
    out = set()
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_float_dtype(series.dtype):
            values = series.dropna().to_numpy()
            finite = values[np.isfinite(values)]
            if len(finite) and np.all(finite == np.round(finite)) and np.all(
                    np.abs(finite) < 1e15):
                out.add(name)
    return out


def _number_format(value: Any, column: str, explicit: str | None, *, grouped: bool,
                   whole: bool = False) -> str | None:
    """The Excel format of one value: the explicit one, else the default of its kind."""
    if explicit:
        return explicit
    if not _is_number(value):
        return None
    if column.lower().startswith("share"):
        return "0%"
    if isinstance(value, numbers.Integral) or whole:
        return "#,##0" if grouped else "0"
    return "#,##0.00" if grouped else "0.00"


def _apply_format(value: float, fmt: str, locale: str = "en-GB") -> str:
    """Format a number as the Excel format ``fmt`` would show it (simple formats only),
    with the locale's separators."""
    style = vocab.locale_style(locale)

    def local(text: str) -> str:
        return text.replace(",", "\0").replace(".", style.decimal).replace("\0", style.group)

    match = _FORMAT.fullmatch(fmt.strip())
    if match is None:  # a format we do not translate: a plain readable number
        return local(f"{value:,}" if isinstance(value, numbers.Integral) else f"{value:,.2f}")
    decimals = len(match["dec"] or "")
    comma = "," if "," in match["int"] else ""
    if match["pct"]:
        return vocab.format_percent(value, locale, decimals=decimals)
    if decimals == 0:
        return local(f"{round(value):{comma}d}")
    return local(f"{value:{comma}.{decimals}f}")


def _cell_text(value: Any, column: str, explicit: str | None, *, locale: str = "en-GB",
               report: Report | None = None, whole: bool = False) -> str:
    """A value as text for the HTML report and the deck."""
    value = _scalar(value)
    if _is_missing(value):
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return vocab.format_date(value, locale, short=True)
        return f"{vocab.format_date(value, locale, short=True)} {value:%H:%M}"
    if isinstance(value, dt.date):
        return vocab.format_date(value, locale, short=True)
    if _is_number(value):
        if not math.isfinite(value):
            return str(value)
        fmt = _number_format(value, column, explicit, grouped=True, whole=whole)
        return _apply_format(value, fmt, locale)
    text = str(value)
    if vocab._as_date(text) is not None:
        return vocab.format_date(text, locale, short=True)
    return report.text(text) if report is not None else text


def _is_numeric_column(series: pd.Series) -> bool:
    return (pd.api.types.is_numeric_dtype(series.dtype)
            and not pd.api.types.is_bool_dtype(series.dtype))


def _legend(table: Table, min_group_size: int) -> str:
    """The legend of hidden values, for a table with a ``suppressed`` column (the one place
    every renderer takes it from)."""
    frame = _prepared(table.data)
    if "suppressed" not in frame.columns:
        return ""
    text = f"{DASH} : hidden, fewer than {min_group_size} respondents"
    reasons = frame["suppressed"].astype("string").str.lower().fillna("")
    if reasons.str.startswith("compl").any():
        text += "; or hidden so that a hidden group cannot be worked out from the total"
    return text + "."


def _header(report: Report | None, name: str) -> str:
    """A column's display name."""
    text = vocab.label(name, report.labels if report is not None else None)
    return vocab.spell(text, report.locale) if report is not None else text


def _texts(table: Table, report: Report | None = None
           ) -> tuple[list[str], list[bool], list[list[str]]]:
    """Display header, numeric flag per column, and every row as formatted text."""
    frame = _prepared(table.data)
    names = list(frame.columns)
    header = [_header(report, c) for c in names]
    numeric = [_is_numeric_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    formats = [table.number_formats.get(c) for c in names]
    whole = _whole_columns(frame)
    locale = report.locale if report is not None else "en-GB"
    rows = [[_cell_text(v, c, f, locale=locale, report=report, whole=c in whole)
             for v, c, f in zip(row, names, formats, strict=True)]
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


KEEP_TOGETHER_ROWS = 15
"""A printed table of at most this many rows moves whole to the next page rather than
leave its header (or a few rows) stranded at the bottom of a page."""


def _html_table(table: Table, report: Report, tid: str) -> dict[str, Any]:
    header, numeric, rows = _texts(table, report)
    return {
        "id": tid, "title": report.text(table.title), "note": report.text(table.note),
        "legend": _legend(table, report.min_group_size),
        "header": list(zip(header, numeric, strict=True)),
        "rows": [list(zip(row, numeric, strict=True)) for row in rows],
        "wide": len(header) > 8,
        "keep": len(rows) <= KEEP_TOGETHER_ROWS,
    }


def _html_context(report: Report) -> dict[str, Any]:
    taken = {"contents", "key-findings", "next-steps", "appendix"}
    toc: list[dict[str, str]] = []
    if report.key_findings:
        toc.append({"id": "key-findings", "title": "Executive summary"})
    sections = []
    appendix_at = None
    for section in report.story + report.appendix:
        if section.appendix and appendix_at is None:
            appendix_at = len(sections)
            if report.next_steps:
                toc.append({"id": "next-steps", "title": "Next steps"})
            toc.append({"id": "appendix", "title": "Appendix"})
        sid = _slug(section.title, taken)
        toc.append({"id": sid, "title": report.text(section.title)})
        figures = [{"id": _slug(f"{sid}-figure-{i}", taken), "title": report.text(f.title),
                    "caption": report.text(f.caption), "alt": report.text(f.alt_text),
                    "data": base64.b64encode(f.png).decode("ascii")}
                   for i, f in enumerate(section.figures, start=1)]
        tables = [_html_table(table, report, _slug(f"{sid}-table-{i}", taken))
                  for i, table in enumerate(section.tables, start=1)]
        sections.append({"id": sid, "title": report.text(section.title),
                         "paragraphs": [report.text(p) for p in section.paragraphs],
                         "figures": figures, "tables": tables})
    if report.next_steps and appendix_at is None:
        toc.append({"id": "next-steps", "title": "Next steps"})
    branding = report.branding
    logo = branding.logo_bytes()
    logo_uri = None
    if logo:
        kind = "png" if logo.startswith(PNG_SIGNATURE) else "jpeg"
        logo_uri = f"data:image/{kind};base64,{base64.b64encode(logo).decode('ascii')}"
    split = len(sections) if appendix_at is None else appendix_at
    return {"report": report, "toc": toc, "sections": sections[:split],
            "appendix": sections[split:],
            "decisions": [report.text(t) for t in report.decisions],
            "findings": [report.text(t) for t in report.key_findings],
            "steps": [report.text(t) for t in report.next_steps],
            "title": report.text(report.title), "subtitle": report.text(report.subtitle),
            "date": report.date_text, "lang": report.locale,
            "paper": "A4" if report.paper == "A4" else "letter",
            "brand": f"#{branding.primary}", "muted": f"#{MUTED}",
            "firm": branding.firm, "status": branding.status, "logo": logo_uri,
            "footer": report.footer_text, "footer_css": _css_string(
                " · ".join(p for p in (branding.firm, report.footer_text) if p))}


def _css_string(text: str) -> str:
    """Text as a quoted CSS string (for @page content): no markup, quotes escaped."""
    clean = re.sub(r"[<>\\\n\r]", " ", text).replace('"', "'")
    return f'"{clean}"'


def render_html(report: Report, path: str | Path) -> Path:
    """Write the report as one self-contained HTML file.

    The file holds no script and loads nothing: the style sheet is inline and
    figures are embedded as base64 ``data:`` URIs, so it opens offline and
    prints cleanly. It has the client name (and the firm, logo and status of
    the branding), a table of contents linking to every section, the key
    findings, each section (paragraphs, figures with their alt text, tables
    with right-aligned formatted numbers, "–" for hidden values), and the
    next steps; one h1, an h2 per section. In print: the locale's paper (A4,
    Letter for en-US), "Page n of N" and the footer in the page margin, table
    headers repeated on every page, a table of up to 15 rows kept whole, wide
    tables in a smaller type. All text is HTML-escaped.

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


_FILLER = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with",
           "vs", "per", "from", "over", "-", "–"}


def _fit_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, without a trailing
    filler word or punctuation ("Learning programmes status at 2026-12-31" ->
    "Learning programmes status")."""
    if len(text) <= limit:
        return text
    words = text.split(" ")
    out = ""
    for word in words:
        candidate = f"{out} {word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    if not out:  # one word longer than the limit
        return text[:limit]
    return _tidy_end(out)


def _tidy_end(text: str) -> str:
    """No trailing filler word, number or half-open bracket ("Break-even (ROI =" ->
    "Break-even")."""
    if text.count("(") > text.count(")"):
        text = text[:text.rindex("(")].rstrip() or text
    kept = text.split(" ")
    while len(kept) > 1 and (kept[-1].lower().strip(",;.") in _FILLER
                             or kept[-1][:1].isdigit() or kept[-1] in ("=", "(", ":")):
        kept.pop()
    return " ".join(kept).rstrip(" ,;.-–(")


def _sheet_names(titles: Sequence[str], taken: Iterable[str]) -> list[str]:
    """Valid, unique (case-insensitively, as Excel compares) sheet names for ``titles``:
    at most 31 characters, cut at a word boundary, never mid-word."""
    used = {t.lower() for t in taken}
    names = []
    for title in titles:
        base = _SHEET_FORBIDDEN.sub(" ", title)
        base = " ".join(base.split()).strip("'") or "Table"
        if base.lower() == "history":  # reserved by Excel
            base = "History table"
        name, k = _tidy_end(_fit_words(base, 31)), 2
        while name.lower() in used:
            suffix = f" ({k})"
            name, k = _fit_words(base, 31 - len(suffix)) + suffix, k + 1
        used.add(name.lower())
        names.append(name)
    return names


_NUMBER_TEXT = re.compile(
    r"^(?P<sign>[-−]?)(?P<int>\d{1,3}(?:,\d{3})+|0|[1-9]\d*)(?:\.(?P<dec>\d+))?(?P<pct>%?)$")


def _number_from_text(text: str) -> tuple[float | int, str] | None:
    """A number written as text ("919,575", "1.63", "63%") as a number and the Excel format
    that shows it as written; None for anything else (labels, codes, "007")."""
    match = _NUMBER_TEXT.match(text.strip())
    if match is None:
        return None
    grouped = "," in match["int"]
    digits = match["int"].replace(",", "")
    decimals = len(match["dec"] or "")
    sign = -1 if match["sign"] else 1
    number: float | int = (sign * int(digits) if not decimals
                           else sign * float(f"{digits}.{match['dec']}"))
    fmt = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    if match["pct"]:
        return number / 100, fmt.replace("#,##", "") + "%"
    return number, fmt


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


def _text_cell(cell: Any, text: str) -> None:
    """Store ``text`` as a string cell: input that starts with "=" never becomes a formula."""
    cell.value = text
    cell.data_type = "s"


def _excel_date_format(report: Report, value: Any) -> str:
    style = vocab.locale_style(report.locale)
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        return f"{style.excel_date} hh:mm"
    return style.excel_date


def _print_setup(ws: Any, report: Report, *, landscape: bool, title: str) -> None:
    """Paper by locale, fit to one page wide, header row repeated, header and footer."""
    ws.page_setup.paperSize = (ws.PAPERSIZE_A4 if report.paper == "A4"
                               else ws.PAPERSIZE_LETTER)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    firm = report.branding.firm
    ws.oddHeader.left.text = _header_footer_text(f"{report.client} – {title}")
    if firm:
        ws.oddHeader.right.text = _header_footer_text(firm)
    ws.oddFooter.left.text = _header_footer_text(report.footer_text)
    ws.oddFooter.right.text = "Page &P of &N"


def _excel_width(texts: Iterable[str], *, bold: bool = False) -> float:
    """An Excel column width (in widths of "0" at Calibri 11) that holds the widest text."""
    digit = text_width("0", 11)
    widest = max((max(text_width(line, 11, bold=bold) for line in t.split("\n"))
                  for t in texts if t), default=0.0)
    return widest / digit + 1.5


def _fit_row(ws: Any, row: int, texts: Sequence[tuple[str, float]], *, bold: bool = False
             ) -> None:
    """Set a row's height to hold its wrapped texts: (text, column width in Excel units).
    LibreOffice does not grow a row for wrapped text it did not lay out itself."""
    digit = text_width("0", 11)
    lines = max((len(wrap_lines(t, 11 * 1.03, max(w - 1, 1) * digit, bold=bold))
                 for t, w in texts if t), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = round(lines * 14.4 + 2, 1)


def _write_table_sheet(ws: Any, table: Table, report: Report) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    frame = _prepared(table.data)
    names = list(frame.columns)
    header, _, texts = _texts(table, report)
    formats = [table.number_formats.get(c) for c in names]
    whole = _whole_columns(frame)
    head_font = Font(name=DECK_FONT, size=11, bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor=report.branding.primary)
    for c, name in enumerate(header, start=1):
        cell = ws.cell(row=1, column=c)
        _text_cell(cell, _excel_value(name))
        cell.font, cell.fill = head_font, head_fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for c, (raw, name, explicit) in enumerate(zip(row, names, formats, strict=True),
                                                  start=1):
            value = _excel_value(raw)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            fmt = None
            if isinstance(value, str):
                parsed = _number_from_text(value)
                day = vocab._as_date(value)
                if day is not None:
                    cell.value, fmt = day, _excel_date_format(report, day)
                elif parsed is not None:
                    value, fmt = parsed
                    cell.value = value
                else:
                    _text_cell(cell, texts[r - 2][c - 1] if texts[r - 2][c - 1] != DASH
                               else value)
            else:
                cell.value = value
                fmt = _number_format(value, name, explicit, grouped=True, whole=name in whole)
                if isinstance(value, dt.date) and not explicit:
                    fmt = _excel_date_format(report, value)
            if fmt:
                cell.number_format = fmt
    for c in range(1, len(header) + 1):
        column = [texts[r][c - 1] for r in range(min(len(texts), 200))]
        width = max(_excel_width(column), min(_excel_width(header[c - 1].split(), bold=True),
                                               30))
        ws.column_dimensions[get_column_letter(c)].width = round(min(max(width, 8), 60), 1)
    _fit_row(ws, 1, [(h, ws.column_dimensions[get_column_letter(c)].width)
                      for c, h in enumerate(header, start=1)], bold=True)
    last = f"{get_column_letter(len(header))}{max(len(frame) + 1, 2)}"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}"
    ws.print_title_rows = "1:1"
    _print_setup(ws, report, landscape=len(header) > 4, title=report.text(table.title))


def _write_summary(ws: Any, report: Report, sheets: Sequence[tuple[str, Section, Table]]
                   ) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    brand = report.branding.primary
    bold = Font(name=DECK_FONT, bold=True)
    heading = Font(name=DECK_FONT, bold=True, size=12, color=brand)
    wrap = Alignment(wrap_text=True, vertical="top")
    first_width = max(24.0, _excel_width([n for n, _, _ in sheets]),
                      _excel_width(["Minimum group size"], bold=True))
    ws.column_dimensions["A"].width = round(min(first_width, 34), 1)
    ws.column_dimensions["B"].width = 95
    _text_cell(ws["A1"], _excel_value(report.text(report.title)))
    ws["A1"].font = Font(name=DECK_FONT, bold=True, size=16, color=brand)
    rows: list[tuple[str, str]] = [("Client", report.client)]
    if report.branding.firm:
        rows.append(("Prepared by", report.branding.firm))
    if report.subtitle:
        rows.append(("Subtitle", report.text(report.subtitle)))
    if report.date:
        rows.append(("Date", report.date_text))
    if report.branding.status:
        rows.append(("Status", report.branding.status))
    rows.append(("Minimum group size",
                 f"Groups of fewer than {report.min_group_size} respondents are not shown "
                 "(empty cells)."))
    r = 3
    for label, text in rows:
        _text_cell(ws.cell(row=r, column=1), label)
        ws.cell(row=r, column=1).font = bold
        ws.cell(row=r, column=1).alignment = Alignment(vertical="top")
        _text_cell(ws.cell(row=r, column=2), _excel_value(text))
        ws.cell(row=r, column=2).alignment = wrap
        _fit_row(ws, r, [(text, 95)])
        r += 1

    def block(title: str, items: Sequence[str]) -> None:
        nonlocal r
        if not items:
            return
        r += 1
        _text_cell(ws.cell(row=r, column=1), title)
        ws.cell(row=r, column=1).font = heading
        r += 1
        for i, item in enumerate(items, start=1):
            ws.cell(row=r, column=1, value=i).alignment = Alignment(horizontal="left",
                                                                    vertical="top")
            _text_cell(ws.cell(row=r, column=2), _excel_value(report.text(item)))
            ws.cell(row=r, column=2).alignment = wrap
            _fit_row(ws, r, [(report.text(item), 95)])
            r += 1

    block("Key findings", report.key_findings)
    block("Decisions we ask of you", report.decisions)
    block("Next steps", report.next_steps)
    if sheets:
        r += 1
        _text_cell(ws.cell(row=r, column=1), "Tables")
        ws.cell(row=r, column=1).font = heading
        r += 1
        for name, section, table in sheets:
            cell = ws.cell(row=r, column=1)
            _text_cell(cell, name)
            quoted = name.replace("'", "''")
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1",
                                       display=name)
            cell.font = Font(name=DECK_FONT, color="0563C1", underline="single")
            cell.alignment = Alignment(vertical="top")
            about = " ".join(p for p in (
                f"{report.text(section.title)}: {report.text(table.title)}.",
                report.text(table.note),
                _legend(table, report.min_group_size).replace(f"{DASH} :", "Empty cells:"))
                if p)
            _text_cell(ws.cell(row=r, column=2), _excel_value(about))
            ws.cell(row=r, column=2).alignment = wrap
            _fit_row(ws, r, [(about, 95)])
            r += 1
    ws.print_title_rows = "1:1"
    _print_setup(ws, report, landscape=False, title="Summary")


def render_workbook(report: Report, path: str | Path) -> Path:
    """Write the report's tables as a formatted Excel workbook.

    The first sheet, "Summary", holds the title, client, firm, date, status,
    key findings, the decisions asked of the sponsor, next steps and a linked list of
    the tables. Then one sheet
    per table, in reading order: sheet names from the table titles (at most 31
    characters cut at a word boundary, no ``[]:*?/\\``, unique), display
    names as headers in bold white on the brand colour, the header row frozen
    and repeated on every printed page, an auto-filter, column widths measured
    with font metrics, and numbers stored as numbers with number formats (the
    table's ``number_formats``, else shares ``0%``, whole numbers ``#,##0``,
    other floats ``#,##0.00``); a number that reaches the table as text
    ("919,575") is stored as a number too. Every sheet prints on the locale's
    paper (A4, or Letter for en-US), one page wide. Missing values are left
    empty. Text is always a string cell, never a formula.

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
    titles = [report.text(t.title) for _, t in pairs]
    titles = [t if len(t) <= 31 else report.text(_ISO_IN_TEXT.sub("", table.title))
              for t, (_, table) in zip(titles, pairs, strict=True)]  # a date will not fit
    names = _sheet_names(titles, taken=["Summary"])
    for name, (_, table) in zip(names, pairs, strict=True):
        _write_table_sheet(wb.create_sheet(name), table, report)
    _write_summary(summary, report, [(n, s, t) for n, (s, t) in zip(names, pairs, strict=True)])
    wb.properties.creator = report.branding.firm or "ldkit"
    wb.properties.lastModifiedBy = "ldkit"
    wb.properties.title = report.text(report.title)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


# --------------------------------------------------------------------------- deck


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]


EMU_PER_PT = 12700
CELL_MARGIN_LR = 0.06  # inches, each side of a table cell
CELL_MARGIN_TB = 0.03
BOX_INSET_LR = 0.1  # python-pptx / PowerPoint default text box insets
BOX_INSET_TB = 0.05
WRAP_SAFETY = 1.03
"""Text is laid out as if 3% wider than measured (kerning and hinting differ a little
between renderers)."""
TABLE_SIZES = (14, 13, 12, 11, 10, 9)
NOTE_SIZE = 11
_LAYOUT_NAMES = {"title": ("Title Slide",), "content": ("Title and Content",),
                 "title_only": ("Title Only",)}
_LAYOUT_INDEX = {"title": 0, "content": 1, "title_only": 5}


def _pt(emu: int) -> float:
    return emu / EMU_PER_PT


def _cell_lines(text: str, size: float, width_pt: float, *, bold: bool = False) -> int:
    inner = width_pt - 2 * CELL_MARGIN_LR * 72
    return len(wrap_lines(text, size * WRAP_SAFETY, inner, bold=bold))


def _row_height_pt(texts: Sequence[str], widths_pt: Sequence[float], size: float, *,
                   bold: bool = False) -> float:
    lines = max((_cell_lines(t, size, w, bold=bold) for t, w in zip(texts, widths_pt,
                                                                     strict=True)), default=1)
    return lines * size * LINE_SPACING + 2 * CELL_MARGIN_TB * 72 + 2


def table_layout(header: Sequence[str], rows: Sequence[Sequence[str]], width_pt: float,
                 first_size: int = 14) -> tuple[int, list[float]]:
    """Font size and column widths (points) of a slide table, from font metrics.

    Every column is at least as wide as its widest word or number (so nothing
    breaks inside a token); the room left is shared out in proportion to how
    much wider each column's longest line is, so short columns do not wrap at
    all. The font shrinks (down to 9 pt) until the tokens fit ``width_pt``.
    """
    pad = 2 * CELL_MARGIN_LR * 72 + 1
    sample = rows[:400]
    sizes = [s for s in TABLE_SIZES if s <= first_size] or [TABLE_SIZES[-1]]

    def measure(size: int) -> tuple[list[float], list[float]]:
        scaled = size * WRAP_SAFETY
        mins = [max([longest_token(h, scaled, bold=True)]
                    + [longest_token(r[c], scaled) for r in sample]) + pad
                for c, h in enumerate(header)]
        prefs = [max([text_width(h, scaled, bold=True) if len(h) < 16 else mins[c] - pad]
                     + [max(text_width(line, scaled) for line in r[c].split("\n"))
                        for r in sample]) + pad for c, h in enumerate(header)]
        return mins, [max(p, m) for p, m in zip(prefs, mins, strict=True)]

    measured = {size: measure(size) for size in sizes}
    for size in sizes:  # the largest size at which no cell wraps at all
        if sum(measured[size][1]) <= width_pt:
            return size, measured[size][1]
    size = next((s for s in sizes if sum(measured[s][0]) <= width_pt), sizes[-1])
    mins, prefs = measured[size]
    extra = max(width_pt - sum(mins), 0.0)
    want = [p - m for p, m in zip(prefs, mins, strict=True)]
    total = sum(want) or 1.0
    return size, [m + extra * w / total for m, w in zip(mins, want, strict=True)]


def _pages(heights: Sequence[float], room: float, most: int) -> list[list[int]]:
    """Rows split into slides: as few as the room and ``most`` rows a slide allow, then
    balanced (30 rows at most 12 a slide: 10, 10, 10, not 12, 12, 6)."""
    pages: list[list[int]] = [[]]
    used = 0.0
    for i, h in enumerate(heights):
        if pages[-1] and (used + h > room or len(pages[-1]) >= most):
            pages.append([])
            used = 0.0
        pages[-1].append(i)
        used += h
    count = len(pages)
    if count > 1:
        per = math.ceil(len(heights) / count)
        even = [list(range(i, min(i + per, len(heights))))
                for i in range(0, len(heights), per)]
        if len(even) == count and all(sum(heights[i] for i in page) <= room for page in even):
            return even
    return pages


class _Deck:
    """The python-pptx presentation being built, with the house (or the firm's) layout."""

    def __init__(self, report: Report) -> None:
        from pptx import Presentation
        from pptx.dml.color import RGBColor
        from pptx.util import Emu, Inches

        self.report = report
        template = report.branding.pptx_template
        if template is not None:
            self.prs = Presentation(str(template))
            self._drop_slides()
        else:
            self.prs = Presentation()
            self.prs.slide_width, self.prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9
        self.templated = template is not None
        self.margin = Inches(0.6)
        self.body_top = Inches(1.35)
        self.width = self.prs.slide_width - 2 * self.margin
        self.footer_top = self.prs.slide_height - Inches(0.5)
        self.body_bottom = self.footer_top - Inches(0.08)
        self.brand = RGBColor.from_string(report.branding.primary)
        self.muted = RGBColor.from_string(MUTED)

    def _drop_slides(self) -> None:
        """Remove the template's own slides (its master and layouts stay)."""
        ids = self.prs.slides._sldIdLst
        for sld_id in list(ids):
            self.prs.part.drop_rel(sld_id.rId)
            ids.remove(sld_id)

    def layout(self, role: str) -> Any:
        """The slide layout of a role: by name in the template, else by the default index."""
        layouts = list(self.prs.slide_layouts)
        for name in _LAYOUT_NAMES[role]:
            for layout in layouts:
                if layout.name.strip().lower() == name.lower():
                    return layout
        index = _LAYOUT_INDEX[role]
        if index < len(layouts):
            return layouts[index]
        return layouts[0]

    def _font(self, font: Any, size: float | None = None, *, bold: bool | None = None,
              color: Any = None, italic: bool | None = None) -> None:
        from pptx.util import Pt

        if not self.templated:
            font.name = DECK_FONT
        if size is not None:
            font.size = Pt(size)
        if bold is not None:
            font.bold = bold
        if italic is not None:
            font.italic = italic
        if color is not None:
            font.color.rgb = color

    def _title_size(self, text: str, width: int, height: int) -> int:
        """The largest of 28/24/20 pt at which the title fits its box."""
        inner_w = _pt(width) - 2 * BOX_INSET_LR * 72
        inner_h = _pt(height) - 2 * BOX_INSET_TB * 72
        for size in (28, 24, 20):
            lines = len(wrap_lines(text, size * WRAP_SAFETY, inner_w, bold=True))
            if lines * size * LINE_SPACING <= inner_h:
                return size
        return 18

    def slide(self, title: str, role: str = "title_only") -> Any:
        from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
        from pptx.util import Inches

        slide = self.prs.slides.add_slide(self.layout(role))
        shape = slide.shapes.title
        if shape is None:
            shape = slide.shapes.add_textbox(self.margin, Inches(0.35), self.width, Inches(0.9))
        shape.left, shape.top = self.margin, Inches(0.35)
        shape.width, shape.height = self.width, Inches(0.9)
        shape.text = title
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        size = self._title_size(title, shape.width, shape.height)
        for paragraph in frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
            self._font(paragraph.font, size, bold=True, color=self.brand)
        self._footer(slide)
        return slide

    def _footer(self, slide: Any) -> None:
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Inches

        number = len(self.prs.slides)
        report = self.report
        text = " · ".join(p for p in (report.branding.firm, report.footer_text,
                                      report.client) if p)
        box = slide.shapes.add_textbox(self.margin, self.footer_top, self.width - Inches(0.8),
                                       Inches(0.3))
        box.name = "Footer"
        box.text_frame.word_wrap = True  # else LibreOffice centres an auto-width box
        paragraph = box.text_frame.paragraphs[0]
        paragraph.text = text
        paragraph.alignment = PP_ALIGN.LEFT
        self._font(paragraph.font, 10, color=self.muted)
        num = slide.shapes.add_textbox(self.margin + self.width - Inches(0.8), self.footer_top,
                                       Inches(0.8), Inches(0.3))
        num.name = "Slide number"
        num.text_frame.word_wrap = True
        paragraph = num.text_frame.paragraphs[0]
        paragraph.text = str(number)
        paragraph.alignment = PP_ALIGN.RIGHT
        self._font(paragraph.font, 10, color=self.muted)

    def _text_box(self, slide: Any, top: int, height: int, text: str, *, size: int,
                  italic: bool = False, center: bool = False, name: str = "") -> Any:
        from pptx.enum.text import PP_ALIGN

        box = slide.shapes.add_textbox(self.margin, top, self.width, height)
        if name:
            box.name = name
        box.text_frame.word_wrap = True
        paragraph = box.text_frame.paragraphs[0]
        paragraph.text = text
        self._font(paragraph.font, size, italic=italic, color=self.muted)
        if center:
            paragraph.alignment = PP_ALIGN.CENTER
        return box

    def _text_height(self, text: str, size: float) -> int:
        """The height of a full-width text box holding ``text``."""
        from pptx.util import Pt

        inner = _pt(self.width) - 2 * BOX_INSET_LR * 72
        lines = len(wrap_lines(text, size * WRAP_SAFETY, inner))
        return Pt(lines * size * LINE_SPACING + 2 * BOX_INSET_TB * 72 + 2)

    def title_slide(self) -> None:
        from pptx.util import Inches

        report = self.report
        slide = self.prs.slides.add_slide(self.layout("title"))
        title = slide.shapes.title
        if title is None:
            title = slide.shapes.add_textbox(self.margin, Inches(2.0), self.width, Inches(1.6))
        title.left, title.top, title.width, title.height = (
            self.margin, Inches(2.0), self.width, Inches(1.6))
        title.text = report.text(report.title)
        title.text_frame.word_wrap = True
        for paragraph in title.text_frame.paragraphs:
            self._font(paragraph.font, 40, bold=True, color=self.brand)
        body = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
        if body is None:
            body = slide.shapes.add_textbox(self.margin, Inches(3.8), self.width, Inches(1.9))
        body.left, body.top, body.width, body.height = (
            self.margin, Inches(3.8), self.width, Inches(1.9))
        firm = report.branding.firm
        lines = [report.client, report.text(report.subtitle),
                 " · ".join(p for p in (report.date_text,
                                        f"Prepared by {firm}" if firm else "") if p),
                 report.branding.status]
        frame = body.text_frame
        frame.word_wrap = True
        for i, line in enumerate(p for p in lines if p):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = line
            status = line == report.branding.status
            self._font(paragraph.font, 24 if i == 0 else 18,
                       color=self.brand if status else self.muted,  # AA contrast, not a tint
                       bold=status or None)
        logo = report.branding.logo_bytes()
        if logo:
            pic = slide.shapes.add_picture(io.BytesIO(logo), 0, Inches(0.4),
                                           height=Inches(0.8))
            if pic.width > Inches(3):
                ratio = Inches(3) / pic.width
                pic.width, pic.height = Inches(3), int(pic.height * ratio)
            pic.left = self.prs.slide_width - self.margin - pic.width
            _describe(pic, f"{firm or 'Consultancy'} logo")
        self._footer(slide)

    def bullets(self, title: str, items: Sequence[str]) -> list[Any]:
        from pptx.util import Pt

        height = self.body_bottom - self.body_top
        inner = _pt(self.width) - 2 * BOX_INSET_LR * 72 - 27  # bullet indent
        pages: list[tuple[int, list[str]]] = []
        size = 22 if len(items) <= 5 else 18
        current: list[str] = []
        used = 0.0
        for item in items:
            need = (len(wrap_lines(item, size * WRAP_SAFETY, inner)) * size * LINE_SPACING
                    + 8)
            if current and (used + need > _pt(height) - 2 * BOX_INSET_TB * 72
                            or len(current) >= BULLETS_PER_SLIDE):
                pages.append((size, current))
                current, used = [], 0.0
            current.append(item)
            used += need
        pages.append((size, current))
        slides = []
        for k, (size, chunk) in enumerate(pages, start=1):
            # a list's first slide keeps its plain title (the agenda reads "Agenda"); the
            # slides that continue it say which part they are
            label = title if k == 1 else f"{title} ({k} of {len(pages)})"
            slide = self.slide(label, role="content")
            body = next((p for p in slide.placeholders if p.placeholder_format.idx == 1),
                        None)
            if body is None:
                body = slide.shapes.add_textbox(self.margin, self.body_top, self.width, height)
            body.left, body.top = self.margin, self.body_top
            body.width, body.height = self.width, height
            frame = body.text_frame
            frame.word_wrap = True
            for i, item in enumerate(chunk):
                paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
                paragraph.text = item
                self._font(paragraph.font, size)
                paragraph.space_after = Pt(8)
            slides.append(slide)
        return slides

    def figure(self, figure: Figure) -> Any:
        from pptx.util import Inches

        report = self.report
        slide = self.slide(report.text(figure.title))
        caption = report.text(figure.caption)
        caption_h = self._text_height(caption, 14) if caption else 0
        box_h = self.body_bottom - self.body_top - caption_h - Inches(0.08)
        px_w, px_h = figure.pixels
        scale = min(self.width / px_w, box_h / px_h)
        width, height = int(px_w * scale), int(px_h * scale)
        left = self.margin + (self.width - width) // 2
        pic = slide.shapes.add_picture(io.BytesIO(figure.png), left, self.body_top, width,
                                       height)
        _describe(pic, report.text(figure.alt_text), name=report.text(figure.title))
        if caption:
            self._text_box(slide, self.body_top + height + Inches(0.08), caption_h, caption,
                           size=14, italic=True, center=True, name="Caption")
        return slide

    def table(self, table: Table) -> Any:
        from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
        from pptx.util import Inches, Pt

        report = self.report
        header, numeric, rows = _texts(table, report)
        ncols = len(header)
        size, widths_pt = table_layout(header, rows, _pt(self.width), 14 if ncols <= 12 else 12)
        head_h = _row_height_pt(header, widths_pt, size, bold=True)
        heights = [_row_height_pt(r, widths_pt, size) for r in rows]
        legend = _legend(table, report.min_group_size)
        note = " ".join(p for p in (report.text(table.note), legend) if p)
        note_h = _pt(self._text_height(note, NOTE_SIZE)) + 6 if note else 0.0
        room = _pt(self.body_bottom - self.body_top) - note_h - head_h
        pages = _pages(heights, room, ROWS_PER_SLIDE)
        title = report.text(table.title)
        first_slide = None
        widths = [int(w * EMU_PER_PT) for w in widths_pt]
        for k, page in enumerate(pages, start=1):
            label = title if len(pages) == 1 else f"{title} ({k} of {len(pages)})"
            slide = self.slide(label)
            first_slide = first_slide or slide
            page_heights = [head_h] + [heights[i] for i in page]
            total = sum(Pt(h) for h in page_heights)
            shape = slide.shapes.add_table(len(page) + 1, ncols, self.margin, self.body_top,
                                           sum(widths), total)
            shape.name = f"Table: {title}"
            grid = shape.table
            for c, width in enumerate(widths):
                grid.columns[c].width = width
            for r, h in enumerate(page_heights):
                grid.rows[r].height = Pt(h)
            for r, texts in enumerate([header, *[rows[i] for i in page]]):
                for c, text in enumerate(texts):
                    cell = grid.cell(r, c)
                    cell.text = text
                    cell.margin_left = cell.margin_right = Inches(CELL_MARGIN_LR)
                    cell.margin_top = cell.margin_bottom = Inches(CELL_MARGIN_TB)
                    cell.vertical_anchor = MSO_ANCHOR.TOP if r else MSO_ANCHOR.BOTTOM
                    cell.text_frame.word_wrap = True
                    for paragraph in cell.text_frame.paragraphs:
                        self._font(paragraph.font, size)
                        paragraph.font.name = DECK_FONT  # measured in this font
                        if numeric[c]:
                            paragraph.alignment = PP_ALIGN.RIGHT
                        if r == 0:
                            paragraph.font.bold = True
                            paragraph.font.color.rgb = _white()
                    if r == 0:
                        cell.fill.solid()
                        cell.fill.fore_color.rgb = self.brand
            if note:
                top = self.body_top + total + Inches(0.08)
                self._text_box(slide, top, Pt(note_h), note, size=NOTE_SIZE, name="Note")
        return first_slide

    def divider(self, title: str) -> Any:
        """A section divider slide (e.g. "Appendix")."""
        return self.slide(title, role="title_only")

    def notes(self, slide: Any, paragraphs: Sequence[str]) -> None:
        if paragraphs:
            slide.notes_slide.notes_text_frame.text = "\n\n".join(paragraphs)


def _white() -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor(0xFF, 0xFF, 0xFF)


def _describe(picture: Any, alt: str, *, name: str = "") -> None:
    """Alt text of a picture (what a screen reader says), and a meaningful shape name."""
    props = picture._element.nvPicPr.cNvPr
    props.set("descr", alt)
    if name:
        props.set("name", name[:250])


def _agenda(report: Report) -> list[str]:
    """The agenda: the executive summary, the story's parts (figure slides with action
    titles count as one part, "Findings"), next steps, then "Appendix"."""
    items: list[str] = ["Executive summary"] if report.key_findings else []
    for s in report.story:
        title = "Findings" if s.figures and not s.tables else report.text(s.title)
        if not items or items[-1] != title:
            items.append(title)
    if report.next_steps:
        items.append("Next steps")
    return items + (["Appendix"] if report.appendix else [])


def render_deck(report: Report, path: str | Path) -> Path:
    """Write the report as a 16:9 PowerPoint deck.

    Slides, each with a title: the title slide (title, client, subtitle, date,
    firm, status, logo); "Agenda" (the section titles); "Key findings"
    (bullets); for each section, one slide per figure (picture scaled to fit,
    its alt text set, caption below) and one slide per table (a native table
    laid out with font metrics: no word or number breaks, rows measured; a
    long table continues on slides titled "<title> (2 of 3)" with its header
    repeated and its note below it); "Next steps". A section's paragraphs go to
    the speaker notes of its first slide; a section without figures or tables
    gets one text slide. Lists too long for one slide continue ("(2 of 2)");
    empty lists get no slide. With ``branding.pptx_template`` the deck is built
    on the firm's own slide master and layouts.

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
        deck.bullets("Agenda", _agenda(report))
    if report.key_findings:
        deck.bullets("Executive summary", [report.text(t) for t in report.key_findings])
    if report.decisions:
        deck.bullets("Decisions we ask of you", [report.text(t) for t in report.decisions])
    appendix_started = False
    for section in report.story + report.appendix:
        if section.appendix and not appendix_started:
            appendix_started = True
            if report.next_steps:
                deck.bullets("Next steps", [report.text(t) for t in report.next_steps])
            deck.divider("Appendix")
        slides = [deck.figure(f) for f in section.figures]
        slides += [deck.table(t) for t in section.tables if t.slide]
        detail = [report.text(t.title) for t in section.tables if not t.slide]
        paragraphs = tuple(report.text(p) for p in section.paragraphs)
        notes = paragraphs + (
            ("Detail in the report and workbook: " + "; ".join(detail) + ".",) if detail else ())
        if slides:
            deck.notes(slides[0], notes)
        else:
            deck.bullets(report.text(section.title), paragraphs)
    if report.next_steps and not appendix_started:
        deck.bullets("Next steps", [report.text(t) for t in report.next_steps])
    props = deck.prs.core_properties
    props.title = report.text(report.title)
    props.author = report.branding.firm or "ldkit"
    props.last_modified_by = "ldkit"
    with atomic_path(target) as tmp:
        deck.prs.save(tmp)
    return target
