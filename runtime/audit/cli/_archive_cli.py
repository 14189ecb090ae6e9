"""`genesys-audit sync`: the library's `sync_audits` on the command line, and `sync --status`.

Safe to run from cron or a systemd timer: a second sync of the same archive is refused in one line, the
exit status says what happened (see `_archive_parser`), and `--quiet` leaves only errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from ..._core._errors import AuthenticationError, ConfigurationError, PermissionDeniedError
from ..._core._waiter import WaitPolicy
from .._archive._coverage import instant_text
from .._archive._errors import ArchiveError
from .._archive._read import ArchiveStatus, AuditArchive
from .._archive._sync import sync_audits
from ._archive_read import exit_status
from ._progress import Progress, plural
from ._sinks import UsageError

__all__: list[str] = []

_AGAIN = "run the same sync again: it carries on after the last page committed"


def _since(args: argparse.Namespace) -> datetime | None:
    value = args.since
    return datetime.now(UTC) - value if isinstance(value, timedelta) else value


def _size(count: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:,.0f} {unit}" if unit == "bytes" else f"{count:,.1f} {unit}"
        count /= 1000
    return ""


def status_lines(status: ArchiveStatus) -> list[str]:
    """`sync --status` as text."""
    lines = [
        f"archive   {status.path} (schema {status.schema_version}): {status.records:,} records, "
        f"{_size(status.file_bytes)} ({status.bytes_per_record:,.0f} bytes a record)",
    ]
    if status.services:
        lines += ["", f"{'service':<20} {'records':>10}  {'first eventDate':<24}  last eventDate"]
        lines += [
            f"{service.service or '(none)':<20} {service.records:>10,}  {service.first:<24}  {service.last}"
            for service in status.services
        ]
    for stream in status.streams:
        lines += ["", f"stream {stream.label}"]
        for start, end in stream.covered:
            lines.append(f"  covers  {instant_text(start)} to {instant_text(end)}")
        for position, (start, end) in enumerate(stream.gaps):
            last = position == len(stream.gaps) - 1 and bool(stream.covered) and start == stream.covered[-1][1]
            what = "since the last sync" if last else "gap"
            lines.append(
                f"  {what:<7} {instant_text(start)} to {instant_text(end)}"
                if not last
                else f"  not yet {instant_text(start)} to now ({what})"
            )
        if stream.exporting:
            lines.append(f"  unfinished export of {stream.exporting} (the next sync carries it on)")
        run = stream.last_run
        if run is not None:
            ended = f"ended {run.finished}" if run.finished else "did not end"
            lines.append(
                f"  last run started {run.started} (until {run.until}), {ended}: {run.outcome}, "
                f"{plural(run.records_added, 'new record')} of {run.records_read:,} read"
                + (f" ({run.message})" if run.message else "")
            )
    return lines


def _status_json(status: ArchiveStatus) -> dict[str, Any]:
    def spans(values: Any) -> list[list[str]]:
        return [[instant_text(start), instant_text(end)] for start, end in values]

    return {
        "path": status.path,
        "schemaVersion": status.schema_version,
        "records": status.records,
        "fileBytes": status.file_bytes,
        "bytesPerRecord": round(status.bytes_per_record, 1),
        "services": [
            {"serviceName": s.service, "records": s.records, "first": s.first, "last": s.last} for s in status.services
        ],
        "streams": [
            {
                "stream": s.label,
                "covered": spans(s.covered),
                "gaps": spans(s.gaps),
                "exporting": s.exporting,
                "lastRun": None if s.last_run is None else vars(s.last_run),
            }
            for s in status.streams
        ],
        "warnings": list(status.warnings),
    }


def _show_status(args: argparse.Namespace) -> int:
    with AuditArchive(args.db) as archive:
        status = archive.status()
    if args.format == "json":
        print(json.dumps(_status_json(status), indent=2))
    else:
        print("\n".join(status_lines(status)))
    for warning in status.warnings:
        print(f"genesys-audit: warning: {warning}", file=sys.stderr)
    return 0


def sync(args: argparse.Namespace, session: Any) -> int:
    """`sync`: brings the archive up to date (or, with --status, shows it)."""
    if args.status:
        return _show_status(args)

    from ._options import make_client, progress_enabled  # the HTTP client only for a sync, not for --status

    args.output = "-"  # for the progress display's check: nothing goes to stdout
    progress = Progress((progress_enabled(args) and sys.stderr.isatty()) or args.progress, quiet=args.quiet)

    def exporting(interval: str, resumed: bool) -> None:
        progress.inform(f"{'carrying on the export of' if resumed else 'exporting'} {interval}")

    try:
        with make_client(args) as client:
            result = sync_audits(
                client,
                db=args.db,
                since=_since(args),
                until=args.until,
                overlap=args.overlap,
                service_name=args.service,
                filters=args.filters or None,
                expand_user=not args.no_expand_user,
                concurrency=args.concurrency,
                parquet=args.parquet,
                wait_policy=WaitPolicy(deadline=args.wait_timeout),
                progress=progress.event,
                on_export=exporting,
            )
    except ConfigurationError as error:
        if isinstance(error, ArchiveError):
            raise
        raise UsageError(str(error)) from None
    finally:
        progress.done()
    covered = (
        f"; it covers {instant_text(result.covered[0][0])} to {instant_text(result.covered[-1][1])}"
        if result.covered
        else ""
    )
    progress.inform(
        f"{result.db}: {result.records_added:,} new record{_s(result.records_added)} ({result.records_read:,} read) for "
        f"{result.stream}{covered}; {result.records_total:,} record{_s(result.records_total)} in all"
    )
    if args.parquet:
        progress.inform(f"{args.parquet}: {plural(result.parquet_files, 'Parquet file')} written")
    return 0


def explain_sync(error: BaseException) -> tuple[str, str | None, int] | None:
    """A sync's failure in words, the next step and the exit status; None when the general rules apply."""
    if isinstance(error, ArchiveError):
        return str(error), None, exit_status(error)
    if isinstance(error, UsageError | ConfigurationError):
        return None
    if isinstance(error, AuthenticationError | PermissionDeniedError):
        fix = (
            "check the OAuth client id and secret"
            if isinstance(error, AuthenticationError)
            else "the OAuth client needs the permission audits:audit:view"
        )
        return str(error), f"{fix}, then sync again", 1
    if isinstance(error, Exception):
        return str(error) or type(error).__name__, _AGAIN, 1
    return None


def _s(count: int) -> str:
    return "" if count == 1 else "s"
