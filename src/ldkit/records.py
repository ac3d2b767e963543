"""Named results a notebook hands back to the code that ran it.

Inside a notebook, :func:`record` displays a value as an output of MIME type
``application/vnd.ldkit.record+json``; after the run, :func:`read_records`
reads those outputs back from the executed notebook. Together they replace
scraping printed text: the notebook states what it found, once, by name::

    # in the notebook (a Jupyter kernel)
    record("top_priority", "account_planning")
    record("gaps", gaps_df)

    # in the code that ran it
    read_records("runs/20261122-190512-3fa2/needs.ipynb")
    # {'top_priority': 'account_planning', 'gaps': <DataFrame>}

Each output holds ``{"name": ..., "value": ..., "kind": ...}`` where ``kind``
is ``"scalar"`` (None, bool, int, float, str), ``"json"`` (lists and dicts of
those) or ``"table"`` (a pandas DataFrame, stored as ``{"columns", "data"}``
plus ``"index"`` and ``"index_names"`` when the index is not the default
0..n-1, and ``"dtypes"`` so that read_records restores the column types).
Numpy scalars become Python numbers, tuples become lists, missing values
(NaN, NA, NaT, infinities) become None and dates and times become ISO 8601
text.

Outside a running IPython shell (a plain script or a test), nothing is
displayed; every call, in a kernel or not, also keeps the value, as
:func:`read_records` would return it, in the module-level dict
:data:`recorded`, so scripts can test their records directly.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import reprlib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ldkit._params import param_error
from ldkit.errors import InputError, Location
from ldkit.io import read_notebook

__all__ = ["MIMETYPE", "read_records", "record", "recorded"]

MIMETYPE = "application/vnd.ldkit.record+json"

recorded: dict[str, Any] = {}
"""Every value recorded in this process, by name, as read_records would return it."""

_KINDS = ("scalar", "json", "table")
_SHORT = reprlib.Repr()
_SHORT.maxstring = 60
_SHORT.maxother = 60
_SHORT.maxlist = 6
_SHORT.maxdict = 4


def record(name: str, value: Any) -> None:
    """Record a named value as an output of the running notebook.

    Parameters
    ----------
    name : str
        The name the value is read back under; a later record of the same
        name replaces an earlier one.
    value : object
        None, a bool, a number, a string, a list or dict of those, or a
        pandas DataFrame. Numpy scalars are accepted and stored as Python
        numbers.

    Raises
    ------
    ParameterError
        If ``name`` is not a non-empty string, or ``value`` (or a cell of a
        DataFrame) cannot be stored as JSON.

    Notes
    -----
    In an IPython kernel the value is displayed with MIME type
    :data:`MIMETYPE` and a one-line ``text/plain`` fallback such as
    ``recorded top_priority = 'account_planning'``. Outside IPython nothing is
    displayed. In both cases the value is also stored in :data:`recorded`.

    Examples
    --------
    >>> from ldkit.records import record, recorded
    >>> record("top_priority", "account_planning")
    >>> recorded["top_priority"]
    'account_planning'
    """
    if not isinstance(name, str) or not name.strip():
        raise param_error("name", "record", "a non-empty string", name)
    kind, payload = _encode(name, value)
    recorded[name] = _decode(kind, payload)
    shell = _ipython_shell()
    if shell is None:
        return
    from IPython.display import display

    data = {
        MIMETYPE: {"name": name, "value": payload, "kind": kind},
        "text/plain": _summary(name, kind, payload),
    }
    display(data, raw=True)


def read_records(notebook_path: str | Path) -> dict[str, Any]:
    """Read the values recorded in an executed notebook.

    Parameters
    ----------
    notebook_path : str or Path
        An executed ``.ipynb`` file (for example a copy written by
        :func:`ldkit.runner.run_notebooks`).

    Returns
    -------
    dict
        Name -> value, in the order first recorded; a later record of the same
        name wins. Tables come back as pandas DataFrames.

    Raises
    ------
    InputFileNotFoundError
        If the file does not exist.
    UnsupportedFormatError
        If the file is not a Jupyter notebook.
    InputError
        If a record output is malformed; its location names the cell.
    """
    path = Path(notebook_path)
    nb = read_notebook(path)
    records: dict[str, Any] = {}
    for number, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if MIMETYPE not in data:
                continue
            where = Location(file=str(path), field=f"cells[{number}]")
            name, kind, payload = _parse_output(data[MIMETYPE], where)
            records[name] = _decode(kind, payload)
    return records


# ---------------------------------------------------------------- encoding


def _encode(name: str, value: Any) -> tuple[str, Any]:
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return "table", _encode_table(name, value)
    converted = _json_value(name, value, where=f"value of '{name}'")
    kind = "json" if isinstance(converted, list | dict) else "scalar"
    return kind, converted


def _json_value(name: str, value: Any, *, where: str) -> Any:
    """Value as plain JSON types, or a ParameterError naming where it failed."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [_json_value(name, v, where=where) for v in value]
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise param_error("value", "record", f"a dict with string keys ({where})", key)
            out[key] = _json_value(name, item, where=where)
        return out
    return _json_other(name, value, where=where)


