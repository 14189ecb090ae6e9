"""`scripts/demo.sh` end to end, and the summary script it ends with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from summarize import summarize  # noqa: E402


def test_summarize_counts_by_service_and_action() -> None:
    records = [
        {"serviceName": s, "action": a, "eventDate": d}
        for s, a, d in [("A", "Delete", "2026-01-02"), ("A", "Create", "2026-01-01"), ("B", "Delete", "2026-01-03")]
    ]
    lines = summarize(json.dumps(record) for record in records)
    assert lines[0] == "3 audit records from 2026-01-01 to 2026-01-03"
    assert lines[lines.index("by service:") + 1].split() == ["A", "2"]
    assert lines[lines.index("by action:") + 1].split() == ["Delete", "2"]


@pytest.mark.slow
def test_demo_exports_and_summarizes(tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    env = {**os.environ, "DEMO_RECORDS": "1500", "DEMO_OUTPUT": str(output)}
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "demo.sh")], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    records = output.read_text().splitlines()
    assert records
    assert f"{len(records)} audit records from" in result.stdout
    assert "by service:" in result.stdout and "by action:" in result.stdout
    assert "emulator: http://127.0.0.1:" in result.stdout
