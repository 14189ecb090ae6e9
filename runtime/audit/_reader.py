"""One reader per export: the thread (or asyncio task) that first reads an export owns it until it ends.

An export hands its records out in one order and keeps one checkpoint, so two consumers reading it
at once would each see part of it (or wait on each other forever). The first thread or task that asks
for a record becomes the export's reader; any other that asks while that one is still running gets a
`ConfigurationError` at once, before anything is handed out. Ownership passes on only when the reader
ends (its thread finished, its task done) or its read failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .._core._errors import ConfigurationError

__all__: list[str] = []


@dataclass(frozen=True)
class Consumer:
    """A thread or an asyncio task, named, with a way to tell whether it still runs."""

    key: object
    name: str
    alive: Callable[[], bool]


def current_thread() -> Consumer:
    thread = threading.current_thread()
    return Consumer(thread, f"thread {thread.name!r}", thread.is_alive)


def current_task() -> Consumer:
    """The asyncio task running now (the thread when none is: a coroutine driven by hand)."""
    import asyncio  # imported late: sync use never needs it

    task = asyncio.current_task()
    if task is None:
        return current_thread()
    return Consumer(task, f"task {task.get_name()!r}", lambda: not task.done())


class OneReader:
    """Admits one consumer: `reading()` wraps every call that hands records out."""

    def __init__(self, identify: Callable[[], Consumer]) -> None:
        self._identify = identify
        self._lock = threading.Lock()
        self._owner: Consumer | None = None
        self._busy: Consumer | None = None  # the consumer inside a call

    def _refuse(self, problem: str) -> ConfigurationError:
        return ConfigurationError(
            f"this export is {problem}; an export has one reader at a time: read it from one thread or task "
            "(or give each reader an export of its own)"
        )

    @contextmanager
    def reading(self, *, claim: bool = True) -> Iterator[None]:
        """Admits the caller unless another consumer owns the export; it then owns it (unless not `claim`:
        starting a query hands nothing out, so another thread may read the export afterwards)."""
        me = self._identify()
        with self._lock:
            for other in (self._busy, self._owner):
                if other is not None and other.key is not me.key and other.alive():
                    raise self._refuse(f"being read by {other.name}")
            if self._busy is not None:  # the reader itself, again: its progress callback reading the export
                raise self._refuse(f"already being read by this {me.name.split()[0]} (from a progress callback?)")
            self._busy = me
            if claim:
                self._owner = me
        try:
            yield
        except BaseException:
            with self._lock:  # a failed read ends this reader's turn: another may carry on from the checkpoint
                if self._owner is not None and self._owner.key is me.key:
                    self._owner = None
            raise
        finally:
            self._busy = None
