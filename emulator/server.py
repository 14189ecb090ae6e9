"""The HTTP server: stdlib ThreadingHTTPServer speaking HTTP/1.1 with keep-alive.

The standard library is enough for a local test double: one thread per
connection, keep-alive, and no dependency the CLI would have to pull in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import socket
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

    def _respond(self) -> Response:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            return Response.error(ApiError(411, "Send a Content-Length, not chunked", "bad.request"))
        length_text = self.headers.get("Content-Length", "0") or "0"
        length = int(length_text) if length_text.isdigit() else -1
        if length < 0 or length > _MAX_BODY:
            self.close_connection = True
            return Response.error(ApiError(413, "The request body is too large", "request.entity.too.large"))
        body = self.rfile.read(length) if length else b""
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

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, app: EmulatorApp, port: int) -> None:
        self.app = app
        super().__init__((HOST, port), _Handler)


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
