"""Plan progress: the issued plans against an LMS completion export, at a review date.

:func:`plan_progress` matches every LMS record to a learner's plan item and
gives, per learner, the activities planned, due by the review date
(``as_of``), completed, overdue and the hours done, with a status (domain
primer, "Measuring growth after the plans"):

==============  ==========================================================
``done``        every planned activity completed
``not started`` nothing completed, something due
``behind``      something overdue (due by ``as_of``, not completed)
``on track``    nothing overdue
==============  ==========================================================

(checked in that order). An activity is *due* when its due date is on or
before ``as_of`` and *overdue* when it is due and not completed by
``as_of``; a completion counts whenever it happened up to ``as_of``, early
ones too. Hours done are the planned hours of the completed activities (LMS
exports carry no reliable hours).

Matching. The export is read by :func:`ldkit.strategy.actuals.read_lms_export`
(generic, Moodle, SuccessFactors). A record's learner is the LMS user id;
it is mapped to the plan's pseudonymous learner through ``lms_ids`` (the
pairs of the LMS assignment file, see :func:`lms_ids_from_assignments`),
else through ``secret`` (the LMS holds the e-mail or employee number the
surveys held, pseudonymized here exactly as on survey load), else taken as
the pseudonym itself. A record's course is matched to the activity id, else
to the activity title (case and spaces ignored).

Every LMS row not counted is listed in ``excluded`` with its reason: no
learner id; learner without a plan; course not in the learner's plan; a
"completed" status without a completion date; completed after the review
date (counted in a later review); not completed (an enrolment or an
incomplete status; kept as context, not as a completion); a second
completion of the same learner and activity (the earliest is kept).

Cohort views (:func:`progress_by_group`, :func:`overdue_activities`) apply
the minimum group size; the per-manager lists (:func:`manager_followups`)
name learners by their pseudonym and are personal data: the step writes them
outside the aggregate deliverables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldkit._params import check_number, param_error
from ldkit.disclosure import suppress_labelled
from ldkit.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.plans.build import PlanSet
    from ldkit.strategy.actuals import LmsExport

__all__ = [
    "ACTIVITY_STATES",
    "PROGRESS_STATUSES",
    "PlanProgress",
    "lms_ids_from_assignments",
    "manager_followups",
    "overdue_activities",
    "plan_progress",
    "progress_by_group",
]

PROGRESS_STATUSES = ("done", "on track", "behind", "not started")
"""A learner's status at the review date, in the order the report shows them."""

ACTIVITY_STATES = ("completed", "overdue", "not yet due")
"""A plan item's state at the review date."""

_ITEM_COLUMNS = ("learner", "activity", "title", "due", "hours")
_FUNC = "plan_progress"


@dataclass(frozen=True)
class PlanProgress:
    """Plan progress at a review date (see :func:`plan_progress`).

    Attributes
    ----------
    learners : DataFrame
        One row per learner with a plan: learner, planned, due, completed,
        overdue, hours_planned, hours_done, share_hours_done, status.
    activities : DataFrame
        One row per learner and plan item: learner, activity, title,
        capability, start, due, hours, completed_on (NaT if not by ``as_of``),
        state (one of :data:`ACTIVITY_STATES`), days_overdue (0 unless overdue).
    excluded : DataFrame
        Every LMS row not counted as a completion: row, learner (as in the
        export), course, reason.
    counts : DataFrame
        count (``rows read``, ``completions counted``, ``excluded: <reason>``), n;
        rows read = completions counted + rows excluded.
    as_of : date
        The review date.
    """

    learners: pd.DataFrame
    activities: pd.DataFrame
    excluded: pd.DataFrame
    counts: pd.DataFrame
    as_of: date

    def status_counts(self) -> dict[str, int]:
        """Learners per status, every status present (0 where none)."""
        counts = self.learners["status"].value_counts()
        return {s: int(counts.get(s, 0)) for s in PROGRESS_STATUSES}


