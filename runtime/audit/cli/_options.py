"""The options of a command, read from the parsed arguments once, into typed objects whose fields carry
the library's names (`service_name`, `span`, `max_sub_queries`, `trustor_org_id`), and checked once:
each value by the parser as it is read, the rules between values here, before anything is opened or sent.

    argv -> parser (each value) -> ExportOptions.from_arguments (the rules between them)
         -> the library's calls (options.query(), options.settings()) and the checkpoint's stored options
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from ..._core._errors import ConfigurationError
from ..._core._waiter import WaitPolicy
from ...client import Client
from .._limits import AUTO, MAX_SUB_QUERIES
from .._plan import sub_query_count
from .._query_args import MAX_PAGE_SIZE, ReadSettings, format_interval
from ._interval import last_interval, parse_duration
from ._sinks import UsageError

__all__: list[str] = []

#: `--concurrency` when `--split` is given without it.
DEFAULT_CONCURRENCY = 8


@dataclass(frozen=True)
class Connection:
    """The connection options; each overrides its GENESYSCLOUD_* variable (the secret is never shown)."""

    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    region: str | None = None
    base_url: str | None = None

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Connection:
        return cls(args.client_id, args.client_secret, args.region, args.base_url)

    def client(self, environ: Mapping[str, str] | None = None) -> Client:
        """`Client.from_env`, with the options given overriding the variables."""
        given = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "region": self.region,
            "base_url": self.base_url,
        }
        try:
            return Client.from_env(environ=environ, **{key: value for key, value in given.items() if value})
        except ConfigurationError as error:
            raise UsageError(str(error)) from None


@dataclass(frozen=True)
class ExportOptions:
    """`query`, `realtime`, `results` or `related`: what to export, how to read it, and where to write it.

    `interval` is checked and in the form the query sends (`--last` resolved to the window ending now);
    `span` is `--split` as given (`auto` or a duration such as `1d`), `span_length` the duration it names.
    """

    command: str
    output: str
    format: str  # the record format: the --format given, else by the output's name
    connection: Connection
    quiet: bool = False
    progress: bool = False
    resume: bool = False
    restart: bool = False
    interval: str | None = None
    last: str | None = None
    service_name: str | None = None
    filters: tuple[tuple[str, str], ...] = ()
    sort: str | None = None
    expand_user: bool = False
    page_size: int = MAX_PAGE_SIZE
    wait_timeout: float | None = None
    span: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    ordered: bool = True
    max_sub_queries: int = MAX_SUB_QUERIES
    transaction_id: str | None = None
    audit_id: str | None = None
    trustor_org_id: str | None = None

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> ExportOptions:
        """The options of an export command; UsageError (or IntervalError) for a rule they break."""

        def value(name: str) -> Any:  # None for an option the command does not have
            return getattr(args, name, None)

        last = value("last")
        interval = value("interval")
        options = cls(
            command=args.command,
            output=args.output,
            format=args.format or ("csv" if str(args.output).lower().endswith(".csv") else "jsonl"),
            connection=Connection.from_arguments(args),
            quiet=bool(args.quiet),
            progress=bool(args.progress),
            resume=bool(value("resume")),
            restart=bool(value("restart")),
            interval=last_interval(last) if last else format_interval(interval) if interval else None,
            last=last,
            service_name=value("service"),
            filters=tuple(value("filters") or ()),
            sort=value("sort"),
            expand_user=bool(value("expand_user")),
            page_size=value("page_size") or MAX_PAGE_SIZE,
            wait_timeout=value("wait_timeout"),
            span=value("split"),
            concurrency=value("concurrency") or DEFAULT_CONCURRENCY,
            ordered=not value("unordered"),
            max_sub_queries=value("max_sub_queries") or MAX_SUB_QUERIES,
            transaction_id=value("transaction_id"),
            audit_id=value("audit_id"),
            trustor_org_id=value("trustor_org"),
        )
        options._check_split()
        return options

    @property
    def span_length(self) -> timedelta | str:
        """What the library's `span` takes: `auto`, or the duration `--split` names."""
        assert self.span is not None
        return AUTO if self.span == AUTO else parse_duration(self.span)

    def _check_split(self) -> None:
        """Refuses a split into more sub-queries than the cap, counted (not planned) before anything else."""
        if self.span is None or self.span == AUTO or self.interval is None:
            return
        count = sub_query_count(self.interval, parse_duration(self.span))
        if count > self.max_sub_queries:
            raise UsageError(
                f"--split {self.span} cuts the interval into {count:,} sub-queries, more than "
                f"--max-sub-queries {self.max_sub_queries:,}; give a longer --split (or raise --max-sub-queries)"
            )

    def stored(self) -> dict[str, Any]:
        """The options an export's checkpoint stores, under the names its file has always used (compared
        when it resumes: `_checkpoint.mismatched_options`)."""
        if self.command == "related":
            return {"audit_id": self.audit_id, "format": self.format}
        if self.command == "results":
            return {
                "transaction_id": self.transaction_id,
                "expand_user": self.expand_user,
                "page_size": self.page_size,
                "format": self.format,
            }
        split = {"split": self.span, "ordered": self.ordered} if self.span else {}  # absent: as before splitting
        return {
            **split,
            "interval": self.interval,
            "last": self.last,
            "service": self.service_name,
            "filters": [list(pair) for pair in self.filters],
            "sort": self.sort,
            "expand_user": self.expand_user,
            "page_size": self.page_size,
            "format": self.format,
        }

    def resumed(self, stored: Mapping[str, Any]) -> ExportOptions:
        """These options resuming an export stored with `stored` (the same, once compared): its interval is
        the one the export began with (`--last` then ended earlier)."""
        interval = stored.get("interval")
        return replace(self, interval=interval) if isinstance(interval, str) else self

    def query(self) -> dict[str, Any]:
        """The query's fields, as the library's calls name them."""
        return {
            "interval": self.interval,
            "service_name": self.service_name or None,
            "filters": list(self.filters),
            "sort": self.sort or None,
        }

    def wait_policy(self) -> WaitPolicy:
        return WaitPolicy(deadline=self.wait_timeout)

    def settings(self) -> ReadSettings:
        return ReadSettings(self.page_size, self.expand_user, self.wait_policy())


def make_client(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Client:
    """`Client.from_env`, with the connection options overriding the GENESYSCLOUD_* variables."""
    return Connection.from_arguments(args).client(environ)


def progress_enabled(args: argparse.Namespace | ExportOptions) -> bool:
    """Whether the status line is shown: --progress, or stderr a terminal that the records do not share."""
    if args.quiet:
        return False
    if args.progress:
        return True
    # The status line would tangle with records printed on the same terminal.
    return sys.stderr.isatty() and not (args.output == "-" and sys.stdout.isatty())
