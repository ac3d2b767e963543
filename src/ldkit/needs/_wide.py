"""Checks shared by the statistics that take a wide respondents x items table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ldkit._params import param_error
from ldkit.errors import InputError, Location

__all__ = ["numeric_items"]


def numeric_items(frame: object, name: str, *, func: str, label: str | None = None,
                  unique_index: bool = False) -> pd.DataFrame:
    """Check a wide table (unique item columns, numeric, finite); return a float64 copy.

    ``label`` names the table in messages ("Item 'a' of importance must be numeric");
    ``unique_index`` also requires each respondent (row label) once.
    """
    if not isinstance(frame, pd.DataFrame):
        raise param_error(name, func, "a pandas DataFrame", type(frame).__name__)
    of = f" of {label}" if label else ""
    axes = [("item", frame.columns)] + ([("respondent", frame.index)] if unique_index else [])
    for axis, labels in axes:
        repeated = labels[labels.duplicated()].unique().tolist()
        if repeated:
            raise InputError(
                f"Each {axis} must appear once{' in ' + label if label else ''}; repeated: "
                f"{', '.join(map(str, repeated[:5]))}.",
                location=Location(column=str(repeated[0])) if axis == "item" else None,
            )
    for column in frame.columns:
        dtype = frame[column].dtype
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise InputError(
                f"Item '{column}'{of} must be numeric; its values are of type {dtype}.",
                location=Location(column=str(column)),
                hint="recode the answers to numbers first",
            )
    values = frame.astype("float64")
    if np.isinf(values.to_numpy()).any():
        raise InputError(f"Ratings{of} must be finite; found an infinite value.")
    return values
