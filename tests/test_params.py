"""Parameter checks share one message template."""

import pytest

from ldkit._params import check_choice, check_number
from ldkit.errors import ParameterError


def test_check_choice_message():
    with pytest.raises(ParameterError) as info:
        check_choice("method", "cubic", ["linear", "explicit"], func="convert_ratings")
    assert str(info.value) == ("The 'method' parameter of convert_ratings must be one of "
                               "'linear', 'explicit'. Got 'cubic'.")


@pytest.mark.parametrize("value", [True, "1", float("nan"), 1.5])
def test_check_number_rejects_non_integers(value):
    with pytest.raises(ParameterError, match="must be an integer"):
        check_number("min_n", value, func="f", integer=True)


def test_check_number_range():
    assert check_number("rate", 0.5, func="npv", low=0, high=1) == 0.5
    with pytest.raises(ParameterError, match=r"must be a number in \[0, 1\]. Got 1.5."):
        check_number("rate", 1.5, func="npv", low=0, high=1)
