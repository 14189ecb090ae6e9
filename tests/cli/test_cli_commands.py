"""`genesys-audit` subcommands and options, run as a subprocess against the emulator on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from genesys_cloud_audit import Client, WaitPolicy
from genesys_cloud_audit.api.audit import (
    get_audits_query_realtime_servicemapping,
    get_audits_query_servicemapping,
    get_audits_query_transaction_id_results,
    post_audits_query,
    post_audits_query_realtime,
)
from genesys_cloud_audit.models import (
    AuditQueryFilter,
    AuditQueryFilterProperty,
    AuditQueryRequest,
    AuditRealtimeQueryRequest,
)
from genesys_cloud_audit.types import UNSET
from genesys_cloud_audit.workflows.cli._formats import CSV_COLUMNS

from emulator import Emulator
from tests.cli.cli_helpers import WHOLE_SPAN, cli_env, jsonl, run_cli

FAST = WaitPolicy(first_interval=0.05, growth=1.0)


def api_records(api: Client, *, service: str | None = None, action: str | None = None) -> list[dict[str, Any]]:
    """Every record of an asynchronous query, read with the generated client."""
    filters = [AuditQueryFilter(property_=AuditQueryFilterProperty.ACTION, value=action)] if action else UNSET
    body = AuditQueryRequest(interval=WHOLE_SPAN, service_name=service or UNSET, filters=filters)
    status = post_audits_query.sync_and_wait(client=api, body=body, policy=FAST)
    assert isinstance(status.id, str)
    pager = get_audits_query_transaction_id_results.paginate(status.id, client=api, page_size=500)
    return [record.to_dict() for record in pager]


def base(emulator: Emulator, *args: str) -> list[str]:
    return [*args, "--base-url", emulator.base_url]


@pytest.mark.parametrize("command", [[], ["servicemapping"], ["query"], ["realtime"]])
def test_help_of_every_command(command: list[str]) -> None:
    result = run_cli([*command, "--help"])
    assert result.returncode == 0
    assert result.stdout.startswith("usage: genesys-audit")


@pytest.mark.parametrize("realtime", [False, True])
def test_servicemapping_lists_what_the_api_answers(emulator: Emulator, api: Client, realtime: bool) -> None:
    operation = get_audits_query_realtime_servicemapping if realtime else get_audits_query_servicemapping
    expected = operation.sync(client=api).to_dict()
    flag = ["--realtime"] if realtime else []
    as_json = run_cli(base(emulator, "servicemapping", "--format", "json", *flag))
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == expected
    as_table = run_cli(base(emulator, "servicemapping", *flag))
    assert as_table.returncode == 0, as_table.stderr
    services = [line for line in as_table.stdout.splitlines() if not line.startswith(" ")]
    assert services == [service["name"] for service in expected["services"]]


def test_query_to_stdout_writes_every_record_as_jsonl(emulator: Emulator, api: Client) -> None:
    result = run_cli(base(emulator, "query", "--interval", WHOLE_SPAN))
    assert result.returncode == 0, result.stderr
    assert jsonl(result.stdout) == api_records(api)
    assert "pages" not in result.stderr  # no progress display when stderr is not a terminal


def test_query_csv_has_fixed_columns_and_one_header(emulator: Emulator, api: Client, tmp_path: Path) -> None:
    output = tmp_path / "audit.csv"  # the format follows the extension
    result = run_cli(base(emulator, "query", "--interval", WHOLE_SPAN, "--output", str(output)))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(output.read_text(), newline="")))
    expected = api_records(api)
    assert rows[0] == list(CSV_COLUMNS)
    assert [row[0] for row in rows[1:]] == [record["id"] for record in expected]
    assert rows.count(list(CSV_COLUMNS)) == 1
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["entity.id"] == expected[0]["entity"]["id"]
    assert first["eventDate"] == expected[0]["eventDate"]


def test_query_table_format(emulator: Emulator, api: Client) -> None:
    result = run_cli(base(emulator, "query", "--interval", WHOLE_SPAN, "--service", "Architect", "--format", "table"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["eventDate", "serviceName", "action"]
    assert set(lines[1]) == {"-", " "}
    assert len(lines) - 2 == len(api_records(api, service="Architect"))


def test_query_filters_and_service(emulator: Emulator, api: Client) -> None:
    result = run_cli(
        base(emulator, "query", "--interval", WHOLE_SPAN, "--service", "Architect", "--filter", "action=Delete")
    )
    assert result.returncode == 0, result.stderr
    records = jsonl(result.stdout)
    assert records == api_records(api, service="Architect", action="Delete")
    assert records and {(r["serviceName"], r["action"]) for r in records} == {("Architect", "Delete")}
    entity_type = records[0]["entityType"]
    both = run_cli(
        base(
            emulator,
            "query",
            "--interval",
            WHOLE_SPAN,
            "--filter",
            "Action=Delete",
            "--filter",
            f"EntityType={entity_type}",
        )
    )
    assert both.returncode == 0, both.stderr
    assert {(r["action"], r["entityType"]) for r in jsonl(both.stdout)} == {("Delete", entity_type)}


def test_bad_filter_is_a_usage_error(emulator: Emulator) -> None:
    result = run_cli(base(emulator, "query", "--interval", WHOLE_SPAN, "--filter", "Colour=red"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("order", ["ascending", "descending"])
def test_query_sort(emulator: Emulator, order: str) -> None:
    result = run_cli(base(emulator, "query", "--interval", WHOLE_SPAN, "--service", "Routing", "--sort", order))
    assert result.returncode == 0, result.stderr
    dates = [record["eventDate"] for record in jsonl(result.stdout)]
    assert len(dates) > 10
    assert dates == sorted(dates, reverse=order == "descending")


def test_expand_user_adds_names(emulator: Emulator) -> None:
    args = base(emulator, "query", "--interval", WHOLE_SPAN, "--service", "Routing")
    plain = jsonl(run_cli(args).stdout)
    expanded = jsonl(run_cli([*args, "--expand-user"]).stdout)
    assert [r["id"] for r in plain] == [r["id"] for r in expanded]
    assert not any("name" in r.get("user", {}) for r in plain)
    assert any("name" in r.get("user", {}) for r in expanded)


def test_page_size_sets_the_number_of_pages(emulator: Emulator, api: Client, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    total = len(api_records(api))
    emulator.reset()  # count only the CLI's requests
    result = run_cli(base(emulator, "query", "--interval", WHOLE_SPAN, "--page-size", "150", "-o", str(output)))
    assert result.returncode == 0, result.stderr
    pages = -(-total // 150)
    assert f"wrote {total} records ({pages} pages)" in result.stderr
    by_route = emulator.stats()["by_route"]
    assert sum(sum(counts.values()) for route, counts in by_route.items() if "results" in route) == pages, by_route


def test_last_window_relative_to_now(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from emulator import run_emulator
    from tests.cli.cli_helpers import make_config

    now = datetime.now(UTC)
    config = make_config(data_start=now - timedelta(days=20), data_end=now + timedelta(hours=1), records=600)
    with run_emulator(config) as emu:
        result = run_cli(["query", "--last", "7d", "--base-url", emu.base_url])
    assert result.returncode == 0, result.stderr
    dates = [datetime.fromisoformat(record["eventDate"]) for record in jsonl(result.stdout)]
    assert dates
    assert all(now - timedelta(days=7, minutes=1) <= date <= now + timedelta(minutes=1) for date in dates)


def test_realtime_matches_the_api(emulator: Emulator, api: Client) -> None:
    body = AuditRealtimeQueryRequest(interval=WHOLE_SPAN, service_name="Routing", page_size=40)
    expected = [record.to_dict() for record in post_audits_query_realtime.paginate(client=api, body=body)]
    result = run_cli(base(emulator, "realtime", "--interval", WHOLE_SPAN, "--service", "Routing", "--page-size", "40"))
    assert result.returncode == 0, result.stderr
    assert jsonl(result.stdout) == expected
    assert len(expected) > 40


def test_credentials_from_options_and_region_from_env(emulator: Emulator) -> None:
    env = cli_env(GENESYSCLOUD_REGION="eu_west_1")
    del env["GENESYSCLOUD_OAUTHCLIENT_ID"], env["GENESYSCLOUD_OAUTHCLIENT_SECRET"]
    args = ["--client-id", "emulator-client", "--client-secret", "emulator-secret"]
    result = run_cli(base(emulator, "servicemapping", *args), env=env)
    assert result.returncode == 0, result.stderr


def test_missing_credentials_is_one_line(emulator: Emulator) -> None:
    env = cli_env()
    del env["GENESYSCLOUD_OAUTHCLIENT_SECRET"]
    result = run_cli(base(emulator, "servicemapping"), env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "GENESYSCLOUD_OAUTHCLIENT_SECRET" in result.stderr


def test_refused_credentials_are_one_line_without_the_secret(emulator: Emulator) -> None:
    result = run_cli(base(emulator, "servicemapping"), env=cli_env(GENESYSCLOUD_OAUTHCLIENT_SECRET="wrong-secret-xyz"))
    assert result.returncode == 1
    assert result.stderr.startswith("genesys-audit: error: ")
    assert result.stderr.count("\n") == 1
    assert "wrong-secret-xyz" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_api_error_names_status_code_and_context(emulator: Emulator) -> None:
    result = run_cli(base(emulator, "query", "--interval", WHOLE_SPAN, "--service", "NoSuchService"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "HTTP 400" in result.stderr and "contextId" in result.stderr


def test_bad_interval_is_a_usage_error(emulator: Emulator) -> None:
    result = run_cli(base(emulator, "query", "--interval", "yesterday/today"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1


def test_progress_shows_query_state_then_pages(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    result = run_cli(
        base(emulator, "query", "--interval", WHOLE_SPAN, "--progress", "--page-size", "400", "-o", str(output))
    )
    assert result.returncode == 0, result.stderr
    assert "Queued" in result.stderr and "Succeeded" in result.stderr
    assert "records/s" in result.stderr
    quiet = run_cli(base(emulator, "query", "--interval", WHOLE_SPAN, "--quiet", "-o", str(output)))
    assert quiet.returncode == 0
    assert quiet.stderr == ""
