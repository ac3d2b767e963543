"""ROI, evaluation and the business case (Phillips methodology).

Public API::

    COST_CATEGORIES, CostItem, CostModel, cost_model        fully loaded costs
    design_development, participant_time                    prorated design; loaded time
    BenefitMeasure, Intangible, Benefits, monetize_benefits  benefits, conservative rules
    phillips_roi, RoiResult                                 BCR, ROI %, net benefit, payback
    npv, irr, multi_year, MultiYear, break_even_improvement the multi-year view
    tornado, monte_carlo, MonteCarloResult, case_inputs     sensitivity
    with_inputs                                             a scenario with new estimates
    appraise_options, Appraisal                             options and RFP responses
    staffing_case, StaffingCase, RoleCost                   in house or outsourced
    RoiCase, analyse_case, CaseAnalysis, read_case          a whole case from YAML
    plot_roi_waterfall, plot_tornado, plot_monte_carlo, plot_option_ranking
    example_case, write_demo_case                           Demo Bio's synthetic case

Run a case from the command line: ``ldkit roi CASE.yaml``. The programme
evaluation (Kirkpatrick levels 1-4 with level 5) is :mod:`ldkit.evaluation`.
"""

from ldkit.roi.appraisal import Appraisal, RoleCost, StaffingCase, appraise_options, staffing_case
from ldkit.roi.benefits import (
    ESTIMATE_METHODS,
    ISOLATION_METHODS,
    BenefitMeasure,
    Benefits,
    Intangible,
    monetize_benefits,
)
from ldkit.roi.case import EXAMPLE_CASE, case_from_dict, read_case
from ldkit.roi.costs import (
    COST_CATEGORIES,
    CostItem,
    CostModel,
    cost_model,
    design_development,
    participant_time,
)
from ldkit.roi.demo import example_case, write_demo_case
from ldkit.roi.finance import MultiYear, break_even_improvement, irr, multi_year, npv
from ldkit.roi.model import (
    CaseAnalysis,
    MultiYearSpec,
    OptionSet,
    RoiCase,
    StaffingSpec,
    analyse_case,
)
from ldkit.roi.phillips import RoiResult, phillips_roi
from ldkit.roi.plots import (
    plot_monte_carlo,
    plot_option_ranking,
    plot_roi_waterfall,
    plot_tornado,
)
from ldkit.roi.sensitivity import (
    MonteCarloResult,
    case_inputs,
    monte_carlo,
    tornado,
    with_inputs,
)

__all__ = [
    "COST_CATEGORIES",
    "ESTIMATE_METHODS",
    "EXAMPLE_CASE",
    "ISOLATION_METHODS",
    "Appraisal",
    "BenefitMeasure",
    "Benefits",
    "CaseAnalysis",
    "CostItem",
    "CostModel",
    "Intangible",
    "MonteCarloResult",
    "MultiYear",
    "MultiYearSpec",
    "OptionSet",
    "RoiCase",
    "RoiResult",
    "RoleCost",
    "StaffingCase",
    "StaffingSpec",
    "analyse_case",
    "appraise_options",
    "break_even_improvement",
    "case_from_dict",
    "case_inputs",
    "cost_model",
    "design_development",
    "example_case",
    "irr",
    "monetize_benefits",
    "monte_carlo",
    "multi_year",
    "npv",
    "participant_time",
    "phillips_roi",
    "plot_monte_carlo",
    "plot_option_ranking",
    "plot_roi_waterfall",
    "plot_tornado",
    "read_case",
    "staffing_case",
    "tornado",
    "with_inputs",
    "write_demo_case",
]
