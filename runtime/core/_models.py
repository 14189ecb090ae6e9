"""What generated models are built on: msgspec Structs that keep what the API sends beyond the spec.

An object model is a `msgspec.Struct`, so a response body that fits the spec exactly is parsed,
type-checked and built in one pass of C (`_decoding.decode_response`); the Struct refuses any field it
does not declare there, so a body that does not fit exactly is handed to the model's own `from_dict`,
which keeps unknown fields (`additional_properties`), keeps enum values it does not know, reads null
as absent, and names what is wrong. Either way the result is the same object.

`Model` allows no other fields (`additionalProperties: false`); `OpenModel` keeps them, outside the
Struct's fields (in the instance's `__dict__`), so they take part in equality, copies and pickling but
never in msgspec's own decoding. `MapModel` is an object with no declared properties, only values by
name (`additionalProperties: {...}`): msgspec cannot decode it by itself, so the decoder's hook calls
its `from_dict`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Generic, Self, TypeVar

import msgspec

__all__: list[str] = []

V = TypeVar("V")
_EXTRA = "_additional_properties"
_new = object.__new__


class _ByName(Generic[V]):
    """Item access to a model's `additional_properties` (``model["key"]``)."""

    __slots__ = ()
    additional_properties: dict[str, V]

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties)

    def __getitem__(self, key: str) -> V:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: V) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


class Model(msgspec.Struct, forbid_unknown_fields=True):
    """A model whose schema lists every field it may have."""


class OpenModel(msgspec.Struct, _ByName[V], dict=True, forbid_unknown_fields=True):
    """A model that also keeps the fields its schema does not list, by their JSON names."""

    @property
    def additional_properties(self) -> dict[str, V]:
        """The fields the spec does not list, as received (JSON name to value)."""
        values: dict[str, V] | None = self.__dict__.get(_EXTRA)
        if values is None:
            values = self.__dict__[_EXTRA] = {}
        return values

    @additional_properties.setter
    def additional_properties(self, values: dict[str, V]) -> None:
        self.__dict__[_EXTRA] = values

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return msgspec.structs.astuple(self) == msgspec.structs.astuple(other) and (  # type: ignore[arg-type]
            self.__dict__.get(_EXTRA) or {}
        ) == (other.__dict__.get(_EXTRA) or {})

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__struct_fields__)
        extra = self.__dict__.get(_EXTRA)
        if extra:
            fields += (", " if fields else "") + f"additional_properties={extra!r}"
        return f"{type(self).__name__}({fields})"

    def __copy__(self) -> OpenModel[V]:
        clone = msgspec.structs.replace(self)
        extra = self.__dict__.get(_EXTRA)
        if extra is not None:
            clone.__dict__[_EXTRA] = extra
        return clone

    def __deepcopy__(self, memo: dict[int, Any]) -> OpenModel[V]:
        clone = type(self)(*(copy.deepcopy(value, memo) for value in msgspec.structs.astuple(self)))
        extra = self.__dict__.get(_EXTRA)
        if extra is not None:
            clone.__dict__[_EXTRA] = copy.deepcopy(extra, memo)
        return clone

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), msgspec.structs.astuple(self), self.__dict__.get(_EXTRA))


def _rebuild(cls: type[OpenModel[Any]], values: tuple[Any, ...], extra: dict[str, Any] | None) -> OpenModel[Any]:
    model = cls(*values)
    if extra is not None:
        model.additional_properties = extra
    return model


class MapModel(_ByName[V]):
    """An object of values by name, with no declared fields (``additionalProperties`` only)."""

    __slots__ = ("additional_properties",)
    #: The JSON types a value may have to be kept as it is (None: any); a generated subclass says.
    _json_values: ClassVar[frozenset[type] | None] = frozenset()

    def __init__(self) -> None:
        self.additional_properties: dict[str, V] = {}

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Decodes a JSON object (a generated subclass checks its values)."""
        raise NotImplementedError

    @classmethod
    def _from_json(cls, value: Any) -> Self:
        """`from_dict` for an object msgspec has just parsed (the fast path's hook): a fresh dict whose
        values need no decoding is kept as it is, anything else goes through `from_dict`."""
        kinds = cls._json_values
        if type(value) is dict and (
            kinds.issuperset(map(type, value.values())) if kinds is not None else None not in value.values()
        ):
            model = _new(cls)
            model.additional_properties = value
            return model
        return cls.from_dict(value)

    def __iter__(self) -> Iterator[str]:
        return iter(self.additional_properties)

    def __len__(self) -> int:
        return len(self.additional_properties)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.additional_properties == other.additional_properties  # type: ignore[attr-defined, no-any-return]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(additional_properties={self.additional_properties!r})"
