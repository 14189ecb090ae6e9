"""Writing pages off the export's path: one thread commits them in order while the next is handed out.

SQLite does its work with the GIL released, so while a page commits (with its checkpoint) the export's
workers keep fetching and the caller takes the next page. At most `depth` pages wait. The first write that
fails stops every later one (nothing may commit a checkpoint past a page that was not stored) and is raised
by the next `submit` or by `drain`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType

__all__: list[str] = []

Step = Callable[[], None]


class PageWriter:
    """Runs submitted steps one after another in a thread of its own."""

    def __init__(self, depth: int = 2) -> None:
        self._steps: queue.Queue[Step | None] = queue.Queue(depth)
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="audit-archive-writer", daemon=True)
        self._thread.start()

    def submit(self, step: Step) -> None:
        """Queues `step` (waiting while `depth` steps wait); raises an earlier step's failure."""
        self._raise()
        self._steps.put(step)

    def drain(self) -> None:
        """Waits until every step submitted has run; raises the first failure."""
        self._steps.join()
        self._raise()

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

    def __enter__(self) -> PageWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        """Lets the steps submitted run (each commits a page with its own checkpoint), then ends the thread."""
        self._steps.put(None)
        self._thread.join()
