"""Enum members: a Python name for each value, and the value itself kept byte for byte.

openapi-python-client names a member after its value (`"active"` -> `ACTIVE`, `"2x"` -> `VALUE_1`, an
`x-enum-varnames` entry when the schema gives them) and escapes the value for a double-quoted literal,
dropping control characters on the way: a value `"line\\nbreak"` became `"linebreak"`, so the client sent a
value the API never listed, and two values whose names coincide (`"Ab"` and `"ab"`) stopped the build with
no line to look at. Here the name is sanitised (an identifier, unique within the enum: `AB`, `AB_2`) and
the value never is; the template writes it as a Python literal (`py`). `render.upstream` puts this in
place of upstream's naming while it runs, and `inputs.spec_check` reports each renamed collision at its
line, from the same function.
"""

from __future__ import annotations

import contextlib
import keyword
from collections.abc import Iterator, Sequence
from typing import Any

from openapi_python_client import strings
from openapi_python_client.parser.properties.enum_property import EnumProperty

__all__ = ["enum_members", "raw_enum_values"]


def _base_name(value: str | int, index: int, var_names: Sequence[Any]) -> str:
    """Upstream's name for a value (before making it unique)."""
    var_name = var_names[index] if index < len(var_names) else None
    if isinstance(value, int):
        if var_name is not None:
            return strings.snake_case(str(var_name)).upper()
        return f"VALUE_NEGATIVE_{-value}" if value < 0 else f"VALUE_{value}"
    if var_name is not None:
        key = str(var_name)
    elif value and value[0].isalpha():
        key = value.upper()
    else:
        key = f"VALUE_{index}"
    name = strings.snake_case(key).upper()
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        return f"VALUE_{index}"
    return name


def enum_members(values: Sequence[str | int], var_names: Sequence[Any] = ()) -> list[tuple[str, str | int, str]]:
    """(member name, value as written, the name upstream would have given) for each value, in order.

    var_names count only when there is one for every value, as upstream reads them."""
    names = var_names if len(var_names) == len(values) else ()
    members: list[tuple[str, str | int, str]] = []
    taken: set[str] = set()
    for index, value in enumerate(values):
        wanted = _base_name(value, index, names)
        name, number = wanted, 2
        while name in taken:
            name, number = f"{wanted}_{number}", number + 1
        taken.add(name)
        members.append((name, value, wanted))
    return members


@contextlib.contextmanager
def raw_enum_values() -> Iterator[None]:
    """While openapi-python-client runs, an enum's `values` maps each unique member name to its value as
    the spec writes it (templates print it with `py`)."""

    def values_from_list(values: Sequence[str | int], class_info: Any, var_names: Sequence[Any]) -> dict[str, Any]:
        return {name: value for name, value, _ in enum_members(values, var_names)}

    original = EnumProperty.__dict__["values_from_list"]
    EnumProperty.values_from_list = staticmethod(values_from_list)  # type: ignore[method-assign]
    try:
        yield
    finally:
        EnumProperty.values_from_list = original  # type: ignore[method-assign]
