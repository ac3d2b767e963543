"""Build personalized learning plans (PLPs): goals, activities, timeline, milestones.

:func:`build_plans` turns the per-person gap table of
:func:`ldkit.needs.person_gaps` and a learning :class:`~ldkit.plans.catalog.Catalog`
into one plan per learner: prioritized goals, the catalog activities chosen by a
small integer program (budget, hours, 70-20-10 mix, prerequisites, pins and
exclusions) that covers as many goals as it can by priority, then maximizes the
priorities its activities develop (core items +10%) plus a quarter of the
priorities closed by the program assessments and capstones it adds (see
:func:`build_plans`, Notes), a week-by-week timeline and its milestones (pre-assessment,
manager check-ins, post-assessment, capstone). Every learner gets an explicit
status row: ``planned``, ``no plan needed`` or ``infeasible`` with the reason.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import combinations
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from ldkit._params import check_number, param_error
from ldkit.errors import InputError, ParameterError
from ldkit.plans._highs import solve_binary
from ldkit.plans.catalog import MODALITIES, Activity, Catalog

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel

__all__ = ["PlanOptions", "PlanSet", "build_plans"]

GOAL_COLUMNS = ["learner", "rank", "capability", "current", "target", "gap", "weight",
                "priority", "source"]
ITEM_COLUMNS = ["learner", "goal_rank", "capability", "activity", "title", "modality",
                "format", "start", "due", "hours", "cost", "reason"]
MILESTONE_COLUMNS = ["learner", "date", "kind", "detail"]
STATUS_COLUMNS = ["learner", "status", "reason", "hours", "cost", "mix_experiential",
                  "mix_social", "mix_formal"]
MILESTONE_KINDS = ("pre-assessment", "manager check-in", "post-assessment", "capstone")

CORE_BONUS = 0.1
"""Core items are worth 10% more than electives that develop the same goals."""
CLOSING_SHARE = 0.25
"""Value of a program's assessment or capstone, as a share of the priorities of the
learner's goals the program covers."""
TIE_BREAK = 1e-3
"""Total weight of the tie-breaker by activity id (objective in units of the smallest
goal priority): only decides between plans of equal value."""
_CLOSING_FORMATS = ("assessment", "capstone")
_GROUPS = ("budget", "mix", "hours")
_HIGHS_OPTIONS = {
    # the optimum: proven to a zero gap, as before (presolve on, HiGHS's default)
    "mip_rel_gap": 0.0, "time_limit": 60.0,
    # search only: on these small programs HiGHS spends most of its time in the feasibility
    # jump and sub-MIP heuristics and in symmetry detection, none of which is needed to
    # find and prove the optimum; turning them off halves the time of a solve
    "mip_heuristic_run_feasibility_jump": False, "mip_heuristic_effort": 0.0,
    "mip_detect_symmetry": False,
    # the sub-MIP heuristics (RINS, RENS, root reduced cost) and reliable pseudo-costs
    # from strong branching: on these programs they cost more than the nodes they save
    "mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False, "mip_pscost_minreliable": 0,
}
"""Options of every HiGHS solve. The search options change how HiGHS looks for the
optimum, never which plans count as optimal (``mip_rel_gap`` stays 0)."""
PARALLEL_FROM = 400
"""With ``workers=None``, build_plans solves in worker processes from this many distinct
learner profiles on (below, starting the processes costs more than it saves)."""


# -- options and result ----------------------------------------------------------------


def _default_mix() -> dict[str, float]:
    return {"experiential": 0.7, "social": 0.2, "formal": 0.1}


@dataclass(frozen=True)
class PlanOptions:
    """Budgets, 70-20-10 mix and calendar of the plans; checked when constructed.

    Attributes
    ----------
    hours_per_month : float, default 8.0
        Learning hours per learner per month; the horizon has
        ``horizon_weeks * 12 / 52`` months (26 weeks = 6 months = 48 hours).
    cost_per_person : float, default 2500.0
        Budget per learner in the catalog's currency.
    mix : mapping, default {"experiential": 0.7, "social": 0.2, "formal": 0.1}
        Target share of hours per modality (missing modalities are 0); sums to 1.
    mix_tolerance : float, default 0.15
        Each modality's share of hours must lie in ``mix[m] +/- mix_tolerance``.
    start : datetime.date, default 2026-01-05
        The Monday of week 1.
    horizon_weeks : int, default 26
        Length of the plan in weeks (at least 2: activities, then the post-assessment).
    max_hours_per_week : float, default 4.0
        Weekly cap on learning hours.
    max_goals : int, default 3
        Gap goals kept per learner (and aspiration goals kept, separately).
    checkin_every_weeks : int, default 6
        Weeks between manager check-ins.
    """

    hours_per_month: float = 8.0
    cost_per_person: float = 2500.0
    mix: Mapping[str, float] = field(default_factory=_default_mix)
    mix_tolerance: float = 0.15
    start: date = date(2026, 1, 5)
    horizon_weeks: int = 26
    max_hours_per_week: float = 4.0
    max_goals: int = 3
    checkin_every_weeks: int = 6

    def __post_init__(self) -> None:
        func = "PlanOptions"
        for name in ("hours_per_month", "max_hours_per_week"):
            value = check_number(name, getattr(self, name), func=func, low=0)
            if value == 0 or math.isinf(value):
                raise param_error(name, func, "a positive finite number", value)
        cost = check_number("cost_per_person", self.cost_per_person, func=func, low=0)
        if math.isinf(cost):
            raise param_error("cost_per_person", func, "a finite number", cost)
        check_number("mix_tolerance", self.mix_tolerance, func=func, low=0, high=1)
        check_number("horizon_weeks", self.horizon_weeks, func=func, low=2, integer=True)
        check_number("max_goals", self.max_goals, func=func, low=1, integer=True)
        check_number("checkin_every_weeks", self.checkin_every_weeks, func=func, low=1,
                     integer=True)
        start = self.start
        if isinstance(start, datetime):
            start = start.date()
        if not isinstance(start, date) or start.weekday() != 0:
            raise param_error("start", func, "a date that is a Monday", self.start)
        object.__setattr__(self, "start", start)
        if not isinstance(self.mix, Mapping):
            raise param_error("mix", func, f"a mapping keyed by {MODALITIES}", self.mix)
        mix = {}
        for key in self.mix:
            if key not in MODALITIES:
                raise param_error("mix", func, f"keyed by {MODALITIES}", key)
        for m in MODALITIES:
            mix[m] = float(check_number(f"mix['{m}']", self.mix.get(m, 0.0), func=func,
                                        low=0, high=1))
        if abs(sum(mix.values()) - 1) > 1e-6:
            raise param_error("mix", func, "shares that sum to 1", dict(self.mix))
        object.__setattr__(self, "mix", mix)

    @property
    def horizon_months(self) -> float:
        """The horizon in months: ``horizon_weeks * 12 / 52``."""
        return self.horizon_weeks * 12 / 52

    @property
    def hour_limit(self) -> float:
        """Total hours a plan may take: min(hours_per_month x months, weekly cap x weeks)."""
        return min(self.hours_per_month * self.horizon_months,
                   self.max_hours_per_week * self.horizon_weeks)

    @property
    def mix_label(self) -> str:
        """The mix as text, e.g. ``'70/20/10'``."""
        return "/".join(f"{self.mix[m] * 100:.0f}" for m in MODALITIES)


