"""The one exception tree of ldkit.

Every error ldkit raises on purpose derives from :class:`LdkitError`, so a
caller (and the CLI) can catch one class. Errors about input also inherit
the matching builtin, so ``except ValueError`` keeps working::

    LdkitError (Exception)
    ├── InputError (ValueError)          bad content in a file or table; carries a Location
    │   ├── ValidationError              several located Problems found at once
    │   └── UnsupportedFormatError       a file whose extension or layout ldkit cannot read
    ├── InputFileNotFoundError (FileNotFoundError)
    └── ParameterError (ValueError)      a bad argument to a public function

Each error carries structured fields (``location``, ``hint``, ``problems``)
besides its message and survives pickling, so it can cross process
boundaries (batch runs, notebook kernels) intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "InputError",
    "InputFileNotFoundError",
    "LdkitError",
    "Location",
    "ParameterError",
    "Problem",
    "UnsupportedFormatError",
    "ValidationError",
]


@dataclass(frozen=True)
class Location:
    """Where in the input a problem is: any of file, sheet, row, column, field, line.

    ``row`` is the 1-based row number as the user sees it (the Excel row, or
    the line of a CSV counting the header); ``line`` is a 1-based text line
    (YAML); ``field`` is a dotted path into structured input
    (``capabilities[3].indicators``).
    """

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def with_(self, **changes: Any) -> Location:
        """Return a copy with some fields replaced."""
        values = {k: getattr(self, k) for k in self.__dataclass_fields__}
        values.update(changes)
        return Location(**values)


@dataclass(frozen=True)
class Problem:
    """One problem in the input: what is wrong, where, and how to fix it."""

    message: str
    location: Location | None = None
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.severity != "error":
            text = f"{self.severity}: {text}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def _restore(cls: type, args: tuple, state: dict) -> LdkitError:
    obj = cls.__new__(cls)
    Exception.__init__(obj, *args)
    obj.__dict__.update(state)
    return obj


class LdkitError(Exception):
    """Base class of every error ldkit raises on purpose.

    Parameters
    ----------
    message : str
        What went wrong, in one sentence.
    hint : str, optional
        What would fix it.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def one_line(self) -> str:
        """The error as a single line, as the CLI prints it."""
        return " ".join(str(self).split())

    def __reduce__(self):
        return (_restore, (type(self), self.args, self.__dict__.copy()))


class InputError(LdkitError, ValueError):
    """Bad content in an input file or table, at a known location."""

    def __init__(
        self, message: str, *, location: Location | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.location = location

    @property
    def file(self) -> str | None:
        return self.location.file if self.location else None

    @property
    def sheet(self) -> str | None:
        return self.location.sheet if self.location else None

    @property
    def row(self) -> int | None:
        return self.location.row if self.location else None

    @property
    def column(self) -> str | None:
        return self.location.column if self.location else None

    def __str__(self) -> str:
        return str(Problem(self.message, self.location, self.hint))


class ValidationError(InputError):
    """Several problems found at once; ``problems`` lists each with its location.

    ``str()`` gives a one-line summary; iterate ``problems`` (or call
    :meth:`report`) for one line per problem.
    """

    def __init__(self, problems: list[Problem], *, what: str = "input") -> None:
        if not problems:
            raise ValueError("ValidationError needs at least one problem")
        self.problems = list(problems)
        self.what = what
        first = self.problems[0]
        n = len(self.problems)
        summary = f"{n} problem{'s' if n > 1 else ''} in {what}; first: {first}"
        super().__init__(summary, location=first.location)

    def __str__(self) -> str:
        return self.message

    def report(self) -> str:
        """One line per problem."""
        return "\n".join(str(p) for p in self.problems)


class UnsupportedFormatError(InputError):
    """A file whose format (extension or layout) ldkit cannot read or write."""


class InputFileNotFoundError(LdkitError, FileNotFoundError):
    """An input file or folder that does not exist."""

    def __init__(self, path: Any, *, hint: str | None = None) -> None:
        super().__init__(f"{path} does not exist", hint=hint)
        self.path = str(path)


class ParameterError(LdkitError, ValueError):
    """A bad argument to a public function.

    Messages follow one template: ``The 'x' parameter of f must be ... Got ...``.
    """
