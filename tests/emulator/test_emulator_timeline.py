"""Records arriving over time: the emulator's present (fixed, moved through the control API, or the wall
clock), records that become visible late, and tracked queues whose property changes chain."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from emulator import EmulatorConfig, run_emulator
from emulator.cli import build_parser, config_from_args
from emulator.data import AuditDataset, to_millis
from tests.emulator.emu_helpers import DATA_END, DATA_START, WHOLE_SPAN, get_token, make_config, run_query, walk_results

PRESENT = DATA_START + timedelta(days=10)


@contextmanager
def _session(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {get_token(client)}"
        yield client


def _ids(client: httpx.Client, body: dict[str, object] | None = None) -> list[str]:
    transaction = run_query(client, {"interval": WHOLE_SPAN, **(body or {})})
    return [record["id"] for record in walk_results(client, transaction, pageSize=500)]


def _visible(data: AuditDataset, present: datetime) -> list[str]:
    moment = to_millis(present)
    return [data.record_id(i) for i in range(data.count) if data.visible_ms(i) <= moment]


def test_a_query_sees_only_the_records_visible_when_it_was_created_late_ones_included() -> None:
    config = make_config(now=PRESENT, late_percent=25, late_by=6 * 3600, pending_polls=0)
    with run_emulator(config) as emulator, _session(emulator.base_url) as client:
        data = emulator.app.dataset
        before = _ids(client)
        assert before == _visible(data, PRESENT)
        hidden = [i for i in range(data.count) if data.event_ms(i) <= to_millis(PRESENT) < data.visible_ms(i)]
        assert hidden and all(data.visible_ms(i) - data.event_ms(i) <= 6 * 3600 * 1000 for i in hidden)
        moved = client.patch("/_emulator/config", json={"now": (PRESENT + timedelta(hours=7)).isoformat()})
        assert moved.status_code == 200 and moved.json()["now"] == (PRESENT + timedelta(hours=7)).isoformat()
        after = _ids(client)
        assert set(before) < set(after) and {data.record_id(i) for i in hidden} <= set(after)
        assert after == _visible(data, PRESENT + timedelta(hours=7))  # still in eventDate order
        realtime = client.post("/api/v2/audits/query/realtime", json={"interval": WHOLE_SPAN, "pageSize": 1})
        assert realtime.json()["total"] == len(after)
        related = client.post("/api/v2/audits/query/realtime/related", json={"auditId": data.record_id(data.count - 1)})
        assert related.status_code == 404  # not visible yet
        client.post("/_emulator/reset")
        assert client.get("/_emulator/config").json()["now"] == PRESENT.isoformat()


def test_without_a_present_every_record_is_visible_as_before() -> None:
    config = make_config(late_percent=50, late_by=60, pending_polls=0)
    with run_emulator(config) as emulator, _session(emulator.base_url) as client:
        assert len(_ids(client)) == emulator.app.dataset.count


def test_a_live_emulator_follows_the_wall_clock() -> None:
    now = datetime.now(UTC)
    config = EmulatorConfig(
        records=600,
        seed=3,
        data_start=now - timedelta(days=1),
        data_end=now + timedelta(days=1),
        live=True,
        pending_polls=0,
    )
    with run_emulator(config) as emulator, _session(emulator.base_url) as client:
        span = f"{(now - timedelta(days=1)).isoformat()}/{(now + timedelta(days=1)).isoformat()}"
        seen = len(walk_results(client, run_query(client, {"interval": span}), pageSize=500))
        assert 250 < seen < 350  # about half: the rest is dated in the future
        refused = client.patch("/_emulator/config", json={"now": now.isoformat()})
        assert refused.status_code == 400 and "live" in refused.text


@pytest.mark.parametrize("value", ["yesterday", "2026-10-01T00:00:00", 5])
def test_a_present_that_is_not_an_aware_date_time_is_refused(value: object) -> None:
    with run_emulator(make_config()) as emulator, httpx.Client(base_url=emulator.base_url) as client:
        refused = client.patch("/_emulator/config", json={"now": value})
        assert refused.status_code == 400 and "now" in refused.text


def test_tracked_queues_change_one_property_at_a_time_old_value_chained() -> None:
    data = AuditDataset(seed=7, count=2000, start=DATA_START, end=DATA_END, history_every=10)
    changes: dict[tuple[int, str], list[str]] = {}
    for index in range(0, data.count, 10):
        record = data.record(index)
        queue, _ = data.tracked_change(index) or (None, None)
        assert queue is not None and record["entityType"] == "Queue" and record["action"] == "Update"
        assert record["entity"]["id"] == data.entity_id(data.key(index))
        (change,) = record["propertyChanges"]
        seen = changes.setdefault((queue, change["property"]), [])
        assert change["oldValues"] == seen[-1:]  # what the change before set
        seen.extend(change["newValues"])
    assert len(changes) == 4 * 3 and all(len(values) > 10 for values in changes.values())
    assert (
        data.tracked_change(5) is None
        and AuditDataset(seed=7, count=20, start=DATA_START, end=DATA_END, history_every=0).tracked_change(0) is None
    )


def test_the_command_line_sets_the_present_lateness_and_tracked_history() -> None:
    args = build_parser().parse_args(
        ["--now", "2026-10-10T00:00:00Z", "--late-percent", "5", "--late-by", "600", "--history-every", "50"]
    )
    config = config_from_args(args)
    assert (config.now, config.live, config.late_percent, config.late_by, config.history_every) == (
        datetime(2026, 10, 10, tzinfo=UTC),
        False,
        5.0,
        600.0,
        50,
    )
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--now", "2026-10-10T00:00:00Z", "--live"])
    with pytest.raises(ValueError, match="late_percent"):
        EmulatorConfig(late_percent=150)
