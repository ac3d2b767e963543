"""ldkit._memory: numpy's huge-page hint is off during large-array work only where the
kernel would stall on it, and comes back afterwards."""

from __future__ import annotations

import threading
import time

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


HELD = [("mallopt", -3, 2**30), ("mallopt", -1, 2**31 - 1)]
GIVEN_BACK = [("mallopt", -3, 32 * 2**20), ("mallopt", -1, 64 * 2**20), ("malloc_trim", 0)]


def wait_for(condition, timeout=10.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


@pytest.fixture
def libc(monkeypatch):
    libc = RecordingLibc()
    monkeypatch.setattr(_memory, "_glibc", lambda: libc)
    monkeypatch.setattr(_memory, "_HOLDING", False)
    yield libc
    if _memory._TIMER is not None:
        _memory._TIMER.cancel()
    _memory._give_back()  # nothing left held for the next test


def test_freed_memory_is_held_during_calls_and_given_back_after_the_last(libc, monkeypatch):
    monkeypatch.setattr(_memory, "GIVE_BACK_AFTER", 0.2)
    inside = []

    @_memory.large_arrays
    def inner():
        inside.append(list(libc.calls))

    @_memory.large_arrays
    def outer():
        inner()
        inner()

    outer()
    outer()  # within the idle time: the memory is still held, not raised again
    assert inside == [HELD] * 4
    wait_for(lambda: len(libc.calls) == 5)
    assert libc.calls == HELD + GIVEN_BACK  # given back once, after the last call

    libc.calls.clear()
    monkeypatch.setattr(_memory, "GIVE_BACK_AFTER", 0)
    with pytest.raises(ValueError):
        _memory.large_arrays(lambda: (_ for _ in ()).throw(ValueError("x")))()
    wait_for(lambda: len(libc.calls) == 5)
    assert libc.calls == HELD + GIVEN_BACK  # an error gives the memory back too


def test_a_call_in_the_idle_time_keeps_the_memory_held(libc, monkeypatch):
    monkeypatch.setattr(_memory, "GIVE_BACK_AFTER", 60)
    _memory.large_arrays(lambda: None)()
    timer = _memory._TIMER
    assert timer is not None and timer.is_alive()
    _memory.large_arrays(lambda: None)()
    timer.join(5)  # cancelled: it ends now, not in a minute
    assert not timer.is_alive() and _memory._TIMER is not timer
    assert libc.calls == HELD


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


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="no fork")
def test_a_forked_child_gives_the_memory_back_and_is_not_locked_out(libc, monkeypatch):
    import os

    monkeypatch.setattr(_memory, "GIVE_BACK_AFTER", 60)
    _memory.large_arrays(lambda: None)()  # memory held, a give-back pending
    assert _memory._HOLDING
    before = len(libc.calls)
    _memory._LOCK.acquire()  # as if another thread held the lock at the fork
    try:
        pid = os.fork()
        if pid == 0:  # the child: given back at once, and calls still run
            ok = not _memory._HOLDING and _memory._TIMER is None
            ok = ok and libc.calls[before:] == GIVEN_BACK
            _memory.large_arrays(lambda: None)()
            os._exit(0 if ok and libc.calls[before + 3:] == HELD else 1)
    finally:
        _memory._LOCK.release()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
