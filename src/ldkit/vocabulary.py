"""One client vocabulary and one formatter for every deliverable.

The deck, the HTML report, the workbook and the plan documents say the same
thing the same way: a column or measure by its display name (never its
snake_case name or id), counts as whole numbers, money in the engagement's
currency in one style, shares as percentages, one date style and one spelling
per locale, and statistics in words with the statistic in brackets::

    >>> format_count(240.0)
    '240'
    >>> format_money(919575.4, "EUR", "en-GB")
    '€919,575'
    >>> format_money(919575.4, "EUR", "de-DE")
    '919.575 €'
    >>> format_percent(0.628)
    '63%'
    >>> import datetime as dt
    >>> format_date(dt.date(2026, 12, 7), "en-US")
    'December 7, 2026'
    >>> spell("The programme is organised", "en-US")
    'The program is organized'
    >>> effect_in_words(1.6)
    "a large improvement (Hedges' g = 1.6)"
    >>> label("value_per_unit")
    'Value per unit'

Supported locales: :data:`LOCALES` (en-GB is the default). Colours for text
are checked against WCAG 2.1 AA (:func:`contrast_ratio`, :func:`readable_color`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ldkit.errors import ParameterError

__all__ = [
    "AA_CONTRAST",
    "COLUMN_LABELS",
    "LOCALES",
    "VALUE_LABELS",
    "LocaleStyle",
    "column_key",
    "contrast_ratio",
    "effect_in_words",
    "effect_size_word",
    "format_count",
    "format_date",
    "format_money",
    "format_number",
    "format_p",
    "format_percent",
    "label",
    "locale_style",
    "readable_color",
    "relative_luminance",
    "spell",
    "value_label",
]

AA_CONTRAST = 4.5
"""WCAG 2.1 success criterion 1.4.3 (AA): normal text needs a contrast ratio of 4.5:1."""


@dataclass(frozen=True)
class LocaleStyle:
    """How one locale writes numbers, dates and paper sizes."""

    code: str
    decimal: str
    group: str
    paper: str                  # "A4" or "Letter"
    date_long: str              # strftime-like with {d} {month} {y}
    months: tuple[str, ...]
    percent_space: bool
    money_after: bool           # "919.575 €" (de) against "€919,575" (en)
    us_spelling: bool
    excel_date: str             # Excel number format of a date

    @property
    def language(self) -> str:
        return self.code.split("-")[0]


_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_DE_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
              "September", "Oktober", "November", "Dezember")

LOCALES: Mapping[str, LocaleStyle] = {
    "en-GB": LocaleStyle("en-GB", ".", ",", "A4", "{d} {month} {y}", _EN_MONTHS, False, False,
                         False, "d mmm yyyy"),
    "en-US": LocaleStyle("en-US", ".", ",", "Letter", "{month} {d}, {y}", _EN_MONTHS, False,
                         False, True, "mmm d, yyyy"),
    "de-DE": LocaleStyle("de-DE", ",", ".", "A4", "{d}. {month} {y}", _DE_MONTHS, True, True,
                         False, "d. mmmm yyyy"),
}
"""The supported locales; any other ``en-*`` reads as en-GB, ``de-*`` as de-DE."""

_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥"}


def locale_style(locale: str | None = None) -> LocaleStyle:
    """The style of ``locale`` (default en-GB); raises ParameterError for an unknown one."""
    if locale is None or locale == "":
        return LOCALES["en-GB"]
    if not isinstance(locale, str):
        raise ParameterError(f"The 'locale' parameter must be one of {', '.join(LOCALES)}. "
                             f"Got {locale!r}.")
    code = locale.replace("_", "-")
    for key in LOCALES:
        if key.lower() == code.lower():
            return LOCALES[key]
    language = code.split("-")[0].lower()
    if language == "en":
        return LOCALES["en-US" if code.upper().endswith(("-US", "-CA", "-PH")) else "en-GB"]
    if language == "de":
        return LOCALES["de-DE"]
    raise ParameterError(f"The 'locale' parameter must be one of {', '.join(LOCALES)}. "
                         f"Got {locale!r}.")


# --------------------------------------------------------------------------- numbers


def _group(text: str, style: LocaleStyle) -> str:
    """Swap the Python separators (',' and '.') for the locale's."""
    return text.replace(",", "\0").replace(".", style.decimal).replace("\0", style.group)


