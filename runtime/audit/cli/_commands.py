"""What each subcommand does, given parsed arguments."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..._core._errors import ConfigurationError
from ..._core._waiter import WaitPolicy
from ...api.audit import get_audits_query_realtime_servicemapping, get_audits_query_servicemapping
from ...client import Client
from ...models import AuditQueryServiceMapping
from .. import _arguments
from .._bulk import export_audits
from .._checkpoint import ExportCheckpoint, FileFacts
from .._exports import AuditExport
from .._query_args import ReadSettings, format_interval
from .._realtime import RealtimeExport
from ._export import Export, ProgressEvents, Sink, write_export
from ._formats import format_for
from ._interval import last_interval, parse_duration
from ._progress import Progress
from ._sinks import ExportFile, StreamSink, UsageError

__all__: list[str] = []


def make_client(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Client:
    """`Client.from_env`, with the connection options overriding the GENESYSCLOUD_* variables."""
    options = {"client_id": args.client_id, "client_secret": args.client_secret, "region": args.region,
               "base_url": args.base_url}  # fmt: skip
    try:
        return Client.from_env(environ=environ, **{key: value for key, value in options.items() if value})
    except ConfigurationError as error:
        raise UsageError(str(error)) from None


def _mapping_lines(mapping: AuditQueryServiceMapping) -> list[str]:
    lines: list[str] = []
    for service in mapping.services or []:
        lines.append(str(service.name or "?"))
        for entity in service.entities or []:
            lines.append(f"  {entity.name or '?'}: {', '.join(entity.actions or [])}")
    return lines


def servicemapping(args: argparse.Namespace) -> int:
    with make_client(args) as client:
        operation = get_audits_query_realtime_servicemapping if args.realtime else get_audits_query_servicemapping
        mapping = operation.sync(client=client)
    if args.format == "json":
        print(json.dumps(mapping.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(_mapping_lines(mapping)))
    return 0


def _params(args: argparse.Namespace, format_name: str) -> dict[str, Any]:
    interval = last_interval(args.last) if args.last else format_interval(args.interval)
    split = getattr(args, "split", None)
    if split is None and getattr(args, "unordered", False):
        raise UsageError("--unordered needs --split")
    extra = {"split": split, "ordered": not args.unordered} if split else {}  # absent: as before splitting
    return {
        **extra,
        "interval": interval,
        "last": args.last,
        "service": args.service,
        "filters": [list(pair) for pair in args.filters],
        "sort": args.sort,
        "expand_user": args.expand_user,
        "page_size": args.page_size,
        "format": format_name,
    }


def _format_name(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    return "csv" if str(args.output).lower().endswith(".csv") else "jsonl"


def _progress_enabled(args: argparse.Namespace) -> bool:
    if args.quiet:
        return False
    if args.progress:
        return True
    # The status line would tangle with records printed on the same terminal.
    return sys.stderr.isatty() and not (args.output == "-" and sys.stdout.isatty())


def _report(args: argparse.Namespace, facts: FileFacts) -> None:
    if args.output != "-" and not args.quiet:
        print(f"genesys-audit: wrote {facts.records} records ({facts.pages} pages) to {args.output}", file=sys.stderr)


def _open(
    client: Client, args: argparse.Namespace, sink: Sink, stored: ExportCheckpoint | None, progress: Progress
) -> tuple[Export, Callable[[bool], None]]:
    """The library export for the command and its (stored) parameters, and how to show its progress."""
    params, facts = sink.facts.parameters, sink.facts
    policy = WaitPolicy(deadline=getattr(args, "wait_timeout", None))
    settings = ReadSettings(params["page_size"], bool(params["expand_user"]), policy)
    query: dict[str, Any] = {
        "interval": params["interval"],
        "service_name": params["service"] or None,
        "filters": [(name, value) for name, value in params["filters"]],
        "sort": params["sort"] or None,
        "expand_user": settings.expand_user,
        "page_size": settings.page_size,
    }
    if params.get("split"):
        split = export_audits(
            client, span=parse_duration(params["split"]), concurrency=args.concurrency,
            ordered=bool(params["ordered"]), checkpoint=stored, wait_policy=policy, **query,
        )  # fmt: skip

        def show_parts(final: bool) -> None:
            state = split.progress
            progress.parts(state.waiting, state.running, state.done, state.records, state.records_per_second,
                           final=final)  # fmt: skip

        return split, show_parts
    if stored is not None:
        arguments = _arguments.ExportArguments(client, stored, settings)
    elif args.command == "realtime":
        arguments = _arguments.realtime(client, **query)
    else:
        arguments = _arguments.query(client, wait_policy=policy, **query)
    export: Export
    if args.command == "realtime":
        export = RealtimeExport(arguments)
    else:
        events = ProgressEvents(progress)
        export = AuditExport(client, arguments.plan, settings, events)
        events.on_query = lambda: sink.save(export.checkpoint())
    return export, lambda final: progress.pages(facts.pages, facts.records, final=final)


def export(args: argparse.Namespace) -> int:
    format_name = _format_name(args)
    facts = FileFacts(command=args.command, format=format_name, parameters=_params(args, format_name))
    progress = Progress(_progress_enabled(args))
    sink: StreamSink | ExportFile
    if args.output == "-":
        if args.resume:
            raise UsageError("--resume needs --output FILE (a stream cannot be resumed)")
        sink = StreamSink(facts)
    else:
        sink = ExportFile(Path(args.output), facts, resume=args.resume, restart=args.restart)
        if sink.stored is not None:
            progress.note(f"resuming after {sink.facts.records} records ({sink.facts.pages} pages)")
    try:
        with make_client(args) as client:
            job, show = _open(client, args, sink, sink.stored, progress)
            write_export(job, sink, format_for(sink.facts.format), progress, show)
    finally:
        progress.done()
        if isinstance(sink, ExportFile):
            sink.close()
    _report(args, sink.facts)
    return 0


def run_command(args: argparse.Namespace) -> int:
    if args.command == "servicemapping":
        return servicemapping(args)
    return export(args)
