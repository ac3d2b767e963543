"""Figures of a capability model."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ldkit.capability.model import CapabilityModel

__all__ = ["plot_requirements_heatmap"]


def plot_requirements_heatmap(
    model: CapabilityModel,
    *,
    roles: Iterable[str] | None = None,
    labels: bool = True,
) -> Figure:
    """Heatmap of required levels: roles (rows) x capabilities (columns, grouped by domain).

    Cells show the required level; blank cells are not required. Uses the
    object-oriented matplotlib API (no pyplot state), so it is safe in loops
    and threads; in Jupyter the figure displays as the cell's result.

    Parameters
    ----------
    model : CapabilityModel
    roles : iterable of str, optional
        Role ids (or names) to show, in this order; all roles by default.
    labels : bool
        Show names (True) or ids (False).
    """
    import textwrap

    import numpy as np
    from matplotlib import colormaps
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.figure import Figure

    from ldkit.capability.views import requirements_matrix

    matrix = requirements_matrix(model)
    if roles is not None:
        matrix = matrix.loc[[model.role(r).id for r in roles]]
    scale = model.scale()
    values = matrix.to_numpy(dtype="float64", na_value=np.nan)
    n_rows, n_cols = values.shape
    fig = Figure(figsize=(max(6.0, 0.75 * n_cols + 3.5), max(2.5, 0.45 * n_rows + 2.2)),
                 layout="constrained")
    ax = fig.add_subplot()
    bounds = [v - 0.5 for v in scale.values] + [scale.max + 0.5]
    palette = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b", "#041c40"]
    colors = palette[: len(scale.values)] if len(scale.values) <= 6 else None
    cmap = (ListedColormap(colors) if colors else colormaps["Blues"]).with_extremes(
        bad="#f2f2f2")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap,
                      norm=BoundaryNorm(bounds, cmap.N), aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        if not np.isnan(v):
            ax.text(j, i, f"{int(v)}", ha="center", va="center", fontsize=8,
                    color="white" if v >= scale.values[len(scale.values) // 2] else "black")
    cap_names = {c.id: c.name for c in model.capabilities}
    role_names = {r.id: r.name for r in model.roles}
    ax.set_xticks(range(n_cols),
                  [cap_names[c] if labels else c for c in matrix.columns],
                  rotation=60, ha="right", rotation_mode="anchor", fontsize=8)
    ax.set_yticks(range(n_rows), [role_names[r] if labels else r for r in matrix.index],
                  fontsize=8)
    # domain separators and labels along the top
    domains = [model.capability(c).domain for c in matrix.columns]
    domain_names = {d.id: d.name for d in model.domains}
    start = 0
    for j in range(1, n_cols + 1):
        if j == n_cols or domains[j] != domains[start]:
            if j < n_cols:
                ax.axvline(j - 0.5, color="white", linewidth=2)
            label = textwrap.fill(domain_names.get(domains[start], domains[start]),
                                  width=max(12, 13 * (j - start)), break_long_words=False)
            ax.text((start + j - 1) / 2, -0.7, label, ha="center", va="bottom", fontsize=7,
                    fontweight="bold", linespacing=1.0)
            start = j
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(image, ax=ax, ticks=scale.values, shrink=0.8)
    bar.ax.set_yticklabels([f"{lv.value} {lv.label}" for lv in scale.levels], fontsize=8)
    fig.suptitle(f"Required proficiency by role: {model.name}", fontsize=10)
    return fig
