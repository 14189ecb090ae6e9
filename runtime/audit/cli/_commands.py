"""What each subcommand does, given parsed arguments."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..._core._waiter import WaitPolicy
from ...api.audit import get_audits_query_realtime_servicemapping, get_audits_query_servicemapping
from ...client import Client
from ...models import AuditQueryServiceMapping
from ._checkpoint import Checkpoint
from ._export import Sink, export_query, export_realtime
from ._formats import format_for
from ._interval import check_interval, last_interval
from ._progress import Progress
from ._sinks import ExportFile, StreamSink, UsageError
from ._split_export import export_split

__all__ = ["make_client", "run_command"]

_ID_VARIABLE = "GENESYSCLOUD_OAUTHCLIENT_ID"
_SECRET_VARIABLE = "GENESYSCLOUD_OAUTHCLIENT_SECRET"
_REGION_VARIABLE = "GENESYSCLOUD_REGION"


def make_client(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Client:
    """A client from the options, falling back to the GENESYSCLOUD_* environment variables."""
    env = os.environ if environ is None else environ
    client_id = args.client_id or env.get(_ID_VARIABLE, "").strip()
    client_secret = args.client_secret or env.get(_SECRET_VARIABLE, "").strip()
    if not client_id or not client_secret:
        raise UsageError(f"no credentials: set {_ID_VARIABLE} and {_SECRET_VARIABLE} (or pass --client-id)")
    if args.base_url:
        return Client(base_url=args.base_url, client_id=client_id, client_secret=client_secret)
    region = args.region or env.get(_REGION_VARIABLE, "").strip() or None
    return Client(region=region, client_id=client_id, client_secret=client_secret)


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
    interval = last_interval(args.last) if args.last else check_interval(args.interval)
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


def _report(args: argparse.Namespace, sink: Sink) -> None:
    if args.output != "-" and not args.quiet:
        checkpoint = sink.checkpoint
        print(
            f"genesys-audit: wrote {checkpoint.records} records ({checkpoint.pages} pages) to {args.output}",
            file=sys.stderr,
        )


def export(args: argparse.Namespace) -> int:
    format_name = _format_name(args)
    checkpoint = Checkpoint(command=args.command, params=_params(args, format_name))
    progress = Progress(_progress_enabled(args))
    if args.output == "-":
        if args.resume:
            raise UsageError("--resume needs --output FILE (a stream cannot be resumed)")
        sink: StreamSink | ExportFile = StreamSink(checkpoint)
    else:
        sink = ExportFile(Path(args.output), checkpoint, resume=args.resume, restart=args.restart)
        if sink.resumed:
            stored = sink.checkpoint
            progress.note(f"resuming after {stored.records} records ({stored.pages} pages)")
    fmt = format_for(str(sink.checkpoint.params["format"]))
    try:
        with make_client(args) as client:
            if args.command == "query":
                policy = WaitPolicy(first_interval=0.25, growth=1.5, max_interval=5.0, deadline=args.wait_timeout)
                if sink.checkpoint.params.get("split"):
                    export_split(client, sink, fmt, progress, policy, args.concurrency)
                else:
                    export_query(client, sink, fmt, progress, policy)
            else:
                export_realtime(client, sink, fmt, progress)
    finally:
        progress.done()
        if isinstance(sink, ExportFile):
            sink.close()
    _report(args, sink)
    return 0


def run_command(args: argparse.Namespace) -> int:
    if args.command == "servicemapping":
        return servicemapping(args)
    return export(args)
