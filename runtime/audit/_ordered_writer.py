"""Durable writes off the export's path: one thread runs the steps it is given, in that order.

A step is a write and its sync: a page's bytes and then the checkpoint that counts them (the CLI's file
export), or a page committed with its checkpoint (the archive's SQLite, which works with the GIL
released). Waiting for the disk in the export's thread would leave it idle; `OrderedWriter` runs the
steps in a thread instead, at most `depth` steps behind, while the export fetches and decodes its next
page. The steps keep their order, so whatever moment the process stops at, the checkpoint on disk
counts only what is already on disk.

The first step that fails stops every step after it (nothing later may describe what was never
written) and is raised to the caller by its next `submit` or `drain`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType

__all__: list[str] = []

Step = Callable[[], None]


class OrderedWriter:
    """Runs submitted steps one after another in one thread (started on the first step). As a context
    manager, it lets the steps submitted run on leaving, then ends its thread."""

    def __init__(self, depth: int = 2, *, name: str = "genesys-audit-writer") -> None:
        self._steps: queue.Queue[Step | None] = queue.Queue(depth)
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._name = name

    def submit(self, step: Step) -> None:
        """Queues `step` (waiting while `depth` steps are queued); raises an earlier step's failure."""
        self._raise()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()
        self._steps.put(step)

    def drain(self) -> None:
        """Waits until every step submitted has run; raises the first failure."""
        self.settle()
        self._raise()

    def settle(self) -> None:
        """Waits until every step submitted has run (or was dropped after a failure); raises nothing."""
        if self._thread is not None:
            self._steps.join()

    @property
    def failed(self) -> bool:
        return self._failure is not None

    def _raise(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        while (step := self._steps.get()) is not None:
            try:
                if self._failure is None:
                    step()
            except BaseException as error:  # handed to the caller's thread
                self._failure = error
            finally:
                self._steps.task_done()
        self._steps.task_done()

    def __enter__(self) -> OrderedWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        """Lets the steps submitted run (each one whole), then ends the thread."""
        if self._thread is not None:
            self._steps.put(None)
            self._thread.join()
            self._thread = None
