"""A loopback HTTP server for tests that answers each route from a queue of canned responses.

Each route (method, path) has a FIFO of `Canned` answers and an optional default used once the
queue is empty; every request is recorded. Unscripted requests get 418 so a test fails loudly.

It misbehaves on request: `Canned(drop=True)` closes the connection without answering, `raw=` writes
bytes verbatim (a truncated body, a broken chunked encoding, garbage) and then closes it, `headers`
may repeat or contradict what the server adds (``Content-Encoding: gzip`` on a plain body); an answer
may be a function of the request, so it can echo what it was sent (`echo_request`), and `cursor_loop`
and `page_loop` script servers that never let a pager advance.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "Canned",
    "Recorded",
    "ScriptedServer",
    "cursor_loop",
    "echo_request",
    "json_response",
    "page_loop",
    "token_issuer",
]


@dataclass(frozen=True)
class Recorded:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Canned:
    """One answer: status, headers and body; `delay` waits before answering, `drop` closes the socket,
    `raw` is written as the whole response (status line included, or not) before the socket is closed."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    raw: bytes | None = None


Answer = Canned | Callable[[Recorded], Canned]


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None, delay: float = 0.0) -> Canned:
    return Canned(status, json.dumps(payload).encode(), {"Content-Type": "application/json", **(headers or {})}, delay)


def token_issuer(expires_in: int = 3600, prefix: str = "token", delay: float = 0.0) -> Callable[[Recorded], Canned]:
    """A default for POST /oauth/token handing out ``token-1``, ``token-2``, ..."""
    counter = iter(range(1, 1_000_000))
    lock = threading.Lock()

    def answer(request: Recorded) -> Canned:
        with lock:
            number = next(counter)
        payload = {"access_token": f"{prefix}-{number}", "token_type": "bearer", "expires_in": expires_in}
        return json_response(200, payload, delay=delay)

    return answer


def echo_request(status: int = 400) -> Callable[[Recorded], Canned]:
    """An error that quotes the request back, as careless servers do: its headers (Authorization
    included) in the message, the body and the query in the details, and Authorization in a header."""

    def answer(request: Recorded) -> Canned:
        quoted = "; ".join(f"{name}: {value}" for name, value in request.headers.items())
        payload = {
            "code": "bad.request",
            "message": f"Rejected request with headers {quoted}",
            "contextId": "ctx-echo",
            "details": [{"body": request.body.decode("utf-8", "replace"), "query": request.query}],
        }
        echoed = {"X-Echo-Authorization": request.headers.get("Authorization", "")}
        return json_response(status, payload, echoed)

    return answer


def cursor_loop(records_per_page: int = 2, *, repeat_after: int = 0) -> Callable[[Recorded], Canned]:
    """Results pages whose next cursor stops advancing: pages 0 .. `repeat_after` - 1 name the next
    one's cursor (``c1``, ``c2``, ...); then each page names the cursor it was fetched with
    (`repeat_after` 0) or the first cursor again (a longer cycle). Page ``cN`` holds ``pN-r0``, ..."""

    def answer(request: Recorded) -> Canned:
        given = (request.query.get("cursor") or [None])[0]
        number = int(given[1:]) if given else 0
        following = f"c{number + 1}" if number < repeat_after else ("c1" if repeat_after else given or "c0")
        entities = [_record(f"p{number}-r{index}") for index in range(records_per_page)]
        return json_response(
            200, {"id": "tx-loop", "pageSize": records_per_page, "cursor": following, "entities": entities}
        )

    return answer


def page_loop(page_count: int | Callable[[int], int], records_per_page: int = 2) -> Callable[[Recorded], Canned]:
    """Realtime pages that ignore the requested page number (always page 1's records), reporting
    `page_count` pages (or a count computed from the requested number: one that keeps growing)."""

    def answer(request: Recorded) -> Canned:
        number = int(request.json().get("pageNumber") or 1)
        count = page_count(number) if callable(page_count) else page_count
        entities = [_record(f"p{number if callable(page_count) else 1}-r{index}") for index in range(records_per_page)]
        return json_response(
            200,
            {
                "entities": entities,
                "pageSize": records_per_page,
                "pageNumber": number,
                "total": count * records_per_page,
                "pageCount": count,
            },
        )

    return answer


def _record(record_id: str) -> dict[str, Any]:
    return {"id": record_id, "serviceName": "Architect", "action": "Create", "eventDate": "2026-10-01T00:00:00.000Z"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # concurrency tests open dozens of connections at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is expected in tests


class ScriptedServer:
    """Threaded stdlib HTTP/1.1 server on 127.0.0.1 with an ephemeral port."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[tuple[str, str], deque[Answer]] = {}
        self._defaults: dict[tuple[str, str], Answer] = {}
        self.requests: list[Recorded] = []
        self._httpd = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.01,), name="scripted-server", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def enqueue(self, method: str, path: str, *answers: Answer) -> None:
        with self._lock:
            self._queues.setdefault((method.upper(), path), deque()).extend(answers)

    def set_default(self, method: str, path: str, answer: Answer) -> None:
        with self._lock:
            self._defaults[(method.upper(), path)] = answer

    def requests_to(self, path: str, method: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path and (method is None or r.method == method.upper())]

    def _answer(self, request: Recorded) -> Canned:
        key = (request.method, request.path)
        with self._lock:
            self.requests.append(request)
            queue = self._queues.get(key)
            answer = queue.popleft() if queue else self._defaults.get(key)
        if answer is None:
            return json_response(418, {"message": f"unscripted {request.method} {request.path}"})
        return answer(request) if callable(answer) else answer

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            recorded = Recorded(self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
            canned = server._answer(recorded)
            if canned.delay:
                time.sleep(canned.delay)
            if canned.drop:
                self.close_connection = True
                return
            if canned.raw is not None:
                self.wfile.write(canned.raw)
                self.wfile.flush()
                self.close_connection = True
                return
            self.send_response(canned.status)
            for name, value in canned.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(canned.body)))
            self.end_headers()
            self.wfile.write(canned.body)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler


def serving() -> Iterator[ScriptedServer]:
    """Generator behind the pytest fixture."""
    with ScriptedServer() as server:
        yield server
