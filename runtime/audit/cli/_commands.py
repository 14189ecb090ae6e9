"""What each subcommand does, given parsed arguments; every export goes through the library's engine."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass

from ..._core._errors import WaitFailedError
from ...api.audit import (
    get_audits_query_realtime_servicemapping,
    get_audits_query_servicemapping,
    get_audits_query_transaction_id,
)
from ...client import Client
from ...models import AuditQueryExecutionStatusResponse, AuditQueryServiceMapping
from .. import _arguments
from .._bulk import JsonBulkExport
from .._checkpoint import REALTIME, ExportCheckpoint
from .._errors import CheckpointError
from .._exports import JsonAuditExport
from .._plan import check_same_export, existing_query_plan, one_query_plan
from .._progress import ExportProgress
from .._query_args import MAX_PAGE_SIZE
from .._realtime import RealtimeExport
from .._related import related_audits
from ._archive_cli import sync as archive_sync
from ._completion import completion_script
from ._export import Export, JsonRecords, Sink, json_texts, write_export, write_records
from ._formats import format_for
from ._options import ExportOptions, make_client, progress_enabled
from ._parser import build_parser
from ._progress import Progress, plural
from ._sidecar import FileFacts
from ._sinks import ExportFile, Output, StreamSink, UsageError, classify_output, finished_output

__all__: list[str] = []


@dataclass
class Session:
    """What a failure message needs to know of the command that failed: its sink (can it resume?) and
    the audit query it was reading."""

    command: str | None = None
    to_file: bool = False  # the output is a regular file (with a checkpoint), not a stream
    sink: Sink | None = None
    transaction_id: str | None = None


def _mapping_lines(mapping: AuditQueryServiceMapping) -> list[str]:
    lines: list[str] = []
    for service in mapping.services or []:
        lines.append(str(service.name or "?"))
        for entity in service.entities or []:
            lines.append(f"  {entity.name or '?'}: {', '.join(entity.actions or [])}")
    return lines


def servicemapping(args: argparse.Namespace, session: Session) -> int:
    with make_client(args) as client:
        operation = get_audits_query_realtime_servicemapping if args.realtime else get_audits_query_servicemapping
        mapping = operation.sync(client=client)
    if args.format == "json":
        print(json.dumps(mapping.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(_mapping_lines(mapping)))
    return 0


def _status_lines(status: AuditQueryExecutionStatusResponse) -> list[str]:
    fields = status.to_dict()
    filters = ", ".join(f"{item.get('property')}={item.get('value')}" for item in fields.get("filters") or [])
    sort = ", ".join(f"{item.get('name')} {item.get('sortOrder')}" for item in fields.get("sort") or [])
    rows = [
        ("id", fields.get("id")),
        ("state", fields.get("state")),
        ("startDate", fields.get("startDate")),
        ("interval", fields.get("interval")),
        ("serviceName", fields.get("serviceName")),
        ("filters", filters),
        ("sort", sort),
    ]
    return [f"{name:<12} {value}" for name, value in rows if value]


def status(args: argparse.Namespace, session: Session) -> int:
    session.transaction_id = args.transaction_id
    with make_client(args) as client:
        answer = get_audits_query_transaction_id.sync(args.transaction_id, client=client)
    if args.format == "json":
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(_status_lines(answer)))
    return 0


def completion(args: argparse.Namespace, session: Session) -> int:
    sys.stdout.write(completion_script(build_parser(), args.shell))
    return 0


# Exports


def _bound_line(client: Client, progress: Progress, elapsed: float) -> str:
    """A split export's time against the rate-limit bound: its records' fewest pages (of 500) plus the
    other requests it made (creating and polling queries), at the client's rate limit."""
    records = progress.records_now - progress.records_before
    pages, other = -(-records // MAX_PAGE_SIZE), progress.query_requests
    limiter = client.rate_limiter
    per_minute, window = (limiter.per_minute, limiter.window) if limiter else (300, 60.0)
    bound = (pages + other) / per_minute * window
    ratio = f"{elapsed / bound:.2f}x" if bound else "at"  # nothing was asked for: a bound of 0 s
    return (
        f"{plural(records, 'record')} in {elapsed:.1f} s, {ratio} the rate-limit bound of "
        f"{bound:.1f} s ({pages} pages of {MAX_PAGE_SIZE} + {other} query requests at {per_minute} a minute; "
        f"{plural(progress.pages_now, 'page')} read)"
    )


def _duration_text(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def _plan_line(client: Client, plan: ExportCheckpoint, span: str, concurrency: int) -> str:
    """The plan of a split export: sub-queries, the fewest requests they take, and the least time that
    takes under the client's rate limit (for an adaptive plan, how it will be cut)."""
    left = sum(not part.done for part in plan.parts)
    if plan.adaptive:
        shown = (
            f"{left} of {plural(len(plan.parts), 'sub-query', 'sub-queries')} left"
            if plan.records_read
            else ("one query over the interval")
        )
        return f"{shown}, split auto: cut into more, up to {concurrency} at a time, where the pages show many records"
    count = plural(len(plan.parts), "sub-query", "sub-queries")
    shown = f"{left} of {count} of {span} left" if left < len(plan.parts) else f"{count} of {span}"
    requests = 3 * left + 1  # each: create, poll, a page at least; and a token
    limiter = client.rate_limiter
    if limiter is None:
        return f"{shown}, {concurrency} at a time: at least {requests:,} requests (no rate limit)"
    least = (requests - 1) // limiter.per_minute * limiter.window
    time = f"at least {_duration_text(least)}" if least else "no wait"
    return (
        f"{shown}, {concurrency} at a time: at least {requests:,} requests, {time} under the rate limit of "
        f"{limiter.per_minute} a minute"
    )


class _SaveNewQueries:
    """The progress callback of a one-query export: shows each event, and saves the checkpoint as soon as
    a new query is made, so an export stopped while its query runs resumes with that query. (A split
    export's queries are made in worker threads; only the writer saves its checkpoint.)"""

    def __init__(self, progress: Progress, sink: Sink, session: Session) -> None:
        self.export: JsonAuditExport | None = None
        self._progress = progress
        self._sink = sink
        self._session = session
        self._saved: set[str] = set()

    def __call__(self, event: ExportProgress) -> None:
        self._progress.event(event)
        new = event.event == "state" and event.transaction_id and event.transaction_id not in self._saved
        if new and event.transaction_id and self.export is not None:
            self._saved.add(event.transaction_id)
            self._session.transaction_id = event.transaction_id
            self._sink.save(self.export.checkpoint())


class _Job:
    """An export being set up: the client, its options (those it began with, when it resumes), the sink
    and the display."""

    def __init__(self, options: ExportOptions, client: Client, sink: Sink, progress: Progress) -> None:
        self.options = options.resumed(sink.facts.parameters)
        self.client = client
        self.sink = sink
        self.progress = progress
        self.stored = sink.stored
        self.settings = self.options.settings()

    def _same(self, expected: ExportCheckpoint) -> ExportCheckpoint:
        """The stored checkpoint, once it is shown to be of the export the options describe."""
        if self.stored is None:
            return expected
        try:
            return check_same_export(self.stored, expected)
        except CheckpointError as error:
            where = getattr(self.sink, "checkpoint_file", "the checkpoint")
            raise CheckpointError(f"{where}: {error}; it does not match its own options") from None

    def one_query(self, plan: ExportCheckpoint, session: Session) -> Export:
        callback = _SaveNewQueries(self.progress, self.sink, session)
        arguments = _arguments.ExportArguments(self.client, plan, self.settings, progress=callback)
        callback.export = JsonAuditExport(self.client, arguments.plan, arguments.settings, arguments.progress)
        return callback.export

    def split(self) -> Export:
        options = self.options
        arguments = _arguments.split(
            self.client,
            span=options.span_length,
            concurrency=options.concurrency,
            ordered=options.ordered,
            checkpoint=self.stored,
            expand_user=options.expand_user,
            page_size=options.page_size,
            wait_policy=self.settings.wait_policy,
            progress=self.progress.event,
            max_sub_queries=options.max_sub_queries,
            **options.query(),
        )
        spill_to = self.sink.output.parent if isinstance(self.sink, ExportFile) else None
        export = JsonBulkExport(arguments, spill_to=spill_to)
        assert options.span is not None
        self.progress.inform(_plan_line(self.client, export.checkpoint(), options.span, options.concurrency))
        return export

    def realtime(self) -> Export:
        options = self.options
        fresh = _arguments.realtime(
            self.client, expand_user=options.expand_user, page_size=options.page_size, **options.query()
        )
        arguments = _arguments.ExportArguments(
            self.client, self._same(fresh.plan), fresh.settings, progress=self.progress.event
        )
        return JsonRecords(RealtimeExport(arguments))

    def results(self, session: Session) -> Export:
        transaction_id = self.options.transaction_id
        assert transaction_id is not None
        session.transaction_id = transaction_id
        if self.stored is not None:
            return self.one_query(self.stored, session)
        answer = get_audits_query_transaction_id.sync(transaction_id, client=self.client)
        plan = existing_query_plan(answer)
        state = str(getattr(answer.state, "value", answer.state))
        if state in ("Failed", "Cancelled"):
            raise WaitFailedError(transaction_id, state, answer)
        return self.one_query(plan, session)

    def build(self, session: Session) -> Export:
        if self.options.command == "results":
            return self.results(session)
        if self.options.command == "realtime":
            return self.realtime()
        if self.options.span:
            return self.split()
        return self.one_query(self._same(one_query_plan(**self.options.query())), session)


def _open_sink(options: ExportOptions, output: Output, facts: FileFacts) -> Sink:
    if output.file is None:
        if options.resume:
            raise UsageError(f"--resume needs --output FILE: {output.given} is {output.stream}, which cannot resume")
        return StreamSink(output, facts)
    fmt = format_for(facts.format)
    return ExportFile(output, facts, fmt, resume=options.resume, restart=options.restart)


def _nothing_found(options: ExportOptions, facts: FileFacts) -> str:
    params = facts.parameters
    if options.command == "results":
        return f"audit query {params['transaction_id']} has no records"
    if options.command == "related":
        return f"no audit records are related to {params['audit_id']}"
    narrowed = [f"service {params['service']}"] if params.get("service") else []
    narrowed += [f"{name}={value}" for name, value in params.get("filters") or []]
    where = f" ({', '.join(narrowed)})" if narrowed else ""
    reach = "realtime queries reach back only 14 days" if options.command == REALTIME else "check the interval"
    return (
        f"no records in {params['interval']}{where}; {reach}, --service and --filter "
        "(`genesys-audit servicemapping` lists the services)"
    )


def _report(options: ExportOptions, sink: Sink, progress: Progress, bound: str | None = None) -> None:
    facts = sink.facts
    if facts.records == 0:
        progress.inform(_nothing_found(options, facts))
    if bound is not None:
        progress.inform(bound)
    if isinstance(sink, ExportFile):
        progress.inform(f"wrote {plural(facts.records, 'record')} ({plural(facts.pages, 'page')}) to {sink.given}")


def export(args: argparse.Namespace, session: Session) -> int:
    """`query`, `realtime`, `results` and `related`: records to a file, a FIFO, a device or stdout."""
    output = classify_output(args.output)
    session.to_file = output.file is not None
    options = ExportOptions.from_arguments(args)
    fmt = format_for(options.format)
    facts = FileFacts(command=options.command, format=options.format, parameters=options.stored())
    progress = Progress(progress_enabled(options), quiet=options.quiet)
    if options.resume and output.file is not None and finished_output(output.file):
        progress.inform(
            f"nothing to resume: {options.output} exists and no interrupted export of it does (it finished); "
            "left as it is (pass --restart to export it again)"
        )
        return 0
    sink = _open_sink(options, output, facts)
    session.sink = sink
    bound: str | None = None
    if isinstance(sink, ExportFile):
        if sink.finished_before:
            sink.finish()
            progress.inform(f"the export to {sink.given} had already finished; removed its checkpoint")
            return 0
        if sink.stored is not None:
            progress.pages_before, progress.records_before = sink.facts.pages, sink.facts.records
            progress.note(f"resuming after {sink.facts.records} records ({sink.facts.pages} pages)")
        elif sink.resumed_nothing:
            progress.inform(f"no interrupted export of {sink.given} to resume; starting it")
    try:
        sink.open(fmt.header())  # before any request: an output that cannot be written is refused first
        with options.connection.client() as client:
            if options.command == "related":
                assert options.audit_id is not None
                records = related_audits(
                    client,
                    options.audit_id,
                    trustor_org_id=options.trustor_org_id,
                    sort=options.sort,
                    expand_user=options.expand_user,
                )
                write_records(sink, fmt, json_texts(records))
                sink.finish()
            else:
                # A split export stops its workers itself when it ends or fails; on Ctrl-C they are
                # daemon threads, and the process does not wait for their requests in flight.
                job = _Job(options, client, sink, progress)
                write_export(job.build(session), sink, fmt)
                if job.options.span and options.command == "query":
                    bound = _bound_line(client, progress, progress.elapsed)
    finally:
        progress.done()
        sink.close()
    _report(options, sink, progress, bound)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Session], int]] = {
    "servicemapping": servicemapping,
    "status": status,
    "completion": completion,
    "query": export,
    "realtime": export,
    "results": export,
    "related": export,
    "sync": archive_sync,
}


def run_command(args: argparse.Namespace, session: Session) -> int:
    session.command = args.command
    return COMMANDS[args.command](args, session)
