"""The ROI part of the engagement report, built from ``data/processed/roi``.

:func:`roi_sections` is the phase hook of :mod:`ldkit.report`: it reads the
tables and figures that :func:`ldkit.roi.step.roi_step` wrote and returns the
key findings (plain sentences) and the report sections (costs, benefits with
their adjustments, the result with the rules applied, sensitivity, the
multi-year view, the programme evaluation, options and staffing). They become
HTML sections, workbook sheets and deck slides. Only aggregates are read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

__all__ = ["roi_sections", "text_summary"]

MONEY = "#,##0"
PCT = "0%"
METRIC_LABELS = {
    "benefits": "Annual benefits (after adjustments)", "costs": "Fully loaded costs",
    "net_benefit": "Net benefit", "bcr": "Benefit-cost ratio", "roi_pct": "ROI (%)",
    "payback_months": "Payback (months)", "npv": "Net present value",
    "irr": "Internal rate of return (%)", "discount_rate": "Discount rate (%)",
    "years": "Years", "prob_roi_positive": "Probability that ROI > 0 (%)",
    "monte_carlo_draws": "Monte Carlo draws",
}


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    return pd.read_csv(path, keep_default_na=True) if path.exists() else pd.DataFrame()


def _blank(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Text columns with missing values as "" (a CSV round trip makes empty text NaN)."""
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = out[column].astype("string").fillna("").astype(object)
    return out


def _money(value: float, currency: str) -> str:
    return f"{currency} {value:,.0f}"


def _result_view(result: pd.DataFrame) -> pd.DataFrame:
    """The result as readable text rows (money, ratios and percentages formatted)."""
    values = dict(zip(result["metric"], result["value"], strict=True))
    rows = []
    for key, label in METRIC_LABELS.items():
        if key not in values:
            continue
        v = float(values[key])
        if not math.isfinite(v):
            text = "never (no benefits)" if key == "payback_months" else "–"
        elif key in ("benefits", "costs", "net_benefit", "npv"):
            text = f"{v:,.0f}"
        elif key == "bcr":
            text = f"{v:.2f}"
        elif key in ("irr", "discount_rate", "prob_roi_positive"):
            text = f"{v * 100:.1f}"
        elif key in ("years", "monte_carlo_draws"):
            text = f"{v:,.0f}"
        else:
            text = f"{v:.1f}"
        rows.append((label, text))
    return pd.DataFrame(rows, columns=["measure", "value"])


def _findings(t: dict[str, pd.DataFrame], currency: str) -> list[str]:
    out: list[str] = []
    result = t["result"]
    if not result.empty:
        v = dict(zip(result["metric"], result["value"], strict=True))
        payback = (f"payback in {v['payback_months']:.1f} months"
                   if math.isfinite(v["payback_months"]) else "no payback")
        out.append(f"The programme returns ROI {v['roi_pct']:.0f}% (BCR {v['bcr']:.2f}) in year "
                   f"one: {_money(v['benefits'], currency)} of benefits after isolation and "
                   f"error adjustments against {_money(v['costs'], currency)} of fully loaded "
                   f"costs; {payback}.")
        if "npv" in v:
            irr = (f", IRR {v['irr'] * 100:.0f}%" if math.isfinite(v["irr"]) else "")
            out.append(f"Over {v['years']:.0f} years at a discount rate of "
                       f"{v['discount_rate'] * 100:.0f}% the net present value is "
                       f"{_money(v['npv'], currency)}{irr}.")
        mc = t["monte_carlo"]
        if "prob_roi_positive" in v and not mc.empty:
            p = dict(zip(mc["percentile"], mc["roi_pct"], strict=True))
            out.append(f"Across {v['monte_carlo_draws']:,.0f} simulated scenarios the ROI is "
                       f"positive in {v['prob_roi_positive']:.1%} of them (5th to 95th "
                       f"percentile: {p[5]:.0f}% to {p[95]:.0f}%).")
    tornado = t["tornado"]
    if not tornado.empty:
        top = tornado.iloc[0]
        out.append(f"The ROI is most sensitive to {top['input']} (ROI {top['roi_low']:.0f}% to "
                   f"{top['roi_high']:.0f}% over its range).")
    levels = t["evaluation"]
    if not levels.empty:
        def value(measure: str) -> float | None:
            row = levels[levels["measure"] == measure]
            return None if row.empty or pd.isna(row["value"].iloc[0]) else float(
                row["value"].iloc[0])

        gain, g_av = value("normalized gain (class average)"), value("Hedges' g_av")
        applied = value("share applying on the job")
        parts = []
        if gain is not None:
            band = "high" if gain >= 0.7 else "medium" if gain >= 0.3 else "low"
            parts.append(f"a normalized learning gain of {gain:.2f} ({band})")
        if g_av is not None:
            parts.append(f"an effect size of g_av = {g_av:.2f}")
        if applied is not None:
            parts.append(f"{applied:.0%} of learners applying it on the job at follow-up")
        if parts:
            out.append("Evaluation: " + ", ".join(parts) + ".")
    options = t["options"]
    if not options.empty:
        robust = t["options_robustness"]
        for title, group in options.groupby("title", sort=False):
            first = group.sort_values("rank").iloc[0]
            sentence = f"{title}: {first['option']} ranks first"
            flips = robust[(robust["title"] == title)].dropna(subset=["change"])
            if not flips.empty:
                crit = flips.loc[flips["change"].abs().idxmin()]
                sentence += (f"; it stays first unless the weight of "
                             f"{str(crit['criterion']).replace('_', ' ')} moves by "
                             f"{abs(crit['change']) * 100:.0f} points or more")
            out.append(sentence + ".")
    staffing = t["staffing_summary"]
    if not staffing.empty:
        npv = dict(zip(staffing["option"], staffing["npv_cost"], strict=True))
        cheaper = min(npv, key=npv.get)
        other = max(npv, key=npv.get)
        years = len(t["staffing"])
        label = {"in house": "staffing in house", "outsourced": "outsourcing"}
        out.append(f"Staffing the digital learning function: {label[cheaper]} costs "
                   f"{_money(npv[other] - npv[cheaper], currency)} less than {label[other]} "
                   f"over {years} years (present value).")
    return out


