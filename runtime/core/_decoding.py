"""Turns response bodies into models, with DecodingError for anything that does not fit the spec.

Three paths give the same result. The fast one: msgspec parses the body straight into the model's
Structs, checking every type against the spec in C. It accepts only a body that fits the spec exactly;
anything else (a field or enum value the spec does not list, a null, a wrong type, bytes that are not
JSON) falls through. The stand-ins (`_standins`): msgspec again, into Structs that also take what
earlier bodies of the same type held beyond the spec, each then made into its model. The lenient one:
the body parsed into plain JSON values, then the model's generated `from_dict`, which keeps what it does
not know and raises DecodingError naming the model, the field and the JSON path of what is wrong; what
it accepted teaches the stand-ins. JSON nested too deeply for any of them is a DecodingError too.

The value checks below are what `from_dict` uses for fields that need no conversion: JSON strings are
`str`, integers `int` (never `bool`), and so on, as the spec says.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
import msgspec
from msgspec import UnsetType as Unset

from ._errors import DecodingError, error_from_response
from ._models import MapModel
from ._standins import Facts, Unsupported, learn, stand_in_type

__all__: list[str] = []

T = TypeVar("T")

_decoders: dict[Any, msgspec.json.Decoder[Any] | None] = {}
# msgspec builds a Struct's type information the first time a Decoder names it, calling back into
# Python as it goes; a thread decoding while another is half-way through that build crashes the
# interpreter (seen with worker threads starting at once). So decoders are built one at a time, and a
# decoder is published only once everything it refers to is built.
_building = threading.Lock()
_plain = msgspec.json.Decoder()
_raw_fields = msgspec.json.Decoder(dict[str, msgspec.Raw])
_raw_items = msgspec.json.Decoder(list[msgspec.Raw] | None)
_STRINGS = frozenset({str})
_INTEGERS = frozenset({int})
_BOOLEANS = frozenset({bool})
_JSON_TYPES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    list: "an array",
    dict: "an object",
    type(None): "null",
}


def _decode_custom(kind: type, value: Any) -> Any:
    """msgspec's hook for the types it cannot build itself: map models, through their own decoder."""
    if isinstance(kind, type) and issubclass(kind, MapModel):
        try:
            return kind._from_json(value)
        except Exception as error:  # any misfit sends the body down the lenient path
            raise ValueError(str(error)) from None
    raise NotImplementedError(f"no decoder for {kind!r}")


def _decoder(kind: Any) -> msgspec.json.Decoder[Any] | None:
    """The fast decoder of `kind`, built on first use (one build at a time); None when msgspec cannot
    decode it."""
    try:
        return _decoders[kind]
    except KeyError:
        pass
    with _building:
        if kind in _decoders:  # another thread built it while this one waited
            return _decoders[kind]
        try:
            decoder: msgspec.json.Decoder[Any] | None = msgspec.json.Decoder(kind, dec_hook=_decode_custom)
        except (TypeError, ValueError, NameError):  # e.g. a union of models, a file
            decoder = None
        _decoders[kind] = decoder
        return decoder


def parse_json(content: bytes, what: str = "body") -> Any:
    """Plain JSON values of `content`; DecodingError when it is not JSON or nested too deeply."""
    try:
        return _plain.decode(content)
    except RecursionError:
        raise DecodingError(f"{what} is JSON nested too deeply to decode") from None
    except msgspec.DecodeError as error:
        raise DecodingError(f"{what} is not valid JSON ({error})") from None


def json_items(content: bytes, field: str) -> list[bytes]:
    """The items of the array `field` of the JSON object `content`, each as the JSON text received, laid
    out on one line as `json.dumps` lays it out (a space after each `,` and `:`), but never parsed: every
    string, number and key stays exactly as sent. [] when the field is absent or null; DecodingError
    when `content` is not such an object."""
    try:
        value = _raw_fields.decode(content).get(field)
        items = _raw_items.decode(value) if value is not None else None
    except (msgspec.DecodeError, RecursionError) as error:
        raise DecodingError(f"{field} is not an array of JSON values ({error})", field=field, path=field) from None
    layout = msgspec.json.format
    return [layout(item, indent=0) for item in items] if items else []


class _StandIns:
    """What bodies of one response type taught: the stand-ins' decoder, and which path to try first."""

    PROBE_EVERY = 16  # while the stand-ins go first, every so many bodies the fast path is tried first again

    def __init__(self) -> None:
        self.facts = Facts()
        self.decode: Callable[[bytes], Any] | None = None
        self.learning = True
        self.fruitless = 0  # lenient decodes in a row that taught nothing
        self.first = False  # the stand-ins go first (the last body did not fit exactly)
        self.countdown = 0

    def go_first(self) -> bool:
        """Whether to try the stand-ins before the fast path (bodies have lately not fit exactly)."""
        if not self.first:
            return False
        self.countdown -= 1
        if self.countdown > 0:
            return True
        self.countdown = self.PROBE_EVERY  # now and then, see whether bodies fit exactly again
        return False


_stand_ins: dict[Any, _StandIns] = {}


