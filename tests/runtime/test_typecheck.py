"""mypy --strict accepts a consumer script that uses the whole public API."""

import os
import subprocess
import sys
from pathlib import Path

CONSUMER = Path(__file__).with_name("consumer_typecheck.py")
GENERATED = Path(__file__).resolve().parents[2] / "generated"  # the editable install is invisible to mypy


def test_consumer_script_passes_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file=", str(CONSUMER)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MYPYPATH": str(GENERATED)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
