"""Finding a feature in a spec's data: operations, parameters, bodies, responses and schemas.

The feature matrix (features.py) names, for each feature, the corpus specs that cover it and a
predicate built from these helpers; a test runs every predicate on every spec it names, so the
matrix cannot claim a spec covers what it does not hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "Detector",
    "all_of",
    "any_operation",
    "any_parameter",
    "any_request_media",
    "any_response",
    "any_response_media",
    "any_schema",
    "any_security",
    "resolve",
    "schemas",
]

Detector = Callable[[dict[str, Any]], bool]
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """`node` with a chain of local $refs followed."""
    seen = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        ref = node["$ref"]
        if ref in seen:
            break
        seen.add(ref)
        target: Any = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target[part] if isinstance(target, dict) else target[int(part)]
        node = target
    return node


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(path, method, operation, path item) for every operation."""
    for path, item in (doc.get("paths") or {}).items():
        item = resolve(doc, item)
        for method in _METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item[method], item


def parameters(doc: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(parameter, operation) for every parameter, path-level ones once per operation."""
    for _path, _method, operation, item in operations(doc):
        for node in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
            yield resolve(doc, node), operation


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def schemas(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every mapping in the document that is, or is inside, a schema (a loose but sufficient net)."""
    for node in _walk(doc):
        if isinstance(node, dict) and any(
            k in node for k in ("type", "$ref", "enum", "const", "allOf", "oneOf", "anyOf", "properties")
        ):
            yield node


def any_schema(test: Callable[[dict[str, Any]], bool]) -> Detector:
    return lambda doc: any(_safe(test, s) for s in schemas(doc))


def any_parameter(test: Callable[[dict[str, Any], dict[str, Any]], bool]) -> Detector:
    """`test(parameter, resolved schema)`."""
    return lambda doc: any(_safe(lambda p: test(p, resolve(doc, p.get("schema", {}))), p) for p, _ in parameters(doc))


def any_operation(test: Callable[[str, str, dict[str, Any], dict[str, Any]], bool]) -> Detector:
    return lambda doc: any(_safe(lambda o: test(*o), o) for o in operations(doc))


def _bodies(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for _path, _method, operation, _item in operations(doc):
        body = resolve(doc, operation.get("requestBody"))
        if isinstance(body, dict):
            for media_type, media in (body.get("content") or {}).items():
                yield media_type, media, body


def any_request_media(test: Callable[[str, dict[str, Any], dict[str, Any]], bool]) -> Detector:
    """`test(media type, media object, request body)`."""
    return lambda doc: any(_safe(lambda b: test(*b), b) for b in _bodies(doc))


def _responses(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for _path, _method, operation, _item in operations(doc):
        responses = operation.get("responses") or {}
        yield "*", responses, operation
        for code, response in responses.items():
            yield str(code), resolve(doc, response), operation


def any_response(test: Callable[[str, dict[str, Any], dict[str, Any]], bool]) -> Detector:
    """`test(status code, response, operation)`; also called once per operation with "*" and all responses."""
    return lambda doc: any(_safe(lambda r: test(*r), r) for r in _responses(doc))


def any_response_media(test: Callable[[str, str, dict[str, Any]], bool]) -> Detector:
    """`test(status code, media type, media object)`."""

    def detect(doc: dict[str, Any]) -> bool:
        found = (
            (code, media_type, media)
            for code, response, _operation in _responses(doc)
            if code != "*"
            for media_type, media in (response.get("content") or {}).items()
        )
        return any(_safe(lambda m: test(*m), entry) for entry in found)

    return detect


def any_security(test: Callable[[list[dict[str, list[str]]] | None, dict[str, Any]], bool]) -> Detector:
    """`test(the operation's own security or None, the document)`."""
    return lambda doc: any(_safe(lambda o: test(o[2].get("security"), doc), o) for o in operations(doc))


def all_of(*detectors: Detector) -> Detector:
    return lambda doc: all(detector(doc) for detector in detectors)


def _safe(test: Callable[[Any], bool], value: Any) -> bool:
    try:
        return bool(test(value))
    except (KeyError, TypeError, AttributeError, IndexError, ValueError):
        return False