def _learn(model: Any, data: Any) -> None:
    """Teaches `model`'s stand-ins what `data` (accepted by the lenient path) holds beyond the spec."""
    known = _stand_ins.get(model)
    if known is not None and not known.learning:
        return
    with _building:
        state = _stand_ins.setdefault(model, _StandIns())
        if not state.learning:
            return
        facts = state.facts.copy()
        try:
            new = learn(model, data, facts)
            built = stand_in_type(model, facts) if new else None
            decoder = msgspec.json.Decoder(built[0], dec_hook=_decode_custom) if built is not None else None
        except (Unsupported, RecursionError, TypeError, ValueError, NameError):
            state.learning = False  # the lenient path keeps these bodies; stop looking at them
            return
        if not new:
            state.fruitless += 1
            state.learning = state.fruitless < 3
            return
        state.fruitless = 0
        state.facts = facts
        if built is not None and decoder is not None:
            convert, decode = built[1], decoder.decode
            state.decode = lambda content: convert(decode(content))
        state.first, state.countdown = True, _StandIns.PROBE_EVERY


def decode_json(content: bytes, parse: Callable[[Any], T], model: Any = None, what: str = "body") -> T:
    """`content` decoded as `model`: the fast path when it fits exactly, else the stand-ins when they take
    it, else `parse` (its from_dict), whose result teaches the stand-ins."""
    if model is None:
        return decode_data(parse_json(content, what), parse, what)
    decoder = _decoder(model)
    if decoder is None:
        return decode_data(parse_json(content, what), parse, what)
    stand_ins = _stand_ins.get(model)
    if stand_ins is None or not stand_ins.go_first():
        try:
            result: T = decoder.decode(content)
        except (msgspec.DecodeError, RecursionError):
            pass  # not an exact fit
        else:
            if stand_ins is not None:
                stand_ins.first = False  # bodies fit exactly again
            return result
    if stand_ins is not None and stand_ins.decode is not None:
        try:
            result = stand_ins.decode(content)
        except (msgspec.DecodeError, RecursionError):
            pass  # something the stand-ins were not taught: the lenient path decides, and explains
        else:
            if not stand_ins.first:
                stand_ins.first, stand_ins.countdown = True, _StandIns.PROBE_EVERY
            return result
    data = parse_json(content, what)
    result = decode_data(data, parse, what)
    _learn(model, data)
    return result


def decode_data(data: Any, parse: Callable[[Any], T], what: str = "body") -> T:
    """Plain JSON values decoded by `parse` (a model's from_dict); nesting too deep is a DecodingError."""
    try:
        return parse(data)
    except RecursionError:
        raise DecodingError(f"{what} is JSON nested too deeply to decode") from None


def decode_response(response: httpx.Response, parse: Callable[[Any], T], model: Any = None) -> T:
    """The JSON body decoded with the operation's decoder for its status (see `decode_json`)."""
    try:
        return decode_json(response.content, parse, model, f"HTTP {response.status_code} body")
    except DecodingError as error:
        if error.path or error.model:
            raise
        raise DecodingError(error.reason, path=response.request.url.path) from None


def require_field(value: T | Unset | None, name: str) -> T:
    """A response field the caller cannot do without."""
    if value is None or isinstance(value, Unset):
        raise DecodingError("required field is missing", field=name, path=name)
    return value


def unexpected_status(response: httpx.Response) -> Exception:
    """The error for a status the operation's spec does not document."""
    return error_from_response(response, documented=False)


def _wrong(expected: str, value: object) -> DecodingError:
    return DecodingError(f"expected {expected}, got {_JSON_TYPES.get(type(value), type(value).__name__)}")


def check_str(value: Any) -> str:
    if type(value) is str:
        return value
    raise _wrong("a string", value)


def check_int(value: Any) -> int:
    if type(value) is int:
        return value
    raise _wrong("an integer", value)


def check_float(value: Any) -> float:
    if type(value) is float or type(value) is int:
        return float(value)
    raise _wrong("a number", value)


def check_bool(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise _wrong("a boolean", value)


def check_list(value: Any) -> list[Any]:
    if type(value) is list:
        return value
    raise _wrong("an array", value)


def _check_items(value: Any, kinds: frozenset[type], expected: str) -> list[Any]:
    if type(value) is list and kinds.issuperset(map(type, value)):
        return value
    if type(value) is not list:
        raise _wrong("an array", value)
    index = next(i for i, item in enumerate(value) if type(item) not in kinds)
    raise DecodingError(f"expected an array of {expected}, item {index} is {_JSON_TYPES.get(type(value[index]))}")


def check_str_list(value: Any) -> list[str]:
    return _check_items(value, _STRINGS, "strings")


def check_int_list(value: Any) -> list[int]:
    return _check_items(value, _INTEGERS, "integers")


def check_bool_list(value: Any) -> list[bool]:
    return _check_items(value, _BOOLEANS, "booleans")


def check_str_values(value: Any) -> dict[str, str]:
    """A JSON object whose values are all strings (a map model's values); nulls are dropped."""
    if type(value) is not dict:
        if not isinstance(value, Mapping):
            raise _wrong("an object", value)
        value = dict(value)
    if _STRINGS.issuperset(map(type, value.values())):
        strings: dict[str, str] = value
        return strings
    for key, item in value.items():
        if item is not None and type(item) is not str:
            raise DecodingError(f"expected a string, got {_JSON_TYPES.get(type(item))}", field=key, path=key)
    return {key: item for key, item in value.items() if item is not None}
