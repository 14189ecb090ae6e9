"""`genesys-audit search` and `history`: answers from an archive, written to stdout.

They only read the archive, so they run without loading the HTTP client (see `_main`), and answer fast.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Sequence

from .._archive._read import ArchivedRecord, AuditArchive, HistoryEntry

__all__: list[str] = []

PROGRAM = "genesys-audit"
_PAGE = 500  # records formatted and written at a time

#: The exit status of each archive error (sysexits.h): the file is not an archive, writing failed, busy.
EXIT_STATUS = {"ArchiveFileError": 65, "ArchiveWriteError": 74, "ArchiveBusyError": 75}


def exit_status(error: BaseException) -> int:
    for kind in type(error).__mro__:
        if kind.__name__ in EXIT_STATUS:
            return EXIT_STATUS[kind.__name__]
    return 1


def _write(data: bytes) -> None:
    sys.stdout.buffer.write(data)


def _records(records: Sequence[ArchivedRecord], format_name: str) -> None:
    texts = [record.raw.encode() for record in records]
    if format_name == "jsonl":
        for at in range(0, len(texts), _PAGE):
            _write(b"".join(text + b"\n" for text in texts[at : at + _PAGE]))
        return
    from ._formats import format_for

    fmt = format_for(format_name)
    _write(fmt.header())
    for at in range(0, len(texts), _PAGE):
        _write(fmt.page(texts[at : at + _PAGE]))


def _values(values: Iterable[str]) -> str:
    return ";".join(values)


def _shown(values: Sequence[str]) -> str:
    return " | ".join(json.dumps(value, ensure_ascii=False) for value in values) if values else "(none)"


_HISTORY_CSV = (
    "eventDate",
    "id",
    "action",
    "serviceName",
    "entityType",
    "entity.name",
    "user.id",
    "user.name",
    "status",
    "property",
    "oldValues",
    "newValues",
)


def _history_rows(entries: Sequence[HistoryEntry]) -> Iterable[list[str]]:
    for entry in entries:
        common = [
            entry.event_date,
            entry.id,
            entry.action or "",
            entry.service_name or "",
            entry.entity_type or "",
            entry.entity_name or "",
            entry.user_id or "",
            entry.user_name or "",
            entry.status or "",
        ]
        if not entry.changes:
            yield [*common, "", "", ""]
        for change in entry.changes:
            yield [*common, change.property or "", _values(change.old_values), _values(change.new_values)]


def _history_table(entries: Sequence[HistoryEntry]) -> str:
    lines = [
        f"{'eventDate':<24}  {'action':<10}  {'user':<24}  change",
        f"{'-' * 24}  {'-' * 10}  {'-' * 24}  {'-' * 30}",
    ]
    for entry in entries:
        who = entry.user_name or entry.user_id or ""
        head = f"{entry.event_date:<24}  {(entry.action or '')[:10]:<10}  {who[:24]:<24}  "
        changes = [
            f"{change.property}: {_shown(change.old_values)} -> {_shown(change.new_values)}" for change in entry.changes
        ] or ["-"]
        lines.append(head + changes[0])
        lines.extend(" " * len(head) + change for change in changes[1:])
    return "\n".join(lines) + "\n"


def _history(entries: Sequence[HistoryEntry], format_name: str) -> None:
    if format_name == "table":
        _write(_history_table(entries).encode())
    elif format_name == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([list(_HISTORY_CSV), *_history_rows(entries)])
        _write(buffer.getvalue().encode())
    else:
        for entry in entries:
            item = {
                "eventDate": entry.event_date,
                "id": entry.id,
                "action": entry.action,
                "serviceName": entry.service_name,
                "entityType": entry.entity_type,
                "entity": {"name": entry.entity_name},
                "user": {"id": entry.user_id, "name": entry.user_name},
                "status": entry.status,
                "propertyChanges": [
                    {
                        "property": change.property,
                        "oldValues": list(change.old_values),
                        "newValues": list(change.new_values),
                    }
                    for change in entry.changes
                ],
            }
            _write((json.dumps(item, ensure_ascii=False) + "\n").encode())


def _note(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(f"{PROGRAM}: {text}", file=sys.stderr)


def answer(args: argparse.Namespace) -> int:
    """Runs `search` or `history`; its exit status."""
    try:
        with AuditArchive(args.db) as archive:
            if args.command == "history":
                entries = archive.history(args.entity_id)
                _history(entries, args.format)
                if not entries:
                    _note(args, f"no records of entity {args.entity_id} in {args.db}")
                return 0
            records = archive.search(
                entity_id=args.entity_id,
                entity_name=args.entity_name,
                entity_type=args.entity_type,
                user=args.user,
                action=args.action,
                service=args.service,
                since=args.since,
                until=args.until,
                text=args.text,
                limit=args.limit,
            )
        _records(records, args.format)
        if not records:
            _note(args, f"no records in {args.db} match")
        sys.stdout.flush()
        return 0
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if type(error).__module__.split(".")[0] != __name__.split(".")[0] and not isinstance(error, OSError):
            print(f"{PROGRAM}: error: unexpected {type(error).__name__}: {error}", file=sys.stderr)
            return 1
        print(f"{PROGRAM}: error: {' '.join(str(error).split())}", file=sys.stderr)
        return exit_status(error)
