"""The Audit API operations and the OAuth token endpoint."""

from __future__ import annotations

import dataclasses
import re
import time
import urllib.parse
from typing import TYPE_CHECKING, Any

from emulator.auth import TokenStore, parse_basic_auth
from emulator.catalogue import service_mapping
from emulator.data import to_millis
from emulator.errors import ApiError
from emulator.messages import Request, Response
from emulator.queries import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Selection,
    Transaction,
    page_count,
    parse_query,
    parse_realtime_paging,
    parse_related,
)
from emulator.timeline import present_ms

if TYPE_CHECKING:
    from emulator.state import EmulatorState

__all__ = [
    "get_query_results",
    "get_query_status",
    "get_service_mapping",
    "post_query",
    "post_realtime_query",
    "post_related_query",
    "post_token",
]

_HOST = re.compile(r"[A-Za-z0-9.\-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")


def post_token(app: EmulatorState, request: Request) -> Response:
    """POST /oauth/token: client credentials in, bearer token out."""
    config = app.config
    given = parse_basic_auth(request.headers.get("authorization"))
    if not TokenStore.credentials_ok(given, config.client_id, config.client_secret):
        raise ApiError(401, "Invalid login credentials.", "bad.credentials")
    form = dict(urllib.parse.parse_qsl(request.body.decode("utf-8", "replace")))
    if form.get("grant_type") != "client_credentials":
        raise ApiError(
            400,
            "grant_type must be client_credentials",
            "bad.request",
            field="grant_type",
        )
    token = app.tokens.issue(config.token_ttl, time.monotonic())
    app.stats.event("tokens_issued")
    return Response.json(
        200,
        {"access_token": token, "token_type": "bearer", "expires_in": config.token_ttl},
    )


def get_service_mapping(app: EmulatorState, request: Request) -> Response:
    """GET .../servicemapping and .../realtime/servicemapping."""
    return Response.json(200, service_mapping())


def _expand_user(request: Request) -> bool:
    values = request.params("expand")
    for value in values:
        if value != "user":
            raise ApiError(
                400,
                f"expand must be user, not {value!r}",
                "invalid.query.param.value",
                field="expand",
            )
    return bool(values)


def post_query(app: EmulatorState, request: Request) -> Response:
    """POST /api/v2/audits/query: start an asynchronous query (202 Queued)."""
    query = parse_query(request.json_body())
    config = app.config
    tx = app.transactions.create(
        app.dataset,
        query,
        fail=config.fail_queries,
        pending_polls=config.pending_polls,
        succeed_after=config.succeed_after_seconds,
        present=present_ms(config),
    )
    app.stats.event("queries_created")
    return Response.json(202, tx.status_body("Queued"))


def get_query_status(app: EmulatorState, request: Request, transaction_id: str) -> Response:
    """GET /api/v2/audits/query/{id}: 202 while pending, 200 once ended."""
    tx = app.transactions.get(transaction_id)
    with app.transactions.lock:
        state = tx.poll(time.monotonic())
    return Response.json(200 if tx.ended else 202, tx.status_body(state))


def _page_size(request: Request) -> int:
    values = request.params("pageSize")
    if not values:
        return DEFAULT_PAGE_SIZE
    text = values[0].strip()
    if not text.lstrip("-").isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise ApiError(
            400,
            f"pageSize must be an integer from 1 to {MAX_PAGE_SIZE}",
            "invalid.query.param.value",
            field="pageSize",
        )
    return int(text)


def _allow_redirect(request: Request) -> bool:
    values = request.params("allowRedirect")
    if not values:
        return False
    value = values[0].strip().lower()
    if value not in ("true", "false"):
        raise ApiError(
            400,
            f"allowRedirect must be true or false, not {values[0]!r}",
            "invalid.query.param.value",
            field="allowRedirect",
        )
    return value == "true"


def _download_url(
    app: EmulatorState, request: Request, tx: Transaction, position: int, page_size: int, expand: bool
) -> str:
    """A presigned URL (signed, no token needed) of one page of a query's records."""
    host = request.headers.get("host", "")
    if not _HOST.fullmatch(host):
        host = "127.0.0.1"
    signed = app.cursors.encode(f"download:{tx.id}:{page_size}:{int(expand)}", position)
    return f"http://{host}/_emulator/downloads/{tx.id}/{page_size}/{int(expand)}/{signed}"


