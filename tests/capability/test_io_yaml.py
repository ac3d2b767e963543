"""YAML reading and writing, and the located errors of a hand-edited file."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from ldkit.capability import CapabilityModel, read_model
from ldkit.errors import InputError, InputFileNotFoundError, ValidationError


def write(tmp_path, text, name="m.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_write_then_read_is_identical(tmp_path, small_model):
    path = small_model.to_yaml(tmp_path / "out" / "model.yaml")
    assert path.exists()
    assert CapabilityModel.from_yaml(path) == small_model
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(data) == ["id", "name", "version", "description", "default_scale", "scales",
                          "domains", "capabilities", "roles"]
    assert data["roles"][1]["requires"]["account_planning"] == {"level": 4, "weight": 3}


def test_short_forms_are_accepted(tmp_path):
    path = write(tmp_path, """\
        id: tiny
        name: Tiny
        version: 1.0
        domains: [{id: d, name: D}]
        capabilities:
          - id: c
            name: C
            domain: d
            indicators: [one, two, three, four]   # a list in level order
        roles:
          - {id: r, name: R, requires: {c: 3}}    # level only, weight 1
        """)
    model = read_model(path)
    assert model.version == "1.0"
    assert model.default_scale == "proficiency4"  # the standard scale by default
    assert model.capability("c").indicators == {1: "one", 2: "two", 3: "three", 4: "four"}
    assert model.role("r").requirements[0].weight == 1.0


def test_problems_carry_line_numbers(tmp_path):
    path = write(tmp_path, """\
        id: tiny
        name: Tiny
        domains: [{id: d, name: D}]
        capabilities:
          - id: c
            name: C
            domain: d
            indicators: {1: a, 2: b, 3: c, 4: d}
        roles:
          - id: r
            name: R
            requires:
              c: {level: 2, weight: 1}
              ghost: 2
              c2: {level: two}
        """)
    with pytest.raises(ValidationError) as info:
        read_model(path)
    lines = {p.message: p.location.line for p in info.value.problems}
    assert lines == {"required level of 'c2' must be a whole number, got 'two'": 15,
                     "role 'r' requires unknown capability 'ghost'": 14}


@pytest.mark.parametrize(("text", "message"), [
    ("id: [\n", "is not valid YAML"),
    ("- just\n- a list\n", "does not hold a capability model"),
    ("id: m\nname: M\ncapabilities: {c: 1}\n", "'capabilities' must be a list"),
    ("id: m\nname: M\ncapabilities: [5]\n", "expected a mapping"),
    ("id: m\nname: M\nscales: [{id: s, levels: [{value: x, label: A}]}]\n",
     "level value must be a whole number"),
    ("id: m\nname: M\ndomains: [{id: d, name: D}]\ncapabilities: [{id: c, name: C, domain: d, "
     "indicators: 3}]\n", "'indicators' must map level to behaviour"),
    ("id: m\nname: M\nroles: [{id: r, name: R, requires: [a, b]}]\n",
     "'requires' must map capability id to level"),
    ("id: m\nname: M\ndomains: [{id: d, name: D}]\ncapabilities: [{id: c, name: C, domain: d}]\n"
     "roles: [{id: r, name: R, requires: {c: {level: 1, weight: lots}}}]\n",
     "weight of 'c' must be a number"),
    ("id: m\nname: {a: 1}\n", "'name' must be text"),
])
def test_bad_yaml_gets_a_clear_error(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=message) as info:
        read_model(path)
    assert str(path) in str(info.value)


def test_cp1252_is_read_and_undecodable_bytes_are_located(tmp_path):
    from ldkit.yamlio import load_yaml

    path = tmp_path / "m.yaml"
    path.write_bytes("name: Caf\xe9\n".encode("cp1252"))
    assert load_yaml(path) == {"name": "Café"}
    path.write_bytes(b"name: Caf\x81\n")  # 0x81: no character in cp1252
    with pytest.raises(InputError, match=r"byte offset 9 \(tried UTF-8, UTF-16, cp1252"):
        read_model(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputFileNotFoundError):
        read_model(tmp_path / "absent.yaml")


TINY = """\
    id: tiny
    name: Tiny
    domains: [{id: d, name: D}]
    capabilities:
      - {id: c, name: C, domain: d, indicators: [one, two, three, four]}
    roles:
      - {id: r, name: R, requires: {c: {level: 3, weight: 2}}}
    """


@pytest.mark.parametrize(("old", "new", "message"), [
    ("level: 3", "level: yes", "required level of 'c' must be a whole number, got True"),
    ("level: 3", "level: 3.0", "required level of 'c' must be a whole number, got 3.0"),
    ("level: 3", 'level: "3"', "required level of 'c' must be a whole number, got '3'"),
    ("weight: 2", 'weight: "2"', "weight of 'c' must be a number, got '2'"),
    ("weight: 2", "weight: .nan", "weight of 'c' must be a number, got nan"),
])
def test_scalars_are_strict(tmp_path, old, new, message):
    with pytest.raises(ValidationError) as err:
        read_model(write(tmp_path, TINY.replace(old, new)))
    found = [p for p in err.value.problems if message in p.message]
    assert found and found[0].location.line == 7, err.value.report()


def test_duplicate_keys_and_alias_bombs_are_refused(tmp_path):
    with pytest.raises(InputError, match="'name' is written twice, on line 2 and on line 3"):
        read_model(write(tmp_path, "id: tiny\nname: A\nname: B\n"))
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi",
                                                                  strict=True))
    with pytest.raises(InputError, match="aliases expand to"):
        read_model(write(tmp_path, bomb + "capabilities: *i\n"))