def roi_sections(root: Path, names: Mapping[str, str]) -> tuple[list[str], list]:
    """Key findings and report sections of the ROI phase; ([], []) if it wrote nothing.

    Parameters
    ----------
    root : Path
        The engagement folder.
    names : mapping
        Display names of ids (unused here; the phase hook's signature).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> roi_sections(pathlib.Path(tempfile.mkdtemp()), {})
    ([], [])
    """
    from ldkit.deliverables import Figure, Section, Table
    from ldkit.engagement.params import processed_dir

    folder = processed_dir(root, "roi")
    figures = folder / "figures"
    if not folder.is_dir() or not any(folder.glob("*.csv")):
        return [], []
    names_ = ("case", "costs", "cost_lines", "benefits", "intangibles", "result", "rules",
              "break_even", "tornado", "multi_year", "monte_carlo", "options",
              "options_robustness", "options_excluded", "staffing", "staffing_summary",
              "staffing_roles", "evaluation", "assessment_counts", "application",
              "effect_sizes")
    t = {n: _read(folder, n) for n in names_}
    case = dict(zip(t["case"].get("key", []), t["case"].get("value", []), strict=True))
    currency = str(case.get("currency", "EUR"))
    program = str(case.get("program", "The programme"))

    def fig(name: str, title: str, caption: str = "") -> tuple:
        path = figures / f"{name}.png"
        return (Figure(title, path.read_bytes(), caption),) if path.exists() else ()

    sections = []
    if not t["costs"].empty:
        lines = t["cost_lines"][["category", "item", "cost", "basis"]]
        sections.append(Section(f"Business case: fully loaded costs ({currency})", (
            f"{program}: every cost of the programme is counted, in seven categories "
            "(Phillips guiding principle 10). Design and development is prorated over the "
            "planned deliveries; participants' time is loaded salary x hours.",
        ), (Table("Costs by category", t["costs"],
                  number_formats={"cost": MONEY, "per_participant": MONEY}),
            Table("Cost lines", lines, number_formats={"cost": MONEY}, slide=False))))
    if not t["benefits"].empty:
        cols = ["measure", "annual_improvement", "value_per_unit", "isolation_method",
                "isolation_share", "confidence_share", "benefit", "note"]
        view = t["benefits"][cols].rename(columns={
            "isolation_share": "share isolated", "confidence_share": "share confidence",
            "annual_improvement": "improvement", "isolation_method": "isolation"})
        view = _blank(view, "note", "isolation")
        tables = [Table("Benefits and their adjustments", view,
                        note="benefit = improvement x value per unit x isolation x confidence",
                        number_formats={"improvement": MONEY, "value_per_unit": "#,##0.00",
                                        "benefit": MONEY})]
        if not t["intangibles"].empty:
            tables.append(Table("Intangible benefits (not converted to money)",
                                _blank(t["intangibles"], "description", "evidence")))
        sections.append(Section("Business case: monetized benefits", (
            "Each benefit is the annual improvement x its value per unit x the share isolated "
            "as due to the programme x the confidence in the estimate. The lowest of "
            "alternative values is used; a measure without data counts as zero.",
        ), tuple(tables), fig("roi-waterfall", "From benefits to net benefit",
                              "Benefits (green) less costs by category (red) give the net "
                              "benefit.")))
    if not t["result"].empty:
        sections.append(Section("Return on investment", (
            "BCR = benefits / costs; ROI % = (benefits - costs) / costs x 100; payback = "
            "costs / monthly benefits.",
        ), (Table("ROI result", _result_view(t["result"])),
            Table("Conservative rules applied", t["rules"]))))
    if not t["tornado"].empty:
        top = t["tornado"].head(10)[["input", "low", "high", "range", "roi_low", "roi_high"]]
        tables = [Table("ROI sensitivity, one input at a time", top,
                        number_formats={"low": "#,##0.00", "high": "#,##0.00",
                                        "roi_low": "0", "roi_high": "0"}, slide=False)]
        if not t["monte_carlo"].empty:
            tables.append(Table("ROI percentiles over the simulated scenarios",
                                t["monte_carlo"], number_formats={"roi_pct": "0",
                                                                  "net_benefit": MONEY},
                                slide=False))
        if not t["break_even"].empty:
            tables.append(Table("Break-even improvement (ROI = 0)",
                                _blank(t["break_even"], "unit"),
                                number_formats={"annual_improvement": MONEY,
                                                "break_even_improvement": MONEY}))
        sections.append(Section("Sensitivity", (
            "Tornado: each input at the low and high end of its range (or +/-20% where no "
            "range was given), the others at their values. Monte Carlo: the inputs with a "
            "range drawn together from PERT or triangular distributions.",
        ), tuple(tables), fig("roi-tornado", "What moves the ROI most")
            + fig("roi-monte-carlo", "ROI over the simulated scenarios")))
    if not t["multi_year"].empty:
        view = t["multi_year"][["year", "costs", "benefits", "net", "discounted_net",
                                "cumulative_discounted"]]
        sections.append(Section("Multi-year view", (), (Table(
            "Cash flows by year", view, number_formats={c: MONEY for c in view.columns
                                                        if c != "year"}),)))
    if not t["evaluation"].empty:
        levels = _blank(t["evaluation"], "note")
        levels["n"] = levels["n"].astype("Int64")
        tables = [Table("Evaluation by level (Kirkpatrick 1-4, Phillips 5)", levels,
                        number_formats={"value": "#,##0.00"})]
        if not t["application"].empty:
            tables.append(Table("Application on the job (level 3)",
                                _blank(t["application"], "suppressed"), slide=False))
        if not t["assessment_counts"].empty:
            tables.append(Table("Assessment rows received, kept and excluded",
                                t["assessment_counts"], slide=False))
        sections.append(Section("Programme evaluation", (
            "Level 2 compares each learner's pre- and post-test: Hake's normalized gain "
            "(class averages) and Hedges' g_av, the standardized mean difference (Lakens, "
            "2013). No figure is shown for a group smaller than the minimum group size.",
        ), tuple(tables)))
    if not t["options"].empty:
        tables, figs = [], []
        titles = list(dict.fromkeys(t["options"]["title"]))
        for k, title in enumerate(titles, start=1):
            ranking = t["options"][t["options"]["title"] == title].drop(columns="title")
            robust = t["options_robustness"][t["options_robustness"]["title"] == title]
            tables.append(Table(f"{title}: ranking", ranking, slide=False))
            tables.append(Table(f"{title}: robustness to the weights",
                                _blank(robust.drop(columns="title"), "new_top"),
                                note="flip_weight: the weight at which another option "
                                     "ties the top one", slide=False))
            excluded = t["options_excluded"]
            if not excluded.empty and (excluded["title"] == title).any():
                tables.append(Table(f"{title}: excluded",
                                    excluded[excluded["title"] == title].drop(columns="title"),
                                    slide=False))
            figs += fig(f"roi-options-{k}", title)
        sections.append(Section("Options appraisal", (
            "Weighted scores rank the options. Robustness: each criterion's weight moved "
            "(the others keeping their proportions) until another option ties the top one.",
        ), tuple(tables), tuple(figs)))
    if not t["staffing"].empty:
        sections.append(Section("Staffing the digital learning function", (
            "In house: loaded role costs (salary, on-costs, overhead, recruitment). "
            "Outsourced: the vendor's fee, the roles retained to manage it, transition costs.",
        ), (Table("Staffing: cost by year", t["staffing"],
                  number_formats={c: MONEY for c in ("in_house", "outsourced", "difference")},
                  slide=False),
            Table("Staffing: totals", t["staffing_summary"],
                  number_formats={"total_cost": MONEY, "npv_cost": MONEY}),
            Table("Staffing: loaded role costs", t["staffing_roles"],
                  number_formats={c: MONEY for c in ("salary", "on_costs", "overhead",
                                                     "annual_cost", "one_off")},
                  slide=False))))
    return _findings(t, currency), sections


