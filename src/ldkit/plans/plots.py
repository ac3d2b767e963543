"""Figures of the learning plans' cohort view (object-oriented matplotlib; no pyplot state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ldkit.plans.catalog import MODALITIES
from ldkit.plans.documents import MODALITY_COLORS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_coverage", "plot_mix", "plot_seats"]


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def plot_mix(mix: pd.DataFrame) -> Figure:
    """Target against achieved share of hours per modality (``CohortView.mix``)."""
    fig = _figure(6.0, 3.2)
    ax = fig.add_subplot()
    rows = mix.set_index("modality").reindex(list(MODALITIES))
    y = np.arange(len(rows))
    ax.barh(y + 0.2, rows["target"], height=0.38, color="#d5dbdf", label="target")
    ax.barh(y - 0.2, rows["achieved"], height=0.38,
            color=[MODALITY_COLORS[m] for m in rows.index], label="achieved")
    for yi, v in zip(y, rows["achieved"], strict=False):
        if np.isfinite(v):
            ax.text(v + 0.01, yi - 0.2, f"{v:.0%}", va="center", fontsize=8)
    ax.set_yticks(y, rows.index)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("share of planned hours")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    fig.suptitle("Learning mix: target and achieved (all plans)", fontsize=10)
    return fig


def plot_seats(seats: pd.DataFrame) -> Figure:
    """Seats per month, stacked by modality (``CohortView.seats``)."""
    fig = _figure(7.0, 3.4)
    ax = fig.add_subplot()
    if seats.empty:
        ax.text(0.5, 0.5, "no plan items", ha="center", va="center", transform=ax.transAxes)
        return fig
    grid = seats.pivot_table(index="month", columns="modality", values="seats",
                             aggfunc="sum", fill_value=0).reindex(columns=list(MODALITIES),
                                                                  fill_value=0)
    bottom = np.zeros(len(grid))
    x = np.arange(len(grid))
    for m in MODALITIES:
        ax.bar(x, grid[m], bottom=bottom, color=MODALITY_COLORS[m], label=m, width=0.7)
        bottom += grid[m].to_numpy()
    ax.set_xticks(x, grid.index, rotation=0, fontsize=8)
    ax.set_ylabel("seats (learners starting)")
    ax.legend(fontsize=8, frameon=False)
    fig.suptitle("Seats needed per month, by modality", fontsize=10)
    return fig


def plot_coverage(coverage: pd.DataFrame) -> Figure:
    """Share of gap goals a plan item develops, per capability (``CohortView.coverage``)."""
    rows = coverage[coverage["capability"] != "total"]
    fig = _figure(6.5, max(2.5, 0.32 * len(rows) + 1.2))
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    ax.barh(y, rows["share_covered"], color="#1f4e5f")
    for yi, (share, n) in enumerate(zip(rows["share_covered"], rows["goals"], strict=False)):
        if np.isfinite(share):
            ax.text(min(share, 0.9) + 0.01, yi, f"{share:.0%} of {n}", va="center", fontsize=7,
                    color="white" if share > 0.9 else "black")
    ax.set_yticks(y, rows["capability"], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("gap goals covered by the plans")
    fig.suptitle("Coverage of the needs-analysis gaps", fontsize=10)
    return fig
