"""One document per learner: the personal learning plan as HTML (print-ready) and DOCX.

Each document is written for the learner: who the plan is for (pseudonymous
id, or a display name the consultant supplies, and the manager when given;
role and profile attributes), the goals (current and target level, the
evidence behind the current level: the learner's own rating and the
manager's where there is one, and the capability model's indicator of the
target level), the activities in plain words with their dates and why each
was chosen (never an activity id or the planner's own wording), a timeline
chart, what participation is expected, how progress is assessed (milestones
inside the plan period only), and a sign-off for the learner and the manager
with dates. Dates, money and spelling follow the ``locale``; the paper is A4,
or Letter for en-US, in HTML and DOCX alike. A learner without a plan gets a
document that says why (``no plan needed``, or ``infeasible`` with the
constraint that bound), never an empty page.

:func:`write_plan_documents` writes every learner's document and an index::

    from ldkit.plans import write_plan_documents
    paths = write_plan_documents(plans, "deliverables/plans", model=model,
                                 client="Demo Bio", people=profiles)

The HTML is one self-contained file (inline CSS, the timeline as inline SVG),
A4 print styles, no scripts. The DOCX is a plain Word document (headings,
tables in Word's built-in styles, the timeline as a shaded month grid) that a
client can edit. The work of one learner is a slice of pre-grouped tables and
one render of a template compiled once, so thousands of documents take
seconds (see ``benchmarks/plans_scale.py``).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ldkit import vocabulary as vocab
from ldkit._params import check_choice, param_error
from ldkit.plans.build import PlanSet
from ldkit.plans.catalog import MODALITIES

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel

__all__ = [
    "DOCUMENT_KINDS",
    "MODALITY_COLORS",
    "PlanDocuments",
    "write_plan_documents",
]

DOCUMENT_KINDS = ("html", "docx")
MODALITY_COLORS = {"experiential": "#1f4e5f", "social": "#e6550d", "formal": "#6baed6"}
"""Bar colours of the timeline, by modality (the same in HTML and DOCX)."""
MILESTONE_COLOR = "#cb181d"
_MODALITY_TEXT = {
    "experiential": "on the job (stretch assignments, projects, shadowing)",
    "social": "with and through others (mentoring, coaching, communities)",
    "formal": "in structured courses (e-learning, workshops, reading)",
}
MODALITY_NAMES = {"experiential": "On the job", "social": "With others",
                  "formal": "Courses"}
"""The learner's words for the three modalities of the 70/20/10 mix."""
_MODALITY_WHY = {
    "experiential": "you practise it in your own work",
    "social": "you learn it from and with colleagues who do it well",
    "formal": "it gives you the knowledge and the method",
}
_ALSO = re.compile(r"also develops (?P<cap>[^;(]+?) \(goal (?P<rank>\d+)")
_PROGRAMME = re.compile(r"(?P<when>pre|post)-assessment of the program(?:me)? (?P<name>[^;]+)")
_STATUS_TEXT = {
    "planned": "Plan agreed for the period below.",
    "no plan needed": "No development plan is needed for this period: ",
    "infeasible": "No plan could be built within the agreed limits: ",
}


def _template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ldkit", "templates/plans"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    return env.get_template("plan.html.j2")


def _records(table: pd.DataFrame) -> dict[Any, list[dict[str, Any]]]:
    """Each learner's rows as plain dicts, grouped in one pass (dates as datetime.date)."""
    if table.empty:
        return {}
    out: dict[Any, list[dict[str, Any]]] = {}
    frame = table.copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.date
    for rec in frame.to_dict("records"):
        out.setdefault(rec["learner"], []).append(rec)
    return out


def _safe_name(learner: Any) -> str:
    text = "".join(c if c.isalnum() or c in "-_." else "-" for c in str(learner)).strip("-.")
    return text or "learner"


@dataclass(frozen=True)
class _Bar:
    x: float
    width: float
    y: float
    color: str
    label: str
    dates: str


