"""Read an ROI business case from YAML (``CASE.yaml``); every problem with its line.

Layout (``example_case.yaml`` beside this module is a complete, commented one)::

    program: Commercial excellence programme     # required
    currency: EUR                                # ISO code, default EUR
    participants: 240                            # people in the evaluated programme
    short_program: true                          # first-year benefits only (default true)

    costs:                                       # fully loaded: list every category
      - {category: needs_assessment, item: Needs analysis, amount: 18000}
      - category: design_development             # prorated over planned deliveries
        item: Curriculum design
        amount: 96000
        deliveries_planned: 4
        deliveries_evaluated: 1
      - category: participant_time               # loaded salary x hours
        item: Time away from the field
        participants: 240
        hours: 24
        annual_salary: 82000                     # or hourly_rate: 61.5
        benefits_factor: 0.32                    # employer on-costs, share of salary
        working_hours: 1760
      - {category: technology, item: LMS licences, amount: 14400, recurring: true,
         range: [12000, 18000]}                  # range of the loaded cost (sensitivity)
      # categories: needs_assessment, design_development, delivery, participant_time,
      #             technology, evaluation, overhead

    benefits:
      - name: Gross margin from new-indication sales
        unit: EUR of sales
        annual_improvement: 2400000              # units per year; a list = alternatives
                                                 # (the lowest is used); null = no data
        value_per_unit: 0.35                     # money per unit (a margin, a cost avoided)
        isolation: {method: control group, share: 0.5}   # required when there is data
        confidence: 0.9                          # required for estimates
        estimate: false                          # default: true for *estimate methods
        ranges: {annual_improvement: [1800000, 2800000], isolation_share: [0.4, 0.6]}

    intangibles:                                 # listed, never converted to money
      - {name: Customer experience, description: ..., evidence: ...}

    multi_year: {years: 3, discount_rate: 0.08, retention: [1.0, 0.6, 0.3]}
                                                 # recurring_costs: default from the lines
    monte_carlo: {draws: 10000, seed: 11, distribution: pert}   # or triangular

    options:                                     # option appraisals (one or more)
      - title: Delivery model
        weights: {cost: 0.3, quality: 0.3, speed: 0.2, scalability: 0.2}
        must_pass: {compliance: 3}               # optional minimum scores
        scores:
          build: {cost: 3, quality: 4, speed: 2, scalability: 3}
          buy: {cost: 4, quality: 3, speed: 5, scalability: 3}

    staffing:                                    # the learning function in house or not
      years: 3
      discount_rate: 0.08
      salary_growth: 0.03
      in_house:
        - {role: Digital Learning Strategist, fte: 1, salary: 98000, benefits_rate: 0.3,
           overhead_per_fte: 12000, recruitment: 18000}
      outsourcing: {annual_fee: 310000, fee_growth: 0.03, transition_cost: 25000,
                    retained: [{role: Vendor manager, fte: 0.3, salary: 90000}]}

Shares are decimals in [0, 1] (60% is 0.6). Every problem is reported at once
with its line: negative costs, shares outside [0, 1], a discount rate outside
[0, 1], a range with low above high, unknown keys, and breaches of the
conservative rules (a benefit without an isolation share, an estimate without
a confidence share, an intangible with a money value).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ldkit.errors import LdkitError, Location, Problem, ValidationError
from ldkit.roi.appraisal import RoleCost
from ldkit.roi.benefits import (
    ISOLATION_METHODS,
    RANGE_FIELDS,
    BenefitMeasure,
    Intangible,
    benefit_problems,
)
from ldkit.roi.costs import (
    COST_CATEGORIES,
    CostItem,
    cost_model,
    design_development,
    participant_time,
)
from ldkit.roi.model import MultiYearSpec, OptionSet, RoiCase, StaffingSpec
from ldkit.yamlio import is_number, is_whole

__all__ = ["EXAMPLE_CASE", "case_from_dict", "read_case"]

EXAMPLE_CASE = Path(__file__).with_name("example_case.yaml")
"""A complete, commented example case shipped with ldkit."""

_TOP = ("program", "currency", "participants", "short_program", "costs", "benefits",
        "intangibles", "multi_year", "monte_carlo", "options", "staffing")
_COST = ("category", "item", "amount", "share", "basis", "recurring", "range",
         "deliveries_planned", "deliveries_evaluated", "participants", "hours", "hourly_rate",
         "annual_salary", "benefits_factor", "working_hours")
_BENEFIT = ("name", "unit", "source", "annual_improvement", "value_per_unit", "isolation",
            "confidence", "estimate", "ranges")
_ROLE = ("role", "fte", "salary", "benefits_rate", "overhead_per_fte", "recruitment")


class _Reader:
    """Walks the case, collecting problems with their lines."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    # -- locations and problems
    def where(self, node: Any, path: str, key: Any = None) -> Location:
        line = getattr(node, "line", None)
        if key is not None:
            line = (getattr(node, "key_lines", None) or {}).get(key, line)
        field = f"{path}.{key}" if key is not None and path else (key or path)
        return Location(file=self.file, field=str(field) if field is not None else None,
                        line=line)

    def add(self, message: str, where: Location, hint: str | None = None) -> None:
        self.problems.append(Problem(message, where, hint))

    def mapping(self, node: Any, path: str, parent: Any = None, key: Any = None) -> bool:
        if isinstance(node, Mapping):
            return True
        self.add(f"'{path}' must be a mapping (key: value lines), got {node!r}",
                 self.where(parent, "", key) if parent is not None else
                 Location(file=self.file, field=path))
        return False

    def listing(self, node: Mapping, key: str, path: str, *, required: bool = False) -> list:
        value = node.get(key)
        if value is None:
            if required:
                self.add(f"'{key}' is missing", self.where(node, path),
                         f"add '{key}:' with a list of items (lines starting with '- ')")
            return []
        if not isinstance(value, list):
            self.add(f"'{key}' must be a list (items starting with '- ')",
                     self.where(node, path, key))
            return []
        return value

    def known(self, node: Mapping, keys: tuple[str, ...], path: str) -> None:
        for key in node:
            if key not in keys:
                self.add(f"unknown key '{key}'", self.where(node, path, key),
                         f"known keys here: {', '.join(keys)}")

    def text(self, node: Mapping, key: str, path: str, *, required: bool = False) -> str:
        value = node.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(f"'{key}' is missing", self.where(node, path), f"add '{key}: ...'")
            return ""
        if isinstance(value, Mapping | list):
            self.add(f"'{key}' must be text", self.where(node, path, key))
            return ""
        return str(value).strip()

    def flag(self, node: Mapping, key: str, path: str, default: bool | None) -> bool | None:
        value = node.get(key, default)
        if value is None or isinstance(value, bool):
            return value
        self.add(f"'{key}' must be true or false, got {value!r}", self.where(node, path, key))
        return default

    def number(self, node: Mapping, key: str, path: str, *, low: float | None = None,
               high: float | None = None, required: bool = False, default: Any = None,
               integer: bool = False, what: str = "", hint: str | None = None) -> Any:
        if key not in node or node.get(key) is None:
            if required:
                self.add(f"'{key}' is missing", self.where(node, path),
                         hint or f"add '{key}: <number>'")
            return default
        return self.check(node[key], key, self.where(node, path, key), low=low, high=high,
                          integer=integer, what=what, hint=hint)

    def check(self, value: Any, key: str, where: Location, *, low: float | None = None,
              high: float | None = None, integer: bool = False, what: str = "",
              hint: str | None = None) -> Any:
        kind = "a whole number" if integer else "a (finite) number"
        if not (is_whole(value) if integer else is_number(value)):
            self.add(f"'{key}' must be {kind}, got {value!r}", where,
                     hint or f"write {kind} without quotes, e.g. {'240' if integer else '0.5'}"
                     " (YAML reads yes/no as true/false, .nan as not a number)")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            span = (f"in [{low:g}, {high:g}]" if low is not None and high is not None
                    else f">= {low:g}" if low is not None else f"<= {high:g}")
            if low == 0 and high is None:
                self.add(f"'{key}' is negative ({value:g}): {what or key} cannot be negative",
                         where, hint or "give the amount as a positive number")
            else:
                self.add(f"'{key}' must be {span}{f' ({what})' if what else ''}, got {value:g}",
                         where, hint)
            return None
        return value

    def alternatives(self, node: Mapping, key: str, path: str, *, low: float | None,
                     high: float | None, what: str, hint: str | None = None) -> Any:
        """A number or a list of alternative numbers."""
        value = node.get(key)
        where = self.where(node, path, key)
        if value is None:
            return None
        if isinstance(value, list):
            if not value:
                self.add(f"'{key}' is an empty list", where, "give a number or alternatives")
                return None
            checked = [self.check(v, key, where, low=low, high=high, what=what, hint=hint)
                       for v in value]
            return None if any(v is None for v in checked) else tuple(checked)
        return self.check(value, key, where, low=low, high=high, what=what, hint=hint)

    def pair(self, value: Any, key: str, where: Location, *, low: float | None,
             high: float | None, what: str) -> tuple[float, float] | None:
        if not isinstance(value, list) or len(value) != 2:
            self.add(f"'{key}' must be a range [low, high], got {value!r}", where)
            return None
        checked = [self.check(v, key, where, low=low, high=high, what=what) for v in value]
        if any(v is None for v in checked):
            return None
        if checked[0] > checked[1]:
            self.add(f"'{key}': the low end {checked[0]:g} is above the high end "
                     f"{checked[1]:g}", where, "write the range as [low, high]")
            return None
        return checked[0], checked[1]

    # -- sections
    def cost(self, node: Any, path: str, participants: int) -> CostItem | None:
        if not self.mapping(node, path):
            return None
        self.known(node, _COST, path)
        n = len(self.problems)
        category = self.text(node, "category", path, required=True)
        if category and category not in COST_CATEGORIES:
            self.add(f"unknown cost category '{category}'", self.where(node, path, "category"),
                     f"use one of {', '.join(COST_CATEGORIES)}")
        item = self.text(node, "item", path, required=True)
        rng = None
        if node.get("range") is not None:
            rng = self.pair(node["range"], "range", self.where(node, path, "range"), low=0,
                            high=None, what="a cost")
        common = {"recurring": bool(self.flag(node, "recurring", path, False)),
                  "basis": self.text(node, "basis", path)}
        if rng:
            common.update(low=rng[0], high=rng[1])
        cost_of = f"the cost of '{item}'"
        if "hours" in node:
            hours = self.number(node, "hours", path, low=0, required=True, what="hours")
            people = self.number(node, "participants", path, low=0, default=participants,
                                 what="participants")
            if people == 0 and len(self.problems) == n:
                self.add(f"participants' time of '{item}' is computed for 0 participants",
                         self.where(node, path, "participants" if "participants" in node
                                    else None),
                         "give the number of participants (here or at the top of the case)")
            rate = self.number(node, "hourly_rate", path, low=0, what="an hourly rate")
            salary = self.number(node, "annual_salary", path, low=0, what="a salary")
            factor = self.number(node, "benefits_factor", path, low=0, high=5, default=0.0,
                                 what="employer on-costs as a share of salary")
            hours_year = self.number(node, "working_hours", path, low=1, default=1760)
            if (rate is None) == (salary is None) and len(self.problems) == n:
                self.add("participants' time needs 'hourly_rate' or 'annual_salary' (one)",
                         self.where(node, path), "add 'annual_salary: 82000' with "
                         "'benefits_factor: 0.3', or a loaded 'hourly_rate'")
            if len(self.problems) > n or category not in COST_CATEGORIES:
                return None
            try:
                made = participant_time(item, participants=people, hours=hours,
                                        hourly_rate=rate, annual_salary=salary,
                                        benefits_factor=factor, working_hours=hours_year,
                                        **common)
            except LdkitError as exc:
                self.add(str(exc), self.where(node, path))
                return None
            return made if category == "participant_time" else CostItem(
                category, item, made.amount, basis=made.basis, **common)
        amount = self.number(node, "amount", path, low=0, required=True, what=cost_of)
        if "deliveries_planned" in node or "deliveries_evaluated" in node:
            planned = self.number(node, "deliveries_planned", path, low=0, required=True)
            done = self.number(node, "deliveries_evaluated", path, low=0, required=True)
            if planned is not None and done is not None and (planned <= 0 or done > planned):
                self.add("'deliveries_evaluated' must be between 0 and 'deliveries_planned' "
                         f"(> 0), got {done:g} of {planned:g}",
                         self.where(node, path, "deliveries_evaluated"))
            if len(self.problems) > n or category not in COST_CATEGORIES:
                return None
            try:
                made = design_development(item, amount, deliveries_evaluated=done,
                                          deliveries_planned=planned, **common)
            except LdkitError as exc:
                self.add(str(exc), self.where(node, path))
                return None
            return made if category == "design_development" else CostItem(
                category, item, amount, share=made.share, basis=made.basis, **common)
        share = self.number(node, "share", path, low=0, high=1, default=1.0,
                            what="the share charged to the programme")
        if len(self.problems) > n or category not in COST_CATEGORIES:
            return None
        try:
            return CostItem(category, item, amount, share=share, **common)
        except LdkitError as exc:
            self.add(str(exc), self.where(node, path, "range" if rng else None),
                     "a range must contain the loaded cost")
            return None

    def benefit(self, node: Any, path: str) -> BenefitMeasure | None:
        if not self.mapping(node, path):
            return None
        self.known(node, _BENEFIT, path)
        n = len(self.problems)
        name = self.text(node, "name", path, required=True)
        share_hint = "write shares as decimals in [0, 1]: 60% is 0.6"
        improvement = self.alternatives(node, "annual_improvement", path, low=None, high=None,
                                        what="units per year")
        value = self.alternatives(node, "value_per_unit", path, low=0, high=None,
                                  what="money per unit")
        if node.get("value_per_unit") is None and node.get("annual_improvement") is not None:
            self.add("'value_per_unit' is missing", self.where(node, path),
                     "add 'value_per_unit: <money per unit>' (1 if the improvement is money)")
        method, isolation = "", None
        iso = node.get("isolation")
        if iso is not None:
            ipath = f"{path}.isolation"
            if self.mapping(iso, ipath, node, "isolation"):
                self.known(iso, ("method", "share"), ipath)
                method = self.text(iso, "method", ipath)
                if method and method not in ISOLATION_METHODS:
                    self.add(f"unknown isolation method '{method}'",
                             self.where(iso, ipath, "method"),
                             f"use one of {', '.join(ISOLATION_METHODS)}")
                    method = ""
                isolation = self.alternatives(iso, "share", ipath, low=0, high=1,
                                              what="a share", hint=share_hint)
        confidence = self.alternatives(node, "confidence", path, low=0, high=1, what="a share",
                                       hint=share_hint)
        estimate = self.flag(node, "estimate", path, None)
        ranges: dict[str, tuple[float, float]] = {}
        raw = node.get("ranges")
        if raw is not None and self.mapping(raw, f"{path}.ranges", node, "ranges"):
            for key, bounds in raw.items():
                where = self.where(raw, f"{path}.ranges", key)
                if key not in RANGE_FIELDS:
                    self.add(f"unknown range '{key}'", where,
                             f"ranges may be given for {', '.join(RANGE_FIELDS)}")
                    continue
                share = key in ("isolation_share", "confidence_share")
                got = self.pair(bounds, key, where, low=0 if share or key == "value_per_unit"
                                else None, high=1 if share else None,
                                what="a share" if share else key.replace("_", " "))
                if got:
                    ranges[key] = got
        if len(self.problems) > n:
            return None
        try:
            measure = BenefitMeasure(name, improvement, 1.0 if value is None else value,
                                     isolation_share=isolation, isolation_method=method,
                                     confidence_share=confidence, estimate=estimate,
                                     unit=self.text(node, "unit", path),
                                     source=self.text(node, "source", path), ranges=ranges)
        except LdkitError as exc:
            self.add(str(exc).replace(" parameter of BenefitMeasure", " of benefit"),
                     self.where(node, path, "ranges" if ranges else None),
                     "a range must contain the value used (the lowest alternative)")
            return None
        for key, message, hint in benefit_problems(measure):
            self.add(message, self.where(node, path, key if key in node else None), hint)
        return measure

    def intangible(self, node: Any, path: str) -> Intangible | None:
        if not self.mapping(node, path):
            return None
        for key in node:
            if key in ("value", "amount", "value_per_unit", "benefit"):
                self.add(f"intangible '{node.get('name', '')}' has a money value ('{key}'): "
                         "intangible benefits are listed, never converted to money (Phillips "
                         "guiding principle 11)", self.where(node, path, key),
                         "remove the value, or move it to 'benefits:' with an isolation share "
                         "and a confidence share if it can be converted credibly")
            elif key not in ("name", "description", "evidence"):
                self.add(f"unknown key '{key}'", self.where(node, path, key),
                         "known keys here: name, description, evidence")
        name = self.text(node, "name", path, required=True)
        if not name:
            return None
        return Intangible(name, self.text(node, "description", path),
                          self.text(node, "evidence", path))

    def multi_year(self, node: Any) -> MultiYearSpec | None:
        path = "multi_year"
        if not self.mapping(node, path):
            return None
        self.known(node, ("years", "discount_rate", "retention", "recurring_costs"), path)
        n = len(self.problems)
        years = self.number(node, "years", path, low=1, high=10, required=True, integer=True)
        rate = self.number(node, "discount_rate", path, low=0, high=1, required=True,
                           what="a discount rate as a decimal: 8% is 0.08")
        recurring = self.number(node, "recurring_costs", path, low=0, what="recurring costs")
        retention = node.get("retention")
        if retention is not None:
            where = self.where(node, path, "retention")
            if not isinstance(retention, list):
                self.add("'retention' must be a list of shares, one per year", where)
            else:
                checked = [self.check(v, "retention", where, low=0, high=1, what="a share")
                           for v in retention]
                if years is not None and len(retention) != years:
                    self.add(f"'retention' has {len(retention)} values for {years} years",
                             where, "give one share per year, the first usually 1.0")
                retention = tuple(checked)
        if len(self.problems) > n:
            return None
        return MultiYearSpec(years, rate, retention, recurring)

    def options(self, node: Any, path: str) -> OptionSet | None:
        if not self.mapping(node, path):
            return None
        self.known(node, ("title", "weights", "scores", "must_pass"), path)
        n = len(self.problems)
        title = self.text(node, "title", path) or "Options"
        weights = node.get("weights")
        if not isinstance(weights, Mapping) or not weights:
            self.add("'weights' must map each criterion to its weight",
                     self.where(node, path, "weights" if "weights" in node else None),
                     "add 'weights: {cost: 0.4, quality: 0.6}'")
            weights = {}
        for crit, w in weights.items():
            self.check(w, f"weights.{crit}", self.where(weights, f"{path}.weights", crit),
                       low=0, what="a weight")
        scores = node.get("scores")
        rows = {}
        if not isinstance(scores, Mapping) or not scores:
            self.add("'scores' must map each option to its criterion scores",
                     self.where(node, path, "scores" if "scores" in node else None),
                     "add 'scores: {build: {cost: 3, quality: 4}, buy: {...}}'")
        else:
            for option, crit_scores in scores.items():
                opath = f"{path}.scores.{option}"
                if not self.mapping(crit_scores, opath, scores, option):
                    continue
                for crit, s in crit_scores.items():
                    self.check(s, f"{option}.{crit}", self.where(crit_scores, opath, crit),
                               what="a score")
                    if weights and crit not in weights:
                        self.add(f"criterion '{crit}' of option '{option}' has no weight",
                                 self.where(crit_scores, opath, crit),
                                 f"add it to 'weights' or fix its name ({', '.join(weights)})")
                missing = [c for c in weights if c not in crit_scores]
                if missing:
                    self.add(f"option '{option}' has no score for {', '.join(missing)}",
                             self.where(scores, f"{path}.scores", option))
                rows[str(option)] = dict(crit_scores)
        must = node.get("must_pass") or {}
        if not isinstance(must, Mapping):
            self.add("'must_pass' must map criteria to minimum scores",
                     self.where(node, path, "must_pass"))
            must = {}
        if len(self.problems) > n:
            return None
        frame = pd.DataFrame.from_dict(rows, orient="index").astype("float64")
        return OptionSet(title, frame, dict(weights), dict(must))

    def role(self, node: Any, path: str) -> RoleCost | None:
        if not self.mapping(node, path):
            return None
        self.known(node, _ROLE, path)
        n = len(self.problems)
        role = self.text(node, "role", path, required=True)
        fte = self.number(node, "fte", path, low=0, required=True, what="FTE")
        salary = self.number(node, "salary", path, low=0, required=True, what="a salary")
        rate = self.number(node, "benefits_rate", path, low=0, high=2, default=0.0,
                           what="employer on-costs as a share of salary")
        overhead = self.number(node, "overhead_per_fte", path, low=0, default=0.0,
                               what="overhead")
        recruit = self.number(node, "recruitment", path, low=0, default=0.0,
                              what="recruitment")
        if len(self.problems) > n:
            return None
        return RoleCost(role, fte, salary, rate, overhead, recruit)

    def staffing(self, node: Any) -> StaffingSpec | None:
        path = "staffing"
        if not self.mapping(node, path):
            return None
        self.known(node, ("years", "discount_rate", "salary_growth", "in_house",
                          "outsourcing"), path)
        n = len(self.problems)
        years = self.number(node, "years", path, low=1, high=10, default=3, integer=True)
        rate = self.number(node, "discount_rate", path, low=0, high=1, default=0.08,
                           what="a discount rate as a decimal: 8% is 0.08")
        growth = self.number(node, "salary_growth", path, low=0, high=1, default=0.0,
                             what="a yearly growth rate")
        roles = [self.role(r, f"{path}.in_house[{i}]")
                 for i, r in enumerate(self.listing(node, "in_house", path, required=True))]
        out = node.get("outsourcing")
        fee, transition, fee_growth, retained = None, 0.0, 0.0, []
        if out is None:
            self.add("'outsourcing' is missing", self.where(node, path),
                     "add 'outsourcing: {annual_fee: ..., retained: [...]}'")
        elif self.mapping(out, f"{path}.outsourcing", node, "outsourcing"):
            opath = f"{path}.outsourcing"
            self.known(out, ("annual_fee", "transition_cost", "fee_growth", "retained"), opath)
            fee = self.number(out, "annual_fee", opath, low=0, required=True,
                              what="the vendor's fee")
            transition = self.number(out, "transition_cost", opath, low=0, default=0.0,
                                     what="a transition cost")
            fee_growth = self.number(out, "fee_growth", opath, low=0, high=1, default=0.0,
                                     what="a yearly growth rate")
            retained = [self.role(r, f"{opath}.retained[{i}]")
                        for i, r in enumerate(self.listing(out, "retained", opath))]
        if len(self.problems) > n:
            return None
        return StaffingSpec(tuple(roles), fee, tuple(retained), transition, years, rate, growth,
                            fee_growth)

    def case(self, data: Any) -> RoiCase | None:
        if not isinstance(data, Mapping):
            self.add("is not an ROI case (expected 'program: ...', 'costs:', 'benefits:')",
                     Location(file=self.file), "see the layout in ldkit/roi/example_case.yaml")
            return None
        self.known(data, _TOP, "")
        program = self.text(data, "program", "", required=True)
        currency = self.text(data, "currency", "") or "EUR"
        if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
            self.add(f"'currency' must be a three-letter ISO code such as EUR, got {currency!r}",
                     self.where(data, "", "currency"))
        participants = self.number(data, "participants", "", low=0, required=True,
                                   integer=True, what="participants") or 0
        if participants == 0 and "participants" in data and is_whole(data["participants"]):
            self.add("'participants' is 0: costs and benefits per participant cannot be "
                     "computed", self.where(data, "", "participants"),
                     "give the number of people in the evaluated programme")
        short = self.flag(data, "short_program", "", True)
        costs = [self.cost(c, f"costs[{i}]", participants)
                 for i, c in enumerate(self.listing(data, "costs", "", required=True))]
        measures = [self.benefit(b, f"benefits[{i}]")
                    for i, b in enumerate(self.listing(data, "benefits", "", required=True))]
        intangibles = [self.intangible(x, f"intangibles[{i}]")
                       for i, x in enumerate(self.listing(data, "intangibles", ""))]
        years = None
        if data.get("multi_year") is not None:
            years = self.multi_year(data["multi_year"])
        draws, seed, distribution = 10_000, 0, "pert"
        mc = data.get("monte_carlo")
        if mc is not None and self.mapping(mc, "monte_carlo", data, "monte_carlo"):
            self.known(mc, ("draws", "seed", "distribution"), "monte_carlo")
            draws = self.number(mc, "draws", "monte_carlo", low=100, high=1_000_000,
                                default=10_000, integer=True)
            seed = self.number(mc, "seed", "monte_carlo", low=0, default=0, integer=True)
            distribution = self.text(mc, "distribution", "monte_carlo") or "pert"
            if distribution not in ("pert", "triangular"):
                self.add(f"unknown distribution '{distribution}'",
                         self.where(mc, "monte_carlo", "distribution"),
                         "use pert or triangular")
        options = [self.options(o, f"options[{i}]")
                   for i, o in enumerate(self.listing(data, "options", ""))]
        staffing = None
        if data.get("staffing") is not None:
            staffing = self.staffing(data["staffing"])
        if self.problems:
            return None
        return RoiCase(
            program=program, costs=cost_model(costs, participants=participants),
            measures=tuple(measures), intangibles=tuple(intangibles),
            short_program=bool(short), currency=currency, multi_year=years,
            draws=draws, seed=seed, distribution=distribution, options=tuple(options),
            staffing=staffing, source=self.file)