def _cut(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def text_summary(analysis) -> str:
    """The analysis of a case as plain text, as ``ldkit roi CASE.yaml`` prints it.

    Costs by category, benefits with their adjustments, BCR, ROI %, net benefit,
    payback, NPV and IRR when the case gives years, the Monte Carlo probability
    that ROI > 0, options, staffing, and the rules applied.

    Examples
    --------
    >>> from ldkit.roi import analyse_case, example_case
    >>> text = text_summary(analyse_case(example_case(), draws=500))
    >>> "Rules applied:" in text and "ROI" in text
    True
    """
    a = analysis
    case = a.case
    cur = case.currency
    out = [f"{case.program} ({cur}, {case.costs.participants:,} participants)", ""]
    out.append(f"{'Costs by category':34s}{'cost':>14s}{'share':>8s}{'per participant':>17s}")
    for row in case.costs.by_category().itertuples(index=False):
        per = "" if row.per_participant != row.per_participant else f"{row.per_participant:,.0f}"
        out.append(f"  {row.category:32s}{row.cost:14,.0f}{row.share_of_total:8.1%}{per:>17s}")
    out += ["", f"{'Benefits':34s}{'improvement':>14s}{'value/unit':>12s}{'isolated':>10s}"
            f"{'confidence':>12s}{'benefit':>14s}"]
    for row in a.benefits.table().itertuples(index=False):
        improvement = ("no data" if row.annual_improvement != row.annual_improvement
                       else f"{row.annual_improvement:,.0f}")
        isolated = "" if row.isolation_share != row.isolation_share else \
            f"{row.isolation_share:.0%}"
        confidence = "" if improvement == "no data" else f"{row.confidence_share:.0%}"
        out.append(f"  {_cut(row.measure, 32):32s}{improvement:>14s}{row.value_per_unit:12,.2f}"
                   f"{isolated:>10s}{confidence:>12s}{row.benefit:14,.0f}")
        if row.isolation_method:
            out.append(f"    isolation: {row.isolation_method}"
                       + (f"; {row.note}" if row.note else ""))
        elif row.note:
            out.append(f"    {row.note}")
    out.append(f"  {'Total benefits':32s}{a.benefits.total:62,.0f}")
    if a.benefits.intangibles:
        out.append("  Intangibles (listed, not converted to money): "
                   + "; ".join(i.name for i in a.benefits.intangibles))
    r = a.roi
    payback = (f"{r.payback_months:.1f} months" if math.isfinite(r.payback_months)
               else "never (no benefits)")
    out += ["", f"{'Benefit-cost ratio (BCR)':34s}{r.bcr:.2f}",
            f"{'ROI':34s}{r.roi_pct:.1f}%",
            f"{'Net benefit':34s}{cur} {r.net_benefit:,.0f}",
            f"{'Payback':34s}{payback}"]
    if a.multi_year is not None:
        m = a.multi_year
        years = case.multi_year.years
        out.append(f"{f'NPV ({years} years at {m.discount_rate:.0%})':34s}{cur} {m.npv:,.0f}")
        out.append(f"{'IRR':34s}" + (f"{m.irr:.1%}" if math.isfinite(m.irr) else "undefined"))
    if a.monte_carlo is not None:
        mc = a.monte_carlo
        p = dict(zip(mc.percentiles["percentile"], mc.percentiles["roi_pct"], strict=True))
        out.append(f"{'P(ROI > 0)':34s}{mc.prob_roi_positive:.1%} ({mc.draws:,} draws, "
                   f"{mc.distribution}, seed {mc.seed}; ROI P5 {p[5]:.0f}%, P50 {p[50]:.0f}%, "
                   f"P95 {p[95]:.0f}%)")
    if len(a.tornado):
        top = a.tornado.iloc[0]
        out.append(f"{'Most sensitive input':34s}{top['input']} (ROI {top['roi_low']:.0f}% to "
                   f"{top['roi_high']:.0f}%)")
    for appraisal in a.appraisals:
        ranking = ", ".join(f"{row.rank}. {row.option} ({row.weighted_score:.2f})"
                            for row in appraisal.ranking.itertuples(index=False))
        out += ["", f"{appraisal.title}: {ranking}"]
        critical = appraisal.critical
        if critical is not None:
            out.append(f"  {appraisal.top} stays first unless the weight of "
                       f"{critical['criterion']} moves {critical['change'] * 100:+.1f} points "
                       f"(then {critical['new_top']})")
        for row in appraisal.excluded.itertuples(index=False):
            out.append(f"  excluded: {row.option} ({row.reason})")
    if a.staffing is not None:
        s = a.staffing
        out += ["", f"Staffing over {len(s.years)} years (present value of costs): in house "
                f"{cur} {s.npv_in_house:,.0f}, outsourced {cur} {s.npv_outsourced:,.0f}; "
                f"{s.cheaper} saves {cur} {s.saving:,.0f}"]
    out += ["", "Rules applied:"]
    out += [f"  - {rule}" for rule in a.rules]
    return "\n".join(out)
