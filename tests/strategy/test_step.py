"""The strategy step on the Demo Bio engagement (in process), its deliverables and report hook."""

from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pydantic import ValidationError as PydanticValidationError

from ldkit.audit import audit_deliverables
from ldkit.deliverables import Section
from ldkit.errors import InputError
from ldkit.strategy.report import strategy_sections
from ldkit.strategy.step import StrategyParams, parse_as_of, strategy_step

INPUTS = {"strategy": "data/raw/strategy.yaml",
          "lms_completions": "data/raw/lms_completions.csv",
          "time_tracking": "data/raw/time_tracking.csv"}


@pytest.fixture(scope="module")
def engagement(tmp_path_factory) -> Path:
    from ldkit.engagement import new_engagement
    from ldkit.strategy import write_demo_strategy

    root = new_engagement("Demo Bio", folder=tmp_path_factory.mktemp("eng"),
                          engagement_id="demo-bio")
    write_demo_strategy(root / "data" / "raw")
    return root


@pytest.fixture(scope="module")
def result(engagement):
    return strategy_step(StrategyParams(client="Demo Bio", engagement_dir=str(engagement),
                                        **INPUTS))


def test_out_of_scope_writes_nothing(tmp_path):
    r = strategy_step(StrategyParams(client="Acme", engagement_dir=str(tmp_path)))
    assert not r.in_scope and r.key_numbers() == {}
    assert not (tmp_path / "data").exists()
    assert strategy_sections(tmp_path, {}) == ([], [])


def test_tables_figures_and_deliverables(engagement, result):
    assert result.month == "2026-12"
    folder = engagement / "data" / "processed" / "strategy"
    for name in ("register", "portfolio", "tracking", "status", "changes", "actions", "raci",
                 "counts", "exclusions"):
        assert (folder / f"{name}.csv").is_file(), name
    for name in ("strategy-burnup", "strategy-rag-grid", "strategy-alignment"):
        assert result.figures[name].read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in result.deliverables.values()) == [
        "demo-bio-monthly-report-2026-12.html", "demo-bio-monthly-report-2026-12.pptx",
        "demo-bio-monthly-report-2026-12.xlsx"]
    sheets = openpyxl.load_workbook(result.deliverables["xlsx"], read_only=True).sheetnames
    for sheet in ("Goal register (SMART check)", "Portfolio", "Variances",
                  "Variances by month"):
        assert sheet in sheets


def test_exclusions_name_the_file_inside_the_engagement(engagement, result):
    folder = engagement / "data" / "processed" / "strategy"
    excluded = pd.read_csv(folder / "exclusions.csv")
    assert len(excluded) == result.key_numbers()["actuals_rows_excluded"]
    assert set(excluded["file"]) <= {"data/raw/lms_completions.csv", "data/raw/time_tracking.csv"}
    assert str(engagement) not in (folder / "exclusions.csv").read_text(encoding="utf-8")


def test_key_numbers(result):
    numbers = result.key_numbers()
    assert (numbers["programs"], numbers["programs_green"], numbers["programs_amber"],
            numbers["programs_red"]) == (5, 3, 1, 1)
    assert numbers["off_track"] == ["field-coaching", "kam-excellence"]
    assert numbers["goals_failing_smart"] == 2
    assert 0.9 < numbers["completion_forecast_share"] < 1.0
    assert numbers["actuals_rows_excluded"] == 19


def test_no_identifier_reaches_a_deliverable(engagement, result):
    raw = (engagement / "data" / "raw" / "lms_completions.csv").read_text()
    assert "DB0001" in raw
    findings = audit_deliverables(engagement / "deliverables", identifiers=["DB0001", "DB0002"])
    assert findings.empty
    kept = (engagement / "data" / "processed" / "strategy" / "completions.csv").read_text()
    assert "DB0" not in kept  # learners are pseudonymized on reading


def test_strategy_sections_for_the_engagement_report(engagement, result):
    findings, sections = strategy_sections(engagement, {})
    assert findings[0].startswith("5 programs in the portfolio at 31 December 2026")
    assert any("SMART" in f for f in findings)
    assert len(sections) == 1 and isinstance(sections[0], Section)
    assert [t.title for t in sections[0].tables] == [
        "Learning programs: status at 2026-12-31", "Goal register: SMART status"]
    assert [f.title for f in sections[0].figures] == ["Status by program and month"]


def test_an_earlier_fortnightly_review(engagement):
    r = strategy_step(StrategyParams(client="Demo Bio", engagement_dir=str(engagement),
                                     as_of="2026-06", review_every="fortnightly",
                                     deliverables=["html"], **INPUTS))
    assert r.month == "2026-06"
    assert r.pack.previous == date(2026, 6, 16)
    assert list(r.deliverables) == ["html"]
    assert r.key_numbers()["programs_not_started"] == 1  # digital fluency starts in July


def test_currency_must_match_the_engagement(engagement):
    with pytest.raises(InputError, match="currency EUR is not the engagement's USD"):
        strategy_step(StrategyParams(client="Demo Bio", engagement_dir=str(engagement),
                                     currency="USD", **INPUTS))


def test_parameters_are_checked():
    with pytest.raises(PydanticValidationError):
        StrategyParams(client="x", as_of="June")
    with pytest.raises(PydanticValidationError):
        StrategyParams(client="x", review_every="weekly")
    assert parse_as_of("2026-02", latest=None) == date(2026, 2, 28)
    assert parse_as_of("2026-02-14", latest=None) == date(2026, 2, 14)
    assert parse_as_of("", latest=date(2026, 5, 3)) == date(2026, 5, 31)
    with pytest.raises(InputError, match="set as_of"):
        parse_as_of("", latest=None)
    with pytest.raises(InputError, match="not a valid month"):
        parse_as_of("2026-13", latest=None)
