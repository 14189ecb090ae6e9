"""A tiny loopback HTTP/1.1 server for the benchmark: pre-rendered pages, keep-alive, no validation.

``python -m bench.server`` prints ``PORT <n>`` once it listens on 127.0.0.1, then serves until killed.
It answers ``GET /api/v2/audits/query/bench-<N>/results?cursor=p<i>`` with page i of N records
(no cursor: page 0). Anything else gets 404.
"""

from __future__ import annotations

import socket
import sys
import threading
from urllib.parse import parse_qs, urlsplit

from bench.pages import load_pages, page_body

__all__ = ["main"]

_PREFIX = "/api/v2/audits/query/bench-"
_SUFFIX = "/results"


def _response(status: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


def _answer(pages: list[bytes], target: str) -> bytes:
    url = urlsplit(target)
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
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            # GET requests only: no body to skip.
            target = request_line.split(" ")[1]
            connection.sendall(_answer(pages, target))


def main() -> None:
    pages = load_pages()
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
