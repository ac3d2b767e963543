"""Deliverables: one Report rendered as HTML, workbook and deck, checked by reopening the files."""

from __future__ import annotations

import copy
import os
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure as MplFigure
from openpyxl import load_workbook
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from ldkit.deliverables import (
    Branding,
    Figure,
    Report,
    Section,
    Table,
    figure_png,
    render_deck,
    render_html,
    render_workbook,
)
from ldkit.errors import ParameterError
from ldkit.layout import text_width


def _png(kind: str) -> bytes:
    fig = MplFigure(figsize=(6, 3))
    ax = fig.add_subplot()
    if kind == "bar":
        ax.bar(["rep", "kam", "msl"], [0.8, 1.1, 0.4])
    else:
        ax.plot([1, 2, 3], [3, 1, 2])
    return figure_png(fig, dpi=60)


SUPPRESSED = pd.DataFrame({
    "role": ["Sales Representative", "Key Account Manager", "Medical Science Liaison"],
    "n": [12, 3, 1234],
    "mean_gap": [0.8, np.nan, 1.23456],
    "share_below": [0.5, np.nan, 0.25],
    "suppressed": ["", "n < 5", ""],
})
CAPABILITIES = pd.DataFrame({
    "capability": [f"Capability {i:02d}" for i in range(30)],
    "n": np.arange(10, 40),
    "mean_current": np.linspace(1.0, 4.0, 30),
})


def make_report() -> Report:
    return Report(
        client="Acme Pharma & Co",
        title="Needs analysis",
        subtitle="Field force 2025",
        date="March 2025",
        key_findings=("Account planning has the largest gap.", "Managers rate lower than self."),
        sections=(
            Section("Gaps by role",
                    paragraphs=("Gaps are required minus current <level>.",),
                    tables=(Table("Gap by role", SUPPRESSED, note="Source: self and manager "
                                  "surveys.", number_formats={"mean_gap": "0.0"}),),
                    figures=(Figure("Gap by role chart", _png("bar"), "Reps lag most."),)),
            Section("Capabilities",
                    tables=(Table("Current level by capability", CAPABILITIES),),
                    figures=(Figure("Trend", _png("line")),)),
        ),
        next_steps=("Agree priorities with the steering group.", "Design the programme."),
    )


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, report):
    folder = tmp_path_factory.mktemp("deliverables")
    return {"html": render_html(report, folder / "report.html"),
            "xlsx": render_workbook(report, folder / "report.xlsx"),
            "pptx": render_deck(report, folder / "report.pptx"),
            "folder": folder}


# --------------------------------------------------------------------------- HTML


def test_html_is_one_self_contained_file(rendered):
    html = rendered["html"].read_text(encoding="utf-8")
    assert sorted(p.name for p in rendered["folder"].iterdir()) == [
        "report.html", "report.pptx", "report.xlsx"]  # no side files, no temp files left
    assert "Acme Pharma &amp; Co" in html
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="(https?:|//|[^"#d][^"]*\.(css|js|png))', html)
    assert html.count('<img src="data:image/png;base64,') == 2


def test_html_toc_links_every_section(rendered):
    html = rendered["html"].read_text(encoding="utf-8")
    nav = html[html.index('<nav class="toc"'):html.index("</nav>")]
    links = re.findall(r'href="#([^"]+)"', nav)
    assert links == ["key-findings", "gaps-by-role", "capabilities", "next-steps"]
    for anchor in links:
        assert f'id="{anchor}"' in html


def test_html_keeps_each_heading_with_what_follows_it(rendered):
    import re

    html = rendered["html"].read_text(encoding="utf-8")
    leads = re.findall(r'<div class="lead">(.*?)</div>', html, flags=re.S)
    # "Gaps by role" opens with its paragraph; "Capabilities" (no paragraph) with its
    # first figure
    assert "<h2>Gaps by role</h2>" in leads[0] and "<p>Gaps are required" in leads[0]
    assert "<h2>Capabilities</h2>" in leads[1] and "<figure" in leads[1]
    assert html.count("<figure") == 2  # nothing shown twice
    assert ".lead { break-inside: avoid" in html or ", .lead { break-inside: avoid" in html


