"""One client vocabulary: names, counts, money, shares, dates, spelling, statistics, contrast."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from ldkit import vocabulary as v
from ldkit.deliverables import Branding, Report, Section, Table, render_html, render_workbook
from ldkit.errors import ParameterError

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def test_counts_are_whole_numbers():
    assert v.format_count(240.0, noun="learners") == "240 learners"
    assert v.format_count(1240) == "1,240"
    assert v.format_count(1240, "de-DE") == "1.240"
    assert v.format_count(float("nan")) == "–"


@pytest.mark.parametrize("locale, expected", [
    ("en-GB", "€919,575"), ("en-US", "€919,575"), ("de-DE", "919.575 €")])
def test_money_one_style_per_locale(locale, expected):
    assert v.format_money(919_575.4, "EUR", locale) == expected


def test_money_other_currencies_and_signs():
    assert v.format_money(1200, "CHF", "en-GB") == "CHF 1,200"
    assert v.format_money(-564_700, "GBP") == "−£564,700"
    assert v.format_money(12.5, "USD", "en-US", decimals=2) == "$12.50"


def test_percent_and_number():
    assert v.format_percent(0.628) == "63%"
    assert v.format_percent(0.628, "de-DE", decimals=1) == "62,8\u00a0%"
    assert v.format_number(1234.567, 2, "de-DE") == "1.234,57"


@pytest.mark.parametrize("locale, long, short", [
    ("en-GB", "7 December 2026", "7 Dec 2026"),
    ("en-US", "December 7, 2026", "Dec 7, 2026"),
    ("de-DE", "7. Dezember 2026", "7. Dez 2026"),
])
def test_one_date_style_per_locale(locale, long, short):
    day = dt.date(2026, 12, 7)
    assert v.format_date(day, locale) == long
    assert v.format_date("2026-12-07", locale) == long
    assert v.format_date(pd.Timestamp("2026-12-07 10:30"), locale) == long
    assert v.format_date(day, locale, short=True) == short


def test_spelling_by_locale():
    assert v.spell("The programme and its programmes", "en-US") == "The program and its programs"
    assert v.spell("Learning programs are organized", "en-GB") == (
        "Learning programmes are organised")
    assert v.spell("Programm", "de-DE") == "Programm"
    assert v.spell("Programme review", "en-US") == "Program review"


def test_unknown_locale_is_refused():
    with pytest.raises(ParameterError, match="'locale'"):
        v.locale_style("xx-YY")
    assert v.locale_style("en_US").paper == "Letter"
    assert v.locale_style("en-GB").paper == "A4"
    assert v.locale_style("de-AT").code == "de-DE"


def test_statistics_in_words():
    """Cohen (1988): 0.2 small, 0.5 medium, 0.8 large."""
    assert v.effect_in_words(1.6) == "a large improvement (Hedges' g = 1.6)"
    assert v.effect_in_words(0.55) == "a medium improvement (Hedges' g = 0.6)"
    assert v.effect_in_words(0.1) == "a negligible change (Hedges' g = 0.1)"
    assert v.format_p(3.9e-73) == "p < 0.001"
    assert v.format_p(0.0312) == "p = 0.03"


def test_labels_have_no_snake_case():
    for name in ("value_per_unit", "npv_cost", "share_of_total", "break_even_improvement",
                 "g_av", "mwds", "n_manager", "cumulative_discounted", "some_new_column"):
        text = v.label(name)
        assert not SNAKE.search(text), text
        assert text[0].isupper() or text.startswith("n ")
    assert v.label("lg-coaching", {"lg-coaching": "Coaching culture"}) == "Coaching culture"
    assert v.value_label("straight_lining") == "same answer throughout"
    assert v.value_label("self.csv") == "self-assessment survey"
    assert v.value_label("flagged in self.csv") == "flagged in self-assessment survey"


def test_column_key_inverts_label():
    for name in ("mean_gap", "share_below", "required_level", "weight", "n", "n_manager",
                 "mean_manager", "total_cost"):
        assert v.column_key(v.label(name)) == name


def test_contrast_ratio_matches_wcag():
    """WCAG 2.1: black on white 21:1; #767676 on white is the lightest grey at 4.54:1."""
    assert v.contrast_ratio("#000000") == pytest.approx(21.0)
    assert v.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)
    assert v.contrast_ratio("#777777") < 4.5


def _independent_ratio(a: str, b: str) -> float:
    def lum(h: str) -> float:
        rgb = np.array([int(h.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]) / 255
        lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(lin @ [0.2126, 0.7152, 0.0722])
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_colour_used_for_text_passes_aa():
    from ldkit.deliverables import BRAND, MUTED

    pairs = [(f"#{BRAND}", "#FFFFFF"), (f"#{MUTED}", "#FFFFFF"), ("#FFFFFF", f"#{BRAND}"),
             ("#1D2327", "#F3F6F7"), ("#0563C1", "#FFFFFF")]
    for fg, bg in pairs:
        assert _independent_ratio(fg, bg) >= 4.5, (fg, bg)
        assert v.contrast_ratio(fg, bg) == pytest.approx(_independent_ratio(fg, bg))


def test_brand_colours_that_fail_are_darkened():
    branding = Branding(firm="Acme Consulting", colors=("#FFD700", "#1F4E5F"))
    assert branding.colors[1] == "#1F4E5F"  # passes as given
    assert branding.colors[0] != "#FFD700"  # gold on white fails: darkened
    assert _independent_ratio(branding.colors[0], "#FFFFFF") >= 4.5
    with pytest.raises(ParameterError, match="'colors' parameter of Branding"):
        Branding(colors=("teal",))


def test_renderers_speak_the_vocabulary(tmp_path):
    frame = pd.DataFrame({"capability": ["a"], "value_per_unit": [919575.0],
                          "learners": [240.0], "share_of_total": [0.628],
                          "status_at": ["2026-12-31"], "flag": ["straight_lining"]})
    report = Report("Acme", "Programme review", date="2026-12-07", locale="en-US",
                    sections=(Section("Costs", tables=(Table("Programme costs", frame),)),))
    html = render_html(report, tmp_path / "r.html").read_text(encoding="utf-8")
    body = html[html.index("<body>"):]
    assert "Program review" in body and "Dec 7, 2026" in body
    assert "Value per unit" in body and "<td class=\"num\">240</td>" in body
    assert "63%" in body and "Dec 31, 2026" in body and "same answer throughout" in body
    assert not SNAKE.search(re.sub(r"<[^>]+>", " ", body))
    assert "size: letter" in html
    ws = load_workbook(render_workbook(report, tmp_path / "r.xlsx"))["Program costs"]
    assert [c.value for c in ws[1]] == ["Capability", "Value per unit", "Learners",
                                        "Share of total", "Status at", "Flag"]
    assert ws["C2"].value == 240 and ws["C2"].number_format == "#,##0"
    assert isinstance(ws["E2"].value, dt.datetime)


def test_codes_inside_text_read_as_words():
    assert v.value_label("gxp_compliance 2 < 3") == "GxP compliance 2 < 3"
    assert v.value_label("flip_weight: the weight at which") == "flip weight: the weight at which"
    assert v.value_label("see data/raw/file_name.csv") == "see data/raw/file_name.csv"  # a path


def test_sheet_names_end_on_a_whole_phrase():
    from ldkit.deliverables import _sheet_names

    names = _sheet_names(["Intangible benefits (not converted to money)",
                          "Break-even improvement (ROI = 0)", "Learning programmes: status at ",
                          "Application on the job (level 3)"], [])
    assert names == ["Intangible benefits", "Break-even improvement",
                     "Learning programmes status", "Application on the job"]
