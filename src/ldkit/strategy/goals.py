"""The goal register: organizational goals, learning goals aligned to them, and the SMART check.

A :class:`Goal` is either an *organizational* goal (what the business wants:
launch readiness, inspection readiness, field productivity) or a *learning*
goal (what the learning function commits to), aligned to one or more
organizational goals. Each names a sponsor (who commits resources), an owner
(who acts), a metric with its unit, a baseline, a target and a due date.
``direction`` says whether the metric should go up (``increase``, the
default: completion, certification, share applying) or down (``decrease``:
time to competence, deviations).

The SMART check (:func:`smart_check`) reports, per goal, which criterion
fails and why. ldkit's operational definitions:

============  ==============================================================
Specific      a title, and a target that is a change from the baseline in
              the goal's direction ("target not above baseline" fails an
              ``increase`` goal whose target <= baseline)
Measurable    a metric, a baseline and a target are given
Achievable    someone can act on it: a sponsor who commits resources and an
              owner who acts ("no sponsor", "no owner")
Relevant      a learning goal is aligned to at least one organizational
              goal; an organizational goal is relevant by definition
Time-bound    a due date is given
============  ==============================================================

(Domain primer, "Learning strategy and operations": SMART goals aligned to
organizational goals, each with a sponsor. Doran, G. T. (1981). There's a
S.M.A.R.T. way to write management's goals and objectives. *Management
Review*, 70(11), 35-36.)

Examples
--------
>>> from datetime import date
>>> g = Goal("lg-1", "Certify the launch team", "learning", sponsor="CCO", owner="L&D lead",
...          metric="share certified", baseline=0.2, target=0.9, due=date(2026, 6, 30),
...          aligned_to=("launch",))
>>> bad = Goal("lg-2", "Coaching culture", "learning", owner="L&D lead", metric="coaching "
...            "hours per manager", target=10, aligned_to=())
>>> smart_check([g, bad])[["goal", "smart", "failures"]].to_dict("records")
... # doctest: +NORMALIZE_WHITESPACE
[{'goal': 'lg-1', 'smart': True, 'failures': ''},
 {'goal': 'lg-2', 'smart': False, 'failures': 'Measurable: no baseline; Achievable: no sponsor;
  Relevant: no aligned organizational goal; Time-bound: no due date'}]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from ldkit.errors import Location

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.strategy.portfolio import Program

__all__ = [
    "DIRECTIONS",
    "GOAL_LEVELS",
    "SMART_CRITERIA",
    "SMART_LABELS",
    "Goal",
    "alignment_table",
    "goal_register",
    "smart_check",
]

GOAL_LEVELS = ("organizational", "learning")
DIRECTIONS = ("increase", "decrease")
SMART_CRITERIA = ("specific", "measurable", "achievable", "relevant", "time_bound")
SMART_LABELS = {"specific": "Specific", "measurable": "Measurable", "achievable": "Achievable",
                "relevant": "Relevant", "time_bound": "Time-bound"}


@dataclass(frozen=True)
class Goal:
    """One goal of the register.

    Parameters
    ----------
    id, title : str
        A short id (letters, digits, ``_ - .``) and what the goal is.
    level : str
        ``"organizational"`` or ``"learning"``.
    sponsor, owner : str
        Who commits resources; who acts. Job titles, not names, in shared files.
    metric, unit : str
        What is measured (``"share of field force certified"``) and its unit.
    baseline, target : float or None
        The metric now and the value to reach.
    direction : str
        ``"increase"`` (default) or ``"decrease"``: which way is better.
    due : date or None
        When the target is to be reached.
    aligned_to : tuple of str
        Ids of the organizational goals a learning goal serves.
    source : Location, optional
        Where the goal was read (file and line).
    """

    id: str
    title: str
    level: str
    sponsor: str = ""
    owner: str = ""
    metric: str = ""
    baseline: float | None = None
    target: float | None = None
    unit: str = ""
    direction: str = "increase"
    due: date | None = None
    aligned_to: tuple[str, ...] = ()
    source: Location | None = field(default=None, compare=False, repr=False)

    def smart_failures(self) -> dict[str, list[str]]:
        """The reasons each SMART criterion fails (an empty list where it passes)."""
        out: dict[str, list[str]] = {c: [] for c in SMART_CRITERIA}
        if not self.title.strip():
            out["specific"].append("no title")
        if self.baseline is not None and self.target is not None:
            if self.direction == "decrease" and not self.target < self.baseline:
                out["specific"].append("target not below baseline")
            elif self.direction != "decrease" and not self.target > self.baseline:
                out["specific"].append("target not above baseline")
        if not self.metric.strip():
            out["measurable"].append("no metric")
        if self.baseline is None:
            out["measurable"].append("no baseline")
        if self.target is None:
            out["measurable"].append("no target")
        if not self.sponsor.strip():
            out["achievable"].append("no sponsor")
        if not self.owner.strip():
            out["achievable"].append("no owner")
        if self.level == "learning" and not self.aligned_to:
            out["relevant"].append("no aligned organizational goal")
        if self.due is None:
            out["time_bound"].append("no due date")
        return out


def _joined(values: Sequence[str]) -> str:
    return ", ".join(values)


def goal_register(goals: Sequence[Goal]) -> pd.DataFrame:
    """The register as a table, one row per goal, organizational goals first.

    Columns: goal, title, level, aligned_to (ids joined by ", "), sponsor, owner,
    metric, unit, direction, baseline, target, due.

    Examples
    --------
    >>> goal_register([Goal("g", "Grow", "organizational", baseline=1, target=2)])[
    ...     ["goal", "level", "baseline", "target"]]
      goal           level  baseline  target
    0    g  organizational       1.0     2.0
    """
    rows = [{
        "goal": g.id, "title": g.title, "level": g.level, "aligned_to": _joined(g.aligned_to),
        "sponsor": g.sponsor, "owner": g.owner, "metric": g.metric, "unit": g.unit,
        "direction": g.direction,
        "baseline": float("nan") if g.baseline is None else float(g.baseline),
        "target": float("nan") if g.target is None else float(g.target),
        "due": g.due.isoformat() if g.due else "",
    } for g in goals]
    columns = ["goal", "title", "level", "aligned_to", "sponsor", "owner", "metric", "unit",
               "direction", "baseline", "target", "due"]
    frame = pd.DataFrame(rows, columns=columns)
    order = frame["level"].map({lv: i for i, lv in enumerate(GOAL_LEVELS)}).fillna(len(GOAL_LEVELS))
    return frame.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def smart_check(goals: Sequence[Goal]) -> pd.DataFrame:
    """Which SMART criterion each goal fails, and why.

    Parameters
    ----------
    goals : sequence of Goal

    Returns
    -------
    DataFrame
        One row per goal (in the given order): goal, level, one boolean column
        per criterion (specific, measurable, achievable, relevant, time_bound;
        True = passes), ``smart`` (all pass), ``failures`` ("Criterion: reason"
        joined by "; ", "" when SMART). See the module docstring for the
        definitions.
    """
    rows = []
    for g in goals:
        fails = g.smart_failures()
        row: dict[str, object] = {"goal": g.id, "level": g.level}
        row.update({c: not fails[c] for c in SMART_CRITERIA})
        row["smart"] = not any(fails.values())
        row["failures"] = "; ".join(f"{SMART_LABELS[c]}: {reason}" for c in SMART_CRITERIA
                                    for reason in fails[c])
        rows.append(row)
    columns = ["goal", "level", *SMART_CRITERIA, "smart", "failures"]
    return pd.DataFrame(rows, columns=columns)


def alignment_table(goals: Sequence[Goal], programs: Sequence[Program]) -> pd.DataFrame:
    """The alignment chain: organizational goal -> learning goal -> program, one row per link.

    Every goal and program appears: an organizational goal no learning goal
    serves has a row with empty ``learning_goal``; a learning goal no program
    serves has an empty ``program``; a program serving no goal has empty goals.

    Examples
    --------
    >>> from datetime import date
    >>> from ldkit.strategy.portfolio import Program
    >>> goals = [Goal("org", "Org", "organizational"), Goal("lg", "L", "learning",
    ...          aligned_to=("org",)), Goal("idle", "Idle", "organizational")]
    >>> prog = Program("p", "P", date(2026, 1, 1), date(2026, 6, 30), goals=("lg",))
    >>> alignment_table(goals, [prog]).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'organizational_goal': 'org', 'learning_goal': 'lg', 'program': 'p'},
     {'organizational_goal': 'idle', 'learning_goal': '', 'program': ''}]
    """
    serving: dict[str, list[str]] = {}
    for p in programs:
        for gid in p.goals:
            serving.setdefault(gid, []).append(p.id)
    org_ids = [g.id for g in goals if g.level == "organizational"]
    learning = [g for g in goals if g.level == "learning"]
    rows: list[tuple[str, str, str]] = []
    linked_programs: set[str] = set()
    for org in org_ids:
        children = [g for g in learning if org in g.aligned_to]
        direct = serving.get(org, [])
        for pid in direct:
            rows.append((org, "", pid))
            linked_programs.add(pid)
        for child in children:
            for pid in serving.get(child.id, []) or [""]:
                rows.append((org, child.id, pid))
                linked_programs.add(pid)
        if not children and not direct:
            rows.append((org, "", ""))
    for g in learning:
        if not g.aligned_to:
            for pid in serving.get(g.id, []) or [""]:
                rows.append(("", g.id, pid))
                linked_programs.add(pid)
    for p in programs:
        if p.id not in linked_programs:
            rows.append(("", "", p.id))
    return pd.DataFrame(rows, columns=["organizational_goal", "learning_goal", "program"])
