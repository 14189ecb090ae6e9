"""Types as the SDK pages write them (C#, Python, Java, JavaScript, Go), read into TypeRefs.

Each SDK renders the same schema in its own language: ``List<string>``,
``list[str]``, ``[String]`` and ``[]string`` are one array of strings. Some
renderings say less than the spec: Python's ``int`` has no width and
JavaScript's ``Number`` is any number. Such types are read as *unspecific*
(an integer or number without a format, or ``object``) and `agrees` lets them
match any type they could stand for, so a page never reports a difference it
cannot express.
"""

from __future__ import annotations

import re
from typing import Final

from .model import TypeRef

__all__ = ["UNSIZED_LANGUAGES", "agrees", "parse_docs_type"]

# Languages whose page writes every integer as ``int`` and every float as ``float``.
UNSIZED_LANGUAGES: Final = frozenset({"python", "go", "ruby", "php", "javascript", "typescript"})

_STRING = TypeRef.primitive("string")
_DATE_TIME = TypeRef.primitive("string", "date-time")
_INT32 = TypeRef.primitive("integer", "int32")
_INT64 = TypeRef.primitive("integer", "int64")
_FLOAT = TypeRef.primitive("number", "float")
_DOUBLE = TypeRef.primitive("number", "double")
_ANY_INTEGER = TypeRef.primitive("integer")
_ANY_NUMBER = TypeRef.primitive("number")
_OBJECT = TypeRef.primitive("object")

_SCALARS: Final[dict[str, TypeRef]] = {
    **dict.fromkeys(("string", "String", "str"), _STRING),
    **dict.fromkeys(
        ("DateTime", "DateTimeOffset", "datetime", "Date", "OffsetDateTime", "time.Time"),
        _DATE_TIME,
    ),
    **dict.fromkeys(("date", "LocalDate"), TypeRef.primitive("string", "date")),
    **dict.fromkeys(("bool", "Boolean", "boolean"), TypeRef.primitive("boolean")),
    **dict.fromkeys(("int", "Integer", "int32", "Int32"), _INT32),
    **dict.fromkeys(("long", "Long", "int64", "Int64"), _INT64),
    **dict.fromkeys(("float", "Float", "float32"), _FLOAT),
    **dict.fromkeys(("double", "Double", "float64", "decimal", "BigDecimal"), _DOUBLE),
    **dict.fromkeys(("Number", "number"), _ANY_NUMBER),
    **dict.fromkeys(("Object", "object", "interface{}", "any", "Any"), _OBJECT),
}
_UNSIZED: Final[dict[str, TypeRef]] = {"int": _ANY_INTEGER, "float": _ANY_NUMBER}
_VOID: Final = frozenset({"void", "None", "null", "nil", "undefined", "Void"})

_ARRAY_FORMS: Final = (
    re.compile(r"(?:I?List|IEnumerable|ICollection|Array|Set|HashSet)<(?P<item>.+)>"),
    re.compile(r"(?:[Ll]ist|[Ss]et|Sequence)\[(?P<item>.+)\]"),
    re.compile(r"\[(?P<item>.+)\]"),  # JavaScript
    re.compile(r"\[\](?P<item>.+)"),  # Go
    re.compile(r"(?P<item>.+)\[\]"),  # TypeScript, C# arrays
)
_MAP_FORMS: Final = (
    re.compile(r"I?(?:Dictionary|Map|HashMap|Record)<\s*(?:string|String)\s*,\s*(?P<value>.+)>"),
    re.compile(r"(?:dict|Dict|Mapping)[(\[]\s*str\s*,\s*(?P<value>.+)[)\]]"),
    re.compile(r"\{\s*(?:String|string)\s*:\s*(?P<value>.+)\}"),  # JavaScript
    re.compile(r"map\[string\](?P<value>.+)"),  # Go
)
_MODEL_NAME = re.compile(r"[A-Za-z_][\w.]*")
_EMPTY_BODY = re.compile(r"\(\s*empty response body\s*\)$", re.IGNORECASE)


def parse_docs_type(text: str, language: str | None = None) -> TypeRef | None:
    """The TypeRef of a page's type text: None for ``void`` (also written
    ``null (empty response body)``); ValueError if the text is not a type.

    ``language`` (the page's example language) decides whether ``int`` and
    ``float`` carry a width (C#, Java) or not (Python, Go, ...).
    """
    text = _EMPTY_BODY.sub("", " ".join(text.split())).strip()
    if text in _VOID:
        return None
    return _parse(text, language)


def _parse(text: str, language: str | None) -> TypeRef:
    text = text.strip().removeprefix("*").removesuffix("?")
    if not text:
        raise ValueError("not a type: empty")
    if language in UNSIZED_LANGUAGES and text in _UNSIZED:
        return _UNSIZED[text]
    if text in _SCALARS:
        return _SCALARS[text]
    for form in _MAP_FORMS:
        if m := form.fullmatch(text):
            return TypeRef.map(_parse(m["value"], language))
    for form in _ARRAY_FORMS:
        if m := form.fullmatch(text):
            return TypeRef.array(_parse(m["item"], language))
    if not _MODEL_NAME.fullmatch(text) or text in _VOID:
        raise ValueError(f"not a type: {text!r}")
    return TypeRef.model(text)


def agrees(a: TypeRef | None, b: TypeRef | None) -> bool:
    """Whether two types can be the same schema: equal, or one is the other said less exactly."""
    if a is None or b is None:
        return a is b
    if a == b:
        return True
    if a.kind in ("array", "map") and a.kind == b.kind:
        return agrees(a.item, b.item)
    if a.kind == "model" and b.kind == "model":
        return a.name.casefold() == b.name.casefold()
    return _covers(a, b) or _covers(b, a)


def _covers(vague: TypeRef, exact: TypeRef) -> bool:
    """Whether an unspecific type (no format, or ``object``) can stand for ``exact``."""
    if vague.kind != "primitive" or vague.format is not None:
        return False
    if vague.name == "object":
        return exact.kind in ("model", "map") or exact.name == "object"
    if exact.kind != "primitive":
        return False
    if vague.name == "integer":
        return exact.name == "integer"
    if vague.name == "number":
        return exact.name in ("integer", "number")
    return False
