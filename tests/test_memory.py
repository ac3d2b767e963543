"""ldkit._memory: numpy's huge-page hint is off during large-array work only where the
kernel would stall on it, and comes back afterwards."""

from __future__ import annotations

import threading

import pytest

from ldkit import _memory


def hint() -> bool:
    switch = _memory._switch()
    state = switch(True)
    switch(state)
    return state


@pytest.mark.parametrize(("policy", "stalls"), [
    ("always defer defer+madvise [madvise] never", True),
    ("[always] defer defer+madvise madvise never", True),
    ("always defer [defer+madvise] madvise never", True),
    ("always [defer] defer+madvise madvise never", False),
    ("always defer defer+madvise madvise [never]", False),
    ("", False),
])
def test_policies_that_compact_synchronously(tmp_path, monkeypatch, policy, stalls):
    path = tmp_path / "defrag"
    path.write_text(policy + "\n")
    monkeypatch.setattr(_memory, "_DEFRAG", path)
    _memory.compaction_stalls.cache_clear()
    try:
        assert _memory.compaction_stalls() is stalls
    finally:
        _memory.compaction_stalls.cache_clear()


def test_no_policy_file_means_no_stall(tmp_path, monkeypatch):
    monkeypatch.setattr(_memory, "_DEFRAG", tmp_path / "missing")
    _memory.compaction_stalls.cache_clear()
    try:
        assert _memory.compaction_stalls() is False
    finally:
        _memory.compaction_stalls.cache_clear()


def test_hint_off_inside_nested_and_concurrent_calls_and_restored(monkeypatch):
    monkeypatch.setattr(_memory, "compaction_stalls", lambda: True)
    before = hint()
    seen = []
    started, release = threading.Barrier(2), threading.Event()

    @_memory.large_arrays
    def inner():
        seen.append(hint())

    @_memory.large_arrays
    def outer(wait=False):
        inner()
        if wait:
            started.wait()
            release.wait()
        seen.append(hint())  # still off after the nested call returned

    thread = threading.Thread(target=outer, kwargs={"wait": True})
    thread.start()
    started.wait()
    outer()  # ends while the other call is still inside
    seen.append(hint())
    release.set()
    thread.join()
    assert seen == [False] * 5  # two per call, and once between the two ends
    assert hint() is before


def test_errors_restore_the_hint(monkeypatch):
    monkeypatch.setattr(_memory, "compaction_stalls", lambda: True)
    before = hint()

    @_memory.large_arrays
    def fails():
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        fails()
    assert hint() is before


class RecordingLibc:
    """Stands in for glibc's allocator switches: records each call, in order."""

    def __init__(self):
        self.calls = []

    def mallopt(self, parameter, value):
        self.calls.append(("mallopt", parameter, value))
        return 1

    def malloc_trim(self, pad):
        self.calls.append(("malloc_trim", pad))
        return 1


def test_freed_memory_is_held_during_calls_and_given_back_after_the_last(monkeypatch):
    libc = RecordingLibc()
    monkeypatch.setattr(_memory, "_glibc", lambda: libc)
    inside = []

    @_memory.large_arrays
    def inner():
        inside.append(list(libc.calls))

    @_memory.large_arrays
    def outer():
        inner()
        inner()

    outer()
    held = [("mallopt", -3, 2**30), ("mallopt", -1, 2**31 - 1)]
    after = [("mallopt", -3, 32 * 2**20), ("mallopt", -1, 64 * 2**20), ("malloc_trim", 0)]
    assert inside == [held, held]  # raised once, at the start of the outermost call
    assert libc.calls == held + after  # and set back once, at its end, with a trim

    libc.calls.clear()
    with pytest.raises(ValueError):
        _memory.large_arrays(lambda: (_ for _ in ()).throw(ValueError("x")))()
    assert libc.calls == held + after  # an error gives the memory back too


def test_the_allocator_switches_are_glibc_s_where_there_is_glibc():
    import platform

    libc = _memory._glibc()
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert libc is not None and libc.mallopt(-1, 64 * 2**20) == 1
    else:
        assert libc is None

    @_memory.large_arrays
    def total():
        import numpy as np

        return float(np.ones(3_000_000).sum())

    assert total() == 3_000_000.0