@dataclass(frozen=True, eq=False)
class PlanSet:
    """The plans of many learners, as four tidy tables.

    Attributes
    ----------
    goals : DataFrame
        learner, rank, capability, current, target, gap, weight, priority, source
        (``"gap"``, ``"aspiration"`` or ``"stretch"``).
    items : DataFrame
        learner, goal_rank, capability, activity, title, modality, format, start, due,
        hours, cost, reason; in timeline order per learner.
    milestones : DataFrame
        learner, date, kind (``"pre-assessment"``, ``"manager check-in"``,
        ``"post-assessment"``, ``"capstone"``), detail.
    status : DataFrame
        One row per learner: learner, status (``"planned"``, ``"no plan needed"``,
        ``"infeasible"``), reason, hours, cost, and the achieved share of hours per
        modality (mix_experiential, mix_social, mix_formal; NaN without hours).
    options : PlanOptions
        The options the plans were built with.
    """

    goals: pd.DataFrame
    items: pd.DataFrame
    milestones: pd.DataFrame
    status: pd.DataFrame
    options: PlanOptions

    def plan(self, learner: Any) -> dict[str, pd.DataFrame]:
        """One learner's ``goals``, ``items`` and ``milestones`` (and ``status``)."""
        if learner not in set(self.status["learner"]):
            raise param_error("learner", "PlanSet.plan", "a learner of the plan set", learner)
        out = {}
        for name in ("goals", "items", "milestones", "status"):
            table = getattr(self, name)
            out[name] = table[table["learner"] == learner].reset_index(drop=True)
        return out

    def __repr__(self) -> str:
        counts = self.status["status"].value_counts()
        parts = ", ".join(f"{int(counts.get(s, 0))} {s}"
                          for s in ("planned", "no plan needed", "infeasible"))
        return f"PlanSet({len(self.status)} learners: {parts}; {len(self.items)} items)"


# -- goals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Goal:
    rank: int
    capability: str
    current: float
    level: int  # current level, rounded down, at least the scale minimum
    target: int
    gap: float
    weight: float
    priority: float
    source: str
    rated: bool = True
    role: str = ""  # aspiration role name


class _ModelInfo:
    """Capability names and scale minima from the model, with fallbacks."""

    def __init__(self, model: CapabilityModel) -> None:
        self.model = model
        self._names: dict[str, str] = {}
        self._min: dict[str, int] = {}

    def name(self, cap: str) -> str:
        if cap not in self._names:
            try:
                self._names[cap] = self.model.capability(cap).name
            except Exception:  # a capability the model does not know: show its id
                self._names[cap] = str(cap)
        return self._names[cap]

    def scale_min(self, cap: str) -> int:
        if cap not in self._min:
            try:
                self._min[cap] = int(self.model.scale_of(cap).min)
            except Exception:
                self._min[cap] = int(self.model.scale().min)
        return self._min[cap]

    def level(self, cap: str, current: float) -> int:
        return max(math.floor(current + 1e-9), self.scale_min(cap))


def _borich_factors(borich: pd.DataFrame | None) -> dict[str, float]:
    """1 + (n - rank) / (n - 1) per item: 2 for the top MWDS rank, 1 for the last."""
    if borich is None:
        return {}
    if not isinstance(borich, pd.DataFrame):
        raise param_error("borich", "build_plans", "a DataFrame or None", type(borich).__name__)
    if "item" not in borich.columns or not ({"rank", "mwds"} & set(borich.columns)):
        raise InputError("the borich table needs columns 'item' and 'rank' (or 'mwds')",
                         hint="pass the result of ldkit.needs.borich()")
    if "rank" in borich.columns:
        rank = pd.to_numeric(borich["rank"], errors="coerce")
    else:
        rank = pd.to_numeric(borich["mwds"], errors="coerce").rank(ascending=False,
                                                                    method="min")
    if rank.isna().any():
        raise InputError("the borich table has a rank that is not a number")
    n = len(borich)
    if n == 0:
        return {}
    weight = (n - rank) / (n - 1) if n > 1 else rank * 0 + 1.0
    return {str(item): 1.0 + float(min(max(w, 0.0), 1.0))
            for item, w in zip(borich["item"], weight, strict=True)}


def _learner_goals(caps: list, current: np.ndarray, gap: np.ndarray, required: np.ndarray,
                   weight: np.ndarray, aspiration: Any, info: _ModelInfo,
                   factors: Mapping[str, float], max_goals: int) -> list[_Goal]:
    """Gap goals (at most max_goals), then aspiration goals, from one learner's rows."""
    candidates = []
    for i, cap in enumerate(caps):
        if gap[i] > 0:
            priority = gap[i] * weight[i] * factors.get(str(cap), 1.0)
            candidates.append((-priority, str(cap), i, priority))
    candidates.sort(key=lambda t: (t[0], t[1]))
    goals = []
    for _, cap, i, priority in candidates[:max_goals]:
        goals.append(_Goal(rank=len(goals) + 1, capability=cap, current=float(current[i]),
                           level=info.level(cap, current[i]), target=int(required[i]),
                           gap=float(gap[i]), weight=float(weight[i]),
                           priority=float(priority), source="gap"))
    if aspiration is None:
        return goals
    taken = {c for _, c, _, _ in candidates}
    own = {str(c): (required[i], current[i]) for i, c in enumerate(caps)}
    extra = []
    for req in aspiration.requirements:
        cap = str(req.capability)
        if cap in taken:
            continue
        own_required, cur = own.get(cap, (np.nan, np.nan))
        rated = not np.isnan(cur)
        if not rated:
            cur = float(info.scale_min(cap))
        if req.level <= cur:
            continue
        source = "stretch" if not np.isnan(own_required) and req.level > own_required \
            else "aspiration"
        g = req.level - cur
        priority = g * float(req.weight) * factors.get(cap, 1.0)
        extra.append((-priority, cap, float(cur), int(req.level), float(g), float(req.weight),
                      float(priority), source, rated))
    extra.sort(key=lambda t: (t[0], t[1]))
    for _, cap, cur, target, g, w, priority, source, rated in extra[:max_goals]:
        goals.append(_Goal(rank=len(goals) + 1, capability=cap, current=cur,
                           level=info.level(cap, cur), target=target, gap=g, weight=w,
                           priority=priority, source=source, rated=rated,
                           role=aspiration.name))
    return goals


# -- the integer program ---------------------------------------------------------------


