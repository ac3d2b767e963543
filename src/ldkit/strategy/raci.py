"""The learning organization: who is Responsible, Accountable, Consulted, Informed.

A :class:`Raci` assigns, for each activity of the digital learning function,
one or more of the letters R, A, C, I to its roles. The roles default to
those of the starter capability model ``digital-learning``
(``ldkit.capability.starter("digital-learning").roles``); the activities to
:data:`ACTIVITIES`. :func:`default_raci` is the starter assignment ldkit
ships, a sensible first draft to agree with the client.

:func:`check_raci` applies the rules of a usable matrix: every activity has
**exactly one** accountable role (A) and at least one responsible role (R).
A cell may hold several letters ("A/R": the accountable role also does
the work); it is written in A, R, C, I order.

Examples
--------
>>> raci = default_raci()
>>> raci.matrix.loc["rfp", "digital_learning_project_manager"]
'A/R'
>>> len(check_raci(raci))
0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ldkit._params import param_error

__all__ = ["ACTIVITIES", "RACI_LETTERS", "Raci", "check_raci", "default_raci", "parse_cell"]

RACI_LETTERS = ("R", "A", "C", "I")
_ORDER = ("A", "R", "C", "I")
RACI_MEANING = {"R": "responsible (does the work)", "A": "accountable (one per activity)",
                "C": "consulted", "I": "informed"}

ACTIVITIES = {
    "needs_analysis": "Needs analysis",
    "program_design": "Program design",
    "platform_evaluation": "Platform evaluation",
    "vendor_management": "Vendor management",
    "rfp": "RFP and technical specification",
    "rollout": "Rollout",
    "lms_administration": "LMS administration",
    "reporting": "Reporting and analytics",
}
"""The activities of the digital learning function (id -> name)."""

# The starter assignment (activity -> role -> letters); roles of 'digital-learning'.
_DEFAULT = {
    "needs_analysis": {"digital_learning_strategist": "A", "performance_consultant": "R",
                       "learning_data_analyst": "C", "learning_experience_designer": "C",
                       "digital_learning_project_manager": "I"},
    "program_design": {"digital_learning_strategist": "A", "learning_experience_designer": "R",
                       "content_producer": "C", "performance_consultant": "C",
                       "community_manager": "C", "learning_product_manager": "I"},
    "platform_evaluation": {"digital_learning_strategist": "A", "learning_product_manager": "R",
                            "lms_administrator": "C", "digital_learning_project_manager": "C",
                            "learning_data_analyst": "C"},
    "vendor_management": {"digital_learning_project_manager": "A/R",
                          "digital_learning_strategist": "C", "content_producer": "I"},
    "rfp": {"digital_learning_project_manager": "A/R", "lms_administrator": "C",
            "learning_product_manager": "C", "digital_learning_strategist": "I"},
    "rollout": {"digital_learning_project_manager": "A", "lms_administrator": "R",
                "community_manager": "R", "digital_learning_strategist": "C",
                "learning_experience_designer": "I"},
    "lms_administration": {"lms_administrator": "A/R", "learning_product_manager": "C",
                           "learning_data_analyst": "I"},
    "reporting": {"learning_data_analyst": "R", "digital_learning_strategist": "A",
                  "lms_administrator": "C", "digital_learning_project_manager": "I"},
}


def parse_cell(value: object) -> str | None:
    """Normalize a RACI cell: ``"r, a"`` -> ``"A/R"``; blank -> ``""``; None if not RACI letters.

    Examples
    --------
    >>> parse_cell("r/a"), parse_cell(" "), parse_cell("X")
    ('A/R', '', None)
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).upper()
    letters = [c for c in text if c.isalnum()]
    if any(c not in RACI_LETTERS for c in letters):
        return None
    return "/".join(c for c in _ORDER if c in letters)