def case_from_dict(data: Mapping[str, Any], *, source: str = "") -> RoiCase:
    """Build a :class:`RoiCase` from the dictionary layout (see the module docstring).

    Raises
    ------
    ValidationError
        Every problem at once, each with its field (and line, for YAML input).

    Examples
    --------
    >>> case = case_from_dict({
    ...     "program": "Pilot", "participants": 20,
    ...     "costs": [{"category": "delivery", "item": "Workshop", "amount": 20000}],
    ...     "benefits": [{"name": "Margin", "annual_improvement": 60000, "value_per_unit": 1,
    ...                   "isolation": {"method": "control group", "share": 1.0}}]})
    >>> case.roi().roi_pct
    200.0
    >>> case_from_dict({"program": "Pilot", "participants": 20, "costs": [],
    ...     "benefits": [{"name": "Margin", "annual_improvement": 600,
    ...                   "value_per_unit": 1}]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ldkit.errors.ValidationError: 1 problem in ROI case; first: ... has no isolation share: ...
    """
    reader = _Reader(source)
    case = reader.case(data)
    if reader.problems or case is None:
        raise ValidationError(reader.problems, what=source or "ROI case")
    return case


def read_case(path: str | Path) -> RoiCase:
    """Read an ROI case from a YAML file; every problem is reported at once with its line.

    Parameters
    ----------
    path : str or Path
        A ``.yaml`` / ``.yml`` file in the layout of the module docstring.

    Returns
    -------
    RoiCase

    Raises
    ------
    InputFileNotFoundError
        If the file does not exist.
    ValidationError
        Listing every problem with its line and how to fix it.

    Examples
    --------
    >>> case = read_case(EXAMPLE_CASE)
    >>> case.program, case.costs.participants
    ('Commercial excellence programme', 240)
    """
    from ldkit.io import suffix_of
    from ldkit.yamlio import load_yaml

    suffix_of(path, {".yaml": "yaml", ".yml": "yaml"}, what="ROI case")
    data = load_yaml(path)
    return case_from_dict(data, source=str(path))
