"""The argument parser of `genesys-audit` and its subcommands, and the checks of option combinations.

Every option value is checked as it is parsed (numbers finite and in range, durations bounded, filters
named), so a bad one is a usage error (exit status 2) in two short lines, before anything is sent.
Building the parser loads nothing of the client (`--help` stays quick); the checks load what they need.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

from ... import __version__
from .._limits import AUTO, MAX_SUB_QUERIES
from ._archive_parser import add_commands as add_archive_commands
from ._archive_parser import check as check_archive_options
from ._formats import FORMATS

__all__: list[str] = []

PROGRAM = "genesys-audit"
_NUMBER = TypeVar("_NUMBER", int, float)

_DESCRIPTION = """\
Query Genesys Cloud audit logs. Credentials come from GENESYSCLOUD_OAUTHCLIENT_ID and
GENESYSCLOUD_OAUTHCLIENT_SECRET, the region from GENESYSCLOUD_REGION (default us_east_1), or the API
base URL itself from GENESYSCLOUD_API_REGION (e.g. a local emulator's http://127.0.0.1:8080)."""

_RESUME_HELP = """\
An export to a file writes FILE.partial and FILE.checkpoint.json after every page and renames the
partial file to FILE at the end. If it stops (Ctrl-C, a crash, an error), the error names the one
command that continues it: usually the same command with --resume, after the last complete page.
Standard output, a FIFO or a device is written as the records come, and cannot be resumed."""


class _Once(argparse._StoreAction):
    """Stores an option's value, refusing an empty one and a second one (the last would silently win;
    only `--filter` means something when repeated)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        name = option_string or self.metavar or self.dest
        if isinstance(values, str) and not values.strip():
            parser.error(f"argument {name}: expected a value, not an empty one")
        given: set[str] = namespace.__dict__.setdefault("_options_given", set())
        if self.option_strings and self.dest in given:
            parser.error(f"argument {'/'.join(self.option_strings)}: given twice; give it once")
        given.add(self.dest)
        super().__call__(parser, namespace, values, option_string)


class _Parser(argparse.ArgumentParser):
    """Usage errors in two lines (what is wrong, and where the help is), not the whole usage block; every
    option that takes a value takes it once (`_Once`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _Once)
        self.register("action", "store", _Once)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n{self.prog}: see '{self.prog} --help' for the options\n")


def parse_filter(text: str) -> tuple[str, str]:
    """`Name=value` with Name one of the filter properties (case-insensitive) -> (Name, value)."""
    from ...models.audit_query_filter_property import AuditQueryFilterProperty

    name, sep, value = text.partition("=")
    known = {member.value.lower(): member.value for member in AuditQueryFilterProperty}
    if not sep or not value or name.strip().lower() not in known:
        raise argparse.ArgumentTypeError(
            f"expected NAME=VALUE with NAME one of {', '.join(known.values())}, got {text!r}"
        )
    return known[name.strip().lower()], value


def add_filter_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """`--filter NAME=VALUE`, repeatable, into `filters` (see `parse_filter`)."""
    parser.add_argument(
        "--filter", dest="filters", metavar="NAME=VALUE", type=parse_filter, action="append", default=[], help=help_text
    )


def number(kind: type[_NUMBER], minimum: _NUMBER, maximum: _NUMBER, *, above: bool = False) -> Callable[[str], _NUMBER]:
    """A parser of `kind` values from `minimum` (exclusive when `above`) to `maximum`; anything else,
    including NaN and infinities, is a usage error naming the range."""
    lowest = f"more than {minimum:,g}" if above else f"from {minimum:,g}"
    expected = f"{'a whole number' if kind is int else 'a number'} {lowest} to {maximum:,g}"

    def parse(text: str) -> _NUMBER:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not math.isfinite(value) or value > maximum or value < minimum or (above and value == minimum):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


def duration(text: str) -> str:
    """A duration such as `7d` (see `parse_duration`), kept as written (lower case)."""
    from .._errors import IntervalError
    from ._interval import parse_duration

    try:
        parse_duration(text)
    except IntervalError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text.strip().lower()


def split_span(text: str) -> str:
    """`auto` or a duration (see `duration`): how `--split` cuts the interval."""
    return AUTO if text.strip().lower() == AUTO else duration(text)


def _identifier(text: str) -> str:
    if not text.strip() or text != text.strip():
        raise argparse.ArgumentTypeError(f"expected an id without spaces around it, got {text!r}")
    return text


def _connection_options() -> argparse.ArgumentParser:
    parent = _Parser(add_help=False)
    group = parent.add_argument_group("connection")
    group.add_argument("--region", help="region name or domain, e.g. eu_west_1 (default: $GENESYSCLOUD_REGION)")
    group.add_argument(
        "--base-url",
        help="API base URL instead of a region, e.g. http://127.0.0.1:8080 (default: $GENESYSCLOUD_API_REGION)",
    )
    group.add_argument("--client-id", help="OAuth client id (default: $GENESYSCLOUD_OAUTHCLIENT_ID)")
    group.add_argument(
        "--client-secret",
        help="OAuth client secret; discouraged (visible in the process list): set $GENESYSCLOUD_OAUTHCLIENT_SECRET",
    )
    display = group.add_mutually_exclusive_group()
    display.add_argument("-q", "--quiet", action="store_true", help="nothing on stderr but errors")
    display.add_argument(
        "--progress", action="store_true", help="show progress on stderr even when it is not a terminal"
    )
    return parent


def _output_options(parser: argparse.ArgumentParser, *, resumable: bool) -> None:
    add = parser.add_argument
    add(
        "--format",
        choices=tuple(FORMATS),
        help="jsonl (one JSON record per line), csv or table; default: csv for *.csv output, else jsonl",
    )
    add(
        "-o",
        "--output",
        default="-",
        metavar="FILE",
        help="where to write records: a file (written atomically), a FIFO or device (streamed), or - for "
        "stdout (default)",
    )
    if resumable:
        again = parser.add_mutually_exclusive_group()
        again.add_argument("--resume", action="store_true", help="continue an interrupted export to --output FILE")
        again.add_argument(
            "--restart", action="store_true", help="discard an interrupted export to --output FILE and start over"
        )


def _read_options(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--expand-user", action="store_true", help="include the acting user's name (off by default, as in Python)")
    add("--page-size", type=number(int, 1, 500), default=500, help="records per page, 1-500 (default 500)")


def _wait_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait-timeout",
        type=number(float, 0.0, 86400.0, above=True),
        default=600.0,
        metavar="SECONDS",
        help="give up waiting for the query to run after this long, up to a day (default 600)",
    )


def _query_options(parser: argparse.ArgumentParser, *, realtime: bool) -> None:
    window = parser.add_mutually_exclusive_group(required=True)
    window.add_argument(
        "--interval",
        metavar="START/END",
        help="ISO-8601 interval whose date-times carry a time zone (Z or an offset such as +02:00), e.g. "
        "2026-01-01T00:00:00Z/2026-01-08T00:00:00Z, one side possibly a duration (P7D/END); a naive instant "
        "is refused, as in Python",
    )
    window.add_argument(
        "--last", metavar="DURATION", type=duration, help="the window ending now: 7d, 12h, 30m, 2w (up to 3660d)"
    )
    add = parser.add_argument
    add("--service", metavar="NAME", help="only this service's records (see `genesys-audit servicemapping`)")
    add_filter_option(
        parser, "filter on Action, EntityType, EntityId, UserId, ClientId or TrusteeOrganizationId (repeatable)"
    )
    add("--sort", choices=("ascending", "descending"), help="order by event date (default: the server's order)")
    _read_options(parser)
    _output_options(parser, resumable=True)
    if realtime:
        return
    add(
        "--split",
        metavar="auto|DURATION",
        type=split_span,
        help="run the interval as sub-queries, several at a time: auto (one query, cut where its pages show "
        "many records) or a fixed length (1d, 12h, 1w)",
    )
    add(
        "--concurrency",
        type=number(int, 1, 64),
        metavar="N",
        help="with --split: sub-queries run at once, 1-64 (default 8); all share the client's rate limit",
    )
    add(
        "--unordered",
        action="store_true",
        help="with --split: write pages as they arrive instead of in event-date order",
    )
    add(
        "--max-sub-queries",
        type=number(int, 1, 100_000),
        metavar="N",
        help=f"with --split: refuse a plan of more sub-queries than this, before any request (default "
        f"{MAX_SUB_QUERIES:,})",
    )
    _wait_option(parser)


def _table_or_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default table)")


