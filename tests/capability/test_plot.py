"""The heatmap of required levels."""

from __future__ import annotations

import io

from matplotlib.figure import Figure


def test_heatmap_shows_every_role_and_capability(pharma):
    fig = pharma.heatmap()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [r.name for r in pharma.roles]
    assert len(ax.get_xticklabels()) == len(pharma.capabilities)
    cell_texts = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    assert len(cell_texts) == len(pharma.requirements())
    png = io.BytesIO()
    fig.savefig(png, format="png")
    assert png.getvalue()[:4] == b"\x89PNG"


def test_heatmap_of_selected_roles_by_id_or_name(pharma):
    fig = pharma.heatmap(roles=["key_account_manager", "Sales Representative"], labels=False)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["key_account_manager", "sales_representative"]
