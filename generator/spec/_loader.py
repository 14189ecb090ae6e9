"""Strict, bounded YAML loading: YAML 1.2 core-schema scalars, no duplicate keys, limits on size,
nesting and alias expansion, and the line of every mapping key and list item for error messages.

libyaml (through PyYAML) tokenises and composes; building the Python values is done here, so that a
duplicate key, a recursive alias or an alias bomb is refused with its line instead of silently winning,
recursing or hanging.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import GenerationError
from generator.spec._pointer import Part

__all__ = ["Limits", "LoadedYaml", "load_yaml", "parse_yaml"]

_BaseLoader: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_PLAIN = "?"  # the tag given to plain, untagged scalars, resolved here by the core schema


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return str(super().resolve(kind, value, implicit))


@dataclass(frozen=True)
class Limits:
    """Bounds on what a spec may cost to read (an OpenAPI document is far below each)."""

    max_bytes: int = 8 * 1024 * 1024
    max_depth: int = 64
    max_aliases: int = 1000
    max_nodes: int = 250_000


@dataclass(frozen=True)
class LoadedYaml:
    data: Any
    lines: dict[tuple[Part, ...], int]  # 1-based line of each mapping key / list item, by its path


# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), on plain scalars only.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_STANDARD = "tag:yaml.org,2002:"


def _plain_scalar(text: str) -> Any:
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text[2:], 8) if text.startswith("0o") else int(text[2:], 16) if text.startswith("0x") else int(text)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _tagged_scalar(tag: str, text: str) -> Any:
    """A scalar with an explicit standard tag (``!!str 1``), as the core schema reads it."""
    kind = tag.removeprefix(_STANDARD)
    if kind == "str":
        return text
    value = _plain_scalar(text)
    expected: dict[str, Callable[[Any], bool]] = {
        "null": lambda v: v is None,
        "bool": lambda v: isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    }
    check = expected.get(kind)
    if check is None:
        raise ValueError(f"the tag {tag!r} is not allowed (only the YAML core schema's)")
    if not check(value):
        raise ValueError(f"{text!r} is not a valid !!{kind}")
    return float(value) if kind == "float" else value


def _decode(raw: bytes, path: Path) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        byte = raw[error.start : error.start + 1].hex()
        raise GenerationError(
            f"not UTF-8: byte 0x{byte} at offset {error.start} cannot be decoded", file=path, line=line
        ) from None
    return text.removeprefix("\ufeff")


# JSON that YAML reads differently: a character outside BMP written as a surrogate pair of escapes (what
# json.dumps writes by default), and characters JSON allows raw in a string that YAML refuses or reads as a
# line break.
_SURROGATE_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")  # NEL, LS and PS break YAML lines


def _json_for_yaml(text: str) -> str:
    """A JSON document rewritten, on the same lines, into the YAML that reads as json.loads reads it."""
    if not text.lstrip().startswith(("{", "[")):
        return text

    def joined(match: re.Match[str]) -> str:
        high, low = int(match[2], 16), int(match[3], 16)
        return f"{match[1]}\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08X}"

    text = _SURROGATE_PAIR.sub(joined, text)
    return _NOT_YAML_PRINTABLE.sub(lambda match: f"\\u{ord(match[0]):04X}", text)


def _mark_line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


def _check_events(text: str, path: Path, limits: Limits) -> None:
    """Refuses excessive nesting or aliases while streaming events (no recursion, no expansion yet)."""
    depth = aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limits.max_depth:
                raise GenerationError(
                    f"nested more than {limits.max_depth} levels deep", file=path, line=_mark_line(event.start_mark)
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > limits.max_aliases:
                raise GenerationError(
                    f"more than {limits.max_aliases} aliases", file=path, line=_mark_line(event.start_mark)
                )


class _Builder:
    """Turns a composed node graph into plain data, iteratively, counting every node it builds."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.nodes = 0
        self.lines: dict[tuple[Part, ...], int] = {}

    def fail(self, message: str, node: yaml.Node) -> GenerationError:
        return GenerationError(message, file=self.path, line=_mark_line(node.start_mark))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        try:
            if node.tag == _PLAIN:
                return _plain_scalar(node.value)
            if node.tag.startswith(_STANDARD):
                return _tagged_scalar(node.tag, node.value)
            raise ValueError(f"the tag {node.tag!r} is not allowed (only the YAML core schema's)")
        except ValueError as error:
            raise self.fail(str(error), node) from None

    def build(self, root: yaml.Node) -> Any:
        result: list[Any] = [None]
        # (node, container, key into container, path, the nodes being built above it)
        stack: list[tuple[yaml.Node, Any, Any, tuple[Part, ...], frozenset[int]]] = [(root, result, 0, (), frozenset())]
        while stack:
            node, container, key, parts, ancestors = stack.pop()
            self.nodes += 1
            if self.nodes > self.limits.max_nodes:
                raise self.fail(f"expands to more than {self.limits.max_nodes} values (an alias bomb?)", node)
            if id(node) in ancestors:
                raise self.fail("a recursive alias: the node contains itself", node)
            if isinstance(node, yaml.ScalarNode):
                container[key] = self.scalar(node)
            elif isinstance(node, yaml.SequenceNode):
                if node.tag != f"{_STANDARD}seq":
                    raise self.fail(f"the tag {node.tag!r} is not allowed", node)
                items: list[Any] = [None] * len(node.value)
                container[key] = items
                inner = ancestors | {id(node)}
                for index, child in reversed(list(enumerate(node.value))):
                    self.lines.setdefault((*parts, index), _mark_line(child.start_mark) or 0)
                    stack.append((child, items, index, (*parts, index), inner))
            elif isinstance(node, yaml.MappingNode):
                if node.tag != f"{_STANDARD}map":
                    raise self.fail(f"the tag {node.tag!r} is not allowed", node)
                mapping: dict[str, Any] = {}
                container[key] = mapping
                inner = ancestors | {id(node)}
                first_line: dict[str, int] = {}
                pending = []
                for key_node, value_node in node.value:
                    if not isinstance(key_node, yaml.ScalarNode):
                        raise self.fail("a mapping key must be a plain string, not a list or mapping", key_node)
                    if key_node.tag == f"{_STANDARD}merge" or (key_node.value == "<<" and key_node.tag == _PLAIN):
                        raise self.fail("merge keys (<<) are not supported: write the keys out", key_node)
                    name = key_node.value  # keys are JSON object keys: their text, whatever it looks like
                    line = _mark_line(key_node.start_mark) or 0
                    if name in first_line:
                        raise self.fail(
                            f"duplicate key {name!r} (first at line {first_line[name]}); one would silently win",
                            key_node,
                        )
                    first_line[name] = line
                    mapping[name] = None
                    self.lines.setdefault((*parts, name), line)
                    pending.append((value_node, mapping, name, (*parts, name), inner))
                stack.extend(reversed(pending))
            else:  # pragma: no cover - libyaml composes only these three
                raise self.fail(f"unexpected YAML node {type(node).__name__}", node)
        return result[0]