class PlanDocuments:
    """The documents of a plan set: the context of one learner, and its renderings.

    Parameters
    ----------
    plans : PlanSet
        The plans, as :func:`ldkit.plans.build_plans` returned them.
    model : CapabilityModel
        Names of capabilities and roles, level labels and indicators.
    client : str, optional
        The client's name, shown in every document's header.
    people : DataFrame, optional
        One row per learner: a ``learner`` (or ``person_id``) column, optionally
        ``role`` (id or name) and profile attributes (e.g. region), shown under
        "About this plan". Never names or e-mail addresses: use ``names``.
    names : mapping, optional
        Learner -> display name, for documents addressed to a named person (the
        consultant's own roster; ldkit never stores it). Default: the pseudonymous id.
    title : str, default "Personal learning plan"
    currency : str, default "EUR"
        The catalog's currency, for costs.
    ratings : DataFrame, optional
        The evidence of each goal: one row per learner and capability with
        ``person_id`` (or ``learner``), ``capability``, ``self`` and optionally
        ``manager`` ratings (the needs step's ``person_gaps.csv``). A missing
        manager rating is simply not mentioned.
    managers : mapping, optional
        Learner -> the manager's display name (from the roster), shown and
        asked to sign off.
    locale : str, default "en-GB"
        Dates, money, spelling and paper (A4; Letter for en-US).
    branding : ldkit.deliverables.Branding, optional
        The consultancy's name, colour and status ("Draft v2") in the header and footer.

    Examples
    --------
    >>> docs = PlanDocuments(plans, model, client="Demo Bio")      # doctest: +SKIP
    >>> docs.html("p2e0a853a7e93bcc2")[:15]                         # doctest: +SKIP
    '<!DOCTYPE html>\\n'
    """

    def __init__(self, plans: PlanSet, model: CapabilityModel, *, client: str = "",
                 people: pd.DataFrame | None = None, names: Mapping[Any, str] | None = None,
                 title: str = "Personal learning plan", currency: str = "EUR",
                 ratings: pd.DataFrame | None = None,
                 managers: Mapping[Any, str] | None = None, locale: str = "en-GB",
                 branding: Any = None) -> None:
        if not isinstance(plans, PlanSet):
            raise param_error("plans", "PlanDocuments", "a PlanSet (from build_plans)", plans)
        try:
            self.style = vocab.locale_style(locale)
        except Exception:
            raise param_error("locale", "PlanDocuments", f"one of {', '.join(vocab.LOCALES)}",
                              locale) from None
        self.locale = self.style.code
        self.plans = plans
        self.model = model
        self.client = str(client)
        self.title = str(title)
        self.currency = str(currency)
        self.names = dict(names or {})
        self.managers = {k: str(v) for k, v in dict(managers or {}).items() if v}
        self.branding = branding
        self._ratings = self._evidence(ratings)
        self._rows = {name: _records(getattr(plans, name))
                      for name in ("goals", "items", "milestones", "status")}
        self._template = None
        self._cap_names = {c.id: c.name for c in model.capabilities}
        self._role_names = {r.id: r.name for r in model.roles}
        self._people = self._profiles(people)
        opts = plans.options
        self._start = opts.start
        self._end = opts.start + timedelta(weeks=opts.horizon_weeks) - timedelta(days=3)

    def _evidence(self, ratings: pd.DataFrame | None) -> dict[tuple[Any, str], dict]:
        """(learner, capability) -> {"self": x, "manager": y} from the ratings table."""
        if ratings is None or len(ratings) == 0:
            return {}
        if not isinstance(ratings, pd.DataFrame):
            raise param_error("ratings", "PlanDocuments", "a DataFrame of ratings", ratings)
        key = "learner" if "learner" in ratings else "person_id"
        if key not in ratings or "capability" not in ratings:
            raise param_error("ratings", "PlanDocuments",
                              "a DataFrame with person_id (or learner) and capability columns",
                              list(ratings.columns))
        out: dict[tuple[Any, str], dict] = {}
        raters = [c for c in ("self", "manager") if c in ratings]
        for row in ratings[[key, "capability", *raters]].itertuples(index=False, name=None):
            values = {r: row[2 + i] for i, r in enumerate(raters)
                      if not pd.isna(row[2 + i])}
            if values:
                out[(row[0], row[1])] = values
        return out

    # -- words ------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """Text in the locale's spelling."""
        return vocab.spell(str(value), self.locale)

    def fmt_date(self, value: Any) -> str:
        return vocab.format_date(_day(value), self.locale, short=True)

    def money(self, value: float, currency: str | None = None) -> str:
        return vocab.format_money(value, currency or self.currency, self.locale)

    def hours(self, value: float) -> str:
        number = vocab.format_number(value, 0 if float(value).is_integer() else 1, self.locale)
        return f"{number} h"

    def pct(self, value: float | None) -> str:
        return "–" if value is None else vocab.format_percent(value, self.locale)

    def _why(self, item: dict, goals: dict[int, dict]) -> str:
        """Why an activity was chosen, in the learner's words (from the plan's structure,
        never the planner's own wording)."""
        reason = str(item.get("reason") or "")
        programme = _PROGRAMME.search(reason)
        if programme:
            name = programme["name"].strip()
            if programme["when"] == "pre":
                return self.text(f"Records where you start in the {name} programme, so your "
                                 "progress can be measured.")
            return self.text(f"Shows how far you have come in the {name} programme, "
                             "compared with where you started.")
        how = _MODALITY_WHY.get(item["modality"], "")
        rank = item.get("goal_rank")
        goal = goals.get(rank) if rank else None
        if goal is not None:
            text = (f"For goal {rank}, {goal['capability']}: from {goal['current']} to "
                    f"{goal['target']}; {how}.")
        else:
            text = (f"Part of the programme for {item['capability']}: {how}."
                    if how else f"Part of the programme for {item['capability']}.")
        also = [f"{m['cap'].strip()} (goal {m['rank']})" for m in _ALSO.finditer(reason)]
        if also:
            text += " It also helps with " + " and ".join(also) + "."
        return self.text(text)

    def _evidence_text(self, learner: Any, capability: str) -> str:
        rated = self._ratings.get((learner, capability), {})
        parts = []
        def level(value: float) -> str:
            number, _, name = self._level(capability, value).partition(" ")
            return f"{number} ({name})" if name else number

        if "self" in rated:
            parts.append(f"you rated yourself {level(rated['self'])}")
        if "manager" in rated:
            parts.append(f"your manager rated you {level(rated['manager'])}")
        if not parts:
            return ""
        text = " and ".join(parts)
        return text[0].upper() + text[1:] + "."

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_template"] = None  # a compiled Jinja template does not pickle
        return state

    # -- context -----------------------------------------------------------------------

    def _profiles(self, people: pd.DataFrame | None) -> dict[Any, list[tuple[str, str]]]:
        if people is None or len(people) == 0:
            return {}
        if not isinstance(people, pd.DataFrame):
            raise param_error("people", "PlanDocuments", "a DataFrame with a learner column",
                              people)
        key = "learner" if "learner" in people else "person_id"
        if key not in people:
            raise param_error("people", "PlanDocuments",
                              "a DataFrame with a 'learner' or 'person_id' column",
                              list(people.columns))
        shown = [c for c in people.columns if c != key and c not in _HIDDEN_PROFILE]
        out: dict[Any, list[tuple[str, str]]] = {}
        for row in people.drop_duplicates(key).itertuples(index=False):
            values = row._asdict()
            pairs = []
            for col in shown:
                value = values[col]
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    continue
                if col == "role":
                    value = self._role_name(value)
                pairs.append((col.replace("_", " ").capitalize(), str(value)))
            out[values[key]] = pairs
        return out

    def _role_name(self, role: Any) -> str:
        return self._role_names.get(role, str(role))

    def _level(self, capability: str, value: float) -> str:
        try:
            scale = self.model.scale_of(capability)
        except Exception:  # an aspiration capability unknown to the model cannot occur;
            return f"{value:g}"  # keep the document readable regardless
        if float(value).is_integer() and int(value) in scale.values:
            return f"{int(value)} {scale.label(int(value))}"
        return f"{value:.1f}"

    def _indicator(self, capability: str, level: float) -> str:
        try:
            cap = self.model.capability(capability)
        except Exception:
            return ""
        return cap.indicators.get(int(level), "")

    def _table(self, name: str, learner: Any) -> list[dict[str, Any]]:
        return self._rows[name].get(learner, [])

    def learners(self) -> list[Any]:
        """Every learner of the plan set, in its order."""
        return self.plans.status["learner"].tolist()

    def display_name(self, learner: Any) -> str:
        """The learner's display name, or the pseudonymous id."""
        return self.names.get(learner, str(learner))

    def context(self, learner: Any) -> dict[str, Any]:
        """Everything one document shows, as plain values (the template's input)."""
        status_rows = self._table("status", learner)
        if not status_rows:
            raise param_error("learner", "PlanDocuments.context", "a learner of the plan set",
                              learner)
        status = status_rows[0]
        opts = self.plans.options
        goals = [{
            "rank": int(g["rank"]),
            "capability": self._cap_names.get(g["capability"], g["capability"]),
            "current": self._level(g["capability"], g["current"]),
            "target": self._level(g["capability"], g["target"]),
            "indicator": self.text(self._indicator(g["capability"], g["target"])),
            "evidence": self._evidence_text(learner, g["capability"]),
            "source": g["source"], "source_text": _SOURCE_TEXT.get(g["source"], ""),
            "priority": f"{g['priority']:.2f}",
        } for g in self._table("goals", learner)]
        by_rank = {g["rank"]: g for g in goals}
        items = []
        for i in self._table("items", learner):
            item = {
                "title": self.text(i["title"]), "activity": i["activity"],
                "capability": self._cap_names.get(i["capability"], i["capability"]),
                "goal_rank": None if pd.isna(i["goal_rank"]) else int(i["goal_rank"]),
                "modality": i["modality"], "how": MODALITY_NAMES.get(i["modality"], ""),
                "format": self.text(i["format"]), "start": i["start"],
                "due": i["due"], "hours": float(i["hours"]), "cost": float(i["cost"]),
                "reason": i["reason"],
            }
            item["why"] = self._why(item, by_rank)
            items.append(item)
        end = self.plan_end(learner)
        milestones = self.milestones(learner)
        mix = []
        for m in MODALITIES:
            achieved = status.get(f"mix_{m}")
            mix.append({"modality": m, "name": MODALITY_NAMES[m], "target": opts.mix[m],
                        "achieved": None if pd.isna(achieved) else float(achieved),
                        "text": _MODALITY_TEXT[m], "color": MODALITY_COLORS[m]})
        reason = str(status["reason"]) if isinstance(status["reason"], str) else ""
        branding = self.branding
        return {
            "client": self.client,
            "title": self.text(self.title),
            "learner": str(learner),
            "name": self.display_name(learner),
            "manager": self.managers.get(learner, ""),
            "profile": self._people.get(learner, []),
            "status": status["status"],
            "status_text": _STATUS_TEXT.get(status["status"], ""),
            "reason": self.text(reason),
            "period": (self._start, end),
            "hours": float(status["hours"]) if not pd.isna(status["hours"]) else 0.0,
            "cost": float(status["cost"]) if not pd.isna(status["cost"]) else 0.0,
            "currency": self.currency,
            "goals": goals,
            "activities": items,
            "milestones": milestones,
            "mix": mix,
            "options": opts,
            "expectations": [self.text(t) for t in self._expectations(items)],
            "assessment": [self.text(t) for t in self._assessment(milestones, goals)],
            "locale": self.locale,
            "paper": self.style.paper,
            "firm": getattr(branding, "firm", "") if branding is not None else "",
            "doc_status": getattr(branding, "status", "") if branding is not None else "",
            "brand": ("#" + branding.primary) if branding is not None else "#1f4e5f",
        }

    def plan_end(self, learner: Any) -> date:
        """The last day of the learner's plan: the latest due date of an activity or of an
        assessment, never after the planning horizon; the horizon's end without activities."""
        dues = [_day(i["due"]) for i in self._table("items", learner)]
        dues += [_day(m["date"]) for m in self._table("milestones", learner)
                 if m["kind"] in ("post-assessment", "capstone")]
        return min(max(dues), self._end) if dues else self._end

    def milestones(self, learner: Any) -> list[dict[str, Any]]:
        """The learner's milestones inside the plan period (none after :meth:`plan_end`);
        when check-ins fell after it, one final check-in with the manager on the last day."""
        end = self.plan_end(learner)
        raw = self._table("milestones", learner)
        kept = [{"date": m["date"], "kind": m["kind"], "detail": self._milestone(m)}
                for m in raw if _day(m["date"]) <= end]
        if len(kept) < len(raw) and self._table("items", learner) and not any(
                m["kind"] == "manager check-in" and _day(m["date"]) == end for m in kept):
            kept.append({"date": end, "kind": "manager check-in",
                         "detail": "final review of every goal with your manager"})
        return sorted(kept, key=lambda m: _day(m["date"]))

    def _milestone(self, m: dict) -> str:
        detail = str(m["detail"])
        if m["kind"] == "manager check-in":
            detail = re.sub(r"^week \d+: ", "", detail)
        return self.text(detail)

    def _expectations(self, items: list[dict]) -> list[str]:
        opts = self.plans.options
        if not items:
            return []
        lines = [
            f"Plan about {opts.hours_per_month:g} hours of learning a month and no more than "
            f"{opts.max_hours_per_week:g} hours in any week, agreed with your manager as part "
            "of your working time.",
            "Start each activity in the week shown and complete it by its due date; where one "
            "activity builds on another, the first is scheduled to finish before the second "
            "starts.",
            f"The plan follows a {opts.mix_label} mix of learning on the job, with others and "
            "in courses: most of the progress comes from applying the skills at work.",
            "Keep brief notes of what you tried and what you learned, and bring them to each "
            "check-in with your manager.",
        ]
        if any(i["format"] in ("workshop", "capstone") for i in items):
            lines.append("Workshops and the capstone are scheduled sessions with a group: "
                         "confirm your seat when the enrolment invitation arrives.")
        return lines

    def _assessment(self, milestones: list[dict], goals: list[dict]) -> list[str]:
        if not goals:
            return []
        out = []
        day = self.fmt_date
        kinds = {m["kind"]: m for m in milestones}
        if "pre-assessment" in kinds:
            m = kinds["pre-assessment"]
            out.append(f"{day(m['date'])}: pre-assessment ({m['detail']}), the baseline of "
                       "each goal.")
        checkins = [m for m in milestones if m["kind"] == "manager check-in"]
        if checkins:
            out.append("Check-ins with your manager on "
                       + ", ".join(day(m["date"]) for m in checkins)
                       + ": progress on each goal, and what to adjust in the plan.")
        if "post-assessment" in kinds:
            m = kinds["post-assessment"]
            out.append(f"{day(m['date'])}: post-assessment ({m['detail']}), compared with the "
                       "baseline.")
        if "capstone" in kinds:
            m = kinds["capstone"]
            out.append(f"{day(m['date'])}: capstone ({m['detail']}).")
        out.append("A goal is met when you work at its target level, as described under "
                   "Goals, confirmed by your own and your manager's ratings in the "
                   "post-assessment.")
        return out

    # -- timeline ----------------------------------------------------------------------

    def timeline(self, learner: Any, *, width: int = 720, label_width: int = 250,
                 row: int = 18) -> dict[str, Any]:
        """The timeline chart's geometry: bars per activity, milestone marks, month ticks."""
        ctx_items = self._table("items", learner)
        plan_end = self.plan_end(learner)
        ctx_ms = self.milestones(learner)
        start, end = self._start, plan_end + timedelta(days=3)
        span = max((end - start).days, 1)
        plot_w = width - label_width - 10

        def x(d: Any) -> float:
            d = _day(d)
            return label_width + plot_w * (min(max((d - start).days, 0), span) / span)

        bars = []
        for k, it in enumerate(ctx_items):
            x0, x1 = x(it["start"]), x(_day(it["due"]) + timedelta(days=1))
            bars.append(_Bar(round(x0, 1), round(max(x1 - x0, 2.0), 1), 24 + k * row,
                             MODALITY_COLORS.get(it["modality"], "#888888"),
                             _short(it["title"], 42),
                             f"{self.fmt_date(it['start'])} to {self.fmt_date(it['due'])}"))
        marks_y = 24 + len(bars) * row + 6
        marks = [{"x": round(x(m["date"]), 1), "kind": m["kind"],
                  "date": self.fmt_date(m["date"])}
                 for m in ctx_ms]
        months = []
        d = date(start.year, start.month, 1)
        while d <= end:
            if d >= start and x(d) + 44 <= width:  # a label that would be cut is left out
                months.append({"x": round(x(d), 1),
                               "label": f"{self.style.months[d.month - 1][:3]} {d.year}"})
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        height = marks_y + 28
        return {"width": width, "height": height, "label_width": label_width, "bars": bars,
                "marks": marks, "marks_y": marks_y, "months": months,
                "plot_right": label_width + plot_w}

    # -- renderings --------------------------------------------------------------------

    def html(self, learner: Any) -> str:
        """The learner's document as one self-contained, print-ready HTML page."""
        if self._template is None:
            self._template = _template()
        ctx = self.context(learner)
        return self._template.render(doc=ctx, chart=self.timeline(learner),
                                     fmt_date=self.fmt_date, money=self.money,
                                     hours=self.hours, pct=self.pct,
                                     colors=MODALITY_COLORS, milestone_color=MILESTONE_COLOR)

    def write_html(self, learner: Any, path: str | Path) -> Path:
        """Write :meth:`html` to ``path`` atomically."""
        from ldkit.io import atomic_write_text

        path = Path(path)
        atomic_write_text(path, self.html(learner))
        return path

    def write_docx(self, learner: Any, path: str | Path) -> Path:
        """Write the learner's document as a Word file (.docx) atomically."""
        from ldkit.io import atomic_path
        from ldkit.plans._docx import plan_docx

        path = Path(path)
        document = plan_docx(self.context(learner), self.timeline_months(learner), self)
        with atomic_path(path) as tmp:
            document.save(str(tmp))
        return path

    def timeline_months(self, learner: Any) -> dict[str, Any]:
        """The month grid of the DOCX timeline: months, and per activity the months it spans."""
        months = []
        end = self.plan_end(learner)
        d = date(self._start.year, self._start.month, 1)
        while d <= end:
            months.append(d)
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        rows = []
        for it in self._table("items", learner):
            start, due = _day(it["start"]), _day(it["due"])
            first, last = (start.year, start.month), (due.year, due.month)
            spans = [first <= (m.year, m.month) <= last for m in months]
            rows.append({"title": _short(it["title"], 48), "modality": it["modality"],
                         "spans": spans})
        return {"months": months, "rows": rows}