def test_html_content_escaped_and_formatted(rendered):
    html = rendered["html"].read_text(encoding="utf-8")
    assert "required minus current &lt;level&gt;." in html
    assert "Account planning has the largest gap." in html
    assert "Agree priorities with the steering group." in html
    assert '<td class="num">1,234</td>' in html  # thousands separator
    assert '<td class="num">1.2</td>' in html  # explicit "0.0"
    assert '<td class="num">50%</td>' in html  # share column
    assert '<td class="num">1.00</td>' in html  # floats: two decimals
    assert '<td class="num">–</td>' in html  # hidden value
    assert "– : hidden, fewer than 5 respondents" in html
    assert html.count("– : hidden") == 1  # only the table with a suppressed column


# --------------------------------------------------------------------------- workbook


def test_workbook_sheets_and_layout(rendered, report):
    wb = load_workbook(rendered["xlsx"])
    assert wb.sheetnames == ["Summary", "Gap by role", "Current level by capability"]
    summary = [c for row in wb["Summary"].iter_rows(values_only=True) for c in row if c]
    for text in (report.client, report.title, report.date, *report.key_findings,
                 *report.next_steps):
        assert text in summary
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        assert all(cell.font.bold for cell in ws[1])
    # the widest name fits, measured with font metrics in widths of "0" (Excel's unit)
    digit = text_width("0", 11)
    needed = text_width("Medical Science Liaison", 11) / digit
    assert wb["Gap by role"].column_dimensions["A"].width >= needed
    assert wb["Current level by capability"].auto_filter.ref == "A1:C31"


def test_workbook_summary_lists_the_decisions_between_findings_and_next_steps(tmp_path):
    import dataclasses

    report = dataclasses.replace(make_report(), decisions=(
        "Approve: the coaching programme (EUR 120k)", "Approve: the manager toolkit"))
    ws = load_workbook(render_workbook(report, tmp_path / "r.xlsx"))["Summary"]
    column_b = [row[1] for row in ws.iter_rows(values_only=True) if row[1]]
    headings = [row[0] for row in ws.iter_rows(values_only=True) if isinstance(row[0], str)]
    assert headings.index("Key findings") < headings.index("Decisions we ask of you") \
        < headings.index("Next steps")
    at = column_b.index("Approve: the coaching programme (EUR 120k)")
    assert column_b[at + 1] == "Approve: the manager toolkit"
    assert column_b[at + 2] == report.next_steps[0]


def test_workbook_values_and_formats(rendered):
    ws = load_workbook(rendered["xlsx"])["Gap by role"]
    assert [c.value for c in ws[1]] == ["Role", "n", "Gap", "Share below", "Hidden"]
    assert ws["B2"].value == 12 and ws["B2"].number_format == "#,##0"
    assert ws["C2"].number_format == "0.0"  # explicit
    assert ws["D2"].value == 0.5 and ws["D2"].number_format == "0%"
    assert ws["C3"].value is None and ws["D3"].value is None  # NaN left empty
    assert ws["E3"].value == "n < 5"
    other = load_workbook(rendered["xlsx"])["Current level by capability"]
    assert other["C2"].number_format == "#,##0.00"


def test_sheet_names_are_valid_and_unique(tmp_path):
    data = pd.DataFrame({"a": [1]})
    titles = ["Summary", "Gap: role/region [all]?", "A" * 40, "A" * 40, "history"]
    report = Report("Acme", "T", sections=(
        Section("S", tables=tuple(Table(t, data) for t in titles)),))
    names = load_workbook(render_workbook(report, tmp_path / "w.xlsx")).sheetnames
    assert names[0] == "Summary"
    assert len({n.lower() for n in names}) == len(names) == 6
    for name in names:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)


def test_workbook_text_is_never_a_formula(tmp_path):
    report = Report("Acme", "T", sections=(Section("S", tables=(
        Table("Comments", pd.DataFrame({"comment": ["=HYPERLINK(\"http://x\")"]})),)),))
    ws = load_workbook(render_workbook(report, tmp_path / "w.xlsx"))["Comments"]
    assert ws["A2"].data_type == "s"


