"""Layout that survives rendering: every table cell of the demo decks measured with font metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Inches, Pt

from ldkit.deliverables import Report, Section, Table, render_deck, table_layout
from ldkit.layout import (
    deck_layout_problems,
    font_file,
    longest_token,
    text_width,
    tokens,
    wrap_lines,
)


def test_font_is_calibri_metric_compatible_or_wider():
    """Carlito has Calibri's advance widths; DejaVu Sans (the fallback) is wider."""
    name = font_file().lower()
    width = text_width("Scientific and clinical acumen 820,800", 14)
    if "carlito" in name or "calibri" in name:
        # Calibri 14 pt: "0" advances 507/1000 em = 7.098 pt (the font's hmtx table)
        assert text_width("0", 14) == pytest.approx(7.098, abs=0.01)
    else:
        assert width > 250
    assert text_width("0", 14, bold=True) >= text_width("0", 14)


def test_wrap_never_breaks_a_token():
    lines = wrap_lines("Treatment-centre onboarding and logistics 919,575", 12, 60)
    assert " ".join(lines).split() == tokens("Treatment-centre onboarding and logistics 919,575")
    assert all(len(line.split()) >= 1 for line in lines)
    assert longest_token("a 919,575", 12) == text_width("919,575", 12)


def test_table_layout_gives_every_token_room():
    header = ["Capability", "Required", "Self", "Self minus manager"]
    rows = [["Treatment-centre onboarding and logistics", "3", "2.45", "820,800"]] * 5
    size, widths = table_layout(header, rows, 400)
    for c, width in enumerate(widths):
        inner = width - 2 * 0.06 * 72
        for text in [header[c], *[r[c] for r in rows]]:
            for token in tokens(text):
                assert text_width(token, size, bold=c == 0) <= inner + 0.01
    assert sum(widths) <= 400 + 0.01


def _deck(tmp_path, frame: pd.DataFrame, note: str = "") -> Presentation:
    report = Report("Acme", "Layout", sections=(Section("S", tables=(
        Table("A long table of capabilities by role", frame, note=note),)),))
    return render_deck(report, tmp_path / "deck.pptx")


def test_long_wide_table_splits_with_header_and_note_below(tmp_path):
    words = ["Treatment-centre onboarding and logistics", "Market access knowledge",
             "Account planning"]
    frame = pd.DataFrame({
        "capability": [words[i % 3] + f" {i}" for i in range(40)],
        "description": ["A long description that wraps over two or three lines in its "
                        "column, as free text does " * (1 + i % 3) for i in range(40)],
        "n": np.arange(40) * 1000 + 820_800,
        "mean_gap": np.linspace(0.1, 3.1, 40),
    })
    path = _deck(tmp_path, frame, note="Source: self and manager surveys; " * 6)
    assert deck_layout_problems(path) == []
    slides = list(Presentation(str(path)).slides)
    tables = [(s, sh) for s in slides for sh in s.shapes if sh.has_table]
    count = len(tables)
    assert count >= 3
    for k, (slide, shape) in enumerate(tables, start=1):
        assert slide.shapes.title.text.endswith(f"({k} of {count})")
        assert [c.text for c in shape.table.rows[0].cells] == ["Capability", "Description",
                                                                 "n", "Gap"]
        note = next(sh for sh in slide.shapes if sh.name == "Note")
        assert note.top >= shape.top + sum(r.height for r in shape.table.rows)
    shown = [c.text for _, sh in tables for row in list(sh.table.rows)[1:]
             for c in [row.cells[2]]]
    assert shown == [f"{v:,}" for v in frame["n"]]  # every row once, in order


def test_checker_catches_a_broken_number_and_an_overflow(tmp_path):
    """The check can fail: a hand-made slide with a too-narrow column and a too-tall table."""
    from pptx import Presentation as New

    prs = New()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    shape = slide.shapes.add_table(30, 2, Inches(0.6), Inches(1.35), Inches(2), Inches(9))
    shape.table.columns[1].width = Inches(0.4)
    for r in range(30):
        for c in range(2):
            cell = shape.table.cell(r, c)
            cell.text = "820,800" if c else "Account planning"
            cell.text_frame.paragraphs[0].font.size = Pt(14)
    path = tmp_path / "bad.pptx"
    prs.save(path)
    problems = deck_layout_problems(path)
    assert any("'820,800'" in p and "would break" in p for p in problems)
    assert any("taller than the room" in p for p in problems)


def test_demo_decks_survive_rendering(demo_run):
    """Every table cell of the demo's decks, measured: no token wraps, no table overflows."""
    root, _ = demo_run
    decks = sorted((root / "deliverables").glob("*.pptx"))
    assert len(decks) >= 2
    for deck in decks:
        assert deck_layout_problems(deck) == [], deck.name
        prs = Presentation(str(deck))
        for slide in prs.slides:
            for shape in slide.shapes:
                if shape.shape_type == 13:  # every picture has meaningful alt text
                    descr = shape._element.nvPicPr.cNvPr.get("descr", "")
                    assert descr and not descr.endswith((".png", ".jpg")), deck.name


def test_chart_labels_neither_overlap_nor_leave_the_axes():
    """A cluster of close points (as in the Locus for Focus): every label inside the axes,
    no two labels overlapping."""
    from matplotlib.figure import Figure as MplFigure

    from ldkit.layout import place_labels

    rng = np.random.default_rng(7)
    x = np.r_[rng.normal(4.0, 0.05, 8), 4.95]
    y = np.r_[rng.normal(0.8, 0.03, 8), 0.8]
    fig = MplFigure(figsize=(6, 4))
    ax = fig.add_subplot()
    ax.scatter(x, y)
    ax.set_xlim(2, 5)
    ax.set_ylim(0, 1.2)
    texts = place_labels(ax, x, y, [f"Capability number {i}" for i in range(9)])
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    frame = ax.get_window_extent(renderer)
    for i, a in enumerate(boxes):
        assert frame.x0 - 1 <= a.x0 and a.x1 <= frame.x1 + 1  # not clipped
        assert frame.y0 - 1 <= a.y0 and a.y1 <= frame.y1 + 1
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
