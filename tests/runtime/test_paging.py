"""The pager (runtime/core/_paging.py): both position strategies, through the sync and the async driver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from genesys_cloud_audit import AsyncCursorPages, AsyncNumberedPages, CursorPages, NumberedPages
from genesys_cloud_audit._core._paging import first_page
from genesys_cloud_audit.types import UNSET


@dataclass
class FakePage:
    items: Sequence[int] | None
    cursor: str | None = None
    count: int | None = None


def cursor_source(total: int, size: int) -> dict[str | None, FakePage]:
    """Pages of `size` of 0..total-1; each page's cursor is the index of its first record."""
    pages: dict[str | None, FakePage] = {}
    for start in range(0, max(total, 1), size):
        after = start + size
        pages[None if start == 0 else str(start)] = FakePage(
            list(range(start, min(after, total))), str(after) if after < total else None
        )
    return pages


def numbered_source(total: int, size: int) -> Callable[[int], FakePage]:
    count = -(-total // size)
    return lambda n: FakePage(list(range((n - 1) * size, min(n * size, total))), count=count)


def cursor_pages(source: dict[str | None, FakePage], **kwargs: Any) -> CursorPages[FakePage, int]:
    return CursorPages(source.__getitem__, cursor_of=lambda p: p.cursor, items_of=lambda p: p.items, **kwargs)


def async_cursor_pages(source: dict[str | None, FakePage], **kwargs: Any) -> AsyncCursorPages[FakePage, int]:
    async def fetch(cursor: str | None) -> FakePage:
        await asyncio.sleep(0)
        return source[cursor]

    return AsyncCursorPages(fetch, cursor_of=lambda p: p.cursor, items_of=lambda p: p.items, **kwargs)


def numbered_pages(fetch: Callable[[int], FakePage], **kwargs: Any) -> NumberedPages[FakePage, int]:
    return NumberedPages(fetch, page_count_of=lambda p: p.count, items_of=lambda p: p.items, **kwargs)


def async_numbered_pages(fetch: Callable[[int], FakePage], **kwargs: Any) -> AsyncNumberedPages[FakePage, int]:
    async def fetch_async(number: int) -> FakePage:
        return fetch(number)

    return AsyncNumberedPages(fetch_async, page_count_of=lambda p: p.count, items_of=lambda p: p.items, **kwargs)


async def collect(iterator: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in iterator]


def test_first_page_defaults_to_one() -> None:
    assert [first_page(v) for v in (3, 1, 0, -2, None, UNSET)] == [3, 1, 1, 1, 1, 1]


def test_negative_skip_is_refused_by_every_pager() -> None:
    with pytest.raises(ValueError, match="skip"):
        cursor_pages(cursor_source(3, 2), skip=-1)
    with pytest.raises(ValueError, match="skip"):
        async_numbered_pages(numbered_source(3, 2), skip=-1)


@pytest.mark.parametrize(("total", "size"), [(17, 5), (10, 5), (1, 3), (0, 3)])
def test_cursor_pages_sync_and_async_yield_every_record_once(total: int, size: int) -> None:
    source = cursor_source(total, size)
    pager = cursor_pages(source)
    assert list(pager) == list(range(total))
    assert pager.done and pager.cursor is None and pager.skip == 0
    assert pager.items_read == total and pager.pages_read == len(source)
    async_pager = async_cursor_pages(source)
    assert asyncio.run(collect(async_pager)) == list(range(total))
    assert async_pager.done and async_pager.pages_read == len(source)


def test_cursor_position_after_every_record_resumes_exactly_sync_and_async() -> None:
    source = cursor_source(13, 4)
    for stop in range(14):
        pager = cursor_pages(source)
        head = [next(pager) for _ in range(stop)]
        mark = pager.checkpoint()
        assert (mark.cursor, mark.skip, mark.done) == (pager.cursor, pager.skip, pager.done)
        rest = [] if mark.done else list(cursor_pages(source, start_cursor=mark.cursor, skip=mark.skip))
        assert head + rest == list(range(13)), stop
        if not mark.done:
            resumed = async_cursor_pages(source, start_cursor=mark.cursor, skip=mark.skip)
            assert head + asyncio.run(collect(resumed)) == list(range(13)), stop


def test_cursor_detailed_pages_describe_their_position() -> None:
    pages = list(cursor_pages(cursor_source(9, 4), skip=1).detailed_pages())
    assert [(p.number, p.cursor, p.next_cursor, p.last, list(p.items)) for p in pages] == [
        (1, None, "4", False, [1, 2, 3]),
        (2, "4", "8", False, [4, 5, 6, 7]),
        (3, "8", None, True, [8]),
    ]

    async def detailed() -> list[tuple[int, str | None, bool]]:
        return [(p.number, p.cursor, p.last) async for p in async_cursor_pages(cursor_source(9, 4)).detailed_pages()]

    assert asyncio.run(detailed()) == [(1, None, False), (2, "4", False), (3, "8", True)]


def test_pages_give_the_response_models_and_move_the_position() -> None:
    source = cursor_source(9, 4)
    pager = cursor_pages(source)
    pages = pager.pages()
    assert next(pages) is source[None]
    assert pager.cursor == "4" and pager.items_read == 4
    assert list(pages) == [source["4"], source["8"]]

    async def models() -> list[FakePage]:
        return [page async for page in async_numbered_pages(numbered_source(5, 2)).pages()]

    assert [page.items for page in asyncio.run(models())] == [[0, 1], [2, 3], [4]]


def test_missing_items_and_empty_cursor_end_the_cursor_pager() -> None:
    source = {None: FakePage([0, 1], cursor="a"), "a": FakePage(None, cursor="")}
    pager = cursor_pages(source)
    assert list(pager) == [0, 1] and pager.done


@pytest.mark.parametrize(("start", "skip", "expected"), [(1, 0, list(range(8))), (2, 1, [4, 5, 6, 7]), (3, 0, [6, 7])])
def test_numbered_pages_stop_at_the_page_count_sync_and_async(start: int, skip: int, expected: list[int]) -> None:
    fetch = numbered_source(8, 3)
    pager = numbered_pages(fetch, start_page=start, skip=skip)
    assert list(pager) == expected
    assert pager.done and pager.page_number == 4
    assert asyncio.run(collect(async_numbered_pages(fetch, start_page=start, skip=skip))) == expected


def test_numbered_pages_stop_at_an_empty_page_or_a_missing_count() -> None:
    fetched: list[int] = []

    def endless(number: int) -> FakePage:
        fetched.append(number)
        return FakePage([number] if number < 3 else [], count=99)

    assert list(numbered_pages(endless)) == [1, 2] and fetched == [1, 2, 3]
    assert list(numbered_pages(lambda n: FakePage([n], count=None))) == [1]


def test_numbered_position_after_every_record_resumes_exactly() -> None:
    fetch = numbered_source(10, 4)
    for stop in range(11):
        pager = numbered_pages(fetch)
        head = [next(pager) for _ in range(stop)]
        rest = [] if pager.done else list(numbered_pages(fetch, start_page=pager.page_number, skip=pager.skip))
        assert head + rest == list(range(10)), stop
    pages = list(numbered_pages(fetch, start_page=0).detailed_pages())
    assert [(p.number, p.cursor, p.next_cursor, p.last) for p in pages] == [
        (1, None, None, False),
        (2, None, None, False),
        (3, None, None, True),
    ]


def test_a_failed_fetch_is_tried_again_on_the_next_iteration_sync() -> None:
    source = cursor_source(12, 4)
    failures = {"4": 2}

    def fetch(cursor: str | None) -> FakePage:
        if failures.get(cursor or "", 0):
            failures[cursor or ""] -= 1
            raise ConnectionError("transient")
        return source[cursor]

    pager = CursorPages(fetch, cursor_of=lambda p: p.cursor, items_of=lambda p: p.items)
    seen: list[int] = []
    for _ in range(2):
        with pytest.raises(ConnectionError):
            seen.extend(pager)
        assert pager.cursor == "4" and pager.skip == 0
    seen.extend(pager)
    assert seen == list(range(12))


def test_a_failed_fetch_is_tried_again_on_the_next_iteration_async() -> None:
    failures = {3: 1}

    async def fetch(number: int) -> FakePage:
        if failures.get(number, 0):
            failures[number] -= 1
            raise ConnectionError("transient")
        return numbered_source(10, 4)(number)

    async def run() -> list[int]:
        pager = AsyncNumberedPages(fetch, page_count_of=lambda p: p.count, items_of=lambda p: p.items)
        seen: list[int] = []
        with pytest.raises(ConnectionError):
            async for item in pager:
                seen.append(item)
        assert pager.page_number == 3 and pager.skip == 0
        seen.extend([item async for item in pager])
        return seen

    assert asyncio.run(run()) == list(range(10))


def test_async_pager_holds_one_page_and_survives_cancellation() -> None:
    release = asyncio.Event

    async def run() -> list[int]:
        gate = release()
        source = cursor_source(8, 4)

        async def fetch(cursor: str | None) -> FakePage:
            if cursor == "4" and not gate.is_set():
                await gate.wait()
            return source[cursor]

        pager = AsyncCursorPages(fetch, cursor_of=lambda p: p.cursor, items_of=lambda p: p.items)
        head = [await anext(pager) for _ in range(4)]
        task = asyncio.create_task(anext(pager))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert (pager.cursor, pager.skip) == ("4", 0)  # the cancelled fetch handed nothing out
        gate.set()
        return head + [item async for item in pager]

    assert asyncio.run(run()) == list(range(8))


def test_sync_pager_iterates_lazily() -> None:
    fetched: list[str | None] = []
    source = cursor_source(12, 4)

    def fetch(cursor: str | None) -> FakePage:
        fetched.append(cursor)
        return source[cursor]

    pager: Iterator[int] = CursorPages(fetch, cursor_of=lambda p: p.cursor, items_of=lambda p: p.items)
    assert fetched == []
    assert [next(pager) for _ in range(5)] == [0, 1, 2, 3, 4]
    assert fetched == [None, "4"]
