"""The spec server catches what a client gets wrong, and accepts what a careful client sends.

Requests are written by hand with httpx (no generated code), so these tests check the server on its
own: each wrong request must produce the named problem, each right one none. If the server missed a
problem here, the corpus tests would pass clients that send it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.support.spec_server import Document, Exchange, Sampler, SchemaChecker, SpecServer
from tests.support.spec_server._document import pointer

SPEC = yaml.safe_load(
    """
openapi: 3.1.0
info: {title: Server Under Test, version: '1'}
servers: [{url: 'https://api.example.test/base'}]
security: [{key: []}]
paths:
  /things/{id}:
    post:
      operationId: postThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: flag, in: query, required: true, schema: {type: boolean}}
        - {name: day, in: query, schema: {type: string, format: date}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: flat, in: query, explode: false, schema: {type: array, items: {type: integer}}}
        - {name: deep, in: query, style: deepObject, explode: true,
           schema: {type: object, properties: {a: {type: integer}, b: {type: string}}}}
        - {name: words, in: query, style: spaceDelimited, explode: false, schema: {type: array, items: {type: string}}}
        - {name: form, in: query, schema: {type: object, properties: {x: {type: string}, y: {type: integer}}}}
        - {name: X-Count, in: header, schema: {type: integer}}
        - {name: session, in: cookie, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
                count: {type: integer}
                meta: {type: object, properties: {k: {type: string}}}
      responses:
        '201':
          description: Made.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
  /open:
    get:
      operationId: open
      security: []
      responses:
        '200': {description: OK.}
  /either:
    get:
      operationId: either
      security: [{basic: []}, {key: [], query: []}]
      responses:
        '200':
          description: Text.
          content:
            text/csv:
              schema: {type: string}
  /token-only:
    get:
      operationId: tokenOnly
      security: [{oauth: []}]
      responses:
        '200':
          description: Bytes.
          content:
            image/png:
              schema: {type: string, format: binary}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    query: {type: apiKey, in: query, name: qkey}
    basic: {type: http, scheme: basic}
    oauth:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: /oauth/token, scopes: {}}}
  schemas:
    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1}
        when: {type: string, format: date-time}
        size: {type: integer, minimum: 1}
