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
    "font_file",
    "line_count",
    "longest_token",
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
