"""Figures of the business case (object-oriented matplotlib; no pyplot state).

- :func:`plot_roi_waterfall`: from each benefit measure up to total benefits,
  down through each cost category, to the net benefit;
- :func:`plot_tornado`: one-way sensitivity of the ROI, widest swing on top;
- :func:`plot_monte_carlo`: the distribution of the ROI over the draws;
- :func:`plot_option_ranking`: weighted scores of the options, by criterion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ldkit._params import check_number, param_error

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ldkit.roi.appraisal import Appraisal
    from ldkit.roi.benefits import Benefits
    from ldkit.roi.costs import CostModel
    from ldkit.roi.sensitivity import MonteCarloResult

__all__ = ["plot_monte_carlo", "plot_option_ranking", "plot_roi_waterfall", "plot_tornado"]

GREEN, RED, BLUE, GREY, ORANGE = "#2e8b57", "#c0392b", "#1f4e5f", "#999999", "#e6550d"


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _money(value: float, currency: str = "") -> str:
    """1234567 -> '1.23M', 45200 -> '45k' (with the currency in front if given)."""
    size = abs(value)
    if size >= 1e6:
        text = f"{value / 1e6:.2f}M"
    elif size >= 1e3:
        text = f"{value / 1e3:.0f}k"
    else:
        text = f"{value:.0f}"
    return f"{currency} {text}".strip()


def _short(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrapped(text: str, width: int = 15, lines: int = 3) -> str:
    """``text`` on at most ``lines`` lines of about ``width`` characters (the last one
    shortened with an ellipsis only if the whole does not fit)."""
    import textwrap

    parts = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]
    if len(parts) > lines:
        parts = [*parts[:lines - 1], _short(" ".join(parts[lines - 1:]), width + 2)]
    return "\n".join(parts)


def plot_roi_waterfall(benefits: Benefits, costs: CostModel, *, currency: str = "EUR"
                       ) -> Figure:
    """Waterfall from the monetized benefits, through the costs, to the net benefit.

    Each benefit measure adds a green step; total benefits is a full bar; each
    cost category with a cost takes a red step down; the net benefit closes it
    (blue if positive, red if not). The title states ROI and BCR.

    Examples
    --------
    >>> from ldkit.roi.demo import example_case
    >>> case = example_case()
    >>> fig = plot_roi_waterfall(case.benefits(), case.costs)
    >>> fig.axes[0].get_ylabel()
    'EUR'
    """
    from ldkit.roi.benefits import Benefits
    from ldkit.roi.costs import CostModel

    if not isinstance(benefits, Benefits):
        raise param_error("benefits", "plot_roi_waterfall", "a Benefits object", benefits)
    if not isinstance(costs, CostModel):
        raise param_error("costs", "plot_roi_waterfall", "a CostModel", costs)
    steps: list[tuple[str, float, float, str]] = []  # label, bottom, height, colour
    level = 0.0
    for m in benefits.measures:
        if m.benefit:
            steps.append((m.name, level, m.benefit, GREEN))
            level += m.benefit
    total_b = benefits.total
    steps.append(("Total benefits", 0.0, total_b, BLUE))
    by_cat = costs.by_category().iloc[:-1]
    for name, cost in zip(by_cat["category"], by_cat["cost"], strict=True):
        if cost > 0:
            steps.append((name, level - cost, cost, RED))
            level -= cost
    net = total_b - costs.total
    steps.append(("Net benefit", min(0.0, net), abs(net), BLUE if net >= 0 else RED))
    fig = _figure(max(7.0, 0.9 * len(steps) + 2), 4.8)
    ax = fig.add_subplot()
    x = np.arange(len(steps))
    ax.bar(x, [s[2] for s in steps], bottom=[s[1] for s in steps],
           color=[s[3] for s in steps], width=0.65)
    top = max(max(s[1] + s[2] for s in steps), 1.0)
    for i, (_, bottom, height, colour) in enumerate(steps):
        sign = "-" if colour == RED and i < len(steps) - 1 else ""
        ax.text(i, bottom + height + 0.01 * top, sign + _money(height), ha="center",
                va="bottom", fontsize=7)
    for i in range(len(steps) - 1):  # connectors
        end = steps[i][1] + (steps[i][2] if steps[i][3] != RED else 0)
        ax.plot([i + 0.33, i + 0.67], [end, end], color=GREY, linewidth=0.8)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, [_wrapped(s[0]) for s in steps], fontsize=7)
    ax.set_ylabel(currency)
    ax.yaxis.set_major_formatter(lambda v, _pos: _money(v))
    roi = net / costs.total * 100 if costs.total else float("nan")
    bcr = total_b / costs.total if costs.total else float("nan")
    fig.suptitle(f"From benefits to net benefit: ROI {roi:.0f}%, BCR {bcr:.2f} (year one)",
                 fontsize=10)
    return fig


def plot_tornado(table: pd.DataFrame, *, top: int = 12) -> Figure:
    """Tornado of the ROI: each input at its low and high, widest swing on top.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ldkit.roi.tornado`.
    top : int
        Inputs shown (the widest swings).

    Examples
    --------
    >>> from ldkit.roi import example_case, tornado
    >>> fig = plot_tornado(tornado(example_case()), top=5)
    >>> len(fig.axes[0].get_yticks())
    5
    """
    check_number("top", top, func="plot_tornado", low=1, integer=True)
    needed = {"input", "roi_low", "roi_high", "base_roi", "swing"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise param_error("table", "plot_tornado", "the table of ldkit.roi.tornado",
                          type(table).__name__)
    shown = table.head(top).iloc[::-1]
    base = float(table["base_roi"].iloc[0]) if len(table) else 0.0
    fig = _figure(9, max(2.5, 0.4 * len(shown) + 1.5))
    ax = fig.add_subplot()
    y = np.arange(len(shown))
    ax.barh(y, shown["roi_low"] - base, left=base, color=ORANGE, label="input at low")
    ax.barh(y, shown["roi_high"] - base, left=base, color=BLUE, label="input at high",
            alpha=0.85)
    ax.axvline(base, color="black", linewidth=1)
    ax.axvline(0, color=RED, linewidth=1, linestyle="--", label="ROI = 0")
    ax.set_yticks(y, [_short(str(s), 60) for s in shown["input"]], fontsize=8)
    ax.set_xlabel("ROI (%)")
    ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(f"What moves the ROI most (base ROI {base:.0f}%)", fontsize=10)
    return fig


def plot_monte_carlo(result: MonteCarloResult, *, bins: int = 60) -> Figure:
    """Distribution of the ROI over the Monte Carlo draws, with P5, P50, P95 and ROI = 0.

    Examples
    --------
    >>> from ldkit.roi import example_case, monte_carlo
    >>> fig = plot_monte_carlo(monte_carlo(example_case(), draws=500, seed=1))
    >>> fig.axes[0].get_xlabel()
    'ROI (%)'
    """
    from ldkit.roi.sensitivity import MonteCarloResult

    if not isinstance(result, MonteCarloResult):
        raise param_error("result", "plot_monte_carlo", "a MonteCarloResult", result)
    check_number("bins", bins, func="plot_monte_carlo", low=5, high=500, integer=True)
    fig = _figure(7, 4)
    ax = fig.add_subplot()
    ax.hist(result.roi_pct, bins=bins, color=BLUE, alpha=0.8)
    ax.axvline(0, color=RED, linewidth=1.2, linestyle="--", label="ROI = 0")
    pct = dict(zip(result.percentiles["percentile"], result.percentiles["roi_pct"],
                   strict=True))
    for p, style in ((5, ":"), (50, "-"), (95, ":")):
        ax.axvline(pct[p], color="black", linewidth=1, linestyle=style,
                   label=f"P{p}: {pct[p]:.0f}%")
    ax.set_xlabel("ROI (%)")
    ax.set_ylabel("draws")
    ax.legend(fontsize=7)
    fig.suptitle(f"ROI over {result.draws:,} draws ({result.distribution}): "
                 f"P(ROI > 0) = {result.prob_roi_positive:.1%}", fontsize=10)
    return fig


def plot_option_ranking(appraisal: Appraisal) -> Figure:
    """Weighted score of each option, stacked by criterion, best on top.

    Examples
    --------
    >>> import pandas as pd
    >>> from ldkit.roi import appraise_options
    >>> a = appraise_options(pd.DataFrame({"cost": [4, 2], "quality": [2, 5]},
    ...                                   index=["build", "buy"]), {"cost": 1, "quality": 1})
    >>> [t.get_text() for t in plot_option_ranking(a).axes[0].get_yticklabels()]
    ['build', 'buy']
    """
    from matplotlib import colormaps

    from ldkit.roi.appraisal import Appraisal

    if not isinstance(appraisal, Appraisal):
        raise param_error("appraisal", "plot_option_ranking", "an Appraisal", appraisal)
    order = appraisal.ranking["option"].tolist()[::-1]
    contributions = appraisal.scores.loc[order].mul(appraisal.weights, axis=1)
    fig = _figure(8, max(3.0, 0.55 * len(order) + 2.2))
    ax = fig.add_subplot()
    colours = colormaps["tab10"].colors
    left = np.zeros(len(order))
    y = np.arange(len(order))
    for k, crit in enumerate(contributions.columns):
        values = contributions[crit].to_numpy()
        ax.barh(y, values, left=left, color=colours[k % len(colours)],
                label=f"{crit.replace('_', ' ')} ({appraisal.weights[crit]:.0%})")
        left += values
    for yi, total in zip(y, left, strict=True):
        ax.text(total, yi, f" {total:.2f}", va="center", fontsize=8)
    ax.set_yticks(y, [_short(o, 34) for o in order], fontsize=8)
    excluded = "; ".join(f"{r.option} ({r.reason})"
                         for r in appraisal.excluded.itertuples(index=False))
    ax.set_xlabel("weighted score" + (f"; excluded: {_short(excluded, 70)}" if excluded else ""))
    ax.set_xlim(0, left.max() * 1.15 if left.size else 1)
    fig.legend(fontsize=7, loc="outside lower center", ncols=min(3, len(contributions.columns)))
    critical = appraisal.critical
    if critical is not None:
        ax.set_title(f"{appraisal.top} stays first until the weight of "
                     f"{critical['criterion'].replace('_', ' ')} moves "
                     f"{critical['change'] * 100:+.0f} points", fontsize=8)
    fig.suptitle(_short(f"{appraisal.title}: {appraisal.top} ranks first", 100), fontsize=10)
    return fig
