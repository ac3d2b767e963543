"""Strategy deliverables: the monthly report, and the strategy section of the engagement report.

:func:`monthly_report` turns the processed strategy tables (as written by
:func:`ldkit.strategy.step.strategy_step` under ``data/processed/strategy``)
into a :class:`ldkit.deliverables.Report`: status at a glance with the RAG
grid, what changed since the last review, programs off track and actions,
plan against actual with the burn-up, variances, the goal register with
its SMART check and the alignment tree, the portfolio, the RACI of the
learning function, and the accounting of the actuals. With ``full=True``
(the workbook) it adds the variances of every month.

:func:`strategy_sections` gives the main engagement report its findings and
one short section (status and the register with SMART status, RAG grid);
``([], [])`` when the strategy phase wrote nothing.

Only aggregates reach a deliverable: counts of learners per program, never
an id; an application rate of fewer respondents than the minimum group
size is blank.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.deliverables import Figure, Report, Section

__all__ = ["FIGURES", "TABLES", "display_tables", "monthly_report", "read_tables",
           "strategy_sections"]

TABLES = ("register", "portfolio", "milestones", "alignment", "tracking", "status", "changes",
          "review_milestones", "actions", "raci", "raci_check", "counts", "exclusions")
"""The CSV tables of ``data/processed/strategy`` (stems)."""
FIGURES = {
    "strategy-rag-grid": ("Status by program and month",
                          "Each cell is a program's status at the end of the month: green on "
                          "plan, amber or red off plan (thresholds in the method note)."),
    "strategy-burnup": ("Plan against actual: completions",
                        "Dashed: plan to date (linear). Solid: actual completions. Dotted: "
                        "forecast to the due date at the run rate of the last three months."),
    "strategy-alignment": ("Goal alignment",
                           "Organizational goals, the learning goals aligned to them and the "
                           "programs that serve them; red border: the goal fails the SMART "
                           "check."),
}
METHOD = (
    "Plan: each program is phased linearly from its start to its due date (completions, "
    "hours and spend); enrolment is planned over the first half of the window.",
    "Status: red, amber or green is the worst of three signals. Green when completions are "
    "within 10% of plan to date, spend within 10% of plan to date and the application rate "
    "within 10 points of the expected rate; amber up to 25% (20 points); red beyond.",
    "Forecast: completions to date plus the run rate of the last three months times the "
    "months left to the due date.",
)


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The strategy tables written under ``folder`` (empty frames for missing ones)."""
    out = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        out[name] = (pd.read_csv(path, keep_default_na=False, na_values=[""])
                     if path.exists() else pd.DataFrame())
    return out


