"""Enum values are kept byte for byte, whatever characters they hold (issue 21): the member's name is
sanitised, never its value.

Values drawn by hypothesis (any Unicode character outside the surrogates, control characters included)
go into a spec written as JSON; the real generator builds a client from it, and the client, run in a
subprocess against an echo server on 127.0.0.1, sends every member as a query value and reads it back
from a JSON body: the server must receive exactly the value, and the client must decode it to the same
member.
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.render.enum_members import enum_members
from tests.support.generator_runs import generate_client, run_in_client
from tests.support.loopback import serving_handler

# Values that broke, or nearly broke, a generator: escapes, quotes, template syntax, names that clash
# in case or are keywords, separators Python and YAML treat as line breaks, an empty value.
HOSTILE = [
    "line\nbreak",
    "Ab",
    "ab",
    "tab\there",
    "nul\x00x",
    "del\x7f",
    "\x85nel",
    "\u2028ls",
    "\u2029ps",
    "\u202ertl",
    "quote\"'",
    "back\\slash",
    "{{ jinja }}",
    "{% raw %}",
    '"""',
    "😀",
    "",
    " ",
    "class",
    "_x",
    "1st",
    "é",
    "\ufeffbom",
    "\r\n",
]

_VALUES = st.lists(st.text(max_size=12), min_size=1, max_size=30, unique=True)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a loaded machine draws slowly
@given(values=_VALUES, names=st.booleans())
def test_members_are_unique_identifiers_and_values_are_kept_in_order(values: list[str], names: bool) -> None:
    var_names = [f"name {index}" for index in range(len(values))] if names else []
    members = enum_members(values, var_names)
    assert [value for _, value, _ in members] == values
    assert len({name for name, _, _ in members}) == len(values)
    for name, _, _ in members:
        assert name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_"), name


def _spec(values: list[str]) -> str:
    mode = {"$ref": "#/components/schemas/Mode"}
    operation = {
        "operationId": "echo",
        "parameters": [{"name": "mode", "in": "query", "required": True, "schema": mode}],
        "responses": {
            "200": {
                "description": "what was sent",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Echo"}}},
            }
        },
    }
    echo = {
        "type": "object",
        "required": ["mode"],
        "properties": {"mode": mode, "modes": {"type": "array", "items": mode}},
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Enum Echo", "version": "1.0.0"},
        "paths": {"/echo": {"get": operation}},
        "components": {"schemas": {"Mode": {"type": "string", "enum": values}, "Echo": echo}},
    }
    return json.dumps(document, indent=1)  # ASCII: what is outside BMP is written as surrogate pairs


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    received: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query, keep_blank_values=True, strict_parsing=False, errors="strict")
        values = query.get("mode", [])
        type(self).received.extend(values)
        data = json.dumps({"mode": values[0] if values else None, "modes": values}).encode()
        self.send_response(200 if len(values) == 1 else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def echo_server() -> Iterator[str]:
    with serving_handler(_Echo) as url:
        yield url


_ROUND_TRIP = """
import json, sys
from enum_echo import Client
from enum_echo.api.default import echo
from enum_echo.models import Mode

client = Client(base_url=sys.argv[1])
results = []
for member in Mode:
    answer = echo.sync(client=client, mode=member)
    results.append([member.value, answer.mode is member, [m is member for m in answer.modes]])
print(json.dumps(results))
"""


@pytest.mark.slow
@settings(max_examples=2, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(values=HOSTILE)
@given(values=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=30, unique=True))
def test_every_value_reaches_the_server_and_comes_back_as_its_member(
    values: list[str], tmp_path_factory: pytest.TempPathFactory, echo_server: str
) -> None:
    folder = tmp_path_factory.mktemp("enum-echo")
    spec = folder / "enum-echo.json"
    spec.write_text(_spec(values), encoding="ascii")
    client = generate_client(spec, folder)
    _Echo.received = []
    sent = json.loads(run_in_client(client, _ROUND_TRIP, echo_server))
    assert sorted(value for value, _, _ in sent) == sorted(values)  # every value is a member, as written
    assert _Echo.received == [value for value, _, _ in sent]  # and reaches the server unchanged
    assert all(same and modes == [True] for _, same, modes in sent)  # and decodes to its own member