def format_number(value: float, decimals: int = 1, locale: str | None = None) -> str:
    """A number with ``decimals`` decimals and the locale's separators ("1,234.5")."""
    style = locale_style(locale)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return _group(f"{float(value):,.{decimals}f}", style)


def format_count(value: float, locale: str | None = None, *, noun: str = "") -> str:
    """A count as a whole number ("240", "1,240"), with its noun when given ("240 learners").

    A count is never shown with decimals: 240.0 reads "240".
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = _group(f"{round(float(value)):,d}", locale_style(locale))
    return f"{text} {noun}" if noun else text


def format_money(value: float, currency: str = "EUR", locale: str | None = None, *,
                 decimals: int = 0) -> str:
    """Money in one style per locale: "€919,575" (en), "919.575 €" (de), "CHF 1,200".

    Whole units by default (a consultant's figures are estimates).
    """
    style = locale_style(locale)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    code = str(currency or "").upper()
    amount = _group(f"{abs(float(value)):,.{decimals}f}", style)
    sign = "−" if float(value) < 0 and round(abs(float(value)), decimals) != 0 else ""
    symbol = _SYMBOLS.get(code, code)
    if style.money_after:
        return f"{sign}{amount} {symbol}".strip()
    if symbol == code and code:
        return f"{sign}{code} {amount}"
    return f"{sign}{symbol}{amount}"


def format_percent(share: float, locale: str | None = None, *, decimals: int = 0) -> str:
    """A share (0.628) as a percentage ("63%"; "63 %" in German)."""
    style = locale_style(locale)
    if share is None or (isinstance(share, float) and not math.isfinite(share)):
        return "–"
    text = _group(f"{float(share) * 100:,.{decimals}f}", style)
    return f"{text}\u00a0%" if style.percent_space else f"{text}%"


def format_date(value: Any, locale: str | None = None, *, short: bool = False) -> str:
    """One date style per locale: "7 December 2026" (en-GB), "December 7, 2026" (en-US),
    "7. Dezember 2026" (de-DE); ``short`` abbreviates the month ("7 Dec 2026").

    Accepts a date, datetime, Timestamp or ISO string ("2026-12-07").
    """
    style = locale_style(locale)
    day = _as_date(value)
    if day is None:
        return "" if value is None else str(value)
    month = style.months[day.month - 1]
    if short:
        month = month[:3]
    return style.date_long.format(d=day.day, month=month, y=day.year)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, str):
        if not _ISO_DATE.match(value.strip()):
            return None
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


# --------------------------------------------------------------------------- statistics


def effect_size_word(g: float) -> str:
    """Cohen's (1988) conventions for |d| or |g|: negligible < 0.2 <= small < 0.5 <=
    medium < 0.8 <= large."""
    size = abs(float(g))
    return ("negligible" if size < 0.2 else "small" if size < 0.5 else "medium" if size < 0.8
            else "large")


def effect_in_words(g: float, *, statistic: str = "Hedges' g", locale: str | None = None
                    ) -> str:
    """A standardised effect said in words, the statistic in brackets.

    >>> effect_in_words(-0.3, statistic="Cohen's d")
    "a small decline (Cohen's d = −0.3)"
    """
    word = effect_size_word(g)
    direction = "change" if word == "negligible" else ("improvement" if g >= 0 else "decline")
    number = format_number(abs(g), 1, locale)
    sign = "−" if g < 0 else ""
    return f"a {word} {direction} ({statistic} = {sign}{number})"


def format_p(p: float) -> str:
    """A p-value as a reader takes it: "p < 0.001" below one in a thousand, else "p = 0.03"."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}".rstrip("0").rstrip(".") if p < 0.01 else f"p = {p:.2f}"


# --------------------------------------------------------------------------- spelling

_SPELLING = (  # British -> American; whole words, any case of the first letter
    ("programme", "program"), ("programmes", "programs"), ("organisation", "organization"),
    ("organisations", "organizations"), ("organised", "organized"), ("analyse", "analyze"),
    ("analysed", "analyzed"), ("prioritise", "prioritize"), ("prioritised", "prioritized"),
    ("personalised", "personalized"), ("behaviour", "behavior"), ("behaviours", "behaviors"),
    ("favourable", "favorable"), ("centre", "center"), ("centres", "centers"),
    ("colour", "color"), ("colours", "colors"), ("enrolment", "enrollment"),
    ("enrolments", "enrollments"), ("modelling", "modeling"), ("standardised", "standardized"),
    ("recognised", "recognized"), ("utilisation", "utilization"), ("licence", "license"),
)


@functools.lru_cache(maxsize=4)
def _speller(us: bool) -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every word pair of a direction, and the lower-case replacements."""
    if us:
        pairs = dict(_SPELLING)
    else:
        pairs = {u: g for g, u in _SPELLING if u not in ("program", "programs")}
        pairs |= {"program": "programme", "programs": "programmes"}
    words = sorted(pairs, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE), pairs


def spell(text: str, locale: str | None = None) -> str:
    """The text in the locale's spelling: "programme" in en-GB, "program" in en-US.

    Only the listed word pairs change; other words are left as written. German
    text is not respelled.
    """
    style = locale_style(locale)
    if style.language != "en" or not text:
        return text
    pattern, pairs = _speller(style.us_spelling)

    def swap(match: re.Match) -> str:
        word = match.group(0)
        target = pairs[word.lower()]
        return target.capitalize() if word[0].isupper() else target

    return pattern.sub(swap, text)


# --------------------------------------------------------------------------- names

COLUMN_LABELS: Mapping[str, str] = {
    "n": "n", "suppressed": "Hidden", "role": "Role", "capability": "Capability",
    "item": "Capability", "required_level": "Required", "weight": "Weight", "mean_self": "Self",
    "mean_manager": "Manager", "mean_peer": "Peer", "mean_current": "Current",
    "mean_gap": "Gap", "share_below": "Share below", "mean_importance": "Importance",
    "mean_competence": "Competence", "mwds": "Priority score",
    "mwds_ci_low": "Priority score, low", "mwds_ci_high": "Priority score, high",
    "mwds low": "Priority score, low", "mwds high": "Priority score, high",
    "mean_diff": "Self minus manager", "self - manager": "Self minus manager",
    "sd_diff": "SD", "sd": "SD", "exact_agreement": "Share exact", "within_one": "Share within 1",
    "n_pairs": "n", "npv_cost": "Cost (present value)", "npv": "Net present value",
    "total_cost": "Total cost", "per_participant": "Per participant",
    "value_per_unit": "Value per unit", "annual_improvement": "Annual improvement",
    "break_even_improvement": "Break-even improvement", "share_of_total": "Share of total",
    "share_of_estimate": "Share of estimate", "discounted_net": "Discounted net",
    "cumulative_discounted": "Cumulative discounted", "g_av": "Effect size (g)",
    "d_z": "Effect size (d)", "r": "Correlation", "roi": "ROI", "bcr": "Benefit-cost ratio",
    "smart": "SMART", "SMART": "SMART", "rfp": "RFP", "lms": "LMS", "kpi": "KPI",
}
"""Display names of columns and measures (exact names; others are derived by :func:`label`)."""

VALUE_LABELS: Mapping[str, str] = {
    "self.csv": "self-assessment survey", "manager.csv": "manager survey",
    "peer.csv": "peer survey", "straight_lining": "same answer throughout",
    "too_fast": "faster than the minimum time", "duplicate": "duplicate response",
    "g_av": "effect size (g)", "d_z": "effect size (d)",
}
"""Display words of codes that appear as cell values."""

_ACRONYMS = {"id": "ID", "roi": "ROI", "npv": "NPV", "lms": "LMS", "rfp": "RFP", "kpi": "KPI",
             "ci": "CI", "sd": "SD", "eur": "EUR", "usd": "USD", "gbp": "GBP", "hcp": "HCP",
             "gmp": "GMP", "gxp": "GxP", "fte": "FTE", "smart": "SMART"}
_SNAKE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$")
_SNAKE_IN_TEXT = re.compile(r"(?<![\w./\\])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w./\\])")


def label(name: Any, labels: Mapping[str, str] | None = None) -> str:
    """The display name of a column or measure.

    ``labels`` (e.g. the engagement's own names of ids) win, then
    :data:`COLUMN_LABELS`, else the name is made readable: underscores become
    spaces, the first letter is capitalised, known acronyms upper-cased
    ("share_of_total" -> "Share of total").
    """
    text = str(name)
    if labels and text in labels:
        return str(labels[text])
    if text.startswith("n_") and text not in COLUMN_LABELS:  # a group size per rater
        return f"n ({text[2:].replace('_', ' ')})"
    if text in COLUMN_LABELS:
        return COLUMN_LABELS[text]
    if text.lower() in COLUMN_LABELS:
        return COLUMN_LABELS[text.lower()]
    words = re.split(r"[_\s]+", text.strip())
    out = [_ACRONYMS.get(w.lower(), w) for w in words if w]
    if not out:
        return text
    first = out[0]
    if first.islower():
        out[0] = first[:1].upper() + first[1:]
    return " ".join(out)


_CANONICAL = {}
for _name, _label in COLUMN_LABELS.items():
    _CANONICAL.setdefault(_label.lower(), _name.replace(" ", "_").lower())
_N_LABEL = re.compile(r"^n \((?P<who>[^)]+)\)$")


def column_key(text: Any) -> str:
    """The column name behind a display name: the inverse of :func:`label`.

    What checks of rendered files (e.g. :mod:`ldkit.audit`) compare, so they
    read "Gap" as ``mean_gap`` and "n (manager)" as ``n_manager``.

    >>> column_key("Gap"), column_key("n (manager)"), column_key("Share below")
    ('mean_gap', 'n_manager', 'share_below')
    """
    raw = str(text).strip()
    lowered = raw.lower()
    if lowered in _CANONICAL:
        return _CANONICAL[lowered]
    match = _N_LABEL.match(lowered)
    if match:
        return "n_" + match["who"].replace(" ", "_")
    return re.sub(r"\s+", "_", lowered)


def value_label(value: str, labels: Mapping[str, str] | None = None) -> str:
    """The display text of a cell value: a known code or id by its name, else as written.

    A whole-cell snake_case code ("straight_lining") is made readable even if
    not listed; a phrase is left as written, except that known codes inside it
    are replaced (``"straight_lining"`` in a sentence).
    """
    if labels and value in labels:
        return str(labels[value])
    if value in VALUE_LABELS:
        return VALUE_LABELS[value]
    if _SNAKE.match(value):
        return _words(value)
    known = {**VALUE_LABELS, **(labels or {})} if labels else VALUE_LABELS
    pattern = _codes_pattern(tuple(known))
    if pattern.search(value):
        value = pattern.sub(lambda m: str(known[m.group(1)]), value)
    if "_" in value:  # a code inside a phrase ("gxp_compliance 2 < 3") reads as words
        value = _SNAKE_IN_TEXT.sub(lambda m: _words(m.group(0)), value)
    return value


def _words(code: str) -> str:
    """A snake_case code as words in running text: "flip_weight" -> "flip weight",
    "gxp_compliance" -> "GxP compliance"."""
    text = label(code)
    first = text.split(" ")[0]
    if code.islower() and first.lower() not in _ACRONYMS:
        text = text[:1].lower() + text[1:]
    return text


@functools.lru_cache(maxsize=64)
def _codes_pattern(codes: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<![\w.-])(" + "|".join(
        re.escape(k) for k in sorted(codes, key=len, reverse=True)) + r")(?![\w-])")


# --------------------------------------------------------------------------- colour


def _rgb(color: str) -> tuple[int, int, int]:
    text = str(color).strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", text):
        raise ParameterError(f"The 'color' parameter must be a hex colour such as '#1F4E5F'. "
                             f"Got {color!r}.")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def relative_luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour ("#1F4E5F").

    Notes
    -----
    Each channel c in [0, 1] is linearised as c / 12.92 if c <= 0.04045 else
    ((c + 0.055) / 1.055) ** 2.4; L = 0.2126 R + 0.7152 G + 0.0722 B.

    References
    ----------
    W3C, Web Content Accessibility Guidelines 2.1, definition "relative luminance".
    """
    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05), from 1 to 21.

    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1)
    21.0
    """
    a, b = relative_luminance(foreground), relative_luminance(background)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def readable_color(color: str, background: str = "#FFFFFF", *,
                   minimum: float = AA_CONTRAST) -> str:
    """``color`` if it reaches ``minimum`` contrast on ``background``, else the nearest
    darker (on light backgrounds) or lighter shade that does, as "#RRGGBB"."""
    r, g, b = _rgb(color)
    hex_of = "#{:02X}{:02X}{:02X}".format
    if contrast_ratio(hex_of(r, g, b), background) >= minimum:
        return hex_of(r, g, b)
    towards = 0 if relative_luminance(background) > 0.18 else 255
    for step in range(1, 101):
        t = step / 100
        shade = tuple(round(c + (towards - c) * t) for c in (r, g, b))
        if contrast_ratio(hex_of(*shade), background) >= minimum:
            return hex_of(*shade)
    return hex_of(towards, towards, towards)
