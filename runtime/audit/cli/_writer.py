"""Durable writes off the export's path: one thread runs a file's writes and syncs in the order given.

An export to a file makes every page durable (its bytes synced, then the checkpoint that counts them
synced and renamed into place) before the next page's checkpoint can be. Waiting for the disk there
would leave the export idle; `OrderedWriter` runs those steps in a thread instead, at most `depth`
steps behind, while the export fetches and decodes its next page. The steps keep their order, so
whatever moment the process stops at, the checkpoint on disk counts only bytes already on disk.

The first step that fails stops every step after it (nothing later may describe bytes that were
never written) and is raised to the caller by its next `submit` or `drain`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

__all__: list[str] = []

Step = Callable[[], None]


class OrderedWriter:
    """Runs submitted steps one after another in one thread (started on the first step)."""

    def __init__(self, depth: int = 2) -> None:
        self._steps: queue.Queue[Step] = queue.Queue(depth)
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None

    def submit(self, step: Step) -> None:
        """Queues `step` (waiting while `depth` steps are queued); raises an earlier step's failure."""
        self._raise()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="genesys-audit-writer", daemon=True)
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
        while True:
            step = self._steps.get()
            try:
                if self._failure is None:
                    step()
            except BaseException as error:  # handed to the caller's thread
                self._failure = error
            finally:
                self._steps.task_done()
