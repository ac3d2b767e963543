"""ldkit._formats: nbformat's import does not build jsonschema's IRI grammar; the IRI
format checker still gives jsonschema's answers."""

import subprocess
import sys

import pytest

SCRIPT = """
import sys
import ldkit, nbformat, papermill
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
nbformat.validate(nb)
print("helpers" if "rfc3987_syntax.syntax_helpers" in sys.modules else "deferred")
"""


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip().splitlines()[-1]


def test_reading_and_validating_a_notebook_does_not_build_the_grammar():
    pytest.importorskip("rfc3987_syntax")
    assert run(SCRIPT) == "deferred"


IRI_CHECK = """
import sys
{setup}
from jsonschema import Draft202012Validator, FormatChecker
validator = Draft202012Validator({{"format": "iri"}}, format_checker=FormatChecker())
values = ["http://example.com/r\\u00e9sum\\u00e9?q=1#top", "urn:isbn:0451450523",
          "no scheme at all", "http://exa mple.com/"]
print("iri" in FormatChecker.checkers, [validator.is_valid(v) for v in values])
"""


def test_the_iri_checker_gives_the_same_answers_when_deferred():
    pytest.importorskip("rfc3987_syntax")
    deferred = run(IRI_CHECK.format(setup="import ldkit"))
    eager = run(IRI_CHECK.format(setup="import rfc3987_syntax.syntax_helpers"))
    assert deferred == eager
    assert deferred.startswith("True [True, True, False, False]")


def test_too_late_or_twice():
    pytest.importorskip("rfc3987_syntax")
    # jsonschema imported before ldkit: too late, nothing is replaced
    code = ("import jsonschema, ldkit._formats as f, sys; "
            "print(f.defer_iri_grammar(), 'syntax_helpers' in dir(sys.modules['rfc3987_syntax']))")
    assert run(code) == "False True"
    code = ("import ldkit; from ldkit._formats import defer_iri_grammar; "
            "print(defer_iri_grammar(), defer_iri_grammar())")
    assert run(code) == "True True"
