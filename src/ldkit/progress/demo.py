"""Demo Bio after the plans: a follow-up survey wave and LMS completions of the issued plans.

:func:`write_demo_followup` runs on a Demo Bio engagement whose plans were
issued (``3-learning-plans`` has run) and writes, under ``data/raw``:

- ``followup_self.csv``, ``followup_manager.csv`` and their codebooks: the
  same Qualtrics instrument as the baseline (same layout, same anomalies:
  previews, partial responses, duplicates...), fielded in the three weeks
  before the review date, for most of the baseline's people (about 8% left)
  and some who joined since (about 5%, new e-mails, managers of their region);
- ``lms_plan_completions.csv``: a SuccessFactors learning-history export of the
  plan activities (User ID = the learner id of the LMS assignment file),
  with the dirt of a real export: a repeated completion, a "COMPLETE" row
  without a date, a course outside the plans, a completion dated after the
  review date, and the items still in progress;
- ``manager_roster.csv``: id (e-mail, as in the surveys), manager (e-mail),
  manager_name: who follows up whom.

How the data are drawn (seeded): each learner with a plan gets a pace:
30% complete everything by the review date, 35% everything due (and some
later items early), 23% about 60% of what is due, 12% nothing. True levels
grow on the capabilities of a learner's plan goals by
``0.1 + 0.7 * share of plan hours done + N(0, 0.2)`` levels and on the other
capabilities by ``N(0.02, 0.1)``; joiners are drawn as new hires. So
completers grow more than non-completers, by construction (the demo's
association is planted, not evidence of anything).

All people are synthetic (the population of :mod:`ldkit.datasets`).
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ldkit._params import check_number

__all__ = ["DEMO_JOINED_SHARE", "DEMO_LEFT_SHARE", "write_demo_followup"]

DEMO_LEFT_SHARE = 0.08
DEMO_JOINED_SHARE = 0.05
_PACES = (("all", 0.30), ("due", 0.35), ("some", 0.23), ("none", 0.12))
_SF_COLUMNS = ["User ID", "Last Name", "First Name", "Item Type", "Item ID", "Item Title",
               "Assignment Date", "Completion Date", "Completion Status"]


def _sf_date(d: date) -> str:
    return d.strftime("%m/%d/%Y")


def _completions(items: pd.DataFrame, names: pd.DataFrame, as_of: date,
                 rng: np.random.Generator) -> tuple[list[dict], pd.Series]:
    """SuccessFactors rows of the plan items, and each learner's share of hours done."""
    rows: list[dict] = []
    done_hours: dict[str, float] = {}
    learners = items["learner"].drop_duplicates().to_numpy()
    pace = rng.choice([p for p, _ in _PACES], size=len(learners), p=[w for _, w in _PACES])
    name_of = names.set_index("learner") if len(names) else pd.DataFrame()
    for learner, kind in zip(learners, pace, strict=True):
        mine = items[items["learner"] == learner]
        last, first = ("", "")
        if learner in name_of.index:
            last, first = name_of.loc[learner, "last_name"], name_of.loc[learner, "first_name"]
        hours = 0.0
        for item in mine.itertuples():
            start, due = item.start.date(), item.due.date()
            is_due = due <= as_of
            if kind == "all":
                done = True
            elif kind == "due":
                done = is_due or rng.random() < 0.3
            elif kind == "some":
                done = is_due and rng.random() < 0.6
            else:
                done = False
            if start > as_of:
                done = False
            base = {"User ID": learner, "Last Name": last, "First Name": first,
                    "Item Type": "COURSE", "Item ID": item.activity, "Item Title": item.title,
                    "Assignment Date": _sf_date(start)}
            if done:
                latest = min(due, as_of)
                span = max(0, (latest - start).days)
                when = start + timedelta(days=int(rng.integers(max(0, span - 10), span + 1)))
                rows.append({**base, "Completion Date": _sf_date(when),
                             "Completion Status": "COMPLETE"})
                hours += float(item.hours)
            elif start <= as_of and rng.random() < 0.5:
                rows.append({**base, "Completion Date": "", "Completion Status": "IN PROGRESS"})
        total = float(mine["hours"].sum())
        done_hours[learner] = hours / total if total else 0.0
    return rows, pd.Series(done_hours, dtype=float)


