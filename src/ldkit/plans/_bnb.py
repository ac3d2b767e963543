"""Exact branch and bound for small 0-1 programs, in numpy.

:func:`solve` is what :func:`ldkit.plans._highs.solve_binary` tries first for a
learner's program (about 20 to 40 binary variables and 10 to 30 rows). HiGHS spends
10 ms or more on each such program, most of it in set-up, presolve and cut rounds that
programs of this size do not need; this search proves the same optimum in a few
milliseconds, and hands the program back (:class:`GaveUp`) when it would grow large,
so that HiGHS solves it instead.

The method
----------
Maximize ``obj @ x`` over ``x`` in {0, 1}^n subject to ``G @ x <= h`` (every row of
``low <= a @ x <= high`` becomes one or two such rows). Variables fixed by their
bounds are set first; the free ones are decided one at a time, in order of falling
objective coefficient, breadth first: after deciding variable ``d`` the search holds
every partial assignment (state) of variables ``0..d`` not yet ruled out, each with
its value and its row sums.

A state is dropped only when no completion of it can be both feasible and better than
the best complete solution found (the incumbent), so the search is exact:

- *infeasible*: a row's sum plus the most negative amount the undecided variables could
  still add exceeds the row's bound;
- *bounded*: an upper bound on the value of every feasible completion is not above the
  incumbent. Three valid bounds are taken, the smallest counts:

  1. the value plus every positive coefficient still undecided;
  2. the Lagrangian bound ``value + u @ (h - rows) + sum(max(0, obj_j - (u @ G)_j))``
     over the undecided ``j``, with the multipliers ``u >= 0`` of the program's linear
     relaxation (any ``u >= 0`` gives a bound; the relaxation's own make it tight at
     the start);
  3. for each row whose coefficients are all non-negative (budget, hours), the
     fractional knapsack bound: the undecided items with a positive value, best ratio
     of value to weight first, filling the row's remaining room.

Every state whose undecided variables can all stay 0 is itself a complete solution:
each feasible one is a candidate incumbent. A first pass keeps only the ``beam``
states of highest bound at each step, which finds a good incumbent cheaply; the
second pass is the exact one. Feasibility uses HiGHS's tolerance (1e-6 on each row),
so both solvers accept the same plans.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["GaveUp", "solve"]

TOL = 1e-6
"""Feasibility tolerance on each row (HiGHS's ``mip_feasibility_tolerance``)."""
MAX_VARIABLES = 62
"""Free variables a state's bit mask can hold (int64)."""
MAX_STATES = 10_000
"""States held at one step of the exact pass before the search hands over to HiGHS."""
BEAM = 64
"""States kept per step by the first (incumbent-finding) pass."""

Duals = Callable[[np.ndarray, np.ndarray, np.ndarray], "np.ndarray | None"]
"""``duals(obj, G, h)``: multipliers ``u >= 0`` of ``max obj @ x`` s.t. ``G @ x <= h``,
``0 <= x <= 1``, or None when that relaxation is infeasible."""


class GaveUp(Exception):
    """The program is too large for this search: solve it another way."""


def _suffix(v: np.ndarray) -> np.ndarray:
    """Sums over positions ``d..`` of ``v`` along its last axis, with a trailing 0."""
    out = np.zeros((*v.shape[:-1], v.shape[-1] + 1))
    out[..., :-1] = np.cumsum(v[..., ::-1], axis=-1)[..., ::-1]
    return out


def _rows_le(a: np.ndarray, low: np.ndarray, high: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """``low <= a @ x <= high`` as ``G @ x <= h``."""
    upper, lower = np.isfinite(high), np.isfinite(low)
    g = np.vstack([a[upper], -a[lower]]).reshape(-1, a.shape[1])
    return g, np.concatenate([high[upper], -low[lower]]).astype(float)


def solve(c: np.ndarray, lb: np.ndarray, ub: np.ndarray, a: np.ndarray,
          low: np.ndarray, high: np.ndarray, duals: Duals | None = None, *,
          beam: int = BEAM, max_states: int = MAX_STATES) -> np.ndarray | None:
    """Minimize ``c @ x`` over 0-1 ``x`` with ``lb <= x <= ub``, ``low <= a @ x <= high``.

    Parameters
    ----------
    c, lb, ub, a, low, high
        As :func:`ldkit.plans._highs.solve_binary` takes them; bounds 0 or 1.
    duals : callable, optional
        Multipliers of the linear relaxation (see :data:`Duals`); without them the
        Lagrangian bound is left out (the search stays exact, only slower).
    beam : int
        States kept per step by the incumbent-finding pass (0: no such pass).
    max_states : int
        Give up (:class:`GaveUp`) when the exact pass holds more states than this.

    Returns
    -------
    ndarray or None
        An optimal 0-1 ``x`` (floats), or None when no ``x`` satisfies the rows.

    Raises
    ------
    GaveUp
        More than :data:`MAX_VARIABLES` free variables, or more than ``max_states``.

    Examples
    --------
    A knapsack of room 5: items worth 6, 5 and 4 weighing 3, 2 and 2.

    >>> solve(np.array([-6., -5., -4.]), np.zeros(3), np.ones(3),
    ...       np.array([[3., 2., 2.]]), np.array([-np.inf]), np.array([5.]))
    array([1., 1., 0.])
    """
    obj = -np.asarray(c, dtype=float)
    g, h = _rows_le(np.asarray(a, dtype=float), np.asarray(low, float), np.asarray(high, float))
    fixed = np.asarray(lb) > 0.5
    free = np.flatnonzero((np.asarray(ub) > 0.5) & ~fixed)
    if len(free) > MAX_VARIABLES:
        raise GaveUp(f"{len(free)} free variables")
    order = free[np.argsort(-obj[free], kind="stable")]
    k = len(order)
    go, oo = g[:, order], obj[order]
    start_value = float(obj[fixed].sum())
    start_rows = g[:, fixed].sum(axis=1)
    room = h + TOL
    lag_step = np.zeros(k)
    lag_rest = np.full(k + 1, np.inf)
    lag_start = np.inf
    if duals is not None and k:
        u = duals(oo, go, h - start_rows)
        if u is None:
            return None  # not even the relaxation is feasible
        u = np.maximum(np.asarray(u, dtype=float), 0.0)
        reduced = oo - u @ go
        lag_step = reduced  # a state's Lagrangian part moves by this when x_d = 1
        lag_rest = _suffix(np.maximum(reduced, 0.0))
        lag_start = start_value + float(u @ (room - start_rows))
    least = _suffix(np.minimum(go, 0.0)).T  # (k+1, rows): the most a suffix can lower
    positive = _suffix(np.maximum(oo, 0.0))
    knapsacks = _knapsacks(go, oo)

    best, best_bits = -np.inf, None
    if (start_rows <= room).all():
        best, best_bits = start_value, 0
    for width in ((beam, 0) if beam else (0,)):
        value = np.array([start_value])
        rows = start_rows[None, :]
        lag = np.array([lag_start])
        bits = np.zeros(1, dtype=np.int64)
        for d in range(k):
            value = np.concatenate([value, value + oo[d]])
            rows = np.concatenate([rows, rows + go[:, d]])
            lag = np.concatenate([lag, lag + lag_step[d]])
            bits = np.concatenate([bits, bits | (1 << d)])
            done = (rows <= room).all(axis=1)  # feasible with every later variable 0
            if done.any():
                i = int(np.argmax(np.where(done, value, -np.inf)))
                if value[i] > best:
                    best, best_bits = float(value[i]), int(bits[i])
            bound = np.minimum(value + positive[d + 1], lag + lag_rest[d + 1])
            for m, weights, values, free_value in knapsacks:
                fill = np.interp(room[m] - rows[:, m], weights[d + 1], values[d + 1])
                bound = np.minimum(bound, value + free_value[d + 1] + fill)
            keep = (bound > best + 1e-9) & (rows + least[d + 1] <= room).all(axis=1)
            value, rows, lag, bits, bound = (value[keep], rows[keep], lag[keep], bits[keep],
                                             bound[keep])
            if not len(value):
                break
            if width and len(value) > width:
                top = np.argpartition(-bound, width)[:width]
                value, rows, lag, bits = value[top], rows[top], lag[top], bits[top]
            elif not width and len(value) > max_states:
                raise GaveUp(f"more than {max_states:,} open states")
    if best_bits is None:
        return None
    x = fixed.astype(float)
    x[order[[d for d in range(k) if best_bits >> d & 1]]] = 1.0
    return x


def _knapsacks(go: np.ndarray, oo: np.ndarray) -> list[tuple]:
    """Per row with only non-negative coefficients (and at least two positive ones):
    the fractional knapsack of every suffix, as cumulative weights and values in order
    of falling value per unit of weight, and the value of the suffix's items of no weight.
    """
    k = len(oo)
    out = []
    suffixes = np.arange(k + 1)[:, None]
    for m, w in enumerate(go):
        if (w < 0).any() or (w > 0).sum() < 2:
            continue
        items = np.flatnonzero((oo > 0) & (w > 0))
        items = items[np.argsort(-(oo[items] / w[items]), kind="stable")]
        inside = items[None, :] >= suffixes  # item in the suffix that starts at d
        weights = np.zeros((k + 1, len(items) + 1))
        values = np.zeros_like(weights)
        weights[:, 1:] = np.cumsum(w[items] * inside, axis=1)
        values[:, 1:] = np.cumsum(oo[items] * inside, axis=1)
        out.append((m, weights, values, _suffix(np.where((oo > 0) & (w <= 0), oo, 0.0))))
    return out
