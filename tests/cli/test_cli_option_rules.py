"""Options that used to be silently wrong: a single-valued option given twice, an empty value, `--resume`
on an export that has finished, an output whose checkpoint file's name is too long; and intervals at the
edges of the rule (a duration side, the last instant there is) from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from emulator import Emulator
from tests.cli.cli_helpers import WHOLE_SPAN, cli_env, run_cli

# Should an option ever be dropped instead of refused, the client falls back to this dead local address,
# never to a Genesys region.
LOCAL_ONLY = cli_env(GENESYSCLOUD_API_REGION="http://127.0.0.1:9")


def query(emulator: Emulator, *args: str) -> list[str]:
    return ["query", "--base-url", emulator.base_url, *args]


def assert_usage_error(emulator: Emulator, args: list[str], *words: str, cwd: Path | None = None) -> str:
    result = run_cli(args, env=LOCAL_ONLY, cwd=cwd)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) <= 2 and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr
    assert emulator.stats()["requests"] == 0
    return result.stderr


@pytest.mark.parametrize(
    ("repeated", "named"),
    [
        (["--service", "Architect", "--service", "Routing"], "argument --service: given twice"),
        (["-o", "a.jsonl", "--output", "b.jsonl"], "argument -o/--output: given twice"),
        (["--sort", "ascending", "--sort", "descending"], "argument --sort: given twice"),
        (["--format", "csv", "--format", "jsonl"], "argument --format: given twice"),
        (["--page-size", "10", "--page-size", "20"], "argument --page-size: given twice"),
        (["--split", "1d", "--split", "2d"], "argument --split: given twice"),
        (["--base-url", "http://127.0.0.1:9", "--base-url", "http://127.0.0.1:9"], "argument --base-url: given twice"),
        (
            ["--client-secret", "hunter2-secret-1", "--client-secret", "hunter2-secret-2"],
            "--client-secret: given twice",
        ),
        (["--interval", "P1D/2026-10-02T00:00:00Z"], "argument --interval: given twice"),
    ],
)
def test_a_single_valued_option_given_twice_is_a_usage_error(
    emulator: Emulator, tmp_path: Path, repeated: list[str], named: str
) -> None:
    args = query(emulator, "--interval", WHOLE_SPAN, *repeated)
    stderr = assert_usage_error(emulator, args, named, cwd=tmp_path)  # (a relative -o lands in tmp_path)
    assert "hunter2" not in stderr and list(tmp_path.iterdir()) == []


def test_a_repeatable_option_still_repeats(emulator: Emulator) -> None:
    result = run_cli(
        query(emulator, "--interval", WHOLE_SPAN, "--filter", "Action=Delete", "--filter", "EntityType=User", "-q")
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "empty",
    [
        ["--service", ""],
        ["--service", "  "],
        ["--region", ""],
        ["--base-url", ""],
        ["--client-id", ""],
        ["-o", ""],
        ["--split", ""],
        ["--interval", ""],
    ],
)
def test_an_empty_value_is_refused(emulator: Emulator, tmp_path: Path, empty: list[str]) -> None:
    interval = [] if empty[0] == "--interval" else ["--interval", WHOLE_SPAN]
    assert_usage_error(emulator, query(emulator, *interval, *empty), empty[0], cwd=tmp_path)


def test_resume_on_a_finished_export_says_so_and_changes_nothing(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    args = query(emulator, "--interval", WHOLE_SPAN, "--service", "Routing", "-o", str(output))
    assert run_cli(args).returncode == 0
    before, written = os.stat(output), output.read_bytes()
    emulator.reset()
    resumed = run_cli([*args, "--resume"])
    assert resumed.returncode == 0, resumed.stderr
    assert "nothing to resume" in resumed.stderr and "--restart" in resumed.stderr
    after = os.stat(output)
    assert output.read_bytes() == written and (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["audit.jsonl"]
    assert emulator.stats()["requests"] == 0
    assert run_cli([*args, "--restart", "-q"]).returncode == 0  # and --restart writes it again
    assert os.stat(output).st_ino != before.st_ino


def test_an_output_whose_checkpoint_name_is_too_long_is_refused_before_any_request(
    emulator: Emulator, tmp_path: Path
) -> None:
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    longest = limit - len(".checkpoint.json.tmp")
    too_long = tmp_path / ("a" * (longest + 1))
    stderr = assert_usage_error(emulator, query(emulator, "--interval", WHOLE_SPAN, "-o", str(too_long)))
    assert "the name is too long for the files written beside it" in stderr and f"at most {longest} bytes" in stderr
    assert list(tmp_path.iterdir()) == []
    fits = tmp_path / ("a" * longest)
    result = run_cli(query(emulator, "--interval", WHOLE_SPAN, "--service", "Routing", "-o", str(fits)))
    assert result.returncode == 0, result.stderr
    assert [path.name for path in tmp_path.iterdir()] == [fits.name]


def test_a_duration_side_exports_what_its_resolved_interval_does(emulator: Emulator, tmp_path: Path) -> None:
    resolved = tmp_path / "resolved.jsonl"
    assert (
        run_cli(
            query(emulator, "--interval", "2026-10-01T00:00:00Z/2026-10-08T00:00:00Z", "-o", str(resolved))
        ).returncode
        == 0
    )
    for interval, extra in (("P7D/2026-10-08T00:00:00Z", []), ("2026-10-01T00:00:00Z/P1W", ["--split", "2d"])):
        output = tmp_path / "duration.jsonl"
        result = run_cli(query(emulator, "--interval", interval, *extra, "-o", str(output)))
        assert result.returncode == 0, result.stderr
        assert output.read_bytes() == resolved.read_bytes() and resolved.stat().st_size > 1000


@pytest.mark.parametrize(
    ("interval", "split"),
    [
        ("9999-12-01T00:00:00Z/9999-12-31T23:59:59.999Z", "7d"),
        ("2026-10-01T00:00:00Z/9999-12-31T23:59:59.999Z", "auto"),
        ("9990-01-01T00:00:00Z/9999-12-31T23:59:59.999Z", "3660d"),
    ],
)
def test_an_interval_ending_at_the_last_instant_there_is_exports(
    emulator: Emulator, tmp_path: Path, interval: str, split: str
) -> None:
    output = tmp_path / "far.jsonl"
    result = run_cli(
        query(emulator, "--interval", interval, "--split", split, "--max-sub-queries", "1000", "-o", str(output))
    )
    assert result.returncode == 0, result.stderr
    assert "OverflowError" not in result.stderr


def test_an_instant_outside_the_years_the_api_takes_is_a_usage_error(emulator: Emulator) -> None:
    assert_usage_error(
        emulator,
        query(emulator, "--interval", "2026-10-01T00:00:00Z/9999-12-31T23:30:00-05:00"),
        "outside the years 1 to 9999",
    )
    assert_usage_error(
        emulator, query(emulator, "--interval", "Pgarbage/2026-10-01T00:00:00Z"), "not an ISO-8601 duration"
    )
