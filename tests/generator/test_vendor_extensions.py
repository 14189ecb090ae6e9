"""x-pagination drives the helpers: a different spec gets paginate/paginate_async with no template change.

The widgets client is generated into a temporary folder and exercised in a subprocess (it has the same
package name as the audit client) against a small widget server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.pipeline import Inputs, build_tree

SPEC = Path(__file__).parents[1] / "fixtures" / "specs" / "widgets-api.yaml"
WIDGETS = 23
PAGE = 5


class _WidgetHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        if self.path == "/oauth/token":
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self._answer({"access_token": "widget-token", "token_type": "bearer", "expires_in": 3600})
            return
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        page = int(request.get("page", 1))
        serials = range((page - 1) * PAGE, min(page * PAGE, WIDGETS))
        self._answer({"pages": -(-WIDGETS // PAGE), "results": [{"serial": s} for s in serials]})

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        start = int(query.get("after", ["0"])[0])
        limit = int(query.get("limit", ["10"])[0])
        end = min(start + limit, WIDGETS)
        body: dict[str, object] = {"widgets": [{"serial": s} for s in range(start, end)]}
        if end < WIDGETS:
            body["nextToken"] = str(end)
        self._answer(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def widget_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WidgetHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


_EXERCISE = """
import asyncio, json, sys
import widgets_api as package
from widgets_api import Client
from widgets_api.api.widgets import list_widget_feed, search_widgets
from widgets_api.models.widget_search import WidgetSearch

assert not hasattr(package, "query_audits")
client = Client(base_url=sys.argv[1], client_id="id", client_secret="secret")
feed = list_widget_feed.paginate(client=client, limit=4)
feed_serials = [w.serial for w in feed]
resumed = [w.serial for w in list_widget_feed.paginate(client=client, limit=4, start_cursor="8", skip=1)]
found = [w.serial for w in search_widgets.paginate(client=client, body=WidgetSearch(colour="red"))]

async def read_async():
    feed = [w.serial async for w in list_widget_feed.paginate_async(client=client, limit=7)]
    found = [w.serial async for w in search_widgets.paginate_async(client=client, body=WidgetSearch(page=3))]
    await client.aclose()
    return feed, found

feed_async, found_async = asyncio.run(read_async())
print(json.dumps({
    "module": package.__file__,
    "feed": feed_serials, "feed_pages": feed.pages_read, "resumed": resumed, "found": found,
    "feed_async": feed_async, "found_async": found_async,
}))
"""


def test_widget_spec_gets_paging_helpers_from_its_extensions(tmp_path: Path, widget_server: str) -> None:
    out = tmp_path / "out"
    build_tree(Inputs(spec=SPEC), out)
    module = out / "widgets_api" / "api" / "widgets" / "list_widget_feed.py"
    source = module.read_text()
    assert "def paginate(" in source and "def paginate_async(" in source
    assert "def paginate(" in (module.parent / "search_widgets.py").read_text()

    env = dict(os.environ, PYTHONPATH=str(out))
    result = subprocess.run(
        [sys.executable, "-c", _EXERCISE, widget_server], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert Path(seen["module"]).is_relative_to(out)
    every = list(range(WIDGETS))
    assert seen["feed"] == every
    assert seen["feed_pages"] == -(-WIDGETS // 4)
    assert seen["resumed"] == every[9:]
    assert seen["found"] == every
    assert seen["feed_async"] == every
    assert seen["found_async"] == every[2 * PAGE :]
