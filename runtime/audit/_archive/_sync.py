"""`sync_audits`: keeps an archive current through the export engine, page by page, exactly.

A sync stream is one query (a service and filters, or everything) kept current in the archive. A sync
first finishes the stream's export that an earlier sync left unfinished (from the checkpoint committed
with its last page), then exports, through the adaptive split export, each part of [since, until) that
the stream does not cover yet: the first time a backfill from `since` (by default as far back as the
API keeps records), afterwards from the high-water mark less `overlap`, since a record can become
visible after newer ones. Records are stored once by id, each page in one transaction with the export's
checkpoint; a stream covers an interval only once its export has handed out every record of it.
"""

from __future__ import annotations

import errno
import functools
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..._core._client import RequestOptions
from ..._core._errors import ConfigurationError
from ..._core._waiter import WaitPolicy
from ...client import Client
from .. import _arguments
from .._bulk import JsonBulkExport
from .._errors import CheckpointError
from .._limits import AUTO
from .._ordered_writer import OrderedWriter
from .._progress import ProgressCallback
from .._query_args import MAX_PAGE_SIZE, FiltersArg, check_count, query_fields
from .._spill import SpillError
from ._coverage import RETENTION, Span, interval_text, parse_interval, to_export, truncate_ms
from ._errors import ArchiveWriteError
from ._lock import SyncLock
from ._store import ArchiveWriter, StreamState

__all__ = ["SyncResult", "sync_audits"]

#: How far before the high-water mark an incremental sync starts reading again, unless told otherwise.
DEFAULT_OVERLAP = timedelta(hours=1)

PathArg = str | os.PathLike[str]


@dataclass(frozen=True)
class SyncResult:
    """What one sync did.

    Attributes:
        db: The archive file.
        stream: The stream synced, in words (``all services``, ``service Routing, Action=Delete``).
        intervals: The `start/end` intervals exported, in order (a resumed export's first).
        resumed: Whether it finished an export an earlier sync had left unfinished.
        records_read: Records the API handed out (those read again in the overlap included).
        records_added: Records new to the archive.
        records_total: Records in the archive afterwards.
        covered: The stream's coverage afterwards, as (start, end) pairs.
        parquet_files: Parquet files written (0 without `parquet`).
    """

    db: str
    stream: str
    intervals: tuple[str, ...]
    resumed: bool
    records_read: int
    records_added: int
    records_total: int
    covered: tuple[Span, ...]
    parquet_files: int = 0

    @property
    def high_water(self) -> datetime | None:
        """Where the stream's coverage ends (None before its first export finished)."""
        return self.covered[-1][1] if self.covered else None


def stream_identity(service_name: str | None, filters: FiltersArg) -> tuple[str, str, dict[str, Any]]:
    """A stream's key (its query fields as canonical JSON), its label, and its query fields."""
    fields = query_fields(service_name, filters, None)
    key = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    words = [f"service {fields['serviceName']}"] if "serviceName" in fields else []
    words += [f"{item['property']}={item['value']}" for item in fields.get("filters", [])]
    return key, ", ".join(words) or "all services", fields


