"""The work of the engagement notebook ``5-strategy-tracking``.

:func:`strategy_step` reads the strategy (goals, portfolio, RACI), the LMS
export and the time tracking named in ``engagement.yaml``, matches the
actuals to the programs (every excluded row counted with a reason), builds
the review pack at the review month, and writes:

- tables ``data/processed/strategy/*.csv`` (register, portfolio, milestones,
  alignment, tracking, status, changes, review_milestones, actions, raci,
  raci_check, counts, exclusions, and the pseudonymous completions and
  hours), ``findings.json`` and ``review.json``;
- figures ``data/processed/strategy/figures/strategy-burnup.png``,
  ``strategy-rag-grid.png`` and ``strategy-alignment.png``;
- the monthly report, ``deliverables/<engagement>-monthly-report-<YYYY-MM>``
  as HTML, workbook (with the register, portfolio and variances sheets) and
  deck.

An empty ``strategy`` input means the phase is not in scope: the step
writes nothing and returns a result with ``in_scope`` False.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from pydantic import Field, field_validator

from ldkit.engagement.outputs import phase_step
from ldkit.engagement.params import PhaseParams, save_figure
from ldkit.errors import InputError, Location

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.strategy.actuals import Actuals
    from ldkit.strategy.portfolio import Strategy
    from ldkit.strategy.review import ReviewPack

__all__ = ["StrategyParams", "StrategyStepResult", "parse_as_of", "strategy_step"]

_AS_OF = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


class StrategyParams(PhaseParams):
    """Parameters of ``5-strategy-tracking``."""

    strategy: str = ""
    lms_completions: str = ""
    time_tracking: str = ""
    lms_layout: Literal["auto", "generic", "moodle", "successfactors"] = "auto"
    lms_course: str = ""  # the course of a per-course export (Moodle completion, gradebook)
    lms_dayfirst: bool | None = None  # numeric dates day first (True) or month first (False)
    roster: str = ""
    as_of: str = ""
    review_every: Literal["monthly", "fortnightly"] = "monthly"
    currency: str = "EUR"
    deliverables: list[str] = Field(default_factory=lambda: ["html", "xlsx", "pptx"])

    @field_validator("as_of")
    @classmethod
    def _month(cls, value: str) -> str:
        if value and not _AS_OF.match(value.strip()):
            raise ValueError("as_of must be a month YYYY-MM (or a date YYYY-MM-DD), or ''")
        return value.strip()

    @field_validator("deliverables")
    @classmethod
    def _kinds(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in ("html", "xlsx", "pptx")]
        if unknown:
            raise ValueError(f"unknown deliverable {unknown[0]!r}; use html, xlsx, pptx")
        return value


@dataclass(frozen=True)
class StrategyStepResult:
    """What the strategy step produced (``in_scope`` False: nothing, the phase is out of scope)."""

    in_scope: bool
    strategy: Strategy | None = None
    actuals: Actuals | None = None
    pack: ReviewPack | None = None
    month: str = ""
    tables: dict[str, Path] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)
    deliverables: dict[str, Path] = field(default_factory=dict)

    def key_numbers(self) -> dict[str, Any]:
        """The numbers the notebook records (JSON scalars and lists); {} out of scope."""
        if not self.in_scope or self.pack is None or self.strategy is None:
            return {}
        pack = self.pack
        counts = pack.status_counts()
        live = pack.status[pack.status["forecast_share"].notna()]
        expected = float(live["expected_participants"].sum())
        capped = (live["forecast_completions"].clip(upper=live["expected_participants"]).sum()
                  if len(live) else 0.0)
        failing = pack.smart.loc[~pack.smart["smart"].astype(bool), "goal"].tolist()
        return {
            "review_month": self.month,
            "programs": len(self.strategy.programs),
            "programs_green": counts["green"],
            "programs_amber": counts["amber"],
            "programs_red": counts["red"],
            "programs_not_started": counts["not started"],
            "off_track": pack.off_track["program"].tolist(),
            "goals": len(self.strategy.goals),
            "goals_failing_smart": len(failing),
            "goals_not_smart": failing,
            "completion_forecast": round(float(capped), 1),
            "completion_forecast_share": round(float(capped) / expected, 4) if expected else None,
            "actions": len(pack.actions),
            "raci_problems": len(pack.raci_problems),
            "actuals_rows_excluded": int(pack.counts.loc[
                pack.counts["count"].str.startswith("excluded"), "n"].sum())
            if len(pack.counts) else 0,
        }


def parse_as_of(value: str, *, latest: date | None) -> date:
    """The review date: the end of month ``YYYY-MM``, a date ``YYYY-MM-DD``, or for ""
    the end of the month of ``latest`` (the latest date in the actuals).

    Examples
    --------
    >>> parse_as_of("2026-02", latest=None), parse_as_of("", latest=date(2026, 5, 3))
    (datetime.date(2026, 2, 28), datetime.date(2026, 5, 31))
    """
    from ldkit.strategy.tracking import month_end

    text = value.strip()
    if not text:
        if latest is None:
            raise InputError("as_of is empty and there are no actuals to take the review "
                             "month from", hint="set as_of to the review month, e.g. 2026-06")
        return month_end(pd.Period(latest, freq="M"))
    if not _AS_OF.match(text):
        raise InputError(f"as_of {value!r} is not a month", hint="write YYYY-MM, e.g. 2026-06")
    try:
        if len(text) == 7:
            return month_end(pd.Period(text, freq="M"))
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"as_of {value!r} is not a valid month or date",
                         hint="write YYYY-MM, e.g. 2026-06") from exc


def _read_roster(path: Path) -> list[str]:
    from ldkit.tables import read_table

    frame = read_table(path)
    wanted = ("learner_id", "learner", "user_id", "employee_id", "id")
    by_norm = {re.sub(r"[^a-z0-9]", "", c.casefold()): c for c in frame.columns}
    column = next((by_norm[re.sub(r"[^a-z0-9]", "", w)] for w in wanted
                   if re.sub(r"[^a-z0-9]", "", w) in by_norm), None)
    if column is None:
        if frame.columns.empty:
            raise InputError("has no columns", location=Location(file=str(path), row=1))
        column = frame.columns[0]
    return [v.strip() for v in frame[column] if v.strip()]


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    from ldkit.io import atomic_write_csv

    return atomic_write_csv(frame, path)


@phase_step("strategy")
def strategy_step(p: StrategyParams) -> StrategyStepResult:
    """Read, match, track and review; write tables, figures and the monthly report.

    See the module docstring for what is written. Out of scope (``strategy``
    is ""): nothing is written, ``in_scope`` is False.
    """
    if not p.strategy:
        return StrategyStepResult(in_scope=False)
    from ldkit.engagement.summary import render_deliverables
    from ldkit.io import atomic_write_text
    from ldkit.strategy import plots
    from ldkit.strategy.actuals import (
        latest_date,
        match_actuals,
        read_lms_export,
        read_time_tracking,
    )
    from ldkit.strategy.io import read_strategy
    from ldkit.strategy.report import monthly_report
    from ldkit.strategy.review import review_pack
    from ldkit.survey.pseudonym import find_secret

    strategy_file = p.path(p.strategy)
    strategy = read_strategy(strategy_file)
    if strategy.currency != p.currency:
        raise InputError(f"the strategy's currency {strategy.currency} is not the "
                         f"engagement's {p.currency}",
                         location=Location(file=str(strategy_file), field="currency"),
                         hint=f"write 'currency: {p.currency}' in the strategy (amounts in "
                              f"{p.currency}) or change the engagement's currency")
    lms = (read_lms_export(p.path(p.lms_completions), layout=p.lms_layout,
                           course=p.lms_course or None, dayfirst=p.lms_dayfirst)
           if p.lms_completions else None)
    time = read_time_tracking(p.path(p.time_tracking)) if p.time_tracking else None
    roster = _read_roster(p.path(p.roster)) if p.roster else None
    as_of = parse_as_of(p.as_of, latest=latest_date(lms, time))
    month = str(pd.Period(as_of, freq="M"))
    secret = find_secret(near=p.root) if (lms is not None or time is not None) else None
    actuals = match_actuals(strategy, lms, time, as_of=as_of, secret=secret, learners=roster)
    pack = review_pack(strategy, actuals, as_of=as_of, every=p.review_every,
                       min_group_size=p.min_group_size)

    out = p.out
    raci_table = pd.DataFrame(columns=["activity"])
    if strategy.raci is not None:
        raci_table = strategy.raci.table(labels=False)
        raci_table["activity"] = raci_table["activity"].map(
            lambda a: strategy.raci.activity_names.get(a, a))
    raci_check = pack.raci_problems.assign(activity=pack.raci_problems["activity"].map(
        lambda a: strategy.raci.activity_names.get(a, a) if strategy.raci else a))
    from ldkit.strategy.portfolio import milestone_table

    frames = {
        "register": strategy.register(), "portfolio": strategy.portfolio(),
        "milestones": milestone_table(strategy.programs), "alignment": strategy.alignment(),
        "tracking": pack.tracking, "status": pack.status, "changes": pack.changes,
        "review_milestones": pack.milestones, "actions": pack.actions, "raci": raci_table,
        "raci_check": raci_check, "counts": actuals.counts,
        "exclusions": actuals.exclusions.assign(file=actuals.exclusions["file"].map(p.shown)),
        "completions": actuals.completions, "hours": actuals.hours,
    }
    tables = {name: _write_csv(frame, out / f"{name}.csv") for name, frame in frames.items()}
    roles = dict(strategy.raci.role_names) if strategy.raci is not None else {}
    meta = {"as_of": as_of.isoformat(), "month": month, "previous": pack.previous.isoformat(),
            "next": pack.next.isoformat(), "every": p.review_every,
            "currency": strategy.currency, "roles": roles}
    tables["review"] = atomic_write_text(out / "review.json", json.dumps(meta, indent=2))
    tables["findings"] = atomic_write_text(out / "findings.json",
                                           json.dumps(list(pack.findings), indent=2))
    names = {pr.id: pr.title for pr in strategy.programs}
    figs = {
        "strategy-burnup": plots.plot_burnup(pack.tracking, pack.status, names=names),
        "strategy-rag-grid": plots.plot_rag_grid(pack.tracking, names=names),
        "strategy-alignment": plots.plot_alignment_tree(strategy, pack.smart, pack.status),
    }
    figures = {k: save_figure(f, p.figures / f"{k}.png") for k, f in figs.items()}
    stem = f"{p.root.name}-monthly-report-{month}"
    folder = p.deliverables_dir
    written: dict[str, Path] = {}
    compact = [k for k in p.deliverables if k != "xlsx"]
    common = {"client": p.client, "currency": strategy.currency,
              "min_group_size": p.min_group_size, "folder": out}
    if compact:
        written.update(render_deliverables(monthly_report(p.root, **common), folder,
                                           kinds=compact, stem=stem))
    if "xlsx" in p.deliverables:
        written.update(render_deliverables(monthly_report(p.root, full=True, **common), folder,
                                           kinds=["xlsx"], stem=stem))
    return StrategyStepResult(True, strategy, actuals, pack, month, tables, figures, written)
