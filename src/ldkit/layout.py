"""Text measured with font metrics, so tables are laid out before anyone renders them.

The deck is set in Calibri. Where Calibri itself is not installed, its
metric-compatible twin Carlito (same advance widths, glyph for glyph) is
measured instead; where neither is, DejaVu Sans (bundled with matplotlib),
which is wider than Calibri, so a layout measured with it is conservative:
nothing that fits in the measurement wraps in PowerPoint or LibreOffice.

    >>> width = text_width("820,800", 14)
    >>> 40 < width < 70
    True
    >>> wrap_lines("Scientific and clinical acumen", 12, 80)
    ['Scientific and', 'clinical acumen']
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = [
    "DECK_FONT",
    "LINE_SPACING",
    "deck_layout_problems",
    "font_file",
    "line_count",
    "longest_token",
    "place_labels",
    "text_width",
    "tokens",
    "wrap_lines",
]

DECK_FONT = "Calibri"
"""The font the deck's text is set in (and measured as)."""
LINE_SPACING = 1.22
"""Line height as a multiple of the font size (Calibri's ascent + descent + gap)."""

_CANDIDATES = {
    False: ("Calibri.ttf", "calibri.ttf", "Carlito-Regular.ttf"),
    True: ("Calibrib.ttf", "calibrib.ttf", "Carlito-Bold.ttf"),
}
_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"),
            "/Library/Fonts", "C:/Windows/Fonts")


