"""The one YAML loader of ldkit: safe, located and bounded.

Every YAML input (capability model, codebook, catalog, ROI case, strategy,
``engagement.yaml``) is read by :func:`load_yaml`, which

- decodes the bytes by the one text rule (:func:`ldkit.io.decode_text`:
  UTF-8 with or without BOM, UTF-16 with or without BOM, cp1252);
- remembers lines: every mapping is a :class:`LineDict` (its ``line`` and
  each key's line in ``key_lines``), every list a :class:`LineList` (its
  ``line`` and each item's line in ``item_lines``);
- refuses a key written twice in one mapping, naming both lines;
- refuses explicit tags other than the YAML core ones (``!!str``, ``!!int``,
  ``!!float``, ``!!bool``, ``!!null``, ``!!map``, ``!!seq``), so
  ``!!python/object`` and friends never reach a constructor;
- bounds aliases: a document whose aliases would expand to more than
  :data:`MAX_ALIAS_EXPANSION` extra nodes (a "billion laughs" bomb), a
  recursive alias, or nesting deeper than :data:`MAX_DEPTH` is refused
  before anything is built;
- turns every syntax error (tabs, unclosed quotes, bad indentation) into an
  :class:`~ldkit.errors.InputError` naming the file, line and column.

Strict scalars: YAML reads ``yes`` as true and ``5.5`` as a float. Readers
never coerce these: :data:`StrictInt`, :data:`StrictFloat` and
:data:`StrictBool` are the pydantic field types for that (no bool to int, no
float to int, no text to number, no NaN or infinity), and
:func:`validate_model` / :func:`locate_validation_errors` turn a pydantic
error into located :class:`~ldkit.errors.Problem` s (file, key path, line).
Hand-written readers use :func:`is_whole` and :func:`is_number`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AllowInfNan, Strict

from ldkit.errors import InputError, Location, Problem, ValidationError

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "LineDict",
    "LineList",
    "StrictBool",
    "StrictFloat",
    "StrictInt",
    "is_number",
    "is_whole",
    "line_of",
    "load_yaml",
    "loads_yaml",
    "locate_validation_errors",
    "validate_model",
]

MAX_ALIAS_EXPANSION = 100_000
"""Most nodes that aliases may add to a document when expanded."""

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists accepted."""

StrictInt = Annotated[int, Strict()]
"""A whole number as written: ``true``, ``5.0`` and ``"5"`` are errors."""

StrictFloat = Annotated[float, Strict(), AllowInfNan(False)]
"""A finite number as written (a whole number is fine): ``true``, ``"0.5"``, ``.nan``
and ``.inf`` are errors."""

StrictBool = Annotated[bool, Strict()]
"""true or false as written (YAML's ``yes``/``no`` are booleans too): ``1`` and
``"true"`` are errors."""

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {"!", *(_CORE + t for t in ("str", "int", "float", "bool", "null", "map",
                                             "seq"))}


class LineDict(dict):
    """A mapping read from YAML: ``line`` (1-based) where it starts, ``key_lines``."""

    line: int | None = None
    key_lines: dict[Any, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}


class LineList(list):
    """A list read from YAML: ``line`` (1-based) where it starts, ``item_lines``."""

    line: int | None = None
    item_lines: list[int]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines = []


