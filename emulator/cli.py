"""The command line: ``python -m emulator [options]``."""

from __future__ import annotations

import argparse
import logging
import math
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from emulator.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_SPAN,
    REALTIME_DAYS,
    EmulatorConfig,
    utc_midnight_today,
)
from emulator.faults import FAULT_KINDS, FaultRule, parse_fault
from emulator.queries import CANCEL_SERVICE, FAIL_SERVICE
from emulator.server import Emulator
from emulator.shapes import SHAPES

__all__ = ["build_parser", "config_from_args", "main"]

_FAULT_HELP = (
    "Inject a fault (repeatable). Syntax KIND[:key=value]..., KIND being an HTTP status "
    "400-599 or one of: "
    + "; ".join(f"{k} ({v})" for k, v in FAULT_KINDS.items() if k != "status")
    + ". Keys: path=REGEX (searched in the request path), method=GET|POST, count=K (fire at most "
    "K times), every=N (fire on every Nth matching request), skip=M (let the first M through), "
    "retry_after=S (429 only), seconds=S (delay only). Examples: 503:path=/results:count=2, "
    "429:every=3:retry_after=2, drop:count=1, delay:seconds=0.5, unknown-enum."
)


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date-time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _fault(text: str) -> FaultRule:
    try:
        return parse_fault(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _number(kind: type[int] | type[float], minimum: float, maximum: float = math.inf) -> Callable[[str], Any]:
    """A parser of `kind` values from `minimum` to `maximum` (finite: NaN and infinities are refused)."""
    span = f"from {minimum:g}" + (f" to {maximum:g}" if maximum < math.inf else " up")
    expected = f"{'a whole number' if kind is int else 'a finite number'} {span}"

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not (math.isfinite(value) and minimum <= value <= maximum):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_positive = _number(int, 1)
_count = _number(int, 0)
_seconds = _number(float, 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="Local emulator of the Genesys Cloud Audit API on 127.0.0.1. Control API under "
        "/_emulator/ (stats, reset, faults, config, tokens/expire).",
    )
    add = parser.add_argument
    add(
        "--port",
        type=_number(int, 0, 65535),
        default=8080,
        help="port on 127.0.0.1; 0 picks a free one (default 8080)",
    )
    add(
        "--records",
        type=_count,
        default=10_000,
        help="audit records in the organization (default 10000)",
    )
    add("--seed", type=int, default=1, help="seed of the generated data (default 1)")
    add(
        "--data-end",
        type=_instant,
        default=None,
        help="end of the organization's data (exclusive, ISO-8601); default: today's UTC midnight",
    )
    add(
        "--data-start",
        type=_instant,
        default=None,
        help=f"start of the organization's data; default: {DEFAULT_SPAN.days} days before --data-end",
    )
    add(
        "--client-id",
        default=DEFAULT_CLIENT_ID,
        help=f"OAuth client id (default {DEFAULT_CLIENT_ID})",
    )
    add(
        "--client-secret",
        default=DEFAULT_CLIENT_SECRET,
        help=f"OAuth client secret (default {DEFAULT_CLIENT_SECRET})",
    )
    add(
        "--token-ttl",
        type=_count,
        default=86399,
        help="expires_in of issued tokens, seconds (default 86399)",
    )
    add(
        "--token-max-requests",
        type=_positive,
        default=None,
        help="a token stops working (401) after this many Audit API requests",
    )
    add(
        "--pending-polls",
        type=_count,
        default=2,
        help="status polls answered 202 (Queued, then Running) before a query ends (default 2)",
    )
    add(
        "--succeed-after",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="end queries after this many seconds instead of after --pending-polls polls",
    )
    add(
        "--fail-queries",
        action="store_true",
        help=f"every query ends Failed (a single query: serviceName {FAIL_SERVICE}; {CANCEL_SERVICE} ends Cancelled)",
    )
    add(
        "--fault",
        type=_fault,
        action="append",
        default=[],
        metavar="SPEC",
        help=_FAULT_HELP,
    )
    add(
        "--rate-limit",
        type=_positive,
        default=None,
        metavar="RPM",
        help="allow RPM Audit API requests per token per window, then 429 with Retry-After (default off)",
    )
    add(
        "--rate-limit-window",
        type=_number(float, 0.001),
        default=60.0,
        metavar="SECONDS",
        help="sliding window of --rate-limit (default 60)",
    )
    add(
        "--no-validate",
        action="store_true",
        help="do not validate requests and responses against spec/audit-api.yaml (faster)",
    )
    add(
        "--lenient",
        action="store_true",
        help="log spec violations of the emulator's own responses instead of answering 500",
    )
    add(
        "--redirect-over",
        type=_count,
        default=None,
        metavar="N",
        help="with allowRedirect=true, answer results of queries over more than N records with "
        "a downloadUrl instead of the records (default: never)",
    )
    add(
        "--record-cache",
        type=_count,
        default=0,
        metavar="N",
        help="keep the JSON of the N records served last in memory, so pages asked for again are "
        "answered faster (about 1.4 kB a record; default 0: off)",
    )
    add(
        "--realtime-days",
        type=_positive,
        default=REALTIME_DAYS,
        metavar="DAYS",
        help=f"how many days before the present (--now, the wall clock with --live, else --data-end) realtime "
        f"queries reach back, as the API's {REALTIME_DAYS} do (default {REALTIME_DAYS})",
    )
    arrival = parser.add_mutually_exclusive_group()
    arrival.add_argument(
        "--now",
        type=_instant,
        default=None,
        metavar="TIME",
        help="the emulator's present: queries see no record dated after it (move it with PATCH "
        '/_emulator/config {"now": ...}); default: every record is visible',
    )
    arrival.add_argument(
        "--live", action="store_true", help="the present is the wall clock: records arrive as their time comes"
    )
    add(
        "--late-percent",
        type=_number(float, 0, 100),
        default=0.0,
        metavar="P",
        help="with --now or --live: this percentage of the records becomes visible late, after newer ones",
    )
    add(
        "--late-by",
        type=_number(float, 0.001, 366 * 86400),
        default=1800.0,
        metavar="SECONDS",
        help="how long after its eventDate a late record becomes visible, at most (default 1800)",
    )
    add(
        "--history-every",
        type=_count,
        default=0,
        metavar="N",
        help="every Nth record updates one of 4 tracked Routing queues, its old and new values chained "
        "change after change (default 0: none)",
    )
    add(
        "--shape",
        choices=tuple(SHAPES),
        default="even",
        help="how the records are spread over the span and what they carry: "
        + "; ".join(f"{name}: {text}" for name, text in SHAPES.items()).replace("%", "%%")
        + " (extra-fields: responses are not checked against the spec, requests still are)",
    )
    add("--log-requests", action="store_true", help="log every request to stderr")
    return parser


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    return EmulatorConfig(
        port=args.port,
        records=args.records,
        seed=args.seed,
        data_end=args.data_end or utc_midnight_today(),
        data_start=args.data_start,
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_ttl=args.token_ttl,
        token_max_requests=args.token_max_requests,
        pending_polls=args.pending_polls,
        succeed_after_seconds=args.succeed_after,
        fail_queries=args.fail_queries,
        rate_limit_rpm=args.rate_limit,
        rate_limit_window=args.rate_limit_window,
        validate=not args.no_validate,
        strict=not args.lenient,
        faults=tuple(args.fault),
        log_requests=args.log_requests,
        redirect_over=args.redirect_over,
        record_cache=args.record_cache,
        realtime_days=args.realtime_days,
        now=args.now,
        live=args.live,
        late_percent=args.late_percent,
        late_by=args.late_by,
        history_every=args.history_every,
        shape=args.shape,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.log_requests else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        config = config_from_args(args)
    except ValueError as exc:  # options that do not go together (--data-start after --data-end)
        parser.error(str(exc))
    try:
        emulator = Emulator(config)
    except (ValueError, OSError, OverflowError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    emulator.start()
    print(f"Genesys audit emulator listening on {emulator.base_url}", flush=True)
    while not stop.wait(0.2):
        pass
    emulator.stop()
    print("Genesys audit emulator stopped", file=sys.stderr, flush=True)
    return 0
