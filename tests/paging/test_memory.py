"""Iterating ten times as many records does not need more memory: one page is held at a time.

Measured by bench/memory_paging.py in a fresh interpreter, so nothing else in the test session
(other servers' threads, earlier tests' garbage) allocates while tracemalloc watches.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench" / "memory_paging.py"


def test_peak_memory_does_not_grow_with_the_export() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--small", "1000", "--large", "10000", "--page-size", "100"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    counts = [int(n) for n in re.findall(r"^\s*(\d+) records", result.stdout, re.MULTILINE)]
    assert counts == [1000, 10000], result.stdout
    ratio = re.search(r"ratio large/small: ([\d.]+)", result.stdout)
    assert ratio is not None, result.stdout
    assert float(ratio.group(1)) < 1.5, result.stdout