def load_yaml(path: Path, limits: Limits | None = None) -> LoadedYaml:
    """Reads and parses `path`, or raises GenerationError naming the file, the line and the problem."""
    limits = limits or Limits()
    try:
        with path.open("rb") as stream:
            raw = stream.read(limits.max_bytes + 1)
    except OSError as error:
        raise GenerationError(f"cannot read the spec: {error.strerror or error}", file=path) from None
    if len(raw) > limits.max_bytes:
        raise GenerationError(f"larger than {limits.max_bytes // (1024 * 1024)} MiB", file=path)
    return parse_yaml(_decode(raw, path), path, limits)


def parse_yaml(text: str, path: Path, limits: Limits | None = None) -> LoadedYaml:
    """Parses YAML text (named `path` in errors) with the rules and bounds of `load_yaml`."""
    limits = limits or Limits()
    text = _json_for_yaml(text)
    try:
        _check_events(text, path, limits)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        raise GenerationError(f"YAML syntax error: {problem}", file=path, line=_mark_line(mark)) from None
    except yaml.YAMLError as error:
        raise GenerationError(f"YAML error: {' '.join(str(error).split())}", file=path) from None
    if root is None:
        raise GenerationError("the spec is empty", file=path, line=1)
    builder = _Builder(path, limits)
    return LoadedYaml(builder.build(root), builder.lines)
