"""The checkpoint file of an export to FILE (`FILE.checkpoint.json`): the library's checkpoint in its one
format, with the file facts (command, format, options, bytes, records, pages) the command line adds
(`_sidecar.py`).

Replaced atomically after every complete page, so whatever moment an export stops at, the file
describes a consistent prefix of `FILE.partial`. Loading validates it (the message names the field),
upgrades a version 1 file, as the command line wrote it before, and checks that its positions are
ones the export can have reached; `mismatched_options` names the options a resumption changes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .._arguments import check_page_positions
from .._checkpoint import QUERY, REALTIME, ExportCheckpoint, parse_json
from .._errors import CheckpointError, IntervalError
from .._query_args import interval_bounds
from ._formats import FORMATS
from ._sidecar import FileFacts, decode_sidecar, encode_sidecar

__all__: list[str] = []

#: The commands that write files, and the kind of export each one's checkpoint holds.
KINDS = {"query": QUERY, "results": QUERY, "realtime": REALTIME}
#: A checkpoint larger than this is not one the command line wrote (10,000 sub-queries take ~2 MB).
_MAX_BYTES = 64 << 20

# The stored options, by the command-line option that sets them.
_OPTIONS = {
    "interval": "--interval/--last",
    "last": "--last",
    "service": "--service",
    "filters": "--filter",
    "sort": "--sort",
    "expand_user": "--expand-user",
    "page_size": "--page-size",
    "format": "--format",
    "split": "--split",
    "ordered": "--unordered",
    "transaction_id": "TRANSACTION_ID",
}


def load_checkpoint(path: Path) -> tuple[ExportCheckpoint, FileFacts]:
    """The export checkpoint and file facts stored at `path`; CheckpointError when they will not do."""
    try:
        with open(path, "rb") as stream:
            raw = stream.read(_MAX_BYTES + 1)
        if len(raw) > _MAX_BYTES:
            raise CheckpointError(f"{path}: larger than {_MAX_BYTES >> 20} MB; not a checkpoint of this command")
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{path}: unreadable ({type(error).__name__})") from None
    checkpoint, facts = decode_sidecar(parse_json(text, str(path)), str(path))
    if facts is None:
        raise CheckpointError(f"{path}: /file: missing; not the checkpoint of an export to a file")
    if facts.format not in FORMATS:
        raise CheckpointError(f"{path}: /file/format: expected one of {', '.join(FORMATS)}, not {facts.format!r}")
    if KINDS.get(facts.command) != checkpoint.kind:
        raise CheckpointError(f"{path}: /file/command: {facts.command!r} does not go with a {checkpoint.kind} export")
    return checkpoint, facts


def check_positions(path: Path, checkpoint: ExportCheckpoint, facts: FileFacts) -> None:
    """Refuses positions the command line cannot have reached. It writes whole pages, so no part has
    records of a page skipped, and a page holds at most the page size; a realtime export's pages are all
    full but the last, so its records are those of the pages before the one it reads; and in an export
    written in order, no sub-query has records out before an earlier one has finished."""
    page_size = facts.parameters.get("page_size")
    if not isinstance(page_size, int) or isinstance(page_size, bool) or not 1 <= page_size <= 500:
        raise CheckpointError(f"{path}: /file/parameters/page_size: expected an integer from 1 to 500")
    check_page_positions(checkpoint, page_size, str(path))
    for index, part in enumerate(checkpoint.parts):
        if part.skip:
            raise CheckpointError(
                f"{path}: /parts/{index}/skip: {part.skip} records of a page skipped, but the command line writes "
                "whole pages; not a position it can have reached"
            )
        if checkpoint.kind == REALTIME and part.page_number and not part.done:
            full = (part.page_number - 1) * int(checkpoint.query.get("pageSize", page_size))
            if part.records_read != full:
                raise CheckpointError(
                    f"{path}: /parts/{index}/recordsRead: {part.records_read}, but the {part.page_number - 1} "
                    f"pages before page {part.page_number} hold {full}"
                )
    if facts.records > facts.pages * page_size:
        raise CheckpointError(
            f"{path}: /file/records: {facts.records} records in {facts.pages} pages of at most {page_size}"
        )
    if facts.parameters.get("ordered", True) is not False:
        unfinished = next((index for index, part in enumerate(checkpoint.parts) if not part.done), None)
        for index, part in enumerate(checkpoint.parts):
            if unfinished is not None and index > unfinished and part.records_read:
                raise CheckpointError(
                    f"{path}: /parts/{index}/recordsRead: records of this sub-query were written before those of "
                    f"sub-query {unfinished}, which has not finished; an export written in order cannot get there"
                )


def _shown(key: str, value: Any) -> str:
    if key == "ordered":  # stored as whether --unordered was left out
        return "none" if value is not False else "given"
    if value in (None, [], False):
        return "none"
    if value is True:
        return "given"
    if isinstance(value, list):
        return ", ".join("=".join(map(str, item)) if isinstance(item, list) else str(item) for item in value)
    return str(value)


def mismatched_options(fresh: FileFacts, stored: FileFacts) -> str:
    """What differs between the options given now and those the stored export began with, by option
    (empty when they are the same export)."""
    if fresh.command != stored.command:
        return f"it was started by `genesys-audit {stored.command}`, not `{fresh.command}`"
    given = dict(fresh.parameters)
    if given.get("last") is not None and given.get("last") == stored.parameters.get("last"):
        given["interval"] = stored.parameters.get("interval")  # --last resolves to the interval it began with
    differences = []
    for key in sorted(set(given) | set(stored.parameters)):
        now, then = given.get(key), stored.parameters.get(key)
        if key == "interval" and _same_interval(now, then):
            continue
        if now != then and not (key == "interval" and given.get("last") != stored.parameters.get("last")):
            option = _OPTIONS.get(key, key)
            differences.append(f"{option} {_shown(key, now)} (it began with {_shown(key, then)})")
    return "; ".join(differences)


def _same_interval(now: Any, then: Any) -> bool:
    """Whether two stored intervals name the same instants (an older version may have written another form)."""
    try:
        return isinstance(now, str) and isinstance(then, str) and interval_bounds(now) == interval_bounds(then)
    except IntervalError:
        return False


def save_checkpoint(path: Path, checkpoint: ExportCheckpoint, facts: FileFacts) -> None:
    """Writes the checkpoint to a temporary file, syncs it and renames it over the old one (neither is
    ever followed as a symbolic link)."""
    temporary = path.with_name(path.name + ".tmp")
    text = json.dumps(encode_sidecar(checkpoint, facts), indent=2, sort_keys=True) + "\n"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    with os.fdopen(os.open(temporary, flags, 0o666), "w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