class _Catalog:
    """Lookups over the catalog, built once."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.by_id: dict[str, Activity] = {}
        for a in catalog.activities:
            self.by_id.setdefault(a.id, a)
        self.by_capability: dict[str, list[Activity]] = {}
        for a in self.by_id.values():
            for c in a.capabilities:
                self.by_capability.setdefault(c, []).append(a)
        self.programs = list(catalog.programs)

    def matching_programs(self, caps: set[str]) -> list:
        return [p for p in self.programs if caps & set(p.capabilities)]


@dataclass
class _Milp:
    """The 0-1 program of one learner: x_a per activity, y_g per coverable goal.

    One row of ``a`` per constraint, ``low <= a @ (x, y) <= high``; ``group`` names the
    constraint group of each row (budget, hours, mix or structure) so that the
    diagnosis of an infeasible plan can drop groups.
    """

    ids: list[str]
    acts: list[Activity]
    develops: list[list[int]]  # per activity: indices of the goals it develops
    cover: list[int]  # goal index of each y variable
    value: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    a: np.ndarray
    low: np.ndarray
    high: np.ndarray
    group: np.ndarray
    waits: np.ndarray  # 1 for an activity that may wait for a prerequisite

    @property
    def n(self) -> int:
        return len(self.ids)

    def solve(self, drop: Sequence[str] = (), *, need_cover: bool = False,
              minimize: np.ndarray | None = None) -> np.ndarray | None:
        """Optimal 0-1 vector (x then y) without the constraint groups in ``drop``."""
        size = self.n + len(self.cover)
        if size == 0:
            return np.zeros(0, dtype=int)
        a, low, high = self.a, self.low, self.high
        if drop:
            keep = ~np.isin(self.group, list(drop))
            a, low, high = a[keep], low[keep], high[keep]
        if need_cover and self.cover:
            coef = np.zeros((1, size))
            coef[0, self.n:] = 1.0
            a, low, high = np.vstack([a, coef]), np.r_[low, 1.0], np.r_[high, np.inf]
        if minimize is None:
            c = -self.value
        else:
            c = np.concatenate([minimize, np.zeros(len(self.cover))])
            c = c - 1e-6 * np.concatenate([np.zeros(self.n), np.ones(len(self.cover))])
        x = solve_binary(c, self.lb, self.ub, a, low, high, _HIGHS_OPTIONS)
        if x is None:
            return None
        return np.round(x).astype(int)


class _Need(NamedTuple):
    """A goal as the integer program sees it: capability, current level (rounded down)
    and priority in units of the learner's smallest positive priority."""

    capability: str
    level: int
    priority: float


def _needs(goals: Sequence[_Goal]) -> tuple[_Need, ...]:
    """The goals as the program sees them: all a plan depends on, besides pins and
    exclusions (learners with equal needs share one solve).

    Priorities are divided by the smallest positive one and rounded to 9 decimals: the
    program's objective is in those units (see _formulate), so two learners whose
    priorities differ by a common factor get the same program; the rounding moves the
    objective by under 1e-9 of a unit, far below HiGHS's tolerances.
    """
    positive = [g.priority for g in goals if g.priority > 0]
    unit = min(positive) if positive else 1.0
    return tuple(_Need(g.capability, g.level, round(g.priority / unit, 9)) for g in goals)


def _formulate(goals: Sequence[_Need], cat: _Catalog, pins: tuple[str, ...],
               exclusions: tuple[str, ...], options: PlanOptions) -> _Milp:
    caps = {g.capability for g in goals}
    programs = cat.matching_programs(caps)
    # which activities develop which goals (at the learner's current level)
    develops: dict[str, list[int]] = {}
    for k, g in enumerate(goals):
        for a in cat.by_capability.get(g.capability, []):
            if a.format not in _CLOSING_FORMATS and a.suits(g.capability, g.level):
                develops.setdefault(a.id, []).append(k)
    # program assessments and capstones: optional, worth a share of the program's goals
    closing: dict[str, float] = {}
    core_ids: set[str] = set()
    for p in programs:
        share = sum(g.priority for g in goals if g.capability in p.capabilities)
        for aid in (p.pre_assessment, p.post_assessment, p.capstone):
            if aid and aid in cat.by_id:
                closing[aid] = closing.get(aid, 0.0) + share
        core_ids.update(p.core)
    for g in goals:
        for a in cat.by_capability.get(g.capability, []):
            if a.format in _CLOSING_FORMATS and a.suits(g.capability, g.level):
                closing[a.id] = closing.get(a.id, 0.0) + g.priority
    chosen = set(develops) | set(closing) | {p for p in pins if p in cat.by_id}
    todo = sorted(chosen)
    while todo:  # close over prerequisites
        a = cat.by_id[todo.pop()]
        for p in a.prerequisites:
            if p in cat.by_id and p not in chosen:
                chosen.add(p)
                todo.append(p)
    ids = sorted(chosen)
    index = {aid: i for i, aid in enumerate(ids)}
    acts = [cat.by_id[aid] for aid in ids]
    n = len(ids)
    dev = [develops.get(aid, []) for aid in ids]
    lb = np.zeros(n)
    ub = np.ones(n)
    for aid in pins:
        lb[index[aid]] = 1.0
    for aid in exclusions:
        if aid in index:
            ub[index[aid]] = 0.0
    cover = [k for k in range(len(goals))
             if any(k in dev[i] and ub[i] > 0 for i in range(n))]
    m = len(cover)
    size = n + m

    positive = [g.priority for g in goals if g.priority > 0]
    unit = min(positive) if positive else 1.0
    pr = np.array([g.priority / unit for g in goals])
    value = np.zeros(size)
    for i, a in enumerate(acts):
        core = a.core or a.id in core_ids
        value[i] = sum(pr[k] for k in dev[i]) * (1 + CORE_BONUS * core)
        if a.id in closing:
            value[i] += CLOSING_SHARE * closing[a.id] / unit
        value[i] -= TIE_BREAK * (i + 1) / (n + 1)  # earlier id wins a tie
    big = 1.0 + float(np.abs(value[:n]).sum())
    for j, k in enumerate(cover):  # covering a goal outweighs any choice of activities
        value[n + j] = big * (1.0 + pr[k])

    hours = np.array([float(a.hours) for a in acts])
    cost = np.array([float(a.cost) for a in acts])
    cap = options.max_hours_per_week
    has_prereq = np.array([any(p in index for p in a.prerequisites) for a in acts], dtype=float)
    # rows over x: budget, mix (low, high per modality), hours (monthly, weekly with waits)
    dense = [cost]
    low = [-np.inf]
    high = [options.cost_per_person]
    group = ["budget"]
    modality = np.array([a.modality for a in acts])
    for mod in MODALITIES:
        ind = (modality == mod).astype(float)
        share_low = options.mix[mod] - options.mix_tolerance
        share_high = options.mix[mod] + options.mix_tolerance
        if share_low > 0:
            dense.append(hours * (ind - share_low))
            low.append(0.0)
            high.append(np.inf)
            group.append("mix")
        if share_high < 1:
            dense.append(hours * (ind - share_high))
            low.append(-np.inf)
            high.append(0.0)
            group.append("mix")
    dense += [hours, hours + cap * has_prereq]
    low += [-np.inf, -np.inf]
    high += [options.hours_per_month * options.horizon_months, cap * (options.horizon_weeks - 1)]
    group += ["hours", "hours"]
    # structure: prerequisites (x_a <= x_p), program pre/post pairs, covered goals
    pairs: list[tuple[int, int, float]] = []  # (i, j, low): low <= x_i - x_j <= 0
    for i, a in enumerate(acts):
        pairs.extend((i, index[p], -np.inf) for p in a.prerequisites if p in index)
    for p in programs:  # a program's pre- and post-assessment come as a pair
        pre, post = p.pre_assessment, p.post_assessment
        if pre and post and pre != post and pre in index and post in index:
            pairs.append((index[pre], index[post], 0.0))
    rows = len(dense) + len(pairs) + m
    matrix = np.zeros((rows, size))
    matrix[:len(dense), :n] = np.vstack(dense) if n else 0.0
    for r, (i, j, lo) in enumerate(pairs, start=len(dense)):
        matrix[r, i], matrix[r, j] = 1.0, -1.0
        low.append(lo)
        high.append(0.0)
        group.append("structure")
    for j, k in enumerate(cover):  # y_g <= sum of x_a over activities developing goal g
        r = len(dense) + len(pairs) + j
        matrix[r, n + j] = 1.0
        matrix[r, [i for i in range(n) if k in dev[i]]] = -1.0
        low.append(-np.inf)
        high.append(0.0)
        group.append("structure")
    lb_all = np.concatenate([lb, np.zeros(m)])
    ub_all = np.concatenate([ub, np.ones(m)])
    return _Milp(ids, acts, dev, cover, value, lb_all, ub_all, matrix, np.array(low),
                 np.array(high), np.array(group), has_prereq)


