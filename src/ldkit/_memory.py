"""Large short-lived numpy arrays without transparent-hugepage compaction stalls.

On Linux numpy asks the kernel for transparent huge pages (``madvise(MADV_HUGEPAGE)``)
for every large array. Where the kernel's THP ``defrag`` policy compacts memory
synchronously for such requests (``always``, ``madvise`` or ``defer+madvise`` in
``/sys/kernel/mm/transparent_hugepage/defrag``), each first touch of fresh memory may
wait for the kernel to assemble a 2 MB page. The needs analysis at 100,000 people
allocates some 1.6 GB of arrays that are written once and read once or twice, which
gain nothing from huge pages: on the 2-core benchmark machine (defrag ``madvise``) the
hint cost 1.2 s of 7.5 s (``benchmarks/needs_scale.py``, run with
``NUMPY_MADVISE_HUGEPAGE=0`` and without). numpy documents the hint and its switch
(https://numpy.org/devdocs/reference/global_state.html); :func:`large_arrays` turns
it off for the duration of a call where it would stall, and restores it after.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["compaction_stalls", "large_arrays"]

_DEFRAG = Path("/sys/kernel/mm/transparent_hugepage/defrag")
_STALLING = {"always", "madvise", "defer+madvise"}
_LOCK = threading.Lock()
_DEPTH = 0
_SAVED: bool | None = None

F = TypeVar("F", bound=Callable[..., Any])


@functools.cache
def compaction_stalls() -> bool:
    """Whether the kernel compacts memory synchronously for a huge-page hint (Linux
    THP defrag policy ``always``, ``madvise`` or ``defer+madvise``); False elsewhere."""
    try:
        text = _DEFRAG.read_text(encoding="ascii")
    except OSError:
        return False
    chosen = [w[1:-1] for w in text.split() if w.startswith("[") and w.endswith("]")]
    return bool(chosen) and chosen[0] in _STALLING


def _switch() -> Callable[[bool], bool] | None:
    try:  # numpy >= 2
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # pragma: no cover - numpy 1.x
        try:
            from numpy.core.multiarray import _set_madvise_hugepage
        except ImportError:
            return None
    return _set_madvise_hugepage


@contextlib.contextmanager
def _without_hint() -> Iterator[None]:
    global _DEPTH, _SAVED
    switch = _switch() if compaction_stalls() else None
    if switch is None:
        yield
        return
    with _LOCK:
        if _DEPTH == 0:
            _SAVED = switch(False)
        _DEPTH += 1
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH -= 1
            if _DEPTH == 0 and _SAVED is not None:
                switch(_SAVED)


def large_arrays(func: F) -> F:
    """Decorate ``func`` to run without numpy's huge-page hint where it would stall
    (see the module's docstring); nested and concurrent calls restore it once, at the
    end of the last.

    Examples
    --------
    >>> @large_arrays
    ... def total(n):
    ...     import numpy as np
    ...     return float(np.ones(n).sum())
    >>> total(10)
    10.0
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _without_hint():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
