"""File-system edges shared by every reader and writer.

Inputs are checked once (:func:`existing_file`) and text is decoded by one
rule (:func:`read_text`: UTF-8 with or without BOM, UTF-16 with or without
BOM, cp1252; anything else is a located error naming the encodings tried).
Outputs are written atomically (:func:`atomic_path`): a writer fills a
temporary file beside the target and it replaces the target only when
complete, so a failed run never leaves a half-written deliverable in place of
a good one. Every CSV written goes through :func:`neutralize_csv`, so no text
from an input becomes a formula when the file is opened in a spreadsheet.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ldkit.errors import InputError, InputFileNotFoundError, Location, UnsupportedFormatError

__all__ = ["ENCODINGS_TRIED", "atomic_path", "atomic_write_csv", "atomic_write_text",
           "decode_text", "existing_file", "id_list", "neutralize_csv", "read_notebook",
           "read_text", "suffix_of"]


def id_list(raw: Any) -> tuple[str, ...] | None:
    """Ids given as a YAML list or as text ('a, b', 'a; b', one per line); None if neither.

    >>> id_list("ap-course, ap-coach"), id_list(["x", 2]), id_list(None), id_list(3.5)
    (('ap-course', 'ap-coach'), ('x', '2'), (), None)
    """
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(s.strip() for s in re.split(r"[,;\n]", raw) if s.strip())
    if isinstance(raw, list) and all(isinstance(x, str | int) for x in raw):
        return tuple(str(x).strip() for x in raw if str(x).strip())
    return None


def existing_file(path: str | Path) -> Path:
    """Return ``path`` as a Path if it is an existing file, else raise a clear error."""
    p = Path(path)
    if not p.exists():
        raise InputFileNotFoundError(p, hint="check the path and the current folder")
    if p.is_dir():
        raise UnsupportedFormatError(f"{p} is a folder, not a file", hint="give a file path")
    return p


def suffix_of(path: str | Path, allowed: dict[str, str], *, what: str) -> str:
    """The format key of ``path`` from its extension, e.g. ``.yml`` -> ``yaml``.

    ``allowed`` maps lower-case extensions to format keys.
    """
    ext = Path(path).suffix.lower()
    if ext not in allowed:
        listed = ", ".join(sorted(allowed))
        raise UnsupportedFormatError(
            f"{path}: cannot tell the {what} format from the extension '{ext or '(none)'}'",
            hint=f"use one of {listed}",
        )
    return allowed[ext]


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write text atomically; return the target path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")
    return Path(path)


def atomic_write_csv(table: Any, path: str | Path, **to_csv: Any) -> Path:
    """Write a DataFrame as CSV (no index, UTF-8) atomically; return the target path.

    Text fields are neutralized first (:func:`neutralize_csv`), so a value
    such as ``=HYPERLINK(...)`` from an input is written as text, never as a
    formula; numbers are written as numbers.
    """
    safe = neutralize_csv(table)
    if "lineterminator" not in to_csv and _has_cr(safe):
        # Python's csv quotes a field holding a line terminator character; with the
        # default "\n" a bare CR inside a field would be written unquoted and read back
        # as a line end (a phantom row)
        to_csv["lineterminator"] = "\r\n"
    with atomic_path(path) as tmp:
        safe.to_csv(tmp, index=False, **to_csv)
    return Path(path)


def _has_cr(table: Any) -> bool:
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        return False
    for i in range(table.shape[1]):
        series = table.iloc[:, i]
        text = pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)
        if text and any(isinstance(v, str) and "\r" in v
                        for v in series.to_numpy(dtype=object)):
            return True
    return any(isinstance(c, str) and "\r" in c for c in table.columns)


# -- CSV injection --------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def neutralize_text(value: Any) -> Any:
    """One CSV field made safe to open in a spreadsheet (OWASP CSV injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading single quote, so a spreadsheet shows it as text instead of
    evaluating it. Numbers, and text that is just a number (``-12.5``), are
    kept as they are: they are not formulas.

    >>> neutralize_text("=HYPERLINK(1)"), neutralize_text("-3.5"), neutralize_text(-2)
    ("'=HYPERLINK(1)", '-3.5', -2)
    >>> neutralize_text("@SUM(A1)"), neutralize_text("+1-2"), neutralize_text("-1,234.5")
    ("'@SUM(A1)", "'+1-2", '-1,234.5')

    References
    ----------
    OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
    """
    if (isinstance(value, str) and value.startswith(_FORMULA_START)
            and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def neutralize_csv(table: Any) -> Any:
    """A copy of a DataFrame whose text fields (and text headers) cannot become formulas.

    Columns of numbers, booleans and dates are left alone; in text (object)
    columns every value goes through :func:`neutralize_text`. The input is
    never modified.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"name": ["=1+1", "Ana"], "gap": [-1.5, 2.0]})
    >>> neutralize_csv(t).to_dict("list")
    {'name': ["'=1+1", 'Ana'], 'gap': [-1.5, 2.0]}
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        return table
    out = None
    for i in range(table.shape[1]):
        series = table.iloc[:, i]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        safe = series.map(neutralize_text, na_action="ignore")
        if not safe.equals(series):
            if out is None:
                out = table.copy()
            out.isetitem(i, safe)
    headers = [neutralize_text(c) for c in table.columns]
    if headers != list(table.columns):
        out = (table.copy() if out is None else out)
        out.columns = headers
    return table if out is None else out