_SOURCE_TEXT = {"gap": "", "career": "a career goal you chose",
                "aspiration": "a career goal you chose", "pin": "agreed with your manager"}
_HIDDEN_PROFILE = {"respondent_id", "submitted_at", "duration_seconds", "source_row", "name",
                   "email", "e-mail"}


def _day(d: Any) -> date:
    """A date from a date, datetime or Timestamp."""
    return d.date() if hasattr(d, "date") and callable(d.date) else d


def _date(d: Any) -> str:
    d = _day(d)
    return d.strftime("%d %b %Y").lstrip("0") if isinstance(d, date) else str(d)


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}"


def _hours(value: float) -> str:
    return f"{value:g} h"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _short(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def write_plan_documents(
    plans: PlanSet,
    folder: str | Path,
    *,
    model: CapabilityModel,
    client: str = "",
    people: pd.DataFrame | None = None,
    names: Mapping[Any, str] | None = None,
    currency: str = "EUR",
    kinds: Sequence[str] = DOCUMENT_KINDS,
    learners: Iterable[Any] | None = None,
    workers: int | None = None,
    ratings: pd.DataFrame | None = None,
    managers: Mapping[Any, str] | None = None,
    locale: str = "en-GB",
    branding: Any = None,
) -> dict[str, list[Path]]:
    """Write one document per learner (and kind) under ``folder``, plus ``index.html``.

    Parameters
    ----------
    plans : PlanSet
    folder : path
        Created if missing; files are ``<learner>.html`` / ``<learner>.docx``
        (the pseudonymous id, so a file name never carries a person's name).
    model, client, people, names, currency, ratings, managers, locale, branding
        See :class:`PlanDocuments`.
    kinds : sequence of {"html", "docx"}, default both
    learners : iterable, optional
        Only these learners (default: every learner of the plan set).
    workers : int, optional
        Processes that write the Word documents; default: one below
        :data:`DOCX_PARALLEL_FROM` learners, else up to 4 (one per CPU). The
        documents are the same either way.

    Returns
    -------
    dict
        Kind -> the paths written, in learner order; ``"index"`` -> [index.html].

    Examples
    --------
    >>> paths = write_plan_documents(plans, "deliverables/plans", model=model,
    ...                              client="Demo Bio", kinds=["html"])  # doctest: +SKIP
    """
    if isinstance(kinds, str):
        kinds = [kinds]
    for kind in kinds:
        check_choice("kinds", kind, DOCUMENT_KINDS, func="write_plan_documents")
    docs = PlanDocuments(plans, model, client=client, people=people, names=names,
                         currency=currency, ratings=ratings, managers=managers, locale=locale,
                         branding=branding)
    chosen = docs.learners() if learners is None else list(learners)
    known = set(docs.learners())
    for learner in chosen:
        if learner not in known:
            raise param_error("learners", "write_plan_documents", "learners of the plan set",
                              learner)
    out_dir = Path(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[Path]] = {kind: [] for kind in kinds}
    if "html" in kinds:
        written["html"] = [docs.write_html(learner, out_dir / f"{_safe_name(learner)}.html")
                           for learner in chosen]
    if "docx" in kinds:
        written["docx"] = _write_docx_all(docs, chosen, out_dir, workers)
    written["index"] = [_write_index(docs, chosen, out_dir, kinds)]
    return written


DOCX_PARALLEL_FROM = 400
"""From this many learners, Word documents are written by worker processes (a document
takes about 15 ms, HTML about 2 ms and stays in this process; starting a worker takes
about 1.5 s, and a notebook beside it may be using the other CPU)."""
_WORKER_DOCS: PlanDocuments | None = None


def _docx_worker_init(docs: PlanDocuments) -> None:
    global _WORKER_DOCS
    _WORKER_DOCS = docs


def _docx_chunk(learners: list[Any], folder: str) -> list[str]:
    assert _WORKER_DOCS is not None
    return [str(_WORKER_DOCS.write_docx(learner, Path(folder) / f"{_safe_name(learner)}.docx"))
            for learner in learners]


def _write_docx_all(docs: PlanDocuments, learners: list[Any], folder: Path,
                    workers: int | None) -> list[Path]:
    import os
    import sys

    if workers is None:
        workers = 1 if len(learners) < DOCX_PARALLEL_FROM else min(os.cpu_count() or 1, 4)
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file and not Path(main_file).exists():  # e.g. a script read from stdin:
        workers = 1  # spawned workers could not import the main module
    if workers <= 1:
        return [docs.write_docx(learner, folder / f"{_safe_name(learner)}.docx")
                for learner in learners]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    size = max(10, len(learners) // (workers * 4))
    chunks = [learners[i:i + size] for i in range(0, len(learners), size)]
    # spawn, not fork: the caller may be a Jupyter kernel with threads running
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"),
                             initializer=_docx_worker_init, initargs=(docs,)) as pool:
        done = pool.map(_docx_chunk, chunks, [str(folder)] * len(chunks))
        return [Path(p) for chunk in done for p in chunk]


def _write_index(docs: PlanDocuments, learners: list[Any], folder: Path,
                 kinds: Sequence[str]) -> Path:
    """A plain HTML list of the documents with each learner's status."""
    from ldkit.io import atomic_write_text

    status = docs.plans.status.set_index("learner")
    rows = []
    for learner in learners:
        stem = _safe_name(learner)
        links = " ".join(f'<a href="{html.escape(stem)}.{k}">{k.upper()}</a>' for k in kinds)
        s = status.loc[learner]
        rows.append(f"<tr><td>{html.escape(docs.display_name(learner))}</td>"
                    f"<td>{html.escape(str(s['status']))}</td>"
                    f"<td>{html.escape(str(s['reason']) if isinstance(s['reason'], str) else '')}"
                    f"</td><td>{links}</td></tr>")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(docs.client)} – personal learning plans</title>"
        "<style>body{font:14px/1.5 'Segoe UI',Arial,sans-serif;margin:2rem;color:#1d2327}"
        "table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid "
        "#d5dbdf;text-align:left}th{background:#1f4e5f;color:#fff}</style></head><body>"
        f"<h1>{html.escape(docs.client)}: personal learning plans</h1>"
        f"<p>{len(learners)} learners. Confidential: each document is for its learner and "
        "their manager only.</p><table><thead><tr><th>Learner</th><th>Status</th>"
        "<th>Plan</th><th>Documents</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table></body></html>\n")
    path = folder / "index.html"
    atomic_write_text(path, page)
    return path
