"""Decoding in C the bodies that carry fields or enum values the spec does not list.

The fast path refuses such a body; the lenient one (the models' `from_dict`) keeps everything, in
Python, at well over the time of `json.loads`. So what the lenient path accepted is looked over
(`learn`), per response type and per place in the body, for what the spec does not list: a model's
unknown fields (by JSON name), fields that held an enum value the spec does not list, optional fields
that held a null. From those facts `stand_in_type` makes stand-in Structs: a model's own fields plus
its learned unknown fields (read as JSON values, or as the model's scalar value type), learned enum
fields read as plain strings or integers, learned nulls allowed; the models holding a stood-in model
are stood in for too. msgspec decodes a body into the stand-ins in C, refusing whatever was not learned
(the lenient path then decides, as before), and each stand-in becomes its model in one constructor
call, its unknown fields set as `additional_properties`, its enum values through the enum's `decode`:
the objects the lenient path gives, in a fraction of its time. Unknown fields are kept in the order the
body that taught them had them (the order every record has when its fields come in a fixed order).

Not learned (the lenient path keeps those bodies): what lies inside a union of several types, unknown
fields of a model whose other values are neither any JSON value nor of one scalar type, unknown fields
whose names hold a backslash, a double quote or a control character (msgspec names no field so), more than
`MAX_UNKNOWN_FIELDS` in one place (the keys of a map rather than fields of a record), or more than
`MAX_FACTS` facts in all.
"""

from __future__ import annotations

import enum
import functools
import operator
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from ._models import _EXTRA, MapModel, OpenModel

__all__: list[str] = []

MAX_UNKNOWN_FIELDS = 64
MAX_FACTS = 512
_NONE = type(None)
_SCALARS: tuple[type, ...] = (str, int, float, bool)
_NAMEABLE = re.compile(r'[^\\"\x00-\x1f]*\Z')  # what msgspec takes as a field's JSON name


class Unsupported(Exception):
    """What the stand-ins cannot express: the lenient path keeps decoding it."""


# -- the shape of a model, as the walk and the stand-ins read it ------------------------------------

# A value's node: ("struct", cls), ("list", item node), ("enum", cls); None: nothing in it to learn.
Node = tuple[str, Any] | None


@dataclass(frozen=True)
class _Field:
    index: int
    info: msgspec.structs.FieldInfo
    node: Node
    nullable: bool  # the spec allows null, so msgspec reads it without help


@dataclass(frozen=True)
class _Shape:
    cls: type[msgspec.Struct]
    fields: tuple[_Field, ...]
    by_json_name: dict[str, _Field]
    open: bool  # keeps unknown fields (an OpenModel); else from_dict drops them
    extra_type: Any  # the type of an unknown field's value: Any, a scalar, or None when neither


def _union_members(hint: Any) -> tuple[Any, ...]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return typing.get_args(hint)
    return (hint,)


def _core(hint: Any) -> list[Any]:
    """The members of `hint` other than None and UNSET."""
    return [member for member in _union_members(hint) if member is not _NONE and member is not msgspec.UnsetType]


def _is_model(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, msgspec.Struct)


def _node(hint: Any) -> Node:
    core = _core(hint)
    if len(core) != 1:
        return None
    (kind,) = core
    if _is_model(kind):
        return ("struct", kind)
    if typing.get_origin(kind) is list:
        item = _node(typing.get_args(kind)[0]) if typing.get_args(kind) else None
        return ("list", item) if item is not None else None
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return ("enum", kind)
    return None


def _extra_type(cls: type) -> Any:
    if not issubclass(cls, OpenModel):
        return None
    for base in getattr(cls, "__orig_bases__", ()):
        if typing.get_origin(base) is OpenModel:
            (value_type,) = typing.get_args(base)
            if value_type is Any or value_type in _SCALARS:
                return value_type
    return None


@functools.cache
def _shape(cls: type[msgspec.Struct]) -> _Shape:
    infos = msgspec.structs.fields(cls)
    fields = tuple(
        _Field(index, info, _node(info.type), _NONE in _union_members(info.type)) for index, info in enumerate(infos)
    )
    return _Shape(
        cls,
        fields,
        {item.info.encode_name: item for item in fields},
        issubclass(cls, OpenModel),
        _extra_type(cls),
    )


# -- what was learned ----------------------------------------------------------------------------------

# Where a model sits in a body: the indices of the fields leading to it from the top (an array's items
# share their array's place). A field's place is its model's place and its own index.
Place = tuple[int, ...]


