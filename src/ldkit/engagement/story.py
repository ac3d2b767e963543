"""The readout as a consultant's story, built from the phases that ran.

:func:`storyline` turns what every phase's report function returned (findings and
sections) into the readout's order:

1. executive summary: three to five takeaways with their numbers, and the
   decisions asked of the sponsor;
2. scope and method: population, responses, instruments, fieldwork, the
   minimum group size;
3. findings, one slide each with an *action title* that states the takeaway
   (the largest gap, the Borich focus, self against manager, the plans, the
   return, the portfolio, the growth), each with its headline figure;
4. recommendations with owner, timing and cost (``recommendations:`` in
   engagement.yaml, else drafted from the results and marked as drafts);
5. roadmap;
6. appendix: every detail table (data quality, priorities, segments, plans,
   ROI, strategy), methods and a glossary.

The main story stays within 25 slides; detail tables live in the appendix and
the workbook. Numbers are read from the phases' processed tables, never
recomputed differently from the phase that wrote them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["GLOSSARY", "Story", "storyline"]

MAX_TAKEAWAYS = 5
STORY_FIGURES = {"needs": 3, "capability": 0, "plans": 1, "roi": 1, "strategy": 1,
                 "progress": 2}
"""How many of each phase's figures tell the story (the rest go to the appendix)."""
DRAFT = "Draft: to confirm with the sponsor"

GLOSSARY = (
    ("Gap", "Required level minus current level of a capability, in levels of its scale."),
    ("Priority", "Mean gap x the importance weight of the capability for the role."),
    ("Borich score", "Mean importance x (mean importance - mean proficiency), over "
                     "respondents who rated both; higher means more urgent."),
    ("Locus for Focus", "Capabilities above average in both importance and discrepancy: "
                        "the focus."),
    ("Cronbach's alpha", "How consistently a set of items measures one thing (0 to 1; "
                         "0.7 or more is usually acceptable)."),
    ("70/20/10", "About 70% of learning on the job, 20% with others, 10% in formal courses."),
    ("BCR", "Benefit-cost ratio: monetized benefits divided by fully loaded costs."),
    ("ROI", "Return on investment: (benefits - costs) / costs, as a percentage."),
    ("Payback", "Months until the benefits repay the costs."),
    ("RAG", "Red, amber, green status of a programme against its plan."),
    ("Effect size (d_z)", "Mean change divided by the standard deviation of the change, for "
                          "the same people measured twice."),
    ("Minimum group size", "No result is shown for fewer people than this, and no hidden "
                           "result can be worked out from the others."),
)


@dataclass
class Story:
    """The readout's parts, in order (see the module docstring)."""

    takeaways: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    main: list[Any] = field(default_factory=list)       # Section objects of the story
    appendix: list[Any] = field(default_factory=list)   # Section objects after "Appendix"
    next_steps: list[str] = field(default_factory=list)
    title: str = "Learning needs analysis"
    subtitle: str = ""
    as_of: str = ""


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    return pd.read_csv(path) if path.exists() else pd.DataFrame()


def _fmt_money(value: float, currency: str, locale: str) -> str:
    from ldkit.vocabulary import format_money

    return format_money(value, currency, locale)


# -- action titles, from each phase's processed tables ----------------------------------------


def _needs_titles(folder: Path, names: Mapping[str, str]) -> dict[str, str]:
    """Action titles of the needs figures: key is the figure title they replace."""
    out: dict[str, str] = {}
    gaps = _read(folder, "gaps")
    if not gaps.empty and "priority" in gaps and gaps["priority"].notna().any():
        top = gaps.dropna(subset=["priority"]).sort_values("priority", ascending=False).iloc[0]
        out["gap"] = (f"{names.get(top.capability, top.capability)} is the largest gap for "
                      f"{names.get(top.role, top.role)}: {top.mean_gap:.1f} levels below "
                      f"requirement, {top.share_below:.0%} of them below")
    borich = _read(folder, "borich")
    if not borich.empty and "focus" in borich:
        focus = [names.get(i, i) for i in borich.loc[borich["focus"].fillna(False).astype(bool),
                                                      "item"].head(3)]
        if focus:
            listed = ", ".join(focus[:-1]) + (" and " if len(focus) > 1 else "") + focus[-1]
            out["borich"] = f"Focus first on {listed}: most important and least mastered"
    svm = _read(folder, "self_vs_manager")
    if not svm.empty and svm["mean_diff"].notna().any():
        gaps_people = _read(folder, "person_gaps")
        pairs = gaps_people.dropna(subset=["self", "manager"]) if not gaps_people.empty else None
        if pairs is not None and len(pairs):
            diff = float((pairs["self"] - pairs["manager"]).mean())
            word = "above" if diff >= 0 else "below"
            out["svm"] = (f"Employees rate themselves {abs(diff):.2f} levels {word} their "
                          "managers' ratings on average")
    return out