def _dirt(rows: list[dict], as_of: date) -> list[dict]:
    """The rows a real export carries that plan progress must exclude, with a reason."""
    done = [r for r in rows if r["Completion Status"] == "COMPLETE"]
    if not done:
        return rows
    first, second = done[0], done[min(1, len(done) - 1)]
    return [
        *rows,
        {**first},  # the same completion exported twice
        {**second, "Item ID": "QA-GMP-26", "Item Title": "GMP and data integrity refresher"},
        {**second, "Completion Date": "", "Completion Status": "COMPLETE"},  # no date
        {**first, "Completion Date": _sf_date(as_of + timedelta(days=5))},  # after review
    ]


def _write_sf(path: Path, rows: list[dict]) -> Path:
    from ldkit.io import atomic_path

    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=_SF_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_demo_followup(engagement_dir: str | Path, *, n_employees: int = 240, seed: int = 11,
                        as_of: date | None = None) -> dict[str, Path]:
    """Write Demo Bio's follow-up wave, plan completions and roster; return them by input key.

    Parameters
    ----------
    engagement_dir : str or Path
        The Demo Bio engagement (``ldkit.demo.make_demo_engagement``), after
        ``3-learning-plans`` ran (without plans, completions are not written
        and growth is drawn on the capabilities below requirement).
    n_employees, seed : int
        As given to ``make_demo_engagement`` (the baseline population is drawn
        again from them).
    as_of : date, optional
        The review date; default the engagement's ``end_date``.

    Returns
    -------
    dict
        ``followup_self_survey``, ``followup_self_codebook``,
        ``followup_manager_survey``, ``followup_manager_codebook``,
        ``plan_completions`` (when plans exist) and ``manager_roster``: paths written.
    """
    from ldkit.capability import read_model
    from ldkit.codebook import Codebook
    from ldkit.datasets import (
        _WINDOW_DAYS,
        _WINDOW_START,
        _build_surveys,
        _items,
        _render,
        _simulate,
        _write_csv,
    )
    from ldkit.engagement import load_engagement
    from ldkit.io import atomic_write_csv
    from ldkit.survey.pseudonym import find_secret, pseudonymize

    check_number("n_employees", n_employees, func="write_demo_followup", low=1, integer=True)
    root = Path(engagement_dir)
    config = load_engagement(root)
    model = read_model(root / config.inputs.capability_model)
    review = as_of or config.end_date or date.today()
    secret = find_secret(near=root)
    raw = root / "data" / "raw"
    rng = np.random.default_rng(np.random.SeedSequence([seed, 60]))

    pop, true, imp = _simulate(n_employees, seed, model)
    emp = pop.employees
    pseudo = pseudonymize(emp["employee_key"], secret).astype(str).to_numpy()
    written: dict[str, Path] = {}

    # completions of the issued plans, and each learner's share done
    items_file = root / "data" / "processed" / "plans" / "items.csv"
    share_done = pd.Series(dtype=float)
    planned_caps: dict[str, set[str]] = {}
    if items_file.exists():
        items = pd.read_csv(items_file, dtype={"learner": str}, parse_dates=["start", "due"])
        names = pd.DataFrame({"learner": pseudo, "first_name": emp["first_name"],
                              "last_name": emp["last_name"]})
        rows, share_done = _completions(items, names, review, rng)
        written["plan_completions"] = _write_sf(raw / "lms_plan_completions.csv",
                                                _dirt(rows, review))
        goals_file = root / "data" / "processed" / "plans" / "goals.csv"
        goals = (pd.read_csv(goals_file, dtype={"learner": str}) if goals_file.exists()
                 else items[["learner", "capability"]])
        for learner, caps in goals.groupby("learner")["capability"]:
            planned_caps[learner] = set(caps)

    # growth of the true levels since the baseline
    scale = model.scale()
    caps = list(model.capability_ids)
    growth = rng.normal(0.02, 0.1, true.shape)
    if planned_caps:
        for i, learner in enumerate(pseudo):
            mine = planned_caps.get(learner, set())
            done = float(share_done.get(learner, 0.0))
            for j, cap in enumerate(caps):
                if cap in mine:
                    growth[i, j] = 0.1 + 0.7 * done + rng.normal(0, 0.2)
    else:  # no plans issued: some growth where people were below their requirement
        from ldkit.datasets import _requirements

        req_level, _ = _requirements(model)
        role_idx = emp["role"].map({r: k for k, r in enumerate(model.role_ids)}).to_numpy()
        below = np.nan_to_num(req_level[role_idx], nan=-1.0) > true
        growth = np.where(below, 0.3 + rng.normal(0, 0.2, true.shape), growth)
    after = np.round(np.clip(true + growth, scale.min, scale.max), 2)

    # who left, who joined
    n = len(emp)
    left = rng.random(n) < DEMO_LEFT_SHARE
    left[0] = False  # keep the showcase person (accented name) in both waves
    stay = np.flatnonzero(~left)
    n_join = max(1, round(DEMO_JOINED_SHARE * n))
    new_pop, new_true, new_imp = _simulate(n_join + 12, seed + 1000, model)
    taken = set(emp["employee_key"]) | set(pop.managers["manager_key"])
    fresh = np.flatnonzero(~new_pop.employees["employee_key"].isin(taken).to_numpy()
                           & (new_pop.employees["role"] != "first_line_sales_manager"
                              ).to_numpy())[:n_join]
    joiners = new_pop.employees.iloc[fresh].copy()
    managers_by_region = pop.managers.groupby("region")["manager_key"].first()
    joiners["manager_key"] = joiners["region"].map(managers_by_region).fillna(
        pop.managers["manager_key"].iloc[0])
    joiners["tenure_years"] = 0.4
    employees = pd.concat([emp.iloc[stay], joiners], ignore_index=True)
    levels = np.vstack([after[stay], new_true[fresh]])
    importance = np.vstack([imp[stay], new_imp[fresh]])
    managers = pd.concat([pop.managers, new_pop.managers.iloc[:0]], ignore_index=True)
    follow = type(pop)(employees, pop.truth.iloc[:0], model, managers)

    cap_idx = np.arange(len(caps))
    self_resp, mgr_resp, _ = _build_surveys(follow, levels, importance, seed=seed + 1,
                                            cap_idx=cap_idx, anomalies=True, layout="qualtrics")
    window_start = np.datetime64(review - timedelta(days=_WINDOW_DAYS + 3), "s") + np.timedelta64(
        8 * 3600, "s")
    shift = window_start - _WINDOW_START
    render_rng = np.random.default_rng(np.random.SeedSequence([seed + 1, 3]))
    for survey, resp in (("self", self_resp), ("manager", mgr_resp)):
        resp.end = resp.end + shift
        items_meta = _items(model, caps, "self" if survey == "self" else "manager")
        table = _render("qualtrics", resp, items_meta, model, survey, render_rng)
        path = _write_csv(raw / f"followup_{survey}.csv", table, "utf-8-sig")
        book = raw / f"codebook_followup_{survey}.yaml"
        Codebook.from_dict(table.codebook, file=str(book)).to_yaml(book)
        written[f"followup_{survey}_survey"] = path
        written[f"followup_{survey}_codebook"] = book

    everyone = pd.concat([emp, joiners], ignore_index=True)
    mnames = pop.managers.set_index("manager_key")
    roster = pd.DataFrame({
        "id": everyone["employee_key"], "manager": everyone["manager_key"],
        "manager_name": (mnames["first_name"] + " " + mnames["last_name"]).reindex(
            everyone["manager_key"]).fillna("").to_numpy()})
    written["manager_roster"] = atomic_write_csv(roster, raw / "manager_roster.csv",
                                                 encoding="utf-8")
    return written