@functools.cache
def font_file(bold: bool = False) -> str:
    """The font file measured: Calibri, else Carlito, else matplotlib's DejaVu Sans."""
    for name in _CANDIDATES[bold]:
        for folder in _FOLDERS:
            root = Path(folder)
            if not root.is_dir():
                continue
            hit = next(iter(root.rglob(name)), None)
            if hit is not None:
                return str(hit)
    import matplotlib

    data = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return str(data / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"))


@functools.cache
def _font(size_hundredths: int, bold: bool):
    from PIL import ImageFont

    # 1 px = 1/100 pt: integer sizes with sub-point precision
    return ImageFont.truetype(font_file(bold), size_hundredths)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Advance width of ``text`` in points, set at ``size`` points."""
    if not text:
        return 0.0
    font = _font(round(size * 100), bool(bold))
    return float(font.getlength(text)) / 100


_TOKEN = re.compile(r"\S+")


def tokens(text: str) -> list[str]:
    """The pieces a line may break between (runs of non-space)."""
    return _TOKEN.findall(text)


def longest_token(text: str, size: float, *, bold: bool = False) -> float:
    """Width in points of the widest token: the narrowest a column can be without a break
    inside a word or number."""
    return max((text_width(t, size, bold=bold) for t in tokens(text)), default=0.0)


def wrap_lines(text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """Greedy word wrap of ``text`` into lines at most ``width`` points wide (a token wider
    than the line stays whole on its own line); explicit newlines are kept."""
    out: list[str] = []
    space = text_width(" ", size, bold=bold)
    for paragraph in str(text).split("\n"):
        line, used = "", 0.0
        for token in tokens(paragraph):
            w = text_width(token, size, bold=bold)
            if line and used + space + w > width:
                out.append(line)
                line, used = token, w
            else:
                used = used + space + w if line else w
                line = f"{line} {token}" if line else token
        out.append(line)
    return out


def line_count(text: str, size: float, width: float, *, bold: bool = False) -> int:
    """Lines ``text`` takes at ``width`` points (see :func:`wrap_lines`)."""
    return len(wrap_lines(text, size, width, bold=bold))


def _size_pt(paragraph, default: float) -> float:
    for run in paragraph.runs:
        if run.font.size is not None:
            return run.font.size.pt
    if paragraph.font.size is not None:
        return paragraph.font.size.pt
    return default


def _bold(paragraph) -> bool:
    return any(bool(r.font.bold) for r in paragraph.runs) or bool(paragraph.font.bold)


def deck_layout_problems(path: str | Path) -> list[str]:
    """Every place in a .pptx where text would not survive rendering, measured with font
    metrics: a word or number wider than its table cell (it would break), a table taller
    than the room above the footer, a note or caption that overlaps the table or picture
    above it, a shape outside the slide, a title that needs more lines than its box holds.

    An empty list means the deck passes. Measured as :func:`text_width` measures (Calibri
    or a metric-compatible font).
    """
    from pptx import Presentation

    prs = Presentation(str(path))
    emu_pt = 12700
    footer_top = prs.slide_height / emu_pt - 0.5 * 72
    problems: list[str] = []
    for number, slide in enumerate(prs.slides, start=1):
        where = f"slide {number}"
        bottoms: list[tuple[float, float, str]] = []  # (top, bottom, kind) of tables, pictures
        for shape in slide.shapes:
            left, top = (shape.left or 0) / emu_pt, (shape.top or 0) / emu_pt
            width, height = (shape.width or 0) / emu_pt, (shape.height or 0) / emu_pt
            if (left < -0.5 or top < -0.5 or left + width > prs.slide_width / emu_pt + 0.5
                    or top + height > prs.slide_height / emu_pt + 0.5):
                problems.append(f"{where}: '{shape.name}' lies outside the slide")
            if shape.has_table:
                table = shape.table
                widths = [c.width / emu_pt for c in table.columns]
                total = 0.0
                for r, row in enumerate(table.rows):
                    need = 0.0
                    for c, cell in enumerate(row.cells):
                        inner = widths[c] - (cell.margin_left + cell.margin_right) / emu_pt
                        lines = 0
                        for paragraph in cell.text_frame.paragraphs:
                            size, bold = _size_pt(paragraph, 18.0), _bold(paragraph)
                            for token in tokens(paragraph.text):
                                if text_width(token, size, bold=bold) > inner:
                                    problems.append(
                                        f"{where}: '{token}' (row {r + 1}, column {c + 1}) is "
                                        f"wider than its cell and would break")
                            lines += line_count(paragraph.text, size, inner, bold=bold)
                            line_h = size * LINE_SPACING
                        margins = (cell.margin_top + cell.margin_bottom) / emu_pt
                        need = max(need, lines * line_h + margins)
                    total += max(row.height / emu_pt, need)
                bottom = top + total
                if bottom > footer_top + 0.5:
                    problems.append(f"{where}: table '{shape.name}' is {bottom - footer_top:.0f}"
                                    " pt taller than the room above the footer")
                bottoms.append((top, bottom, "table"))
            elif shape.shape_type == 13:  # picture
                bottoms.append((top, top + height, "picture"))
        for shape in slide.shapes:
            if not shape.has_text_frame or shape.name not in ("Note", "Caption"):
                continue
            top = shape.top / emu_pt
            for above_top, above_bottom, kind in bottoms:
                if above_top < top < above_bottom - 0.5:
                    problems.append(f"{where}: the {shape.name.lower()} overlaps the {kind} "
                                    "above it")
            text = shape.text_frame.text
            paragraph = shape.text_frame.paragraphs[0]
            size = _size_pt(paragraph, 18.0)
            inner = shape.width / emu_pt - 2 * 0.1 * 72
            bottom = top + line_count(text, size, inner) * size * LINE_SPACING + 7.2
            if bottom > footer_top + 0.5:
                problems.append(f"{where}: the {shape.name.lower()} runs into the footer")
        title = slide.shapes.title
        if title is not None and title.text_frame.text:
            paragraph = title.text_frame.paragraphs[0]
            size = _size_pt(paragraph, 44.0)
            inner_w = title.width / emu_pt - 2 * 0.1 * 72
            inner_h = title.height / emu_pt - 2 * 0.05 * 72
            lines = line_count(title.text_frame.text, size, inner_w, bold=True)
            if lines * size * LINE_SPACING > inner_h + 1:
                problems.append(f"{where}: the title needs {lines} lines at {size:g} pt and "
                                "does not fit its box")
    return problems


def place_labels(ax, xs, ys, labels, *, fontsize: float = 7, gap: float = 2.0) -> list:
    """Label points without overlaps or clipping: each label starts to the right of its
    point; labels that would overlap are moved down (then up) in steps of their own height,
    joined to their point by a thin line, and kept inside the axes.

    Returns the matplotlib Text objects. Needs a drawn figure size (it measures the labels
    with the figure's renderer), so call it after the axes limits are set.
    """
    fig = ax.figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    box = ax.get_window_extent(renderer)
    r = 3.5 * fig.dpi / 72  # a marker's half size: labels keep off every point
    placed: list = [(px - r, py - r, px + r, py + r)  # (x0, y0, x1, y1) in display pixels
                    for px, py in (to_px((float(a), float(b)))
                                   for a, b in zip(xs, ys, strict=True))]
    texts = []
    order = sorted(range(len(labels)), key=lambda i: -float(ys[i]))
    for i in order:
        px, py = to_px((float(xs[i]), float(ys[i])))
        text = ax.annotate(str(labels[i]), (xs[i], ys[i]), xytext=(4, 0),
                           textcoords="offset points", fontsize=fontsize, va="center",
                           annotation_clip=False)
        bb = text.get_window_extent(renderer)
        w, h = bb.width, bb.height
        x0 = px + 5 * fig.dpi / 72
        if x0 + w > box.x1:  # would be clipped on the right: put it on the left
            x0 = px - 5 * fig.dpi / 72 - w
        best = None
        for k in range(0, 40):
            for sign in ((1,) if k == 0 else (-1, 1)):
                y0 = py - h / 2 + sign * k * (h + gap) * 0.5
                cand = (x0, y0, x0 + w, y0 + h)
                inside = cand[1] >= box.y0 and cand[3] <= box.y1
                free = all(cand[2] <= p[0] or cand[0] >= p[2] or cand[3] <= p[1]
                           or cand[1] >= p[3] for p in placed)
                if inside and free:
                    best = cand
                    break
            if best:
                break
        best = best or (x0, py - h / 2, x0 + w, py + h / 2)
        placed.append(best)
        dx = (best[0] - px) * 72 / fig.dpi
        dy = ((best[1] + best[3]) / 2 - py) * 72 / fig.dpi
        text.set_position((dx, dy))
        text.set_ha("left")
        if abs(dy) > h * 0.6 * 72 / fig.dpi:  # moved off its point: a leader line
            ax.annotate("", (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points",
                        arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#777777"},
                        annotation_clip=False)
        texts.append(text)
    return texts
