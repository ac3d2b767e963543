"""`ldkit survey check` on real layouts: every problem printed, roles the model lacks listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldkit.capability import starter
from ldkit.codebook import Codebook, codebook_model_problems
from ldkit.errors import ValidationError
from ldkit.survey import read_survey

DATA = Path(__file__).parents[1] / "data"
SURVEYS = DATA / "surveys"


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "model.yaml"
    starter("pharma-commercial").to_yaml(path)
    return path


def test_check_lists_respondents_whose_role_is_not_in_the_model(cli, monkeypatch, tmp_path,
                                                                 model_file):
    monkeypatch.setenv("LDKIT_SECRET", "cli-test")
    monkeypatch.setenv("COLUMNS", "300")  # no wrapping in the tables
    book = tmp_path / "cb.yaml"
    book.write_text("""respondent:
  id: Respondent ID
  person: Email Address
  attributes: {role: "What is your role?"}
scales: {p4: {Foundational: 1, Intermediate: 2, Advanced: 3, Expert: 4}}
items:
  - {column: "How proficient are you in each? - Account planning", item: a,
     capability: account_planning, scale: p4}
  - {column: "How proficient are you in each? - Compliance", item: b, capability: compliance,
     scale: p4}
""", encoding="utf-8")
    code, out, err = cli("survey", "check", SURVEYS / "surveymonkey_expanded.csv",
                         "--codebook", book, "--model", model_file)
    assert code == 0, err
    # Gus answered 1 of 2 ratings: 50%, kept by the default rule (at least half)
    assert out.splitlines()[0].endswith("surveymonkey layout, utf-8-sig; 9 rows read, 9 kept, "
                                        "0 excluded")
    # Ben answered 'KAM' and Dev 'Sales Rep': neither a role id nor a role name of the model
    assert "Respondents whose role is not in the model (2;" in out
    tail = out[out.index("Respondents whose role"):]
    assert "KAM" in tail and "Sales Rep" in tail and "│ 4 " in tail and "│ 6 " in tail
    assert "@" not in out and "Chlo" not in out


def test_check_prints_every_problem(cli, tmp_path, model_file):
    book = tmp_path / "cb.yaml"
    book.write_text("""respondent: {id: Respondent ID, person: Email Address}
scales: {p4: {Foundational: 1, Intermediate: 2, Advanced: 3, Expert: 4}}
items:
  - {column: "Nope 1", item: a, capability: account_planning, scale: p4}
  - {column: "Nope 2", item: b, capability: compliance, scale: p4}
  - {column: "Nope 3", item: c, capability: compliance, scale: p4}
""", encoding="utf-8")
    code, _, err = cli("survey", "check", SURVEYS / "surveymonkey_expanded.csv",
                         "--codebook", book)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 4 and lines[-1].startswith("3 problems in ")
    assert all("names column 'Nope" in line for line in lines[:3])


def test_check_refuses_a_capability_the_model_lacks(cli, tmp_path, model_file):
    book = tmp_path / "cb.yaml"
    book.write_text("""respondent: {id: Respondent ID, person: Email Address}
scales: {p4: {Foundational: 1, Intermediate: 2, Advanced: 3, Expert: 4}}
items:
  - {column: "How proficient are you in each? - Account planning", item: a,
     capability: acount_planning, scale: p4}
  - {column: "How proficient are you in each? - Compliance", item: b, capability: compliance,
     scale: p4}
""", encoding="utf-8")
    code, _, err = cli("survey", "check", SURVEYS / "surveymonkey_expanded.csv",
                       "--codebook", book, "--model", model_file)
    assert code == 2
    assert "item 'a' names capability 'acount_planning', which the model lacks" in err
    assert "did you mean 'account_planning'?" in err


def test_check_survives_a_blank_respondent_id(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("LDKIT_SECRET", "cli-test")
    monkeypatch.setenv("COLUMNS", "300")  # no wrapping in the tables
    text = (DATA / "qualtrics_self.csv").read_text(encoding="utf-8").replace(",R_5,", ",,")
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    code, out, err = cli("survey", "check", export, "--codebook", DATA / "codebook_self.yaml")
    assert code == 0, err
    assert "missing respondent id" in out


def test_codebook_model_problems_lists_capabilities_and_roles():
    model = starter("pharma-commercial")
    cb = Codebook.from_dict({
        "respondent": {"id": "id", "constants": {"role": "astronaut"}},
        "scales": {"p": {"a": 1, "b": 2}},
        "items": [{"column": "x", "item": "x", "capability": "warp_drive", "scale": "p"},
                  {"column": "y", "item": "y", "capability": "compliance", "scale": "p"}],
        "roles": {"KAM": "key_account_manager", "Rep": "sales_rep"},
    })
    messages = [p.message for p in codebook_model_problems(cb, model)]
    assert messages == ["item 'x' names capability 'warp_drive', which the model lacks",
                        "role 'sales_rep' is not a role of the model",
                        "role 'astronaut' is not a role of the model"]
    with pytest.raises(ValidationError, match="3 problems"):
        read_survey(SURVEYS / "surveymonkey_expanded.csv", cb, model=model, secret="s")