def _items(plans: Any) -> pd.DataFrame:
    from ldkit.plans.build import PlanSet

    items = plans.items if isinstance(plans, PlanSet) else plans
    if not isinstance(items, pd.DataFrame):
        raise param_error("plans", _FUNC, "a PlanSet or its items table (items.csv)", plans)
    missing = [c for c in _ITEM_COLUMNS if c not in items.columns]
    if missing:
        raise InputError(f"the plan items have no column '{missing[0]}'",
                         hint="pass the PlanSet, or data/processed/plans/items.csv as written "
                              "by 3-learning-plans")
    out = items.copy()
    out["learner"] = out["learner"].astype(str)
    out["activity"] = out["activity"].astype(str)
    for col in ("start", "due"):
        if col in out:
            out[col] = pd.to_datetime(out[col]).dt.normalize()
    if "capability" not in out:
        out["capability"] = ""
    if "start" not in out:
        out["start"] = out["due"]
    out["hours"] = pd.to_numeric(out["hours"], errors="coerce").fillna(0.0).astype(float)
    return out.drop_duplicates(["learner", "activity"]).reset_index(drop=True)


def _records(completions: Any) -> tuple[pd.DataFrame, str]:
    from ldkit.strategy.actuals import LmsExport

    if isinstance(completions, LmsExport):
        return completions.records, completions.file
    if isinstance(completions, pd.DataFrame):
        need = ("learner", "course", "completed")
        missing = [c for c in need if c not in completions.columns]
        if missing:
            raise InputError(f"the completion records have no column '{missing[0]}'",
                             hint="read the export with ldkit.strategy.actuals.read_lms_export")
        records = completions.copy()
        if "row" not in records:
            records["row"] = np.arange(2, len(records) + 2)
        for col in ("course_title", "status"):
            if col not in records:
                records[col] = ""
        return records, ""
    raise param_error("completions", _FUNC, "an LmsExport (read_lms_export) or its records",
                      completions)


