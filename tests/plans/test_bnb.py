"""The exact 0-1 search of ldkit.plans._bnb against brute force and against HiGHS."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldkit.plans import _bnb
from ldkit.plans._highs import _relaxation_duals, _solver, solve_binary

TOL = 1e-6


def brute_force(c, lb, ub, a, low, high):
    """The optimum value by trying every 0-1 vector within the bounds (None: none fits)."""
    n = len(c)
    xs = np.array(list(itertools.product((0.0, 1.0), repeat=n))).reshape(-1, n)
    xs = xs[((xs >= lb) & (xs <= ub)).all(axis=1)]
    if len(a):
        sums = xs @ a.T
        xs = xs[((sums >= low - TOL) & (sums <= high + TOL)).all(axis=1)]
    if not len(xs):
        return None
    return float((xs @ c).min())


@st.composite
def programs(draw):
    """Small 0-1 programs with knapsack, two-sided, mixed-sign and equality rows."""
    n = draw(st.integers(1, 14))
    rows = draw(st.integers(0, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    c = rng.normal(size=n).round(3)
    if draw(st.booleans()):  # mostly things worth having, as in a plan
        c = -np.abs(c)
    a = rng.integers(-3, 6, size=(rows, n)).astype(float)
    knapsack = rng.random(rows) < 0.5  # budget- and hours-like rows: weights >= 0
    a[knapsack] = np.abs(a[knapsack])
    if rows and draw(st.booleans()):  # values close to weights: many near-equal plans
        a[0] = rng.integers(1, 20, size=n)
        c = -(a[0] + rng.integers(0, 3, size=n))
        knapsack[0] = True
    kinds = np.where(knapsack, 0, rng.integers(0, 4, size=rows))  # <=, >=, both, equal
    total = np.abs(a).sum(axis=1)
    bound = (rng.random(rows) * total * 0.6).round(1)
    low = np.where(kinds == 1, -bound, -np.inf)
    high = np.where(kinds == 0, bound, np.inf)
    low = np.where(kinds == 2, -bound, low)
    high = np.where(kinds == 2, bound, high)
    low = np.where(kinds == 3, np.floor(bound), low)
    high = np.where(kinds == 3, np.floor(bound), high)
    lb = (rng.random(n) < 0.1).astype(float)
    ub = np.where(rng.random(n) < 0.1, lb, 1.0)
    return c, lb, ub, a, low, high


def relaxation(obj, g, h):
    return _relaxation_duals(_solver({}), obj, g, h)


@settings(max_examples=500, deadline=None)
@given(programs(), st.sampled_from([0, 1, 4, 64]), st.booleans())
def test_search_finds_the_brute_force_optimum(program, beam, with_duals):
    c, lb, ub, a, low, high = program
    expected = brute_force(*program)
    x = _bnb.solve(*program, relaxation if with_duals else None, beam=beam)
    if expected is None:
        assert x is None
        return
    assert x is not None
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert (x >= lb).all() and (x <= ub).all()
    if len(a):
        assert (a @ x >= low - TOL).all() and (a @ x <= high + TOL).all()
    assert float(c @ x) == pytest.approx(expected, abs=1e-9)


def test_search_hands_large_programs_to_highs():
    rng = np.random.default_rng(3)
    n = 30
    c = -rng.random(n)
    a = rng.random((2, n))
    low, high = np.full(2, -np.inf), np.array([3.0, 3.0])
    with pytest.raises(_bnb.GaveUp, match="open states"):
        _bnb.solve(c, np.zeros(n), np.ones(n), a, low, high, beam=0, max_states=5)
    with pytest.raises(_bnb.GaveUp, match="free variables"):
        _bnb.solve(np.ones(70), np.zeros(70), np.ones(70), np.zeros((0, 70)),
                   np.zeros(0), np.zeros(0))
    # solve_binary then asks HiGHS, which proves the same optimum
    exact = solve_binary(c, np.zeros(n), np.ones(n), a, low, high, {"mip_rel_gap": 0.0})
    reference = solve_binary(c, np.zeros(n), np.ones(n), a, low, high, {"mip_rel_gap": 0.0},
                             reuse=False)
    assert c @ exact == pytest.approx(c @ np.round(reference), abs=1e-9)


def test_infeasible_relaxation_means_no_plan():
    # x0 + x1 >= 3 cannot hold for 0-1 variables, not even relaxed
    a = np.array([[1.0, 1.0]])
    assert _bnb.solve(np.array([-1.0, -1.0]), np.zeros(2), np.ones(2), a,
                      np.array([3.0]), np.array([np.inf]), relaxation) is None
