"""The benchmark's data shapes: bench.pages renders every shape the emulator has from the emulator's own
generator (its cache file of its own), and bench.auto_split has organizations for every shape and judges
the default export against issue 25's bounds from the figures it measured."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bench import auto_split, pages
from emulator.data import AuditDataset
from emulator.shapes import SHAPES


def test_the_bench_knows_every_shape_of_the_emulator() -> None:
    assert set(pages.SHAPES) == set(SHAPES)
    assert set(auto_split.SCENARIOS) == set(SHAPES)
    assert {scenario.shape for scenarios in auto_split.SCENARIOS.values() for scenario in scenarios} == set(SHAPES)
    assert len({pages.cache_file(shape) for shape in SHAPES}) == len(SHAPES)
    assert pages.cache_file("even") == pages.CACHE_FILE  # the pages measured before shapes, unchanged
    with pytest.raises(ValueError, match="unknown data shape"):
        pages.cache_file("lumpy")


@pytest.mark.parametrize("shape", list(SHAPES))
def test_pages_of_a_shape_are_the_emulators_records_of_that_shape(
    shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "_CACHE", tmp_path)
    monkeypatch.setattr(pages, "CACHE_FILE", tmp_path / "even.jsonl")
    monkeypatch.setattr(pages, "PAGE_COUNT", 2)
    monkeypatch.setattr(pages, "PAGE_SIZE", 50)
    rendered = pages.load_pages(shape)
    assert len(rendered) == 2 and pages.cache_file(shape).exists()
    records = [record for page in rendered for record in json.loads(page)]
    dataset = AuditDataset(
        seed=pages._SEED,
        count=100,
        start=datetime.fromisoformat("2026-01-01T00:00:00+00:00"),
        end=datetime.fromisoformat("2026-02-01T00:00:00+00:00"),
        shape=shape,
    )
    assert records == [dataset.record(i, expand_user=True) for i in range(100)]
    assert all(("sourceRegion" in record) == (shape == "extra-fields") for record in records)
    body = json.loads(pages.page_body(rendered, "bench-100", 0, 100))
    assert body["cursor"] == "p1" and body["entities"] == records[:50]


def rows(requests: float, seconds: float, pages_: int = 100) -> list[dict[str, Any]]:
    """auto_split's rows for one organization: one query, then auto ordered / unordered / buffered."""
    base = {
        "shape": "clustered",
        "scenario": "a year",
        "records": 30_000,
        "pages": pages_,
        "other_requests": 4,
        "rate_limit_bound_s": 1.0,
        "share_of_bound": 1.0,
    }
    return [
        {
            **base,
            "export": "one query",
            "seconds": 5.0,
            "requests": 64,
            "speed_vs_one_query": 1.0,
            "requests_vs_one_query": 1.0,
        },
        {
            **base,
            "export": "auto x8",
            "seconds": seconds,
            "requests": round(64 * requests),
            "speed_vs_one_query": round(5.0 / seconds, 2),
            "requests_vs_one_query": requests,
        },
        {
            **base,
            "export": "auto x8 unordered",
            "seconds": seconds / 2,
            "requests": 200,
            "speed_vs_one_query": round(10.0 / seconds, 2),
            "requests_vs_one_query": 3.0,
        },
        {
            **base,
            "export": "auto x8 buffer 12",
            "seconds": seconds,
            "requests": 200,
            "speed_vs_one_query": 1.0,
            "requests_vs_one_query": 3.0,
        },
    ]


@pytest.mark.parametrize(
    ("requests", "seconds", "pages_", "verdict"),
    [
        (1.2, 4.0, 100, "| met |"),
        (3.95, 8.2, 100, "**not met**: 3.95x the requests"),
        (1.0, 6.0, 8, "**not met**: 1.20x the time with nothing to gain"),
        (1.0, 6.0, 100, "| met |"),  # slower, but with pages to gain from: the speed bound does not apply
    ],
)
def test_the_summary_judges_the_default_export_against_issue_25s_bounds(
    requests: float, seconds: float, pages_: int, verdict: str
) -> None:
    summary = "\n".join(auto_split._summary(rows(requests, seconds, pages_)))
    assert verdict in summary
    assert f"| {seconds / (seconds / 2):.2f}x |" in summary  # ordered against unordered wall time
