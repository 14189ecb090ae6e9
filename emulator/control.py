"""The control API under /_emulator/ (not part of the spec, never validated).

GET    /_emulator/stats            counters of what was served
POST   /_emulator/reset            back to the start state (tokens stay valid)
GET    /_emulator/faults           active fault rules with their counters
POST   /_emulator/faults           add a rule: {"spec": "503:count=2"} or its fields
DELETE /_emulator/faults           remove every rule
DELETE /_emulator/faults/{id}      remove one rule
GET    /_emulator/config           the current settings
PATCH  /_emulator/config           change runtime settings, e.g. {"rate_limit_rpm": 5}, or move the
                                   present: {"now": "2026-10-15T12:00:00Z"} (see emulator.timeline)
POST   /_emulator/tokens/expire    make every issued token invalid
GET    /_emulator/downloads/...    the records behind a results page's downloadUrl (presigned:
                                   no token; a JSON array of AuditLogMessage, the emulator's own
                                   format, as Genesys documents none)
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from emulator.errors import ApiError
from emulator.faults import FaultRule
from emulator.messages import Request, Response

if TYPE_CHECKING:
    from emulator.state import EmulatorState

__all__ = ["handle"]


def _json_object(request: Request) -> dict[str, Any]:
    try:
        value = json.loads(request.body or b"{}")
    except ValueError:
        raise ApiError(400, "body is not JSON", "bad.request") from None
    if not isinstance(value, dict):
        raise ApiError(400, "body must be a JSON object", "bad.request")
    return value


def _settings(app: EmulatorState) -> dict[str, Any]:
    config = dataclasses.asdict(app.config)
    config["faults"] = [rule.to_json() for rule in app.config.faults]
    for name in ("data_start", "data_end", "now"):
        config[name] = config[name].isoformat() if config[name] else None
    config["span_start"] = app.config.span_start.isoformat()
    config["org_id"] = app.dataset.org_id
    return config


def _route(app: EmulatorState, request: Request) -> Response:
    method, path = request.method, request.path.rstrip("/")
    if path == "/_emulator/stats" and method == "GET":
        return Response.json(200, app.stats.snapshot())
    if path == "/_emulator/reset" and method == "POST":
        app.reset()
        return Response.json(200, {"reset": True})
    if path == "/_emulator/faults":
        if method == "GET":
            return Response.json(200, {"faults": app.faults.snapshot()})
        if method == "POST":
            try:
                rule = FaultRule.from_json(_json_object(request))
            except (TypeError, ValueError) as exc:
                raise ApiError(400, f"bad fault: {exc}", "bad.request") from None
            return Response.json(201, {"id": app.faults.add(rule), "rule": rule.to_json()})
        if method == "DELETE":
            app.faults.clear()
            return Response.json(200, {"faults": []})
    if path.startswith("/_emulator/faults/") and method == "DELETE":
        rule_id = path.rsplit("/", 1)[1]
        if not rule_id.isdigit() or not app.faults.remove(int(rule_id)):
            raise ApiError(404, f"no fault rule {rule_id}", "not.found")
        return Response.json(200, {"removed": int(rule_id)})
    if path == "/_emulator/config":
        if method in ("PATCH", "POST"):
            try:
                app.config.update(_json_object(request))
            except ValueError as exc:
                raise ApiError(400, str(exc), "bad.request") from None
            if app.config.validate:
                app.validator()
        if method in ("GET", "PATCH", "POST"):
            return Response.json(200, _settings(app))
    if path == "/_emulator/tokens/expire" and method == "POST":
        return Response.json(200, {"expired": app.tokens.expire_all()})
    if path.startswith("/_emulator/downloads/") and method == "GET":
        return _download(app, path)
    raise ApiError(404, f"no control endpoint {method} {path}", "not.found")


def _download(app: EmulatorState, path: str) -> Response:
    """The page of records a downloadUrl names: /_emulator/downloads/TX/PAGESIZE/EXPAND/SIGNATURE."""
    parts = path.split("/")[3:]
    if len(parts) != 4 or not parts[1].isdigit() or parts[2] not in ("0", "1"):
        raise ApiError(404, "no such download", "not.found")
    transaction_id, page_size, expand, signed = parts[0], int(parts[1]), parts[2] == "1", parts[3]
    position = app.cursors.decode(f"download:{transaction_id}:{page_size}:{int(expand)}", signed)
    if position is None:
        raise ApiError(404, "no such download (the URL is not one the emulator signed)", "not.found")
    tx = app.transactions.get(transaction_id)
    indices, _ = tx.selection.page(position, page_size)
    app.stats.event("downloads")
    return Response.json(200, [app.dataset.record(i, expand_user=expand) for i in indices])


def handle(app: EmulatorState, request: Request) -> Response:
    try:
        return _route(app, request)
    except ApiError as error:
        return Response.error(error)
