"""Options are checked before anything is sent: numbers finite and in range, durations bounded, splits
capped (the plan counted, never built, past the cap), combinations that do not go together refused;
usage errors in two lines; `--version`; what zero records and small exports say."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from genesys_cloud_audit import __version__
from genesys_cloud_audit.workflows.cli._formats import CSV_COLUMNS

from emulator import Emulator
from tests.cli.cli_helpers import WHOLE_SPAN, jsonl, run_cli

NOTHING = "2020-01-01T00:00:00Z/2020-02-01T00:00:00Z"  # long before the emulator's data
TEN_YEARS = "2016-01-01T00:00:00Z/2026-01-01T00:00:00Z"


def query(emulator: Emulator, *args: str) -> list[str]:
    return ["query", "--base-url", emulator.base_url, *args]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--last", ""], "--last"),
        (["--last", "99999999999d"], "from 1s to 3660d"),
        (["--last", "3661d"], "from 1s to 3660d"),
        (["--last", "0d"], "--last"),
        (["--last", "-1d"], "--last"),
        (["--last", "1d", "--wait-timeout", "-1"], "--wait-timeout"),
        (["--last", "1d", "--wait-timeout", "nan"], "--wait-timeout"),
        (["--last", "1d", "--wait-timeout", "inf"], "--wait-timeout"),
        (["--last", "1d", "--wait-timeout", "0"], "more than 0"),
        (["--last", "1d", "--wait-timeout", "86401"], "to 86,400"),
        (["--last", "1d", "--page-size", "501"], "--page-size"),
        (["--last", "1d", "--page-size", "1e2"], "--page-size"),
        (["--last", "1d", "--split", "1d", "--concurrency", "0"], "--concurrency"),
        (["--last", "1d", "--split", "1d", "--concurrency", "65"], "--concurrency"),
        (["--last", "1d", "--split", "99999999999d"], "--split"),
        (["--last", "1d", "--split", "1d", "--max-sub-queries", "0"], "--max-sub-queries"),
        (["--interval", TEN_YEARS, "--split", "1s"], "315,619,200 sub-queries"),
        (["--last", "1d", "--split", "5s"], "17,280 sub-queries"),
        (["--interval", TEN_YEARS, "--split", "1d", "--max-sub-queries", "3000"], "3,653 sub-queries"),
        (["--last", "1d", "--resume", "--restart"], "not allowed with"),
        (["--last", "1d", "--concurrency", "4"], "--concurrency needs --split"),
        (["--last", "1d", "--unordered"], "--unordered needs --split"),
        (["--last", "1d", "--max-sub-queries", "5"], "--max-sub-queries needs --split"),
        (["--last", "1d", "--restart"], "--restart needs --output FILE"),
        (["--last", "1d", "--quiet", "--progress"], "not allowed with"),
        (["--interval", "2026-10-01T00:00:00Z"], "start/end"),
        (["--last", "1d", "--filter", "Colour=red"], "--filter"),
    ],
)
def test_a_bad_option_is_a_short_usage_error_before_any_request(
    emulator: Emulator, args: list[str], named: str
) -> None:
    result = run_cli(query(emulator, *args))
    assert result.returncode == 2, result.stderr
    assert named in result.stderr
    assert len(result.stderr.splitlines()) <= 2 and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert emulator.stats()["requests"] == 0


def test_a_split_under_a_raised_cap_runs(emulator: Emulator) -> None:
    result = run_cli(query(emulator, "--interval", WHOLE_SPAN, "--split", "1d", "--max-sub-queries", "31", "-q"))
    assert result.returncode == 0, result.stderr
    refused = run_cli(query(emulator, "--interval", WHOLE_SPAN, "--split", "1d", "--max-sub-queries", "30"))
    assert refused.returncode == 2 and "31 sub-queries, more than --max-sub-queries 30" in refused.stderr


def test_the_plan_of_a_split_export_is_shown_before_it_runs(emulator: Emulator) -> None:
    result = run_cli(query(emulator, "--interval", WHOLE_SPAN, "--split", "2d", "--concurrency", "4"))
    assert result.returncode == 0, result.stderr
    plan = result.stderr.splitlines()[0]
    assert plan == (
        "genesys-audit: 16 sub-queries of 2d, 4 at a time: at least 49 requests, no wait under the rate limit "
        "of 300 a minute"
    )
    quiet = run_cli(query(emulator, "--interval", WHOLE_SPAN, "--split", "2d", "--quiet"))
    assert quiet.returncode == 0 and quiet.stderr == ""


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_zero_records_keep_stdout_valid_and_say_so_on_stderr(emulator: Emulator, fmt: str) -> None:
    result = run_cli(query(emulator, "--interval", NOTHING, "--service", "Routing", "--format", fmt))
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(result.stdout, newline=""))) == [list(CSV_COLUMNS)]
    elif fmt == "table":
        assert len(result.stdout.splitlines()) == 2 and result.stdout.startswith("eventDate")
    else:
        assert result.stdout == ""
    line = result.stderr.strip()
    assert line.startswith(f"genesys-audit: no records in {NOTHING} (service Routing); check the interval")
    assert "--service" in line and "servicemapping" in line and len(result.stderr.splitlines()) == 1


def test_small_exports_count_in_the_singular(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "one.jsonl"
    result = run_cli(query(emulator, "--interval", WHOLE_SPAN, "--service", "Routing", "-o", str(output)))
    records = len(jsonl(output.read_text()))
    assert result.returncode == 0 and 1 < records <= 500
    assert f"wrote {records} records (1 page) to {output}" in result.stderr
    empty = run_cli(query(emulator, "--interval", NOTHING, "-o", str(output)))
    assert "wrote 0 records (0 pages)" in empty.stderr


def test_version() -> None:
    result = run_cli(["--version"])
    assert result.returncode == 0 and result.stdout == f"genesys-audit {__version__}\n"


@pytest.mark.parametrize("command", ["query", "realtime", "results", "related", "status", "completion"])
def test_usage_errors_are_two_lines_and_help_stays_full(command: str) -> None:
    short = run_cli([command, "--no-such-option"])
    assert short.returncode == 2
    first, second = short.stderr.splitlines()
    assert first.startswith(f"genesys-audit {command}: error: ")
    assert second == f"genesys-audit {command}: see 'genesys-audit {command} --help' for the options"
    full = run_cli([command, "--help"])
    assert full.returncode == 0 and full.stdout.startswith(f"usage: genesys-audit {command}")
    assert len(full.stdout.splitlines()) > 5


def test_help_loads_nothing_of_the_client() -> None:
    """`--help` (and a usage error) answer from the parser alone: no model, no httpx, no export engine."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from genesys_cloud_audit.workflows.cli import main\n"
        "for argv in (['--help'], ['query', '--help'], ['query', '--page-size', '0']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "loaded = [name for name in sys.modules if name.startswith(('httpx', 'msgspec', 'tenacity'))\n"
        "          or name.startswith('genesys_cloud_audit.') and '_parser' not in name and 'cli._main' not in name\n"
        "          and name not in ('genesys_cloud_audit.workflows', 'genesys_cloud_audit.workflows.cli',\n"
        "                           'genesys_cloud_audit.workflows._limits', 'genesys_cloud_audit.workflows.cli._formats')]\n"
        "print(loaded, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "[]"
    assert "usage: genesys-audit query" in done.stdout
