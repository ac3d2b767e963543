"""Solve small 0-1 programs: an exact search in numpy, HiGHS for the rest.

:func:`solve_binary` is what :func:`ldkit.plans.build_plans` calls once per learner
profile. It first runs the exact branch and bound of :mod:`ldkit.plans._bnb` (a few
milliseconds on a learner's program, with the multipliers of the linear relaxation
from HiGHS); a program too large for it goes to HiGHS's MIP solver. Either proves the
optimum. It talks to HiGHS through the bindings scipy ships with it
(``scipy.optimize._highspy._core``, the same library and version that
:func:`scipy.optimize.milp` runs), keeping one ``Highs`` object per process (and thread) with its
options set once, instead of going through ``milp``'s argument checks and a new
solver for every program. Where those bindings are missing or differ (another scipy
version), it falls back to :func:`scipy.optimize.milp` with the same options: the
optimum is the same either way, only the time differs.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from ldkit.plans import _bnb

__all__ = ["solve_binary"]

_LOCAL = threading.local()  # a HiGHS object is not for two threads at once


def _state() -> dict[str, Any]:
    if not hasattr(_LOCAL, "state"):
        _LOCAL.state = {}
    return _LOCAL.state


def _solver(options: Mapping[str, Any]) -> Any:
    """This thread's HiGHS object with ``options`` set, or None without the bindings."""
    state = _state()
    key = tuple(sorted(options.items()))
    if state.get("key") == key:
        return state["highs"]
    try:
        from scipy.optimize._highspy import _core
    except ImportError:  # pragma: no cover - a scipy without the bundled bindings
        state.update(key=key, highs=None)
        return None
    highs = _core._Highs()
    highs.setOptionValue("output_flag", False)
    for name, value in options.items():
        # an option this HiGHS does not know only changes the search: skip it
        highs.setOptionValue(name, value)
    state.update(key=key, highs=highs, core=_core)
    return highs


def _with_highs(highs: Any, c: np.ndarray, lb: np.ndarray, ub: np.ndarray, a: np.ndarray,
                low: np.ndarray, high: np.ndarray, *, relax: bool = False) -> Any:
    """Solve with ``highs``: the 0-1 optimum, or None; with ``relax``, the linear
    relaxation's HiGHS solution object (values and duals), or None."""
    core = _state()["core"]
    inf = core.kHighsInf
    lp = core.HighsLp()
    rows, cols = a.shape
    lp.num_col_ = cols
    lp.num_row_ = rows
    lp.col_cost_ = np.ascontiguousarray(c, dtype=float)
    lp.col_lower_ = np.ascontiguousarray(lb, dtype=float)
    lp.col_upper_ = np.ascontiguousarray(ub, dtype=float)
    lp.row_lower_ = np.where(np.isneginf(low), -inf, low).astype(float)
    lp.row_upper_ = np.where(np.isposinf(high), inf, high).astype(float)
    nz_row, nz_col = np.nonzero(a.T)  # column by column
    matrix = lp.a_matrix_
    matrix.format_ = core.MatrixFormat.kColwise
    matrix.num_col_ = cols
    matrix.num_row_ = rows
    matrix.start_ = np.r_[0, np.cumsum(np.bincount(nz_row, minlength=cols))].astype(np.int32)
    matrix.index_ = nz_col.astype(np.int32)
    matrix.value_ = a.T[nz_row, nz_col].astype(float)
    if not relax:
        lp.integrality_ = [core.HighsVarType.kInteger] * cols
    highs.clearModel()
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != core.HighsModelStatus.kOptimal:
        return None
    if relax:
        return highs.getSolution()
    return np.asarray(highs.getSolution().col_value, dtype=float)


def _relaxation_duals(highs: Any, obj: np.ndarray, g: np.ndarray, h: np.ndarray
                      ) -> np.ndarray | None:
    """Multipliers ``u >= 0`` of ``max obj @ x`` s.t. ``g @ x <= h``, ``0 <= x <= 1``
    (None when infeasible), for the Lagrangian bound of :func:`ldkit.plans._bnb.solve`."""
    n = len(obj)
    solution = _with_highs(highs, -obj, np.zeros(n), np.ones(n), g, np.full(len(h), -np.inf),
                           h, relax=True)
    if solution is None:
        if highs.getModelStatus() == _state()["core"].HighsModelStatus.kInfeasible:
            return None
        raise _bnb.GaveUp(f"linear relaxation: {highs.modelStatusToString(highs.getModelStatus())}")
    # HiGHS minimizes -obj: the dual of a binding upper row bound is <= 0
    return np.maximum(0.0, -np.asarray(solution.row_dual, dtype=float))


def _with_milp(c: np.ndarray, lb: np.ndarray, ub: np.ndarray, a: np.ndarray,
               low: np.ndarray, high: np.ndarray, options: Mapping[str, Any]
               ) -> np.ndarray | None:
    from scipy.optimize import Bounds, LinearConstraint, OptimizeWarning, milp

    constraints = [LinearConstraint(a, low, high)] if len(a) else []
    with warnings.catch_warnings():
        # scipy passes the search options to HiGHS verbatim and says so; a HiGHS too
        # old to know one ignores it (speed only, the optimum is the same)
        warnings.filterwarnings("ignore", message="Unrecognized options")
        warnings.filterwarnings("ignore", message=".*option", category=OptimizeWarning)
        res = milp(c, integrality=np.ones(len(c)), bounds=Bounds(lb, ub),
                   constraints=constraints, options=dict(options))
    return res.x


def solve_binary(c: np.ndarray, lb: np.ndarray, ub: np.ndarray, a: np.ndarray,
                 low: np.ndarray, high: np.ndarray, options: Mapping[str, Any], *,
                 reuse: bool = True) -> np.ndarray | None:
    """Minimize ``c @ x`` over integer ``x`` with ``lb <= x <= ub``, ``low <= a @ x <= high``.

    Parameters
    ----------
    c, lb, ub : ndarray
        Costs and bounds of the variables (0-1 programs: bounds 0 and 1).
    a : ndarray
        Dense constraint matrix, one row per constraint (may have no rows).
    low, high : ndarray
        Row bounds (``-inf`` / ``inf`` for a side without a bound).
    options : mapping
        HiGHS options (``mip_rel_gap`` and the like).
    reuse : bool, default True
        The exact search of :mod:`ldkit.plans._bnb`, then (for a program too large for
        it) this thread's HiGHS object; False goes through :func:`scipy.optimize.milp`.

    Returns
    -------
    ndarray or None
        The optimal ``x`` (floats, as HiGHS returns them), or None when HiGHS does not
        report an optimum (infeasible, or out of time).
    """
    highs = _solver(options) if reuse else None
    if highs is None:
        return _with_milp(c, lb, ub, a, low, high, options)
    try:
        return _bnb.solve(c, lb, ub, a, low, high,
                          lambda obj, g, h: _relaxation_duals(highs, obj, g, h))
    except _bnb.GaveUp:
        pass
    try:
        return _with_highs(highs, c, lb, ub, a, low, high)
    except (AttributeError, TypeError):  # pragma: no cover - bindings of another shape
        _state().update(highs=None)
        return _with_milp(c, lb, ub, a, low, high, options)