@dataclass
class Facts:
    """What bodies of one response type held that the spec does not list, by place."""

    unknown_fields: dict[Place, tuple[str, ...]] = field(default_factory=dict)  # in the order first seen
    open_models: set[Place] = field(default_factory=set)  # models of additionalProperties false that had some
    enum_fields: set[Place] = field(default_factory=set)
    null_fields: set[Place] = field(default_factory=set)

    def copy(self) -> Facts:
        return Facts(dict(self.unknown_fields), set(self.open_models), set(self.enum_fields), set(self.null_fields))

    def size(self) -> int:
        return sum(map(len, self.unknown_fields.values())) + len(self.open_models | self.enum_fields | self.null_fields)

    def models_to_stand_in(self) -> set[Place]:
        """The places of the models that have a fact, and of those that hold them."""
        places = [
            *self.unknown_fields,
            *self.open_models,
            *(place[:-1] for place in self.enum_fields | self.null_fields),
        ]
        return {place[:length] for place in places for length in range(len(place) + 1)}


def learn(root: Any, data: Any, facts: Facts) -> bool:
    """Adds to `facts` what `data` (JSON values the lenient path accepted as `root`) holds that the spec
    does not list; True when anything was new. Unsupported when the stand-ins could not express it."""
    node = _node(root)
    if node is None:
        return False
    before = facts.size()
    _walk(node, data, facts, ())
    if facts.size() > MAX_FACTS:
        raise Unsupported(f"more than {MAX_FACTS} things the spec does not list")
    return facts.size() != before


def _walk(node: tuple[str, Any], value: Any, facts: Facts, place: Place) -> None:
    kind, inner = node
    if kind == "struct":
        if type(value) is dict:
            _walk_model(_shape(inner), value, facts, place)
    elif kind == "list":
        if type(value) is list:
            for item in value:
                _walk(inner, item, facts, place)
    elif value not in inner._value2member_map_:  # an enum value the spec does not list
        if not place:
            raise Unsupported("an enum value at the top of a body")
        facts.enum_fields.add(place)


def _walk_model(shape: _Shape, value: dict[str, Any], facts: Facts, place: Place) -> None:
    for key, item in value.items():
        known = shape.by_json_name.get(key)
        if known is None:
            if not shape.open:
                facts.open_models.add(place)
                continue
            seen = facts.unknown_fields.get(place, ())
            if key not in seen:
                if not _NAMEABLE.match(key):
                    raise Unsupported(f"an unknown field named {key!r}: msgspec cannot name a field so")
                if shape.extra_type is None:
                    raise Unsupported(f"{shape.cls.__name__} keeps unknown fields of a type stand-ins cannot read")
                if len(seen) >= MAX_UNKNOWN_FIELDS:
                    raise Unsupported(f"{shape.cls.__name__} has more than {MAX_UNKNOWN_FIELDS} unknown fields")
                facts.unknown_fields[place] = (*seen, key)
        elif item is None:
            if not known.nullable:  # accepted by from_dict, so optional: null reads as absent
                facts.null_fields.add((*place, known.index))
        elif known.node is not None:
            _walk(known.node, item, facts, (*place, known.index))


# -- the stand-ins -------------------------------------------------------------------------------------

Convert = Callable[[Any], Any]
# How the stand-in's value of a field becomes the model's: ("model", a Recipe), ("call", a function),
# ("enum", its members by value, its decode), ("map", the map model's class).
Conversion = tuple[Any, ...]


def stand_in_type(root: Any, facts: Facts) -> tuple[Any, Convert] | None:
    """The type msgspec decodes a body of `root` into, and what turns it into `root`'s objects; None when
    nothing needs standing in for. Unsupported when something cannot be stood in for."""
    widened = _Builder(facts).widen(root, ())
    return (widened[0], _as_function(widened[1])) if widened is not None else None


def _as_function(conversion: Conversion) -> Convert:
    kind = conversion[0]
    if kind == "call":
        function: Convert = conversion[1]
        return function
    if kind == "enum":
        members, decode = conversion[1], conversion[2]
        return lambda value: members.get(value) or decode(value)
    if kind == "model":
        return _rebuilder(conversion[1])
    return _map_maker(conversion[1])


