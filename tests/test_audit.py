"""Audit of deliverables: real rendered files, clean and seeded with what must not leave."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure as MplFigure
from openpyxl import Workbook

from ldkit.audit import FINDING_COLUMNS, audit_deliverables, check_audit
from ldkit.deliverables import (
    Figure,
    Report,
    Section,
    Table,
    figure_png,
    render_deck,
    render_html,
    render_workbook,
)
from ldkit.errors import InputError, InputFileNotFoundError, ParameterError, UnsupportedFormatError
from ldkit.needs.gaps import gap_table


def clean_report() -> Report:
    """What a needs analysis hands over: a suppressed row (n = 3, values hidden), a figure."""
    fig = MplFigure(figsize=(4, 2))
    fig.add_subplot().bar(["rep", "msl"], [0.8, 0.4])
    gaps = pd.DataFrame({
        "role": ["Sales Representative", "Key Account Manager", "Medical Science Liaison"],
        "n": [12, 3, 1234],
        "mean_gap": [np.nan, np.nan, 1.2],    # the sibling hidden too (complementary), so
        "share_below": [np.nan, np.nan, 0.25],  # the small group cannot be worked out
        "suppressed": ["complementary", "n < 5", ""],
    })
    levels = pd.DataFrame({"capability": [f"Capability {i:02d}" for i in range(30)],
                           "n": np.arange(10, 40), "mean_current": np.linspace(1, 4, 30)})
    return Report(
        client="Acme", title="Needs analysis", date="March 2025",
        key_findings=("Account planning has the largest gap.",),
        sections=(Section("Gaps", paragraphs=("Gap = required - current.",),
                          tables=(Table("Gap by role", gaps), Table("Levels", levels)),
                          figures=(Figure("Gap chart", figure_png(fig, dpi=50)),)),),
        next_steps=("Design the programme.",),
    )


RENDERERS = {"html": render_html, "xlsx": render_workbook, "pptx": render_deck}


def _render_all(report: Report, folder: Path) -> Path:
    for ext, render in RENDERERS.items():
        render(report, folder / f"report.{ext}")
    return folder


def seeded_report() -> Report:
    """An e-mail address, a respondent's name and a mean shown for a group of 3."""
    leaked = pd.DataFrame({
        "role": ["Sales Representative", "Key Account Manager"],
        "n": [12, 3],
        "mean_gap": [0.8, 1.5],
        "comment": ["Needs more coaching", "JANE DOE wants a mentor"],
    })
    return Report(
        client="Acme", title="Needs analysis",
        key_findings=("Ask jane.doe@acme.example for the raw data.",),
        sections=(Section("Gaps", tables=(Table("Gap by role", leaked),)),),
    )


