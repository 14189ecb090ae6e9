"""The pagers' position bookkeeping and the waiter's schedule, with in-process fakes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest
from genesys_cloud_audit import CursorPages, IntervalError, NumberedPages, WaitFailedError, WaitPolicy, WaitTimeoutError
from genesys_cloud_audit._core._waiter import wait_for_state
from genesys_cloud_audit.workflows._query_args import build_filters, build_sort, format_interval


@dataclass
class FakePage:
    items: Sequence[int]
    cursor: str | None = None
    count: int | None = None


def cursor_source(total: int, size: int) -> dict[str | None, FakePage]:
    pages: dict[str | None, FakePage] = {}
    for start in range(0, total, size):
        after = start + size
        pages[None if start == 0 else str(start)] = FakePage(
            list(range(start, min(after, total))), str(after) if after < total else None
        )
    return pages


def test_cursor_checkpoint_after_every_record_resumes_exactly() -> None:
    source = cursor_source(17, 5)
    for stop in range(18):
        pager = CursorPages(source.__getitem__, cursor_of=lambda p: p.cursor, items_of=lambda p: p.items)
        head = [next(pager) for _ in range(stop)]
        mark = pager.checkpoint()
        assert mark.done == (stop == 17)
        rest = (
            []
            if mark.done
            else list(
                CursorPages(
                    source.__getitem__,
                    cursor_of=lambda p: p.cursor,
                    items_of=lambda p: p.items,
                    start_cursor=mark.cursor,
                    skip=mark.skip,
                )
            )
        )
        assert head + rest == list(range(17)), stop


def test_failed_fetch_is_retried_on_next_iteration_without_duplicates() -> None:
    source = cursor_source(12, 4)
    failures = {"4": 1}

    def fetch(cursor: str | None) -> FakePage:
        if failures.get(cursor or "", 0):
            failures[cursor or ""] -= 1
            raise ConnectionError("transient")
        return source[cursor]

    pager = CursorPages(fetch, cursor_of=lambda p: p.cursor, items_of=lambda p: p.items)
    seen: list[int] = []
    with pytest.raises(ConnectionError):
        seen.extend(pager)
    seen.extend(pager)
    assert seen == list(range(12))


def test_pages_carry_their_cursors_and_numbered_pages_stop_at_count() -> None:
    pager = CursorPages(cursor_source(9, 4).__getitem__, cursor_of=lambda p: p.cursor, items_of=lambda p: p.items)
    assert [(p.cursor, p.next_cursor, p.last) for p in pager.detailed_pages()] == [
        (None, "4", False),
        ("4", "8", False),
        ("8", None, True),
    ]
    numbered = NumberedPages(
        lambda n: FakePage(list(range((n - 1) * 3, n * 3)), count=3),
        page_count_of=lambda p: p.count,
        items_of=lambda p: p.items,
        start_page=2,
        skip=1,
    )
    assert list(numbered) == [4, 5, 6, 7, 8]


def test_wait_policy_grows_to_its_cap_and_the_deadline_is_honoured() -> None:
    policy = WaitPolicy(first_interval=1.0, growth=2.0, max_interval=5.0, deadline=10.0, jitter=0.0)
    assert [policy.interval(n) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    now = [0.0]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    with pytest.raises(WaitTimeoutError) as caught:
        wait_for_state(
            lambda: "Running",
            state_of=lambda s: s,
            success={"Succeeded"},
            failure={"Failed"},
            resource_id="tx-1",
            policy=policy,
            clock=lambda: now[0],
            sleep=sleep,
        )
    assert pauses == [1.0, 2.0, 4.0, 3.0]  # the last pause is cut short to poll once at the deadline
    assert caught.value.resource_id == "tx-1"
    with pytest.raises(WaitFailedError):
        wait_for_state(
            lambda: "Cancelled", state_of=lambda s: s, success={"Succeeded"}, failure={"Cancelled"}, resource_id="t"
        )


def test_interval_and_argument_conversion() -> None:
    start = datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    assert format_interval((start, start + timedelta(milliseconds=1500))) == (
        "2026-01-01T00:00:00.000Z/2026-01-01T00:00:01.500Z"
    )
    for bad in (
        (start, start - timedelta(seconds=1)),
        (datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC)),
        "2026-01-02T00:00:00Z/2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00/2026-01-02T00:00:00",
        "yesterday",
    ):
        with pytest.raises(IntervalError):
            format_interval(bad)
    assert issubclass(IntervalError, ValueError)
    filters = build_filters({"action": "Delete"}) or []
    assert [f.to_dict() for f in filters] == [{"property": "Action", "value": "Delete"}]
    assert [s.to_dict() for s in build_sort("desc") or []] == [{"name": "Timestamp", "sortOrder": "descending"}]
