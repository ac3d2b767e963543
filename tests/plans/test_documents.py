"""Plan documents written for the learner: evidence, plain words, milestones in the period,
sign-off, paper by locale, Word table headers repeated."""

from __future__ import annotations

import re

import docx
import pandas as pd
import pytest
from docx.shared import Cm

from ldkit.deliverables import Branding
from ldkit.plans import PlanDocuments


@pytest.fixture(scope="module")
def rated(small):
    """The shared plans with self and manager ratings of two of the learners."""
    model, plans = small
    ratings = pd.DataFrame({"person_id": ["p1", "p3"], "capability": "ap",
                            "self": [2.0, 1.0], "manager": [2.0, float("nan")]})
    return model, plans, ratings


def _docs(rated, **kwargs):
    model, plans, ratings = rated
    return PlanDocuments(plans, model, client="Acme", ratings=ratings,
                         names={"p1": "Alex Example", "p3": "Sam Sample"},
                         managers={"p1": "Morgan Manager"}, **kwargs)


def test_written_for_the_learner(rated):
    docs = _docs(rated)
    page = docs.html("p1")
    text = re.sub(r"<[^>]+>", " ", page[page.index("<body>"):])
    assert "Alex Example" in text and "Manager: Morgan Manager" in text
    # the evidence of the goal: both ratings, by level label
    assert "You rated yourself 2" in text and "your manager rated you 2" in text
    for activity_id in ("ap-stretch", "ap-coach", "ap-course"):
        assert activity_id not in page
    for solver in ("core item", "toward the 70/20/10", "gap 0.5 levels", "develops "):
        assert solver not in text
    assert "For goal 1, Account planning" in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text)  # no snake_case
    # no manager survey for p3: only the self rating is mentioned
    other = re.sub(r"<[^>]+>", " ", docs.html("p3"))
    assert "You rated yourself 1" in other and "your manager rated" not in other


def test_milestones_inside_the_plan_period(rated):
    docs = _docs(rated)
    for learner in ("p1", "p3"):
        ctx = docs.context(learner)
        if not ctx["activities"]:
            continue
        end = ctx["period"][1]
        last_due = max(pd.Timestamp(i["due"]).date() for i in ctx["activities"])
        assert end >= last_due
        assert all(pd.Timestamp(m["date"]).date() <= end for m in ctx["milestones"])
        checkins = [m for m in ctx["milestones"] if m["kind"] == "manager check-in"]
        assert checkins  # the plan still closes with a check-in


def test_sign_off_and_paper_by_locale(rated, tmp_path):
    us = _docs(rated, locale="en-US", branding=Branding(firm="Northwind", status="Draft v2"))
    page = us.html("p1")
    assert "size: letter" in page and "Agreed" in page and "Signature" in page
    assert "Jan 5, 2026" in page and "Northwind" in page and "Draft v2" in page
    gb = _docs(rated)
    assert "size: A4" in gb.html("p1") and "5 Jan 2026" in gb.html("p1")
    for docs, (width, height) in ((us, (21.59, 27.94)), (gb, (21.0, 29.7))):
        path = docs.write_docx("p1", tmp_path / f"{docs.locale}.docx")
        document = docx.Document(str(path))
        section = document.sections[0]
        assert abs(section.page_width - Cm(width)) < Cm(0.01)
        assert abs(section.page_height - Cm(height)) < Cm(0.01)
        # every table with a header row repeats it on each page
        for table in document.tables[1:]:
            first = table.rows[0]._tr
            assert first.trPr is not None and first.trPr.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
            ) is not None
        signoff = document.tables[-1]
        assert [c.text for c in signoff.rows[0].cells] == ["Role", "Name", "Signature", "Date"]
        assert signoff.rows[2].cells[1].text == "Morgan Manager"
        body = "\n".join(p.text for p in document.paragraphs)
        body += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert "ap-stretch" not in body and "core item" not in body
