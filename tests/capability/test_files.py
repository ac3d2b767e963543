"""Reading and writing by extension."""

import pytest

from ldkit.capability import read_model, write_model
from ldkit.errors import UnsupportedFormatError


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".xlsx", ".csv"])
def test_every_format_round_trips(tmp_path, small_model, suffix):
    path = write_model(small_model, tmp_path / f"m{suffix}")
    assert read_model(path) == small_model


def test_unknown_extension(tmp_path, small_model):
    with pytest.raises(UnsupportedFormatError, match=r"use one of \.csv, \.xlsx, \.yaml, \.yml"):
        write_model(small_model, tmp_path / "m.docx")
