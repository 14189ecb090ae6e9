"""Another API generates a complete client from its spec alone: tests/fixtures/specs/widgets-api.yaml.

The widgets spec has nothing of Genesys or audits: a cursor-paged feed, a page-number search and a job
with a waiter, described only by the generator's vendor extensions. It is generated with the real
command into a temporary folder; the package takes its names from the spec's title and gets only the
core layer; every module imports, mypy --strict is clean, and the helpers work against a widget server
on 127.0.0.1 (which checks the OAuth client credentials and bearer tokens).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.generator_runs import assert_mypy_strict_clean, generate_client, run_in_client
from tests.support.loopback import serving_handler

SPEC = Path(__file__).parents[1] / "fixtures" / "specs" / "widgets-api.yaml"
WIDGETS = 23
PAGE = 5
TOKEN = "widget-token"
CREDENTIALS = "Basic " + base64.b64encode(b"widget-id:widget-secret").decode()


class _WidgetHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    jobs: ClassVar[dict[str, int]] = {}  # job id -> polls left before it is done

    def _answer(self, body: object, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, object]:
        length = int(self.headers.get("Content-Length", "0"))
        return json.loads(self.rfile.read(length)) if length else {}

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._answer({"code": "no.token", "message": "bearer token required"}, 401)
            return False
        return True

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path == "/oauth/token":
            form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
            if form.get("grant_type") != ["client_credentials"] or self.headers.get("Authorization") != CREDENTIALS:
                self._answer({"error": "invalid_client"}, 401)
                return
            self._answer({"access_token": TOKEN, "token_type": "bearer", "expires_in": 3600})
            return
        request = self._body()
        if not self._authorised():
            return
        if path == "/v1/widgets/search":
            page = int(str(request.get("page", 1)))
            serials = range((page - 1) * PAGE, min(page * PAGE, WIDGETS))
            self._answer({"pages": -(-WIDGETS // PAGE), "results": [{"serial": s} for s in serials]})
        elif path == "/v1/jobs":
            job = f"job-{len(self.jobs) + 1}"
            self.jobs[job] = 2 if request.get("serials") else -1
            self._answer({"jobId": job, "phase": "waiting"}, 201)
        else:
            self._answer({"code": "not.found"}, 404)

    def do_GET(self) -> None:
        if not self._authorised():
            return
        url = urlsplit(self.path)
        if url.path == "/v1/widgets/feed":
            query = parse_qs(url.query)
            start = int(query.get("after", ["0"])[0])
            end = min(start + int(query.get("limit", ["10"])[0]), WIDGETS)
            body: dict[str, object] = {"widgets": [{"serial": s} for s in range(start, end)]}
            if end < WIDGETS:
                body["nextToken"] = str(end)
            self._answer(body)
        elif url.path.startswith("/v1/jobs/") and url.path.removeprefix("/v1/jobs/") in self.jobs:
            job = url.path.removeprefix("/v1/jobs/")
            left = self.jobs[job]
            phase = "broken" if left < 0 else "done" if left == 0 else "polishing"
            self.jobs[job] = max(left - 1, 0) if left >= 0 else left
            self._answer({"jobId": job, "phase": phase, "polished": 3 if phase == "done" else 0})
        else:
            self._answer({"code": "no.such.job", "message": f"no job at {url.path}"}, 404)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def widgets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_client(SPEC, tmp_path_factory.mktemp("widgets"))


@pytest.fixture
def widget_server() -> Iterator[str]:
    _WidgetHandler.jobs = {}
    with serving_handler(_WidgetHandler) as url:
        yield f"{url}/v1"


def test_the_package_is_named_from_the_title_and_has_only_the_core(widgets: Path) -> None:
    assert sorted(p.name for p in widgets.iterdir() if p.is_dir()) == ["widgets_api"]
    package = widgets / "widgets_api"
    assert sorted(p.name for p in package.iterdir() if p.is_dir() and p.name != "__pycache__") == [
        "_core",
        "api",
        "models",
    ]
    pyproject = (widgets / "pyproject.toml").read_text()
    assert 'name = "widgets-api"' in pyproject and 'version = "1.2.0"' in pyproject
    assert "[project.scripts]" not in pyproject
    everything = "\n".join(p.read_text() for p in package.rglob("*.py"))
    for word in ("genesys", "Genesys", "GENESYSCLOUD", "audit", "Audit"):
        assert word not in everything, word


_IMPORT_ALL = """
import importlib, pkgutil, sys, widgets_api
names = [m.name for m in pkgutil.walk_packages(widgets_api.__path__, "widgets_api.")]
for name in names:
    importlib.import_module(name)
