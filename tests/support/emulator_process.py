"""`python -m emulator` in a child process, driven through its control API (/_emulator/...).

For tests that need the emulator off the test process's interpreter: to read what it prints on
stderr, or to give it a core of its own while the test process decodes what it serves.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

__all__ = ["EmulatorProcess", "clean_run", "large_dataset", "start_emulator"]

ROOT = Path(__file__).resolve().parents[2]
_LISTENING = re.compile(r"^Genesys audit emulator listening on (http://127\.0\.0\.1:\d+)$")


def large_dataset(records: int, seed: int, start: datetime, end: datetime) -> list[str]:
    """The emulator's options for a large seeded dataset served quickly: its records kept in memory as
    JSON, no response validation, each query done at its first poll."""
    span = ["--data-start", start.isoformat(), "--data-end", end.isoformat()]
    quick = ["--no-validate", "--pending-polls", "1", "--record-cache", str(records)]
    return ["--records", str(records), "--seed", str(seed), *span, *quick]


def start_emulator(*args: str) -> tuple[subprocess.Popen[str], str]:
    """`python -m emulator` with `args` (``--port 0`` is added), once it says it listens: the process and
    its base URL (it is killed, and the test fails with its stderr, when its first line says otherwise)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0", *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    match = _LISTENING.match(line)
    if match is None:
        process.kill()
        raise AssertionError(f"the emulator did not start ({line!r}): {process.communicate()[1]}")
    return process, match.group(1)


class EmulatorProcess:
    """Starts the emulator with `args` (``--port 0`` is added) and waits until it listens."""

    def __init__(self, *args: str) -> None:
        self.process, self.base_url = start_emulator(*args)
        self.port = httpx.URL(self.base_url).port or 0
        self._control = httpx.Client(base_url=self.base_url, timeout=30)

    def reset(self) -> None:
        self._control.post("/_emulator/reset").raise_for_status()

    def add_fault(self, spec: str) -> None:
        self._control.post("/_emulator/faults", json={"spec": spec}).raise_for_status()

    def faults(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._control.get("/_emulator/faults").json()["faults"]
        return found

    def stats(self) -> dict[str, Any]:
        found: dict[str, Any] = self._control.get("/_emulator/stats").json()
        return found

    def stop(self) -> str:
        """Stops it as Ctrl-C would; what it printed on stderr."""
        self._control.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _out, err = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, err
        return err

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self._control.close()


def clean_run(*args: str) -> Iterator[EmulatorProcess]:
    """A fixture's body: the emulator started with `args`, then stopped as Ctrl-C would, with no
    traceback on its stderr."""
    with EmulatorProcess(*args) as emulator:
        yield emulator
        assert "Traceback" not in emulator.stop()
