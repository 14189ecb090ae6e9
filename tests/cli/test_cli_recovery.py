"""Every failure names the one command that will work: `--resume` only when resuming can succeed, else
`--restart` or the fix. Checkpoints that do not match their partial file, their options or any position
the export can reach are refused (never a short "successful" file); a page that comes as a download
link is one line, and resuming after it is exact."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from genesys_cloud_audit.workflows._checkpoint import digest
from genesys_cloud_audit.workflows.cli._formats import format_for

from emulator import Emulator
from tests.cli.cli_helpers import (
    WHOLE_SPAN,
    assert_finished,
    cli_env,
    query_args,
    read_checkpoint,
    run_cli,
    start_cli,
    wait_for_pages,
    written,
)
from tests.support.scripted_server import ScriptedServer, json_response, token_issuer

V1 = Path(__file__).parents[1] / "fixtures" / "checkpoints" / "v1"


def export_args(
    emulator: Emulator | ScriptedServer, output: Path | str, *extra: str, page_size: int = 100
) -> list[str]:
    return query_args(emulator, output, "--page-size", str(page_size), *extra)


def clean_run(emulator: Emulator, output: Path, *extra: str) -> bytes:
    return written(export_args(emulator, output, *extra), output)


def one_line(stderr: str) -> str:
    """The error, which takes one line (a split export's plan may come before it)."""
    lines = [line for line in stderr.strip().splitlines() if not line.startswith("genesys-audit: 16 sub-queries")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def interrupted(emulator: Emulator, output: Path, *extra: str, pages: int = 3) -> dict[str, Any]:
    """An export to `output` stopped by an error after `pages` pages; its checkpoint."""
    emulator.add_fault(f"400:path=/results:skip={pages}:count=1")
    assert run_cli(export_args(emulator, output, *extra)).returncode == 1
    emulator.reset()
    saved = read_checkpoint(output)
    assert saved is not None and saved["file"]["pages"] == pages
    return saved


# Failures and the command each one names


def test_a_failed_query_with_nothing_written_is_run_again_by_the_same_command(
    emulator: Emulator, tmp_path: Path
) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl")
    output = tmp_path / "audit.jsonl"
    emulator.app.config.update({"fail_queries": True})
    failed = run_cli(export_args(emulator, output))
    line = one_line(failed.stderr)
    assert failed.returncode == 1 and "ended in state Failed; run the command again to run it as a new query" in line
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["clean.jsonl"]  # nothing to resume from
    emulator.app.config.update({"fail_queries": False})
    assert run_cli(export_args(emulator, output)).returncode == 0
    assert_finished(output, expected)
    streamed = run_cli(export_args(emulator, "-", "--service", "EmulatorCancel"))
    assert "ended in state Cancelled; run the command again" in one_line(streamed.stderr)


def test_a_failed_sub_query_resumes_as_a_new_query(emulator: Emulator, tmp_path: Path) -> None:
    split = ("--split", "2d", "--concurrency", "1")
    expected = clean_run(emulator, tmp_path / "clean.jsonl", *split)
    output = tmp_path / "audit.jsonl"
    emulator.reset()
    emulator.add_fault("delay:path=/results:seconds=0.3")  # the first sub-query's second page takes a while
    process = start_cli(export_args(emulator, output, *split))
    wait_for_pages(output, 1, process)
    emulator.app.config.update({"fail_queries": True})  # the second sub-query is created after its first ended
    _, stderr = process.communicate(timeout=60)
    line = one_line(stderr)
    assert process.returncode == 1 and "ended in state Failed" in line
    assert line.endswith("run the same command with --resume to run it again as a new query")
    saved = read_checkpoint(output)
    assert saved is not None and saved["parts"][0]["done"] and saved["parts"][1]["transactionId"] is None
    emulator.reset()
    resumed = run_cli(export_args(emulator, output, "--resume", *split))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, expected)
    assert emulator.stats()["queries_created"] == 15  # the first sub-query is not run again


def test_refused_credentials_name_the_fix_and_leave_nothing_to_resume(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    refused = run_cli(export_args(emulator, output), env=cli_env(GENESYSCLOUD_OAUTHCLIENT_SECRET="wrong-secret"))
    assert refused.returncode == 1
    line = one_line(refused.stderr)
    assert "HTTP 401" in line and "GENESYSCLOUD_OAUTHCLIENT_SECRET" in line and "--resume" not in line
    assert list(tmp_path.iterdir()) == []  # nothing was made, so the fixed command needs no --restart
    assert run_cli(export_args(emulator, output)).returncode == 0


def test_credentials_refused_midway_name_the_fix_then_resume(emulator: Emulator, tmp_path: Path) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl")
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("401:path=/results:skip=2:count=50")
    refused = run_cli(export_args(emulator, output))
    line = one_line(refused.stderr)
    assert refused.returncode == 1 and "HTTP 401" in line
    assert line.endswith(
        "(GENESYSCLOUD_OAUTHCLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET), then run the same command with --resume"
    )
    emulator.reset()
    assert run_cli(export_args(emulator, output, "--resume")).returncode == 0
    assert_finished(output, expected)


def test_a_query_the_server_refuses_names_the_options_not_resume(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    refused = run_cli(export_args(emulator, output, "--service", "NoSuchService"))
    line = one_line(refused.stderr)
    assert (
        refused.returncode == 1
        and "HTTP 400" in line
        and line.endswith("the server refused the query: change the options")
    )
    assert list(tmp_path.iterdir()) == []


def test_a_wait_that_times_out_names_resume_or_the_transaction(emulator: Emulator, tmp_path: Path) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl")
    emulator.reset()
    emulator.app.config.update({"succeed_after_seconds": 2.0})
    output = tmp_path / "audit.jsonl"
    timed_out = run_cli(export_args(emulator, output, "--wait-timeout", "0.3"))
    line = one_line(timed_out.stderr)
    assert timed_out.returncode == 1 and "--resume to wait for it again" in line and "--wait-timeout" in line
    resumed = run_cli(export_args(emulator, output, "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, expected)
    assert emulator.stats()["queries_created"] == 1  # the same query, waited for again
    streamed = run_cli(export_args(emulator, "-", "--wait-timeout", "0.3"))
    named = re.search(r"audit query (\S+) is still", streamed.stderr)
    assert named is not None
    assert f"`genesys-audit results {named.group(1)}` waits for it again" in one_line(streamed.stderr)


def test_an_interrupted_export_names_resume_only_once_there_is_something_to_resume(
    emulator: Emulator, tmp_path: Path
) -> None:
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("503:path=/api/v2/audits/query$:count=100")  # the query is never created
    failed = run_cli(export_args(emulator, output))
    assert failed.returncode == 1 and "HTTP 503" in failed.stderr and "--resume" not in failed.stderr
    assert list(tmp_path.iterdir()) == []
    emulator.reset()
    emulator.add_fault("503:path=/results:skip=2:count=100")
    failed = run_cli(export_args(emulator, output))
    assert one_line(failed.stderr).endswith("; run the same command with --resume to continue")


# Checkpoints that do not match


def tampered(output: Path, change: Any, *, sign: bool = True) -> Path:
    """Changes the checkpoint; signed with the digest of what it then says (as someone who knows the format
    would), so what is refused is the change itself, by the checks behind the digest."""
    path = output.with_name(output.name + ".checkpoint.json")
    data = json.loads(path.read_text())
    change(data)
    if sign and "digest" in data:  # (a checkpoint of version 1 has none)
        data["digest"] = digest(data)
    path.write_text(json.dumps(data))
    return path


def set_part(**fields: object) -> Any:
    return lambda data: data["parts"][0].update(fields)


def set_file(**fields: object) -> Any:
    return lambda data: data["file"].update(fields)


def both_counts(records: int) -> Any:
    def change(data: dict[str, Any]) -> None:
        data["parts"][0]["recordsRead"] = data["file"]["records"] = records

    return change


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (set_part(done=True), "/parts/0/cursor: a page still to read in a finished part"),
        (set_part(skip=1_000_000_000), "/parts/0/skip: 1000000000 records of the page handed out, but only 300"),
        (set_part(skip=99, recordsRead=300), "/parts/0/skip: 99 records of a page skipped, but the command line"),
        (set_part(skip=1e9), "/parts/0/skip: expected an integer of at least 0, not 1000000000.0"),
        (set_part(skip=-3), "/parts/0/skip: expected an integer of at least 0"),
        (set_file(bytes="abc"), "/file/bytes: expected an integer"),
        (set_file(bytes=10**9), "holds"),
        (set_file(records=250), "/file/records: 250, but the parts have handed out 300"),
        (both_counts(250), "holds 300 records where its checkpoint says 250"),
        (both_counts(350), "/file/records: 350 records in 3 pages of at most 100"),
        (set_file(pages=2), "/file/records: 300 records in 2 pages of at most 100"),
        (lambda data: data["query"].update(serviceName="Routing"), "does not match its own options"),
        (lambda data: data["parts"][0].update(interval="2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"), "interval"),
    ],
)
def test_a_checkpoint_that_does_not_match_is_refused_naming_it_and_restart(
    emulator: Emulator, tmp_path: Path, change: Any, named: str
) -> None:
    output = tmp_path / "audit.jsonl"
    interrupted(emulator, output)
    tampered(output, change)
    refused = run_cli(export_args(emulator, output, "--resume"))
    line = one_line(refused.stderr)
    assert refused.returncode == 1 and named in line
    assert line.endswith("pass --restart to discard the interrupted export and start over")
    assert "--resume" not in line and not output.exists()
    assert emulator.stats()["requests"] == 0


@pytest.mark.parametrize(
    "change",
    [
        set_part(skip=1),
        set_part(cursor="another"),
        set_file(bytes=1),
        lambda data: data.update(digest="sha256:" + "0" * 64),
    ],
)
def test_a_checkpoint_changed_after_it_was_written_is_refused_by_its_digest(
    emulator: Emulator, tmp_path: Path, change: Any
) -> None:
    output = tmp_path / "audit.jsonl"
    interrupted(emulator, output)
    path = tampered(output, change, sign=False)
    refused = run_cli(export_args(emulator, output, "--resume"))
    line = one_line(refused.stderr)
    assert refused.returncode == 1 and f"{path}: /digest: does not match the checkpoint's content" in line
    assert line.endswith("pass --restart to discard the interrupted export and start over")
    assert emulator.stats()["requests"] == 0


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda data: data[:-500], "bytes where its checkpoint says"),
        (lambda data: data[:1000] + b"\n" + data[1000:], "not a JSON record"),
        (lambda data: b"", "holds 0 bytes"),
    ],
)
def test_a_partial_file_that_does_not_match_its_checkpoint_is_refused(
    emulator: Emulator, tmp_path: Path, damage: Any, named: str
) -> None:
    output = tmp_path / "audit.jsonl"
    saved = interrupted(emulator, output)
    partial = output.with_name(output.name + ".partial")
    data = partial.read_bytes()[: saved["file"]["bytes"]]
    partial.write_bytes(damage(data))
    refused = run_cli(export_args(emulator, output, "--resume"))
    line = one_line(refused.stderr)
    assert refused.returncode == 1 and named in line and "--restart" in line
    assert emulator.stats()["requests"] == 0