@dataclass(frozen=True)
class _Outcome:
    selected: tuple[str, ...] = ()
    reason: str | None = None  # set when infeasible


def _money(x: float, currency: str) -> str:
    return f"{x:,.0f} {currency}"


def _choose(goals: Sequence[_Need], cat: _Catalog, pins: tuple[str, ...],
            exclusions: tuple[str, ...], options: PlanOptions, info: _ModelInfo) -> _Outcome:
    """Solve one learner profile: the chosen activity ids, or why there is no plan."""
    milp = _formulate(goals, cat, pins, exclusions, options)
    if not milp.cover and not pins:
        what = ", ".join(f"{info.name(g.capability)} at level {g.level}" for g in goals)
        return _Outcome(reason=f"no catalog activity (not excluded) develops {what}")
    x = milp.solve()
    if x is not None and (not milp.cover or x[milp.n:].sum() > 0):
        return _Outcome(selected=tuple(aid for aid, v in zip(milp.ids, x, strict=False)
                                       if v))
    return _Outcome(reason=_diagnose(milp, pins, options, cat.catalog.currency))


_Task = tuple[tuple[_Need, ...], tuple[str, ...], tuple[str, ...]]  # needs, pins, exclusions
_Group = tuple[_Task, list[tuple[Any, list[_Goal]]]]  # a profile and its learners' goals
_Rows = tuple[list[tuple], list[tuple], tuple]  # items, milestones, status
_WORKER: dict[str, Any] = {}


def _plan_group(group: _Group, cat: _Catalog, info: _ModelInfo, options: PlanOptions
                ) -> list[_Rows]:
    """Solve one profile, then lay out the plan of each of its learners.

    Returns per learner (in the group's order) its item rows, milestone rows and
    status row; an infeasible profile gives every learner an ``infeasible`` status.
    """
    (needs, pins, exclusions), members = group
    outcome = _choose(needs, cat, pins, exclusions, options, info)
    if outcome.reason is not None:
        status = ("infeasible", outcome.reason, 0.0, 0.0, np.nan, np.nan, np.nan)
        return [([], [], (learner, *status)) for learner, _ in members]
    currency = cat.catalog.currency
    return [_learner_plan(learner, goals, outcome.selected, pins, cat, info, options, currency)
            for learner, goals in members]


def _init_worker(catalog: Catalog, model: CapabilityModel, options: PlanOptions) -> None:
    """Set up a worker process: catalog lookups, model names and options."""
    _WORKER.update(cat=_Catalog(catalog), info=_ModelInfo(model), options=options)


def _plan_group_in_worker(group: _Group) -> list[_Rows]:
    return _plan_group(group, _WORKER["cat"], _WORKER["info"], _WORKER["options"])


def _plan_chunk_on_dask(chunk: list[_Group], catalog: Catalog, model: CapabilityModel,
                        options: PlanOptions) -> list[list[_Rows]]:
    """_plan_group of each group of ``chunk``, on a Dask worker.

    The catalog and model arrive once per worker (scattered); their lookups are built
    once per worker too and kept while the same objects come back.
    """
    key = (id(catalog), id(model), options)
    if _WORKER.get("dask_key") != key:
        _WORKER.update(dask_key=key, dask_cat=_Catalog(catalog), dask_info=_ModelInfo(model),
                       dask_refs=(catalog, model))
    return [_plan_group(g, _WORKER["dask_cat"], _WORKER["dask_info"], options) for g in chunk]


