"""The program portfolio, its plan over time, and the :class:`Strategy` that holds it all.

A :class:`Program` is one initiative of the learning function: the learning
goals it serves, its audience, how many people are expected to take part
and what share of them should apply the learning on the job, its budget,
start and due dates, planned effort in hours, milestones, and the LMS course
ids or titles whose enrolments and completions count for it.

The plan over time (:func:`plan_at`) phases each program **linearly** over
its window, start to due date inclusive, by days elapsed:

========================  ==================================================
planned completions       expected_participants x f
planned participants      expected_participants x min(1, f / ENROLMENT_WINDOW)
                          (enrolment runs over the first half of the window)
planned hours             effort_hours x f
planned spend             budget x f
planned application rate  expected_application_rate (a rate, not phased)
========================  ==================================================

where f = (days from start to the date, inclusive) / (days of the window),
clipped to [0, 1]. A plan shaped otherwise (a launch wave, a compliance
deadline) is approximated by splitting the program in waves, one program
each.

Examples
--------
>>> from datetime import date
>>> p = Program("launch", "Launch academy", date(2026, 1, 1), date(2026, 4, 10),
...             expected_participants=100, budget=50_000, effort_hours=400)
>>> round(elapsed_share(p, date(2026, 2, 19)), 4)  # 50 of 100 days
0.5
>>> {k: round(v, 1) for k, v in plan_at(p, date(2026, 2, 19)).items()}
... # doctest: +NORMALIZE_WHITESPACE
{'planned_participants': 100.0, 'planned_completions': 50.0, 'planned_hours': 200.0,
 'planned_spend': 25000.0, 'planned_application_rate': 0.0}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from ldkit.errors import Location

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.strategy.goals import Goal
    from ldkit.strategy.raci import Raci

__all__ = [
    "ENROLMENT_WINDOW",
    "Milestone",
    "Program",
    "Strategy",
    "elapsed_share",
    "milestone_table",
    "plan_at",
    "portfolio_table",
]

ENROLMENT_WINDOW = 0.5
"""Share of a program's window over which planned enrolment runs (the first half)."""


@dataclass(frozen=True)
class Milestone:
    """A dated milestone of a program; ``done`` is when it was met (None: not yet)."""

    name: str
    due: date
    done: date | None = None


