"""`status TX` and `results TX` read a query by its transaction id (results to a file resume exactly);
`related AUDIT_ID` writes the audits one action created, in every format and to every output."""

from __future__ import annotations

import csv
import io
import json
import signal
from pathlib import Path

import pytest
from genesys_cloud_audit import Client, WaitFailedError, WaitPolicy, related_audits
from genesys_cloud_audit.api.audit import get_audits_query_transaction_id, post_audits_query
from genesys_cloud_audit.models import AuditQueryRequest
from genesys_cloud_audit.workflows.cli._formats import CSV_COLUMNS

from emulator import Emulator
from tests.cli.cli_helpers import (
    RECORDS,
    WHOLE_SPAN,
    assert_finished,
    jsonl,
    kill_midway,
    read_checkpoint,
    run_cli,
)

FAST = WaitPolicy(first_interval=0.05, growth=1.0)


def create_query(api: Client, **fields: str) -> str:
    status = post_audits_query.sync(client=api, body=AuditQueryRequest.from_dict({"interval": WHOLE_SPAN, **fields}))
    assert isinstance(status.id, str)
    return status.id


def base(emulator: Emulator, *args: str) -> list[str]:
    return [*args, "--base-url", emulator.base_url]


def test_status_shows_the_state_and_parameters_of_a_query(emulator: Emulator, api: Client) -> None:
    transaction = create_query(api, serviceName="Architect")
    as_table = run_cli(base(emulator, "status", transaction))
    assert as_table.returncode == 0, as_table.stderr
    rows = dict(line.split(None, 1) for line in as_table.stdout.splitlines())
    assert rows["id"] == transaction and rows["serviceName"] == "Architect" and rows["interval"] == WHOLE_SPAN
    assert rows["state"] in ("Queued", "Running", "Succeeded")
    post_audits_query.wait(transaction, client=api, policy=FAST)
    as_json = run_cli(base(emulator, "status", transaction, "--format", "json"))
    expected = get_audits_query_transaction_id.sync(transaction, client=api).to_dict()
    assert json.loads(as_json.stdout) == expected and expected["state"] == "Succeeded"