class _Refused(yaml.MarkedYAMLError):
    """A document ldkit refuses to build (duplicate key, tag, alias bomb, depth)."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that checks tags, depth and alias expansion, and keeps lines."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _ALLOWED_TAGS and not isinstance(
                event, yaml.AliasEvent):
            raise _Refused(None, None, f"the tag '{_short(tag)}' is not allowed",
                           event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(None, None, f"nesting deeper than {MAX_DEPTH} levels",
                               event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Any:
        node = super().compose_document()
        distinct: set[int] = set()
        sizes: dict[int, int] = {}
        expanded = _expanded_size(node, sizes, set(), distinct)
        if expanded - len(distinct) > MAX_ALIAS_EXPANSION:
            raise _Refused(None, None, f"its aliases expand to {_big(expanded)} nodes "
                           f"(more than {MAX_ALIAS_EXPANSION:,} beyond the "
                           f"{len(distinct):,} written)", node.start_mark)
        return node


def _short(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def _big(n: int) -> str:
    return f"{n:,}" if n < 10**12 else f"about 10^{len(str(n)) - 1}"


def _expanded_size(node: Any, sizes: dict[int, int], active: set[int],
                   distinct: set[int]) -> int:
    """Nodes in the tree the graph expands to (memoized: linear in the nodes written)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in active:
        raise _Refused(None, None, "an alias refers to the node that contains it "
                       "(a recursive alias)", node.start_mark)
    distinct.add(key)
    if isinstance(node, yaml.ScalarNode):
        sizes[key] = 1
        return 1
    active.add(key)
    children = (node.value if isinstance(node, yaml.SequenceNode)
                else [n for pair in node.value for n in pair])
    total = 1 + sum(_expanded_size(child, sizes, active, distinct) for child in children)
    active.discard(key)
    sizes[key] = total
    return total


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _CORE + "merge" or not isinstance(key_node, yaml.ScalarNode):
            continue
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise _Refused(None, None, f"the key '{key}' is written twice, on line "
                           f"{seen[key]} and on line {line}", key_node.start_mark)
        seen[key] = line
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = loader.construct_object(key_node)
            mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_sequence(node, deep=True))
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_Loader.add_constructor(_CORE + "map", _construct_mapping)
_Loader.add_constructor(_CORE + "seq", _construct_sequence)
# loaded data can be written back with yaml.safe_dump
yaml.SafeDumper.add_representer(LineDict, yaml.representer.SafeRepresenter.represent_dict)
yaml.SafeDumper.add_representer(LineList, yaml.representer.SafeRepresenter.represent_list)

_HINTS = {
    "\t": "indent with spaces, not tabs",
    "duplicate": "keep one of the two (a repeated key would silently replace the first)",
    "tag": "remove the tag: ldkit reads plain YAML values only",
    "alias": "write the values out instead of using anchors (&) and aliases (*)",
    "nesting": "flatten the structure",
}


def loads_yaml(text: str, *, file: str | None = None) -> Any:
    """Parse YAML text by the rules of the module docstring; errors are located.

    >>> data = loads_yaml("a: 1\\nb: [x, y]\\n")
    >>> data, data.key_lines, data["b"].line
    ({'a': 1, 'b': ['x', 'y']}, {'a': 1, 'b': 2}, 2)
    >>> loads_yaml("a: 1\\na: 2\\n", file="f.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ldkit.errors.InputError: f.yaml, line 2: is not valid YAML: the key 'a' is written twice, \
on line 1 and on line 2...
    """
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and any(end in (exc.problem or "")
                                    for end in ("end of stream", "<stream end>")):
            mark = exc.context_mark  # where the unclosed quote or bracket opens
        problem = (f"{exc.context}: {exc.problem}" if exc.context and exc.problem
                   else exc.problem or exc.context or "unreadable")
        if "'\\t'" in problem:
            problem = "a tab character where YAML needs spaces"
        column = f" (column {mark.column + 1})" if mark else ""
        kind = ("\t" if "tab" in problem else "duplicate" if "twice" in problem
                else "tag" if "tag" in problem else "alias" if "alias" in problem
                else "nesting" if "nesting" in problem else "")
        hint = _HINTS.get(kind, "check indentation and quote text that contains ': '")
        raise InputError(f"is not valid YAML: {problem}{column}",
                         location=Location(file=file, line=mark.line + 1 if mark else None),
                         hint=hint) from None
    except yaml.YAMLError as exc:  # errors without a position (reader, encoding)
        raise InputError(f"is not valid YAML: {exc}", location=Location(file=file),
                         hint="check the file is a YAML text file") from None
    except RecursionError:
        raise InputError(f"is not valid YAML: nesting deeper than {MAX_DEPTH} levels",
                         location=Location(file=file), hint=_HINTS["nesting"]) from None


