"""The one export loop of the command line: take pages from a library export, write each to a sink, and
save the export's checkpoint after it.

The library does the rest (creating and waiting for queries, paging, re-running a vanished query,
splitting); after every page the checkpoint file names exactly the records in the partial file, so an
interrupted export resumes after its last complete page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from ...models.audit_log_message import AuditLogMessage
from .._checkpoint import ExportCheckpoint, FileFacts
from ._formats import RecordFormat
from ._progress import Progress

__all__: list[str] = []


class Export(Protocol):
    """What the loop needs of a library export (`AuditExport`, `BulkExport`, `RealtimeExport`)."""

    def batches(self) -> Iterator[Sequence[AuditLogMessage]]: ...

    def checkpoint(self) -> ExportCheckpoint: ...


class Sink(Protocol):
    facts: FileFacts

    def start(self, header: bytes, checkpoint: ExportCheckpoint) -> None: ...

    def write_page(self, data: bytes) -> None: ...

    def save(self, checkpoint: ExportCheckpoint) -> None: ...

    def finish(self) -> None: ...


class ProgressEvents:
    """The library's export events, shown on the progress line; a newly created query is saved at once
    (`on_query`), so an export stopped while its query runs resumes with that query."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._saved: str | None = None
        self.on_query: Callable[[], None] | None = None

    def query_state(self, part: int, transaction_id: str, state: str) -> None:
        self._progress.state(transaction_id, state)
        if transaction_id != self._saved and self.on_query is not None:
            self._saved = transaction_id
            self.on_query()

    def query_rerun(self, part: int, transaction_id: str) -> None:
        self._progress.note(f"audit query {transaction_id} is gone; running it again")


def write_export(
    export: Export, sink: Sink, fmt: RecordFormat, progress: Progress, show: Callable[[bool], None]
) -> None:
    """Writes every record `export` still has to `sink`, then completes the sink."""
    facts = sink.facts
    sink.start(fmt.header(), export.checkpoint())
    for number, batch in enumerate(export.batches()):
        if number == 0:
            progress.start_paging(facts.records)
        sink.write_page(fmt.page([record.to_dict() for record in batch]))
        facts.pages += 1
        facts.records += len(batch)
        sink.save(export.checkpoint())
        show(False)
    sink.save(export.checkpoint())
    show(True)
    progress.done()
    sink.finish()
