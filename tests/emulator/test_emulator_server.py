"""The emulator's HTTP layer (emulator/server.py) against raw bytes on a socket: malformed framing is
answered 400, no request crashes a handler, and clients that hang up leave no traceback on stderr."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator

import pytest

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from tests.support.emulator_process import EmulatorProcess

STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3}) ")


class Running(EmulatorProcess):
    def exchange(self, data: bytes, *, read: bool = True) -> bytes:
        """Sends `data` on a fresh connection; everything the server sends back until it closes (or 5 s)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(data)
            if not read:
                return b""
            sock.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
            return b"".join(chunks)

    def stderr_after_stop(self) -> str:
        return self.stop()


@pytest.fixture
def emulator_process() -> Iterator[Running]:
    with Running(
        "--records", "3000", "--no-validate", "--data-end", "2026-11-01T00:00:00Z", "--pending-polls", "0"
    ) as running:
        yield running


def status_of(response: bytes) -> int:
    match = STATUS_LINE.match(response)
    assert match is not None, response[:200]
    return int(match.group(1))


def post(path: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{name}: {value}" for name, value in headers)]
    return "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n" + body


def token(running: Running) -> str:
    import base64

    basic = base64.b64encode(f"{DEFAULT_CLIENT_ID}:{DEFAULT_CLIENT_SECRET}".encode()).decode()
    form = b"grant_type=client_credentials"
    response = running.exchange(
        post(
            "/oauth/token",
            [
                ("Authorization", f"Basic {basic}"),
                ("Connection", "close"),
                ("Content-Length", str(len(form))),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            form,
        )
    )
    assert status_of(response) == 200, response
    value: str = json.loads(response.split(b"\r\n\r\n", 1)[1])["access_token"]
    return value


MALFORMED_LENGTHS = [
    ["\u0663"],  # ARABIC-INDIC DIGIT THREE: str.isdigit() says yes, the wire says no
    ["\u00b2"],  # SUPERSCRIPT TWO: isdigit() is true, int() refuses it
    ["1e3"],
    ["-5"],
    ["+5"],
    ["0x10"],
    ["5, 5"],
    ["5", "5"],
    ["3", "7"],
    ["abc"],
    [""],
    ["1 2"],
]


def test_a_malformed_content_length_is_answered_400_and_the_connection_closed(emulator_process: Running) -> None:
    for values in MALFORMED_LENGTHS:
        headers = [("Content-Type", "application/json"), *(("Content-Length", value) for value in values)]
        response = emulator_process.exchange(post("/api/v2/audits/query", headers, b"{}"))
        assert status_of(response) == 400, values
        head, _, body = response.partition(b"\r\n\r\n")
        assert b"Connection: close" in head, values
        error = json.loads(body)
        assert error["status"] == 400 and error["code"] == "bad.request" and "Content-Length" in error["message"]
    for length in ["2000000", "9" * 30, "9" * 5000]:  # well formed, too large
        assert status_of(emulator_process.exchange(post("/api/v2/audits/query", [("Content-Length", length)]))) == 413
    assert "Traceback" not in emulator_process.stderr_after_stop()


HOSTILE_REQUESTS = [
    b"\x00\x01\x02garbage\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /api/v2/audits/query/\xff\xfe/results HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET http://elsewhere.example/api/v2/audits/query/servicemapping HTTP/1.1\r\nConnection: close\r\n\r\n",
    b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 200 + b"\r\n",
    b"POST /oauth/token HTTP/1.1\r\nAuthorization: Basic \xff\xfe==\r\nContent-Length: 3\r\n\r\na=b",
    b"POST /api/v2/audits/query HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    b"\r\n5\r\nhello\r\n0\r\n\r\n",
    b"GET /_emulator/stats?%%%=%ff HTTP/1.1\r\nConnection: close\r\n\r\n",
    b"POST /_emulator/faults HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n[[[[[[[[",
    b"POST /api/v2/audits/query HTTP/1.1\r\nAuthorization: Bearer x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 20000\r\n\r\n" + b"[" * 20_000,
]


def test_no_request_crashes_a_handler_and_the_server_keeps_serving(emulator_process: Running) -> None:
    for data in HOSTILE_REQUESTS:
        response = emulator_process.exchange(data)
        if response:  # an answer (never a 500: that is a handler that failed), or a closed connection
            assert status_of(response) != 500, (data[:60], response[:200])
    bearer = token(emulator_process)
    request = f"GET /api/v2/audits/query/servicemapping HTTP/1.1\r\nAuthorization: Bearer {bearer}\r\n"
    assert status_of(emulator_process.exchange((request + "Connection: close\r\n\r\n").encode())) == 200
    stderr = emulator_process.stderr_after_stop()
    assert "Traceback" not in stderr and "Exception" not in stderr, stderr


def test_clients_that_hang_up_leave_stderr_quiet(emulator_process: Running) -> None:
    bearer = token(emulator_process)
    # Mid-body: the request promises 100 bytes and sends 10.
    emulator_process.exchange(post("/api/v2/audits/query", [("Content-Length", "100")], b"0123456789"), read=False)
    # Mid-headers, and before a byte was sent.
    emulator_process.exchange(b"GET /api/v2/audits/query/servicemapping HTTP/1.1\r\nHost: 12", read=False)
    emulator_process.exchange(b"", read=False)
    # Mid-response: ask for a large page of records and close at once, so the server writes to a closed socket.
    interval = "2026-10-01T00:00:00.000Z/2026-11-01T00:00:00.000Z"
    body = json.dumps({"interval": interval, "pageSize": 500}).encode()
    big = post(
        "/api/v2/audits/query/realtime",
        [
            ("Authorization", f"Bearer {bearer}"),
            ("Content-Length", str(len(body))),
            ("Content-Type", "application/json"),
        ],
        body,
    )
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", emulator_process.port), timeout=5) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST on close
            sock.sendall(big)
    assert status_of(emulator_process.exchange(big.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1))) == 200
    stderr = emulator_process.stderr_after_stop()
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
