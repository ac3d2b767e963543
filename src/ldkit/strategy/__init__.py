"""Learning strategy and operations: goals, portfolio, plan against actual, reviews, RACI.

What a consultant running a client's learning operations keeps and reports
every month::

    STRATEGY.yaml ──read_strategy──> Strategy (goals, programs, RACI)
                                        │ register() + smart_check: which goal is not SMART, why
    LMS export ──read_lms_export──┐     │
    time tracking ─read_time_tracking─> match_actuals ──> Actuals (+ every exclusion, counted)
                                        │
                          plan_vs_actual / program_status: variances, red/amber/green, forecast
                                        │
                          review_pack: changes since the last review, off track, actions
                                        │
                          plots (burn-up, RAG grid, alignment tree), monthly report

Modules: :mod:`~ldkit.strategy.goals` (register, SMART check),
:mod:`~ldkit.strategy.portfolio` (programs, the plan over time, Strategy),
:mod:`~ldkit.strategy.actuals` (LMS layouts: generic, Moodle, SuccessFactors;
time tracking; matching), :mod:`~ldkit.strategy.tracking` (plan against
actual, RAG thresholds, forecast), :mod:`~ldkit.strategy.review`,
:mod:`~ldkit.strategy.raci`, :mod:`~ldkit.strategy.io` (the STRATEGY.yaml
layout), :mod:`~ldkit.strategy.plots`, :mod:`~ldkit.strategy.report`,
:mod:`~ldkit.strategy.step` (notebook ``5-strategy-tracking``) and
:mod:`~ldkit.strategy.demo` (Demo Bio's year of synthetic plan and actuals).

Examples
--------
>>> import tempfile
>>> from datetime import date
>>> from ldkit.strategy import (read_strategy, read_lms_export, read_time_tracking,
...                             match_actuals, review_pack, write_demo_strategy)
>>> paths = write_demo_strategy(tempfile.mkdtemp())
>>> strategy = read_strategy(paths["strategy"])
>>> lms = read_lms_export(paths["lms_completions"])
>>> time = read_time_tracking(paths["time_tracking"])
>>> actuals = match_actuals(strategy, lms, time, as_of=date(2026, 12, 31))
>>> pack = review_pack(strategy, actuals, as_of=date(2026, 12, 31))
>>> pack.status_counts()
{'green': 3, 'amber': 1, 'red': 1, 'not started': 0}
>>> pack.status.set_index("program").loc["kam-excellence", "reasons"]
'completions 41% behind plan; spend 32% above plan; application 15 points below expected'
"""

from __future__ import annotations

from ldkit.strategy.actuals import (
    LMS_COLUMNS,
    LMS_LAYOUTS,
    TIME_COLUMNS,
    Actuals,
    LmsExport,
    TimeExport,
    detect_lms_layout,
    latest_date,
    match_actuals,
    read_lms_export,
    read_time_tracking,
)
from ldkit.strategy.demo import write_demo_strategy
from ldkit.strategy.goals import SMART_CRITERIA, Goal, alignment_table, goal_register, smart_check
from ldkit.strategy.io import read_strategy, strategy_from_dict
from ldkit.strategy.portfolio import (
    Milestone,
    Program,
    Strategy,
    milestone_table,
    plan_at,
    portfolio_table,
)
from ldkit.strategy.raci import ACTIVITIES, Raci, check_raci, default_raci
from ldkit.strategy.review import ReviewPack, review_pack
from ldkit.strategy.tracking import (
    APPLICATION_AMBER,
    APPLICATION_RED,
    COMPLETION_AMBER,
    COMPLETION_RED,
    FORECAST_MONTHS,
    SPEND_AMBER,
    SPEND_RED,
    forecast_completions,
    plan_vs_actual,
    program_status,
    rag_status,
)

__all__ = [
    "ACTIVITIES",
    "APPLICATION_AMBER",
    "APPLICATION_RED",
    "COMPLETION_AMBER",
    "COMPLETION_RED",
    "FORECAST_MONTHS",
    "LMS_COLUMNS",
    "LMS_LAYOUTS",
    "SMART_CRITERIA",
    "SPEND_AMBER",
    "SPEND_RED",
    "TIME_COLUMNS",
    "Actuals",
    "Goal",
    "LmsExport",
    "Milestone",
    "Program",
    "Raci",
    "ReviewPack",
    "Strategy",
    "TimeExport",
    "alignment_table",
    "check_raci",
    "default_raci",
    "detect_lms_layout",
    "forecast_completions",
    "goal_register",
    "latest_date",
    "match_actuals",
    "milestone_table",
    "plan_at",
    "plan_vs_actual",
    "portfolio_table",
    "program_status",
    "rag_status",
    "read_lms_export",
    "read_strategy",
    "read_time_tracking",
    "review_pack",
    "smart_check",
    "strategy_from_dict",
    "write_demo_strategy",
]
