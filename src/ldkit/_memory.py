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

The same arrays cost the kernel a second way: glibc's ``malloc`` serves every
allocation above its mmap threshold (128 KiB to 32 MiB) with a fresh ``mmap`` and
gives it back with ``munmap`` when freed, so each of the hundreds of temporary
arrays of a 100,000-person analysis has its pages faulted in and zeroed anew (1.4
of 5.5 s spent in the kernel in ``benchmarks/needs_scale.py``). During
:func:`large_arrays` calls, the mmap and trim thresholds are raised
(``mallopt(M_MMAP_THRESHOLD)``, ``mallopt(M_TRIM_THRESHOLD)``), so freed arrays stay in
the heap and the next ones reuse their pages (system time 1.4 -> 0.8 s, peak memory
the same within 5%). :data:`GIVE_BACK_AFTER` seconds after the last call ended (and
no other began), they are set to the values glibc's own sliding thresholds reach
after a large free (32 MiB, 64 MiB) and ``malloc_trim(0)`` gives the free memory
back to the system. glibc only (documented in ``mallopt(3)``, ``malloc_trim(3)``);
elsewhere nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import platform
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


# mallopt(3) parameters, and the thresholds: during a call (freed arrays stay in the heap)
# and after it (where glibc's sliding thresholds settle after a large free)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_HELD = {_M_MMAP_THRESHOLD: 2**30, _M_TRIM_THRESHOLD: 2**31 - 1}
_AFTER = {_M_MMAP_THRESHOLD: 32 * 2**20, _M_TRIM_THRESHOLD: 64 * 2**20}


@functools.cache
def _glibc() -> Any:
    """The C library, where it is glibc (with ``mallopt`` and ``malloc_trim``); else None."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
    except (OSError, AttributeError):  # pragma: no cover - not a usual glibc
        return None
    return libc


#: Seconds without a large_arrays call after which the held memory is given back: calls
#: in a row (two surveys read, then scored) reuse each other's pages.
GIVE_BACK_AFTER = 2.0
_HOLDING = False
_TIMER: threading.Timer | None = None


def _hold() -> None:
    """Raise the thresholds (called with _LOCK held, as the outermost call starts)."""
    global _HOLDING, _TIMER
    if _TIMER is not None:
        _TIMER.cancel()
        _TIMER = None
    libc = _glibc()
    if libc is None or _HOLDING:
        return
    for parameter, value in _HELD.items():
        libc.mallopt(parameter, value)
    _HOLDING = True


def _give_back() -> None:
    """Lower the thresholds and return the free memory, unless a call is running."""
    global _HOLDING, _TIMER
    with _LOCK:
        _TIMER = None
        if _DEPTH > 0 or not _HOLDING:
            return
        libc = _glibc()
        for parameter, value in _AFTER.items():
            libc.mallopt(parameter, value)
        libc.malloc_trim(0)
        _HOLDING = False


def _give_back_later() -> None:
    """Give the memory back after GIVE_BACK_AFTER idle seconds (called with _LOCK held)."""
    global _TIMER
    if not _HOLDING:
        return
    if GIVE_BACK_AFTER <= 0:
        _TIMER = None
        threading.Thread(target=_give_back, daemon=True).start()
        return
    _TIMER = threading.Timer(GIVE_BACK_AFTER, _give_back)
    _TIMER.daemon = True
    _TIMER.start()


def _after_fork_in_child() -> None:
    """A forked child has none of the parent's threads: a lock another thread held at
    the fork would stay locked, and a pending give-back would never come."""
    global _LOCK, _TIMER
    _LOCK = threading.Lock()
    _TIMER = None
    _give_back()  # unless a call (of the thread that forked) is still running


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


@contextlib.contextmanager
def _without_hint() -> Iterator[None]:
    global _DEPTH, _SAVED
    switch = _switch() if compaction_stalls() else None
    with _LOCK:
        if _DEPTH == 0:
            _SAVED = switch(False) if switch is not None else None
            _hold()
        _DEPTH += 1
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH -= 1
            if _DEPTH == 0:
                if switch is not None and _SAVED is not None:
                    switch(_SAVED)
                _give_back_later()


def large_arrays(func: F) -> F:
    """Decorate ``func`` to run without numpy's huge-page hint where it would stall,
    and with freed memory kept for reuse (see the module's docstring); nested and
    concurrent calls restore both once, at the end of the last.

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
