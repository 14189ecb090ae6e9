"""An export's lifecycle: dropped, closed or abandoned mid-way, it leaves no thread, task or socket
behind; cancelled from outside, an async export cancels and awaits its tasks; read from several
threads or tasks at once, it has exactly one reader and refuses the others at once (never a hang, a
duplicate or a lost record).

The emulator runs in a child process here, so the sockets counted are only the client's. Every wait is
bounded: a worker must be gone within a second of its export being dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from genesys_cloud_audit import (
    Client,
    ConfigurationError,
    ExportProgress,
    WaitPolicy,
    export_audits,
    export_audits_async,
    query_audits,
    query_audits_async,
)

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator
from tests.support.emulator_process import EmulatorProcess
from tests.workflows.conftest import FAST, SPAN, expected_ids

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts sockets in /proc/self/fd")

START = datetime(2026, 10, 1, tzinfo=UTC)
END = datetime(2026, 10, 9, tzinfo=UTC)
QUICK = WaitPolicy(first_interval=0.01, growth=1.0, deadline=30.0)
WITHIN = 1.0  # seconds a dropped export's workers may take to stop
BOUND = 60.0  # the longest any thread of a test may run (a hang fails instead of blocking the suite)


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(
        "--records",
        "8000",
        "--seed",
        "4",
        "--data-start",
        START.isoformat(),
        "--data-end",
        END.isoformat(),
        "--pending-polls",
        "0",
        "--no-validate",
    ) as emulator:
        yield emulator


@pytest.fixture
def emulator(server: EmulatorProcess) -> EmulatorProcess:
    server.reset()
    return server


def new_client(emulator: EmulatorProcess | Emulator) -> Client:
    return Client(base_url=emulator.base_url, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET)


def sockets() -> int:
    """The sockets this process has open."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the descriptor listdir itself used, closed by now
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    return count


def split_export(client: Client) -> Any:
    return export_audits(
        client, interval=(START, END), span=timedelta(days=1), concurrency=8, page_size=50, wait_policy=QUICK
    )


def others(before: set[threading.Thread]) -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread not in before]