for name in widgets_api.__all__:
    getattr(widgets_api, name)
print(len(names))
"""


def test_every_module_imports_and_every_exported_name_resolves(widgets: Path) -> None:
    assert int(run_in_client(widgets, _IMPORT_ALL)) >= 30


def test_mypy_strict_is_clean_on_the_package(widgets: Path) -> None:
    assert_mypy_strict_clean(widgets, "widgets_api")


_EXERCISE = """
import asyncio, json, sys
from widgets_api import Client, NotFoundError, WaitFailedError, WaitPolicy
from widgets_api.api.jobs import get_polish_job, start_polish_job
from widgets_api.api.widgets import list_widget_feed, search_widgets
from widgets_api.models import PolishRequest, WidgetSearch

client = Client.from_env()
feed = list_widget_feed.paginate(client=client, limit=4)
feed_serials = [w.serial for w in feed]
resumed = [w.serial for w in list_widget_feed.paginate(client=client, limit=4, start_cursor="8", skip=1)]
found = [w.serial for w in search_widgets.paginate(client=client, body=WidgetSearch(colour="red"))]
fast = WaitPolicy(first_interval=0.0, max_interval=0.01, deadline=30)
job = start_polish_job.sync_and_wait(client=client, body=PolishRequest(serials=[1, 2, 3]), policy=fast)
try:
    start_polish_job.sync_and_wait(client=client, body=PolishRequest(serials=[]), policy=fast)
    failed = None
except WaitFailedError as error:
    failed = error.state
try:
    get_polish_job.sync("job-404", client=client)
except NotFoundError as error:
    missing = [error.status, error.code, error.error_message, type(error.error_body).__name__]

async def read_async():
    feed = [w.serial async for w in list_widget_feed.paginate_async(client=client, limit=7)]
    found = [w.serial async for w in search_widgets.paginate_async(client=client, body=WidgetSearch(page=3))]
    job = await start_polish_job.asyncio_and_wait(client=client, body=PolishRequest(serials=[4]), policy=fast)
    await client.aclose()
    return feed, found, job.phase

feed_async, found_async, phase_async = asyncio.run(read_async())
client.close()
print(json.dumps({
    "feed": feed_serials, "feed_pages": feed.pages_read, "resumed": resumed, "found": found,
    "job": [job.job_id, str(job.phase), job.polished], "failed": failed, "missing": missing,
    "feed_async": feed_async, "found_async": found_async, "phase_async": str(phase_async),
}))
"""


def test_paging_and_waiting_helpers_work_against_a_loopback_server(widgets: Path, widget_server: str) -> None:
    env = {
        "WIDGETS_API_BASE_URL": widget_server,
        "WIDGETS_API_CLIENT_ID": "widget-id",
        "WIDGETS_API_CLIENT_SECRET": "widget-secret",
    }
    seen = json.loads(run_in_client(widgets, _EXERCISE, env=env))
    every = list(range(WIDGETS))
    assert seen["feed"] == every
    assert seen["feed_pages"] == -(-WIDGETS // 4)
    assert seen["resumed"] == every[9:]
    assert seen["found"] == every
    assert seen["job"] == ["job-1", "done", 3]
    assert seen["failed"] == "broken"
    assert seen["missing"] == [404, "no.such.job", "no job at /v1/jobs/job-404", "Problem"]
    assert seen["feed_async"] == every
    assert seen["found_async"] == every[2 * PAGE :]
    assert seen["phase_async"] == "done"


def test_the_helpers_follow_the_extensions_not_the_audit_names(widgets: Path) -> None:
    feed = (widgets / "widgets_api" / "api" / "widgets" / "list_widget_feed.py").read_text()
    assert "page.next_token" in feed and "page.widgets" in feed and "after=UNSET if page_cursor is None" in feed
    search = (widgets / "widgets_api" / "api" / "widgets" / "search_widgets.py").read_text()
    assert "replace(body, page=page_number)" in search and "page.pages" in search
    job = (widgets / "widgets_api" / "api" / "jobs" / "start_polish_job.py").read_text()
    assert 'frozenset({"done"})' in job and 'frozenset({"broken"})' in job
    assert "from . import get_polish_job as _status_operation" in job
    assert "Where the page starts (the previous page's nextToken)." in feed  # the parameter's own description
