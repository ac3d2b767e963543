"""An ROI case as one object, and its full analysis.

A :class:`RoiCase` holds what a business case needs: the cost lines, the
benefit measures, the intangibles, the short-programme flag, and optionally
the multi-year view, the Monte Carlo settings, option appraisals and a
staffing case. Read one from YAML with :func:`ldkit.roi.read_case`;
:func:`analyse_case` computes everything from it.

Examples
--------
>>> from ldkit.roi.demo import example_case
>>> analysis = analyse_case(example_case(), draws=1_000)
>>> analysis.roi.bcr > 1, analysis.multi_year is not None
(True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ldkit._params import check_choice, check_number, param_error
from ldkit.roi.appraisal import Appraisal, RoleCost, StaffingCase
from ldkit.roi.benefits import BenefitMeasure, Benefits, Intangible, monetize_benefits
from ldkit.roi.costs import CostModel
from ldkit.roi.finance import MultiYear
from ldkit.roi.phillips import RoiResult, phillips_roi
from ldkit.roi.sensitivity import DISTRIBUTIONS, MonteCarloResult

__all__ = [
    "CaseAnalysis",
    "MultiYearSpec",
    "OptionSet",
    "RoiCase",
    "StaffingSpec",
    "analyse_case",
]


@dataclass(frozen=True)
class MultiYearSpec:
    """The multi-year view of a case: years, discount rate, benefit retention.

    ``recurring_costs`` defaults to the loaded cost of the recurring cost lines.
    """

    years: int
    discount_rate: float
    retention: tuple[float, ...] | None = None
    recurring_costs: float | None = None

    def __post_init__(self) -> None:
        check_number("years", self.years, func="MultiYearSpec", low=1, high=10, integer=True)
        check_number("discount_rate", self.discount_rate, func="MultiYearSpec", low=0, high=1)
        if self.retention is not None:
            object.__setattr__(self, "retention", tuple(float(r) for r in self.retention))
        if self.recurring_costs is not None:
            check_number("recurring_costs", self.recurring_costs, func="MultiYearSpec", low=0)


@dataclass(frozen=True)
class OptionSet:
    """Options to appraise: option x criterion scores and the criteria weights."""

    title: str
    scores: pd.DataFrame = field(repr=False)
    weights: Mapping[str, float] = field(default_factory=dict)
    must_pass: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class StaffingSpec:
    """The staffing case: roles in house against an outsourcing fee (see staffing_case)."""

    in_house: tuple[RoleCost, ...]
    outsourcing_fee: float
    retained: tuple[RoleCost, ...] = ()
    transition_cost: float = 0.0
    years: int = 3
    discount_rate: float = 0.08
    salary_growth: float = 0.0
    fee_growth: float = 0.0


@dataclass(frozen=True)
class RoiCase:
    """Everything a programme's business case says, validated.

    Parameters
    ----------
    program : str
    costs : CostModel
    measures : tuple of BenefitMeasure
    intangibles : tuple of Intangible
    short_program : bool
        First-year benefits only (default True).
    currency : str
    multi_year : MultiYearSpec, optional
    draws, seed : int
        Monte Carlo settings (default 10,000 draws, seed 0).
    distribution : {"pert", "triangular"}
    options : tuple of OptionSet
    staffing : StaffingSpec, optional
    source : str
        The file it was read from, if any.
    """

    program: str
    costs: CostModel
    measures: tuple[BenefitMeasure, ...]
    intangibles: tuple[Intangible, ...] = ()
    short_program: bool = True
    currency: str = "EUR"
    multi_year: MultiYearSpec | None = None
    draws: int = 10_000
    seed: int = 0
    distribution: str = "pert"
    options: tuple[OptionSet, ...] = ()
    staffing: StaffingSpec | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.costs, CostModel):
            raise param_error("costs", "RoiCase", "a CostModel", self.costs)
        check_number("draws", self.draws, func="RoiCase", low=100, high=1_000_000, integer=True)
        check_number("seed", self.seed, func="RoiCase", low=0, integer=True)
        check_choice("distribution", self.distribution, DISTRIBUTIONS, func="RoiCase")

    def benefits(self) -> Benefits:
        """The monetized benefits under the conservative rules."""
        return monetize_benefits(self.measures, intangibles=self.intangibles,
                                 short_program=self.short_program)

    def roi(self) -> RoiResult:
        """Year-one BCR, ROI %, net benefit and payback, with the rules applied."""
        return phillips_roi(self.benefits(), self.costs)


@dataclass(frozen=True)
class CaseAnalysis:
    """Every result of a case: ROI, multi-year view, break-even, sensitivity, options.

    ``monte_carlo`` is None when no input has a range; ``multi_year`` when the
    case gives no years; ``staffing`` when it has no staffing case.
    """

    case: RoiCase = field(repr=False)
    benefits: Benefits = field(repr=False)
    roi: RoiResult
    multi_year: MultiYear | None
    break_even: pd.DataFrame = field(repr=False)
    tornado: pd.DataFrame = field(repr=False)
    monte_carlo: MonteCarloResult | None = field(repr=False)
    appraisals: tuple[Appraisal, ...] = field(default=(), repr=False)
    staffing: StaffingCase | None = field(default=None, repr=False)

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules applied to the ROI and to the multi-year view."""
        extra = []
        if self.multi_year is not None and self.case.short_program \
                and self.case.multi_year.years > 1:
            extra.append("Multi-year view of a short programme: benefits after year one are "
                         "set to 0 (principle 9).")
        return (*self.roi.rules, *extra)

    def result_table(self) -> pd.DataFrame:
        """metric / value rows: the ROI, and NPV, IRR and Monte Carlo where computed."""
        rows = list(self.roi.summary().itertuples(index=False, name=None))
        if self.multi_year is not None:
            rows += [("npv", self.multi_year.npv), ("irr", self.multi_year.irr),
                     ("discount_rate", self.multi_year.discount_rate),
                     ("years", float(self.case.multi_year.years))]
        if self.monte_carlo is not None:
            rows += [("prob_roi_positive", self.monte_carlo.prob_roi_positive),
                     ("monte_carlo_draws", float(self.monte_carlo.draws))]
        return pd.DataFrame(rows, columns=["metric", "value"])


