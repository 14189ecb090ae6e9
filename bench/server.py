"""A tiny loopback HTTP/1.1 server for the benchmark: pre-rendered pages, keep-alive, no validation.

``python -m bench.server [SHAPE]`` prints ``PORT <n>`` once it listens on 127.0.0.1, then serves the pages
of data shape SHAPE (bench.pages.SHAPES; default even) until killed.
It answers ``GET /api/v2/audits/query/bench-<N>/results?cursor=p<i>`` with page i of N records
(no cursor: page 0); ``POST /api/v2/audits/query`` with a Queued query ``bench-<N>`` (N from the
request's ``X-Bench-Records`` header, default 50,000) and ``GET /api/v2/audits/query/bench-<N>``
with its status, Succeeded; ``POST /oauth/token`` with a bearer token (for `genesys-audit`, which
signs in with client credentials). Anything else gets 404.
"""

from __future__ import annotations

import socket
import sys
import threading
from urllib.parse import parse_qs, urlsplit

from bench.pages import load_pages, page_body, transaction_id

__all__ = ["main"]

_PREFIX = "/api/v2/audits/query/bench-"
_SUFFIX = "/results"


def _response(status: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


def _status(transaction: str, state: str) -> bytes:
    return f'{{"id":"{transaction}","state":"{state}","startDate":"2026-02-01T00:00:00.000Z"}}'.encode()


def _answer(pages: list[bytes], method: str, target: str, records: int) -> bytes:
    url = urlsplit(target)
    if method == "POST" and url.path == "/oauth/token":
        return _response("200 OK", b'{"access_token":"bench-token","token_type":"bearer","expires_in":86400}')
    if method == "POST" and url.path == "/api/v2/audits/query":
        return _response("202 Accepted", _status(transaction_id(records), "Queued"))
    if url.path.startswith(_PREFIX) and "/" not in url.path[len(_PREFIX) :]:
        return _response("200 OK", _status(url.path[len("/api/v2/audits/query/") :], "Succeeded"))
    if not (url.path.startswith(_PREFIX) and url.path.endswith(_SUFFIX)):
        return _response("404 Not Found", b'{"message":"not found"}')
    total = int(url.path[len(_PREFIX) : -len(_SUFFIX)])
    cursor = parse_qs(url.query).get("cursor", [""])[0]
    index = int(cursor[1:]) if cursor.startswith("p") else 0
    transaction = url.path[len("/api/v2/audits/query/") : -len(_SUFFIX)]
    return _response("200 OK", page_body(pages, transaction, index, total))


def _serve_connection(connection: socket.socket, pages: list[bytes]) -> None:
    buffer = b""
    with connection:
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            headers = dict(line.lower().split(": ", 1) for line in header_lines if ": " in line)
            length = int(headers.get("content-length", "0"))
            while len(buffer) < length:  # a POST's body: read and ignored
                chunk = connection.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            buffer = buffer[length:]
            method, target = request_line.split(" ")[:2]
            records = int(headers.get("x-bench-records", "50000"))
            connection.sendall(_answer(pages, method, target, records))


def main() -> None:
    pages = load_pages(sys.argv[1] if len(sys.argv) > 1 else "even")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    while True:
        connection, _ = listener.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=_serve_connection, args=(connection, pages), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
