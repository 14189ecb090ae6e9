"""generator.spec: strict, bounded YAML loading, line numbers, pointers and $ref chains."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import GenerationError
from generator.spec import Limits, format_pointer, load_spec, load_yaml, parse_ref, resolve


def _load(tmp_path: Path, text: str | bytes, limits: Limits | None = None) -> object:
    path = tmp_path / "spec.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return load_yaml(path, limits).data


def _error(tmp_path: Path, text: str | bytes, limits: Limits | None = None) -> str:
    with pytest.raises(GenerationError) as caught:
        _load(tmp_path, text, limits)
    return str(caught.value)


_KEYS = st.text(max_size=100)  # YAML reads a key of at most 1,024 characters; no spec has longer ones
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(document=st.dictionaries(_KEYS, _JSON_VALUES, max_size=4), ascii_only=st.booleans())
def test_a_json_document_reads_as_json_loads_reads_it(tmp_path_factory: Any, document: Any, ascii_only: bool) -> None:
    # json.dumps writes a character past U+FFFF as two escapes (a surrogate pair), which YAML refuses, and
    # leaves raw DEL, C1 controls, NEL and the line and paragraph separators, which YAML refuses or folds.
    text = json.dumps(document, ensure_ascii=ascii_only, indent=1)
    path = tmp_path_factory.mktemp("json") / "spec.json"
    path.write_text(text, encoding="utf-8")
    assert load_yaml(path).data == json.loads(text)


def test_a_json_document_keeps_its_lines(tmp_path: Path) -> None:
    text = '{\n "a": "\\ud83d\\ude00\u2028\x85",\n "b": "\\\\ud83d\\\\ude00",\n "c": 1\n}\n'
    loaded = load_yaml(_write(tmp_path, text, "spec.json"))
    assert loaded.data == {"a": "\U0001f600\u2028\x85", "b": "\\ud83d\\ude00", "c": 1}
    assert [loaded.lines[(key,)] for key in "abc"] == [2, 3, 4]


def _write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_scalars_follow_the_yaml_1_2_core_schema(tmp_path: Path) -> None:
    data = _load(
        tmp_path,
        "a: yes\nb: no\nc: on\nd: true\ne: False\nf: 2026-01-01\ng: 1:20\nh: 0o17\ni: 017\nj: 0x1F\n"
        "k: 1.5e3\nl: .inf\nm: ~\nn:\no: '3'\np: !!str 4\nq: !!int '5'\nr: 1_000\n",
    )
    assert data == {
        "a": "yes",
        "b": "no",
        "c": "on",
        "d": True,
        "e": False,
        "f": "2026-01-01",
        "g": "1:20",
        "h": 15,
        "i": 17,
        "j": 31,
        "k": 1500.0,
        "l": math.inf,
        "m": None,
        "n": None,
        "o": "3",
        "p": "4",
        "q": 5,
        "r": "1_000",
    }


def test_keys_are_their_text(tmp_path: Path) -> None:
    assert _load(tmp_path, "200: ok\ntrue: x\n~: y\n") == {"200": "ok", "true": "x", "~": "y"}


def test_duplicate_keys_name_both_lines(tmp_path: Path) -> None:
    message = _error(tmp_path, "paths:\n  /a:\n    get: {}\n  /b: {}\n  /a:\n    post: {}\n")
    assert "spec.yaml:5:" in message and "duplicate key '/a' (first at line 2)" in message


def test_a_duplicate_property_with_another_type_is_refused(tmp_path: Path) -> None:
    text = "properties:\n  id: {type: string}\n  name: {type: string}\n  id: {type: integer}\n"
    assert "spec.yaml:4: duplicate key 'id' (first at line 2)" in _error(tmp_path, text)


def test_invalid_utf8_names_the_byte_offset_and_line(tmp_path: Path) -> None:
    message = _error(tmp_path, b"openapi: 3.1.0\ninfo:\n  title: caf\xe9\n")
    assert "spec.yaml:3: not UTF-8: byte 0xe9 at offset 33" in message


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    assert _load(tmp_path, "\ufeffa: 1\n".encode()) == {"a": 1}


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    assert "recursive alias" in _error(tmp_path, "a: &x [1, *x]\n")


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    text += "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
    assert "an alias bomb" in _error(tmp_path, text)


def test_too_many_aliases_are_refused(tmp_path: Path) -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 11) + "]\n"
    assert "more than 10 aliases" in _error(tmp_path, text, Limits(max_aliases=10))


@pytest.mark.parametrize("depth", [65, 500, 100_000])
def test_deep_nesting_is_refused_with_a_message(tmp_path: Path, depth: int) -> None:
    message = _error(tmp_path, "a: " + "[" * depth + "]" * depth + "\n")
    assert "nested more than 64 levels deep" in message or "exceeded maximum nesting depth" in message


def test_a_large_file_is_refused_before_parsing(tmp_path: Path) -> None:
    assert "larger than 1 MiB" in _error(tmp_path, "a: " + "x" * 2_000_000 + "\n", Limits(max_bytes=1024 * 1024))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!python/object:os.system x\n", "the tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"),
        ("a: !custom x\n", "the tag '!custom' is not allowed"),
        ("a: !!int x\n", "'x' is not a valid !!int"),
        ("a: &b {x: 1}\nc:\n  <<: *b\n", "merge keys (<<) are not supported"),
        ("? [a, b]\n: 1\n", "a mapping key must be a plain string"),
        ("a: [1, 2\n", "YAML syntax error"),
        ("a: 1\n---\nb: 2\n", "YAML syntax error"),
        ("", "the spec is empty"),
    ],
)
def test_what_yaml_allows_but_a_spec_must_not_have(tmp_path: Path, text: str, expected: str) -> None:
    message = _error(tmp_path, text)
    assert expected in message and "spec.yaml" in message


def test_a_spec_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(GenerationError, match="not a YAML mapping"):
        load_spec(path)


def test_an_unreadable_spec_is_named(tmp_path: Path) -> None:
    with pytest.raises(GenerationError, match="cannot read the spec"):
        load_spec(tmp_path / "missing.yaml")


def test_lines_and_pointers_name_each_value(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("paths:\n  /a/{b}:\n    get:\n      parameters:\n        - name: x\n        - name: y\n")
    spec = load_spec(path)
    assert spec.line(["paths", "/a/{b}", "get"]) == 3
    assert spec.line(["paths", "/a/{b}", "get", "parameters", 1, "name"]) == 6
    assert spec.line(["paths", "/a/{b}", "get", "nowhere", "deeper"]) == 3
    error = spec.error("bad", ["paths", "/a/{b}", "get", "parameters", 1])
    assert str(error).endswith("spec.yaml:6: at /paths/~1a~1{b}/get/parameters/1: bad")


def test_pointers_round_trip() -> None:
    parts = ["paths", "/a~b/{c}", "get", 0]
    pointer = format_pointer(parts)
    assert pointer == "/paths/~1a~0b~1{c}/get/0"
    assert parse_ref("#" + pointer) == ["paths", "/a~b/{c}", "get", "0"]
    assert parse_ref("other.yaml#/a") is None and parse_ref("#") == []
    assert resolve({"a": [{"b": 1}]}, ["a", "0", "b"]) == 1
    with pytest.raises(LookupError, match="/a/1"):
        resolve({"a": [{"b": 1}]}, ["a", "1", "b"])


@pytest.mark.parametrize(
    ("schemas", "expected"),
    [
        (
            "A: {$ref: '#/components/schemas/A'}",
            "circular $ref chain: #/components/schemas/A -> #/components/schemas/A",
        ),
        (
            "A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}",
            "circular $ref chain: #/components/schemas/B -> #/components/schemas/A -> #/components/schemas/B",
        ),
        ("A: {$ref: '#/components/schemas/Nope'}", "dangling $ref '#/components/schemas/Nope'"),
        ("A: {$ref: 'other.yaml#/A'}", "only local $refs"),
    ],
)
def test_deref_names_broken_chains(tmp_path: Path, schemas: str, expected: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(f"components:\n  schemas:\n    {schemas}\n")
    spec = load_spec(path)
    with pytest.raises(GenerationError) as caught:
        spec.deref(spec.data["components"]["schemas"]["A"], ["components", "schemas", "A"])
    assert expected in str(caught.value) and "spec.yaml:" in str(caught.value)