# --------------------------------------------------------------------------- deck


def test_deck_slide_titles_in_order(rendered):
    prs = Presentation(str(rendered["pptx"]))
    assert prs.slide_width * 9 == prs.slide_height * 16
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles == [
        "Needs analysis", "Agenda", "Executive summary",
        "Gap by role chart", "Gap by role",
        "Trend", "Current level by capability (1 of 3)",
        "Current level by capability (2 of 3)", "Current level by capability (3 of 3)",
        "Next steps",
    ]


def test_deck_title_agenda_and_lists(rendered, report):
    slides = list(Presentation(str(rendered["pptx"])).slides)
    cover = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert report.client in cover and report.date in cover
    agenda = slides[1].placeholders[1].text_frame.text.split("\n")
    assert agenda == ["Executive summary", "Gaps by role", "Capabilities", "Next steps"]
    assert slides[2].placeholders[1].text_frame.text.split("\n") == list(report.key_findings)
    assert slides[-1].placeholders[1].text_frame.text.split("\n") == list(report.next_steps)
    assert "required minus current" in slides[3].notes_slide.notes_text_frame.text


def _tables(slide):
    return [s.table for s in slide.shapes if s.has_table]


def test_deck_tables_are_native_and_continued(rendered):
    slides = list(Presentation(str(rendered["pptx"])).slides)
    (gap,) = _tables(slides[4])
    cells = [[c.text for c in row.cells] for row in gap.rows]
    assert cells[0] == ["Role", "n", "Gap", "Share below", "Hidden"]
    assert cells[1] == ["Sales Representative", "12", "0.8", "50%", ""]
    assert cells[2] == ["Key Account Manager", "3", "–", "–", "n < 5"]
    assert cells[3][1] == "1,234"
    legend = " ".join(s.text_frame.text for s in slides[4].shapes if s.has_text_frame)
    assert "– : hidden, fewer than 5 respondents" in legend
    rows = []
    for slide, size in zip(slides[6:9], (10, 10, 10), strict=True):  # balanced
        (table,) = _tables(slide)
        assert len(table.rows) == size + 1
        assert table.cell(0, 0).text == "Capability"  # header repeated
        rows += [[c.text for c in row.cells] for row in list(table.rows)[1:]]
    assert [r[0] for r in rows] == list(CAPABILITIES["capability"])
    assert rows[0] == ["Capability 00", "10", "1.00"] and rows[-1][2] == "4.00"


def test_deck_figures_are_pictures_that_fit(rendered):
    prs = Presentation(str(rendered["pptx"]))
    slides = list(prs.slides)
    for index in (3, 5):
        pictures = [s for s in slides[index].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        pic = pictures[0]
        assert pic.left >= 0 and pic.left + pic.width <= prs.slide_width
        assert pic.top + pic.height <= prs.slide_height
    caption = " ".join(s.text_frame.text for s in slides[3].shapes if s.has_text_frame)
    assert "Reps lag most." in caption


def test_section_without_figures_or_tables_gets_a_text_slide(tmp_path):
    report = Report("Acme", "T", sections=(Section("Method", paragraphs=("We asked.",)),))
    slides = list(Presentation(str(render_deck(report, tmp_path / "d.pptx"))).slides)
    assert [s.shapes.title.text for s in slides] == ["T", "Agenda", "Method"]
    assert slides[2].placeholders[1].text_frame.text == "We asked."


# --------------------------------------------------------------------------- atomicity


def _fail_after_partial_write(*args, **kwargs):
    target = next(a for a in args if isinstance(a, str | os.PathLike))  # self of Path.write_text
    with open(target, "wb") as fh:
        fh.write(b"half a file")
    raise OSError("disk full")


@pytest.mark.parametrize("kind", ["html", "xlsx", "pptx"])
def test_failed_render_keeps_previous_file(tmp_path, monkeypatch, report, kind):
    import openpyxl
    import pptx.presentation

    render = {"html": render_html, "xlsx": render_workbook, "pptx": render_deck}[kind]
    target = render(report, tmp_path / f"report.{kind}")
    good = target.read_bytes()
    if kind == "html":
        monkeypatch.setattr("pathlib.Path.write_text", _fail_after_partial_write)
    elif kind == "xlsx":
        monkeypatch.setattr(openpyxl.Workbook, "save", _fail_after_partial_write)
    else:
        monkeypatch.setattr(pptx.presentation.Presentation, "save", _fail_after_partial_write)
    with pytest.raises(OSError, match="disk full"):
        render(report, target)
    monkeypatch.undo()
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temp file left


# --------------------------------------------------------------------------- validation


def test_figure_png_is_png():
    assert _png("bar").startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ParameterError, match="'fig' parameter of figure_png"):
        figure_png("not a figure")