def test_a_csv_partial_file_must_start_with_its_header(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.csv"
    interrupted(emulator, output)
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(b"ID" + partial.read_bytes()[2:])
    refused = run_cli(export_args(emulator, output, "--resume"))
    assert refused.returncode == 1 and "does not start with the format's header" in one_line(refused.stderr)


def test_version_1_complete_with_a_short_file_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    for suffix in (".partial", ".checkpoint.json"):
        shutil.copy(V1 / f"query{suffix}", output.with_name(output.name + suffix))
    tampered(output, lambda data: data.update(complete=True))
    refused = run_cli(export_args(emulator, output, "--resume"))
    assert refused.returncode == 1 and "/parts/0/cursor" in one_line(refused.stderr)
    assert not output.exists() and emulator.stats()["requests"] == 0


def test_an_ordered_split_checkpoint_with_records_out_of_order_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    split = ("--split", "2d", "--concurrency", "1")  # one worker: the error comes on the first part's second page
    interrupted(emulator, output, *split, pages=1)

    def out_of_order(data: dict[str, Any]) -> None:
        first, later = data["parts"][0], data["parts"][3]
        later["recordsRead"], first["recordsRead"] = first["recordsRead"], 0
        first["done"], first["transactionId"], first["cursor"], first["skip"] = False, None, None, 0

    tampered(output, out_of_order)
    refused = run_cli(export_args(emulator, output, "--resume", *split))
    assert refused.returncode == 1 and "/parts/3/recordsRead" in one_line(refused.stderr)


def test_a_resume_with_other_options_names_them(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    interrupted(emulator, output)
    other = run_cli(export_args(emulator, output, "--resume", "--service", "Routing", "--sort", "descending"))
    line = one_line(other.stderr)
    assert other.returncode == 2
    assert "--service Routing (it began with none); --sort descending (it began with none)" in line
    assert "{" not in line and line.endswith("or pass --restart to discard it")


def test_an_export_stopped_after_its_rename_finishes_on_resume(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    interrupted(emulator, output)

    def finished(data: dict[str, Any]) -> None:  # as the last save writes it, just before the rename
        data["parts"][0].update(done=True, cursor=None, skip=0)

    tampered(output, finished)
    output.with_name(output.name + ".partial").rename(output)
    before = output.read_bytes()
    resumed = run_cli(export_args(emulator, output, "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert "had already finished" in resumed.stderr
    assert_finished(output, before)
    assert emulator.stats()["requests"] == 0


# Redirected pages


def page(records: list[dict[str, Any]], cursor: str | None = None) -> dict[str, Any]:
    return {"id": "tx-1", "pageSize": 2, "entities": records, **({"cursor": cursor} if cursor else {})}


RECORDS = [{"id": f"r{n}", "eventDate": f"2026-10-0{n}T00:00:00.000Z", "serviceName": "Routing"} for n in range(1, 6)]
REDIRECTED = {"id": "tx-1", "pageSize": 2, "cursor": "c2", "downloadUrl": "https://download.invalid/secret-token"}


def scripted_query(server: ScriptedServer, *pages: dict[str, Any]) -> None:
    server.set_default("POST", "/oauth/token", token_issuer())
    server.set_default("POST", "/api/v2/audits/query", json_response(200, {"id": "tx-1", "state": "Queued"}))
    status = {"id": "tx-1", "state": "Succeeded", "interval": WHOLE_SPAN}
    server.set_default("GET", "/api/v2/audits/query/tx-1", json_response(200, status))
    server.enqueue("GET", "/api/v2/audits/query/tx-1/results", *(json_response(200, p) for p in pages))


def test_a_redirected_page_is_one_line_and_resuming_after_it_is_exact(tmp_path: Path) -> None:
    expected = format_for("jsonl").page([json.dumps(record).encode() for record in RECORDS])
    output = tmp_path / "audit.jsonl"
    with ScriptedServer() as server:
        scripted_query(server, page(RECORDS[:2], "c2"), REDIRECTED)
        stopped = run_cli(export_args(server, output, page_size=2))
        line = one_line(stopped.stderr)
        assert stopped.returncode == 1
        assert "page 2 of the results came as a download link instead of records" in line
        assert line.endswith("run the same command with --resume to ask for that page again")
        assert "secret-token" not in stopped.stderr
        results = server.requests_to("/api/v2/audits/query/tx-1/results")
        assert all("allowRedirect" not in request.query for request in results)
        scripted_query(server, page(RECORDS[2:4], "c4"), page(RECORDS[4:]))
        resumed = run_cli(export_args(server, output, "--resume", page_size=2))
        assert resumed.returncode == 0, resumed.stderr
        assert [request.query.get("cursor") for request in server.requests_to(results[0].path)] == [
            None,
            ["c2"],
            ["c2"],
            ["c4"],
        ]
    assert_finished(output, expected)


@pytest.mark.parametrize(
    "extra",
    [(), ("--split", "4d", "--concurrency", "4")],
)
def test_exports_never_ask_for_redirects(emulator: Emulator, tmp_path: Path, extra: tuple[str, ...]) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl")
    emulator.reset()
    emulator.app.config.update({"redirect_over": 10})  # any query asking for them would get download links
    assert clean_run(emulator, tmp_path / "audit.jsonl", *extra) == expected
    assert emulator.stats()["redirected"] == 0


def test_a_second_export_to_the_same_file_is_refused_while_the_first_runs(emulator: Emulator, tmp_path: Path) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl")
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("delay:path=/results:seconds=0.2")
    first = start_cli(export_args(emulator, output))
    wait_for_pages(output, 1, first)
    for extra in ((), ("--resume",), ("--restart",)):
        second = run_cli(export_args(emulator, output, *extra))
        assert second.returncode == 2 and "another genesys-audit is writing" in one_line(second.stderr)
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 0, stderr
    assert_finished(output, expected)


def test_a_checkpoint_too_large_to_be_one_is_refused(tmp_path: Path) -> None:
    from genesys_cloud_audit import CheckpointError
    from genesys_cloud_audit.workflows.cli._checkpoint import load_checkpoint

    path = tmp_path / "audit.jsonl.checkpoint.json"
    with open(path, "wb") as stream:
        stream.truncate(65 << 20)  # sparse: 65 MB of nothing
    with pytest.raises(CheckpointError, match="larger than 64 MB"):
        load_checkpoint(path)
