"""OrderedWriter (workflows/_ordered_writer.py): steps run in the order given, off the caller's thread, and
the first failure stops every step after it."""

from __future__ import annotations

import threading

import pytest
from genesys_cloud_audit.workflows._ordered_writer import OrderedWriter


def test_steps_run_in_order_in_one_other_thread_and_drain_waits_for_them() -> None:
    writer = OrderedWriter(depth=2)
    done: list[tuple[int, str]] = []
    for index in range(50):
        writer.submit(lambda index=index: done.append((index, threading.current_thread().name)))
    writer.drain()
    assert [index for index, _ in done] == list(range(50))
    assert {name for _, name in done} == {"genesys-audit-writer"}


def test_the_caller_waits_while_depth_steps_are_queued() -> None:
    writer = OrderedWriter(depth=1)
    release = threading.Event()
    writer.submit(release.wait)  # running
    writer.submit(lambda: None)  # queued: the queue is full
    third = threading.Thread(target=writer.submit, args=(lambda: None,))
    third.start()
    third.join(0.2)
    assert third.is_alive()  # blocked until the running step ends
    release.set()
    third.join(5)
    assert not third.is_alive()
    writer.drain()


def test_the_first_failure_stops_every_later_step_and_is_raised_to_the_caller() -> None:
    writer = OrderedWriter()
    done: list[str] = []

    def fail() -> None:
        raise OSError(28, "No space left on device")

    writer.submit(lambda: done.append("page 1"))
    writer.submit(fail)
    writer.settle()  # waits, raises nothing
    assert writer.failed
    with pytest.raises(OSError, match="No space"):
        writer.submit(lambda: done.append("checkpoint after the failed page"))
    with pytest.raises(OSError, match="No space"):
        writer.drain()
    assert done == ["page 1"]


def test_a_failure_while_steps_are_queued_drops_them() -> None:
    writer = OrderedWriter(depth=3)
    release = threading.Event()
    done: list[str] = []

    def fail() -> None:
        release.wait()
        raise OSError(27, "File too large")

    writer.submit(fail)
    writer.submit(lambda: done.append("queued page"))
    writer.submit(lambda: done.append("queued checkpoint"))
    release.set()
    writer.settle()
    assert done == [] and writer.failed


def test_a_writer_given_nothing_starts_no_thread() -> None:
    writer = OrderedWriter()
    writer.drain()
    writer.settle()
    assert not writer.failed and writer._thread is None


def test_leaving_it_runs_every_step_submitted_then_ends_its_thread() -> None:
    done: list[int] = []
    with OrderedWriter(depth=2, name="audit-archive-writer") as writer:
        for index in range(10):
            writer.submit(lambda index=index: done.append(index))
        thread = writer._thread
    assert done == list(range(10))
    assert thread is not None and thread.name == "audit-archive-writer" and not thread.is_alive()
    with OrderedWriter():  # nothing submitted: no thread to end
        pass
