"""The export loops: read pages from the API and hand each page to a sink, keeping its checkpoint current.

After every page the checkpoint names where to continue (cursor or page number), so an interrupted file
export resumes after its last complete page. A query that vanished (404) is run again with the same
parameters and its first `records` already written are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..._core._waiter import WaitPolicy, wait_for_state
from ...api.audit import (
    get_audits_query_transaction_id,
    get_audits_query_transaction_id_results,
    post_audits_query,
    post_audits_query_realtime,
)
from ...client import Client
from ...errors import NotFoundError
from ...models import (
    AuditExpandField,
    AuditLogMessage,
    AuditQueryExecutionStatusResponse,
    AuditQueryFilter,
    AuditQueryFilterProperty,
    AuditQueryRequest,
    AuditQuerySort,
    AuditQuerySortName,
    AuditQuerySortSortOrder,
    AuditRealtimeQueryRequest,
)
from ...types import UNSET, Unset
from ._checkpoint import Checkpoint
from ._formats import RecordFormat
from ._progress import Progress

__all__ = ["Sink", "export_query", "export_realtime", "query_request", "realtime_request"]

_SUCCESS = frozenset({"Succeeded"})
_FAILURE = frozenset({"Failed", "Cancelled"})


class Sink(Protocol):
    checkpoint: Checkpoint

    def start(self, header: bytes) -> None: ...

    def write_page(self, data: bytes) -> None: ...

    def save(self) -> None: ...

    def finish(self) -> None: ...


def _filters(params: dict[str, Any]) -> list[AuditQueryFilter] | Unset:
    pairs: list[list[str]] = params.get("filters") or []
    if not pairs:
        return UNSET
    return [AuditQueryFilter(property_=AuditQueryFilterProperty(name), value=value) for name, value in pairs]


def _sort(params: dict[str, Any]) -> list[AuditQuerySort] | Unset:
    order = params.get("sort")
    if not order:
        return UNSET
    return [AuditQuerySort(name=AuditQuerySortName.TIMESTAMP, sort_order=AuditQuerySortSortOrder(order))]


def _service(params: dict[str, Any]) -> str | Unset:
    service = params.get("service")
    return service if isinstance(service, str) and service else UNSET


def _expand(params: dict[str, Any]) -> list[AuditExpandField] | Unset:
    return [AuditExpandField.USER] if params.get("expand_user") else UNSET


def query_request(params: dict[str, Any]) -> AuditQueryRequest:
    return AuditQueryRequest(
        interval=params["interval"], service_name=_service(params), filters=_filters(params), sort=_sort(params)
    )


def realtime_request(params: dict[str, Any], page_number: int) -> AuditRealtimeQueryRequest:
    return AuditRealtimeQueryRequest(
        interval=params["interval"],
        service_name=_service(params),
        filters=_filters(params),
        sort=_sort(params),
        page_number=page_number,
        page_size=params["page_size"],
    )


def _records(entities: Sequence[AuditLogMessage] | Unset | None) -> list[dict[str, Any]]:
    return [entity.to_dict() for entity in entities] if isinstance(entities, Sequence) else []


def _write(sink: Sink, fmt: RecordFormat, records: list[dict[str, Any]], progress: Progress) -> None:
    checkpoint = sink.checkpoint
    dropped = min(checkpoint.skip, len(records))
    checkpoint.skip -= dropped
    kept = records[dropped:]
    sink.write_page(fmt.page(kept))
    checkpoint.pages += 1
    checkpoint.records += len(kept)
    sink.save()
    progress.pages(checkpoint.pages, checkpoint.records, final=checkpoint.complete)


def _wait(client: Client, transaction_id: str, policy: WaitPolicy, progress: Progress) -> None:
    def poll() -> AuditQueryExecutionStatusResponse:
        status = get_audits_query_transaction_id.sync(transaction_id, client=client)
        progress.state(transaction_id, str(status.state) if status.state else "unknown")
        return status

    wait_for_state(
        poll,
        state_of=lambda status: status.state,
        success=_SUCCESS,
        failure=_FAILURE,
        resource_id=f"audit query {transaction_id}",
        policy=policy,
    )


def _create(client: Client, checkpoint: Checkpoint, sink: Sink, progress: Progress) -> str:
    created = post_audits_query.sync(client=client, body=query_request(checkpoint.params))
    if not isinstance(created.id, str) or not created.id:
        raise ValueError("the API created an audit query without an id")
    checkpoint.transaction_id = created.id
    checkpoint.cursor = None
    sink.save()
    progress.state(created.id, str(created.state) if created.state else "created")
    return created.id


def export_query(client: Client, sink: Sink, fmt: RecordFormat, progress: Progress, policy: WaitPolicy) -> None:
    """Runs (or continues) an asynchronous audit query and writes every record of its results."""
    checkpoint = sink.checkpoint
    sink.start(fmt.header())
    params = checkpoint.params
    ran_again = False
    while not checkpoint.complete:
        transaction_id = checkpoint.transaction_id or _create(client, checkpoint, sink, progress)
        try:
            _wait(client, transaction_id, policy, progress)
            pager = get_audits_query_transaction_id_results.paginate(
                transaction_id,
                client=client,
                page_size=params["page_size"],
                expand=_expand(params),
                start_cursor=checkpoint.cursor,
            )
            progress.start_paging(checkpoint.records)
            for page in pager.pages():
                cursor = page.cursor if isinstance(page.cursor, str) and page.cursor else None
                checkpoint.cursor = cursor
                checkpoint.complete = cursor is None
                _write(sink, fmt, _records(page.entities), progress)
        except NotFoundError:
            if ran_again:
                raise
            # The query expired or the server forgot it: run it again and skip what the file already has.
            ran_again = True
            progress.note(f"audit query {transaction_id} is gone; running it again")
            checkpoint.transaction_id = None
            checkpoint.cursor = None
            checkpoint.skip = checkpoint.records
    progress.done()
    sink.finish()


def export_realtime(client: Client, sink: Sink, fmt: RecordFormat, progress: Progress) -> None:
    """Runs (or continues) a realtime audit query page by page and writes every record."""
    checkpoint = sink.checkpoint
    sink.start(fmt.header())
    params = checkpoint.params
    if not checkpoint.complete:
        pager = post_audits_query_realtime.paginate(
            client=client, body=realtime_request(params, checkpoint.page_number), expand=_expand(params)
        )
        progress.start_paging(checkpoint.records)
        for page in pager.pages():
            records = _records(page.entities)
            checkpoint.page_number += 1
            page_count = page.page_count
            checkpoint.complete = not records or not isinstance(page_count, int) or checkpoint.page_number > page_count
            _write(sink, fmt, records, progress)
    progress.done()
    sink.finish()
