"""Tests of ldkit.roi.plots: each figure draws what it says."""

from __future__ import annotations

import pytest

from ldkit.errors import ParameterError
from ldkit.roi import (
    analyse_case,
    example_case,
    plot_monte_carlo,
    plot_option_ranking,
    plot_roi_waterfall,
    plot_tornado,
)


@pytest.fixture(scope="module")
def analysis():
    return analyse_case(example_case(), draws=1_000)


def test_waterfall_steps_end_at_the_net_benefit(analysis):
    fig = plot_roi_waterfall(analysis.benefits, analysis.case.costs)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    # three measures with a benefit, the total, seven cost categories, the net
    assert labels[3] == "Total benefits" and labels[-1] == "Net benefit" and len(labels) == 12
    net = ax.patches[-1]
    assert net.get_height() == pytest.approx(analysis.roi.net_benefit)
    assert "ROI 63%, BCR 1.63" in fig._suptitle.get_text()
    # every measure named in full, wrapped onto lines rather than cut short
    names = [m.name for m in analysis.benefits.measures if m.benefit]
    assert [" ".join(t.split("\n")) for t in labels[:3]] == names
    assert not any("…" in t for t in labels)


def test_tornado_bars_and_title(analysis):
    fig = plot_tornado(analysis.tornado, top=4)
    assert len(fig.axes[0].patches) == 8
    assert "base ROI 63%" in fig._suptitle.get_text()
    with pytest.raises(ParameterError):
        plot_tornado(analysis.benefits.table())


def test_monte_carlo_title_states_the_probability(analysis):
    fig = plot_monte_carlo(analysis.monte_carlo)
    assert "P(ROI > 0) = " in fig._suptitle.get_text()
    assert fig.axes[0].get_xlabel() == "ROI (%)"


def test_option_ranking_best_on_top(analysis):
    fig = plot_option_ranking(analysis.appraisals[1])
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Platform A", "Platform B"]
    assert "excluded: Platform C (gxp_compliance 2 < 3)" in fig.axes[0].get_xlabel()