def _json_other(name: str, value: Any, *, where: str) -> Any:
    import numpy as np
    import pandas as pd

    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.timedelta64):
        value = pd.Timedelta(value)
    elif isinstance(value, np.generic):
        return _json_value(name, value.item(), where=where)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, _dt.timedelta):  # includes pd.Timedelta
        return pd.Timedelta(value).isoformat()
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):  # includes pd.Timestamp
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return _json_value(name, value.tolist(), where=where)
    raise param_error(
        "value",
        "record",
        f"JSON-like data (None, bool, number, str, list, dict) or a DataFrame ({where})",
        value,
    )


def _encode_table(name: str, df: Any) -> dict[str, Any]:
    import pandas as pd

    if isinstance(df.columns, pd.MultiIndex):
        raise param_error(
            "value", "record", "a DataFrame with one level of column names", list(df.columns)
        )
    columns = [_json_value(name, c, where=f"column names of '{name}'") for c in df.columns]
    wheres = [f"column {c!r} of '{name}'" for c in columns]
    data = [
        [_json_value(name, v, where=w) for w, v in zip(wheres, row, strict=True)]
        for row in df.itertuples(index=False, name=None)
    ]
    table: dict[str, Any] = {
        "columns": columns,
        "data": data,
        "dtypes": [str(t) for t in df.dtypes],
    }
    default_index = isinstance(df.index, pd.RangeIndex) and (
        df.index.start == 0 and df.index.step == 1 and df.index.name is None
    )
    if not default_index:
        table["index"] = _json_value(name, list(df.index), where=f"index of '{name}'")
        table["index_names"] = [
            _json_value(name, n, where=f"index names of '{name}'") for n in df.index.names
        ]
    return table


def _summary(name: str, kind: str, payload: Any) -> str:
    if kind == "table":
        rows, cols = len(payload["data"]), len(payload["columns"])
        return f"recorded {name} = table of {rows} rows x {cols} columns"
    return f"recorded {name} = {_SHORT.repr(payload)}"


# ---------------------------------------------------------------- decoding


def _parse_output(raw: Any, where: Location) -> tuple[str, str, Any]:
    if isinstance(raw, str):  # some writers store JSON MIME data as text
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"a {MIMETYPE} output is not valid JSON", location=where) from exc
    if (
        not isinstance(raw, Mapping)
        or not isinstance(raw.get("name"), str)
        or raw.get("kind") not in _KINDS
        or "value" not in raw
    ):
        raise InputError(
            f"a {MIMETYPE} output lacks a string 'name', a 'value' or a 'kind' "
            f"among {', '.join(_KINDS)}",
            location=where,
            hint="write records with ldkit.record",
        )
    if raw["kind"] == "table" and not (
        isinstance(raw["value"], Mapping) and {"columns", "data"} <= set(raw["value"])
    ):
        raise InputError(
            f"the table recorded as '{raw['name']}' lacks 'columns' or 'data'", location=where
        )
    return raw["name"], raw["kind"], raw["value"]


def _decode(kind: str, payload: Any) -> Any:
    if kind != "table":
        return payload
    import pandas as pd

    df = pd.DataFrame(list(payload["data"]), columns=list(payload["columns"]))
    for column, dtype in zip(list(df.columns), payload.get("dtypes") or [], strict=False):
        df[column] = _restore_dtype(df[column], dtype)
    if "index" in payload:
        names = list(payload.get("index_names") or [None])
        values = list(payload["index"])
        if len(names) > 1:
            df.index = pd.MultiIndex.from_tuples([tuple(v) for v in values], names=names)
        else:
            df.index = pd.Index(values, name=names[0])
    return df


def _restore_dtype(column: Any, dtype: str) -> Any:
    """The column converted back to its recorded dtype, or unchanged if that fails."""
    import pandas as pd

    if dtype == "object" or str(column.dtype) == dtype:
        return column
    try:
        if dtype.startswith("datetime64"):
            return pd.to_datetime(column).astype(dtype)
        return column.astype(dtype)
    except (TypeError, ValueError):
        return column


def _ipython_shell() -> Any:
    """The running IPython shell, or None (never imports IPython itself)."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None
