"""person_gaps reads the ratings of an unchanged combine_surveys table from the surveys'
matrices: the same table as from the stacked ratings, and as a plain pandas groupby."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ldkit.capability import starter
from ldkit.datasets import write_survey_exports
from ldkit.needs import combine_surveys, gap_table, person_gaps
from ldkit.needs import gaps as gaps_module
from ldkit.survey import read_survey
from ldkit.survey.reader import _WideRatings

from .test_gaps import _plain_person_gaps

SECRET = "wide-gaps"
WEIGHTS = {"self": 1.0, "manager": 1.0, "peer": 1.0}


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gaps-wide")
    return write_survey_exports(folder, layout="qualtrics_legacy", n_employees=160, seed=5)


@pytest.fixture(scope="module")
def model():
    return starter("pharma-commercial")


def read(exports):
    return [read_survey(exports.self_path, exports.self_codebook, secret=SECRET),
            read_survey(exports.manager_path, exports.manager_codebook, secret=SECRET)]


def from_matrices(monkeypatch) -> list[int]:
    """Count the sources person_gaps reads from the matrices."""
    calls = []
    original = gaps_module._means_from_matrices

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(gaps_module, "_means_from_matrices", counted)
    return calls


def test_from_the_matrices_as_from_the_table_and_a_plain_groupby(exports, model, monkeypatch):
    calls = from_matrices(monkeypatch)
    ratings, people = combine_surveys(*read(exports))
    got = person_gaps(ratings, people, model)
    assert len(calls) == 4  # self, manager, peer, importance: all from the matrices
    general = person_gaps(ratings.copy(), people, model)  # a copy: the stacked table's way
    assert len(calls) == 4
    pd.testing.assert_frame_equal(got, general, check_exact=True)
    want = _plain_person_gaps(ratings.astype({c: "string" for c in (
        "person_id", "capability", "dimension", "rater")}), people, model, WEIGHTS)
    assert len(got) == len(want) > 0 and got["manager"].notna().any()
    assert got["person_id"].astype(str).tolist() == want["person_id"].astype(str).tolist()
    assert got["capability"].astype(str).tolist() == want["capability"].astype(str).tolist()
    for col in ("self", "manager", "peer", "importance", "current", "gap"):
        np.testing.assert_array_equal(got[col].to_numpy(float), want[col].to_numpy(float),
                                      err_msg=col)
    pd.testing.assert_frame_equal(gap_table(got), gap_table(general), check_exact=True)


@pytest.mark.parametrize("change", [
    lambda r: r.loc[r.index[:50], "value"].__setitem__(slice(None), 1.0),  # a view: no-op
    lambda r: r.__setitem__("value", r["value"].clip(upper=2.0)),
    lambda r: r.loc.__setitem__((r.index[:500], "value"), 4.0),
    lambda r: r.iloc.__setitem__((slice(0, 500), r.columns.get_loc("value")), np.nan),
    lambda r: r.__setitem__("capability", r["capability"].cat.rename_categories(
        dict(zip(r["capability"].cat.categories[:2], r["capability"].cat.categories[1::-1],
                 strict=True)))),  # two capabilities' names swapped
    lambda r: r.loc.__setitem__((r.index[:300], "rater"), "manager"),
    lambda r: r.drop(index=r.index[:1000], inplace=True),
    lambda r: r.sort_values("value", inplace=True, kind="stable"),
], ids=["view", "column replaced", "loc", "iloc", "categories", "rater", "drop", "sort"])
@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_a_changed_table_is_read_as_it_now_is(exports, model, change):
    ratings, people = combine_surveys(*read(exports))
    change(ratings)
    got = person_gaps(ratings, people, model)
    want = person_gaps(ratings.copy(), people, model)  # the table as it is now
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_a_write_straight_into_the_values_is_refused(exports, model):
    """Copy-on-write does not see a write into the column's own array: it is refused, so
    person_gaps never reads matrices that the table no longer matches; pandas' writes
    (above) still work."""
    ratings, people = combine_surveys(*read(exports))
    with pytest.raises(ValueError, match="read-only"):
        ratings["value"].array[:500] = 4.0
    ratings.loc[ratings.index[:500], "value"] = 4.0
    pd.testing.assert_frame_equal(person_gaps(ratings, people, model),
                                  person_gaps(ratings.copy(), people, model), check_exact=True)


def test_the_table_of_another_call_or_a_scale_map_is_read_from_the_table(exports, model,
                                                                          monkeypatch):
    calls = from_matrices(monkeypatch)
    ratings, people = combine_surveys(*read(exports))
    other = ratings[ratings["dimension"] == "proficiency"]  # derived: not the table returned
    pd.testing.assert_frame_equal(person_gaps(other, people, model),
                                  person_gaps(other.copy(), people, model), check_exact=True)
    from ldkit.capability import ScaleMapping

    person_gaps(ratings, people, model, scale_map=ScaleMapping.linear((1, 5), (1, 5)))
    assert calls == []


@pytest.mark.parametrize("twice", ["person", "capability"])
def test_two_ratings_of_one_source_are_averaged_from_the_table(exports, model, monkeypatch,
                                                               twice):
    """A person on two rows of a survey, or a capability in two items of a source: the
    matrices are not read, the ratings are summed in the table's order."""
    calls = from_matrices(monkeypatch)
    one, two = read(exports)
    wide = one.__dict__["_wide"]
    if twice == "person":
        person = wide.person_id.copy()
        person[1] = person[0]
        wide = _WideRatings(wide.items, wide.values, wide.respondent_id, person)
    else:
        items = list(wide.items)
        items[1] = replace(items[1], capability=items[0].capability)
        wide = _WideRatings(tuple(items), wide.values, wide.respondent_id, wide.person_id)
    ratings, people = combine_surveys(replace(one, responses=wide), two)
    got = person_gaps(ratings, people, model)
    assert calls == []
    pd.testing.assert_frame_equal(got, person_gaps(ratings.copy(), people, model),
                                  check_exact=True)


def test_the_table_is_forgotten_with_the_table(exports):
    import gc

    ratings, _ = combine_surveys(*read(exports))
    key = id(ratings)
    assert key in gaps_module._STACKS
    del ratings
    gc.collect()
    assert key not in gaps_module._STACKS  # nothing keeps the table or its matrices alive


def test_without_copy_on_write_the_table_is_not_remembered(exports, model, monkeypatch):
    """pandas 2 without copy-on-write changes a shared column in place, unseen: there
    the matrices are never read."""
    assert gaps_module._copy_on_write() is (int(pd.__version__.split(".")[0]) >= 3
                                            or pd.get_option("mode.copy_on_write") is True)
    monkeypatch.setattr(gaps_module, "_copy_on_write", lambda: False)
    calls = from_matrices(monkeypatch)
    ratings, people = combine_surveys(*read(exports))
    assert id(ratings) not in gaps_module._STACKS
    person_gaps(ratings, people, model)
    assert calls == []