def _titles(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    portfolio = tables.get("portfolio", pd.DataFrame())
    if portfolio.empty:
        return {}
    return dict(zip(portfolio["program"], portfolio["title"], strict=True))


def display_tables(tables: Mapping[str, pd.DataFrame], *, currency: str = "EUR",
                   names: Mapping[str, str] | None = None) -> dict[str, tuple[pd.DataFrame,
                                                                            dict[str, str]]]:
    """Client-ready versions of the strategy tables: readable headers and number formats.

    Returns ``{name: (frame, number_formats)}`` for status, changes, review_milestones,
    actions, variances (the review month), variances_all (every month), register,
    portfolio, raci, raci_check and counts (those with data).
    """
    titles = _titles(tables)
    role_names = dict(names or {})
    out: dict[str, tuple[pd.DataFrame, dict[str, str]]] = {}
    money = f"({currency})"

    def title(pid: object) -> str:
        return titles.get(str(pid), str(pid))

    status = tables.get("status", pd.DataFrame())
    if not status.empty:
        frame = pd.DataFrame({
            "program": status["program"].map(title), "status": status["status"],
            "completions vs plan": _pct(status["completion_variance"]),
            "spend vs plan": _pct(status["spend_variance"]),
            "application rate": status["application_rate"],
            "forecast at due": status["forecast_completions"].round(0),
            "expected": status["expected_participants"].astype(int),
            "due": status["due"], "reasons": _txt(status["reasons"]),
        })
        out["status"] = (frame, {"completions vs plan": "0%", "spend vs plan": "0%",
                                 "application rate": "0%", "forecast at due": "0"})
    changes = tables.get("changes", pd.DataFrame())
    if not changes.empty:
        frame = pd.DataFrame({
            "program": changes["program"].map(title),
            "new enrolments": changes["new_enrolments"].astype(int),
            "new completions": changes["new_completions"].astype(int),
            "hours": changes["hours"], f"spend {money}": changes["spend"],
            "status before": changes["status_before"], "status now": changes["status_now"],
            "change": changes["change"],
        })
        out["changes"] = (frame, {"hours": "#,##0.0", f"spend {money}": "#,##0"})
    ms = tables.get("review_milestones", pd.DataFrame())
    if not ms.empty:
        frame = _blank(ms.assign(program=ms["program"].map(title)))
        out["review_milestones"] = (frame, {})
    actions = tables.get("actions", pd.DataFrame())
    if not actions.empty:
        frame = _blank(actions.assign(subject=actions["subject"].map(title)))
        out["actions"] = (frame, {})
    tracking = tables.get("tracking", pd.DataFrame())
    if not tracking.empty:
        def variances(rows: pd.DataFrame, *, full: bool) -> pd.DataFrame:
            columns = {
                "program": rows["program"].map(title), "month": rows["month"],
                "participants": rows["participants"].astype(int),
                "planned participants": rows["planned_participants"],
                "completions": rows["completions"].astype(int),
                "planned completions": rows["planned_completions"],
                "completions vs plan": _pct(rows["completion_variance"]),
                "hours": rows["hours"], "planned hours": rows["planned_hours"],
                "hours vs plan": _pct(rows["hours_variance"]),
                f"spend {money}": rows["spend"], f"planned spend {money}": rows["planned_spend"],
                "spend vs plan": _pct(rows["spend_variance"]),
                "application rate": rows["application_rate"],
                "expected application": rows["planned_application_rate"],
                "status": rows["status"],
            }
            if not full:
                for key in ("month", "participants", "planned participants", "application rate",
                            "expected application", "status"):
                    columns.pop(key)
            return pd.DataFrame(columns).reset_index(drop=True)

        fmt = {"planned participants": "0", "planned completions": "0",
               "completions vs plan": "0%", "hours": "#,##0", "planned hours": "#,##0",
               "hours vs plan": "0%", f"spend {money}": "#,##0",
               f"planned spend {money}": "#,##0", "spend vs plan": "0%",
               "application rate": "0%", "expected application": "0%"}
        last = tracking.groupby("program", sort=False).tail(1)
        short = variances(last, full=False)
        out["variances"] = (short, {k: v for k, v in fmt.items() if k in short.columns})
        out["variances_all"] = (variances(tracking, full=True), fmt)
    register = tables.get("register", pd.DataFrame())
    if not register.empty:
        frame = pd.DataFrame({
            "goal": register["goal"], "title": register["title"], "level": register["level"],
            "aligned to": _txt(register["aligned_to"]),
            "sponsor": _txt(register["sponsor"]), "owner": _txt(register["owner"]),
            "metric": _txt(register["metric"]), "baseline": register["baseline"],
            "target": register["target"], "due": _txt(register["due"]),
            "SMART": register["smart"].map(lambda v: "yes" if _truthy(v) else "no"),
            "fails": _txt(register["failures"]),
        })
        out["register"] = (frame, {"baseline": "0.00", "target": "0.00"})
    portfolio = tables.get("portfolio", pd.DataFrame())
    if not portfolio.empty:
        frame = pd.DataFrame({
            "program": portfolio["program"], "title": portfolio["title"],
            "goals": _txt(portfolio["goals"]), "audience": _txt(portfolio["audience"]),
            "owner": _txt(portfolio["owner"]),
            "expected participants": portfolio["expected_participants"].astype(int),
            "expected application": portfolio["expected_application_rate"],
            f"budget {money}": portfolio["budget"], "effort hours": portfolio["effort_hours"],
            "start": portfolio["start"], "due": portfolio["due"],
        })
        out["portfolio"] = (frame, {"expected application": "0%", f"budget {money}": "#,##0",
                                    "effort hours": "#,##0"})
    raci = tables.get("raci", pd.DataFrame())
    if not raci.empty:
        frame = _blank(raci).rename(columns=lambda c: role_names.get(c, c))
        out["raci"] = (frame, {})
    check = tables.get("raci_check", pd.DataFrame())
    if not check.empty:
        out["raci_check"] = (_blank(check), {})
    counts = tables.get("counts", pd.DataFrame())
    if not counts.empty:
        frame = counts.rename(columns={"n": "rows"}).assign(
            source=counts["source"].map({"lms": "LMS export", "time": "time tracking"}))
        out["counts"] = (frame, {})
    return out


def _txt(values: pd.Series) -> pd.Series:
    """A text column with blanks for missing values (a CSV round trip makes them NaN)."""
    return values.astype(object).where(values.notna(), "").astype(str)


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of text columns with blanks for missing values."""
    return frame.apply(_txt) if len(frame.columns) else frame


def _pct(values: pd.Series) -> pd.Series:
    """Variances for display: rounded to whole percents, so no "-0%"."""
    return values.astype(float).round(2) + 0.0


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() in {"true", "1", "yes"}
    return bool(value) and value == value


def _figure(figures: Path, name: str) -> tuple[Figure, ...]:
    from ldkit.deliverables import Figure

    path = figures / f"{name}.png"
    if not path.exists():
        return ()
    title, caption = FIGURES[name]
    return (Figure(title, path.read_bytes(), caption),)


def monthly_report(root: str | Path, *, client: str, currency: str = "EUR",
                   min_group_size: int = 5, full: bool = False,
                   names: Mapping[str, str] | None = None,
                   folder: str | Path | None = None) -> Report:
    """The monthly (or fortnightly) report from an engagement's processed strategy outputs.

    Parameters
    ----------
    root : str or Path
        The engagement folder (tables under ``data/processed/strategy``,
        figures under ``data/processed/strategy/figures``).
    client : str
    currency : str
        Currency of money columns.
    min_group_size : int
        Quoted in the deliverable (application rates of smaller groups are blank).
    full : bool
        Add the variances of every month (the workbook's "Variances by month").
    names : mapping, optional
        Display names of RACI roles.
    folder : str or Path, optional
        The strategy phase's processed folder, when not the engagement's (the step
        renders the report from its staging folder).
    """
    from ldkit.deliverables import Report, Section, Table
    from ldkit.engagement.params import processed_dir

    folder = Path(folder) if folder is not None else processed_dir(root, "strategy")
    figures = folder / "figures"
    tables = read_tables(folder)
    review = _review_meta(folder)
    shown = display_tables(tables, currency=currency, names=names or review.get("roles", {}))

    def table(key: str, title: str, note: str = "") -> tuple[Table, ...]:
        if key not in shown:
            return ()
        frame, fmt = shown[key]
        return (Table(title, frame, note=note, number_formats=fmt),)

    every = review.get("every", "monthly")
    sections = [
        Section("Status at a glance", METHOD,
                table("status", "Program status",
                      "Completions and spend to date against the plan to date.")
                + table("variances", "Variances",
                        "Plan against actual at the review date, per program."),
                _figure(figures, "strategy-rag-grid")),
        Section("Since the last review", (
            f"Period from {review.get('previous', '')} to {review.get('as_of', '')} "
            f"({every} review).",),
            table("changes", "Changes since the last review")
            + table("review_milestones", "Milestones",
                    "Met or missed in the period, overdue, and due before the next review.")),
        Section("Actions", (), table("actions", "Actions")),
        Section("Plan against actual", (), (), _figure(figures, "strategy-burnup")),
        Section("Goals", (
            "Every learning goal should be aligned to an organizational goal and be SMART: "
            "specific (a target beyond the baseline), measurable (metric, baseline, target), "
            "achievable (a sponsor and an owner), relevant (aligned) and time-bound "
            "(a due date).",),
            table("register", "Goal register (SMART check)"),
            _figure(figures, "strategy-alignment")),
        Section("Portfolio", (), table("portfolio", "Portfolio")),
        Section("Learning organization", (
            "R responsible, A accountable (exactly one per activity), C consulted, "
            "I informed.",),
            table("raci", "RACI")
            + table("raci_check", "RACI check")),
        Section("Data", (
            "LMS and time-tracking rows are counted by reason; no row is dropped "
            "silently. Learner identifiers are pseudonymized on reading and appear "
            "nowhere in this report.",),
            table("counts", "Actuals: rows and exclusions")),
    ]
    if full:
        sections.append(Section("Variances by month", (),
                                table("variances_all", "Variances by month")))
    findings = _findings(folder)
    actions = tables.get("actions", pd.DataFrame())
    titles = _titles(tables)
    steps = tuple(f"{titles.get(a.subject, a.subject)}: {a.action} ({a.owner}, by {a.by})."
                  for a in actions.itertuples(index=False))[:8] if not actions.empty else ()
    kind = "Fortnightly review" if every == "fortnightly" else "Monthly report"
    return Report(
        client=client, title=f"Learning strategy: {kind.lower()}",
        subtitle=f"Review of {_month_name(review.get('month', ''))}",
        date=review.get("as_of", ""), key_findings=tuple(findings),
        sections=tuple(s for s in sections if s.tables or s.figures),
        next_steps=steps, min_group_size=min_group_size,
    )


def _month_name(month: str) -> str:
    try:
        return pd.Period(month, freq="M").strftime("%B %Y")
    except (ValueError, TypeError):
        return month


def _review_meta(folder: Path) -> dict:
    path = folder / "review.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _findings(folder: Path) -> list[str]:
    path = folder / "findings.json"
    return list(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else []


def strategy_sections(root: Path, names: Mapping[str, str]) -> tuple[list[str], list[Section]]:
    """Findings and a short strategy section for the main engagement report.

    Parameters
    ----------
    root : Path
        The engagement folder.
    names : mapping
        Display names of ids (unused ids are ignored).

    Returns
    -------
    (findings, sections)
        ``([], [])`` when the strategy phase wrote nothing under
        ``data/processed/strategy``.
    """
    from ldkit.deliverables import Section, Table
    from ldkit.engagement.params import processed_dir

    folder = processed_dir(root, "strategy")
    if not (folder / "status.csv").exists():
        return [], []
    tables = read_tables(folder)
    review = _review_meta(folder)
    shown = display_tables(tables, currency=review.get("currency", "EUR"),
                           names=review.get("roles", {}))
    found = _findings(folder)
    findings = found[:1] + [f for f in found[1:] if " is red" in f or "SMART" in f]
    parts: list[Table] = []
    if "status" in shown:
        frame, fmt = shown["status"]
        parts.append(Table(f"Learning programs: status at {review.get('as_of', '')}", frame,
                           number_formats=fmt))
    if "register" in shown:
        frame, fmt = shown["register"]
        keep = ["goal", "title", "level", "aligned to", "SMART", "fails"]
        parts.append(Table("Goal register: SMART status", frame[keep]))
    section = Section(
        "Learning strategy and operations",
        (f"Progress of the learning portfolio at {review.get('as_of', '')}; the monthly "
         "report has the detail (changes, actions, variances, RACI).",),
        tuple(parts), _figure(folder / "figures", "strategy-rag-grid"))
    return findings, [section]