def _aware(name: str, value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ConfigurationError(f"{name} must be a timezone-aware datetime, not {value!r}")
    return truncate_ms(value.astimezone(UTC))


@dataclass
class _Job:
    """One sync's settings, checked, and its running totals."""

    client: Client
    writer: ArchiveWriter
    stream: StreamState
    fields: Mapping[str, Any]
    run: int
    export_options: dict[str, Any]
    spill_to: Path  # where pages wait on disk for their turn (the archive's folder)
    intervals: list[str] = field(default_factory=list)
    read: int = 0
    added: int = 0

    def export(self, span: Span, checkpoint: str | None) -> None:
        """Exports `span` (from `checkpoint`, when resuming), each page committed with its checkpoint."""
        interval = interval_text(span)
        self.intervals.append(interval)

        def plan(saved: str | None) -> _arguments.ExportArguments:
            return _arguments.split(
                self.client,
                interval=interval,
                span=AUTO,
                checkpoint=saved,
                service_name=self.fields.get("serviceName"),
                filters=self._filters(),
                sort="ascending",
                **self.export_options,
            )

        try:
            arguments = plan(checkpoint)
        except CheckpointError:  # not one this client can carry on (another version wrote it): start it over,
            arguments = plan(None)  # which is safe, as records are stored once
        try:
            # Pages past the buffer wait on disk (unnamed files) rather than hold the workers back.
            with (
                JsonBulkExport(arguments, spill_to=self.spill_to) as export,
                OrderedWriter(name="audit-archive-writer") as pages,
            ):
                for batch in export.batches():
                    checkpoint = export.checkpoint().to_json()  # exactly the records handed out so far
                    pages.submit(functools.partial(self._store, interval, batch, checkpoint))
                pages.drain()
        except SpillError as error:
            raise _spill_failure(self.writer.path, error) from None
        self.stream.coverage = self.writer.finish_export(self.stream.key, span)

    def _store(self, interval: str, batch: Sequence[bytes], checkpoint: str) -> None:
        self.added += self.writer.write_page(self.run, self.stream.key, interval, batch, checkpoint)
        self.read += len(batch)

    def _filters(self) -> list[tuple[str, str]] | None:
        found = [(item["property"], item["value"]) for item in self.fields.get("filters", [])]
        return found or None


def sync_audits(
    client: Client,
    *,
    db: PathArg,
    since: datetime | None = None,
    until: datetime | None = None,
    overlap: timedelta = DEFAULT_OVERLAP,
    service_name: str | None = None,
    filters: FiltersArg = None,
    expand_user: bool = True,
    concurrency: int = 8,
    page_size: int = MAX_PAGE_SIZE,
    parquet: PathArg | None = None,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
    progress: ProgressCallback | None = None,
    on_export: Callable[[str, bool], None] | None = None,
) -> SyncResult:
    """Brings the archive `db` (a SQLite file, created if absent) up to date with the audit records of
    one stream (`service_name` and `filters`; default every record), through `until`.

    Args:
        client: The client to call with (its retries and rate limit apply).
        db: The archive file. A file that is not an archive is refused (ArchiveFileError), never written.
        since: Where the stream's coverage should start: its first sync backfills from here (default:
            as far back as the API keeps records, 365 days); a later sync given an earlier `since`
            fills in what lies before its coverage.
        until: Where to sync to (default now).
        overlap: How far before the high-water mark an incremental sync reads again, to catch records
            that became visible after newer ones (default an hour).
        service_name, filters: The stream's query (as for `export_audits`); each stream keeps its own
            high-water mark, and records shared by streams are stored once.
        expand_user: Keep each record's user with its name (on by default: "who did it" is the question).
        concurrency, page_size, wait_policy, request_options, progress: As for `export_audits`.
        parquet: Also bring the Parquet dataset in this folder up to date (needs pyarrow: the
            ``parquet`` extra).
        on_export: Called with each interval before it is exported, and whether it resumes an export.

    Raises:
        ArchiveBusyError: another sync of `db` runs. ArchiveFileError: `db` is not an archive.
        ArchiveWriteError: the disk is full (the archive keeps every page committed; sync again).
        The export's errors (API, network, waiting); the next sync carries on from the last page.
    """
    path = Path(os.fspath(db))
    since_at, until_at = _aware("since", since), _aware("until", until)
    if not isinstance(overlap, timedelta) or overlap < timedelta(0) or overlap > RETENTION:
        raise ConfigurationError(f"overlap must be a timedelta from 0 to 365 days, not {overlap!r}")
    check_count("concurrency", concurrency, 1, 64)
    key, label, fields = stream_identity(service_name, filters)
    end = until_at or truncate_ms(datetime.now(UTC))
    if since_at is not None and since_at >= end:
        raise ConfigurationError(f"since ({since_at.isoformat()}) must come before until ({end.isoformat()})")
    options = {
        "concurrency": concurrency,
        "page_size": page_size,
        "expand_user": expand_user,
        "wait_policy": wait_policy,
        "request_options": request_options,
        "progress": progress,
    }
    with SyncLock(path):
        writer = ArchiveWriter(path)
        try:
            stream = writer.stream(key, label)
            job = _Job(client, writer, stream, fields, writer.begin_run(key, end), options, path.resolve().parent)
            resumed = stream.export_interval is not None
            try:
                if stream.export_interval is not None:
                    if on_export:
                        on_export(stream.export_interval, True)
                    job.export(parse_interval(stream.export_interval), stream.checkpoint)
                start = since_at or (stream.coverage[0][0] if stream.coverage else end - RETENTION)
                for span in to_export((min(start, end), end), stream.coverage, overlap):
                    if on_export:
                        on_export(interval_text(span), False)
                    job.export(span, None)
            except BaseException as error:
                _end_run(writer, job.run, error)
                raise
            writer.end_run(job.run, "ok")
            total = writer.record_count()
        finally:
            writer.close()
        files = 0
        if parquet is not None:
            from ._parquet import write_dataset

            files = write_dataset(path, Path(os.fspath(parquet)))
    return SyncResult(
        str(path), label, tuple(job.intervals), resumed, job.read, job.added, total, tuple(stream.coverage), files
    )


def _spill_failure(path: Path, error: SpillError) -> ArchiveWriteError:
    """The archive's words for pages that could not wait on disk beside it (nothing of it was written)."""
    if error.errno == errno.ENOSPC:
        return ArchiveWriteError(
            f"{path}: the disk is full; the archive is intact: free some space and sync again to carry on"
        )
    return ArchiveWriteError(
        f"{path}: {error.strerror}; the archive keeps every page committed: sync again to carry on"
    )


def _end_run(writer: ArchiveWriter, run: int, error: BaseException) -> None:
    """Records how the run ended, when the archive can still be written."""
    outcome = "interrupted" if isinstance(error, KeyboardInterrupt | SystemExit) else "failed"
    try:
        writer.end_run(run, outcome, f"{type(error).__name__}: {error}"[:500])
    except Exception:  # the original failure is what matters (a full disk fails this too)
        return