def _plans_title(folder: Path, currency: str, locale: str) -> str:
    totals = _read(folder, "cohort_totals")
    if totals.empty:
        return ""
    value = dict(zip(totals["measure"], totals["value"], strict=False))
    n, planned = int(value.get("learners", 0)), int(value.get("planned", 0))
    cost = value.get("total cost")
    money = (f", {_fmt_money(float(cost), currency, locale)} in total"
             if cost is not None and pd.notna(cost) else "")
    return f"{planned} of {n} employees have a personal learning plan{money}"


def _roi_title(folder: Path, currency: str, locale: str) -> str:
    result = _read(folder, "result")
    if result.empty:
        return ""
    r = dict(zip(result["metric"], result["value"], strict=False))
    if "roi_pct" not in r or pd.isna(r["roi_pct"]):
        return ""
    case = _read(folder, "case")
    program = dict(zip(case.get("key", []), case.get("value", []), strict=False)).get(
        "program", "The programme")
    payback = r.get("payback_months")
    pay = f", paid back in {float(payback):.0f} months" if pd.notna(payback) else ""
    return (f"{program} returns {float(r['roi_pct']):.0f}% on its fully loaded costs "
            f"(benefit-cost ratio {float(r['bcr']):.2f}){pay}")


def _progress_titles(folder: Path) -> dict[str, str]:
    """Action titles of the progress figures, from the phase's headline numbers."""
    path = folder / "findings.json"
    if not path.exists():
        return {}
    n = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    if n.get("learners_with_plan"):
        out["progress"] = (f"{n.get('learners_done', 0)} of {n['learners_with_plan']} learners "
                           f"have completed their plan; {n.get('learners_behind', 0)} are "
                           "behind")
    change, improved = n.get("mean_change_manager"), n.get("capabilities_improved_manager")
    who = "manager ratings"
    if change is None:
        change, improved, who = (n.get("mean_change_self"),
                                 n.get("capabilities_improved_self"), "self-ratings")
    if change is not None:
        total = n.get("capabilities_compared_manager" if who == "manager ratings"
                      else "capabilities_compared_self", "")
        out["growth"] = (f"Since the baseline, {who} rose {change:+.2f} levels on average, "
                         f"clearly on {improved} of {total} capabilities")
    return out


def _strategy_title(folder: Path) -> str:
    status = _read(folder, "status")
    if status.empty or "status" not in status:
        return ""
    counts = status["status"].value_counts()
    n, green = len(status), int(counts.get("green", 0))
    red = status.loc[status["status"] == "red", "title"].astype(str).tolist()
    tail = f"; {', '.join(red)} {'is' if len(red) == 1 else 'are'} red" if red else ""
    return f"{green} of {n} learning programmes are on track{tail}"


# -- the story --------------------------------------------------------------------------------


def _split(sections: Sequence[Any], limit: int, titles: Mapping[str, str]
           ) -> tuple[list[Any], list[Any]]:
    """A phase's sections as story slides (its first ``limit`` figures, each with its
    action title) and appendix material (its tables and other figures)."""
    import dataclasses

    from ldkit.deliverables import Section

    keys = {"Gap to requirement": "gap", "Locus for Focus": "borich",
            "Self against manager": "svm", "Learning mix": "plans",
            "From benefits to net benefit": "roi", "Status by program": "strategy",
            "Plan status": "progress", "Change per capability": "growth"}
    main, appendix = [], []
    for section in sections:
        story_figs = []
        for fig in section.figures:
            if len(main) + len(story_figs) >= limit:
                break
            key = next((k for prefix, k in keys.items() if fig.title.startswith(prefix)), "")
            action = titles.get(key) or fig.title
            story_figs.append(dataclasses.replace(
                fig, title=action, caption=fig.caption or fig.title,
                alt=fig.alt or f"{fig.title}: {action}"))
        main += [Section(f.title, section.paragraphs if i == 0 else (), (), (f,))
                 for i, f in enumerate(story_figs)]
        rest = section.figures[len(story_figs):]
        if section.tables or rest:
            appendix.append(Section(section.title, () if story_figs else section.paragraphs,
                                    section.tables, rest))
    return main, appendix


