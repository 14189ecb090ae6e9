"""Data shapes (emulator/shapes.py): each spreads the records as it claims, deterministically per seed,
in time order; the extra-fields shape adds what the spec does not list and nothing else."""

from __future__ import annotations

import collections
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from emulator import EmulatorConfig, run_emulator
from emulator.cli import build_parser, config_from_args
from emulator.data import AuditDataset, _mix, to_millis
from emulator.shapes import CLUSTER_MS, CLUSTERS, SHAPES, SPIKE_RATE, SPIKE_SHARE, SPIKES, density
from tests.emulator.emu_helpers import get_token, make_config, run_query, walk_results

YEAR_START, YEAR_END = datetime(2025, 11, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
MONTH_START = datetime(2026, 10, 1, tzinfo=UTC)
DAY = 86_400_000


def dataset(shape: str, count: int = 30_000, seed: int = 7, start: datetime = YEAR_START) -> AuditDataset:
    return AuditDataset(seed=seed, count=count, start=start, end=YEAR_END, shape=shape)


def times(data: AuditDataset) -> list[int]:
    return [data.event_ms(index) for index in range(data.count)]


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_shape_keeps_times_in_order_within_the_span_and_per_seed(shape: str) -> None:
    data = dataset(shape, count=5_000)
    moments = times(data)
    assert moments == sorted(moments)
    assert to_millis(YEAR_START) <= moments[0] and moments[-1] < to_millis(YEAR_END)
    assert moments == times(dataset(shape, count=5_000))
    assert [data.record(i) for i in range(0, 5_000, 499)] == [
        dataset(shape, count=5_000).record(i) for i in range(0, 5_000, 499)
    ]
    window = data.index_range(moments[1234], moments[4321])
    assert all(moments[1234] <= data.event_ms(i) < moments[4321] for i in window)
    assert window.start == 1234 or moments[window.start - 1] < moments[1234]


def test_even_records_keep_the_times_they_always_had() -> None:
    data = dataset("even", count=10_000)
    start, span = to_millis(YEAR_START), to_millis(YEAR_END) - to_millis(YEAR_START)
    for index in range(0, 10_000, 37):
        jitter = _mix(data._seed_key ^ (index * 0x2545F4914F6CDD1D)) % 1000
        assert data.event_ms(index) == start + ((index * 1000 + jitter) * span) // (10_000 * 1000)  # as before shapes


def test_clustered_records_all_fall_in_three_short_bursts_far_apart() -> None:
    moments = times(dataset("clustered"))
    bursts: list[list[int]] = [[moments[0]]]
    for moment in moments[1:]:
        if moment - bursts[-1][-1] > DAY:
            bursts.append([])
        bursts[-1].append(moment)
    assert len(bursts) == CLUSTERS
    assert all(burst[-1] - burst[0] < CLUSTER_MS for burst in bursts)
    assert sum(burst[-1] - burst[0] for burst in bursts) < 2.5 * DAY
    assert all(abs(len(burst) - 10_000) < 150 for burst in bursts)  # equal shares
    thirds = {
        (burst[0] - to_millis(YEAR_START)) * 3 // (to_millis(YEAR_END) - to_millis(YEAR_START)) for burst in bursts
    }
    assert thirds == {0, 1, 2}
    other_seed = times(dataset("clustered", seed=8))
    assert other_seed[0] != moments[0]


def test_diurnal_records_fall_in_working_hours_on_weekdays_only() -> None:
    moments = [datetime.fromtimestamp(ms / 1000, UTC) for ms in times(dataset("diurnal"))]
    assert all(moment.weekday() < 5 and 9 <= moment.hour < 17 for moment in moments)
    per_day = collections.Counter(moment.date() for moment in moments)
    weekdays = sum(1 for n in range((YEAR_END - YEAR_START).days) if (YEAR_START + timedelta(n)).weekday() < 5)
    assert len(per_day) == weekdays
    assert max(per_day.values()) - min(per_day.values()) <= 2  # every working day alike
    hours = collections.Counter(moment.hour for moment in moments)
    assert sorted(hours) == list(range(9, 17)) and max(hours.values()) < 1.05 * min(hours.values())


def test_bursty_records_have_spikes_at_fifty_times_the_base_rate() -> None:
    data = dataset("bursty", count=60_000)
    spikes = [piece for piece in data.density.pieces if piece[2] == SPIKE_RATE]
    assert len(spikes) == SPIKES
    span = to_millis(YEAR_END) - to_millis(YEAR_START)
    assert all(end - start == span // SPIKE_SHARE for start, end, _ in spikes)
    moments = times(data)
    inside = sum(1 for moment in moments if any(start <= moment < end for start, end, _ in spikes))
    spike_ms = sum(end - start for start, end, _ in spikes)
    rate_inside = inside / spike_ms
    rate_outside = (len(moments) - inside) / (span - spike_ms)
    assert 45 < rate_inside / rate_outside < 55
    assert 0.45 < inside / len(moments) < 0.56  # a spike a quarter: half the records in 2% of the span


def test_records_with_extra_fields_carry_only_additions() -> None:
    extra, even = dataset("extra-fields", count=5_000), dataset("even", count=5_000)
    records = [extra.record(i) for i in range(5_000)]
    for index, record in enumerate(records[:500]):
        plain = even.record(index)
        assert list(record)[: len(plain)] == list(plain) and list(record)[len(plain) :] == ["sourceRegion", "requestId"]
        assert record["entity"] == {**plain["entity"], "version": record["entity"]["version"]}
        rest = {key: value for key, value in record.items() if key not in ("sourceRegion", "requestId", "entity")}
        assert {**rest, "level": plain["level"], "status": plain["status"]} == {
            key: value for key, value in plain.items() if key != "entity"
        }
    partner = sum(record["level"] == "PARTNER" for record in records) / len(records)
    partial = sum(record["status"] == "PARTIAL" for record in records) / len(records)
    assert 0.03 < partner < 0.05 and 0.012 < partial < 0.028
    assert {record["sourceRegion"] for record in records} >= {"us-east-1", "eu-west-1"}


def test_a_span_without_working_hours_cannot_be_diurnal() -> None:
    saturday = datetime(2026, 10, 31, tzinfo=UTC)
    with pytest.raises(ValueError, match="no working hours"):
        AuditDataset(seed=1, count=10, start=saturday, end=saturday + timedelta(days=1), shape="diurnal")
    with pytest.raises(ValueError, match="unknown data shape 'lumpy'"):
        density("lumpy", 0, DAY, 1)
    with pytest.raises(ValueError, match="unknown data shape"):
        EmulatorConfig(shape="lumpy")


def test_the_command_line_picks_the_shape() -> None:
    args = build_parser().parse_args(["--shape", "bursty"])
    assert config_from_args(args).shape == "bursty"
    assert config_from_args(build_parser().parse_args([])).shape == "even"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--shape", "lumpy"])


@pytest.mark.parametrize("shape", ["clustered", "extra-fields"])
def test_the_emulator_serves_the_shape_and_still_checks_requests(shape: str) -> None:
    config = make_config(records=3_000, data_start=MONTH_START, shape=shape)  # validated, strictly
    with run_emulator(config) as emu, httpx.Client(base_url=emu.base_url) as client:
        client.headers["Authorization"] = f"Bearer {get_token(client)}"
        records = walk_results(
            client, run_query(client, {"interval": "2026-10-01T00:00:00Z/2026-11-01T00:00:00Z"}), pageSize=500
        )
        refused = client.post("/api/v2/audits/query", json={"interval": 5})
        stats = client.get("/_emulator/stats").json()
    data = emu.app.dataset
    assert [record["id"] for record in records] == [data.record(i)["id"] for i in range(3_000)]
    assert records == [data.record(i) for i in range(3_000)]
    assert refused.status_code == 400
    assert stats["validation_errors"] == 0
    days = {record["eventDate"][:10] for record in records}
    assert len(days) <= 2 * CLUSTERS if shape == "clustered" else len(days) == 31
    assert all("sourceRegion" in record for record in records) == (shape == "extra-fields")
