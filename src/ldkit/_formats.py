"""Keep jsonschema's IRI format checker from building its grammar at import time.

``import nbformat`` (papermill, nbclient, the notebook readers) imports
``jsonschema``, whose format module imports every optional format-checker package
that is installed. One of them, ``rfc3987_syntax`` (the ``iri`` format), compiles an
Earley parser for RFC 3987 when it is imported: about 1.6 s of CPU in every process
that reads or runs a notebook, although nbformat validates notebooks without format
checkers and never calls it.

:func:`defer_iri_grammar` puts a light stand-in under the name ``rfc3987_syntax``
before jsonschema is imported: the same package (its ``__path__`` and spec), whose
``is_valid_syntax`` and other names load the real ``rfc3987_syntax.syntax_helpers``
the first time they are used. So jsonschema still registers and runs the ``iri``
format checker, with the same results; only the grammar is built when (if ever) an
IRI is checked. ``import ldkit`` calls it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

__all__ = ["defer_iri_grammar"]

_NAME = "rfc3987_syntax"
_HELPERS = "rfc3987_syntax.syntax_helpers"


def _helpers() -> types.ModuleType:
    return importlib.import_module(_HELPERS)


def _is_valid_syntax(term: str, value: str) -> bool:
    """``rfc3987_syntax.is_valid_syntax``, loaded on first use."""
    return _helpers().is_valid_syntax(term, value)


def _getattr(name: str) -> Any:
    """Any other name of the package, from its helpers module (loaded on first use)."""
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        value = getattr(_helpers(), name)
    except AttributeError:
        raise AttributeError(f"module '{_NAME}' has no attribute '{name}'") from None
    return value


def defer_iri_grammar() -> bool:
    """Install the stand-in for ``rfc3987_syntax`` unless it is too late or not needed.

    Returns
    -------
    bool
        True if the stand-in is in place (now or from an earlier call); False when
        jsonschema or ``rfc3987_syntax`` is already imported, or the package is not
        installed (nothing to defer).
    """
    present = sys.modules.get(_NAME)
    if present is not None:
        return getattr(present, "__ldkit_deferred__", False)
    if "jsonschema" in sys.modules or _NAME in sys.modules:  # imported, or blocked
        return False
    try:
        spec = importlib.util.find_spec(_NAME)
    except (ImportError, ValueError):  # pragma: no cover - a broken installation
        return False
    if spec is None or spec.submodule_search_locations is None:
        return False
    stand_in = types.ModuleType(_NAME, "rfc3987_syntax, loaded on first use (ldkit)")
    stand_in.__spec__ = spec
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__file__ = spec.origin
    stand_in.__ldkit_deferred__ = True
    stand_in.is_valid_syntax = _is_valid_syntax
    stand_in.__getattr__ = _getattr
    sys.modules[_NAME] = stand_in
    return True