class _Builder:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.models = facts.models_to_stand_in()

    def widen(self, hint: Any, place: Place) -> tuple[Any, Conversion] | None:
        """`hint` (the type of the value at `place`) with what is stood in for replaced, and how to make
        the model's value of the stand-in's; None when nothing in it is stood in for."""
        members = _union_members(hint)
        core = _core(hint)
        if len(core) != 1:
            if any(self._widen_core(kind, place, maps=False) is not None for kind in core):
                raise Unsupported("a union of several types would need standing in for")
            return None
        widened = self._widen_core(core[0], place)
        if widened is None:
            return None
        kind, conversion = widened
        return functools.reduce(operator.or_, [kind if member is core[0] else member for member in members]), conversion

    def _widen_core(self, kind: Any, place: Place, maps: bool = True) -> tuple[Any, Conversion] | None:
        if _is_model(kind):
            if place in self.models or (maps and place and place[:-1] in self.models and _holds_a_map(kind)):
                # A model holding a map is stood in for when its holder is (for a fact): making it in line
                # costs less than the decoder's hook making its map.
                return self._stand_in(kind, place)
            return None
        if maps and place and _map_type(kind) is not None:
            # Inside a stand-in, a map of one scalar type is read by msgspec as a dict rather than through
            # the decoder's hook (a call into Python for each map); its nulls are dropped, as from_dict does.
            return _map_type(kind), ("map", kind)
        if typing.get_origin(kind) is list and typing.get_args(kind):
            item = typing.get_args(kind)[0]
            widened = self.widen(item, place)
            if widened is None:
                return None
            item_type, conversion = widened
            convert = _as_function(conversion)
            array = list.__class_getitem__(item_type)
            if _NONE in _union_members(item):
                return array, ("call", lambda values: [v if v is None else convert(v) for v in values])
            return array, ("call", lambda values: list(map(convert, values)))
        if place in self.facts.enum_fields and isinstance(kind, type) and issubclass(kind, enum.Enum):
            decode = getattr(kind, "decode", None)
            base = int if issubclass(kind, int) else str if issubclass(kind, str) else None
            if decode is None or base is None:
                raise Unsupported(f"{kind.__name__} cannot keep a value it does not list")
            return base, ("enum", kind._value2member_map_, decode)
        return None

    def _stand_in(self, cls: type, place: Place) -> tuple[type, Conversion]:
        shape = _shape(cls)
        specs: list[tuple[Any, ...]] = []
        conversions: dict[int, tuple[Conversion | None, bool, bool]] = {}
        for item in shape.fields:
            info = item.info
            here = (*place, item.index)
            widened = self.widen(info.type, here)
            kind, conversion = widened if widened is not None else (info.type, None)
            null = here in self.facts.null_fields
            if null:
                kind = kind | None
            if conversion is not None or null:
                conversions[item.index] = (conversion, null, item.nullable)
            if info.required:
                specs.append((info.name, kind))
            elif info.default_factory is not msgspec.NODEFAULT:
                specs.append((info.name, kind, msgspec.field(default_factory=info.default_factory)))
            else:
                specs.append((info.name, kind, info.default))
        rename = {item.info.name: item.info.encode_name for item in shape.fields}
        unknown = self.facts.unknown_fields.get(place, ())
        extra_type = shape.extra_type if shape.extra_type is Any or not unknown else shape.extra_type | None
        for position, key in enumerate(unknown):
            name = f"unlisted_{position}"
            while name in rename:
                name += "_"
            rename[name] = key
            specs.append((name, extra_type, msgspec.UNSET))
        stand_in = msgspec.defstruct(
            f"{cls.__name__}StandIn",
            specs,
            rename=rename,
            forbid_unknown_fields=place not in self.facts.open_models,
            gc=False,  # decoded JSON holds no cycles, and a stand-in lives only until its model is made
        )
        return stand_in, ("model", (cls, len(shape.fields), conversions, unknown))


def _map_type(kind: Any) -> Any:
    """The dict type msgspec reads a map model of one scalar value type as; None for any other type."""
    if isinstance(kind, type) and issubclass(kind, MapModel):
        kinds = kind._json_values
        if kinds is not None and len(kinds) == 1 and next(iter(kinds)) in (str, int, bool):
            return dict[str, next(iter(kinds)) | None]  # type: ignore[misc]
    return None


@functools.cache
def _holds_a_map(cls: type[msgspec.Struct]) -> bool:
    return any(len(core) == 1 and _map_type(core[0]) is not None for core in map(_core, _hints(cls)))


def _hints(cls: type[msgspec.Struct]) -> list[Any]:
    return [item.info.type for item in _shape(cls).fields]


