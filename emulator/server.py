"""The HTTP server: stdlib ThreadingHTTPServer speaking HTTP/1.1 with keep-alive.

The standard library is enough for a local test double: one thread per
connection, keep-alive, and no dependency the CLI would have to pull in.

Whatever arrives, a handler answers or hangs up; it never dies with a
traceback. A body is framed only by one Content-Length of ASCII digits:
anything else (a sign, an exponent, a non-ASCII digit, a second
Content-Length, garbage) is answered 400 and the connection closed, since
the rest of the stream cannot be trusted. A client that disconnects mid-way
is logged at DEBUG, not printed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import socket
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final, Self

from emulator.app import EmulatorApp
from emulator.config import EmulatorConfig
from emulator.errors import ApiError
from emulator.faults import FaultRule, parse_fault
from emulator.messages import Request, Response

__all__ = ["HOST", "Emulator", "run_emulator"]

HOST: Final = "127.0.0.1"
_MAX_BODY: Final = 1 << 20
_IDLE_TIMEOUT: Final = 60.0

log = logging.getLogger("emulator")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # A request line too broken to name a version is still answered with a status line (the stdlib
    # would assume HTTP/0.9 and send a bare HTML page).
    default_request_version = "HTTP/1.1"
    server_version = "GenesysAuditEmulator/1.0"
    timeout = _IDLE_TIMEOUT
    server: _Server

    def _dispatch(self) -> None:
        response = self._respond()
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _dispatch_safely(self) -> None:
        try:
            self._dispatch()
        except _DISCONNECTED as error:  # the client went away: nothing to answer
            log.debug("%s disconnected: %r", self.address_string(), error)
            self.close_connection = True
        except Exception:
            log.exception("unhandled error for %s %s", self.command, self.path)
            self.close_connection = True
            with contextlib.suppress(Exception):
                if not self._headers_sent:
                    response = Response.error(ApiError(500))
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(response.body)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(response.body)

    _headers_sent = False

    def send_response(self, code: int, message: str | None = None) -> None:
        self._headers_sent = True
        super().send_response(code, message)

    def _respond(self) -> Response:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            return Response.error(ApiError(411, "Send a Content-Length, not chunked", "bad.request"))
        length = _content_length(self.headers.get_all("Content-Length") or [])
        if isinstance(length, str):
            self.close_connection = True  # the body's end is unknown: the rest of the stream is not a request
            return Response.error(ApiError(400, length, "bad.request"))
        if length > _MAX_BODY:
            self.close_connection = True
            return Response.error(ApiError(413, "The request body is too large", "request.entity.too.large"))
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise ConnectionResetError("the client closed the connection before sending the whole body")
        url = urllib.parse.urlsplit(self.path)
        request = Request(
            method=self.command,
            path=url.path,
            query=urllib.parse.parse_qsl(url.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        try:
            return self.server.app.handle(request)
        except Exception:
            log.exception("unhandled error for %s %s", self.command, self.path)
            return Response.error(ApiError(500))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch_safely

    def handle_one_request(self) -> None:
        self._headers_sent = False
        super().handle_one_request()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def _content_length(values: list[str]) -> int | str:
    """The body's length from the Content-Length headers, or what is wrong with them."""
    if not values:
        return 0
    if len(values) > 1:
        return "Send one Content-Length header, not several"
    text = values[0].strip()
    if not (text.isascii() and text.isdigit()):
        return f"Content-Length must be a number of bytes in ASCII digits, not {text[:40]!r}"
    return int(text) if len(text) <= 18 else _MAX_BODY + 1  # int() refuses 4,300 digits and more


# What a client hanging up looks like from the handler's side.
_DISCONNECTED = (ConnectionError, TimeoutError)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, app: EmulatorApp, port: int) -> None:
        self.app = app
        super().__init__((HOST, port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Called for what escaped a handler (reading the request line or headers, say): a client
        that went away is logged at DEBUG; anything else through logging, never printed raw."""
        error = sys.exc_info()[1]
        if isinstance(error, _DISCONNECTED):
            log.debug("%s disconnected: %r", client_address, error)
        else:
            log.error("error handling a request from %s", client_address, exc_info=True)


class Emulator:
    """A running (or ready to run) emulator bound to 127.0.0.1."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.app = EmulatorApp(self.config)
        self._server = _Server(self.app, self.config.port)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def serve_forever(self) -> None:
        """Serve in this thread until ``shutdown`` is called from another."""
        self._server.serve_forever(poll_interval=0.1)

    def shutdown(self) -> None:
        self._server.shutdown()

    def start(self) -> Self:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="audit-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- conveniences for in-process tests --------------------------------

    def add_fault(self, fault: FaultRule | str) -> int:
        """Add a fault rule (or a ``parse_fault`` spec); returns its id."""
        return self.app.faults.add(parse_fault(fault) if isinstance(fault, str) else fault)

    def stats(self) -> dict[str, Any]:
        return self.app.stats.snapshot()

    def reset(self) -> None:
        self.app.reset()


@contextlib.contextmanager
def run_emulator(config: EmulatorConfig | None = None, **overrides: Any) -> Iterator[Emulator]:
    """Run an emulator in a background thread for the ``with`` block.

    ``overrides`` replace fields of ``config`` (or of the defaults).
    """
    base = config or EmulatorConfig()
    emulator = Emulator(dataclasses.replace(base, **overrides) if overrides else base)
    with emulator:
        yield emulator