@pytest.mark.parametrize("build, match", [
    (lambda: Table("T", [[1, 2]]), "'data' parameter of Table must be a pandas DataFrame"),
    (lambda: Table("", pd.DataFrame({"a": [1]})), "'title' parameter of Table"),
    (lambda: Table("T", pd.DataFrame({"a": [1]}), number_formats={"b": "0"}),
     "'number_formats' parameter of Table"),
    (lambda: Figure("F", b"GIF89a not a png"), "'png' parameter of Figure"),
    (lambda: Section("S", tables=(pd.DataFrame(),)), "'tables' parameter of Section"),
    (lambda: Report("", "Needs analysis"), "'client' parameter of Report"),
    (lambda: Report("  ", "Needs analysis"), "'client' parameter of Report"),
    (lambda: Report("Acme", "T", key_findings="one finding"), "'key_findings' parameter"),
    (lambda: Report("Acme", "T", min_group_size=0), "'min_group_size' parameter of Report"),
])
def test_bad_spec_raises_parameter_error(build, match):
    with pytest.raises(ParameterError, match=match):
        build()


def test_renderers_check_report_and_path(tmp_path, report):
    with pytest.raises(ParameterError, match="'report' parameter of render_html"):
        render_html({"client": "Acme"}, tmp_path / "r.html")
    with pytest.raises(ParameterError, match="'path' parameter of render_workbook"):
        render_workbook(report, tmp_path / "r.csv")
    with pytest.raises(ParameterError, match="'path' parameter of render_deck"):
        render_deck(report, tmp_path / "r.html")
    assert list(tmp_path.iterdir()) == []


def test_spec_is_frozen_and_normalised():
    table = Table("T", pd.DataFrame({"a": [1.5]}), number_formats={"a": "0.0"})
    with pytest.raises(TypeError):
        table.number_formats["a"] = "0"  # read-only mapping
    report = Report("Acme", "T", key_findings=["a", "b"])
    assert report.key_findings == ("a", "b")


def test_index_is_shown(tmp_path):
    pivot = pd.DataFrame({"EU": [1.5], "US": [2.0]}, index=pd.Index(["rep"], name="role"))
    report = Report("Acme", "T", sections=(Section("S", tables=(Table("Pivot", pivot),)),))
    ws = load_workbook(render_workbook(report, tmp_path / "p.xlsx"))["Pivot"]
    assert [c.value for c in ws[1]] == ["Role", "EU", "US"]


def test_detail_tables_stay_off_the_deck(tmp_path):
    shown = Table("Totals", pd.DataFrame({"measure": ["learners"], "value": [240]}))
    detail = Table("Cost lines", pd.DataFrame({"item": ["venue"], "cost": [900.0]}),
                   slide=False)
    report = Report("Acme", "Business case",
                    sections=(Section("Costs", ("Fully loaded.",), (shown, detail)),))
    deck = Presentation(str(render_deck(report, tmp_path / "deck.pptx")))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles == ["Business case", "Agenda", "Totals"]
    notes = deck.slides[2].notes_slide.notes_text_frame.text
    assert notes == "Fully loaded.\n\nDetail in the report and workbook: Cost lines."
    workbook = load_workbook(render_workbook(report, tmp_path / "book.xlsx"))
    assert {"Totals", "Cost lines"} <= set(workbook.sheetnames)
    assert "Cost lines" in render_html(report, tmp_path / "r.html").read_text(encoding="utf-8")
    with pytest.raises(ParameterError, match="'slide' parameter of Table"):
        Table("x", pd.DataFrame({"a": [1]}), slide="no")


