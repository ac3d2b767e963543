"""Property-based fuzzing of the text, table and YAML readers (hypothesis).

Any bytes: a result or a located ldkit InputError, never another exception.
Any table written by the csv module: read back exactly, whatever the
encoding, delimiter and line endings.
"""

from __future__ import annotations

import csv
import io

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldkit.errors import InputError
from ldkit.io import decode_text
from ldkit.tables import read_table
from ldkit.yamlio import loads_yaml

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# printable text of any script, with line breaks and quotes, no control characters
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"),
                             whitelist_characters="\n\r\t\"';,|"), max_size=40)
NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9_ ]{0,10}[A-Za-z0-9_]", fullmatch=True)


def _located(exc: InputError) -> None:
    assert exc.location is not None and exc.location.file, str(exc)
    assert "\n" not in exc.one_line()


@SETTINGS
@given(data=st.binary(max_size=400))
def test_any_bytes_decode_or_give_a_located_error(data):
    try:
        text, encoding = decode_text(data, file="x.csv")
    except InputError as exc:
        _located(exc)
        assert "tried UTF-8, UTF-16, cp1252, Latin-1" in str(exc)
    else:
        assert isinstance(text, str) and encoding


@SETTINGS
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".tsv", ".txt", ".xlsx"]))
def test_any_bytes_as_a_table_read_or_give_a_located_error(tmp_path, data, suffix):
    path = tmp_path / f"t{suffix}"
    path.write_bytes(data)
    try:
        table = read_table(path)
    except InputError as exc:
        _located(exc)
    else:
        assert all(isinstance(v, str) for v in table.to_numpy().ravel())


@st.composite
def tables(draw):
    width = draw(st.integers(1, 5))
    header = draw(st.lists(NAME, min_size=width, max_size=width,
                           unique_by=lambda s: s.strip().casefold()))
    rows = draw(st.lists(st.lists(TEXT, min_size=width - 1, max_size=width - 1),
                         max_size=8))
    ids = [f"L{i}" for i in range(len(rows))]  # a non-blank first column: no blank rows
    return [h.strip() for h in header], [[i, *r] for i, r in zip(ids, rows, strict=True)]


@SETTINGS
@given(table=tables(), sep=st.sampled_from([",", ";", "\t", "|"]),
       end=st.sampled_from(["\n", "\r\n", "\r"]), minimal=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"]))
def test_written_tables_read_back_exactly(tmp_path, table, sep, end, minimal, encoding):
    header, rows = table
    buffer = io.StringIO(newline="")
    # minimal quoting quotes a field with a line break only if the break is in the line
    # terminator, so it is unambiguous with CRLF only (as RFC 4180 and Excel write)
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n" if minimal else end,
                        quoting=csv.QUOTE_MINIMAL if minimal else csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "t.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    got = read_table(path, delimiter=sep if len(header) == 1 else None)
    assert list(got.columns) == header
    assert got.to_numpy().tolist() == rows


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_yaml_text_loads_or_gives_a_located_error(text):
    try:
        loads_yaml(text, file="x.yaml")
    except InputError as exc:
        _located(exc)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False), TEXT)
DOCS = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(NAME, inner, max_size=4)), max_leaves=20)


@SETTINGS
@given(doc=DOCS)
def test_yaml_written_by_pyyaml_reads_back_equal(doc):
    assert loads_yaml(yaml.safe_dump(doc, allow_unicode=True)) == doc
