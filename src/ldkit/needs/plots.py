"""Figures of the needs analysis (object-oriented matplotlib; no pyplot state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "plot_gap_heatmap",
    "plot_locus_for_focus",
    "plot_rating_distributions",
    "plot_self_vs_manager",
]


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def plot_gap_heatmap(table: pd.DataFrame, *, value: str = "mean_gap",
                     names: dict[str, str] | None = None) -> Figure:
    """Role x capability heatmap of the mean gap (:func:`gap_table` output).

    Positive gaps (below requirement) are red, negative blue; suppressed cells
    (fewer respondents than the minimum) are grey and marked "n<min".
    """
    from matplotlib.colors import TwoSlopeNorm

    names = names or {}
    grid = table.pivot_table(index="role", columns="capability", values=value,
                             aggfunc="first", dropna=False, observed=True)
    hidden = table.assign(h=table["suppressed"] != "").pivot_table(
        index="role", columns="capability", values="h", aggfunc="first", observed=True
    ).reindex(index=grid.index, columns=grid.columns).fillna(False).astype(bool)
    data = grid.to_numpy(dtype="float64")
    fig = _figure(max(6.0, 0.7 * data.shape[1] + 3), max(2.5, 0.5 * data.shape[0] + 2))
    ax = fig.add_subplot()
    span = float(np.nanmax(np.abs(data))) if np.isfinite(data).any() else 1.0
    image = ax.imshow(np.ma.masked_invalid(data), cmap="RdBu_r", aspect="auto",
                      norm=TwoSlopeNorm(0, -max(span, 0.1), max(span, 0.1)))
    for (i, j), v in np.ndenumerate(data):
        text = "n<min" if hidden.iat[i, j] else ("" if np.isnan(v) else f"{v:+.1f}")
        ax.text(j, i, text, ha="center", va="center", fontsize=7,
                color="white" if np.isfinite(v) and abs(v) > 0.6 * span else "black")
    ax.set_xticks(range(data.shape[1]), [names.get(c, c) for c in grid.columns], rotation=60,
                  ha="right", rotation_mode="anchor", fontsize=8)
    ax.set_yticks(range(data.shape[0]), [names.get(r, r) for r in grid.index], fontsize=8)
    ax.set_facecolor("#eeeeee")
    fig.colorbar(image, ax=ax, shrink=0.8, label="mean gap")
    fig.suptitle("Gap to requirement by role and capability", fontsize=10)
    return fig


def plot_locus_for_focus(borich: pd.DataFrame, *, names: dict[str, str] | None = None
                         ) -> Figure:
    """Locus-for-Focus quadrant: mean importance (x) against mean discrepancy (y).

    Split at the across-item means; the upper-right quadrant (high importance,
    high discrepancy) is the top priority.
    """
    names = names or {}
    borich = borich.dropna(subset=["mean_importance", "discrepancy"])  # hidden items
    x = borich["mean_importance"].to_numpy(float)
    y = borich["discrepancy"].to_numpy(float)
    fig = _figure(7, 5.5)
    ax = fig.add_subplot()
    xm, ym = (float(np.mean(x)), float(np.mean(y))) if len(x) else (0.0, 0.0)
    ax.axvline(xm, color="grey", linewidth=1, linestyle="--")
    ax.axhline(ym, color="grey", linewidth=1, linestyle="--")
    focus = (x >= xm) & (y >= ym)
    ax.scatter(x[~focus], y[~focus], color="#6baed6", s=30, label="other items")
    ax.scatter(x[focus], y[focus], color="#cb181d", s=40, label="focus: high importance, "
               "high discrepancy")
    ax.set_xlabel("mean importance")
    ax.set_ylabel("mean discrepancy (importance - competence)")
    ax.margins(x=0.3, y=0.08)  # room for the labels inside the axes
    fig.legend(fontsize=7, loc="outside lower center", ncols=2, frameon=False)
    fig.suptitle("Locus for Focus", fontsize=10)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from ldkit.layout import place_labels

    FigureCanvasAgg(fig).draw()  # lay the figure out once, then freeze it and place the
    fig.set_layout_engine("none")  # labels where they neither overlap nor get clipped
    place_labels(ax, x, y, [names.get(label, label) for label in borich["item"]], fontsize=7)
    return fig


def plot_self_vs_manager(svm: pd.DataFrame, *, by: str = "capability",
                         names: dict[str, str] | None = None) -> Figure:
    """Dumbbell chart: mean self and mean manager rating per capability (paired people)."""
    names = names or {}
    shown = svm.dropna(subset=["mean_self", "mean_manager"]).sort_values("mean_diff")
    fig = _figure(7, max(2.5, 0.35 * len(shown) + 1.5))
    ax = fig.add_subplot()
    ypos = np.arange(len(shown))
    ax.hlines(ypos, shown["mean_manager"], shown["mean_self"], color="#bbbbbb", linewidth=2)
    ax.scatter(shown["mean_self"], ypos, color="#2171b5", label="self", zorder=3)
    ax.scatter(shown["mean_manager"], ypos, color="#e6550d", label="manager", zorder=3)
    ax.set_yticks(ypos, [names.get(v, v) for v in shown[by]], fontsize=8)
    ax.set_xlabel("mean rating")
    ax.legend(fontsize=8)
    fig.suptitle("Self against manager ratings", fontsize=10)
    return fig


def plot_rating_distributions(responses: pd.DataFrame, *, dimension: str = "proficiency",
                              names: dict[str, str] | None = None) -> Figure:
    """Share of each rating value per capability and rater, as stacked bars."""
    names = names or {}
    sub = responses[responses["dimension"] == dimension]
    counts = sub.groupby(["capability", "rater", "value"], observed=True).size()
    shares = counts / counts.groupby(level=[0, 1], observed=True).transform("sum")
    table = shares.unstack("value").fillna(0.0)
    values = list(table.columns)
    fig = _figure(8, max(2.5, 0.3 * len(table) + 1.5))
    ax = fig.add_subplot()
    left = np.zeros(len(table))
    colors = _palette(len(values))
    for v, color in zip(values, colors, strict=True):
        ax.barh(range(len(table)), table[v], left=left, color=color, label=f"{v:g}")
        left += table[v].to_numpy()
    ax.set_yticks(range(len(table)), [f"{names.get(c, c)} ({r})" for c, r in table.index],
                  fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of ratings")
    ax.legend(title="rating", fontsize=7, ncols=len(values), loc="lower center",
              bbox_to_anchor=(0.5, 1.0))
    fig.suptitle(f"Distribution of {dimension} ratings", fontsize=10)
    return fig


def _palette(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["Blues"]
    return [cmap(0.25 + 0.7 * i / max(n - 1, 1)) for i in range(n)]
