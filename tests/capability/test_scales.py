"""Ratings between scales: linear and explicit mappings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ldkit.capability import STANDARD_SCALE, ScaleMapping, convert_ratings
from ldkit.errors import InputError, ParameterError


def test_linear_maps_endpoints_onto_endpoints():
    m = ScaleMapping.linear((1, 5), STANDARD_SCALE)
    # y = 1 + (x - 1) * 3 / 4
    assert m.convert([1, 2, 3, 4, 5]).tolist() == [1.0, 1.75, 2.5, 3.25, 4.0]
    assert m.convert([1, 2, 3, 4, 5], round_to_level=True).tolist() == [1, 2, 3, 3, 4]


def test_linear_from_percent():
    m = ScaleMapping.linear((0, 100), (1, 4))
    assert m.convert(0) == 1.0 and m.convert(100) == 4.0
    assert m.convert(50) == pytest.approx(2.5)
    assert m.convert(50, round_to_level=True) == 3.0  # halves round up


def test_series_keeps_index_and_nan():
    s = pd.Series([1, np.nan, 5], index=["a", "b", "c"], name="self")
    out = ScaleMapping.linear((1, 5), (1, 4)).convert(s)
    assert list(out.index) == ["a", "b", "c"] and out.name == "self"
    assert np.isnan(out["b"]) and out["c"] == 4.0


def test_out_of_range_ratings_are_named():
    with pytest.raises(InputError, match=r"2 rating\(s\) outside the source scale: \[0.0, 6.0\]"):
        ScaleMapping.linear((1, 5), (1, 4)).convert([0, 3, 6])


def test_explicit_table():
    m = ScaleMapping.explicit({1: 1, 2: 1, 3: 2, 4: 3, 5: 4}, target=STANDARD_SCALE)
    assert m.convert([5, 3, 1]).tolist() == [4.0, 2.0, 1.0]
    with pytest.raises(InputError, match="one of"):
        m.convert([2.5])


@pytest.mark.parametrize(("call", "message"), [
    (lambda: ScaleMapping.linear((5, 1), (1, 4)), "min < max"),
    (lambda: ScaleMapping.linear("1-5", (1, 4)), "The 'source' parameter of ScaleMapping"),
    (lambda: ScaleMapping.explicit({}), "non-empty mapping"),
    (lambda: ScaleMapping.explicit({"a": "b"}), "numbers to numbers"),
    (lambda: ScaleMapping.explicit({1: 9}, target=(1, 4)), "onto the target range"),
    (lambda: convert_ratings([1], (1, 5), (1, 4), method="cubic"), "one of 'linear'"),
    (lambda: convert_ratings([1], (1, 5), (1, 4), method="explicit"), "given when"),
])
def test_bad_parameters(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_convert_ratings_function():
    assert convert_ratings([3], (1, 5), (1, 4)).tolist() == [2.5]
    assert convert_ratings([3], (1, 5), (1, 4), method="explicit",
                           table={3: 2}).tolist() == [2.0]
