"""Option appraisal and the staffing business case.

**Options** (build in house, buy from a vendor, a strategic learning
partnership; or learning platforms from RFP responses): each option is scored
on weighted criteria; the weighted sum ranks them (the weighted-sum model).
How robust is the top option? For each criterion, its weight is moved while
the other weights keep their proportions (all weights still sum to 1); the
weight at which another option ties the top one is where the ranking flips.
The smallest such change over all criteria is the most critical criterion
(after Triantaphyllou & Sanchez, 1997, for the weighted-sum model).

**Staffing**: the digital learning function (e.g. strategist, project manager,
LMS administrator) staffed in house from loaded role costs (salary, employer
on-costs, overhead per FTE, one-off recruitment) against outsourcing (a
vendor's annual fee, the retained roles that manage the vendor, one-off
transition costs), year by year and as the NPV of costs.

References
----------
Triantaphyllou, E., & Sanchez, A. (1997). A sensitivity analysis approach for
some deterministic multi-criteria decision-making methods. *Decision
Sciences*, 28(1), 151-194.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ldkit._params import check_number, param_error

__all__ = [
    "Appraisal",
    "RoleCost",
    "StaffingCase",
    "appraise_options",
    "staffing_case",
]


@dataclass(frozen=True)
class Appraisal:
    """Weighted scores, ranking and robustness of a set of options.

    Attributes
    ----------
    title : str
    scores : DataFrame
        Option (index) x criterion mean scores.
    weights : Series
        Normalized weights (sum 1), by criterion.
    ranking : DataFrame
        rank, option, weighted_score, gap_to_top.
    robustness : DataFrame
        Per criterion: weight, flip_weight (where another option ties the top
        one; NaN if none in [0, 1]), change (flip_weight - weight), new_top.
    excluded : DataFrame
        option, reason (options failing a must-pass criterion).
    """

    title: str
    scores: pd.DataFrame = field(repr=False)
    weights: pd.Series = field(repr=False)
    ranking: pd.DataFrame = field(repr=False)
    robustness: pd.DataFrame = field(repr=False)
    excluded: pd.DataFrame = field(repr=False)

    @property
    def top(self) -> str:
        """The top-ranked option."""
        return str(self.ranking["option"].iloc[0])

    @property
    def critical(self) -> pd.Series | None:
        """The robustness row with the smallest weight change that flips the top option."""
        flips = self.robustness.dropna(subset=["change"])
        if flips.empty:
            return None
        return flips.loc[flips["change"].abs().idxmin()]


def _score_matrix(scores: pd.DataFrame, func: str) -> pd.DataFrame:
    if not isinstance(scores, pd.DataFrame) or scores.empty:
        raise param_error("scores", func, "a non-empty DataFrame", type(scores).__name__)
    if {"option", "criterion", "score"} <= set(scores.columns):
        tidy = scores
        values = pd.to_numeric(tidy["score"], errors="coerce")
        if values.isna().any():
            bad = tidy.loc[values.isna(), "score"].iloc[0]
            raise param_error("scores", func, "numeric scores", bad)
        matrix = (tidy.assign(score=values)
                  .pivot_table(index="option", columns="criterion", values="score",
                               aggfunc="mean", sort=False))
    else:
        matrix = scores.apply(pd.to_numeric, errors="coerce")
        if matrix.isna().any().any():
            raise param_error("scores", func, "numeric scores for every option and criterion",
                              "a missing or non-numeric score")
    if matrix.isna().any().any():
        row, col = np.argwhere(matrix.isna().to_numpy())[0]
        raise param_error("scores", func, "a score for every option and criterion",
                          f"none for {matrix.index[row]!s} on {matrix.columns[col]!s}")
    matrix.index = matrix.index.map(str)
    matrix.columns = matrix.columns.map(str)
    matrix.index.name, matrix.columns.name = "option", None
    return matrix.astype("float64")


def _flip(scores: np.ndarray, weights: np.ndarray, c: int, top: int) -> tuple[float, int]:
    """Weight of criterion c at which another option ties the top one (nearest to now)."""
    w_c = weights[c]
    if w_c >= 1.0:
        return math.nan, -1
    rest = scores @ weights - scores[:, c] * w_c  # sum over k != c of w_k s_k
    best_t, best_o = math.nan, -1
    for o in range(scores.shape[0]):
        if o == top:
            continue
        a = scores[top, c] - scores[o, c]
        b = (rest[top] - rest[o]) / (1 - w_c)
        if math.isclose(a, b):
            continue  # the gap does not depend on this weight
        t = b / (b - a)
        if 0.0 <= t <= 1.0 and (math.isnan(best_t) or abs(t - w_c) < abs(best_t - w_c)):
            best_t, best_o = t, o
    return best_t, best_o


def appraise_options(scores: pd.DataFrame, weights: Mapping[str, float], *,
                     title: str = "Options", must_pass: Mapping[str, float] | None = None
                     ) -> Appraisal:
    """Rank options by weighted criteria and find how robust the top option is.

    Parameters
    ----------
    scores : DataFrame
        Option (index) x criterion (columns) scores, higher is better; or a
        tidy table with columns ``option``, ``criterion``, ``score`` (several
        evaluators' scores are averaged), as RFP scoring sheets come.
    weights : mapping of str to float
        Weight of every criterion (any positive scale; normalized to sum 1).
    title : str
        What is decided ("Delivery model", "Learning platform RFP").
    must_pass : mapping of str to float, optional
        Criterion -> minimum score; an option below it on any is excluded
        (listed in ``excluded`` with the reason) before ranking.

    Returns
    -------
    Appraisal

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"cost": [4, 2, 3], "quality": [2, 5, 5]},
    ...                  index=["build", "buy", "partner"])
    >>> a = appraise_options(s, {"cost": 0.5, "quality": 0.5})
    >>> a.ranking[["option", "weighted_score"]].to_dict("list")
    {'option': ['partner', 'buy', 'build'], 'weighted_score': [4.0, 3.5, 3.0]}
    >>> a.robustness[["criterion", "flip_weight", "new_top"]].round(3).to_dict("list")
    {'criterion': ['cost', 'quality'], 'flip_weight': [0.75, 0.25], 'new_top': ['build', 'build']}
    """
    func = "appraise_options"
    matrix = _score_matrix(scores, func)
    if not isinstance(weights, Mapping) or not weights:
        raise param_error("weights", func, "a mapping of criterion to weight", weights)
    for name, w in weights.items():
        check_number(f"weights[{name!r}]", w, func=func, low=0)
    missing = [c for c in matrix.columns if c not in weights]
    if missing:
        raise param_error("weights", func, "a weight for every criterion scored",
                          f"none for {missing[0]!r}")
    extra = [c for c in weights if c not in matrix.columns]
    if extra:
        raise param_error("weights", func, "weights of criteria that are scored",
                          f"{extra[0]!r} (not scored)")
    total = float(sum(weights.values()))
    if total <= 0:
        raise param_error("weights", func, "weights with a positive sum", dict(weights))
    w = pd.Series({c: float(weights[c]) / total for c in matrix.columns}, name="weight")
    excluded = []
    if must_pass:
        for crit, minimum in must_pass.items():
            if crit not in matrix.columns:
                raise param_error("must_pass", func, "keyed by scored criteria", crit)
            for option in matrix.index[matrix[crit] < minimum]:
                excluded.append((option, f"{crit} {matrix.at[option, crit]:g} < {minimum:g}"))
    excluded_frame = (pd.DataFrame(excluded, columns=["option", "reason"])
                      .drop_duplicates("option"))
    kept = matrix.drop(index=excluded_frame["option"].tolist())
    if kept.empty:
        raise param_error("must_pass", func, "a threshold that some option passes",
                          dict(must_pass or {}))
    weighted = kept.to_numpy() @ w.to_numpy()
    order = sorted(range(len(kept)), key=lambda i: (-round(weighted[i], 12), kept.index[i]))
    ranking = pd.DataFrame({
        "rank": range(1, len(kept) + 1),
        "option": [kept.index[i] for i in order],
        "weighted_score": [float(weighted[i]) for i in order],
    })
    ranking["gap_to_top"] = ranking["weighted_score"].iloc[0] - ranking["weighted_score"]
    top = order[0]
    rows = []
    for c, crit in enumerate(kept.columns):
        t, o = _flip(kept.to_numpy(), w.to_numpy(), c, top)
        rows.append((crit, float(w.iloc[c]), t + 0.0, t - w.iloc[c] if o >= 0 else math.nan,
                     kept.index[o] if o >= 0 else ""))
    robustness = pd.DataFrame(rows, columns=["criterion", "weight", "flip_weight", "change",
                                             "new_top"])
    return Appraisal(title, kept, w, ranking, robustness, excluded_frame.reset_index(drop=True))


@dataclass(frozen=True)
class RoleCost:
    """One role of the learning function, costed in house.

    Parameters
    ----------
    role : str
    fte : float
        Full-time equivalents (> 0).
    salary : float
        Annual base salary per FTE.
    benefits_rate : float
        Employer on-costs (benefits, social charges) as a share of salary.
    overhead_per_fte : float
        Workspace, IT, tools and development per FTE per year.
    recruitment : float
        One-off cost of hiring (per FTE) in year one.

    Examples
    --------
    >>> RoleCost("LMS Administrator", 1, 60_000, benefits_rate=0.3,
    ...          overhead_per_fte=10_000).annual_cost
    88000.0
    """

    role: str
    fte: float
    salary: float
    benefits_rate: float = 0.0
    overhead_per_fte: float = 0.0
    recruitment: float = 0.0

    def __post_init__(self) -> None:
        func = f"RoleCost {self.role!r}"
        check_number("fte", self.fte, func=func, low=0)
        check_number("salary", self.salary, func=func, low=0)
        check_number("benefits_rate", self.benefits_rate, func=func, low=0, high=2)
        check_number("overhead_per_fte", self.overhead_per_fte, func=func, low=0)
        check_number("recruitment", self.recruitment, func=func, low=0)

    @property
    def annual_cost(self) -> float:
        """Loaded annual cost: fte x (salary x (1 + benefits rate) + overhead)."""
        return self.fte * (self.salary * (1 + self.benefits_rate) + self.overhead_per_fte)

    @property
    def one_off(self) -> float:
        return self.fte * self.recruitment


@dataclass(frozen=True)
class StaffingCase:
    """In house against outsourcing, year by year.

    Attributes
    ----------
    roles : DataFrame
        Per role: option (in house / retained), role, fte, salary, on_costs,
        overhead, annual_cost, one_off.
    years : DataFrame
        year, in_house, outsourced, difference (outsourced - in house).
    npv_in_house, npv_outsourced : float
        Present value of each option's costs.
    discount_rate : float
    """

    roles: pd.DataFrame = field(repr=False)
    years: pd.DataFrame = field(repr=False)
    npv_in_house: float
    npv_outsourced: float
    discount_rate: float

    @property
    def cheaper(self) -> str:
        """"in house" or "outsourced" (lower present value of costs)."""
        return "in house" if self.npv_in_house <= self.npv_outsourced else "outsourced"

    @property
    def saving(self) -> float:
        """Present value saved by the cheaper option."""
        return abs(self.npv_outsourced - self.npv_in_house)

    def summary(self) -> pd.DataFrame:
        """option, total cost over the years, NPV of costs."""
        return pd.DataFrame({
            "option": ["in house", "outsourced"],
            "total_cost": [self.years["in_house"].sum(), self.years["outsourced"].sum()],
            "npv_cost": [self.npv_in_house, self.npv_outsourced],
        })


def staffing_case(in_house: Iterable[RoleCost], *, outsourcing_fee: float,
                  retained: Iterable[RoleCost] = (), transition_cost: float = 0.0,
                  years: int = 3, discount_rate: float = 0.08, salary_growth: float = 0.0,
                  fee_growth: float = 0.0) -> StaffingCase:
    """Compare staffing the learning function in house with outsourcing it.

    Parameters
    ----------
    in_house : iterable of RoleCost
        The roles hired (e.g. strategist, project manager, LMS administrator).
    outsourcing_fee : float
        The vendor's annual fee for the same services.
    retained : iterable of RoleCost
        Roles kept in house to manage the vendor when outsourcing.
    transition_cost : float
        One-off cost of outsourcing in year one (tender, handover).
    years : int
        1 to 10.
    discount_rate : float
        In [0, 1]; costs are discounted at the end of each year.
    salary_growth, fee_growth : float
        Yearly growth of salaries and of the fee, each in [0, 1].

    Examples
    --------
    >>> case = staffing_case([RoleCost("Strategist", 1, 100_000)], outsourcing_fee=90_000,
    ...                      transition_cost=15_000, years=2, discount_rate=0.0)
    >>> case.years[["in_house", "outsourced"]].to_dict("list")
    {'in_house': [100000.0, 100000.0], 'outsourced': [105000.0, 90000.0]}
    >>> case.cheaper, case.saving
    ('outsourced', 5000.0)
    """
    func = "staffing_case"
    hired, kept = list(in_house), list(retained)
    for r in [*hired, *kept]:
        if not isinstance(r, RoleCost):
            raise param_error("in_house", func, "an iterable of RoleCost", r)
    if not hired:
        raise param_error("in_house", func, "at least one RoleCost", hired)
    check_number("outsourcing_fee", outsourcing_fee, func=func, low=0)
    check_number("transition_cost", transition_cost, func=func, low=0)
    check_number("years", years, func=func, low=1, high=10, integer=True)
    check_number("discount_rate", discount_rate, func=func, low=0, high=1)
    check_number("salary_growth", salary_growth, func=func, low=0, high=1)
    check_number("fee_growth", fee_growth, func=func, low=0, high=1)

    def yearly(roles: Sequence[RoleCost], k: int) -> float:
        grow = (1 + salary_growth) ** k
        return math.fsum(r.annual_cost * grow + (r.one_off if k == 0 else 0.0) for r in roles)

    rows = []
    for k in range(years):
        own = yearly(hired, k)
        out = (outsourcing_fee * (1 + fee_growth) ** k + yearly(kept, k)
               + (transition_cost if k == 0 else 0.0))
        rows.append((k + 1, own, out))
    table = pd.DataFrame(rows, columns=["year", "in_house", "outsourced"])
    table["difference"] = table["outsourced"] - table["in_house"]
    factor = 1.0 / (1.0 + discount_rate) ** table["year"]
    role_rows = [(label, r.role, r.fte, r.salary, r.fte * r.salary * r.benefits_rate,
                  r.fte * r.overhead_per_fte, r.annual_cost, r.one_off)
                 for label, roles in (("in house", hired), ("retained", kept)) for r in roles]
    roles = pd.DataFrame(role_rows, columns=["option", "role", "fte", "salary", "on_costs",
                                             "overhead", "annual_cost", "one_off"])
    return StaffingCase(roles, table, float((table["in_house"] * factor).sum()),
                        float((table["outsourced"] * factor).sum()), float(discount_rate))