"""
)
SECRETS: dict[str, Any] = {"key": "k-1", "query": "q-2", "basic": ("ann", "pw:3"), "oauth": "tok-4"}
GOOD_QUERY = "flag=true&day=2024-03-15&tags=a&tags=b%20c&flat=1,2&deep[a]=5&deep[b]=x%26y&words=p%20q&x=s&y=7"
GOOD_THING = {"name": "box", "when": "2024-03-15T10:20:30+00:00", "size": 2}


@pytest.fixture(scope="module")
def server() -> Iterator[SpecServer]:
    with SpecServer(Document(SPEC), SECRETS, ("id-1", "secret-1")) as running:
        yield running


def _post(
    server: SpecServer,
    query: str = GOOD_QUERY,
    *,
    path: str = "/things/9",
    headers: dict[str, str] | None = None,
    cookies: str = "session=s1",
    body: Any = GOOD_THING,
    **send: Any,
) -> Exchange:
    sent = {"X-Key": "k-1", "Cookie": cookies, **(headers or {})}
    content = send if send else {"json": body}
    httpx.post(f"{server.base_url}{path}?{query}", headers=sent, **content)
    (exchange,) = server.take()
    return exchange


def test_a_careful_request_has_no_problems_and_every_value_is_read(server: SpecServer) -> None:
    exchange = _post(server, headers={"X-Count": "4"})
    assert exchange.problems == []
    assert exchange.operation is not None and exchange.operation.operation_id == "postThing"
    assert exchange.parameters == {
        ("path", "id"): 9,
        ("query", "flag"): True,
        ("query", "day"): "2024-03-15",
        ("query", "tags"): ["a", "b c"],
        ("query", "flat"): [1, 2],
        ("query", "deep"): {"a": 5, "b": "x&y"},
        ("query", "words"): ["p", "q"],
        ("query", "form"): {"x": "s", "y": 7},
        ("header", "X-Count"): 4,
        ("cookie", "session"): "s1",
    }
    assert exchange.body_value == GOOD_THING
    assert exchange.credentials == {"key": "k-1"}
    assert exchange.status == 201 and json.loads(exchange.response_body) == exchange.response_value


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        pytest.param(
            GOOD_QUERY.replace("flag=true&", ""), "required query parameter 'flag' was not sent", id="never-sent"
        ),
        pytest.param(GOOD_QUERY.replace("flag=true", "flag=True"), "'True' is not of type 'boolean'", id="python-bool"),
        pytest.param(GOOD_QUERY.replace("day=2024-03-15", "day=15/03/2024"), "is not a 'date'", id="date-format"),
        pytest.param(
            GOOD_QUERY.replace("flat=1,2", "flat=1&flat=2"),
            "flat (explode: false) was sent 2 times",
            id="exploded-flat",
        ),
        pytest.param(
            GOOD_QUERY.replace("deep[a]=5&deep[b]=x%26y", "a=5&b=x"),
            "query parameter 'a' is not one of",
            id="deep-as-form",
        ),
        pytest.param(
            GOOD_QUERY.replace("words=p%20q", "words=p&words=q"),
            "words (explode: false) was sent 2 times",
            id="space-exploded",
        ),
        pytest.param(GOOD_QUERY + "&extra=1", "query parameter 'extra' is not one of the operation's", id="unknown"),
        pytest.param(
            GOOD_QUERY.replace("y=7", "y=seven"), "'seven' is not of type 'integer'", id="object-property-type"
        ),
    ],
)
def test_a_wrong_query_is_named(server: SpecServer, query: str, problem: str) -> None:
    exchange = _post(server, query)
    assert any(problem in found for found in exchange.problems), exchange.problems


def test_a_repr_in_the_query_is_caught(server: SpecServer) -> None:
    exchange = _post(server, GOOD_QUERY.replace("deep[a]=5&deep[b]=x%26y", "deep=%7B%27a%27%3A+5%7D"))
    assert any("deep" in found for found in exchange.problems), exchange.problems


def test_a_missing_cookie_a_bad_header_and_a_wrong_path_are_named(server: SpecServer) -> None:
    other = _post(server, cookies="other=1").problems
    assert "required cookie parameter 'session' was not sent" in other
    assert "cookie 'other' is not one of the operation's" in other
    assert any("'four' is not of type 'integer'" in p for p in _post(server, headers={"X-Count": "four"}).problems)
    assert any("'nine' is not of type 'integer'" in p for p in _post(server, path="/things/nine").problems)
    slashed = _post(server, path="/things/9/10")  # an unencoded slash in a path value reaches no operation
    assert slashed.operation is None and slashed.status == 404


def test_bodies_are_checked_by_media_type(server: SpecServer) -> None:
    assert any("name: '' should be non-empty" in p for p in _post(server, body={"name": ""}).problems)
    assert "the required request body was not sent" in _post(server, content=b"").problems
    not_json = _post(server, content=b"{'name': 'x'}", headers={"Content-Type": "application/json"})
    assert any("is not JSON" in p for p in not_json.problems), not_json.problems
    wrong_type = _post(server, content=b"name=x", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert any("is not one the operation takes" in p for p in wrong_type.problems), wrong_type.problems
    parts = _post(server, files={"file": ("a.bin", b"\x00\xffdata")}, data={"count": "3", "meta": '{"k": "v"}'})
    assert parts.problems == [] and parts.body_value == {"file": b"\x00\xffdata", "count": 3, "meta": {"k": "v"}}
    repr_part = _post(server, files={"file": ("a.bin", b"x")}, data={"meta": "{'k': 'v'}"})
    assert any("not JSON" in p for p in repr_part.problems), repr_part.problems
    no_file = _post(server, data={"count": "3"}, files={"other": ("o", b"o")})
    assert any("'file' is a required property" in p for p in no_file.problems), no_file.problems


def test_credentials_are_checked_exactly_and_never_shown(server: SpecServer) -> None:
    wrong = _post(server, headers={"X-Key": "k-WRONG"})
    assert any("no security requirement is met: {key}: key sent a value of 7 characters" in p for p in wrong.problems)
    assert not any("k-WRONG" in p for p in wrong.problems)
    httpx.get(f"{server.base_url}/open", headers={"X-Key": "k-1"})
    (leak,) = server.take()
    assert (
        "credentials of security scheme 'key' were sent to an operation that does not accept them" in leak.problems[0]
    )
    httpx.get(f"{server.base_url}/either", headers={"X-Key": "k-1"})
    (half,) = server.take()
    assert any("{key, query}: query missing" in p for p in half.problems), half.problems
    httpx.get(f"{server.base_url}/either?qkey=q-2", headers={"X-Key": "k-1"})
    (both,) = server.take()
    assert both.problems == [] and both.response_media_type == "text/csv"
    basic = "Basic " + base64.b64encode(b"ann:pw:3").decode()
    httpx.get(f"{server.base_url}/either", headers={"Authorization": basic})
    (by_basic,) = server.take()
    assert by_basic.problems == [] and by_basic.credentials == {"basic": ("ann", "pw:3")}


def test_the_token_url_hands_out_the_scheme_token_for_the_right_client_only(server: SpecServer) -> None:
    refused = httpx.post(
        f"{server.base_url.rsplit('/base', 1)[0]}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("id-1", "nope"),
    )
    assert refused.status_code == 401
    issued = httpx.post(
        f"{server.base_url}/oauth/token", data={"grant_type": "client_credentials"}, auth=("id-1", "secret-1")
    )
    assert issued.json()["access_token"] == "tok-4"
    answer = httpx.get(f"{server.base_url}/token-only", headers={"Authorization": "Bearer tok-4"})
    (exchange,) = server.take()
    assert exchange.problems == [] and answer.headers["content-type"] == "image/png"
    assert answer.content.startswith(b"\x89PNG")


def _corpus_specs() -> list[Path]:
    folder = Path(__file__).parent / "specs"
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".json"))


@pytest.mark.parametrize("spec", _corpus_specs(), ids=lambda p: p.stem)
def test_every_sample_of_a_corpus_spec_is_valid(spec: Path) -> None:
    """What the server serves and what the tests send are valid for their schemas, so a problem the
    server reports is the client's, never the sampler's."""
    document = Document.load(spec)
    sampler, checker = Sampler(document), SchemaChecker(document)
    wrong = []
    for operation in document.operations:
        for parameter in operation.parameters:
            value = sampler.sample(parameter.schema, hint=parameter.name, where=parameter.location)
            wrong += [f"{operation.key} {parameter.name}: {e}" for e in checker.errors(parameter.schema_pointer, value)]
        if operation.body is not None:
            for media_type in operation.body.content:
                at = operation.body.schema_pointer(media_type)
                value = sampler.sample(document.at(at) if _has(document, at) else {}, hint="body")
                wrong += (
                    [f"{operation.key} body {media_type}: {e}" for e in checker.errors(at, value)]
                    if _has(document, at)
                    else []
                )
        success = operation.success
        if success.schema_pointer and "example" not in success.media:
            value = sampler.sample(
                document.at(success.schema_pointer), hint="x", where="response", direction="response"
            )
            wrong += [f"{operation.key} response: {e}" for e in checker.errors(success.schema_pointer, value)]
    assert not wrong, "\n".join(wrong)


def _has(document: Document, json_pointer: str) -> bool:
    try:
        document.at(json_pointer)
    except (KeyError, IndexError):
        return False
    return True


def test_pointers_escape_slashes_and_tildes() -> None:
    assert pointer("paths", "/a/{b}", "get") == "/paths/~1a~1{b}/get"
    assert pointer("x~y") == "/x~0y"


def test_the_call_check_names_a_parameter_never_sent_and_a_value_that_changed(server: SpecServer) -> None:
    from tests.corpus._calls import CallPlan, check_exchange

    exchange = _post(server, GOOD_QUERY.replace("day=2024-03-15&", "").replace("y=7", "y=8"))
    assert exchange.operation is not None
    plan = CallPlan(
        exchange.operation,
        module=json,
        args=[],
        kwargs={},  # the module is not used by check_exchange
        expected={("query", "day"): "2024-03-15", ("query", "form"): {"x": "s", "y": 7}, ("path", "id"): 9},
        python_names={("query", "day"): "day", ("query", "form"): "form", ("path", "id"): "id"},
    )
    problems = check_exchange(plan, [exchange])
    assert "query parameter 'day' (passed as day) was never sent" in problems
    assert "query parameter 'form' arrived as {'x': 's', 'y': 8}, passed {'x': 's', 'y': 7}" in problems
    assert len(problems) == 2, problems