@pytest.fixture(scope="module")
def clean_folder(tmp_path_factory) -> Path:
    return _render_all(clean_report(), tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def seeded_folder(tmp_path_factory) -> Path:
    return _render_all(seeded_report(), tmp_path_factory.mktemp("seeded"))


def test_a_hidden_group_recoverable_by_subtraction_is_a_finding(tmp_path):
    """One hidden group beside shown siblings: the total (shown here or elsewhere) minus the
    siblings gives it away (the rule of ldkit.disclosure)."""
    gaps = pd.DataFrame({"role": ["Sales Representative", "Key Account Manager", "All"],
                         "n": [12, 3, 15], "mean_gap": [0.8, np.nan, 0.9],
                         "suppressed": ["", "n < 5", ""]})
    report = Report(client="Acme", title="Needs",
                    sections=(Section("Gaps", tables=(Table("Gap by role", gaps),)),))
    render_html(report, tmp_path / "report.html")
    found = audit_deliverables(tmp_path, min_group_size=5)
    assert len(found) == 1 and "recoverable by subtraction" in found["detail"].iloc[0]


def test_rendered_deliverables_pass(clean_folder):
    findings = audit_deliverables(clean_folder, min_group_size=5, identifiers=["Jane Doe"])
    assert list(findings.columns) == list(FINDING_COLUMNS)
    assert findings.empty  # includes the suppressed row: n = 3, values hidden
    check_audit(findings)


@pytest.mark.parametrize("ext", ["html", "xlsx", "pptx"])
def test_seeded_deliverables_fail(seeded_folder, ext):
    findings = audit_deliverables(seeded_folder, min_group_size=5, identifiers=["jane doe"])
    mine = findings[findings["file"] == f"report.{ext}"]
    details = mine["detail"].tolist()
    assert "e-mail address j…@acme.example" in details
    assert "identifier 'jane doe'" in details  # matched case-insensitively
    small = mine[mine["kind"] == "small group"]
    assert len(small) == 1
    assert small["detail"].iloc[0] == "n = 3 (fewer than 5) but mean_gap shown"
    assert "jane.doe@" not in " ".join(findings["detail"])  # the findings do not leak it
    with pytest.raises(InputError, match=r"finding.* in the deliverables; first: "):
        check_audit(mine)


def test_seeded_locations(seeded_folder):
    findings = audit_deliverables(seeded_folder / "report.xlsx", identifiers=["Jane Doe"])
    small = findings[findings["kind"] == "small group"]
    assert small["location"].tolist() == ["sheet 'Gap by role', row 3, column 'n'"]
    ident = findings[findings["detail"] == "identifier 'Jane Doe'"]
    assert ident["location"].tolist() == ["sheet 'Gap by role', cell D3"]
    deck = audit_deliverables(seeded_folder / "report.pptx")
    assert deck.loc[deck["kind"] == "small group", "location"].tolist() == [
        "slide 4, table 1, row 3, column 'n'"]
    html = audit_deliverables(seeded_folder / "report.html")
    assert html.loc[html["kind"] == "small group", "location"].tolist() == [
        "table 1, row 3, column 'n'"]


def test_threshold_is_strict(seeded_folder):
    findings = audit_deliverables(seeded_folder / "report.xlsx", min_group_size=3)
    assert (findings["kind"] != "small group").all()  # n = 3 is allowed at min 3


def test_real_gap_table_with_suppression_passes(tmp_path):
    """gap_table keeps the design columns (required_level, weight) for a hidden group."""
    sizes = {"rep": 6, "kam": 3}
    rows = []
    for role, size in sizes.items():
        for i in range(size):
            current = 2.0 + (i % 3) * 0.5
            rows.append({"role": role, "capability": "account_planning", "required_level": 3,
                         "weight": 2.0, "self": current, "manager": current,
                         "peer": np.nan, "current": current, "gap": 3 - current,
                         "below": current < 3})
    gaps = gap_table(pd.DataFrame(rows), min_n=5, show_counts=True)
    # kam (3) hidden; rep, its only sibling, too (ldkit.disclosure): else kam = total - rep
    assert gaps["suppressed"].tolist() == ["complementary", "n < 5"]
    report = Report("Acme", "Needs", sections=(Section("Gaps", tables=(Table("Gaps", gaps),)),))
    _render_all(report, tmp_path)
    assert audit_deliverables(tmp_path).empty
    strict = audit_deliverables(tmp_path, exempt_columns=())
    assert set(strict["kind"]) == {"small group"} and len(strict) == 3


def test_rater_count_is_paired_with_its_columns(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "agreement"
    ws.append(["capability", "n", "mean_self", "n_self", "mean_manager", "n_manager"])
    ws.append(["planning", 12, 2.5, 12, None, 3])  # manager hidden: passes
    ws.append(["coaching", 12, 2.5, 12, 2.1, 4])  # manager shown for 4: fails
    wb.save(tmp_path / "agreement.xlsx")
    findings = audit_deliverables(tmp_path)
    assert findings["location"].tolist() == ["sheet 'agreement', row 3, column 'n_manager'"]
    assert findings["detail"].tolist() == ["n_manager = 4 (fewer than 5) but mean_manager shown"]


def test_header_below_a_title_row_and_text_labels(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Segment table, March"])
    ws.append([])
    ws.append(["grade", "n", "mean"])
    ws.append(["7", 2, None])  # a numeric-looking label stored as text is a label
    ws.append(["8", 2, 3.1])
    wb.save(tmp_path / "segments.xlsx")
    findings = audit_deliverables(tmp_path)
    assert findings["location"].tolist() == ["sheet 'Sheet', row 5, column 'n'"]


def test_hand_written_html(tmp_path):
    (tmp_path / "notes.html").write_text(
        "<html><head><style>a{color:red}</style><title>Notes</title></head><body>"
        "<p>Contact <a href='mailto:bob@client.example'>Bob</a></p>"
        "<table><tr><th>Region<th>N<th>Mean"
        "<tr><td>EU<td>4<td>&ndash;"
        "<tr><td>US<td>2<td>1,234.5"
        "</table></body></html>", encoding="utf-8")
    findings = audit_deliverables(tmp_path)
    assert sorted(findings["kind"]) == ["personal identifier", "small group", "small group"]
    small = findings[findings["kind"] == "small group"]
    # US: a mean shown for 2 people; EU: hidden alone, so the total (here or elsewhere)
    # minus US gives it away
    assert small["location"].tolist() == ["table 1, row 3, column 'N'", "table 1, row 2"]


def test_folder_with_nothing_to_audit(tmp_path):
    (tmp_path / "readme.txt").write_text("jane@acme.example", encoding="utf-8")
    (tmp_path / "~$report.xlsx").write_bytes(b"lock")  # an Office lock file is skipped
    assert audit_deliverables(tmp_path).empty


def test_unreadable_file(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(UnsupportedFormatError, match="cannot be opened as an Excel workbook"):
        audit_deliverables(tmp_path)


def test_bad_arguments(tmp_path):
    with pytest.raises(InputFileNotFoundError):
        audit_deliverables(tmp_path / "missing")
    with pytest.raises(ParameterError, match="'min_group_size' parameter of audit_deliverables"):
        audit_deliverables(tmp_path, min_group_size=0)
    with pytest.raises(ParameterError, match="'identifiers' parameter"):
        audit_deliverables(tmp_path, identifiers="Jane Doe")
    with pytest.raises(ParameterError, match="'identifiers' parameter"):
        audit_deliverables(tmp_path, identifiers=["Jane", " "])
    with pytest.raises(ParameterError, match="'findings' parameter of check_audit"):
        check_audit([("a.html", "line 1", "small group", "x")])


def test_check_audit_names_the_first_finding():
    findings = pd.DataFrame([("deck.pptx", "slide 4", "personal identifier",
                              "identifier 'Jane Doe'")], columns=list(FINDING_COLUMNS))
    with pytest.raises(InputError) as info:
        check_audit(findings)
    assert info.value.file == "deck.pptx"
    assert "1 finding in the deliverables; first: personal identifier at slide 4" in str(
        info.value)


def test_identifiers_match_whole_words_only(tmp_path):
    """A first name like 'Ana' must not flag the word 'Analysis'."""
    from ldkit.audit import audit_deliverables

    page = tmp_path / "report.html"
    page.write_text("<html><body><h1>Needs analysis</h1><p>Territory analytics</p>"
                    "<p>Prepared for Ana García</p></body></html>", encoding="utf-8")
    found = audit_deliverables(tmp_path, identifiers=["Ana", "Ito", "García"])
    assert sorted(found["detail"]) == ["identifier 'Ana'", "identifier 'García'"]


def test_personal_folders_can_be_skipped(tmp_path):
    from ldkit.deliverables import Report, Section, Table, render_html

    rows = pd.DataFrame({"learner": ["Ana Silva"], "hours": [40]})
    report = Report("Acme", "Plan", sections=(Section("Plan", tables=(Table("Plan", rows),)),))
    render_html(report, tmp_path / "plans" / "p1.html")
    found = audit_deliverables(tmp_path, identifiers=["Ana Silva"])
    assert found["kind"].tolist() == ["personal identifier"]
    assert audit_deliverables(tmp_path, identifiers=["Ana Silva"], skip=["plans"]).empty