def get_query_results(app: EmulatorState, request: Request, transaction_id: str) -> Response:
    """GET /api/v2/audits/query/{id}/results: one cursor-addressed page.

    With allowRedirect=true and a query over more than ``redirect_over`` records,
    the page names a downloadUrl instead of carrying its records.
    """
    tx = app.transactions.get(transaction_id)
    page_size = _page_size(request)
    expand = _expand_user(request)
    redirect = _allow_redirect(request)
    with app.transactions.lock:
        ended, outcome = tx.ended, tx.outcome
        if not ended and tx.succeed_after is not None:
            ended = time.monotonic() - tx.created >= tx.succeed_after
    if not ended:
        raise ApiError(409, "The audit query has not finished yet", "request.conflict")
    if outcome != "Succeeded":
        raise ApiError(
            409,
            f"The audit query ended {outcome}; it has no results",
            "request.conflict",
        )
    cursors = request.params("cursor")
    position = 0
    if cursors:  # present but empty is invalid too, as in the spec
        decoded = app.cursors.decode(tx.id, cursors[0])
        if decoded is None:
            raise ApiError(
                400,
                "The cursor is not valid",
                "invalid.query.param.value",
                field="cursor",
            )
        position = decoded
    indices, next_position = tx.selection.page(position, page_size)
    body: dict[str, Any] = {"id": tx.id, "pageSize": page_size}
    if next_position is not None:
        body["cursor"] = app.cursors.encode(tx.id, next_position)
    threshold = app.config.redirect_over
    if redirect and threshold is not None and tx.selection.size > threshold:
        app.stats.event("redirected")
        body["downloadUrl"] = _download_url(app, request, tx, position, page_size, expand)
        return Response.json(200, body)
    return Response.json_with_array(200, body, "entities", app.dataset.encoded_records(indices, expand_user=expand))


def post_realtime_query(app: EmulatorState, request: Request) -> Response:
    """POST /api/v2/audits/query/realtime: one numbered page, synchronously, of the records inside the
    query's interval and the last ``realtime_days`` (14) before the present (the API's window): `now`, the
    wall clock when `live`, else the end of the data."""
    expand = _expand_user(request)
    body = request.json_body()
    query = parse_query(body)
    present = present_ms(app.config)
    days = app.config.realtime_days  # the API reaches back 14 days from the present (else the data's end)
    if days is not None:
        since = (present if present is not None else to_millis(app.config.data_end)) - days * 86_400_000
        query = dataclasses.replace(query, start_ms=max(query.start_ms, since))
    page_number, page_size = parse_realtime_paging(body)
    indices, total = Selection(app.dataset, query, present).numbered_page(page_number, page_size)
    paging = {
        "pageSize": page_size,
        "pageNumber": page_number,
        "total": total,
        "pageCount": page_count(total, page_size),
    }
    return Response.json_with_array(200, paging, "entities", app.dataset.encoded_records(indices, expand_user=expand))


def post_related_query(app: EmulatorState, request: Request) -> Response:
    """POST /api/v2/audits/query/realtime/related: the audits one action created."""
    expand = _expand_user(request)
    query = parse_related(request.json_body())
    dataset = app.dataset
    index = dataset.index_of(query.audit_id)
    present = present_ms(app.config)
    if index is not None and present is not None and dataset.visible_ms(index) > present:
        index = None  # not visible yet
    if index is None or (query.trustor_org_id is not None and query.trustor_org_id != dataset.org_id):
        where = f" in organization {query.trustor_org_id}" if query.trustor_org_id is not None else ""
        raise ApiError(404, f"Audit {query.audit_id} was not found{where}", "not.found")
    related = [i for i in dataset.related(index) if present is None or dataset.visible_ms(i) <= present]
    if query.descending:
        related.reverse()
    return Response.json(200, {"entities": [dataset.record(i, expand_user=expand) for i in related]})