# -- text -----------------------------------------------------------------------------------

ENCODINGS_TRIED = ("UTF-8", "UTF-16", "cp1252", "Latin-1")
"""The encodings :func:`read_text` tries, in order (named in its errors)."""

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_TRIED = "tried " + ", ".join(ENCODINGS_TRIED)
_SAVE_AS = "save the file as UTF-8 (in Excel: Save As > CSV UTF-8)"


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the NULs fall on every other byte, else None."""
    sample = data[:4096]
    if len(sample) < 2 or b"\x00" not in sample:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    half = len(sample) // 2
    if odd >= 0.3 * half and even <= 0.05 * half + 1:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.05 * half + 1:
        return "utf-16-be"
    return None


def _bad(message: str, file: str | None, offset: int | None, hint: str = _SAVE_AS
         ) -> InputError:
    where = f" at byte offset {offset}" if offset is not None else ""
    return InputError(f"{message}{where} ({_TRIED})", location=Location(file=file), hint=hint)


def decode_text(data: bytes, *, file: str | None = None) -> tuple[str, str]:
    """Decode the bytes of a text file by ldkit's one rule; return (text, encoding used).

    The rule: a byte-order mark decides (UTF-8, UTF-16 LE/BE); NULs on every
    other byte mean UTF-16 without a BOM; then strict UTF-8; then cp1252 (the
    Windows "ANSI" code page most client exports use, which is Latin-1 with
    printable characters in 0x80-0x9F). Latin-1 is accepted only where it
    agrees with cp1252: a byte that cp1252 leaves undefined (0x81, 0x8D,
    0x8F, 0x90, 0x9D) would be an invisible control character, so it is an
    error. A file that mixes valid UTF-8 with other bytes, holds control
    characters (binary data) or breaks off inside a character is an error
    naming the byte offset and the encodings tried. Line endings are kept
    as they are.

    >>> decode_text("Zoë".encode("cp1252"))
    ('Zoë', 'cp1252')
    >>> decode_text("id,name".encode("utf-16-le"))
    ('id,name', 'utf-16-le')
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_strict(data, codec, file), codec
    codec = _utf16_without_bom(data)
    if codec is not None:
        return _decode_strict(data, codec, file), codec
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        mixed = data[:exc.start].decode("utf-8", errors="replace")
        if any(ord(ch) > 0x7F for ch in mixed):
            raise _bad("is not in one encoding: valid UTF-8 up to an invalid byte "
                       f"0x{data[exc.start]:02X}", file, exc.start) from None
        try:
            text, codec = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc2:
            raise _bad(f"cannot be decoded: byte 0x{data[exc2.start]:02X} is not UTF-8, has "
                       "no character in cp1252 and is a control character in Latin-1",
                       file, exc2.start) from None
    else:
        codec = "utf-8"
    _check_controls(text, data, codec, file)
    return text, codec


def _decode_strict(data: bytes, codec: str, file: str | None) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _bad(f"is not valid {codec.upper().replace('-SIG', '')}: bytes "
                   f"{data[exc.start:exc.end].hex(' ')} cannot be decoded", file,
                   exc.start) from None
    if codec == "utf-8-sig" and text.startswith("\ufeff"):
        text = text[1:]
    _check_controls(text, data, codec, file)
    return text


def _check_controls(text: str, data: bytes, codec: str, file: str | None) -> None:
    found = _CONTROL.search(text)
    if found is None:
        return
    prefix = text[:found.start()]
    offset = len(prefix.encode(codec.replace("-sig", ""), errors="replace"))
    if codec == "utf-8-sig" or codec == "utf-16":
        offset += 3 if codec == "utf-8-sig" else 2
    raise _bad(f"holds binary data, not text: control character U+{ord(found.group()):04X}",
               file, offset, hint="give a text export (CSV, YAML) or an .xlsx workbook")


def read_text(path: str | Path) -> str:
    """The text of a file, decoded by :func:`decode_text`'s rule, line endings kept.

    Raises
    ------
    InputFileNotFoundError
        If the file does not exist.
    InputError
        If the bytes cannot be decoded; the message names the file, the byte
        offset and the encodings tried.
    """
    p = existing_file(path)
    return decode_text(p.read_bytes(), file=str(p))[0]


def read_notebook(path: str | Path) -> Any:
    """Read a Jupyter notebook (nbformat 4); a file that is not one is a clear error."""
    import nbformat

    p = existing_file(path)
    try:
        return nbformat.read(p, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types
        raise UnsupportedFormatError(
            f"{p} is not a Jupyter notebook ({exc.__class__.__name__})",
            hint="give an .ipynb file",
        ) from exc
