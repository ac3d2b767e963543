"""File-system edges shared by every reader and writer.

Inputs are checked once (:func:`existing_file`); outputs are written
atomically (:func:`atomic_path`): a writer fills a temporary file beside the
target and it replaces the target only when complete, so a failed run never
leaves a half-written deliverable in place of a good one.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ldkit.errors import InputFileNotFoundError, UnsupportedFormatError

__all__ = ["atomic_path", "atomic_write_csv", "atomic_write_text", "existing_file", "id_list",
           "read_notebook", "suffix_of"]


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
    """Write a DataFrame as CSV (no index, UTF-8) atomically; return the target path."""
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, **to_csv)
    return Path(path)


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
