"""Exports under every fault at once: 429s, 503s, dropped connections and tokens refused every 30 calls.

A split export (one-day spans, eight at a time) of 60,000 records must come out exact and in order in
ten runs out of ten; the one-query export and `genesys-audit query --split 1d` once each. The faults
hit every route (token, create, status poll, results) and are shifted in each run, so every run
drops and refuses other requests: 5% answer 429, 5% answer 503, 1% are dropped before the server
handles them and 1% after (the answer is lost: a query was created, a token issued, a poll counted).

What keeps it quick while staying real: the emulator runs in its own process (the test process's core
goes to decoding), keeps the records' JSON between runs (--record-cache), lets queries finish after one
poll, and asks for no wait in its 429s; the client keeps its default retry policy's attempts and
deadline with its backoff a tenth as long, a rate limit of 300 requests a second instead of a minute,
and polls every 50 ms. (The CLI run keeps every default.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from genesys_cloud_audit import Client, RateLimiter, RetryPolicy, WaitPolicy, export_audits, query_audits

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from emulator.data import AuditDataset
from tests.cli.cli_helpers import cli_env, run_cli
from tests.support.emulator_process import EmulatorProcess, clean_run, large_dataset

pytestmark = pytest.mark.slow  # whole exports under faults

RECORDS = 60_000
SEED = 13
END = datetime(2026, 11, 1, tzinfo=UTC)
START = END - timedelta(days=30)
TOKEN_MAX_REQUESTS = 30
RUNS = 10
WAIT = WaitPolicy(first_interval=0.05, growth=1.5, max_interval=0.2, deadline=60.0)
RETRY = RetryPolicy(initial_backoff=RetryPolicy.initial_backoff / 10, max_backoff=RetryPolicy.max_backoff / 10)


def faults(run: int) -> list[str]:
    """Every route: 5% 429s, 5% 503s, 1% dropped unanswered, 1% answers lost; `run` shifts which requests."""
    return [
        f"429:every=20:skip={run}:retry_after=0",
        f"503:every=20:skip={(run + 10) % 20}",
        f"drop:every=100:skip={(7 * run) % 30}",  # skips under 30: even the one-query export (~150
        f"lose:every=100:skip={(7 * run + 15) % 30}",  # requests) meets each of them
    ]


@pytest.fixture(scope="module")
def soak_emulator() -> Iterator[EmulatorProcess]:
    yield from clean_run(*large_dataset(RECORDS, SEED, START, END), "--token-max-requests", str(TOKEN_MAX_REQUESTS))


@pytest.fixture(scope="module")
def expected_ids() -> list[str]:
    dataset = AuditDataset(seed=SEED, count=RECORDS, start=START, end=END)  # the emulator's own data set
    return [dataset.record_id(index) for index in range(RECORDS)]


def faulty(emulator: EmulatorProcess, run: int) -> EmulatorProcess:
    emulator.reset()
    for fault in faults(run):
        emulator.add_fault(fault)
    return emulator


def client_for(emulator: EmulatorProcess) -> Client:
    return Client(
        base_url=emulator.base_url,
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        retry=RETRY,
        rate_limit=RateLimiter(300, window=1.0),
    )


def assert_every_fault_fired(emulator: EmulatorProcess) -> None:
    assert all(rule["fired"] > 0 for rule in emulator.faults()), emulator.faults()
    stats = emulator.stats()
    assert stats["tokens_issued"] > 3 and stats["auth_failures"] > 3, stats  # tokens refused and renewed
    by_route = stats["by_route"]
    dropped = sum(by_route[route].get("0", 0) for route in by_route)
    assert dropped == stats["dropped"] > 0, stats


@pytest.mark.parametrize("run", range(RUNS))
def test_a_split_export_under_every_fault_is_exact_and_in_order(
    soak_emulator: EmulatorProcess, expected_ids: list[str], run: int
) -> None:
    emulator = faulty(soak_emulator, run)
    with (
        client_for(emulator) as client,
        export_audits(client, interval=(START, END), span=timedelta(days=1), concurrency=8, wait_policy=WAIT) as export,
    ):
        got = [str(record.id) for record in export]
    assert len(got) == RECORDS and got == expected_ids
    assert export.checkpoint().done and export.progress.done == 30
    assert_every_fault_fired(emulator)


def test_a_one_query_export_under_every_fault_is_exact_and_in_order(
    soak_emulator: EmulatorProcess, expected_ids: list[str]
) -> None:
    emulator = faulty(soak_emulator, 3)
    with client_for(emulator) as client:
        got = [str(record.id) for record in query_audits(client, interval=(START, END), wait_policy=WAIT)]
    assert got == expected_ids
    assert_every_fault_fired(emulator)


def test_the_cli_split_export_under_every_fault_is_exact_and_in_order(
    soak_emulator: EmulatorProcess, expected_ids: list[str], tmp_path: Path
) -> None:
    emulator = faulty(soak_emulator, 5)
    output = tmp_path / "audit.jsonl"
    result = run_cli(
        [
            "query",
            "--base-url",
            emulator.base_url,
            "--interval",
            f"{START.isoformat()}/{END.isoformat()}",
            "--split",
            "1d",
            "--concurrency",
            "8",
            "--output",
            str(output),
            "--quiet",
        ],
        env=cli_env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in output.read_text().splitlines()] == expected_ids
    assert_every_fault_fired(emulator)
