"""Realtime audit queries: recent days only, answered at once, paged by page number.

    for record in realtime_audits(client, interval=(start, end), service_name="Routing"):
        ...

`realtime_audits` returns the pager itself (resume it with its `page_number` and `skip`);
`RealtimeExport` adds what a file export needs: whole pages and a checkpoint in the one format.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from .._core._paging import AsyncNumberedPages, NumberedPages
from ..api.audit import post_audits_query_realtime as _realtime
from ..models.audit_log_message import AuditLogMessage
from ..models.audit_realtime_query_request import AuditRealtimeQueryRequest
from ..models.audit_realtime_query_results_response import AuditRealtimeQueryResultsResponse
from . import _arguments
from ._arguments import ExportArguments, one_call
from ._checkpoint import REALTIME, ExportCheckpoint
from ._errors import CheckpointError
from ._progress import BulkProgress, ProgressReporter

__all__ = ["realtime_audits", "realtime_audits_async"]

RealtimePages = NumberedPages[AuditRealtimeQueryResultsResponse, AuditLogMessage]


def _request_arguments(arguments: ExportArguments) -> dict[str, Any]:
    part = arguments.plan.parts[0]
    body = {**arguments.plan.query, "interval": part.interval, "pageNumber": part.page_number}
    return {
        "client": arguments.client,
        "body": AuditRealtimeQueryRequest.from_dict(body),
        "expand": arguments.settings.expand,
        "request_options": arguments.settings.request_options,
        "skip": part.skip,
    }


@one_call(_arguments.realtime)
def realtime_audits(arguments: ExportArguments) -> RealtimePages:
    """Every record a realtime query (recent days only) matches, page by page up to its page count."""
    return _realtime.paginate(**_request_arguments(arguments))


@one_call(_arguments.realtime)
def realtime_audits_async(
    arguments: ExportArguments,
) -> AsyncNumberedPages[AuditRealtimeQueryResultsResponse, AuditLogMessage]:
    """`realtime_audits` for `async for`."""
    return _realtime.paginate_async(**_request_arguments(arguments))


class RealtimeExport:
    """A realtime query read a page at a time, with its position as an `ExportCheckpoint`, reporting to
    the arguments' progress callback as the other exports do."""

    def __init__(self, arguments: ExportArguments) -> None:
        if arguments.plan.kind != REALTIME:
            raise CheckpointError(f"the checkpoint is of a {arguments.plan.kind} export, not of a realtime export")
        self._plan = arguments.plan
        self._pager: RealtimePages = _realtime.paginate(**_request_arguments(arguments))
        self._reporter = ProgressReporter(arguments.progress, self._snapshot)
        self._clock_start = time.monotonic()

    def _snapshot(self) -> BulkProgress:
        done = self._plan.done or self._pager.done
        elapsed = time.monotonic() - self._clock_start
        rate = self._pager.items_read / elapsed if elapsed > 0 else 0.0
        records = self._plan.records_read + self._pager.items_read
        return BulkProgress(0, int(not done), int(done), records, elapsed, rate, self._pager.pages_read)

    def batches(self) -> Iterator[Sequence[AuditLogMessage]]:
        """The remaining records a page at a time (the checkpoint moves past each as it is handed out)."""
        if not self._plan.done:
            for page in self._pager.detailed_pages():
                yield page.items
                self._reporter.emit("page", 0)
        self._reporter.emit("finished")

    def checkpoint(self) -> ExportCheckpoint:
        part = self._plan.parts[0]
        pager = self._pager
        moved = replace(
            part,
            page_number=pager.page_number,
            skip=pager.skip,
            records_read=part.records_read + pager.items_read,
            done=part.done or pager.done,
        )
        return replace(self._plan, parts=(moved,))
