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