def _key(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip().str.casefold()


def lms_ids_from_assignments(plans: PlanSet | pd.DataFrame, assignments: pd.DataFrame
                             ) -> dict[str, str]:
    """LMS user id -> pseudonymous learner, from the LMS assignment file as issued.

    The assignment file (``deliverables/plans/lms-assignments.csv``) has one
    row per plan item in the order of the plan items; its ``learner`` column
    is the id the LMS knows (the pseudonym, or the roster's LMS user id when
    :func:`ldkit.plans.write_lms_csv` was given ``learner_ids``). Rows are
    paired with the plan items by position and checked on the activity id.

    Raises
    ------
    InputError
        When the file does not line up with the plans (another plan run).
    """
    items = _items(plans)
    for col in ("learner", "activity_id"):
        if col not in assignments.columns:
            raise InputError(f"the LMS assignment file has no column '{col}'",
                             hint="use deliverables/plans/lms-assignments.csv as written by "
                                  "3-learning-plans")
    same = (len(assignments) == len(items)
            and (assignments["activity_id"].astype(str).to_numpy()
                 == items["activity"].to_numpy()).all())
    if not same:
        raise InputError("the LMS assignment file does not line up with the plan items "
                         f"({len(assignments)} rows, {len(items)} items)",
                         hint="use the assignment file and items.csv of the same plan run")
    pairs = dict(zip(assignments["learner"].astype(str).str.strip(), items["learner"],
                     strict=True))
    return pairs


def plan_progress(plans: PlanSet | pd.DataFrame, completions: LmsExport | pd.DataFrame, *,
                  as_of: date | str, lms_ids: Mapping[str, str] | None = None,
                  secret: bytes | None = None) -> PlanProgress:
    """Progress of every learner's plan at ``as_of``, from an LMS completion export.

    Parameters
    ----------
    plans : PlanSet or DataFrame
        The issued plans (``build_plans``), or their items table
        (``data/processed/plans/items.csv``): learner, activity, title, due,
        hours (capability, start optional).
    completions : LmsExport or DataFrame
        :func:`ldkit.strategy.actuals.read_lms_export` (any layout), or its
        ``records`` (row, learner, course, course_title, completed, status).
    as_of : date or str
        The review date (``YYYY-MM-DD``).
    lms_ids : mapping, optional
        LMS user id -> pseudonymous learner (:func:`lms_ids_from_assignments`).
    secret : bytes, optional
        Pseudonymize the export's learner ids with this key when they are the
        surveys' identifiers (e-mail, employee number).

    Returns
    -------
    PlanProgress

    Examples
    --------
    >>> items = pd.DataFrame({"learner": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...     "title": ["X", "Y", "X"], "due": ["2026-02-01", "2026-05-01", "2026-02-01"],
    ...     "hours": [4.0, 8.0, 4.0]})
    >>> lms = pd.DataFrame({"learner": ["a"], "course": ["x"],
    ...     "completed": pd.to_datetime(["2026-01-20"]), "status": ["completed"]})
    >>> p = plan_progress(items, lms, as_of="2026-03-01")
    >>> p.learners[["learner", "due", "completed", "overdue", "status"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'learner': 'a', 'due': 1, 'completed': 1, 'overdue': 0, 'status': 'on track'},
     {'learner': 'b', 'due': 1, 'completed': 0, 'overdue': 1, 'status': 'not started'}]
    """
    from ldkit.strategy.actuals import COMPLETE_STATUSES, INCOMPLETE_STATUSES

    try:
        review = pd.Timestamp(as_of).normalize()
    except (ValueError, TypeError):
        raise param_error("as_of", _FUNC, "a date (YYYY-MM-DD)", as_of) from None
    if pd.isna(review):
        raise param_error("as_of", _FUNC, "a date (YYYY-MM-DD)", as_of)
    items = _items(plans)
    records, _ = _records(completions)
    frame = pd.DataFrame({
        "row": records["row"].astype(int).to_numpy(),
        "lms_learner": records["learner"].fillna("").astype(str).str.strip().to_numpy(),
        "course": records["course"].fillna("").astype(str).to_numpy(),
        "course_title": records["course_title"].fillna("").astype(str).to_numpy(),
        "completed": pd.to_datetime(records["completed"]).dt.normalize().to_numpy(),
        "status": _key(records["status"]).to_numpy(),
    })
    # learner: the mapping, else the pseudonym of the id, else the id as given
    learner = frame["lms_learner"]
    if lms_ids is not None:
        ids = {str(k).strip(): str(v) for k, v in lms_ids.items()}
        learner = learner.map(ids)
    elif secret is not None:
        from ldkit.survey.pseudonym import pseudonymize

        learner = pseudonymize(learner.replace("", None), secret)
    frame["learner"] = learner.where(frame["lms_learner"] != "").fillna("").astype(str)

    planned = set(items["learner"])
    by_id = dict(zip(items["learner"] + "\x00" + _key(items["activity"]), items["activity"],
                     strict=True))
    by_title = dict(zip(items["learner"] + "\x00" + _key(items["title"]), items["activity"],
                        strict=False))
    lk = frame["learner"] + "\x00"
    frame["activity"] = (lk + _key(frame["course"])).map(by_id).fillna(
        (lk + _key(frame["course_title"])).map(by_title))

    reasons = pd.Series("", index=frame.index, dtype=object)

    def mark(mask: pd.Series, reason: str) -> None:
        reasons[mask & (reasons == "")] = reason

    mark(frame["lms_learner"] == "", "no learner id")
    mark(~frame["learner"].isin(planned), "learner without a plan")
    mark(frame["activity"].isna(), "course not in the learner's plan")
    incomplete = frame["status"].isin(INCOMPLETE_STATUSES)
    says_done = frame["status"].isin(COMPLETE_STATUSES)
    mark(says_done & frame["completed"].isna(), "completed without a completion date")
    mark(incomplete | frame["completed"].isna(), "not completed")
    mark(frame["completed"] > review, "completed after the review date")
    ordered = frame.assign(_reason=reasons).sort_values(["completed", "row"], kind="stable")
    first = ordered[ordered["_reason"] == ""].duplicated(["learner", "activity"], keep="first")
    reasons[first[first].index] = "second completion of the same activity"

    kept = frame[reasons == ""]
    done = kept.groupby(["learner", "activity"])["completed"].min()
    acts = items.merge(done.rename("completed_on").reset_index(), on=["learner", "activity"],
                       how="left", validate="1:1")
    is_done = acts["completed_on"].notna()
    is_due = acts["due"] <= review
    acts["state"] = np.where(is_done, "completed", np.where(is_due, "overdue", "not yet due"))
    acts["days_overdue"] = np.where(acts["state"] == "overdue",
                                    (review - acts["due"]).dt.days, 0).astype(int)
    cols = ["learner", "activity", "title", "capability", "start", "due", "hours",
            "completed_on", "state", "days_overdue"]
    activities = acts[cols].reset_index(drop=True)

    g = activities.assign(_due=is_due.to_numpy(), _done=is_done.to_numpy(),
                          _over=(activities["state"] == "overdue").to_numpy(),
                          _hdone=np.where(is_done, activities["hours"], 0.0))
    grouped = g.groupby("learner", sort=False)
    learners = pd.DataFrame({
        "planned": grouped.size(), "due": grouped["_due"].sum(),
        "completed": grouped["_done"].sum(), "overdue": grouped["_over"].sum(),
        "hours_planned": grouped["hours"].sum(), "hours_done": grouped["_hdone"].sum(),
    }).reset_index()
    for col in ("planned", "due", "completed", "overdue"):
        learners[col] = learners[col].astype(int)
    learners["share_hours_done"] = (learners["hours_done"]
                                    / learners["hours_planned"].where(
                                        learners["hours_planned"] > 0)).astype(float)
    learners["status"] = np.select(
        [learners["completed"] == learners["planned"],
         (learners["completed"] == 0) & (learners["due"] > 0),
         learners["overdue"] > 0],
        ["done", "not started", "behind"], default="on track")

    excluded = pd.DataFrame({"row": frame["row"], "learner": frame["lms_learner"],
                             "course": frame["course"].where(frame["course"] != "",
                                                             frame["course_title"]),
                             "reason": reasons})
    excluded = excluded[excluded["reason"] != ""].reset_index(drop=True)
    counts = [("rows read", len(frame)), ("completions counted", len(kept))]
    counts += [(f"excluded: {r}", int(n)) for r, n in
               excluded["reason"].value_counts(sort=False).items()]
    return PlanProgress(learners, activities, excluded,
                        pd.DataFrame(counts, columns=["count", "n"]), review.date())


# --------------------------------------------------------------------------- cohort views


def progress_by_group(progress: PlanProgress, people: pd.DataFrame, by: str, *,
                      min_group_size: int = 5) -> pd.DataFrame:
    """Learners per status for each group of an attribute (e.g. role, region), and All.

    Parameters
    ----------
    progress : PlanProgress
    people : DataFrame
        One row per person: person_id (the pseudonymous learner) and ``by``.
    by : str
        The attribute to group by.
    min_group_size : int
        Groups of fewer learners show no numbers (``suppressed`` says why);
        a second group is hidden where one hidden group could be recovered
        from the All row.

    Returns
    -------
    DataFrame
        ``by`` (``All`` on the total row), learners, one column per status
        (counts), share_behind (behind + not started over learners),
        mean_share_hours_done, suppressed.
    """
    from ldkit.needs.segments import TOTAL

    check_number("min_group_size", min_group_size, func="progress_by_group", low=1,
                 integer=True)
    if by not in people.columns or "person_id" not in people.columns:
        raise InputError(f"the people table has no column '{by}' or 'person_id'",
                         hint=f"columns available: {', '.join(map(str, people.columns))}")
    who = people[["person_id", by]].drop_duplicates("person_id").rename(
        columns={"person_id": "learner"})
    who["learner"] = who["learner"].astype(str)
    frame = progress.learners.merge(who, on="learner", how="left")
    frame[by] = frame[by].astype("string").fillna("(not in the survey)")

    def agg(df: pd.DataFrame) -> dict[str, Any]:
        row: dict[str, Any] = {"learners": len(df)}
        for s in PROGRESS_STATUSES:
            row[s] = int((df["status"] == s).sum())
        row["share_behind"] = (float(df["status"].isin(["behind", "not started"]).mean())
                               if len(df) else np.nan)
        row["mean_share_hours_done"] = float(df["share_hours_done"].mean())
        return row

    rows = [{by: k, **agg(df)} for k, df in frame.groupby(by, sort=True)]
    rows.append({by: TOTAL, **agg(frame)})
    table = pd.DataFrame(rows, columns=[by, "learners", *PROGRESS_STATUSES, "share_behind",
                                        "mean_share_hours_done"])
    table[list(PROGRESS_STATUSES)] = table[list(PROGRESS_STATUSES)].astype(float)
    table["_parent"] = 1  # one parent: a single hidden group is never left recoverable
    out = suppress_labelled(table, n="learners", min_group_size=min_group_size,
                    values=[*PROGRESS_STATUSES, "share_behind", "mean_share_hours_done"],
                    parent=["_parent"])
    return out.drop(columns="_parent")


def overdue_activities(progress: PlanProgress, *, min_group_size: int = 5,
                       top: int | None = None) -> pd.DataFrame:
    """Activities by the number of learners overdue on them (most first).

    Returns
    -------
    DataFrame
        activity, title, learners (with the activity in their plan), due
        (learners for whom it is due), completed, overdue, share_overdue
        (overdue / due), suppressed. An activity planned for fewer than
        ``min_group_size`` learners shows no numbers but its planned count.
    """
    check_number("min_group_size", min_group_size, func="overdue_activities", low=1,
                 integer=True)
    a = progress.activities
    g = a.assign(_due=a["state"] != "not yet due", _done=a["state"] == "completed",
                 _over=a["state"] == "overdue").groupby(["activity", "title"], sort=False)
    table = pd.DataFrame({"learners": g.size(), "due": g["_due"].sum(),
                          "completed": g["_done"].sum(), "overdue": g["_over"].sum()}
                         ).reset_index()
    table[["due", "completed", "overdue"]] = table[["due", "completed", "overdue"]].astype(float)
    table["share_overdue"] = (table["overdue"] / table["due"].where(table["due"] > 0)
                              ).astype(float)
    table = suppress_labelled(table, n="learners", min_group_size=min_group_size,
                      values=["due", "completed", "overdue", "share_overdue"])
    table = table.sort_values(["overdue", "share_overdue", "activity"],
                              ascending=[False, False, True], na_position="last",
                              kind="stable").reset_index(drop=True)
    return table.head(top) if top else table


def manager_followups(progress: PlanProgress, managers: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per manager: their people who are behind or not started, and what is overdue.

    Personal data (learners named by pseudonym): for the manager only, never
    an aggregate deliverable.

    Parameters
    ----------
    progress : PlanProgress
    managers : DataFrame
        learner (pseudonymous), manager (the manager's key, e.g. a pseudonym),
        and optionally learner_name, manager_name.

    Returns
    -------
    dict
        manager -> DataFrame of learner (and learner_name), status, activity,
        title, due, days_overdue; one row per overdue activity (a learner
        not started with nothing overdue yet does not appear). Managers
        without such people are left out.
    """
    for col in ("learner", "manager"):
        if col not in managers.columns:
            raise InputError(f"the manager table has no column '{col}'",
                             hint="columns: learner (pseudonymous id), manager")
    late = progress.activities[progress.activities["state"] == "overdue"]
    status = progress.learners[["learner", "status"]]
    extra = [c for c in ("learner_name",) if c in managers.columns]
    who = managers[["learner", "manager", *extra]].drop_duplicates("learner")
    frame = (late.merge(status, on="learner").merge(who, on="learner", how="inner")
             .sort_values(["manager", "learner", "due"], kind="stable"))
    cols = ["learner", *extra, "status", "activity", "title", "due", "days_overdue"]
    out = {}
    for manager, df in frame.groupby("manager", sort=True):
        table = df[cols].reset_index(drop=True)
        table["due"] = pd.to_datetime(table["due"]).dt.strftime("%Y-%m-%d")
        out[str(manager)] = table
    return out