def analyse_case(case: RoiCase, *, draws: int | None = None, seed: int | None = None
                 ) -> CaseAnalysis:
    """Compute every result of a case.

    Parameters
    ----------
    case : RoiCase
    draws, seed : int, optional
        Override the case's Monte Carlo settings.

    Returns
    -------
    CaseAnalysis
    """
    from ldkit.roi.appraisal import appraise_options, staffing_case
    from ldkit.roi.finance import break_even_improvement, multi_year
    from ldkit.roi.sensitivity import case_inputs, monte_carlo, tornado

    if not isinstance(case, RoiCase):
        raise param_error("case", "analyse_case", "a RoiCase", case)
    benefits = case.benefits()
    roi = phillips_roi(benefits, case.costs)
    years = None
    if case.multi_year is not None:
        spec = case.multi_year
        recurring = case.costs.recurring if spec.recurring_costs is None else spec.recurring_costs
        years = multi_year(roi.costs, roi.benefits, years=spec.years,
                           discount_rate=spec.discount_rate, retention=spec.retention,
                           recurring_costs=recurring, short_program=case.short_program)
    mc = None
    if case_inputs(case)["ranged"].any():
        mc = monte_carlo(case, draws=case.draws if draws is None else draws,
                         seed=case.seed if seed is None else seed,
                         distribution=case.distribution)
    appraisals = tuple(appraise_options(o.scores, o.weights, title=o.title,
                                        must_pass=o.must_pass or None) for o in case.options)
    staffing = None
    if case.staffing is not None:
        s = case.staffing
        staffing = staffing_case(s.in_house, outsourcing_fee=s.outsourcing_fee,
                                 retained=s.retained, transition_cost=s.transition_cost,
                                 years=s.years, discount_rate=s.discount_rate,
                                 salary_growth=s.salary_growth, fee_growth=s.fee_growth)
    return CaseAnalysis(case, benefits, roi, years, break_even_improvement(benefits, roi.costs),
                        tornado(case), mc, appraisals, staffing)