def assert_stop_within(threads: list[threading.Thread], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert [thread.name for thread in threads if thread.is_alive()] == []


def bounded(call: Callable[[], object]) -> object:
    """What `call` returned or raised, run in a thread that must end within BOUND seconds."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert_stop_within([thread], BOUND)
    return outcome[0]


def abandon_with_break(client: Client) -> None:
    for _record in split_export(client):
        break


def abandon_with_del(client: Client) -> None:
    export = split_export(client)
    next(export)
    del export


def abandon_batches(client: Client) -> None:
    for _batch in split_export(client).batches():
        break


@pytest.mark.parametrize("abandon", [abandon_with_break, abandon_with_del, abandon_batches])
def test_a_dropped_split_export_stops_its_threads_and_returns_its_sockets(
    emulator: EmulatorProcess, abandon: Callable[[Client], None]
) -> None:
    threads, open_sockets = set(threading.enumerate()), sockets()
    client = new_client(emulator)
    abandon(client)
    workers = others(threads)
    gc.collect()
    assert_stop_within(workers, WITHIN)
    client.close()
    assert sockets() == open_sockets


def test_closing_a_split_export_stops_its_threads_before_it_returns(emulator: EmulatorProcess) -> None:
    threads, open_sockets = set(threading.enumerate()), sockets()
    with new_client(emulator) as client:
        export = split_export(client)
        next(export)
        workers = others(threads)
        assert len(workers) == 8
        export.close()
        assert [thread.name for thread in workers if thread.is_alive()] == []
        ended = bounded(lambda: next(export))  # never a hang on a queue nobody fills
        assert isinstance(ended, ConfigurationError) and "closed" in str(ended)
    assert sockets() == open_sockets


def test_a_worker_waiting_between_status_polls_stops_at_once(emulator: EmulatorProcess) -> None:
    """Queries that keep running put the workers to sleep between polls (30 s here); closing wakes them,
    and the thread blocked reading the export is told it was closed."""
    httpx.patch(f"{emulator.base_url}/_emulator/config", json={"pending_polls": 1000}).raise_for_status()
    threads = set(threading.enumerate())
    polled = threading.Event()
    slow = WaitPolicy(first_interval=30.0, growth=1.0, deadline=120.0)
    ended: list[BaseException] = []

    def read() -> None:
        try:
            next(export)
        except BaseException as error:
            ended.append(error)

    with new_client(emulator) as client:
        export = export_audits(
            client,
            interval=(START, END),
            span=timedelta(days=4),
            concurrency=2,
            wait_policy=slow,
            progress=lambda event: event.state == "Running" and polled.set(),
        )
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        assert polled.wait(BOUND)
        started = time.monotonic()
        export.close()
        assert time.monotonic() - started < WITHIN
        assert [thread.name for thread in others(threads) if thread is not reader and thread.is_alive()] == []
        assert_stop_within([reader], WITHIN)
    assert len(ended) == 1 and isinstance(ended[0], ConfigurationError) and "closed" in str(ended[0])


def test_a_dropped_async_split_export_cancels_its_tasks_and_returns_its_sockets(emulator: EmulatorProcess) -> None:
    open_sockets = sockets()

    async def main() -> None:
        tasks = asyncio.all_tasks()
        async with new_client(emulator) as client:
            export = export_audits_async(
                client, interval=(START, END), span=timedelta(days=1), concurrency=8, page_size=50, wait_policy=QUICK
            )
            await anext(export)
            workers = asyncio.all_tasks() - tasks
            assert len(workers) == 8
            del export
            gc.collect()
            _done, pending = await asyncio.wait(workers, timeout=WITHIN)
            assert pending == set()
        assert asyncio.all_tasks() == tasks

    asyncio.run(main())
    assert sockets() == open_sockets


def test_an_async_split_export_cancelled_from_outside_cancels_and_awaits_its_tasks(emulator: EmulatorProcess) -> None:
    emulator.add_fault("delay:path=/results:seconds=5")  # every worker is inside a request when the reader gives up

    async def main() -> None:
        tasks = asyncio.all_tasks()
        async with new_client(emulator) as client:
            export = export_audits_async(
                client, interval=(START, END), span=timedelta(days=1), concurrency=4, wait_policy=QUICK
            )
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(anext(export), timeout=0.5)
            assert asyncio.all_tasks() == tasks  # cancelled and awaited before the cancellation reached us
            with pytest.raises(ConfigurationError, match="closed"):
                await anext(export)

    asyncio.run(main())


def test_an_async_one_query_export_cancelled_from_outside_leaves_no_task(emulator: EmulatorProcess) -> None:
    emulator.add_fault("delay:path=/results:seconds=5")

    async def main() -> None:
        tasks = asyncio.all_tasks()
        async with new_client(emulator) as client:
            export = query_audits_async(client, interval=(START, END), wait_policy=QUICK)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(anext(export), timeout=0.5)
            assert asyncio.all_tasks() == tasks

    asyncio.run(main())


# One reader at a time


def read_from_threads(export: Any, readers: int = 4) -> tuple[list[list[str]], list[BaseException | None]]:
    """Reads `export` from `readers` threads started together; what each got, and how each ended."""
    got: list[list[str]] = [[] for _ in range(readers)]
    ended: list[BaseException | None] = [None] * readers
    ready = threading.Barrier(readers)

    def read(slot: int) -> None:
        ready.wait()
        try:
            for record in export:
                got[slot].append(str(record.id))
        except BaseException as error:
            ended[slot] = error

    threads = [threading.Thread(target=read, args=(slot,), daemon=True) for slot in range(readers)]
    for thread in threads:
        thread.start()
    assert_stop_within(threads, BOUND)  # no reader hangs
    return got, ended


@pytest.mark.parametrize(
    "make",
    [
        lambda client: query_audits(client, interval=SPAN, page_size=100, wait_policy=FAST),
        lambda client: export_audits(client, interval=SPAN, span=timedelta(days=2), page_size=100, wait_policy=FAST),
        lambda client: export_audits(client, interval=SPAN, page_size=100, wait_policy=FAST),
    ],
    ids=["query_audits", "export_audits-fixed", "export_audits-auto"],
)
def test_four_threads_reading_one_export_get_one_reader_and_a_clear_error_each(
    emu: Emulator, client: Client, make: Callable[[Client], Any]
) -> None:
    export = make(client)
    try:
        got, ended = read_from_threads(export)
    finally:
        getattr(export, "close", lambda: None)()
    readers = [slot for slot, error in enumerate(ended) if error is None]
    assert len(readers) == 1
    assert got[readers[0]] == expected_ids(emu)  # every record once, in order
    for slot, error in enumerate(ended):
        if slot not in readers:
            assert isinstance(error, ConfigurationError) and "one reader at a time" in str(error)
            assert got[slot] == []


def test_tasks_reading_one_async_export_get_one_reader(emu: Emulator, client: Client) -> None:
    async def main() -> None:
        async with new_client(emu) as async_client:
            export = export_audits_async(
                async_client, interval=SPAN, span=timedelta(days=2), page_size=100, wait_policy=FAST
            )

            async def read() -> list[str]:
                return [str(record.id) async for record in export]

            results = await asyncio.wait_for(asyncio.gather(*(read() for _ in range(4)), return_exceptions=True), BOUND)
            await export.aclose()
        readers = [result for result in results if isinstance(result, list)]
        assert readers == [expected_ids(emu)]
        assert all(isinstance(result, ConfigurationError) for result in results if not isinstance(result, list))

    asyncio.run(main())


def test_after_its_reader_ends_another_thread_may_carry_on(emu: Emulator, client: Client) -> None:
    export = query_audits(client, interval=SPAN, page_size=100, wait_policy=FAST)
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.extend(str(next(export).id) for _ in range(150)))
    reader.start()
    reader.join(BOUND)
    assert not reader.is_alive()
    assert first + [str(record.id) for record in export] == expected_ids(emu)


def test_a_progress_callback_reading_its_own_export_is_refused(emu: Emulator, client: Client) -> None:
    seen: list[BaseException] = []

    def peek(event: ExportProgress) -> None:
        if event.event == "page" and not seen:
            try:
                next(export)
            except ConfigurationError as error:
                seen.append(error)

    export = query_audits(client, interval=SPAN, page_size=100, wait_policy=FAST, progress=peek)
    assert [str(record.id) for record in export] == expected_ids(emu)
    assert len(seen) == 1 and "progress callback" in str(seen[0])


def test_a_finished_split_export_read_again_simply_ends(emu: Emulator, client: Client) -> None:
    threads = set(threading.enumerate())
    export = export_audits(client, interval=SPAN, span=timedelta(days=2), page_size=100, wait_policy=FAST)
    assert [str(record.id) for record in export] == expected_ids(emu)
    assert list(export) == [] and list(export.batches()) == []  # ended, not "closed"
    assert [thread.name for thread in others(threads) if thread.name.startswith("audit-export")] == []
