"""Parameter checks at the public boundary, with one message template.

``The 'x' parameter of f must be <constraint>. Got <value>.``
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ldkit.errors import ParameterError

__all__ = ["check_choice", "check_number", "param_error"]


def param_error(name: str, func: str, constraint: str, value: Any) -> ParameterError:
    """Build the ParameterError of the shared template."""
    return ParameterError(f"The '{name}' parameter of {func} must be {constraint}. Got {value!r}.")


def check_choice(name: str, value: Any, choices: Iterable[Any], *, func: str) -> Any:
    """Return ``value`` if it is one of ``choices``, else raise ParameterError."""
    options = list(choices)
    if value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise param_error(name, func, f"one of {listed}", value)
    return value


def check_number(
    name: str,
    value: Any,
    *,
    func: str,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
) -> Any:
    """Return ``value`` if it is a number in [low, high], else raise ParameterError."""
    kind = "an integer" if integer else "a number"
    ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type:
        raise param_error(name, func, kind, value)
    if value != value:  # NaN
        raise param_error(name, func, kind, value)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise param_error(name, func, f"{kind} in [{lo}, {hi}]", value)
    return value
