"""The fuzz corpus: every bad file ends accepted with the right values or in a located error.

Never another exception type (a traceback), never a hang: each case runs under a
generous alarm that only exists to turn a hang into a failure (it measures nothing).
"""

from __future__ import annotations

import importlib.util
import signal
import sys
from pathlib import Path

import pytest

from ldkit.errors import InputError, LdkitError, ValidationError

_spec = importlib.util.spec_from_file_location("make_corpus",
                                               Path(__file__).with_name("make_corpus.py"))
make_corpus = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("make_corpus", make_corpus)
_spec.loader.exec_module(make_corpus)


def _read(reader: str, path: Path, options: dict):
    if reader == "table":
        from ldkit.tables import read_table
        return read_table(path, **options)
    if reader == "yaml":
        from ldkit.yamlio import load_yaml
        return load_yaml(path)
    if reader == "catalog":
        from ldkit.plans.catalog import read_catalog
        return read_catalog(path)
    if reader == "roi":
        from ldkit.roi import read_case
        return read_case(path)
    if reader == "codebook":
        from ldkit.codebook import read_codebook
        return read_codebook(path)
    raise AssertionError(reader)


HANG_GUARD_SECONDS = 120  # a hang detector, not a speed check (speed: benchmarks/)


def _on_alarm(signum, frame):
    raise TimeoutError("the reader hangs")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return dict((c.name, (c, p)) for c, p in
                make_corpus.write_corpus(tmp_path_factory.mktemp("corpus")))


def _located(exc: InputError, case, path: Path) -> None:
    problems = exc.problems if isinstance(exc, ValidationError) else [exc]
    for problem in problems:
        loc = problem.location
        assert loc is not None and loc.file == str(path), f"{case.name}: no file in {exc}"
    loc = problems[0].location
    for key in case.where:
        if key == "offset":
            assert "byte offset" in str(exc), f"{case.name}: no byte offset in {exc}"
        else:
            assert getattr(loc, key) is not None, f"{case.name}: no {key} in {exc}"
    hint = problems[0].hint if isinstance(exc, ValidationError) else exc.hint
    assert hint, f"{case.name}: no hint in {exc}"
    assert case.message in str(exc) or any(case.message in p.message for p in problems), (
        f"{case.name}: {case.message!r} not in {exc}")
    assert "\n" not in exc.one_line()


@pytest.mark.parametrize("name", [c.name for c in make_corpus.CASES])
def test_case(corpus, name):
    case, path = corpus[name]
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(HANG_GUARD_SECONDS)
    try:
        try:
            result = _read(case.reader, path, case.options)
        except InputError as exc:
            assert case.outcome == "locate", f"{name}: refused but should be accepted: {exc}"
            _located(exc, case, path)
            return
        except LdkitError as exc:  # pragma: no cover - a non-located ldkit error
            pytest.fail(f"{name}: {type(exc).__name__} without a location: {exc}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert case.outcome == "accept", f"{name}: accepted silently, should be refused"
    case.check(result)


def test_corpus_counts():
    cases = make_corpus.CASES
    assert len({c.name for c in cases}) == len(cases)
    assert all(c.outcome in ("accept", "locate") for c in cases)
    assert all(c.check is not None for c in cases if c.outcome == "accept")
