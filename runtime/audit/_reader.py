"""One reader per export: the thread (or asyncio task) that first reads an export owns it until it ends.

An export hands its records out in one order and keeps one checkpoint, so two consumers reading it
at once would each see part of it (or wait on each other forever). The first thread or task that asks
for a record becomes the export's reader; any other that asks while that one is still running gets a
`ConfigurationError` at once, before anything is handed out. Ownership passes on only when the reader
ends (its thread finished, its task done) or its read failed.

The check runs for every record, so the reader's own calls take a path without a lock (only the reader
can pass it: nobody else becomes the reader while it runs).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from .._core._errors import ConfigurationError

__all__: list[str] = []


def _current_task() -> Any:
    """The asyncio task running now (the thread when none is: a coroutine driven by hand)."""
    import asyncio  # imported late: sync use never needs it

    return asyncio.current_task() or threading.current_thread()


def _alive(consumer: Any) -> bool:
    return bool(consumer.is_alive()) if isinstance(consumer, threading.Thread) else not consumer.done()


def _name(consumer: Any) -> str:
    return f"thread {consumer.name!r}" if isinstance(consumer, threading.Thread) else f"task {consumer.get_name()!r}"


class OneReader:
    """Admits one consumer: `with reader:` wraps every call that hands records out (the thread, or with
    `tasks` the asyncio task, that makes it becomes the reader); `starting()` a call that hands nothing
    out (it checks, but does not claim the export)."""

    def __init__(self, *, tasks: bool = False) -> None:
        self._current: Callable[[], Any] = _current_task if tasks else threading.current_thread
        self._lock = threading.Lock()
        self._owner: Any = None  # the reader: a Thread or a Task
        self._busy: Any = None  # the consumer inside a call

    def _refuse(self, problem: str) -> ConfigurationError:
        return ConfigurationError(
            f"this export is {problem}; an export has one reader at a time: read it from one thread or task "
            "(or give each reader an export of its own)"
        )

    def _admit(self, me: Any, *, claim: bool) -> None:
        with self._lock:
            for other in (self._busy, self._owner):
                if other is not None and other is not me and _alive(other):
                    raise self._refuse(f"being read by {_name(other)}")
            if self._busy is not None:  # the reader itself, again: its progress callback reading the export
                kind = "thread" if isinstance(me, threading.Thread) else "task"
                raise self._refuse(f"already being read by this {kind} (from a progress callback?)")
            self._busy = me
            if claim:
                self._owner = me

    def _leave(self, me: Any, failed: bool) -> None:
        if failed:  # a failed read ends this reader's turn: another may carry on from the checkpoint
            with self._lock:
                if self._owner is me:
                    self._owner = None
        self._busy = None

    def __enter__(self) -> None:
        me = self._current()
        if self._owner is me and self._busy is None:  # the reader again: nobody else can get here
            self._busy = me
            return
        self._admit(me, claim=True)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._leave(self._busy, kind is not None)

    @contextmanager
    def starting(self) -> Iterator[None]:
        me = self._current()
        self._admit(me, claim=False)
        try:
            yield
        except BaseException:
            self._leave(me, True)
            raise
        self._leave(me, False)
