"""The one export loop of the command line: take pages from a library export, write each to a sink, and
save the export's checkpoint after it.

The library does the rest (creating and waiting for queries, paging, re-running a vanished query,
splitting, reporting progress); after every page the checkpoint file names exactly the records in the
partial file, so an interrupted export resumes after its last complete page.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Protocol

from ...models.audit_log_message import AuditLogMessage
from .._checkpoint import ExportCheckpoint, FileFacts
from ._formats import RecordFormat

__all__: list[str] = []


class Export(Protocol):
    """What the loop needs of a library export (`AuditExport`, `BulkExport`, `RealtimeExport`)."""

    def batches(self) -> Iterator[Sequence[AuditLogMessage]]: ...

    def checkpoint(self) -> ExportCheckpoint: ...


class Sink(Protocol):
    """Where pages go (`ExportFile`, `StreamSink`)."""

    facts: FileFacts
    stored: ExportCheckpoint | None

    @property
    def resumable(self) -> bool: ...

    def open(self, header: bytes) -> None: ...

    def start(self, checkpoint: ExportCheckpoint) -> None: ...

    def write_page(self, data: bytes) -> None: ...

    def save(self, checkpoint: ExportCheckpoint) -> None: ...

    def finish(self) -> None: ...

    def close(self) -> None: ...


def write_records(sink: Sink, fmt: RecordFormat, records: Sequence[AuditLogMessage]) -> None:
    """Writes one page of records and counts it in the sink's facts."""
    sink.write_page(fmt.page([record.to_dict() for record in records]))
    sink.facts.pages += 1
    sink.facts.records += len(records)


def write_export(export: Export, sink: Sink, fmt: RecordFormat) -> None:
    """Writes every record `export` still has to the opened `sink`, then completes the sink.

    When the export fails between pages, its checkpoint is saved once more before the error goes on: it
    may have changed without a page (a query that failed is no longer in it, so resuming runs it anew).
    """
    sink.start(export.checkpoint())
    batches = iter(export.batches())
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            break
        except Exception:
            with contextlib.suppress(Exception):
                sink.save(export.checkpoint())
            raise
        write_records(sink, fmt, batch)
        sink.save(export.checkpoint())
    sink.save(export.checkpoint())
    sink.finish()
