"""Mapping ratings between proficiency scales.

A client's survey uses 1-5, our model 1-4, an assessment platform 0-100:
:class:`ScaleMapping` converts values from one to another by a declared
rule, either linear (endpoints onto endpoints) or explicit (a table).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ldkit._params import check_choice, param_error
from ldkit.capability.model import Scale
from ldkit.errors import InputError

__all__ = ["ScaleMapping", "convert_ratings"]

Range = tuple[float, float]


def _range(spec: Scale | tuple | list, name: str) -> tuple[Range, tuple[float, ...] | None]:
    if isinstance(spec, Scale):
        return (float(spec.min), float(spec.max)), tuple(float(v) for v in spec.values)
    if isinstance(spec, tuple | list) and len(spec) == 2 and all(
            isinstance(v, int | float) for v in spec) and spec[0] < spec[1]:
        return (float(spec[0]), float(spec[1])), None
    raise param_error(name, "ScaleMapping", "a Scale or a (min, max) pair with min < max", spec)


@dataclass(frozen=True)
class ScaleMapping:
    """A declared mapping of ratings from a source scale to a target scale.

    Build one with :meth:`linear` or :meth:`explicit`; apply it with
    :meth:`convert`.

    Notes
    -----
    Linear: ``y = t_min + (x - s_min) * (t_max - t_min) / (s_max - s_min)``,
    so the endpoints map onto each other (1-5 to 1-4: 3 becomes 2.5).
    With ``round_to_level=True`` results snap to the nearest target level,
    halves rounding up (2.5 becomes 3), which keeps the conversion monotone.

    Examples
    --------
    >>> m = ScaleMapping.linear((1, 5), (1, 4))
    >>> m.convert([1, 3, 5]).tolist()
    [1.0, 2.5, 4.0]
    >>> ScaleMapping.linear((0, 100), (1, 4)).convert(50, round_to_level=True)
    3.0
    """

    source: Range
    target: Range
    method: str = "linear"
    table: Mapping[float, float] = field(default_factory=dict)
    target_levels: tuple[float, ...] | None = None

    @classmethod
    def linear(cls, source: Scale | Range, target: Scale | Range) -> ScaleMapping:
        """Map the source range linearly onto the target range."""
        s, _ = _range(source, "source")
        t, levels = _range(target, "target")
        return cls(s, t, "linear", {}, levels)

    @classmethod
    def explicit(cls, table: Mapping[Any, Any], *, source: Scale | Range | None = None,
                 target: Scale | Range | None = None) -> ScaleMapping:
        """Map each source value by a table, e.g. ``{1: 1, 2: 1, 3: 2, 4: 3, 5: 4}``."""
        if not isinstance(table, Mapping) or not table:
            raise param_error("table", "ScaleMapping.explicit",
                              "a non-empty mapping of source to target values", table)
        try:
            parsed = {float(k): float(v) for k, v in table.items()}
        except (TypeError, ValueError):
            raise param_error("table", "ScaleMapping.explicit", "numbers to numbers",
                              table) from None
        s = _range(source, "source")[0] if source is not None else (min(parsed), max(parsed))
        if target is not None:
            t, levels = _range(target, "target")
        else:
            t, levels = (min(parsed.values()), max(parsed.values())), None
        outside = [v for v in parsed.values() if not t[0] <= v <= t[1]]
        if outside:
            raise param_error("table", "ScaleMapping.explicit",
                              f"onto the target range {t}", outside)
        return cls(s, t, "explicit", parsed, levels)

    def convert(self, values: Any, *, round_to_level: bool = False) -> Any:
        """Convert a scalar, list, array or Series; NaN stays NaN.

        Raises
        ------
        InputError
            If a value lies outside the source range (or, for an explicit
            mapping, is not in the table), naming the first offending values.
        """
        import numpy as np
        import pandas as pd

        is_series = isinstance(values, pd.Series)
        scalar = np.ndim(values) == 0
        x = np.asarray(values, dtype="float64").reshape(-1) if not is_series else \
            values.to_numpy(dtype="float64", na_value=np.nan)
        present = ~np.isnan(x)
        if self.method == "linear":
            bad = present & ((x < self.source[0]) | (x > self.source[1]))
        else:
            bad = present & ~np.isin(x, list(self.table))
        if bad.any():
            shown = sorted(set(x[bad].tolist()))[:5]
            expected = (f"in [{self.source[0]:g}, {self.source[1]:g}]" if self.method == "linear"
                        else f"one of {sorted(self.table)}")
            raise InputError(f"{int(bad.sum())} rating(s) outside the source scale: {shown}",
                             hint=f"ratings must be {expected}")
        if self.method == "linear":
            (s0, s1), (t0, t1) = self.source, self.target
            y = t0 + (x - s0) * (t1 - t0) / (s1 - s0)
        else:
            y = np.array([self.table.get(v, np.nan) for v in x.tolist()], dtype="float64")
        if round_to_level:
            y = self._snap(y)
        if is_series:
            return pd.Series(y, index=values.index, name=values.name)
        return float(y[0]) if scalar else y

    def _snap(self, y: Any) -> Any:
        import numpy as np

        if self.target_levels:
            levels = np.asarray(self.target_levels)
            idx = np.abs(y[:, None] - levels[None, :] + 1e-9).argmin(axis=1)  # halves up
            out = levels[idx].astype("float64")
            out[np.isnan(y)] = np.nan
            return out
        return np.floor(y + 0.5)


def convert_ratings(values: Any, source: Scale | Range, target: Scale | Range, *,
                    method: str = "linear", table: Mapping[Any, Any] | None = None,
                    round_to_level: bool = False) -> Any:
    """Convert ratings from ``source`` to ``target`` scale (see :class:`ScaleMapping`)."""
    check_choice("method", method, ("linear", "explicit"), func="convert_ratings")
    if method == "linear":
        mapping = ScaleMapping.linear(source, target)
    else:
        if table is None:
            raise param_error("table", "convert_ratings", "given when method='explicit'", None)
        mapping = ScaleMapping.explicit(table, source=source, target=target)
    return mapping.convert(values, round_to_level=round_to_level)