def test_status_of_an_unknown_query_says_it_does_not_exist(emulator: Emulator) -> None:
    result = run_cli(base(emulator, "status", "no-such-query"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "HTTP 404" in result.stderr
    assert (
        "no audit query no-such-query exists (queries expire): run it again with `genesys-audit query`" in result.stderr
    )


def test_results_of_a_query_write_what_the_query_command_writes(
    emulator: Emulator, api: Client, tmp_path: Path
) -> None:
    query = run_cli(
        base(
            emulator,
            "query",
            "--interval",
            WHOLE_SPAN,
            "--service",
            "Routing",
            "--page-size",
            "50",
            "-o",
            str(tmp_path / "query.jsonl"),
        )
    )
    assert query.returncode == 0, query.stderr
    transaction = create_query(api, serviceName="Routing")
    output = tmp_path / "results.jsonl"
    results = run_cli(base(emulator, "results", transaction, "--page-size", "50", "-o", str(output)))
    assert results.returncode == 0, results.stderr
    assert_finished(output, (tmp_path / "query.jsonl").read_bytes())
    streamed = run_cli(base(emulator, "results", transaction, "--format", "csv"))
    rows = list(csv.reader(io.StringIO(streamed.stdout, newline="")))
    assert rows[0] == list(CSV_COLUMNS) and len(rows) - 1 == len(jsonl(output.read_text()))


def test_results_to_a_file_resume_after_an_error_and_refuse_another_query(
    emulator: Emulator, api: Client, tmp_path: Path
) -> None:
    transaction = create_query(api)
    clean = tmp_path / "clean.jsonl"
    assert run_cli(base(emulator, "results", transaction, "--page-size", "100", "-o", str(clean))).returncode == 0
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("503:path=/results:skip=4:count=100")
    stopped = run_cli(base(emulator, "results", transaction, "--page-size", "100", "-o", str(output)))
    assert stopped.returncode == 1 and stopped.stderr.strip().endswith("run the same command with --resume to continue")
    saved = read_checkpoint(output)
    assert saved is not None and saved["file"]["command"] == "results" and saved["file"]["records"] == 400
    assert saved["parts"][0]["transactionId"] == transaction
    other = run_cli(base(emulator, "results", create_query(api), "--page-size", "100", "-o", str(output), "--resume"))
    assert other.returncode == 2 and "TRANSACTION_ID" in other.stderr
    emulator.app.faults.clear()
    resumed = run_cli(base(emulator, "results", transaction, "--page-size", "100", "-o", str(output), "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, clean.read_bytes())


def test_results_of_a_query_that_vanished_midway_run_it_again(emulator: Emulator, api: Client, tmp_path: Path) -> None:
    transaction = create_query(api)
    clean = tmp_path / "clean.jsonl"
    assert run_cli(base(emulator, "results", transaction, "--page-size", "100", "-o", str(clean))).returncode == 0
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("400:path=/results:skip=3:count=1")
    assert run_cli(base(emulator, "results", transaction, "--page-size", "100", "-o", str(output))).returncode == 1
    emulator.reset()  # the query is forgotten: its status's interval and fields run it again
    resumed = run_cli(base(emulator, "results", transaction, "--page-size", "100", "-o", str(output), "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, clean.read_bytes())
    assert emulator.stats()["queries_created"] == 1


def test_results_of_an_unknown_or_failed_query_leave_nothing_behind(
    emulator: Emulator, api: Client, tmp_path: Path
) -> None:
    output = tmp_path / "audit.jsonl"
    unknown = run_cli(base(emulator, "results", "no-such-query", "-o", str(output)))
    assert unknown.returncode == 1 and "no audit query no-such-query exists" in unknown.stderr
    assert "--resume" not in unknown.stderr and list(tmp_path.iterdir()) == []
    failed = create_query(api, serviceName="EmulatorFail")
    with pytest.raises(WaitFailedError):
        post_audits_query.wait(failed, client=api, policy=FAST)
    result = run_cli(base(emulator, "results", failed, "-o", str(output)))
    assert result.returncode == 1 and f"audit query {failed} ended in state Failed" in result.stderr
    assert "--resume" not in result.stderr and list(tmp_path.iterdir()) == []


def test_related_writes_the_audits_of_one_action_in_every_format(
    emulator: Emulator, api: Client, tmp_path: Path
) -> None:
    index = next(i for i in range(RECORDS) if len(emulator.app.dataset.related(i)) > 1)
    audit_id = str(emulator.app.dataset.record(index)["id"])
    expected = [record.to_dict() for record in related_audits(api, audit_id, sort="descending")]
    as_jsonl = run_cli(base(emulator, "related", audit_id, "--sort", "descending"))
    assert as_jsonl.returncode == 0, as_jsonl.stderr
    assert jsonl(as_jsonl.stdout) == expected and len(expected) > 1
    output = tmp_path / "related.csv"
    to_file = run_cli(base(emulator, "related", audit_id, "--sort", "descending", "-o", str(output)))
    assert to_file.returncode == 0, to_file.stderr
    rows = list(csv.reader(io.StringIO(output.read_text(), newline="")))
    assert [row[0] for row in rows[1:]] == [record["id"] for record in expected]
    assert f"wrote {len(expected)} records (1 page) to {output}" in to_file.stderr
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["related.csv"]
    table = run_cli(base(emulator, "related", audit_id, "--format", "table", "--expand-user"))
    assert len(table.stdout.splitlines()) == 2 + len(expected)


def test_related_of_an_unknown_audit_is_one_line_and_writes_nothing(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "related.jsonl"
    result = run_cli(base(emulator, "related", "no-such-audit", "-o", str(output)))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "HTTP 404" in result.stderr and "no audit record with this id" in result.stderr
    assert list(tmp_path.iterdir()) == []
    blank = run_cli(base(emulator, "related", " "))
    assert blank.returncode == 2 and "AUDIT_ID" in blank.stderr


def test_results_killed_midway_resume_byte_identically(emulator: Emulator, api: Client, tmp_path: Path) -> None:
    transaction = create_query(api)
    clean = tmp_path / "clean.csv"
    args = ["results", transaction, "--base-url", emulator.base_url, "--page-size", "100"]
    assert run_cli([*args, "-o", str(clean)]).returncode == 0
    output = tmp_path / "audit.csv"
    emulator.add_fault("delay:path=/results:seconds=0.15")
    kill_midway([*args, "-o", str(output)], output, 3, signal.SIGKILL)
    emulator.app.faults.clear()
    resumed = run_cli([*args, "-o", str(output), "--resume"])
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, clean.read_bytes())