def _map_maker(cls: type[MapModel[Any]]) -> Convert:
    new = object.__new__

    def make(values: dict[str, Any]) -> MapModel[Any]:
        model: MapModel[Any] = new(cls)
        model.additional_properties = _without_nulls(values)
        return model

    return make


def _without_nulls(values: dict[str, Any]) -> dict[str, Any]:
    return values if None not in values.values() else {key: value for key, value in values.items() if value is not None}


# How a stand-in becomes its model: the model's class, its field count, the conversions of its fields by
# index (conversion, learned null, nullable in the spec), its unknown fields' names.
Recipe = tuple[type[msgspec.Struct], int, dict[int, tuple["Conversion | None", bool, bool]], tuple[str, ...]]
_INLINE_DEPTH = 2  # stand-ins nested deeper are made by a call of their own


def _rebuilder(recipe: Recipe) -> Convert:
    """A function making a model of its stand-in, written out as Python source: it runs once for every
    record of every page, so it converts only the fields that need it, calls each constructor with the
    fields by position, makes the stand-ins held in it in line (to a depth), reads everything it uses as
    a local, and loops over nothing. The source holds only indices; unknown field names, enum members
    and functions are passed in, never written in."""
    scope: dict[str, Any] = {"astuple": msgspec.structs.astuple, "UNSET": msgspec.UNSET}
    scope.update(EXTRA=_EXTRA, new=object.__new__, without_nulls=_without_nulls)
    body = _emit(recipe, "s", "    ", "", scope, 0)
    names = ", ".join(f"{name}={name}" for name in scope)  # locals, not globals: faster to read
    source = "\n".join([f"def rebuild(s, {names}):", *body, "    return m"])
    exec(compile(source, f"<stand-in of {recipe[0].__name__}>", "exec"), scope)
    rebuild: Convert = scope["rebuild"]
    return rebuild


def _emit(recipe: Recipe, value: str, indent: str, prefix: str, scope: dict[str, Any], depth: int) -> list[str]:
    """Lines making `{prefix}m`, the model of the stand-in `value`."""
    cls, count, conversions, unknown = recipe
    names = [*cls.__struct_fields__, *(f"unlisted_{position}" for position in range(len(unknown)))]
    scope[f"{prefix}R"] = cls
    lines = []
    arguments = [f"{value}.{names[index]}" for index in range(count)]
    for index, (conversion, null, nullable) in sorted(conversions.items()):
        arguments[index] = a = f"{prefix}a{index}"
        lines.append(f"{indent}{a} = {value}.{names[index]}")
        if null:
            lines.append(f"{indent}if {a} is None: {a} = UNSET")
        if conversion is None:
            continue
        lines.append(
            f"{indent}{'elif' if null else 'if'} {a} is not UNSET{f' and {a} is not None' if nullable else ''}:"
        )
        inner, name = indent + "    ", f"{prefix}{index}"
        if conversion[0] == "model" and depth < _INLINE_DEPTH:
            lines += _emit(conversion[1], a, inner, f"{prefix}n{index}_", scope, depth + 1)
            lines.append(f"{inner}{a} = {prefix}n{index}_m")
        elif conversion[0] == "enum":  # its member, or decode keeps a value it does not list
            scope[f"M{name}"], scope[f"D{name}"] = conversion[1], conversion[2]
            lines.append(f"{inner}{a} = M{name}.get({a}) or D{name}({a})")
        elif conversion[0] == "map":  # a map model holding the dict msgspec made, as MapModel._from_json does
            scope[f"C{name}"] = conversion[1]
            lines += [
                f"{inner}b = new(C{name})",
                f"{inner}b.additional_properties = {a} if None not in {a}.values() else without_nulls({a})",
                f"{inner}{a} = b",
            ]
        else:
            scope[f"F{name}"] = _as_function(conversion)
            lines.append(f"{inner}{a} = F{name}({a})")
    lines.append(f"{indent}{prefix}m = {prefix}R({', '.join(arguments)})")
    if unknown:
        lines.append(f"{indent}x = {{}}")
        for position, key in enumerate(unknown):
            scope[f"K{prefix}{position}"] = key
            lines += [
                f"{indent}e = {value}.{names[count + position]}",
                f"{indent}if e is not UNSET and e is not None: x[K{prefix}{position}] = e",
            ]
        lines.append(f"{indent}if x: {prefix}m.__dict__[EXTRA] = x")
    return lines
