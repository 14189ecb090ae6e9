"""Every JSON response of every corpus spec, with what the spec does not list added, decodes through the
generated client as its lenient path decodes it: first by the lenient path, which teaches the
stand-ins (runtime/core/_standins.py), then by the stand-ins.

The response is the spec server's own (its example, or a sample of its schema); to every JSON object
it adds two fields no schema names (one an object, one null), and to every enum value of a model
field a value the enum does not list. The lenient result (the fast path and the stand-ins turned off)
is the oracle: the same models, or the same DecodingError.
"""

from __future__ import annotations

import enum
import importlib
import json
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import msgspec
import pytest

from tests.corpus._calls import find_module
from tests.corpus._corpus import Corpus, generator_lines, spec_files
from tests.support.spec_server import Document, Operation
from tests.support.spec_server._bodies import is_json, media_type_of

UNLISTED = {"zzUnlisted": {"kept": [1, "two", None]}, "zzNull": None}


def _operations() -> list[Any]:
    cases = []
    for spec in spec_files():
        for index, operation in enumerate(Document.load(spec).operations):
            media_type = operation.success.media_type
            if media_type and is_json(media_type_of(media_type)) and "schema" in operation.success.media:
                cases.append(pytest.param(spec.name, index, id=f"{spec.stem}:{operation.key}"))
    return cases


def _members(hint: Any) -> tuple[Any, ...]:
    return typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, type(int | str)) else (hint,)


def unlisted(value: Any, hint: Any) -> Any:
    """`value` (JSON, of type `hint`) with unknown fields in every object and, where the hint says a model
    field is an enum, a value the enum does not list (found with the test's own reading of the hints)."""
    if isinstance(value, list):
        items = [typing.get_args(member)[0] for member in _members(hint) if typing.get_origin(member) is list]
        return [unlisted(item, items[0] if len(items) == 1 else Any) for item in value]
    if not isinstance(value, dict):
        return value
    models = [member for member in _members(hint) if isinstance(member, type) and issubclass(member, msgspec.Struct)]
    fields = {info.encode_name: info.type for info in msgspec.structs.fields(models[0])} if len(models) == 1 else {}
    changed = {}
    for key, item in value.items():
        kind = fields.get(key, Any)
        enums = [m for m in _members(kind) if isinstance(m, type) and issubclass(m, enum.Enum)]
        if enums and item is not None:
            changed[key] = 987_654 if issubclass(enums[0], int) else "ZZ_UNLISTED"
        else:
            changed[key] = unlisted(item, kind)
    return {**changed, **UNLISTED}


@contextmanager
def lenient_only(decoding: Any) -> Iterator[None]:
    """The package's fast path and stand-ins off: every body goes down the lenient path."""
    decoder, stand_ins = decoding._decoder, decoding._stand_ins
    decoding._decoder, decoding._stand_ins = (lambda kind: None), {}
    try:
        yield
    finally:
        decoding._decoder, decoding._stand_ins = decoder, stand_ins


def outcome(parse: Any, response: httpx.Response) -> Any:
    try:
        return ("value", parse(response))
    except Exception as error:
        return ("error", type(error).__name__, getattr(error, "model", None), getattr(error, "path", None))


@pytest.mark.parametrize(("spec_name", "index"), _operations())
def test_a_response_with_what_the_spec_does_not_list_decodes_as_the_lenient_path_decodes_it(
    corpus: Corpus, importable: None, spec_name: str, index: int
) -> None:
    spec = corpus.get(spec_name)
    operation: Operation = spec.document.operations[index]
    if spec.generated.package is None:
        pytest.fail(f"not generated: {spec.generated.failure()[:600]}")
    module = importlib.import_module(
        find_module(spec.package_dir, operation, generator_lines(spec.generated, operation.pointer))
    )
    decoding = importlib.import_module(f"{spec.generated.package}._core._decoding")
    seen: list[Any] = []
    real = module.decode_response

    def recording(response: httpx.Response, parse: Any, model: Any = None) -> Any:
        seen.append((parse, model))
        return real(response, parse, model)

    module.decode_response = recording
    try:
        module._parse_response(_response(operation, spec.server().response_value(operation)))
        assert len(seen) == 1, f"{operation.key}: decode_response was called {len(seen)} times"
        parse, model = seen[0]
        body = unlisted(spec.server().response_value(operation), model)
        response = _response(operation, body)
        with lenient_only(decoding):
            expected = outcome(module._parse_response, response)
        saved = decoding._stand_ins
        decoding._stand_ins = {}
        try:
            first = outcome(module._parse_response, response)
            calls = []
            parse_name = parse.__name__
            setattr(module, parse_name, lambda data: calls.append(data) or parse(data))
            try:
                second = outcome(module._parse_response, response)
            finally:
                setattr(module, parse_name, parse)
            taught = decoding._stand_ins.get(model)
        finally:
            decoding._stand_ins = saved
    finally:
        module.decode_response = real
    assert first == expected and second == expected, f"{operation.key}: {first} / {second} != {expected}"
    if expected[0] == "value" and model is not None and decoding._decoder(model) is not None:
        reason = "" if taught is None or taught.learning else " (learning stopped)"
        assert not calls, f"{operation.key}: the stand-ins did not take a body they were taught{reason}: {body}"


def _response(operation: Operation, value: Any) -> httpx.Response:
    request = httpx.Request("GET", "http://127.0.0.1/unlisted")
    return httpx.Response(
        operation.success.status,
        content=json.dumps(value).encode(),
        headers={"Content-Type": "application/json"},
        request=request,
    )
