"""ldkit.yamlio: the one YAML loader (duplicate keys, tags, alias bombs, strict scalars)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from ldkit.errors import InputError, ValidationError
from ldkit.yamlio import (
    MAX_ALIAS_EXPANSION,
    StrictBool,
    StrictFloat,
    StrictInt,
    is_number,
    is_whole,
    line_of,
    load_yaml,
    loads_yaml,
    locate_validation_errors,
    validate_model,
)

# "billion laughs": 9 levels of 9 aliases, 9^9 (387 million) strings once expanded
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi",
                                                              strict=True))


def test_lines_of_mappings_keys_and_list_items():
    data = loads_yaml("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert data == {"a": 1, "b": ["x", {"c": 2}]}
    assert data.line == 1 and data.key_lines == {"a": 1, "b": 2}
    assert data["b"].item_lines == [3, 4] and data["b"][1].line == 4
    assert line_of(data, ("b", 1, "c")) == 4
    assert line_of(data, ("b", 1, "missing")) == 4  # the mapping that lacks the key


def test_duplicate_key_names_both_lines(tmp_path):
    path = tmp_path / "e.yaml"
    path.write_text("client: Acme\nmin_group_size: 5\nscope: [needs]\nmin_group_size: 1\n")
    with pytest.raises(InputError) as err:
        load_yaml(path)
    assert err.value.location.file == str(path) and err.value.location.line == 4
    assert "the key 'min_group_size' is written twice, on line 2 and on line 4" in str(err.value)


def test_duplicate_key_in_a_nested_mapping():
    with pytest.raises(InputError, match="'x' is written twice, on line 2 and on line 3"):
        loads_yaml("outer:\n  x: 1\n  x: 1\n")


def test_merge_keys_are_not_duplicates():
    data = loads_yaml("base: &b {hours: 2, cost: 0}\nitem:\n  <<: *b\n  cost: 5\n")
    assert data["item"] == {"hours": 2, "cost": 5}


def test_alias_bomb_is_refused_before_anything_is_built():
    import re

    with pytest.raises(InputError, match=r"aliases expand to [\d,]+ nodes") as err:
        loads_yaml(BOMB, file="catalog.yaml")
    assert err.value.location.line == 1 and "anchors" in err.value.hint
    expanded = int(re.search(r"expand to ([\d,]+)", str(err.value))[1].replace(",", ""))
    assert expanded > 9**9  # at least the 387,420,489 strings of the last level


def test_small_aliases_are_fine_and_the_bound_is_documented():
    data = loads_yaml("a: &a [1, 2]\nb: *a\nc: *a\n")
    assert data["b"] == data["c"] == [1, 2]
    assert MAX_ALIAS_EXPANSION == 100_000


def test_recursive_alias_is_refused():
    with pytest.raises(InputError, match="recursive alias"):
        loads_yaml("a: &a [1, *a]\n")


@pytest.mark.parametrize("text, tag", [
    ("a: !!python/object/apply:os.system ['echo hi']\n", "!!python/object/apply:os.system"),
    ("a: !!python/name:os.system\n", "!!python/name:os.system"),
    ("a: !!binary aGVsbG8=\n", "!!binary"),
    ("a: !!set {x, y}\n", "!!set"),
    ("a: !custom 1\n", "!custom"),
])
def test_tags_are_refused(text, tag):
    with pytest.raises(InputError, match="the tag '" + tag.replace("!", "!") + "' is not"):
        loads_yaml(text)


def test_core_tags_are_allowed():
    assert loads_yaml("a: !!str 12\nb: !!int '3'\n") == {"a": "12", "b": 3}


def test_tab_and_syntax_errors_are_located():
    with pytest.raises(InputError) as err:
        loads_yaml("a:\n\tb: 1\n", file="m.yaml")
    assert str(err.value) == ("m.yaml, line 2: is not valid YAML: a tab character where YAML "
                              "needs spaces (column 1) (indent with spaces, not tabs)")
    with pytest.raises(InputError, match=r"line 2: .*while scanning a quoted scalar"):
        loads_yaml('a: 1\nb: "open\n')


def test_deep_nesting_is_refused():
    with pytest.raises(InputError, match="nesting deeper than 100 levels"):
        loads_yaml("[" * 5000 + "]" * 5000)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "cp1252"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "m.yaml"
    path.write_bytes("name: Zoë Müller\nlevels: [1, 2]\n".encode(encoding))
    assert load_yaml(path) == {"name": "Zoë Müller", "levels": [1, 2]}


def test_loaded_data_can_be_dumped_again():
    import yaml

    data = loads_yaml("a: [1, {b: 2}]\n")
    assert yaml.safe_load(yaml.safe_dump(data)) == {"a": [1, {"b": 2}]}


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_group_size: StrictInt = 5
    share: StrictFloat = 0.5
    strict: StrictBool = False


@pytest.mark.parametrize("text, message", [
    ("min_group_size: yes\n", "'min_group_size': must be a whole number, got True"),
    ("min_group_size: 5.5\n", "'min_group_size': must be a whole number, got 5.5"),
    ("min_group_size: 5.0\n", "'min_group_size': must be a whole number, got 5.0"),
    ('min_group_size: "5"\n', "'min_group_size': must be a whole number, got '5'"),
    ("share: true\n", "'share': must be a number, got True"),
    ('share: "0.5"\n', "'share': must be a number, got '0.5'"),
    ("share: .nan\n", "'share': must be a finite number"),
    ("strict: 1\n", "'strict': must be true or false, got 1"),
    ("min_grup_size: 5\n", "'min_grup_size': unknown key"),
])
def test_strict_scalars_and_located_pydantic_errors(text, message):
    with pytest.raises(ValidationError) as err:
        validate_model(Params, loads_yaml(text), file="engagement.yaml")
    (problem,) = err.value.problems
    assert problem.message.startswith(message)
    assert problem.location.file == "engagement.yaml" and problem.location.line == 1


def test_strict_types_accept_what_is_written_right():
    p = validate_model(Params, loads_yaml("min_group_size: 3\nshare: 1\nstrict: yes\n"))
    assert (p.min_group_size, p.share, p.strict) == (3, 1.0, True)


def test_locate_validation_errors_in_nested_lists():
    from pydantic import ValidationError as PydanticError

    class Item(BaseModel):
        hours: StrictFloat

    class Doc(BaseModel):
        items: list[Item]

    data = loads_yaml("items:\n  - hours: 1\n  - hours: two\n")
    with pytest.raises(PydanticError) as err:
        Doc.model_validate(data)
    (problem,) = locate_validation_errors(err.value, data, file="c.yaml")
    assert problem.location.line == 3 and problem.location.field == "items.1.hours"


def test_is_whole_and_is_number():
    assert [is_whole(v) for v in (3, True, 3.0, "3")] == [True, False, False, False]
    assert [is_number(v) for v in (3, 0.5, False, "1", float("inf"), 10**400)] == [
        True, True, False, False, False, False]
