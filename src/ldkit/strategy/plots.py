"""Figures of strategy tracking (object-oriented matplotlib; no pyplot state).

- :func:`plot_burnup`: plan against actual completions per program, with the
  forecast to the due date;
- :func:`plot_rag_grid`: the status of each program in each month;
- :func:`plot_alignment_tree`: organizational goals -> learning goals ->
  programs, goals failing the SMART check marked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ldkit.strategy.portfolio import Strategy

__all__ = ["RAG_COLORS", "plot_alignment_tree", "plot_burnup", "plot_rag_grid"]

RAG_COLORS = {"green": "#2e8540", "amber": "#f0a30a", "red": "#c62828",
              "not started": "#bdbdbd", "": "#f2f2f2"}
_LIGHT = {"green": "#c8e6c9", "amber": "#ffe0b2", "red": "#ffcdd2", "not started": "#eeeeee"}
_LETTER = {"green": "G", "amber": "A", "red": "R"}


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def plot_burnup(tracking: pd.DataFrame, status: pd.DataFrame | None = None, *,
                names: Mapping[str, str] | None = None) -> Figure:
    """Burn-up per program: planned and actual cumulative completions by month.

    Parameters
    ----------
    tracking : DataFrame
        :func:`ldkit.strategy.tracking.plan_vs_actual`.
    status : DataFrame, optional
        :func:`ldkit.strategy.tracking.program_status`; adds the target line
        (expected participants) and the forecast to the due date, and colours
        the actual line by status.
    names : mapping, optional
        Display names of programs.
    """
    names = dict(names or {})
    programs = list(dict.fromkeys(tracking["program"]))
    n = max(1, len(programs))
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig = _figure(4.2 * cols, 3.0 * rows + 0.4)
    axes = fig.subplots(rows, cols, squeeze=False)
    info = status.set_index("program") if status is not None and len(status) else None
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.set_axis_off()
            continue
        pid = programs[k]
        rows_p = tracking[tracking["program"] == pid]
        when = pd.to_datetime(rows_p["date"])
        ax.plot(when, rows_p["planned_completions"], color="#757575", linestyle="--",
                linewidth=1.5, label="plan")
        color = "#1f4e5f"
        if info is not None and pid in info.index:
            row = info.loc[pid]
            color = RAG_COLORS.get(row["status"], color)
            ax.axhline(row["expected_participants"], color="#9e9e9e", linewidth=0.8,
                       linestyle=":")
            if pd.notna(row["forecast_completions"]) and row["months_remaining"] > 0:
                due = pd.Timestamp(row["due"])
                ax.plot([when.iloc[-1], due], [rows_p["completions"].iloc[-1],
                                               row["forecast_completions"]],
                        color=color, linestyle=":", linewidth=1.8, label="forecast")
                ax.plot([due], [row["expected_participants"]], marker="|", color="#757575",
                        markersize=10)
        ax.plot(when, rows_p["completions"], color=color, linewidth=2.2, marker="o",
                markersize=3, label="actual")
        ax.set_title(_wrap(names.get(pid, pid), 38), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.set_ylim(bottom=0)
        for label in ax.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")
        import matplotlib.dates as mdates

        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %y"))
        ax.xaxis.set_major_locator(mdates.MonthLocator(interval=2))
        ax.grid(axis="y", color="#eeeeee")
        if k == 0:
            ax.set_ylabel("completions (cumulative)", fontsize=8)
            ax.legend(fontsize=7, loc="upper left")
    fig.suptitle("Plan against actual: completions by program", fontsize=10)
    return fig


def plot_rag_grid(tracking: pd.DataFrame, *, names: Mapping[str, str] | None = None
                  ) -> Figure:
    """Programs (rows) x months (columns), each cell coloured by that month's status.

    Cells carry the letter G, A or R as well as the colour; months outside a
    program's window are blank.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    names = dict(names or {})
    programs = list(dict.fromkeys(tracking["program"]))
    months = sorted(set(tracking["month"]))
    grid = tracking.pivot_table(index="program", columns="month", values="status",
                                aggfunc="last").reindex(index=programs, columns=months)
    order = ["", "green", "amber", "red"]
    codes = grid.fillna("").map(lambda s: order.index(s) if s in order else 0).to_numpy(int)
    fig = _figure(max(6.0, 0.55 * len(months) + 3.5), max(2.2, 0.5 * len(programs) + 1.4))
    ax = fig.add_subplot()
    cmap = ListedColormap([RAG_COLORS[s] for s in order])
    ax.imshow(codes, cmap=cmap, vmin=0, vmax=len(order) - 1, aspect="auto")
    for (i, j), code in np.ndenumerate(codes):
        if code:
            ax.text(j, i, _LETTER[order[code]], ha="center", va="center", fontsize=8,
                    color="white" if order[code] != "amber" else "black", fontweight="bold")
    ax.set_xticks(range(len(months)), [pd.Period(m, freq="M").strftime("%b %y")
                                       for m in months], fontsize=8, rotation=45, ha="right",
                  rotation_mode="anchor")
    ax.set_yticks(range(len(programs)), [_wrap(names.get(p, p), 40) for p in programs],
                  fontsize=8)
    ax.set_xticks(np.arange(-0.5, len(months)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(programs)), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    handles = [Patch(color=RAG_COLORS[s], label=s) for s in ("green", "amber", "red")]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1),
              frameon=False)
    fig.suptitle("Status by program and month (red / amber / green)", fontsize=10)
    return fig


