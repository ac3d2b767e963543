"""Reading STRATEGY.yaml: the demo file, and every problem located with its line."""

import textwrap
from datetime import date

import pytest

from ldkit.errors import InputError, InputFileNotFoundError, UnsupportedFormatError, ValidationError
from ldkit.strategy import read_strategy

VALID = """\
name: Test strategy
currency: EUR
hourly_rate: 80
organizational_goals:
  - id: launch
    title: Launch ready
    sponsor: CCO
    owner: Sales head
    metric: share certified
    baseline: 0
    target: 0.9
    due: 2026-09-30
learning_goals:
  - id: lg-cert
    title: Certify
    aligned_to: [launch]
    sponsor: CCO
programs:
  - id: academy
    title: Launch academy
    goals: [lg-cert]
    expected_participants: 120
    expected_application_rate: 0.7
    budget: 100000
    effort_hours: 500
    start: 2026-01-05
    due: "2026-06-30"
    milestones:
      - {name: Pilot, due: 2026-02-27, done: 2026-02-25}
"""


def write(tmp_path, text: str, name: str = "strategy.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_reads_a_valid_strategy_with_the_default_raci(tmp_path):
    s = read_strategy(write(tmp_path, VALID))
    assert (s.name, s.currency, s.hourly_rate) == ("Test strategy", "EUR", 80.0)
    assert [g.id for g in s.goals] == ["launch", "lg-cert"]
    assert s.goal("lg-cert").aligned_to == ("launch",)
    assert s.goal("lg-cert").baseline is None
    p = s.program("academy")
    assert (p.start, p.due, p.expected_participants) == (date(2026, 1, 5), date(2026, 6, 30), 120)
    assert p.milestones[0].done == date(2026, 2, 25)
    assert s.raci is not None and "lms_administration" in s.raci.matrix.index


def test_reads_the_demo_strategy(demo_files):
    s = read_strategy(demo_files["strategy"])
    assert len(s.programs) == 5
    assert len([g for g in s.goals if g.level == "organizational"]) == 4
    assert s.raci.check().empty


def problems_of(tmp_path, text: str) -> list[str]:
    with pytest.raises(ValidationError) as info:
        read_strategy(write(tmp_path, text))
    return [str(p) for p in info.value.problems]


def test_unknown_organizational_goal_is_located_with_a_suggestion(tmp_path):
    found = problems_of(tmp_path, VALID.replace("aligned_to: [launch]", "aligned_to: [lanch]"))
    assert len(found) == 1
    assert "line 16" in found[0]
    assert "field 'learning_goals[0].aligned_to'" in found[0]
    assert "aligned to unknown organizational goal 'lanch' (did you mean 'launch'?)" in found[0]


def test_alignment_to_a_learning_goal_is_an_error(tmp_path):
    text = VALID + "  - id: second\n    title: Second\n    goals: []\n" \
        "    start: 2026-01-01\n    due: 2026-02-01\n"
    text = text.replace("aligned_to: [launch]", "aligned_to: [lg-cert]")
    found = problems_of(tmp_path, text)
    assert any("aligned to 'lg-cert', a learning goal, not an organizational goal" in f
               for f in found)


def test_every_problem_at_once(tmp_path):
    bad = (VALID.replace("goals: [lg-cert]", "goals: [lg-crt]")
           .replace("expected_application_rate: 0.7", "expected_application_rate: 70")
           .replace('due: "2026-06-30"', "due: 2025-12-31")
           .replace("hourly_rate: 80", "hourly_rate: lots")
           .replace("    owner: Sales head\n", "    owner: Sales head\n    onwer: typo\n"))
    found = problems_of(tmp_path, bad)
    text = "\n".join(found)
    assert "unknown key 'onwer'" in text and "did you mean 'owner'?" in text
    assert "'expected_application_rate' must be in [0, 1], got 70" in text
    assert "write 0.7 for 70%" in text
    assert "due date 2025-12-31 is before the start 2026-01-05" in text
    assert "'hourly_rate' must be a number, got 'lots'" in text
    assert "serves unknown goal 'lg-crt' (did you mean 'lg-cert'?)" in text
    lines = [int(f.split("line ")[1].split(",")[0]) for f in found if "line " in f]
    assert lines == sorted(lines)


def test_duplicate_ids_and_bad_ids(tmp_path):
    text = VALID.replace("  - id: lg-cert", "  - id: launch").replace(
        "id: academy", "id: launch academy").replace("aligned_to: [launch]", "aligned_to: []")
    found = "\n".join(problems_of(tmp_path, text))
    assert "duplicate goal id 'launch'" in found
    assert "program id 'launch academy' has spaces or punctuation" in found
    assert "e.g. 'launch-academy'" in found


def test_raci_cells_and_roles_are_checked(tmp_path):
    text = VALID + textwrap.dedent("""\
        raci:
          activities:
            - id: rfp
              assign: {digital_learning_project_manager: X, lms_admin: R}
        """)
    found = "\n".join(problems_of(tmp_path, text))
    assert "'X' is not a RACI cell" in found
    assert "unknown role 'lms_admin'" in found and "lms_administrator" in found


def test_custom_raci_roles(tmp_path):
    text = VALID + textwrap.dedent("""\
        raci:
          roles: {lead: Head of learning, admin: LMS admin}
          activities:
            - id: reporting
              assign: {lead: a, admin: r}
            - id: rollout
              name: Go-live
              assign: {admin: R}
        """)
    s = read_strategy(write(tmp_path, text))
    assert s.raci.matrix.loc["reporting"].tolist() == ["A", "R"]
    assert s.raci.activity_names["rollout"] == "Go-live"
    assert s.raci.check()["problem"].tolist() == ["no accountable role: give one role an A"]


def test_file_errors(tmp_path):
    with pytest.raises(InputFileNotFoundError):
        read_strategy(tmp_path / "missing.yaml")
    with pytest.raises(UnsupportedFormatError):
        read_strategy(write(tmp_path, VALID, name="strategy.txt"))
    with pytest.raises(InputError, match="line 2"):
        read_strategy(write(tmp_path, "name: x\n  bad: [\n"))
    with pytest.raises(InputError, match="does not hold a learning strategy"):
        read_strategy(write(tmp_path, "- just a list\n"))
