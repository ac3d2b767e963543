"""The three figures: what they show."""

from datetime import date

from matplotlib.figure import Figure

from ldkit.strategy import plan_vs_actual, program_status, smart_check
from ldkit.strategy.plots import plot_alignment_tree, plot_burnup, plot_rag_grid


def test_burnup_one_panel_per_program(small_strategy, small_actuals):
    t = plan_vs_actual(small_strategy, small_actuals, as_of=date(2026, 3, 31))
    s = program_status(small_strategy, t, as_of=date(2026, 3, 31))
    fig = plot_burnup(t, s, names={"p1": "Launch academy"})
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "Launch academy"
    labels = [line.get_label() for line in ax.get_lines()]
    assert {"plan", "actual", "forecast"} <= set(labels)
    actual = next(line for line in ax.get_lines() if line.get_label() == "actual")
    assert list(actual.get_ydata()) == [25, 45, 66]
    forecast = next(line for line in ax.get_lines() if line.get_label() == "forecast")
    assert list(forecast.get_ydata()) == [66, 88.0]


def test_rag_grid_letters(small_strategy, small_actuals):
    t = plan_vs_actual(small_strategy, small_actuals, as_of=date(2026, 3, 31))
    fig = plot_rag_grid(t)
    texts = [x.get_text() for x in fig.axes[0].texts]
    assert texts == ["A", "A", "R"]


def test_alignment_tree_marks_goals_failing_smart(small_strategy):
    fig = plot_alignment_tree(small_strategy, smart_check(small_strategy.goals))
    texts = [x.get_text() for x in fig.axes[0].texts]
    assert "Launch academy" in texts
    assert not any("not SMART" in t for t in texts)
    smart = smart_check(small_strategy.goals).assign(smart=[True, False])
    texts = [x.get_text() for x in plot_alignment_tree(small_strategy, smart).axes[0].texts]
    assert "Certify\n(not SMART)" in texts
