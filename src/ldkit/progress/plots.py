"""Figures of plan progress and capability growth (object-oriented matplotlib; no pyplot state).

Both take the suppressed aggregate tables, never person-level data: a group
hidden by the minimum group size is left out of the figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ldkit.plans.progress import PROGRESS_STATUSES

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["STATUS_COLORS", "plot_capability_change", "plot_progress_status"]

_RATER_TITLE = {"self": "Self-ratings", "manager": "Manager ratings",
                "combined": "Combined ratings"}
STATUS_COLORS = {"done": "#2e7d32", "on track": "#81c784", "behind": "#f9a825",
                 "not started": "#c62828"}


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def plot_progress_status(table: pd.DataFrame, by: str) -> Figure:
    """Share of learners per status for each shown group (``progress_by_group``)."""
    shown = table[table["suppressed"].fillna("") == ""]
    fig = _figure(7.0, 0.5 + 0.45 * max(len(shown), 1))
    ax = fig.add_subplot()
    y = np.arange(len(shown))
    left = np.zeros(len(shown))
    learners = shown["learners"].to_numpy(float)
    for status in PROGRESS_STATUSES:
        share = shown[status].to_numpy(float) / np.where(learners > 0, learners, np.nan)
        ax.barh(y, share, left=left, color=STATUS_COLORS[status], label=status, height=0.6)
        left += np.nan_to_num(share)
    labels = [f"{g} (n={int(n)})" for g, n in zip(shown[by], learners, strict=True)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("share of learners")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, fontsize=8, frameon=False)
    return fig


def plot_capability_change(change: pd.DataFrame, *, rater: str = "manager",
                           names: Mapping[str, str] | None = None) -> Figure:
    """d_z with its interval per capability, everyone (role ``All``), for one rater."""
    from ldkit.needs.segments import TOTAL

    names = names or {}
    rows = change[(change["role"] == TOTAL) & (change["rater"] == rater)
                  & change["d_z"].notna()]
    fig = _figure(7.0, 0.8 + 0.35 * max(len(rows), 1))
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    d = rows["d_z"].to_numpy(float)
    err = np.vstack([d - rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float) - d])
    ax.errorbar(d, y, xerr=err, fmt="o", color="#1f4e79", ecolor="#8fa9c4", capsize=3)
    ax.axvline(0, color="#888888", lw=0.8)
    labels = [f"{names.get(c, c)} (n={int(n)})"
              for c, n in zip(rows["capability"], rows["n_pairs"], strict=True)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("effect size (mean change / SD of the change), 95% interval")
    ax.set_title(f"{_RATER_TITLE.get(rater, rater)}: change since the baseline", fontsize=10)
    return fig
