"""The loopback server: answers every operation of a spec, checks and records each request.

`SpecServer(document, credentials)` serves on 127.0.0.1 (a free port) in a thread. For each
request it finds the operation (method and path template, under the first server's path), reads
every parameter by its style (`_styles`), casts and validates it against its schema, reads and
validates the body by its media type (`_bodies`), checks the credentials (`_security`), asks
openapi-core for a second opinion, and records an `Exchange`: what arrived, as values, and every
problem found. It answers with the operation's first success response, its media type, and a body
from the media type's `example` or a sample of its schema (`_samples`). OAuth 2 token URLs of the
spec's client-credentials flows are served too.

The server never fails a request for a problem it found (the test reads `problems`), so a test
sees every problem of a call at once, not only the first.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.support.spec_server._bodies import is_json, media_type_of, pick_media_type, read_body
from tests.support.spec_server._document import Document, Operation
from tests.support.spec_server._oracle import OpenApiCoreOracle
from tests.support.spec_server._samples import Sampler
from tests.support.spec_server._schemas import SchemaChecker, cast
from tests.support.spec_server._security import Credential, check_security
from tests.support.spec_server._styles import RawRequestParts, claimed_query_keys, read_parameters, split_query

__all__ = ["Exchange", "SpecServer", "TokenRequest"]

_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
_MAX_BODY = 16 * 1024 * 1024


@dataclass
class Exchange:
    """One request the server received, read against its operation, and the answer it gave."""

    method: str
    target: str  # the request line's path and query, as sent
    headers: list[tuple[str, str]]
    body: bytes
    operation: Operation | None = None
    parameters: dict[tuple[str, str], Any] = field(default_factory=dict)  # (location, name) -> value
    raw_parameters: dict[tuple[str, str], Any] = field(default_factory=dict)
    media_type: str | None = None  # the spec's media type the body matched
    body_value: Any = None
    credentials: dict[str, Credential] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    status: int = 0
    response_media_type: str | None = None
    response_value: Any = None  # what the body holds (JSON-like, text or bytes)
    response_body: bytes = b""

    def describe(self) -> str:
        where = self.operation.key if self.operation else "no operation"
        return f"{self.method} {self.target} ({where})"


@dataclass(frozen=True)
class TokenRequest:
    path: str
    form: dict[str, str]
    authorization: str | None
    problems: list[str]


def _template_regex(path: str) -> re.Pattern[str]:
    pattern = ""
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{") and piece.endswith("}"):
            pattern += f"(?P<p{len(pattern)}>[^/]+)"
        else:
            pattern += re.escape(piece)
    return re.compile(f"^{pattern}$")


class SpecServer:
    """Serves one document on 127.0.0.1 until closed; a context manager."""

    def __init__(
        self,
        document: Document,
        credentials: Mapping[str, Credential] | None = None,
        client_credentials: tuple[str, str] | None = None,
    ) -> None:
        self.document = document
        self.credentials = dict(credentials or {})
        self.client_credentials = client_credentials
        self.sampler = Sampler(document)
        self.checker = SchemaChecker(document)
        self.schemes = document.security_schemes()
        self._routes = sorted(
            ((op, _template_regex(op.path), re.findall(r"\{([^}]+)\}", op.path)) for op in document.operations),
            key=lambda route: (len(route[2]), -len(route[0].path)),
        )
        self._lock = threading.Lock()
        self._exchanges: list[Exchange] = []
        self.token_requests: list[TokenRequest] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_path = document.base_path()
        self.base_url = f"http://127.0.0.1:{self.port}{self.base_path}"
        self.oracle = OpenApiCoreOracle(document, "http://loopback" + self.base_path)
        self._thread = threading.Thread(target=self._server.serve_forever, name="spec-server", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> SpecServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def take(self) -> list[Exchange]:
        """The exchanges since the last call, oldest first."""
        with self._lock:
            taken, self._exchanges = self._exchanges, []
            return taken

    def token_paths(self) -> dict[str, str]:
        """Path served -> scheme name, for each client-credentials token URL of the spec."""
        paths = {}
        for name, scheme in self.schemes.items():
            flows = scheme.get("flows") or {}
            flow = flows.get("clientCredentials")
            if scheme.get("type") == "oauth2" and isinstance(flow, dict) and "tokenUrl" in flow:
                url = urlsplit(str(flow["tokenUrl"]))
                path = url.path if url.path.startswith("/") else f"{self.base_path}/{url.path}"
                paths[path] = name
                if not url.netloc and not path.startswith(self.base_path + "/"):
                    paths[self.base_path + path] = name
        return paths

    # -- handling

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline().strip():
                                pass
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    return b"".join(chunks)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(min(length, _MAX_BODY))

            def _handle(self) -> None:
                body = self._read_body()
                status, headers, payload = server.handle(self.command, self.path, list(self.headers.items()), body)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = do_TRACE = _handle

        return Handler

    def handle(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        split = urlsplit(target)
        token_scheme = self.token_paths().get(split.path)
        if token_scheme is not None and method == "POST":
            return self._token(split.path, headers, body)
        exchange = Exchange(method, target, headers, body)
        try:
            self._read(exchange, split.path, split.query)
        except Exception as error:  # the server must answer; the test reads the problem
            exchange.problems.append(f"the server could not read the request: {type(error).__name__}: {error}")
        answer = self._answer(exchange)
        with self._lock:
            self._exchanges.append(exchange)
        return answer

    def _read(self, exchange: Exchange, raw_path: str, raw_query: str) -> None:
        method = exchange.method.lower()
        candidates = [op for op, regex, _ in self._routes if regex.match(raw_path[len(self.base_path) :] or "/")]
        matched = None
        for operation, regex, names in self._routes:
            found = regex.match(raw_path[len(self.base_path) :] or "/") if raw_path.startswith(self.base_path) else None
            if found and operation.method == method:
                matched = (operation, dict(zip(names, found.groups(), strict=True)))
                break
        if matched is None:
            known = ", ".join(sorted({op.key for op in candidates})) or "none"
            exchange.problems.append(
                f"no operation answers {exchange.method} {raw_path} (operations on this path: {known})"
            )
            return
        operation, path_values = matched
        exchange.operation = operation
        query = split_query(raw_query)
        cookies = _cookies(exchange.headers)
        parts = RawRequestParts(query, exchange.headers, cookies, path_values)
        for read in read_parameters(self.document, operation, parts):
            parameter = read.parameter
            exchange.problems.extend(read.problems)
            if not read.present:
                continue
            key = (parameter.location, parameter.name)
            exchange.raw_parameters[key] = read.raw
            value = cast(self.document, parameter.schema, read.raw)
            exchange.parameters[key] = value
            for problem in self.checker.errors(parameter.schema_pointer, value):
                exchange.problems.append(
                    f"{parameter.location} parameter {parameter.name!r}: {problem} (sent {read.raw!r})"
                )
        self._unknown_query(exchange, operation, query)
        self._unknown_cookies(exchange, operation, cookies)
        self._body(exchange, operation)
        exchange.credentials, problems = check_security(
            operation, self.schemes, self.credentials, exchange.headers, query, cookies
        )
        exchange.problems.extend(problems)
        exchange.problems.extend(self.oracle.disagreements(exchange, raw_path, query, cookies))

    def _unknown_query(self, exchange: Exchange, operation: Operation, query: list[tuple[str, str]]) -> None:
        known = claimed_query_keys(self.document, operation, query)
        known |= {
            str(s.get("name")) for s in self.schemes.values() if s.get("type") == "apiKey" and s.get("in") == "query"
        }
        for key in dict.fromkeys(k for k, _ in query):
            if key not in known:
                exchange.problems.append(f"query parameter {key!r} is not one of the operation's")

    def _unknown_cookies(self, exchange: Exchange, operation: Operation, cookies: list[tuple[str, str]]) -> None:
        known = {p.name for p in operation.parameters if p.location == "cookie"}
        known |= {
            str(s.get("name")) for s in self.schemes.values() if s.get("type") == "apiKey" and s.get("in") == "cookie"
        }
        for name in dict.fromkeys(name for name, _ in cookies):
            if name not in known:
                exchange.problems.append(f"cookie {name!r} is not one of the operation's")

    def _body(self, exchange: Exchange, operation: Operation) -> None:
        content_type = next((v for k, v in exchange.headers if k.lower() == "content-type"), "")
        if operation.body is None:
            if exchange.body:
                exchange.problems.append(f"a body of {len(exchange.body)} bytes was sent to an operation without one")
            return
        if not exchange.body and not content_type:
            if operation.body.required:
                exchange.problems.append("the required request body was not sent")
            return
        media_type = pick_media_type(list(operation.body.content), content_type)
        if media_type is None:
            declared = ", ".join(operation.body.content)
            exchange.problems.append(f"Content-Type {content_type!r} is not one the operation takes ({declared})")
            return
        exchange.media_type = media_type
        media = self.document.resolve(operation.body.content[media_type])[0]
        schema = media.get("schema", {})
        read = read_body(self.document, media_type, schema, content_type, exchange.body, media.get("encoding") or {})
        exchange.problems.extend(read.problems)
        exchange.body_value = read.value
        if read.value is None or "schema" not in media:
            return
        if is_json(media_type) or isinstance(read.value, (dict, list)):
            for problem in self.checker.errors(operation.body.schema_pointer(media_type), read.value):
                exchange.problems.append(f"body ({media_type}): {problem}")

    # -- answers

    def _answer(self, exchange: Exchange) -> tuple[int, dict[str, str], bytes]:
        operation = exchange.operation
        if operation is None:
            payload = json.dumps({"problems": exchange.problems}).encode()
            exchange.status = 404
            return 404, {"Content-Type": "application/json"}, payload
        success = operation.success
        exchange.status = success.status
        if success.media_type is None or success.status in (204, 304) or exchange.method == "HEAD":
            return success.status, {}, b""
        value = self.response_value(operation)
        exchange.response_media_type = success.media_type
        exchange.response_value = value
        payload = _encode(success.media_type, value)
        exchange.response_body = payload
        content_type = success.media_type if "*" not in success.media_type else _concrete(success.media_type)
        return success.status, {"Content-Type": content_type}, payload

    def response_value(self, operation: Operation) -> Any:
        """What the server answers `operation` with: the media type's example, else a schema sample."""
        media = operation.success.media
        media_type = operation.success.media_type or ""
        if "example" in media:
            return media["example"]
        examples = media.get("examples")
        if isinstance(examples, dict) and examples:
            first = self.document.resolve(next(iter(examples.values())))[0]
            if isinstance(first, dict) and "value" in first:
                return first["value"]
        if "schema" not in media:
            return (
                _PNG
                if media_type.startswith("image/")
                else b"sample bytes"
                if not media_type.startswith("text/")
                else "sample text"
            )
        value = self.sampler.sample(
            media["schema"], hint=operation.operation_id or operation.path, where="response", direction="response"
        )
        if media_type.startswith("image/") and isinstance(value, bytes):
            return _PNG + value
        if is_json(media_type_of(media_type)):
            return _jsonable(value)  # JSON carries no bytes: a binary string in JSON is text
        return value

    def _token(self, path: str, headers: list[tuple[str, str]], body: bytes) -> tuple[int, dict[str, str], bytes]:
        scheme = self.token_paths()[path]
        form = dict(split_query(body.decode("utf-8", "replace")))
        authorization = next((v for k, v in headers if k.lower() == "authorization"), None)
        problems = []
        if form.get("grant_type") != "client_credentials":
            problems.append(f"grant_type is {form.get('grant_type')!r}, not client_credentials")
        given = None
        if authorization and authorization.lower().startswith("basic "):
            user, _, password = base64.b64decode(authorization[6:]).decode("utf-8", "replace").partition(":")
            given = (unquote(user), unquote(password))
        elif "client_id" in form:
            given = (form.get("client_id", ""), form.get("client_secret", ""))
        if given != self.client_credentials:
            problems.append("the client id and secret are not the ones issued")
        with self._lock:
            self.token_requests.append(TokenRequest(path, form, authorization, problems))
        if problems:
            return 401, {"Content-Type": "application/json"}, json.dumps({"error": "invalid_client"}).encode()
        token = self.credentials.get(scheme)
        payload = {"access_token": token, "token_type": "bearer", "expires_in": 3600}
        return 200, {"Content-Type": "application/json", "Cache-Control": "no-store"}, json.dumps(payload).encode()


def _cookies(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    found = []
    for key, value in headers:
        if key.lower() != "cookie":
            continue
        for piece in value.split(";"):
            name, sep, text = piece.strip().partition("=")
            if sep:
                found.append((name, text))
    return found


def _concrete(media_type: str) -> str:
    return {"*/*": "application/octet-stream", "image/*": "image/png", "text/*": "text/plain"}.get(
        media_type, "application/octet-stream"
    )


def _encode(media_type: str, value: Any) -> bytes:
    media = media_type_of(media_type)
    if is_json(media):
        return json.dumps(_jsonable(value)).encode()
    if isinstance(value, bytes):
        return value
    if media.startswith("text/") or isinstance(value, str):
        return (value if isinstance(value, str) else json.dumps(_jsonable(value))).encode()
    return json.dumps(_jsonable(value)).encode()


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value