# --------------------------------------------------------------------------- client-ready


def test_workbook_numbers_are_numbers_with_print_setup(tmp_path):
    roi = pd.DataFrame({"measure": ["Benefits", "Costs", "BCR", "ROI", "Formula"],
                        "value": ["919,575", "564,700", "1.63", "63%", "=HYPERLINK(\"x\")"]})
    report = Report("Acme", "ROI", locale="en-US", sections=(Section("ROI", tables=(
        Table("Learning programs status at 2026-12-31 by sponsor", roi),
        Table("Learning programs status at 2026-12-31 by owner", roi))),))
    wb = load_workbook(render_workbook(report, tmp_path / "roi.xlsx"))
    # cut at a word boundary, not mid-word ("... status at 202"), then made unique
    assert wb.sheetnames == ["Summary", "Learning programs status",
                             "Learning programs status (2)"]
    ws = wb["Learning programs status"]
    assert [ws[f"B{r}"].value for r in range(2, 6)] == [919575, 564700, 1.63, 0.63]
    assert [ws[f"B{r}"].number_format for r in range(2, 6)] == ["#,##0", "#,##0", "0.00",
                                                                 "0%"]
    assert ws["B6"].data_type == "s" and ws["B6"].value.startswith("=HYPERLINK")
    for sheet in wb.worksheets:
        assert int(sheet.page_setup.paperSize) == 1  # Letter
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"
    a4 = load_workbook(render_workbook(Report("Acme", "ROI", sections=report.sections),
                                       tmp_path / "a4.xlsx"))
    assert all(int(s.page_setup.paperSize) == 9 for s in a4.worksheets)  # A4


def test_stray_index_columns_are_dropped(tmp_path):
    frame = pd.DataFrame({"Unnamed: 0": [0, 1], "role": ["rep", "kam"], "n": [12, 30]})
    report = Report("Acme", "T", sections=(Section("S", tables=(Table("Roles", frame),)),))
    ws = load_workbook(render_workbook(report, tmp_path / "w.xlsx"))["Roles"]
    assert [c.value for c in ws[1]] == ["Role", "n"]