def _scope(root: Path, config: Any, has: set[str]) -> Any:
    """The "Scope and method" section: population, responses, instruments, group size."""
    from ldkit.deliverables import Section, Table
    from ldkit.engagement.params import processed_dir

    rows: list[tuple[str, str]] = []
    needs = processed_dir(root, "needs")
    counts = _read(needs, "counts")
    if not counts.empty:
        for file, part in counts.groupby("file", sort=False):
            read = int(part.loc[part["count"] == "rows read", "n"].sum())
            kept = int(part.loc[part["count"] == "rows kept", "n"].sum())
            what = "Manager survey" if "manager" in str(file).lower() else "Self-assessment"
            rows.append((what, f"{kept:,} responses analysed of {read:,} received"))
    people = _read(needs, "people")
    if not people.empty and "role" in people:
        from ldkit.disclosure import is_small

        by_role = people["role"].value_counts()
        shown = [f"{role} {n}" for role, n in by_role.items()
                 if not is_small(n, min_group_size=config.min_group_size)]
        hidden = len(by_role) - len(shown)
        text = ", ".join(shown) + (f" (and {hidden} smaller group{'s' if hidden > 1 else ''})"
                                   if hidden else "")
        rows.append(("Respondents by role", text))
    if config.start_date or config.end_date:
        from ldkit.vocabulary import format_date

        rows.append(("Engagement period", " to ".join(
            format_date(d, config.locale) for d in (config.start_date, config.end_date) if d)))
    rows.append(("Capability model", "roles, capabilities and required levels (appendix)"))
    phases = [p for p in ("plans", "roi", "strategy", "progress") if p in has]
    labels = {"plans": "personal learning plans", "roi": "business case and evaluation",
              "strategy": "strategy tracking", "progress": "progress and growth"}
    if phases:
        rows.append(("Also in scope", ", ".join(labels[p] for p in phases)))
    rows.append(("Minimum group size", f"{config.min_group_size} people: no result is shown "
                                        "for a smaller group"))
    table = pd.DataFrame(rows, columns=["Topic", "Detail"])
    return Section("Scope and method", (
        "Survey exports were read as delivered; every row is accounted for in the appendix. "
        "Names and e-mail addresses were replaced by keyed pseudonyms on reading.",),
        (Table("Scope and method", table),))


def _drafted(root: Path, names: Mapping[str, str], currency: str, locale: str,
             has: set[str]) -> list[tuple[str, str, str, str]]:
    """Recommendations drafted from the results (action, owner, timing, cost)."""
    from ldkit.engagement.params import processed_dir

    out: list[tuple[str, str, str, str]] = []
    borich = _read(processed_dir(root, "needs"), "borich")
    if not borich.empty and "focus" in borich:
        focus = [names.get(i, i) for i in borich.loc[borich["focus"].fillna(False).astype(bool),
                                                      "item"].head(3)]
        if focus:
            out.append((f"Make {', '.join(focus)} the focus of next year's development "
                        "offer", "Head of Learning", "Next quarter", ""))
    if "plans" in has:
        totals = _read(processed_dir(root, "plans"), "totals")
        value = dict(zip(totals.get("measure", []), totals.get("value", []), strict=False))
        cost = value.get("total cost")
        out.append(("Release the personal learning plans to learners and their managers",
                    "Head of Learning with line managers", "At plan start",
                    _fmt_money(float(cost), currency, locale)
                    if cost is not None and pd.notna(cost) else ""))
    if "roi" in has:
        title = _roi_title(processed_dir(root, "roi"), currency, locale)
        if title:
            out.append(("Approve the business case: " + title[0].lower() + title[1:],
                        "Programme sponsor", "Next steering committee", ""))
    if "strategy" in has:
        status = _read(processed_dir(root, "strategy"), "status")
        red = status.loc[status.get("status", pd.Series(dtype=str)) == "red", "title"] \
            if not status.empty else pd.Series(dtype=str)
        for title in red.astype(str).head(2):
            out.append((f"Agree a recovery plan for {title}", "Programme owner",
                        "Before the next monthly review", ""))
    if "progress" not in has:
        out.append(("Repeat the survey six months after the plans start to measure growth "
                    "against this baseline", "Head of Learning", "Six months after launch", ""))
    return out