def load_yaml(path: str | Path) -> Any:
    """Read a YAML file: decoded by :func:`ldkit.io.read_text`, parsed by :func:`loads_yaml`.

    Mappings come back as :class:`LineDict` and lists as :class:`LineList`,
    so readers can name the line of every problem.

    Raises
    ------
    InputFileNotFoundError
        If the file does not exist.
    InputError
        Undecodable bytes (with the byte offset), invalid YAML, a duplicate
        key, a tag, an alias bomb: each with the file and line.
    """
    from ldkit.io import existing_file, read_text

    p = existing_file(path)
    return loads_yaml(read_text(p), file=str(p))


def line_of(data: Any, path: tuple[Any, ...] | list[Any]) -> int | None:
    """The line of the value at ``path`` (keys and list indices) in loaded YAML.

    The deepest line known: a key's own line, a list item's line, or else
    the line of the closest mapping or list that exists (for a missing key).

    >>> data = loads_yaml("a:\\n  b:\\n    - 1\\n    - x\\n")
    >>> line_of(data, ("a", "b", 1)), line_of(data, ("a", "nope"))
    (4, 2)
    """
    node, line = data, getattr(data, "line", None)
    for part in path:
        if isinstance(node, dict):
            line = getattr(node, "key_lines", {}).get(part, getattr(node, "line", line))
            if part not in node:
                return line
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(
                node):
            lines = getattr(node, "item_lines", None)
            line = lines[part] if lines else getattr(node, "line", line)
            node = node[part]
        else:
            return line
    return getattr(node, "line", line) if not path else line


_MESSAGES = {
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list (items starting with '- ')",
    "dict_type": "must be a mapping (key: value lines)",
    "model_type": "must be a mapping (key: value lines)",
    "extra_forbidden": "unknown key",
    "missing": "is missing",
}


def locate_validation_errors(error: Any, data: Any, *, file: str | None = None
                             ) -> list[Problem]:
    """The errors of a pydantic ``ValidationError`` as located ldkit Problems.

    Parameters
    ----------
    error : pydantic.ValidationError
        Raised by ``Model.model_validate(data)``.
    data : Any
        What was validated, as returned by :func:`load_yaml` (so lines are known).
    file : str, optional
        The YAML file, named in each Problem.

    Returns
    -------
    list of Problem
        One per pydantic error: message ``'key.path': must be a whole number,
        got True``, location (file, key path, line), and a hint for unknown
        and missing keys.
    """
    problems = []
    for err in error.errors():
        loc = tuple(err["loc"])
        path = ".".join(str(p) for p in loc) or "(top)"
        kind = err["type"]
        message = _MESSAGES.get(kind) or err["msg"].removeprefix("Value error, ")
        if kind in _MESSAGES and kind not in ("extra_forbidden", "missing"):
            message += f", got {err.get('input')!r}"
        hint = ("remove it or check its spelling" if kind == "extra_forbidden"
                else "add it" if kind == "missing"
                else "write the value without quotes" if kind.endswith("_type")
                and isinstance(err.get("input"), str) else None)
        problems.append(Problem(f"'{path}': {message}",
                                Location(file=file, field=path, line=line_of(data, loc)),
                                hint))
    return problems


def validate_model(model: Any, data: Any, *, file: str | None = None,
                   what: str | None = None) -> Any:
    """``model.model_validate(data)``, with every error located (ldkit ValidationError).

    >>> from pydantic import BaseModel
    >>> class P(BaseModel):
    ...     min_group_size: StrictInt = 5
    >>> validate_model(P, loads_yaml("min_group_size: yes\\n"), file="e.yaml")
    Traceback (most recent call last):
    ...
    ldkit.errors.ValidationError: 1 problem in e.yaml; first: e.yaml, line 1, field \
'min_group_size': 'min_group_size': must be a whole number, got True
    """
    from pydantic import ValidationError as PydanticValidationError

    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationError(locate_validation_errors(exc, data, file=file),
                              what=what or file or model.__name__) from None


def is_whole(value: Any) -> bool:
    """True for an int as written (not a bool, not 5.0, not "5").

    >>> is_whole(5), is_whole(True), is_whole(5.0), is_whole("5")
    (True, False, False, False)
    """
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """True for a finite int or float as written (not a bool, not text, not NaN/inf).

    >>> is_number(0.5), is_number(2), is_number(True), is_number(float("nan")), is_number("1")
    (True, True, False, False, False)
    """
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False