def test_html_page_size_numbers_alt_text_and_branding(tmp_path):
    fig = Figure("Gap by role", _png("bar"), "Reps lag most.",
                 alt="Bar chart of the gap by role: Key Account Managers lag most, 1.1 levels.")
    brand = Branding(firm="Northwind Advisory", status="Draft v2", logo=_png("bar"),
                     colors=("#2E7D32",))
    report = Report("Acme", "Needs analysis", date="2026-12-07", branding=brand,
                    sections=(Section("Gaps", figures=(fig, Figure("Trend", _png("line")))),))
    html = render_html(report, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "size: A4" in html and "counter(page)" in html and "counter(pages)" in html
    assert 'alt="Bar chart of the gap by role: Key Account Managers lag most, 1.1 levels."' in html
    assert 'alt="Chart: Trend."' in html
    assert "Northwind Advisory" in html and "Draft v2" in html and "7 Dec 2026" in html
    assert "--brand: #2E7D32" in html
    assert re.findall(r"<h(\d)", html)[:3] == ["1", "2", "2"]  # one h1, then sections


def test_deck_alt_text_branding_and_status(tmp_path):
    brand = Branding(firm="Northwind Advisory", status="Draft v2", logo=_png("bar"))
    report = Report("Acme", "Needs analysis", branding=brand, sections=make_report().sections)
    prs = Presentation(str(render_deck(report, tmp_path / "d.pptx")))
    slides = list(prs.slides)
    cover = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert "Northwind Advisory" in cover and "Draft v2" in cover
    for slide in slides:
        footer = next(s for s in slide.shapes if s.name == "Footer").text_frame.text
        assert "Draft v2" in footer and "Northwind Advisory" in footer
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                descr = shape._element.nvPicPr.cNvPr.get("descr")
                assert descr and "image.png" not in descr and len(descr) > 10


def test_deck_uses_the_firms_template(tmp_path):
    """A firm's .pptx (4:3, its own layout names, a slide of its own): its master is used,
    its slides are dropped."""
    from pptx import Presentation as New
    from pptx.util import Inches

    template = New()
    template.slide_width, template.slide_height = Inches(10), Inches(7.5)
    template.slide_layouts[0].name = "Title Slide"
    left_in = template.slides.add_slide(template.slide_layouts[6])  # a slide the firm left
    marker = left_in.shapes.add_textbox(0, 0, Inches(1), Inches(0.3))
    marker.text_frame.text = "NORTHWIND MASTER"
    template.slide_master.shapes._spTree.append(copy.deepcopy(marker._element))
    path = tmp_path / "northwind.pptx"
    template.save(path)
    report = Report("Acme", "Needs analysis", branding=Branding(
        firm="Northwind", pptx_template=path), sections=make_report().sections)
    deck = render_deck(report, tmp_path / "deck.pptx")
    prs = Presentation(str(deck))
    assert prs.slide_width == Inches(10)  # the template's size
    assert any(s.has_text_frame and s.text_frame.text == "NORTHWIND MASTER"
               for s in prs.slide_master.shapes)
    assert prs.slides[0].shapes.title.text == "Needs analysis"
    assert not any(s.text_frame.text == "NORTHWIND MASTER" for slide in prs.slides
                   for s in slide.shapes if s.has_text_frame)  # its own slide was dropped
    assert "Northwind" in " ".join(s.text_frame.text for s in prs.slides[0].shapes
                                   if s.has_text_frame)
    from ldkit.layout import deck_layout_problems

    assert deck_layout_problems(deck) == []
    with pytest.raises(ParameterError, match="'pptx_template' parameter of Branding"):
        Branding(pptx_template=tmp_path / "missing.pptx")


def _colours(frame):
    for paragraph in frame.paragraphs:
        for font in [paragraph.font, *[r.font for r in paragraph.runs]]:
            if font.color and font.color.type is not None and font.color.rgb is not None:
                yield str(font.color.rgb)


def test_every_text_colour_in_the_deck_passes_wcag_aa(tmp_path):
    """Brand colours that fail (gold on white) are darkened; every colour set on text, and
    white header text on the brand fill, reach 4.5:1 (WCAG 2.1 AA)."""
    from ldkit.vocabulary import contrast_ratio

    brand = Branding(firm="Northwind", status="Draft v2", colors=("#FFD700",))
    report = Report("Acme", "Needs analysis", branding=brand, date="2026-12-07",
                    subtitle="Field force", sections=make_report().sections,
                    key_findings=("One.",), next_steps=("Two.",))
    prs = Presentation(str(render_deck(report, tmp_path / "d.pptx")))
    seen = set()
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for colour in _colours(shape.text_frame):
                    seen.add(colour)
                    assert contrast_ratio(f"#{colour}", "#FFFFFF") >= 4.5, colour
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        fill = (str(cell.fill.fore_color.rgb) if cell.fill.type == 1
                                else "FFFFFF")
                        for colour in _colours(cell.text_frame):
                            assert contrast_ratio(f"#{colour}", f"#{fill}") >= 4.5
    assert brand.colors[0].lstrip("#") in seen  # the (darkened) brand colour is used


def test_long_lists_continue_on_numbered_slides(tmp_path):
    findings = tuple(f"Finding {i}: " + "a sentence long enough to wrap on the slide. " * 3
                     for i in range(12))
    deck = render_deck(Report("Acme", "T", key_findings=findings), tmp_path / "d.pptx")
    titles = [s.shapes.title.text for s in Presentation(str(deck)).slides]
    parts = [t for t in titles if t.startswith("Executive summary")]
    assert parts[0] == "Executive summary" and len(parts) >= 2
    assert parts[1:] == [f"Executive summary ({k} of {len(parts)})"
                         for k in range(2, len(parts) + 1)]
    from ldkit.layout import deck_layout_problems

    assert deck_layout_problems(deck) == []