def _commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    connection = [_connection_options()]

    def command(name: str, summary: str, description: str, epilog: str | None = None) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=connection, help=summary, description=description, epilog=epilog)

    mapping = command(
        "servicemapping",
        "list the services, entity types and actions that queries can filter on",
        "List the services, entity types and actions that audit queries can filter on.",
    )
    mapping.add_argument("--realtime", action="store_true", help="the mapping of realtime queries instead")
    _table_or_json(mapping)

    query = command(
        "query",
        "run an asynchronous audit query and export its records",
        "Run an asynchronous audit query, wait for it, and export every record of its results (cursor paging).",
        epilog=_RESUME_HELP,
    )
    _query_options(query, realtime=False)

    realtime = command(
        "realtime",
        "run a realtime audit query and export its records",
        "Run a realtime audit query (recent records, answered at once) and export every record (page-number paging).",
        epilog=_RESUME_HELP,
    )
    _query_options(realtime, realtime=True)

    related = command(
        "related",
        "export the audit records of the action that wrote one audit record",
        "Export, in one request, every audit record written by the action that wrote AUDIT_ID (that one too).",
    )
    related.add_argument("audit_id", metavar="AUDIT_ID", type=_identifier, help="the id of an audit record")
    related.add_argument(
        "--trustor-org",
        metavar="ORG_ID",
        type=_identifier,
        help="for a record of an action a trustee user performed: the trustor organization it belongs to",
    )
    related.add_argument("--sort", choices=("ascending", "descending"), help="order by event date")
    related.add_argument("--expand-user", action="store_true", help="include the acting user's name")
    _output_options(related, resumable=False)

    status = command(
        "status",
        "show the state of an audit query by its transaction id",
        "Show the state and parameters of an asynchronous audit query, by the transaction id that `query` "
        "reports (and that a wait that timed out names).",
    )
    status.add_argument("transaction_id", metavar="TRANSACTION_ID", type=_identifier, help="the query's id")
    _table_or_json(status)

    results = command(
        "results",
        "export the records of an existing audit query by its transaction id",
        "Wait for an existing asynchronous audit query, then export every record of its results.",
        epilog=_RESUME_HELP,
    )
    results.add_argument("transaction_id", metavar="TRANSACTION_ID", type=_identifier, help="the query's id")
    _read_options(results)
    _output_options(results, resumable=True)
    _wait_option(results)

    completion = commands.add_parser(
        "completion",
        help="print a shell completion script (bash or zsh)",
        description="Print a completion script for bash or zsh. bash: "
        "`source <(genesys-audit completion bash)` (or save it under "
        "~/.local/share/bash-completion/completions/genesys-audit). zsh: save "
        "`genesys-audit completion zsh` as _genesys-audit in a folder of $fpath, then run compinit.",
    )
    completion.add_argument("shell", choices=("bash", "zsh"), help="the shell")
    add_archive_commands(command, commands.add_parser, add_filter_option, number)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROGRAM, description=_DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {__version__}")
    _commands(parser)
    return parser


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parser of each subcommand, by name."""
    for action in parser._actions:  # argparse keeps its subparsers there
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


_WITH_SPLIT = (("concurrency", "--concurrency"), ("unordered", "--unordered"), ("max_sub_queries", "--max-sub-queries"))


def _check_combinations(args: argparse.Namespace, command: argparse.ArgumentParser) -> None:
    """Refuses options that do not go together (a usage error, before anything is sent)."""
    check_archive_options(args, command)
    if args.command == "query" and args.split is None:
        for dest, option in _WITH_SPLIT:
            if getattr(args, dest):
                command.error(f"{option} needs --split")
    streamed = getattr(args, "output", None) == "-"
    for dest in ("resume", "restart"):
        if getattr(args, dest, False) and streamed:
            command.error(f"--{dest} needs --output FILE (standard output cannot be resumed)")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_combinations(args, subcommands(parser)[args.command])
    return args
