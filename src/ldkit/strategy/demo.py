"""A year of synthetic plan and actuals for the fictional client Demo Bio (pharma).

:func:`write_demo_strategy` writes three files a consultant running Demo
Bio's learning operations would hold:

- ``strategy.yaml``: four organizational goals (launch readiness,
  inspection readiness, field productivity, scientific leadership), five
  learning goals aligned to them (two fail the SMART check on purpose: one
  has no baseline, one no sponsor), five programs with budgets,
  milestones and expected participants, and the default RACI of the
  digital learning function;
- ``lms_completions.csv``: a generic LMS export, one row per pseudonymous
  learner and course, with enrolment and completion dates and the
  follow-up answer "applied on the job";
- ``time_tracking.csv``: hours (and external cost) by team member, program
  and month.

The programs are drawn so that, at the end of the data, three are on track,
``field-coaching`` is amber (completions about 16% behind plan) and
``kam-excellence`` red (completions about 40% behind, spend about 30% over).
The exports carry the dirt of real ones, each excluded with a reason when
matched: rows of a course outside the portfolio, a row without a learner
id, a test enrolment before its program starts, a learner enrolled twice,
a "completed" status without a date, hours on work outside the portfolio
and hours logged before a program starts.

All data are synthetic; learner ids are pseudonymous (``DB0001``...).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ldkit._params import check_number, param_error
from ldkit.io import atomic_path, atomic_write_text

__all__ = ["DEMO_HOURLY_RATE", "write_demo_strategy"]

DEMO_HOURLY_RATE = 85.0


@dataclass(frozen=True)
class _DemoProgram:
    id: str
    title: str
    course: str          # course code in the LMS
    goals: tuple[str, ...]
    audience: str
    owner: str
    start_offset: int    # months after the start month
    length: int          # months, start month included
    participants: int
    application_rate: float
    effort_hours: float
    external: float      # external spend, in EUR
    pace: float          # actual completions / planned
    spend: float         # actual spend / planned
    applying: float      # actual application / expected
    staff: tuple[str, ...]
    # name, month offset, days late (None: not done)
    milestones: tuple[tuple[str, int, int | None], ...]


_PROGRAMS = (
    _DemoProgram("launch-academy", "Oncology launch academy", "LA-2026",
                 ("lg-launch-certification",), "Oncology field force (reps, KAMs, MSLs)",
                 "Digital Learning Project Manager", 0, 6, 120, 0.70, 900, 60_000, 1.01, 0.98,
                 1.0, ("DLPM-01", "LXD-01"),
                 (("Design signed off", 0, 0), ("Pilot cohort", 1, 0),
                  ("Certification opens", 2, 0), ("Launch certification closed", 5, 0))),
    _DemoProgram("gmp-refresher", "GMP and data integrity refresher", "QA-GMP-26",
                 ("lg-gmp-refresh",), "Manufacturing and QC staff", "LMS Administrator",
                 1, 10, 300, 0.80, 400, 24_000, 1.0, 1.01, 1.0, ("LMS-01", "LXD-02"),
                 (("Content approved by Quality", 1, 0), ("Site rollout complete", 6, 0))),
    _DemoProgram("field-coaching", "Field coaching for first-line managers", "FCM-2026",
                 ("lg-coaching-culture",), "First-line sales managers",
                 "Performance Consultant", 2, 13, 40, 0.60, 700, 30_000, 0.84, 1.04, 1.0,
                 ("PC-01", "LXD-01"),
                 (("Coaching model agreed", 2, 0), ("Cohort 1 complete", 6, 12),
                  ("Cohort 2 complete", 12, None))),
    _DemoProgram("kam-excellence", "Key account excellence", "KAE-2026",
                 ("lg-account-planning",), "Key account managers",
                 "Digital Learning Project Manager", 3, 11, 60, 0.65, 800, 50_000, 0.60, 1.30,
                 0.75, ("DLPM-02", "LXD-02"),
                 (("Vendor contracted", 3, 5), ("Pilot cohort evaluated", 7, None),
                  ("All KAMs enrolled", 10, None))),
    _DemoProgram("medical-digital-fluency", "Digital fluency for medical affairs", "MDF-2026",
                 ("lg-digital-fluency",), "Medical affairs (MSLs, medical advisors)",
                 "Learning Experience Designer", 6, 12, 80, 0.70, 500, 20_000, 1.0, 1.0, 1.0,
                 ("LXD-01", "DLS-01"),
                 (("Needs analysis complete", 6, 0), ("Pathway live", 8, 0))),
)


def _month_start(start: date, k: int) -> date:
    return (pd.Period(start, freq="M") + k).start_time.date()


def _month_end(start: date, k: int) -> date:
    return (pd.Period(start, freq="M") + k).end_time.date()


def _goals(start: date) -> tuple[list[dict], list[dict]]:
    y = start.year
    organizational = [
        {"id": "launch-readiness", "title": "Field force ready for the oncology launch",
         "sponsor": "Chief Commercial Officer", "owner": "Head of Oncology Sales",
         "metric": "share of the launch field force certified", "unit": "share",
         "baseline": 0.0, "target": 0.95, "due": _month_end(start, 8)},
        {"id": "inspection-readiness",
         "title": "No critical GMP or data-integrity finding in inspections",
         "sponsor": "Head of Quality", "owner": "Site Quality Director",
         "metric": "critical inspection findings per year", "unit": "findings",
         "baseline": 2, "target": 0, "direction": "decrease", "due": _month_end(start, 11)},
        {"id": "field-productivity", "title": "Raise the productivity of the field force",
         "sponsor": "Chief Commercial Officer", "owner": "Head of Sales Excellence",
         "metric": "share of key accounts with a current account plan", "unit": "share",
         "baseline": 0.45, "target": 0.70, "due": _month_end(start, 14)},
        {"id": "scientific-leadership",
         "title": "Medical affairs recognized as a scientific partner",
         "sponsor": "Chief Medical Officer", "owner": "Head of Medical Affairs",
         "metric": "share of expert interactions rated high value", "unit": "share",
         "baseline": 0.50, "target": 0.70, "due": _month_end(start, 17)},
    ]
    learning = [
        {"id": "lg-launch-certification", "title": f"Certify the launch field force by mid-{y}",
         "aligned_to": ["launch-readiness"], "sponsor": "Chief Commercial Officer",
         "owner": "Digital Learning Strategist",
         "metric": "share of the launch field force certified", "unit": "share",
         "baseline": 0.0, "target": 0.95, "due": _month_end(start, 5)},
        {"id": "lg-gmp-refresh",
         "title": "Every manufacturing and QC employee completes the GMP refresher",
         "aligned_to": ["inspection-readiness"], "sponsor": "Head of Quality",
         "owner": "LMS Administrator", "metric": "share of staff with a current GMP record",
         "unit": "share", "baseline": 0.35, "target": 1.0, "due": _month_end(start, 10)},
        {"id": "lg-coaching-culture",
         "title": "First-line managers coach their reps every month",
         "aligned_to": ["field-productivity"], "sponsor": "Head of Sales Excellence",
         "owner": "Performance Consultant",
         "metric": "coaching sessions per rep per month", "unit": "sessions",
         "target": 2, "due": _month_end(start, 14)},  # no baseline: fails Measurable
        {"id": "lg-account-planning",
         "title": "Key account managers plan their accounts with the new method",
         "aligned_to": ["field-productivity"], "sponsor": "Head of Key Accounts",
         "owner": "Digital Learning Project Manager",
         "metric": "share of key accounts with a current account plan", "unit": "share",
         "baseline": 0.45, "target": 0.70, "due": _month_end(start, 13)},
        {"id": "lg-digital-fluency",
         "title": "Medical affairs fluent in digital scientific engagement",
         "aligned_to": ["scientific-leadership"], "owner": "Learning Experience Designer",
         "metric": "share of MSLs certified on digital engagement", "unit": "share",
         "baseline": 0.30, "target": 0.80, "due": _month_end(start, 17)},  # no sponsor
    ]
    return organizational, learning


def _strategy_dict(start: date, data_end: date) -> dict:
    from ldkit.strategy.raci import default_raci

    organizational, learning = _goals(start)
    programs = []
    for p in _PROGRAMS:
        milestones = []
        for name, offset, late in p.milestones:
            due = _month_end(start, p.start_offset + offset) - timedelta(days=3)
            item: dict = {"name": name, "due": due}
            if late is not None and due + timedelta(days=late) <= data_end:
                item["done"] = due + timedelta(days=late)
            milestones.append(item)
        programs.append({
            "id": p.id, "title": p.title, "goals": list(p.goals), "audience": p.audience,
            "owner": p.owner, "expected_participants": p.participants,
            "expected_application_rate": p.application_rate,
            "budget": round(p.effort_hours * DEMO_HOURLY_RATE + p.external),
            "effort_hours": p.effort_hours,
            "start": start if p.start_offset == 0 else _month_start(start, p.start_offset),
            "due": _month_end(start, p.start_offset + p.length - 1),
            "lms_courses": [p.course], "milestones": milestones,
        })
    raci = default_raci()
    activities = [{"id": a, "name": raci.activity_names[a],
                   "assign": {r: v for r, v in raci.matrix.loc[a].items() if v}}
                  for a in raci.matrix.index]
    return {"name": f"Demo Bio learning strategy {start.year}", "currency": "EUR",
            "hourly_rate": DEMO_HOURLY_RATE, "organizational_goals": organizational,
            "learning_goals": learning, "programs": programs,
            "raci": {"activities": activities}}


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _lms_rows(rng: np.random.Generator, start: date, data_end: date,
              learners: Sequence[str], strategy: dict) -> list[dict]:
    rows: list[dict] = []
    pool = np.array(list(learners), dtype=object)
    spec = {p["id"]: p for p in strategy["programs"]}
    for p in _PROGRAMS:
        s, due = spec[p.id]["start"], spec[p.id]["due"]
        total = (due - s).days + 1
        seen = min(total, (data_end - s).days + 1)
        if seen <= 0:
            continue
        people = rng.choice(pool, size=min(p.participants, len(pool)), replace=False)
        rate = p.participants * p.pace  # completions over the whole window, at this pace
        n_done = min(len(people), int(rate * seen / total))
        offsets = (np.arange(n_done) + rng.uniform(0.05, 0.95, n_done)) / rate * total
        done_days = np.minimum(np.floor(offsets).astype(int), seen - 1)
        planned_enrolled = min(1.0, (seen / total) / 0.5) * p.participants
        n_enrolled = min(len(people), max(n_done, int(planned_enrolled * min(1.0, p.pace + .1))))
        for i, learner in enumerate(people[:n_enrolled]):
            if i < n_done:
                completed = s + timedelta(days=int(done_days[i]))
                enrolled = max(s, completed - timedelta(days=int(rng.integers(10, 45))))
                asked = completed <= data_end - timedelta(days=30)
                applied = ""
                if asked:  # an even spread of yes at the program's rate (low discrepancy)
                    r = p.application_rate * p.applying
                    applied = "yes" if int((i + 1) * r + 0.5) > int(i * r + 0.5) else "no"
                rows.append({"learner_id": learner, "program": p.course,
                             "course_title": p.title, "enrolled_on": enrolled.isoformat(),
                             "completed_on": completed.isoformat(), "status": "completed",
                             "applied": applied})
            else:
                window = max(1, min(seen, total // 2))
                enrolled = s + timedelta(days=int(rng.integers(0, window)))
                rows.append({"learner_id": learner, "program": p.course,
                             "course_title": p.title, "enrolled_on": enrolled.isoformat(),
                             "completed_on": "", "status": "in progress", "applied": ""})
    # the dirt of a real export, each row excluded with a reason when matched
    first = rows[0]
    kam = spec["kam-excellence"]
    rows += [
        {"learner_id": pool[0], "program": "COC-2026", "course_title": "Annual code of conduct",
         "enrolled_on": _month_start(start, 0).isoformat(),
         "completed_on": (_month_start(start, 0) + timedelta(days=9)).isoformat(),
         "status": "completed", "applied": ""},
        {"learner_id": pool[1], "program": "COC-2026", "course_title": "Annual code of conduct",
         "enrolled_on": _month_start(start, 1).isoformat(), "completed_on": "",
         "status": "in progress", "applied": ""},
        {"learner_id": "", "program": "LA-2026", "course_title": "Oncology launch academy",
         "enrolled_on": (start + timedelta(days=3)).isoformat(), "completed_on": "",
         "status": "in progress", "applied": ""},
        {"learner_id": pool[2], "program": "KAE-2026", "course_title": "Key account excellence",
         "enrolled_on": (kam["start"] - timedelta(days=40)).isoformat(), "completed_on": "",
         "status": "in progress", "applied": ""},  # a test enrolment before the start
        {**first, "completed_on": "", "status": "in progress", "applied": ""},  # enrolled twice
        {"learner_id": pool[3], "program": "QA-GMP-26",
         "course_title": "GMP and data integrity refresher",
         "enrolled_on": (spec["gmp-refresher"]["start"] + timedelta(days=20)).isoformat(),
         "completed_on": "", "status": "completed", "applied": ""},  # no completion date
    ]
    return rows


def _time_rows(rng: np.random.Generator, start: date, data_end: date,
               strategy: dict) -> list[dict]:
    rows: list[dict] = []
    spec = {p["id"]: p for p in strategy["programs"]}
    last = pd.Period(data_end, freq="M")
    for p in _PROGRAMS:
        s, due = spec[p.id]["start"], spec[p.id]["due"]
        total = (due - s).days + 1
        for month in pd.period_range(pd.Period(s, freq="M"), min(pd.Period(due, freq="M"), last),
                                     freq="M"):
            lo = max(s, month.start_time.date())
            hi = min(due, month.end_time.date())
            share = ((hi - lo).days + 1) / total
            hours = p.effort_hours * share * p.spend * rng.uniform(0.92, 1.08)
            cost = p.external * share * p.spend * rng.uniform(0.92, 1.08)
            split = rng.uniform(0.55, 0.7)
            rows.append({"person": p.staff[0], "program": p.id, "month": str(month),
                         "hours": round(hours * split, 1), "cost": round(cost, 2),
                         "activity": "project management and vendors"})
            rows.append({"person": p.staff[1], "program": p.id, "month": str(month),
                         "hours": round(hours * (1 - split), 1), "cost": 0,
                         "activity": "design and delivery"})
    for month in pd.period_range(pd.Period(start, freq="M"), last, freq="M"):
        rows.append({"person": "LMS-01", "program": "LMS operations", "month": str(month),
                     "hours": 24.0, "cost": 0, "activity": "platform administration"})
    kam = spec["kam-excellence"]
    rows.append({"person": "DLPM-02", "program": "kam-excellence",
                 "month": str(pd.Period(kam["start"], freq="M") - 1), "hours": 12.0, "cost": 0,
                 "activity": "vendor briefing before the start"})
    return rows


def _write_csv(path: Path, rows: list[dict], columns: list[str]) -> Path:
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_demo_strategy(raw: str | Path, *, start: date = date(2026, 1, 5), months: int = 12,
                        seed: int = 11, learners: Sequence[str] | None = None
                        ) -> dict[str, Path]:
    """Write Demo Bio's strategy, LMS export and time tracking under ``raw``.

    Parameters
    ----------
    raw : str or Path
        The folder (an engagement's ``data/raw``); created if missing.
    start : date
        First day of the strategy year; programs are placed relative to it.
    months : int
        Months of actuals from the start month (12: a year).
    seed : int
        Seed of the random generator (same seed, same files).
    learners : sequence of str, optional
        Pseudonymous learner ids to draw participants from (at least 300 for
        the GMP refresher to reach its full audience); default ``DB0001`` to
        ``DB0400``.

    Returns
    -------
    dict
        ``{"strategy": ..., "lms_completions": ..., "time_tracking": ...}``,
        the paths written (``strategy.yaml``, ``lms_completions.csv``,
        ``time_tracking.csv``).

    Examples
    --------
    >>> import tempfile
    >>> paths = write_demo_strategy(tempfile.mkdtemp(), months=3)
    >>> sorted(p.name for p in paths.values())
    ['lms_completions.csv', 'strategy.yaml', 'time_tracking.csv']
    """
    if not isinstance(start, date):
        raise param_error("start", "write_demo_strategy", "a datetime.date", start)
    check_number("months", months, func="write_demo_strategy", low=1, high=60, integer=True)
    check_number("seed", seed, func="write_demo_strategy", integer=True)
    if learners is None:
        learners = [f"DB{i:04d}" for i in range(1, 401)]
    learners = [str(x) for x in learners]
    if len(learners) < 10:
        raise param_error("learners", "write_demo_strategy", "at least 10 learner ids",
                          len(learners))
    folder = Path(raw)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    data_end = _month_end(start, months - 1)
    strategy = _strategy_dict(start, data_end)
    header = ("# Demo Bio: learning strategy (synthetic). Layout: see ldkit.strategy.io.\n"
              "# Goals, the program portfolio and the RACI of the digital learning function.\n")
    text = yaml.dump(strategy, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96)
    paths = {
        "strategy": atomic_write_text(folder / "strategy.yaml", header + text),
        "lms_completions": _write_csv(
            folder / "lms_completions.csv", _lms_rows(rng, start, data_end, learners, strategy),
            ["learner_id", "program", "course_title", "enrolled_on", "completed_on", "status",
             "applied"]),
        "time_tracking": _write_csv(
            folder / "time_tracking.csv", _time_rows(rng, start, data_end, strategy),
            ["person", "program", "month", "hours", "cost", "activity"]),
    }
    return paths
