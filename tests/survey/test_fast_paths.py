"""The fast paths of read_survey give what the general ones give (large exports take them)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ldkit.survey.layouts import _blank_rows
from ldkit.survey.reader import _pseudonym_categorical, _times


@pytest.mark.parametrize("ids", [
    ["rb", "ra", None, "rb", "r\u00e9", "R\u00e9", "r10", "r9", ""],
    [None, None],
    ["p1"],
])
def test_pseudonym_categorical_is_pandas_categorical(ids):
    values = np.array(ids, dtype=object)
    got = _pseudonym_categorical(values)
    want = pd.Categorical(values)
    pd.testing.assert_extension_array_equal(got, want)
    assert got.codes.dtype == want.codes.dtype


def test_pseudonym_categorical_of_many_random_ids_is_pandas_categorical():
    rng = np.random.default_rng(5)
    values = np.array([f"p{rng.integers(0, 2**40):x}" for _ in range(3000)], dtype=object)
    values[::97] = None
    pd.testing.assert_extension_array_equal(_pseudonym_categorical(values),
                                            pd.Categorical(values))


@pytest.mark.parametrize("texts, expected", [
    # ISO 8601 (Qualtrics, Microsoft Forms, tidy): one pass
    (["2025-02-28 21:03:15", "", "2025-03-01T08:00:00"],
     ["2025-02-28 21:03:15", None, "2025-03-01 08:00:00"]),
    # one offset throughout: local wall time kept
    (["2025-02-28T21:03:15+02:00", "2025-03-01T08:00:00+02:00"],
     ["2025-02-28 21:03:15", "2025-03-01 08:00:00"]),
    # not ISO (Google Forms, with its GMT offset; SurveyMonkey): the general way
    (["2026/04/06 9:12:03 AM GMT+2", "2026/04/06 1:00:00 PM GMT+2"],
     ["2026-04-06 09:12:03", "2026-04-06 13:00:00"]),
    (["04/06/2026 09:12:03", "not a time"], ["2026-04-06 09:12:03", None]),
    # padded ISO text, and a cell of spaces (blank): as the trimmed text
    ([" 2025-02-28 21:03:15\t", "   ", "2025-03-01 08:00:00"],
     ["2025-02-28 21:03:15", None, "2025-03-01 08:00:00"]),
])
def test_times_fast_path_and_general_way(texts, expected):
    frame = pd.DataFrame({"t": pd.Series(texts, dtype=object)})
    got = _times(frame, "t")
    want = np.array([np.datetime64("NaT") if e is None else np.datetime64(e) for e in expected],
                    dtype="datetime64[ns]")
    np.testing.assert_array_equal(got, want)


def test_blank_rows_are_rows_blank_in_every_column():
    body = pd.DataFrame([["", "", ""], ["a", "", ""], ["", "", "x"], ["", "", ""]],
                        dtype=object)
    assert _blank_rows(body).tolist() == (body == "").all(axis=1).tolist() == [
        True, False, False, True]


def test_exports_are_parsed_in_one_thread_and_the_option_restored(tmp_path):
    from ldkit.survey.layouts import _one_thread, read_export

    try:
        before = pd.get_option("mode.max_threads")
    except (KeyError, pd.errors.OptionError):
        pytest.skip("pandas < 3.1 parses in one thread")
    with _one_thread():
        assert pd.get_option("mode.max_threads") == 1
    assert pd.get_option("mode.max_threads") == before
    # a file large enough for pandas' parallel parser: the same table either way
    path = tmp_path / "tidy.csv"
    rows = "".join(f"r{i},p{i % 997},{i % 5},\"a, b\"\n" for i in range(60_000))
    path.write_text("respondent,person,q1,comment\n" + rows, encoding="utf-8")
    got = read_export(path, source="tidy").frame
    with pd.option_context("mode.max_threads", 2):
        want = pd.read_csv(path, dtype=object, keep_default_na=False, na_filter=False)
    pd.testing.assert_frame_equal(got, want, check_names=False)


def _cells_from_csv(tmp_path, texts):
    path = tmp_path / "cells.csv"
    body = "".join(f"{t}\n" for t in texts)
    path.write_text("q\n" + body, encoding="utf-8")
    return pd.read_csv(path, dtype=object, keep_default_na=False, na_filter=False)["q"]


@pytest.mark.parametrize("source", ["csv", "built"])
def test_factorize_cells_gives_each_cell_its_text(tmp_path, source):
    """Grouping cells by string object: every cell still reads its own text, whether the
    parser shared the objects (csv) or every cell has its own (built)."""
    from ldkit.survey.reader import _factorize_cells

    rng = np.random.default_rng(2)
    labels = ["1", "2", "Strongly agree", " Agree ", "N/A", "", "\u00e9l\u00e8ve", "10"]
    texts = [labels[i] for i in rng.integers(0, len(labels), 6000)]
    if source == "csv":
        col = _cells_from_csv(tmp_path, [f'"{t}"' for t in texts])
    else:
        col = pd.Series(["".join(t) for t in texts], dtype=object)  # a fresh object each
    codes, objects = _factorize_cells(col)
    assert (codes >= 0).all()
    assert objects[codes].tolist() == col.tolist() == texts
    _, plain_uniques = pd.factorize(col)
    # same grouping up to equal texts kept apart: each code holds one text
    assert pd.Series(objects[codes]).groupby(codes).nunique().max() == 1
    assert set(objects) == set(plain_uniques)


def test_factorize_cells_groups_by_object():
    from ldkit.survey.reader import _factorize_cells

    one = "Strongly agree"
    other = "".join(["Strongly", " agree"])  # the same text in another object
    assert one == other and one is not other
    codes, objects = _factorize_cells(pd.Series([one, other] * 100, dtype=object))
    assert codes[:4].tolist() == [0, 1, 0, 1] and objects.tolist() == [one, one]


def test_factorize_cells_leaves_missing_cells_to_pandas():
    from ldkit.survey.reader import _factorize_cells, clean_text

    col = pd.Series(["a", None, "a", np.nan] * 100, dtype=object)
    codes, objects = _factorize_cells(col)
    plain_codes, plain_uniques = pd.factorize(col, use_na_sentinel=True)
    np.testing.assert_array_equal(codes, plain_codes)
    assert objects.tolist() == list(plain_uniques)
    assert clean_text(col).tolist() == ["a", "", "a", ""] * 100


def test_answers_mapped_from_cell_objects_as_cell_by_cell(tmp_path):
    from ldkit.survey.reader import _map_answers

    rng = np.random.default_rng(4)
    lookup = {"1": 1.0, "2": 2.0, "strongly agree": 5.0, "n/a": np.nan}
    cells = ["1", "2", "Strongly agree", " STRONGLY AGREE", "N/A", "", "3", "maybe"]
    texts = [cells[i] for i in rng.integers(0, len(cells), 8000)]
    col = _cells_from_csv(tmp_path, [f'"{t}"' for t in texts])
    values, bad = _map_answers(col, lookup)
    want = [np.nan if t.strip() == "" else lookup.get(t.strip().casefold(), np.inf)
            for t in texts]
    want = np.array(want)
    np.testing.assert_array_equal(bad, np.isinf(want))
    want[np.isinf(want)] = np.nan
    np.testing.assert_array_equal(values, want)


def test_dedupe_codes_group_rows_as_their_trimmed_folded_text():
    from ldkit.survey.reader import _dedupe_codes

    rng = np.random.default_rng(8)
    mails = np.array(["ana@x.example", " ANA@X.example", "bob@x.example", "", None, "  ",
                      "Bob@X.Example "], dtype=object)
    units = np.array(["North", "north ", "South", None], dtype=object)
    one = pd.Series(mails[rng.integers(0, len(mails), 500)], dtype=object)
    two = pd.Series(units[rng.integers(0, len(units), 500)], dtype=object)
    got = _dedupe_codes([one, two])
    plain = pd.DataFrame({k: c.fillna("").astype(str).str.strip().str.casefold()
                          for k, c in (("one", one), ("two", two))})
    want = plain.groupby(["one", "two"], sort=False).ngroup().to_numpy()
    # the same partition of the rows (numbers may differ)
    assert len(set(zip(got, want, strict=True))) == len(set(got)) == len(set(want))