def storyline(root: str | Path, phase_output: Sequence[tuple[str, list[str], list[Any]]],
              names: Mapping[str, str], config: Any) -> Story:
    """The readout, from ``phase_output``: (phase name, findings, sections) per phase run."""
    from ldkit.deliverables import Section, Table
    from ldkit.engagement.params import processed_dir

    root = Path(root)
    currency, locale = config.currency, config.locale
    has = {name for name, findings, sections in phase_output if findings or sections}
    story = Story()
    titles = _needs_titles(processed_dir(root, "needs"), names)
    titles["plans"] = _plans_title(processed_dir(root, "plans"), currency, locale)
    titles["roi"] = _roi_title(processed_dir(root, "roi"), currency, locale)
    titles["strategy"] = _strategy_title(processed_dir(root, "strategy"))
    titles.update(_progress_titles(processed_dir(root, "progress")))

    # 1. takeaways: one per phase, in phase order, the phase's headline first
    for name, findings, _ in phase_output:
        if not findings:
            continue
        picks = {"needs": [titles.get("gap")],
                 "plans": [titles.get("plans")], "roi": [titles.get("roi")],
                 "strategy": [titles.get("strategy")],
                 "progress": [titles.get("progress"), titles.get("growth")]
                 }.get(name, [findings[0]])
        for text in picks:
            if text and len(story.takeaways) < MAX_TAKEAWAYS:
                story.takeaways.append(text.rstrip(".") + ".")

    # 2. recommendations and decisions
    given = [(r.action, r.owner, r.timing, r.cost) for r in config.recommendations]
    recs = given or _drafted(root, names, currency, locale, has)
    story.decisions = [_decision(a) + (f" ({c})" if c else "") for a, _, _, c in recs[:3]]
    if not given:
        story.decisions = [d + " [draft]" for d in story.decisions]

    # 3. the findings: figures with action titles; tables to the appendix
    story.main.append(_scope(root, config, has))
    appendix: list[Any] = []
    for name, _, sections in phase_output:
        main, rest = _split(sections, STORY_FIGURES.get(name, 1), titles)
        story.main += main
        appendix += rest
    rec_table = pd.DataFrame(recs, columns=["Recommendation", "Owner", "Timing", "Cost"])
    if not given:
        rec_table["Status"] = DRAFT
    story.main.append(Section(
        "Recommendations" + ("" if given else " (draft)"),
        () if given else ("Drafted from the results; owners, timing and cost to be confirmed "
                          "with the sponsor (list them under 'recommendations:' in "
                          "engagement.yaml).",),
        (Table("Recommendations", rec_table),)))
    story.main.append(_roadmap(root, config, has))
    # 4. appendix: detail tables, methods, glossary
    methods = tuple(p for s in appendix for p in s.paragraphs)[:8] or ("See each section.",)
    glossary = pd.DataFrame(GLOSSARY, columns=["Term", "Meaning"])
    story.appendix = [*appendix, Section("Methods", methods),
                      Section("Glossary", (), (Table("Glossary", glossary),))]
    story.next_steps = [a for a, _, _, _ in recs]
    parts = ["capability gaps and priorities"]
    parts += [w for p, w in (("plans", "personal learning plans"), ("roi", "business case"),
                             ("strategy", "strategy tracking"), ("progress", "growth"))
              if p in has]
    story.subtitle = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    story.subtitle = story.subtitle[0].upper() + story.subtitle[1:]
    review = processed_dir(root, "strategy") / "review.json"
    if review.exists():
        story.as_of = json.loads(review.read_text(encoding="utf-8")).get("as_of", "")
    return story


_ASKING = ("approve", "agree", "decide", "confirm", "endorse", "fund", "sign off")


def _decision(action: str) -> str:
    """A recommendation as a decision asked of the sponsor: "Approve: release the plans",
    or the action as written when it already asks ("Approve the business case ...").

    >>> _decision("Release the plans"), _decision("Approve the business case")
    ('Approve: release the plans', 'Approve the business case')
    """
    text = action.strip()
    if text.casefold().startswith(_ASKING):
        return text
    return f"Approve: {text[:1].lower() + text[1:]}"


def _roadmap(root: Path, config: Any, has: set[str]) -> Any:
    """The roadmap: what happens when, from the engagement's own dates."""
    from ldkit.deliverables import Section, Table
    from ldkit.engagement.params import processed_dir
    from ldkit.vocabulary import format_date

    rows = [("Needs analysis", "Done", "Gaps, priorities and the capability model")]
    items = _read(processed_dir(root, "plans"), "items") if "plans" in has else pd.DataFrame()
    if not items.empty:
        start = pd.to_datetime(items["start"]).min().date()
        due = pd.to_datetime(items["due"]).max().date()
        rows.append(("Personal learning plans", f"{format_date(start, config.locale)} to "
                     f"{format_date(due, config.locale)}",
                     "Activities, manager check-ins and the post-assessment"))
    if "strategy" in has:
        rows.append(("Monthly review", "Every month", "Plan against actual, actions, RAG"))
    if "progress" in has:
        rows.append(("Follow-up survey", "Done", "Growth against the baseline"))
    elif not items.empty:
        follow = (pd.to_datetime(items["due"]).max() + pd.DateOffset(months=1)).date()
        rows.append(("Follow-up survey", f"From {format_date(follow, config.locale)}",
                     "The same instrument, to measure growth against this baseline"))
    return Section("Roadmap", (), (Table("Roadmap", pd.DataFrame(
        rows, columns=["Step", "When", "What"])),))