@dataclass(frozen=True)
class Program:
    """One program of the portfolio.

    Parameters
    ----------
    id, title : str
    start, due : date
        The window of the program (inclusive).
    goals : tuple of str
        Ids of the goals (usually learning goals) the program serves.
    audience : str
        Who it is for (``"Oncology field force"``).
    expected_participants : int
        How many people should complete it by ``due``.
    expected_application_rate : float
        Share of completers expected to apply it on the job, in [0, 1].
    budget : float
        Total budget in the strategy's currency (internal effort at the
        hourly rate plus external spend).
    effort_hours : float
        Planned hours of the learning team.
    owner : str
        Who runs it (a job title).
    lms_courses : tuple of str
        LMS course ids or titles that count for the program (besides its id
        and title), compared case-insensitively.
    milestones : tuple of Milestone
    source : Location, optional
    """

    id: str
    title: str
    start: date
    due: date
    _: KW_ONLY
    goals: tuple[str, ...] = ()
    audience: str = ""
    expected_participants: int = 0
    expected_application_rate: float = 0.0
    budget: float = 0.0
    effort_hours: float = 0.0
    owner: str = ""
    lms_courses: tuple[str, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    source: Location | None = field(default=None, compare=False, repr=False)

    @property
    def months(self) -> list[str]:
        """The months of the window, ``"YYYY-MM"``."""
        return [str(m) for m in pd.period_range(self.start, self.due, freq="M")]

    def course_keys(self) -> set[str]:
        """Case-folded names an LMS row may use for this program."""
        return {k.strip().casefold() for k in (self.id, self.title, *self.lms_courses)
                if k and k.strip()}


def elapsed_share(program: Program, when: date) -> float:
    """Share of the program's window elapsed at the end of day ``when``, in [0, 1]."""
    total = (program.due - program.start).days + 1
    done = (when - program.start).days + 1
    if total <= 0:
        return 1.0 if done > 0 else 0.0
    return min(1.0, max(0.0, done / total))


def plan_at(program: Program, when: date) -> dict[str, float]:
    """The planned cumulative values of a program at the end of day ``when``.

    See the module docstring for the linear phasing. Keys: planned_participants,
    planned_completions, planned_hours, planned_spend, planned_application_rate.
    """
    f = elapsed_share(program, when)
    p = float(program.expected_participants)
    return {
        "planned_participants": p * min(1.0, f / ENROLMENT_WINDOW),
        "planned_completions": p * f,
        "planned_hours": float(program.effort_hours) * f,
        "planned_spend": float(program.budget) * f,
        "planned_application_rate": float(program.expected_application_rate),
    }


def portfolio_table(programs: Sequence[Program]) -> pd.DataFrame:
    """The portfolio, one row per program.

    Columns: program, title, goals (ids joined by ", "), audience, owner,
    expected_participants, expected_application_rate, budget, effort_hours,
    start, due, months, milestones (count).
    """
    rows = [{
        "program": p.id, "title": p.title, "goals": ", ".join(p.goals), "audience": p.audience,
        "owner": p.owner, "expected_participants": int(p.expected_participants),
        "expected_application_rate": float(p.expected_application_rate),
        "budget": float(p.budget), "effort_hours": float(p.effort_hours),
        "start": p.start.isoformat(), "due": p.due.isoformat(), "months": len(p.months),
        "milestones": len(p.milestones),
    } for p in programs]
    columns = ["program", "title", "goals", "audience", "owner", "expected_participants",
               "expected_application_rate", "budget", "effort_hours", "start", "due", "months",
               "milestones"]
    return pd.DataFrame(rows, columns=columns)


def milestone_table(programs: Sequence[Program]) -> pd.DataFrame:
    """Every milestone, one row each: program, milestone, due, done (ISO dates, "" if not)."""
    rows = [{"program": p.id, "milestone": m.name, "due": m.due.isoformat(),
             "done": m.done.isoformat() if m.done else ""}
            for p in programs for m in p.milestones]
    return pd.DataFrame(rows, columns=["program", "milestone", "due", "done"])


@dataclass(frozen=True)
class Strategy:
    """A client's learning strategy: goal register, program portfolio and RACI.

    Read one with :func:`ldkit.strategy.read_strategy` (the STRATEGY.yaml
    layout is in :mod:`ldkit.strategy.io`).
    """

    name: str
    goals: tuple[Goal, ...]
    programs: tuple[Program, ...]
    raci: Raci | None = None
    currency: str = "EUR"
    hourly_rate: float = 0.0
    source: Location | None = field(default=None, compare=False, repr=False)

    def goal(self, id: str) -> Goal:
        """The goal of that id (KeyError if none)."""
        for g in self.goals:
            if g.id == id:
                return g
        raise KeyError(id)

    def program(self, id: str) -> Program:
        """The program of that id (KeyError if none)."""
        for p in self.programs:
            if p.id == id:
                return p
        raise KeyError(id)

    def register(self) -> pd.DataFrame:
        """The goal register with its SMART check, one row per goal."""
        from ldkit.strategy.goals import SMART_CRITERIA, goal_register, smart_check

        smart = smart_check(self.goals).drop(columns="level")
        out = goal_register(self.goals).merge(smart, on="goal", how="left")
        return out[[c for c in out.columns if c not in SMART_CRITERIA]
                   + list(SMART_CRITERIA)]

    def portfolio(self) -> pd.DataFrame:
        """:func:`portfolio_table` of the programs."""
        return portfolio_table(self.programs)

    def alignment(self) -> pd.DataFrame:
        """:func:`ldkit.strategy.goals.alignment_table` of the goals and programs."""
        from ldkit.strategy.goals import alignment_table

        return alignment_table(self.goals, self.programs)
