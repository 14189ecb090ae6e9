"""The export loop of `query --split`: sub-queries run concurrently, pages written as they are handed out.

After every page the checkpoint holds every sub-query's query id and position (a `BulkCheckpoint`),
so an interrupted export resumes after its last complete page without re-running finished sub-queries.
"""

from __future__ import annotations

from ..._core._waiter import WaitPolicy
from ...client import Client
from .._bulk import BulkExport, export_audits
from .._bulk_plan import BulkCheckpoint
from ._export import Sink
from ._formats import RecordFormat
from ._interval import interval_bounds, parse_duration
from ._progress import Progress

__all__ = ["export_split"]


def _open(client: Client, sink: Sink, policy: WaitPolicy, concurrency: int) -> BulkExport:
    params = sink.checkpoint.params
    saved = sink.checkpoint.parts
    return export_audits(
        client,
        interval=interval_bounds(params["interval"]),
        span=parse_duration(params["split"]),
        concurrency=concurrency,
        ordered=bool(params["ordered"]),
        checkpoint=BulkCheckpoint.from_dict(saved) if saved else None,
        service_name=params.get("service") or None,
        filters=[(name, value) for name, value in params.get("filters") or []],
        sort=params.get("sort") or None,
        expand_user=bool(params.get("expand_user")),
        page_size=params["page_size"],
        wait_policy=policy,
    )


def _show(progress: Progress, export: BulkExport, *, final: bool = False) -> None:
    state = export.progress
    progress.parts(state.waiting, state.running, state.done, state.records, state.records_per_second, final=final)


def export_split(
    client: Client, sink: Sink, fmt: RecordFormat, progress: Progress, policy: WaitPolicy, concurrency: int
) -> None:
    """Runs (or continues) a split audit query export and writes every record, in order unless unordered."""
    checkpoint = sink.checkpoint
    sink.start(fmt.header())
    if not checkpoint.complete:
        with _open(client, sink, policy, concurrency) as export:
            progress.start_paging(checkpoint.records)
            for batch in export.batches():
                sink.write_page(fmt.page([record.to_dict() for record in batch]))
                checkpoint.pages += 1
                checkpoint.records += len(batch)
                checkpoint.parts = export.checkpoint().to_dict()
                sink.save()
                _show(progress, export)
            checkpoint.parts = export.checkpoint().to_dict()
            checkpoint.complete = True
            sink.save()
            _show(progress, export, final=True)
    progress.done()
    sink.finish()
