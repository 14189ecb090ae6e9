"""The argument parser of `genesys-audit` and its subcommands."""

from __future__ import annotations

import argparse

from ...models import AuditQueryFilterProperty
from .._errors import IntervalError
from ._formats import FORMATS
from ._interval import parse_duration

__all__: list[str] = []

_DESCRIPTION = """\
Query Genesys Cloud audit logs. Credentials come from GENESYSCLOUD_OAUTHCLIENT_ID and
GENESYSCLOUD_OAUTHCLIENT_SECRET, the region from GENESYSCLOUD_REGION (default us_east_1);
--base-url points at another server (e.g. a local emulator)."""

_RESUME_HELP = """\
An export to a file writes FILE.partial and FILE.checkpoint.json after every page and renames the
partial file to FILE at the end. If it stops (Ctrl-C, a crash, an error), run the same command with
--resume to continue after the last complete page."""


def parse_filter(text: str) -> tuple[str, str]:
    """`Name=value` with Name one of the filter properties (case-insensitive) -> (Name, value)."""
    name, sep, value = text.partition("=")
    known = {member.value.lower(): member.value for member in AuditQueryFilterProperty}
    if not sep or not value or name.strip().lower() not in known:
        raise argparse.ArgumentTypeError(
            f"expected NAME=VALUE with NAME one of {', '.join(known.values())}, got {text!r}"
        )
    return known[name.strip().lower()], value


def _page_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 500:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 500, got {text!r}")
    return value


def _split(text: str) -> str:
    try:
        parse_duration(text)
    except IntervalError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text.strip().lower()


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 64, got {text!r}")
    return value


def _connection_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("connection")
    group.add_argument("--region", help="region name or domain, e.g. eu_west_1 (default: $GENESYSCLOUD_REGION)")
    group.add_argument("--base-url", help="API base URL instead of a region, e.g. http://127.0.0.1:8080")
    group.add_argument("--client-id", help="OAuth client id (default: $GENESYSCLOUD_OAUTHCLIENT_ID)")
    group.add_argument(
        "--client-secret",
        help="OAuth client secret; discouraged (visible in the process list): set $GENESYSCLOUD_OAUTHCLIENT_SECRET",
    )
    group.add_argument("-q", "--quiet", action="store_true", help="no progress display on stderr")
    group.add_argument("--progress", action="store_true", help="show progress on stderr even when it is not a terminal")
    return parent


def _query_options(parser: argparse.ArgumentParser, *, realtime: bool) -> None:
    window = parser.add_mutually_exclusive_group(required=True)
    window.add_argument(
        "--interval",
        metavar="START/END",
        help="ISO-8601 interval whose date-times carry a time zone (Z or an offset such as +02:00), e.g. "
        "2026-01-01T00:00:00Z/2026-01-08T00:00:00Z; a naive instant is refused, as in Python",
    )
    window.add_argument("--last", metavar="DURATION", help="the window ending now: 7d, 12h, 30m, 2w")
    add = parser.add_argument
    add("--service", metavar="NAME", help="only this service's records (see `genesys-audit servicemapping`)")
    add(
        "--filter",
        dest="filters",
        metavar="NAME=VALUE",
        type=parse_filter,
        action="append",
        default=[],
        help="filter on Action, EntityType, EntityId, UserId, ClientId or TrusteeOrganizationId (repeatable)",
    )
    add("--sort", choices=("ascending", "descending"), help="order by event date (default: the server's order)")
    add("--expand-user", action="store_true", help="include the acting user's name (off by default, as in Python)")
    add("--page-size", type=_page_size, default=500, help="records per page, 1-500 (default 500)")
    add(
        "--format",
        choices=tuple(FORMATS),
        help="jsonl (one JSON record per line), csv or table; default: csv for *.csv output, else jsonl",
    )
    add("-o", "--output", default="-", metavar="FILE", help="where to write records; - for stdout (default)")
    add("--resume", action="store_true", help="continue an interrupted export to --output FILE")
    add("--restart", action="store_true", help="discard an interrupted export to --output FILE and start over")
    if not realtime:
        add(
            "--split",
            metavar="DURATION",
            type=_split,
            help="run the interval as sub-queries of this length (1d, 12h, 1w), several at a time",
        )
        add(
            "--concurrency",
            type=_concurrency,
            default=8,
            metavar="N",
            help="with --split: sub-queries run at once, 1-64 (default 8); all share the client's rate limit",
        )
        add(
            "--unordered",
            action="store_true",
            help="with --split: write pages as they arrive instead of in event-date order",
        )
        add(
            "--wait-timeout",
            type=float,
            default=600.0,
            metavar="SECONDS",
            help="give up waiting for the query to run after this long (default 600)",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genesys-audit", description=_DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    connection = _connection_options()

    mapping = commands.add_parser(
        "servicemapping",
        parents=[connection],
        help="list the services, entity types and actions that queries can filter on",
        description="List the services, entity types and actions that audit queries can filter on.",
    )
    mapping.add_argument("--realtime", action="store_true", help="the mapping of realtime queries instead")
    mapping.add_argument("--format", choices=("table", "json"), default="table", help="output format (default table)")

    query = commands.add_parser(
        "query",
        parents=[connection],
        help="run an asynchronous audit query and export its records",
        description="Run an asynchronous audit query, wait for it, and export every record of its results "
        "(cursor paging).",
        epilog=_RESUME_HELP,
    )
    _query_options(query, realtime=False)

    realtime = commands.add_parser(
        "realtime",
        parents=[connection],
        help="run a realtime audit query and export its records",
        description="Run a realtime audit query (recent records, answered at once) and export every record "
        "(page-number paging).",
        epilog=_RESUME_HELP,
    )
    _query_options(realtime, realtime=True)
    return parser