def _plan_on_dask(groups: list[_Group], cat: _Catalog, info: _ModelInfo,
                  options: PlanOptions) -> list[list[_Rows]]:
    """_plan_group of every group, in order, on the workers of the current Dask client."""
    try:
        from distributed import default_client
    except ImportError:
        raise InputError("executor='dask' needs dask.distributed, which is not installed",
                         hint="pip install 'ldkit[dask]'") from None
    try:
        client = default_client()
    except ValueError:
        raise InputError("executor='dask' found no Dask client in this session",
                         hint="connect one first: from distributed import Client; "
                              "client = Client('scheduler-address') (or "
                              "Client(LocalCluster()) on this machine)") from None
    if not groups:
        return []
    slots = max(1, sum(client.nthreads().values()))
    size = max(1, min(64, len(groups) // (4 * slots)))
    chunks = [groups[i:i + size] for i in range(0, len(groups), size)]
    catalog, model = client.scatter([cat.catalog, info.model], broadcast=True)
    futures = client.map(_plan_chunk_on_dask, chunks, catalog=catalog, model=model,
                         options=options, pure=False)
    return [rows for part in client.gather(futures) for rows in part]


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _plan_all(groups: list[_Group], cat: _Catalog, info: _ModelInfo, options: PlanOptions,
              workers: int, executor: str | None = None) -> list[list[_Rows]]:
    """_plan_group of every group, in order: in this process or in ``workers`` processes.

    Each group goes through the same function with the same options either way, and
    HiGHS is deterministic, so the plans do not depend on ``workers``. Processes are
    started with 'spawn' (a fresh interpreter: no copy of a parent's solver threads);
    if they cannot start or die (e.g. a script without an ``if __name__ ==
    "__main__":`` guard), the groups are planned here instead, with a warning. With
    ``executor="dask"`` they are planned on the current Dask client's workers.
    """
    if executor == "dask":
        return _plan_on_dask(groups, cat, info, options)
    if workers <= 1 or len(groups) <= 1:
        return [_plan_group(g, cat, info, options) for g in groups]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunk = max(1, min(64, len(groups) // (8 * workers)))
    try:
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker,
                                 initargs=(cat.catalog, info.model, options)) as pool:
            return list(pool.map(_plan_group_in_worker, groups, chunksize=chunk))
    except (BrokenProcessPool, OSError) as exc:
        warnings.warn(f"build_plans could not use {workers} worker processes ({exc}); "
                      "planning in this process instead (same plans, slower)",
                      RuntimeWarning, stacklevel=3)
        return [_plan_group(g, cat, info, options) for g in groups]


def _diagnose(milp: _Milp, pins: tuple[str, ...], options: PlanOptions,
              currency: str) -> str:
    """Name the constraint that rules out every plan, by relaxing budget, mix and hours."""
    what = "plan that covers a goal" if milp.cover else "plan"
    with_pins = " with the pinned activities" if pins else ""
    if pins:
        fixed = milp.lb[:milp.n] > 0
        pin_cost = float(sum(a.cost for a, f in zip(milp.acts, fixed, strict=True) if f))
        pin_hours = float(sum(a.hours for a, f in zip(milp.acts, fixed, strict=True) if f))
        if pin_cost > options.cost_per_person:
            return (f"the pinned activities cost {_money(pin_cost, currency)}, above the "
                    f"budget of {_money(options.cost_per_person, currency)} per person "
                    "(cost_per_person)")
        if pin_hours > options.hour_limit:
            return (f"the pinned activities take {pin_hours:.1f} h, above the "
                    f"{options.hour_limit:.1f} h of the horizon (hours)")
    cost = np.array([float(a.cost) for a in milp.acts])
    for size in (1, 2, 3):
        works = [combo for combo in combinations(_GROUPS, size)
                 if milp.solve(combo, need_cover=True) is not None]
        if not works:
            continue
        if size == 1:
            parts = []
            for (group,) in works:
                if group == "budget":
                    x = milp.solve(("budget",), need_cover=True, minimize=cost)
                    need = float(cost @ x[:milp.n]) if x is not None else float("nan")
                    parts.append(
                        f"the budget is too small: the cheapest plan{with_pins} that covers "
                        f"a goal within the mix and hours costs {_money(need, currency)}, "
                        f"above the budget of {_money(options.cost_per_person, currency)} "
                        "per person (cost_per_person)")
                elif group == "hours":
                    parts.append(_hours_reason(milp, options, with_pins))
                else:
                    parts.append(
                        f"the mix cannot be met: no set of eligible activities{with_pins} "
                        "within the budget and hours has the "
                        f"{options.mix_label} mix within +/-{options.mix_tolerance:.0%} "
                        f"(mix, mix_tolerance){_missing_modality(milp, options)}")
            return "; or ".join(parts)
        named = [" and ".join(f"the {g}" for g in combo) for combo in works]
        return (f"no {what}{with_pins} fits the budget, mix and hours "
                f"together; relaxing {' or '.join(named)} would allow one")
    if pins:
        return ("the pinned activities conflict with the exclusions or their "
                "prerequisites")
    return f"no {what} satisfies the prerequisites and exclusions"


def _hours_reason(milp: _Milp, options: PlanOptions, with_pins: str) -> str:
    """Why the hours rule out every plan: the monthly hours, or the weeks of the horizon."""
    hours = np.array([float(a.hours) for a in milp.acts])
    cap = options.max_hours_per_week
    x = milp.solve(("hours",), need_cover=True, minimize=hours + 1e-3 * milp.waits)
    chosen = x[:milp.n] if x is not None else np.zeros(milp.n)
    need = float(hours @ chosen)
    monthly = options.hours_per_month * options.horizon_months
    text = f"the hours are too few: the shortest plan{with_pins} within the budget and mix "
    if need > monthly + 1e-9:
        return (text + f"takes {need:.1f} h, above the {monthly:.1f} h of hours_per_month x "
                f"{options.horizon_months:.1f} months")
    waits = float(milp.waits @ chosen)
    text += f"takes {need:.1f} h"
    if waits:
        text += f" and waits for {waits:.0f} prerequisite{'s' if waits > 1 else ''}"
    return (text + f", which at {cap:g} h a week (max_hours_per_week) does not fit in "
            f"{options.horizon_weeks} weeks (horizon_weeks) with a week kept for the "
            "post-assessment")


def _missing_modality(milp: _Milp, options: PlanOptions) -> str:
    open_ = milp.ub[:milp.n] > 0
    missing = [m for m in MODALITIES
               if options.mix[m] - options.mix_tolerance > 0
               and not any(a.modality == m for a, o in zip(milp.acts, open_, strict=True) if o)]
    if missing:
        return "; the catalog offers no eligible " + " or ".join(missing) + " activity"
    return ""


# -- timeline --------------------------------------------------------------------------


def _monday(options: PlanOptions, week: int) -> date:
    return options.start + timedelta(weeks=week - 1)


def _friday(options: PlanOptions, week: int) -> date:
    return _monday(options, week) + timedelta(days=4)


def _schedule(order: list[Activity], phase_break: int, options: PlanOptions
              ) -> dict[str, tuple[int, int, float, float]]:
    """Place activities one after another on a study-hours clock.

    Returns per activity (start week, due week, start hour, end hour). The clock runs
    at ``max_hours_per_week``; an activity starts once the previous one ends, and not
    before the week after its prerequisites end; from ``phase_break`` on (the
    post-assessment and capstone) the clock jumps to the next week.
    """
    cap = options.max_hours_per_week
    out: dict[str, tuple[int, int, float, float]] = {}
    clock = 0.0
    for i, a in enumerate(order):
        if i == phase_break:
            clock = max(_ceil_to(clock, cap), cap)
        start = clock
        for p in a.prerequisites:
            if p in out:
                start = max(start, _ceil_to(out[p][3], cap))
        end = start + float(a.hours)
        first = math.floor(start / cap + 1e-9) + 1
        last = max(first, math.ceil(end / cap - 1e-9))
        out[a.id] = (first, last, start, end)
        clock = end
    return out


def _ceil_to(t: float, cap: float) -> float:
    return math.ceil(t / cap - 1e-9) * cap


# -- public function -------------------------------------------------------------------


def _id_list(value: Any, name: str, learner: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Sequence | set | frozenset | tuple):
        raise param_error(f"{name}['{learner}']", "build_plans", "a sequence of activity ids",
                          value)
    return tuple(dict.fromkeys(str(v) for v in value))


def _workers(workers: int | None, profiles: int) -> int:
    """Processes to solve ``profiles`` distinct profiles with (1: in this process).

    ``None`` is one per CPU from PARALLEL_FROM profiles on, in a notebook, an
    interactive session or ``python -c``; in a script (a main module with a file) it is
    1, since worker processes re-import the main module and a script without an
    ``if __name__ == "__main__":`` guard would run again in each of them.
    """
    if workers is not None:
        return min(workers, max(profiles, 1))
    script = getattr(sys.modules.get("__main__"), "__file__", None) is not None
    if profiles < PARALLEL_FROM or script:
        return 1
    return min(_cpu_count(), profiles)


def _check_learners(mapping: Any, name: str, learners: set) -> Mapping:
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise param_error(name, "build_plans", "a mapping of learner to value, or None",
                          type(mapping).__name__)
    for learner in mapping:
        if learner not in learners:
            raise InputError(f"{name} names learner '{learner}', who is not in the people "
                             "table", hint="use a person_id of the gap table")
    return mapping


def build_plans(
    people: pd.DataFrame,
    catalog: Catalog,
    model: CapabilityModel,
    *,
    options: PlanOptions | None = None,
    career_goals: Mapping[str, str] | None = None,
    pins: Mapping[str, Sequence[str]] | None = None,
    exclusions: Mapping[str, Sequence[str]] | None = None,
    borich: pd.DataFrame | None = None,
    workers: int | None = None,
    executor: str | None = None,
) -> PlanSet:
    """Build a personalized learning plan for every learner of a gap table.

    Parameters
    ----------
    people : DataFrame
        Per person and capability, as :func:`ldkit.needs.person_gaps` returns it;
        used columns: person_id, capability, required_level, weight, current, gap.
        Not modified.
    catalog : Catalog
        The activities (and program frameworks) plans are built from.
    model : CapabilityModel
        Capability names and scales, and the roles named in ``career_goals``.
    options : PlanOptions, optional
        Budgets, mix and calendar (default ``PlanOptions()``).
    career_goals : mapping, optional
        Learner -> aspiration role id: that role's requirements above the learner's
        current level add goals after the gap goals.
    pins : mapping, optional
        Learner -> activity ids that must be in the plan.
    exclusions : mapping, optional
        Learner -> activity ids that must not be in the plan.
    borich : DataFrame, optional
        The result of :func:`ldkit.needs.borich` with capability ids as ``item``:
        weights goal priorities by the item's MWDS rank.
    workers : int, optional
        Processes that solve the integer programs (1: this process). None, the
        default, is one per CPU from :data:`PARALLEL_FROM` (400) distinct profiles on
        in a notebook, an interactive session or ``python -c``, and 1 otherwise. In
        a script, pass it from under an ``if __name__ == "__main__":`` guard (worker
        processes import the main module); processes that cannot start fall back to
        this one, with a warning. The plans do not depend on it.
    executor : {None, "processes", "dask"}, optional
        Where the integer programs are solved: None or ``"processes"``, in this
        process or ``workers`` worker processes (see ``workers``); ``"dask"``, on the
        workers of the current :mod:`dask.distributed` client (connect one first,
        e.g. ``Client("scheduler-address")``), for organisations that outgrow one
        machine; ``workers`` is then not used. The plans do not depend on it.

    Returns
    -------
    PlanSet
        Goals, items, milestones and one status row per learner (in the order of
        ``people``). A learner without a gap or aspiration is ``"no plan needed"``;
        one whose goals no admissible set of activities can cover is
        ``"infeasible"`` with the constraint named (never an empty plan).

    Raises
    ------
    ldkit.errors.ParameterError
        For an argument of the wrong type (``options`` are checked by PlanOptions),
        ``workers`` below 1, or an unknown ``executor``.
    ldkit.errors.InputError
        If ``people`` lacks a column or repeats a person and capability, or
        ``career_goals``, ``pins`` or ``exclusions`` name an unknown learner, role or
        activity, or an activity both pinned and excluded; with ``executor="dask"``,
        if there is no Dask client to use.

    Notes
    -----
    **Goals.** For each capability with gap = required - current > 0,
    priority = gap x weight x b, where b = 1 without ``borich`` and otherwise
    b = 1 + (n - rank) / (n - 1) for a capability that is an item of the Borich
    table of n items (rank 1, the highest MWDS, gives 2; the last rank gives 1;
    a capability not in the table gives 1). Goals are ranked by priority, then
    capability id, and the first ``max_goals`` kept; the target is the required
    level. With a career goal, each requirement of the aspiration role above the
    learner's current level (not rated: the scale minimum) that is not a gap
    capability adds a goal, ranked the same way (at most ``max_goals``) after the
    gap goals: ``"stretch"`` when the learner's own role requires the capability
    at a lower level, ``"aspiration"`` otherwise; the target is the aspiration level.

    **Activities.** One 0-1 integer program per learner, solved to optimality (see
    Performance). An activity is eligible when it
    develops a goal capability for the learner's current level rounded down (at least
    the scale minimum): ``level_from <= floor(current) <= level_to``. The pre-assessment,
    post-assessment and capstone of a program that covers a goal capability are
    optional extras (pre and post come as a pair); prerequisites of eligible
    activities join as candidates. With x_a = 1 for a chosen activity and priorities
    p_g in units of the learner's smallest priority, it maximizes

        sum_a x_a (sum_{g developed by a} p_g (1 + 0.1 core_a) + 0.25 P_a - t_a)
        + sum_g y_g B (1 + p_g)

    where core_a marks core items (of the activity or of a matching program); P_a is
    the closing value of an assessment or capstone a: for each program that covers a
    goal capability and names a as its pre-assessment, post-assessment or capstone,
    the priorities of the learner's goals in that program's capabilities, plus, for
    an activity of format assessment or capstone, the priority of each goal whose
    capability it suits at the learner's level (such activities develop no goal
    themselves: they enter the objective only through 0.25 P_a, CLOSING_SHARE);
    t_a = 0.001 i / (n + 1) for the i-th of n candidates in id order breaks ties;
    y_g <= sum of x_a over the activities developing goal g marks a covered goal;
    and B = 1 + the sum of |value| of every activity term, so covering one more goal
    (weighted by 1 + p_g) outweighs any choice of activities: a plan covers as many
    goals (by priority) as the constraints allow before it adds value. Subject to:
    sum cost_a x_a <= cost_per_person (budget); sum h_a x_a <= hours_per_month x months and
    sum (h_a + c r_a) x_a <= c (horizon_weeks - 1), with c the weekly cap and
    r_a = 1 for an activity with prerequisites (hours); for each modality m,
    (mix_m - tol) H <= H_m <= (mix_m + tol) H, with H the total hours (mix);
    x_a <= x_p for each prerequisite p of a; pinned x_a = 1, excluded x_a = 0.
    When no plan covers a goal, the budget, mix and hours groups are relaxed one,
    then two, at a time to name the binding one(s); for the budget the cheapest
    covering plan is reported, for the hours the shortest.

    **Timeline.** The pre-assessment milestone falls on Monday of week 1 (with a
    program's pre-assessment, if chosen, first on the clock). Activities run one
    after another in priority order (goal rank, core first, id) on a clock of
    ``max_hours_per_week`` hours per week, each not before the week after its
    prerequisites end: no week exceeds the cap, and an activity of H hours that
    starts a week spans ceil(H / cap) weeks. Items run Monday (start) to Friday
    (due). The post-assessment falls on Monday of the week after the last
    activity, followed by a chosen post-assessment activity and capstone; the
    capstone milestone ends the plan when a capstone is chosen or a program
    applies. Manager check-ins fall every ``checkin_every_weeks`` weeks. The hours
    constraint above guarantees that all of it fits in ``horizon_weeks``: waiting
    for a prerequisite wastes less than one week of hours (counted by r_a), and
    the week before the post-assessment less than one more (the ``- 1``).

    **Performance.** One solve per distinct learner profile: learners whose goals
    have the same capabilities, current levels (rounded down) and priorities up to
    a common factor (the objective is in units of the learner's smallest priority,
    to 9 decimals), and the same pins and exclusions, share it, so sharing never
    changes a plan. Each program is solved by an exact branch and bound in numpy
    (:mod:`ldkit.plans._bnb`: breadth first over the activities, pruned by the
    Lagrangian bound of the program's linear relaxation, solved by HiGHS, and by
    fractional knapsack bounds of the budget and hours rows; it proves the optimum).
    A program too large for it (over 62 candidate activities, or more than 10,000
    open partial plans) goes to HiGHS's MIP solver directly, through the bindings
    scipy ships (one solver object per process, options set once; without them,
    through :func:`scipy.optimize.milp`), with the optimum proven too (``mip_rel_gap``
    0; HiGHS runs without its feasibility-jump and sub-MIP heuristics, symmetry
    detection and strong branching, which on such programs cost more than they save).
    Where two plans tie exactly, either may come back. On a 300-activity catalog a
    solve takes some 3-5 ms (one core), against 10-15 ms with HiGHS's MIP solver and
    30 ms with scipy's ``milp`` and HiGHS's default search (``benchmarks/plans_scale.py``
    checks that all give the same optimum on 300 profiles). With ``workers`` above 1,
    profiles are solved and their learners' plans laid out in that many processes;
    every profile goes through the same function with the same options, so the plans
    do not depend on ``workers``; with ``executor="dask"`` the profiles go to the Dask
    workers in chunks, the catalog and model sent to each worker once. Seat capacities
    of the catalog are not allocated here.

    References
    ----------
    .. [1] Lombardo, M. M., & Eichinger, R. W. (1996). The career architect
           development planner. Lominger. (the 70-20-10 heuristic)
    .. [2] Borich, G. D. (1980). A needs assessment model for conducting follow-up
           studies. Journal of Teacher Education, 31(3), 39-42.
    .. [3] Huangfu, Q., & Hall, J. A. J. (2018). Parallelizing the dual revised
           simplex method. Mathematical Programming Computation, 10(1), 119-142.
           (HiGHS, the solver behind scipy.optimize.milp)

    Examples
    --------
    >>> import pandas as pd
    >>> from ldkit.capability import starter
    >>> from ldkit.plans.catalog import Activity, Catalog
    >>> model = starter("pharma-commercial")
    >>> catalog = Catalog((
    ...     Activity("ap-stretch", "Lead an account plan", ("account_planning",), 1, 3,
    ...              "experiential", "stretch assignment", 14, core=True),
    ...     Activity("ap-coach", "Coaching on account plans", ("account_planning",), 1, 3,
    ...              "social", "coaching", 4, cost=300),
    ...     Activity("ap-course", "Account planning essentials", ("account_planning",), 1, 2,
    ...              "formal", "e-learning course", 2, cost=150),
    ... ))
    >>> people = pd.DataFrame({"person_id": ["p1"], "capability": ["account_planning"],
    ...                        "required_level": [4], "weight": [3.0], "current": [2.5],
    ...                        "gap": [1.5]})
    >>> plans = build_plans(people, catalog, model)
    >>> plans.items[["activity", "modality", "hours", "start", "due"]]
         activity      modality  hours      start        due
    0  ap-stretch  experiential   14.0 2026-01-05 2026-01-30
    1    ap-coach        social    4.0 2026-01-26 2026-02-06
    2   ap-course        formal    2.0 2026-02-02 2026-02-06
    >>> plans.status[["status", "hours", "cost", "mix_experiential"]]
        status  hours   cost  mix_experiential
    0  planned   20.0  450.0               0.7
    """
    func = "build_plans"
    options = PlanOptions() if options is None else options
    if not isinstance(options, PlanOptions):
        raise param_error("options", func, "a PlanOptions or None", type(options).__name__)
    if not isinstance(people, pd.DataFrame):
        raise param_error("people", func, "a DataFrame", type(people).__name__)
    if not isinstance(catalog, Catalog):
        raise param_error("catalog", func, "a Catalog", type(catalog).__name__)
    if workers is not None:
        check_number("workers", workers, func=func, low=1, integer=True)
    if executor not in (None, "processes", "dask"):
        raise param_error("executor", func, "None, 'processes' or 'dask'", executor)
    for col in ("person_id", "capability", "required_level", "weight", "current", "gap"):
        if col not in people.columns:
            raise InputError(f"the people table has no column '{col}'",
                             hint="pass the result of ldkit.needs.person_gaps()")
    rows = people[people["person_id"].notna()]
    dup = rows.duplicated(["person_id", "capability"])
    if dup.any():
        first = rows[dup].iloc[0]
        raise InputError(f"the people table has person '{first.person_id}' and capability "
                         f"'{first.capability}' more than once")
    learners = list(pd.unique(rows["person_id"]))
    known = set(learners)
    career = _check_learners(career_goals, "career_goals", known)
    pinned = _check_learners(pins, "pins", known)
    excluded = _check_learners(exclusions, "exclusions", known)
    cat = _Catalog(catalog)
    info = _ModelInfo(model)
    factors = _borich_factors(borich)

    roles: dict[Any, Any] = {}
    for learner, role_id in career.items():
        if role_id is None:
            continue
        try:
            roles[learner] = model.role(role_id)  # an id, or failing that a name
        except ParameterError:
            raise InputError(f"career_goals gives learner '{learner}' the role '{role_id}', "
                             "which is not a role of the model",
                             hint=f"use one of {', '.join(model.role_ids)}") from None
    pin_ids: dict[Any, tuple[str, ...]] = {}
    excl_ids: dict[Any, tuple[str, ...]] = {}
    for name, mapping, store in (("pins", pinned, pin_ids), ("exclusions", excluded, excl_ids)):
        for learner, value in mapping.items():
            ids = _id_list(value, name, learner)
            for aid in ids:
                if aid not in cat.by_id:
                    raise InputError(f"{name} for learner '{learner}' names activity '{aid}', "
                                     "which is not in the catalog",
                                     hint="use an id from Catalog.ids")
            store[learner] = tuple(sorted(ids))
    for learner, ids in pin_ids.items():
        both = sorted(set(ids) & set(excl_ids.get(learner, ())))
        if both:
            raise InputError(f"activity '{both[0]}' is both pinned and excluded for learner "
                             f"'{learner}'")

    groups = rows.groupby("person_id", sort=False).indices
    all_caps = np.asarray(rows["capability"].astype(object))
    columns = {c: pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype="float64")
               for c in ("current", "gap", "required_level", "weight")}
    goal_rows: list[tuple] = []
    item_rows: list[tuple] = []
    milestone_rows: list[tuple] = []
    status_rows: list[tuple] = []
    # goals of every learner, and the learners of each distinct profile
    index_of: dict[_Task, int] = {}
    work: list[_Group] = []
    placed: list[tuple] = []  # per learner: its status row, or (None, group, position)
    for learner in learners:
        at = groups[learner]
        current = columns["current"][at]
        goals = _learner_goals(all_caps[at].tolist(), current, columns["gap"][at],
                               columns["required_level"][at], columns["weight"][at],
                               roles.get(learner), info, factors, options.max_goals)
        lpins = pin_ids.get(learner, ())
        goal_rows.extend((learner, g.rank, g.capability, g.current, g.target, g.gap,
                          g.weight, g.priority, g.source) for g in goals)
        if not goals and not lpins:
            unrated = int(np.isnan(current).sum())
            reason = "no capability below the required level"
            if unrated:
                reason += f" ({unrated} not rated)"
            if learner in roles:
                reason += f" and none below the aspiration role {roles[learner].name}"
            placed.append((learner, "no plan needed", reason, 0.0, 0.0,
                           np.nan, np.nan, np.nan))
            continue
        task = (_needs(goals), lpins, excl_ids.get(learner, ()))
        k = index_of.setdefault(task, len(work))
        if k == len(work):
            work.append((task, []))
        placed.append((None, k, len(work[k][1])))
        work[k][1].append((learner, goals))
    done = _plan_all(work, cat, info, options, _workers(workers, len(work)), executor)
    for entry in placed:
        if entry[0] is not None:
            status_rows.append(entry)
            continue
        items, milestones, status = done[entry[1]][entry[2]]
        item_rows.extend(items)
        milestone_rows.extend(milestones)
        status_rows.append(status)

    return PlanSet(
        goals=_frame(goal_rows, GOAL_COLUMNS, {"rank": "int64", "current": "float64",
                                               "target": "int64", "gap": "float64",
                                               "weight": "float64", "priority": "float64"}),
        items=_frame(item_rows, ITEM_COLUMNS, {"goal_rank": "Int64", "start": "datetime64[s]",
                                               "due": "datetime64[s]", "hours": "float64",
                                               "cost": "float64"}),
        milestones=_frame(milestone_rows, MILESTONE_COLUMNS, {"date": "datetime64[s]"}),
        status=_frame(status_rows, STATUS_COLUMNS, {
            "hours": "float64", "cost": "float64", "mix_experiential": "float64",
            "mix_social": "float64", "mix_formal": "float64"}),
        options=options,
    )


def _frame(rows: list[tuple], columns: list[str], dtypes: Mapping[str, str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for col, dtype in dtypes.items():
        if dtype.startswith("datetime"):
            df[col] = pd.to_datetime(df[col]).astype(dtype)
        else:
            df[col] = df[col].astype(dtype)
    return df


def _learner_plan(learner: Any, goals: list[_Goal], selected: tuple[str, ...],
                  pins: tuple[str, ...], cat: _Catalog, info: _ModelInfo,
                  options: PlanOptions, currency: str) -> tuple[list, list, tuple]:
    """Items (with reasons), milestones and the status row of one planned learner."""
    acts = [cat.by_id[aid] for aid in selected]
    chosen = set(selected)
    caps = {g.capability for g in goals}
    programs = cat.matching_programs(caps)
    core_ids = {aid for p in programs for aid in p.core}
    role_of: dict[str, list[tuple[str, Any]]] = {}
    for p in programs:
        for kind, aid in (("pre-assessment", p.pre_assessment),
                          ("post-assessment", p.post_assessment), ("capstone", p.capstone)):
            if aid in chosen:
                role_of.setdefault(aid, []).append((kind, p))

    def phase(a: Activity) -> str:
        kinds = [k for k, _ in role_of.get(a.id, [])]
        if "pre-assessment" in kinds:
            return "pre"
        if "capstone" in kinds or a.format == "capstone":
            return "capstone"
        if "post-assessment" in kinds or a.format == "assessment":
            return "post"
        return "develop"

    develops = {a.id: [g for g in goals if a.format not in _CLOSING_FORMATS
                       and a.suits(g.capability, g.level)] for a in acts}
    dependents: dict[str, list[Activity]] = {}
    for a in acts:
        for p in a.prerequisites:
            if p in chosen:
                dependents.setdefault(p, []).append(a)

    def first_goal(a: Activity, seen: frozenset = frozenset()) -> _Goal | None:
        if develops[a.id]:
            return develops[a.id][0]
        for _, p in role_of.get(a.id, []):
            matched = [g for g in goals if g.capability in p.capabilities]
            if matched:
                return matched[0]
        ranked = [g for d in dependents.get(a.id, []) if d.id not in seen
                  for g in [first_goal(d, seen | {a.id})] if g is not None]
        return min(ranked, key=lambda g: g.rank) if ranked else None

    goal_of = {a.id: first_goal(a) for a in acts}

    def sort_key(a: Activity) -> tuple:
        g = goal_of[a.id]
        return (g.rank if g else len(goals) + 1, not (a.core or a.id in core_ids), a.id)

    by_phase: dict[str, list[Activity]] = {"pre": [], "develop": [], "post": [],
                                           "capstone": []}
    for a in sorted(acts, key=sort_key):
        by_phase[phase(a)].append(a)
    order: list[Activity] = list(by_phase["pre"])
    placed = {a.id for a in order}

    def place(a: Activity, stack: frozenset = frozenset()) -> None:
        if a.id in placed or a.id in stack:
            return
        for p in a.prerequisites:  # prerequisites first
            if p in chosen and phase(cat.by_id[p]) == "develop":
                place(cat.by_id[p], stack | {a.id})
        placed.add(a.id)
        order.append(a)

    for a in by_phase["develop"]:
        place(a)
    phase_break = len(order)
    order.extend(by_phase["post"])
    order.extend(by_phase["capstone"])
    spans = _schedule(order, phase_break, options)

    items = []
    for a in order:
        first, last, _, _ = spans[a.id]
        g = goal_of[a.id]
        capability = g.capability if g else (a.capabilities[0] if a.capabilities else "")
        items.append((learner, g.rank if g else pd.NA, capability, a.id, a.title, a.modality,
                      a.format, _monday(options, first), _friday(options, last),
                      float(a.hours), float(a.cost),
                      _reason(a, develops[a.id], role_of.get(a.id, []), dependents.get(a.id, []),
                              a.id in pins, a.core or a.id in core_ids, info, options)))

    # milestones
    names = ", ".join(info.name(g.capability) for g in goals) or "the pinned activities"
    milestones = []
    pre = by_phase["pre"]
    milestones.append((learner, options.start, "pre-assessment",
                       "; ".join(a.title for a in pre) if pre
                       else f"baseline self and manager rating: {names}"))
    last_dev = max((spans[a.id][1] for a in order[:phase_break]), default=1)
    post_week = max(last_dev + 1, 2)
    post = by_phase["post"]
    progress = (f"goal{'s' if len(goals) > 1 else ''} "
                + ", ".join(str(g.rank) for g in goals)) if goals else "the pinned activities"
    for week in range(1 + options.checkin_every_weeks, options.horizon_weeks + 1,
                      options.checkin_every_weeks):
        milestones.append((learner, _monday(options, week), "manager check-in",
                           f"week {week}: review progress on {progress} with the manager"))
    milestones.append((learner, _monday(options, post_week), "post-assessment",
                       "; ".join(a.title for a in post) if post
                       else f"self and manager re-rating: {names}"))
    caps_done = by_phase["capstone"]
    if caps_done:
        end = max(spans[a.id][1] for a in caps_done)
        milestones.append((learner, _friday(options, end), "capstone", caps_done[-1].title))
    elif programs:
        end = max([post_week, *(spans[a.id][1] for a in post)])
        milestones.append((learner, _friday(options, end), "capstone",
                           f"{programs[0].title}: review the applied work with the manager"))
    kind_order = {k: i for i, k in enumerate(MILESTONE_KINDS)}
    milestones.sort(key=lambda m: (m[1], kind_order[m[2]]))

    hours = float(sum(a.hours for a in acts))
    cost = float(sum(a.cost for a in acts))
    shares = [float(sum(a.hours for a in acts if a.modality == m)) / hours if hours else np.nan
              for m in MODALITIES]
    covered = {g.rank for gs in develops.values() for g in gs}
    reason = (f"{len(goals)} goal{'s' if len(goals) != 1 else ''}, {len(acts)} activities; "
              f"{hours:.1f} of {options.hour_limit:.1f} h, {_money(cost, currency)} of "
              f"{_money(options.cost_per_person, currency)}")
    missed = [g for g in goals if g.rank not in covered]
    for g in missed:
        offered = any(a.format not in _CLOSING_FORMATS and a.suits(g.capability, g.level)
                      for a in cat.by_capability.get(g.capability, []))
        why = ("not covered within the budget, hours and mix" if offered
               else f"no catalog activity develops it at level {g.level}")
        reason += f"; goal {g.rank} ({info.name(g.capability)}) {why}"
    status = (learner, "planned", reason, hours, cost, *shares)
    return items, milestones, status


def _reason(a: Activity, goals: list[_Goal], roles: list[tuple[str, Any]],
            dependents: list[Activity], pinned: bool, core: bool, info: _ModelInfo,
            options: PlanOptions) -> str:
    parts = []
    for i, g in enumerate(goals):
        where = f"goal {g.rank}"
        if g.source != "gap":
            where += f", {g.source} toward {g.role}"
        where += f", gap {g.gap:.1f} levels"
        if not g.rated:
            where += ", current not rated"
        parts.append(f"{'develops' if i == 0 else 'also develops'} {info.name(g.capability)} "
                     f"({where}) at level {g.level}")
    for kind, program in roles:
        parts.append(f"{kind} of the program {program.title}")
    if not roles and a.format in _CLOSING_FORMATS and a.capabilities:
        parts.append(f"{a.format} of " + ", ".join(info.name(c) for c in a.capabilities))
    if dependents:
        parts.append("prerequisite of " + ", ".join(d.title for d in dependents))
    if pinned:
        parts.append("pinned")
    if core:
        parts.append("core item")
    parts.append(f"{a.modality} toward the {options.mix_label} mix")
    return "; ".join(parts)
