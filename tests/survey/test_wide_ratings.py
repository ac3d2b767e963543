"""A survey keeps its ratings wide and stacks them once: the tables equal plain pandas ones.

``SurveyData.responses`` is stacked on first access from the rows x items matrix the
reader validated; :func:`ldkit.needs.combine_surveys` stacks several surveys straight
from their matrices. Both are checked here against a plain, independent pandas
stacking (``np.nonzero`` in row-major order, ``pd.Categorical``,
``union_categoricals``).
"""

from __future__ import annotations

import pickle
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from pandas.api.types import union_categoricals

from ldkit.datasets import write_survey_exports
from ldkit.needs import combine_surveys
from ldkit.survey import read_survey
from ldkit.survey.reader import (
    RESPONSE_COLUMNS,
    _pseudonym_categorical,
    _pseudonym_union,
    _stack_ratings,
    _WideRatings,
)

SECRET = "wide-test"


def plain_responses(wide: _WideRatings) -> pd.DataFrame:
    """One row per present rating, rows in order and each row's items in codebook order,
    built the plain way."""
    rows, cols = np.nonzero(~np.isnan(wide.values))  # row-major
    frame = {
        "respondent_id": pd.Categorical(wide.respondent_id)[rows],
        "person_id": pd.Categorical(wide.person_id)[rows],
    }
    for attr in ("item", "capability", "dimension", "rater"):
        labels = np.array([getattr(i, attr) for i in wide.items], dtype=object)
        frame[attr] = pd.Categorical(labels[cols], categories=list(dict.fromkeys(labels)))
    frame["value"] = wide.values[rows, cols]
    return pd.DataFrame(frame)


def plain_stack(tables: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.DataFrame({
        c: union_categoricals([t[c].array for t in tables], ignore_order=True)
        if c != "value" else np.concatenate([t[c].to_numpy() for t in tables])
        for c in RESPONSE_COLUMNS})


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wide")
    return write_survey_exports(folder, layout="qualtrics", n_employees=150, seed=3)


def read(exports):
    return (read_survey(exports.self_path, exports.self_codebook, secret=SECRET),
            read_survey(exports.manager_path, exports.manager_codebook, secret=SECRET))


def test_responses_are_stacked_on_first_access_as_plain_pandas_stacks_them(exports):
    for survey in read(exports):
        wide = survey.__dict__["_responses"]
        assert isinstance(wide, _WideRatings)  # not stacked yet
        want = plain_responses(wide)
        got = survey.responses
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert survey.responses is got  # stacked once, kept
        assert len(got) == int((~np.isnan(wide.values)).sum()) > 0


def test_combine_surveys_from_the_matrices_equals_stacking_the_tables(exports):
    fresh = read(exports)
    got, people = combine_surveys(*fresh)  # straight from the matrices
    eager = read(exports)
    tables = [s.responses for s in eager]  # built first: the general way
    again, people_again = combine_surveys(*eager)
    want = plain_stack([plain_responses(s.__dict__["_wide"]) for s in fresh])
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    pd.testing.assert_frame_equal(again, want, check_exact=True)
    pd.testing.assert_frame_equal(people, people_again)
    pd.testing.assert_frame_equal(plain_stack(tables), want, check_exact=True)
    # the manager file rates people the self file has: they share categories
    assert got["person_id"].cat.categories.is_unique
    assert (got["rater"] == "manager").any() and (got["rater"] == "self").any()


def test_a_changed_responses_table_is_what_combine_surveys_stacks(exports):
    one, two = read(exports)
    one.responses.loc[0, "value"] = 9.0  # the table a caller changed, not the matrix
    ratings, _ = combine_surveys(one, two)
    assert ratings["value"].iloc[0] == 9.0


def test_survey_without_kept_rows_stacks_as_before(exports):
    one, two = read(exports)
    empty = _WideRatings(one.codebook.items, np.empty((0, len(one.codebook.items))),
                         np.empty(0, dtype=object), np.empty(0, dtype=object))
    nobody = replace(one, responses=empty)
    assert len(nobody.responses) == 0
    assert list(nobody.responses.columns) == RESPONSE_COLUMNS
    assert all(nobody.responses[c].dtype == "string" for c in RESPONSE_COLUMNS[:-1])
    # stacked with others: the general way (each table, then their union) decides
    assert _stack_ratings([empty, two.__dict__["_wide"]]) is None


def test_survey_data_pickles_with_its_matrix(exports):
    survey, _ = read(exports)
    copy = pickle.loads(pickle.dumps(survey))
    pd.testing.assert_frame_equal(copy.responses, survey.responses)


@pytest.mark.parametrize("seed", range(5))
def test_pseudonym_union_is_union_categoricals_of_each_part(seed):
    rng = np.random.default_rng(seed)
    pool = np.array([f"p{rng.integers(0, 2**40):x}" for _ in range(60)]
                    + ["", "P\u00e9", "p\u00e9"], dtype=object)
    parts = []
    for _ in range(rng.integers(1, 4)):
        part = pool[rng.integers(0, len(pool), rng.integers(0, 80))].copy()
        part[rng.random(len(part)) < 0.1] = None
        parts.append(part)
    if not any(len(p) for p in parts):
        parts.append(pool[:3].copy())
    categories, codes = _pseudonym_union(parts)
    got = pd.Categorical.from_codes(np.concatenate(codes), dtype=pd.CategoricalDtype(categories))
    want = union_categoricals([pd.Categorical(p) for p in parts], ignore_order=True)
    pd.testing.assert_extension_array_equal(got, want)
    each = union_categoricals([_pseudonym_categorical(p) for p in parts], ignore_order=True)
    pd.testing.assert_extension_array_equal(got, each)


def test_pseudonym_union_leaves_text_with_nul_to_the_general_way():
    assert _pseudonym_union([np.array(["a\0", "b"], dtype=object)]) is None
    assert _pseudonym_union([np.array([1.5, "b"], dtype=object)]) is None


@pytest.mark.parametrize("categories", [
    np.array(["rb", "ra", "r\u00e9"], dtype=object),
    pd.Index(["p2", "p1"]),
    np.array([], dtype=object),
])
def test_dtype_of_distinct_categories_is_pandas_own(categories):
    from ldkit.survey.reader import _distinct_dtype

    got, want = _distinct_dtype(categories), pd.CategoricalDtype(categories)
    assert got == want and not got.ordered
    pd.testing.assert_index_equal(got.categories, want.categories)


@pytest.mark.parametrize("texts", [["pb", "pA", "p10", "p9", "", "pa"],
                                   ["p\u00e9", "pe", "P\u00c9", "pz", "p\U0001f600"]])
def test_sortable_text_sorts_as_python_strings(texts):
    from ldkit.survey.reader import _sortable

    values = np.array(texts, dtype=object)
    order = np.argsort(_sortable(values), kind="stable")
    assert values[order].tolist() == sorted(texts)