@dataclass(frozen=True)
class Raci:
    """A RACI matrix: activities (rows) x roles (columns), cells of letters R, A, C, I.

    Parameters
    ----------
    matrix : DataFrame
        Index: activity ids (name ``activity``); columns: role ids; cells: ""
        or letters joined by "/" in A, R, C, I order (see :func:`parse_cell`).
    activity_names, role_names : mapping of str to str
        Display names.
    """

    matrix: pd.DataFrame
    activity_names: Mapping[str, str]
    role_names: Mapping[str, str]

    @classmethod
    def from_assignments(cls, assignments: Mapping[str, Mapping[str, str]], *,
                         roles: Mapping[str, str],
                         activities: Mapping[str, str] | None = None) -> Raci:
        """Build from ``{activity: {role: letters}}``; ``roles`` orders the columns.

        Raises ParameterError for a cell that is not RACI letters or an unknown role.
        """
        activities = dict(activities or {a: ACTIVITIES.get(a, a) for a in assignments})
        matrix = pd.DataFrame("", index=pd.Index(list(activities), name="activity"),
                              columns=list(roles), dtype=object)
        for activity, cells in assignments.items():
            for role, letters in cells.items():
                if role not in roles:
                    raise param_error("assignments", "Raci.from_assignments",
                                      f"keyed by known roles ({', '.join(roles)})", role)
                cell = parse_cell(letters)
                if cell is None:
                    raise param_error("assignments", "Raci.from_assignments",
                                      "letters of R, A, C, I", letters)
                matrix.loc[activity, role] = cell
        return cls(matrix, activities, dict(roles))

    def table(self, *, labels: bool = True) -> pd.DataFrame:
        """The matrix for reading: display names, only roles with at least one letter."""
        used = [r for r in self.matrix.columns if (self.matrix[r] != "").any()]
        out = self.matrix[used].copy()
        if labels:
            out.index = [self.activity_names.get(a, a) for a in out.index]
            out.columns = [self.role_names.get(r, r) for r in out.columns]
        out.index.name = "activity"
        return out.reset_index()

    def accountable(self) -> dict[str, list[str]]:
        """The roles holding A, per activity."""
        return {a: [r for r in self.matrix.columns if "A" in self.matrix.loc[a, r].split("/")]
                for a in self.matrix.index}

    def check(self) -> pd.DataFrame:
        """:func:`check_raci` of this matrix."""
        return check_raci(self)


def check_raci(raci: Raci) -> pd.DataFrame:
    """Every activity must have exactly one accountable role and at least one responsible.

    Returns
    -------
    DataFrame
        One row per problem: activity (id), problem (a sentence); empty when
        the matrix passes.

    Examples
    --------
    >>> r = Raci.from_assignments({"rfp": {"pm": "A", "lead": "A/R"}, "reporting": {"pm": "I"}},
    ...                           roles={"pm": "PM", "lead": "Lead"})
    >>> check_raci(r)["problem"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['2 accountable roles (PM, Lead): keep one A', 'no accountable role: give one role an A',
     'no responsible role: give at least one role an R']
    """
    rows = []
    for activity in raci.matrix.index:
        cells = raci.matrix.loc[activity]
        holds = {letter: [r for r in cells.index if letter in str(cells[r]).split("/")]
                 for letter in RACI_LETTERS}
        accountable = holds["A"]
        if len(accountable) > 1:
            who = ", ".join(raci.role_names.get(r, r) for r in accountable)
            rows.append((activity, f"{len(accountable)} accountable roles ({who}): keep one A"))
        elif not accountable:
            rows.append((activity, "no accountable role: give one role an A"))
        if not holds["R"]:
            rows.append((activity, "no responsible role: give at least one role an R"))
    return pd.DataFrame(rows, columns=["activity", "problem"])


def default_raci(roles: Sequence[str] | None = None) -> Raci:
    """The starter RACI of the digital learning function (roles of ``digital-learning``).

    Parameters
    ----------
    roles : sequence of str, optional
        Role ids to keep as columns, in order (default: every role of the
        starter model). Assignments to other roles are dropped.
    """
    from ldkit.capability import starter

    model = starter("digital-learning")
    names = {r.id: r.name for r in model.roles}
    keep = list(roles) if roles is not None else list(names)
    assignments = {a: {r: v for r, v in cells.items() if r in keep}
                   for a, cells in _DEFAULT.items()}
    return Raci.from_assignments(assignments, roles={r: names.get(r, r) for r in keep},
                                 activities=ACTIVITIES)