def plot_alignment_tree(strategy: Strategy, smart: pd.DataFrame | None = None,
                        status: pd.DataFrame | None = None) -> Figure:
    """Organizational goals -> learning goals -> programs, as three linked columns.

    Goals that fail the SMART check (``smart``: :func:`ldkit.strategy.goals.smart_check`)
    get a red border and "not SMART"; programs are filled with their status colour
    when ``status`` (:func:`ldkit.strategy.tracking.program_status`) is given.
    """
    from matplotlib.patches import FancyBboxPatch

    failing = set()
    if smart is not None and len(smart):
        failing = set(smart.loc[~smart["smart"].astype(bool), "goal"])
    states = {}
    if status is not None and len(status):
        states = dict(zip(status["program"], status["status"], strict=True))
    org = [g for g in strategy.goals if g.level == "organizational"]
    learning = [g for g in strategy.goals if g.level == "learning"]
    programs = list(strategy.programs)
    # order learning goals by their first organizational goal, programs by their first goal
    org_pos = {g.id: i for i, g in enumerate(org)}
    learning.sort(key=lambda g: min([org_pos.get(a, len(org)) for a in g.aligned_to]
                                    or [len(org)]))
    goal_pos = {g.id: i for i, g in enumerate(learning)}
    programs.sort(key=lambda p: min([goal_pos.get(x, len(learning)) for x in p.goals]
                                    or [len(learning)]))
    tallest = max(len(org), len(learning), len(programs), 1)
    fig = _figure(11, max(3.0, 0.75 * tallest + 1.2))
    ax = fig.add_subplot()
    ax.set_axis_off()
    xs = (0.0, 1.0, 2.0)
    width, height = 0.78, 0.62

    def ys(count: int) -> list[float]:
        if count == 0:
            return []
        step = tallest / count
        return [tallest - step * (i + 0.5) for i in range(count)]

    where: dict[tuple[str, str], tuple[float, float]] = {}
    columns = (("org", org), ("learning", learning), ("program", programs))
    for (kind, items), x in zip(columns, xs, strict=True):
        for item, y in zip(items, ys(len(items)), strict=True):
            where[(kind, item.id)] = (x, y)
            fill, edge, lw = "#e8f0f2", "#1f4e5f", 1.0
            label = _wrap(item.title or item.id, 30)
            if kind == "program":
                state = states.get(item.id, "")
                fill = _LIGHT.get(state, fill)
            elif item.id in failing:
                edge, lw = RAG_COLORS["red"], 2.2
                label += "\n(not SMART)"
            box = FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                 boxstyle="round,pad=0.02", facecolor=fill, edgecolor=edge,
                                 linewidth=lw)
            ax.add_patch(box)
            ax.text(x, y, label, ha="center", va="center", fontsize=6.5)
    for g in learning:
        for target in g.aligned_to:
            if ("org", target) in where:
                (x0, y0), (x1, y1) = where[("org", target)], where[("learning", g.id)]
                ax.plot([x0 + width / 2, x1 - width / 2], [y0, y1], color="#90a4ae",
                        linewidth=1)
    for p in programs:
        for gid in p.goals:
            src = where.get(("learning", gid)) or where.get(("org", gid))
            if src:
                (x0, y0), (x1, y1) = src, where[("program", p.id)]
                ax.plot([x0 + width / 2, x1 - width / 2], [y0, y1], color="#90a4ae",
                        linewidth=1)
    for x, title in zip(xs, ("Organizational goals", "Learning goals", "Programs"),
                        strict=True):
        ax.text(x, tallest + 0.15, title, ha="center", va="bottom", fontsize=9,
                fontweight="bold", color="#1f4e5f")
    ax.set_xlim(-0.5, 2.5)
    ax.set_ylim(-0.2, tallest + 0.6)
    fig.suptitle("Goal alignment", fontsize=10)
    return fig
