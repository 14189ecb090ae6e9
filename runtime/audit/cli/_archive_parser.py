"""The archive's subcommands on the command line: `sync`, `search` and `history` (their options, checked
as they are parsed, loading nothing of the client)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

__all__: list[str] = []

#: The subcommands that only read an archive: they run without loading the HTTP client.
READ_COMMANDS = ("search", "history")
_RECORD_FORMATS = ("table", "jsonl", "csv")

_SYNC_HELP = """\
The first sync of a stream (one --service and --filter set; default: every record) backfills from --since,
by default as far back as the API keeps records (365 days); later syncs read from the stream's high-water
mark less --overlap, so records that became visible after newer ones are caught. Records are stored once
by id; each page is committed with the export's checkpoint, so a sync stopped at any moment (even killed)
is carried on by the next one. A second sync of the same archive is refused while one runs.
Exit status: 0 synced; 1 the API or network failed (sync again to carry on); 2 bad options; 65 the file
is not an archive (left untouched); 74 writing failed (disk full; the archive is intact); 75 another sync
of this archive is running; 130/143 interrupted."""


def instant(text: str) -> datetime:
    """An ISO-8601 date-time with a time zone (or a date, taken as midnight UTC)."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an ISO-8601 date-time with a time zone, got {text!r}") from None
    if moment.tzinfo is None:
        if len(value) == 10:  # a date
            return moment.replace(tzinfo=UTC)
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone; end it with Z or an offset such as +02:00")
    return moment


def _span(text: str) -> timedelta:
    from .._errors import IntervalError
    from ._interval import parse_duration

    try:
        return parse_duration(text)
    except IntervalError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def since(text: str) -> datetime | timedelta:
    """A date-time, or a duration before now (`90d`)."""
    return _span(text) if text.strip()[-1:].isalpha() and not text.strip().endswith(("Z", "z")) else instant(text)


def overlap(text: str) -> timedelta:
    """A duration (`1h`, `30m`) or `0`."""
    return timedelta(0) if text.strip() == "0" else _span(text)


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, metavar="PATH", help="the archive: a SQLite file")


def _quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="nothing on stderr but errors")


def add_commands(
    connected: Callable[..., argparse.ArgumentParser],
    commands: Callable[..., argparse.ArgumentParser],
    filter_option: Callable[[argparse.ArgumentParser, str], None],
    number: Callable[..., Callable[[str], int]],
) -> None:
    """Adds sync, search and history; `connected` makes a subcommand with the connection options,
    `commands` one without, `filter_option` adds `--filter` with a help text."""
    sync = connected(
        "sync",
        "keep an audit archive (SQLite) current: backfill, then incremental",
        "Keep an audit archive current: export, through the adaptive split export, what the archive does not "
        "hold yet of one stream's records, into a SQLite file (and a Parquet dataset with --parquet).",
        _SYNC_HELP,
    )
    _db_option(sync)
    add = sync.add_argument
    add("--status", action="store_true", help="show what the archive covers instead of syncing (no request sent)")
    add("--format", choices=("text", "json"), default="text", help="with --status: text (default) or json")
    add(
        "--since",
        type=since,
        metavar="TIME|DURATION",
        help="where the stream's coverage starts: a date-time with a zone, or a duration before now (90d); "
        "default: 365 days back, the API's retention",
    )
    add("--until", type=instant, metavar="TIME", help="sync up to this date-time (default: now)")
    add(
        "--overlap",
        type=overlap,
        default=timedelta(hours=1),
        metavar="DURATION",
        help="how far before the high-water mark to read again, for records visible late (default 1h)",
    )
    add("--service", metavar="NAME", help="the stream's service (default: every service)")
    filter_option(
        sync,
        "the stream's filters on Action, EntityType, EntityId, UserId, ClientId or TrusteeOrganizationId (repeatable)",
    )
    add(
        "--concurrency",
        type=number(int, 1, 64),
        default=8,
        metavar="N",
        help="sub-queries run at once, 1-64 (default 8)",
    )
    add("--no-expand-user", action="store_true", help="do not ask for the users' names (they are kept by default)")
    add("--parquet", metavar="DIR", help="also bring the Parquet dataset in DIR up to date (needs pyarrow)")
    add(
        "--wait-timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="give up waiting for a query after this long (default 600)",
    )

    search = commands(
        "search",
        help="find records in an audit archive",
        description="Find records in an audit archive, in eventDate order: every option given must match.",
    )
    _db_option(search)
    add = search.add_argument
    add("--entity-id", metavar="ID", help="records of this entity")
    add("--entity-name", metavar="NAME", help="records of entities of this name (ASCII case ignored)")
    add("--entity-type", metavar="TYPE", help="records of entities of this type, e.g. Flow (ASCII case ignored)")
    add("--user", metavar="ID|NAME", help="records of this user, by id or name (ASCII case ignored)")
    add("--action", metavar="ACTION", help="records of this action, e.g. Delete (ASCII case ignored)")
    add("--service", metavar="NAME", help="records of this service, as the API spells it (e.g. Architect)")
    add("--since", type=instant, metavar="TIME", help="records at or after this date-time")
    add("--until", type=instant, metavar="TIME", help="records before this date-time")
    add("--text", metavar="WORDS", help="records whose message holds each of these words (ASCII case ignored)")
    add("--limit", type=number(int, 1, 10**9), metavar="N", help="at most N records")
    add(
        "--format",
        choices=_RECORD_FORMATS,
        default="table",
        help="table (default), jsonl (each record as the API sent it) or csv",
    )
    _quiet(search)

    history = commands(
        "history",
        help="every change to one entity, in time order",
        description="Every record of one entity in an audit archive, in time order: who did what, when, "
        "and each property's old and new values.",
    )
    history.add_argument("entity_id", metavar="ENTITY_ID", help="the entity's id")
    _db_option(history)
    history.add_argument(
        "--format",
        choices=_RECORD_FORMATS,
        default="table",
        help="table (default), jsonl (one change record a line) or csv (one row a property change)",
    )
    _quiet(history)


def check(args: argparse.Namespace, command: argparse.ArgumentParser) -> None:
    """Refuses sync options that do not go together (a usage error, before anything is sent)."""
    if args.command != "sync":
        return
    if args.status:
        for dest, option in (("since", "--since"), ("until", "--until"), ("parquet", "--parquet")):
            if getattr(args, dest) is not None:
                command.error(f"{option} does not go with --status (it shows the archive, it does not sync)")
    elif args.format != "text":
        command.error("--format goes with --status")
    if not 0 < args.wait_timeout <= 86400:
        command.error("--wait-timeout must be more than 0 and at most 86400 seconds")
