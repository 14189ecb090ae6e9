"""The pager (runtime/core/_paging.py): both position strategies, through the sync and the async driver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from genesys_cloud_audit import (
    AsyncCursorPages,
    AsyncNumberedPages,
    Checkpoint,
    ConfigurationError,
    CursorPages,
    GenesysCloudError,
    NumberedPages,
    PagingError,
)
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
    with pytest.raises(ConfigurationError, match="skip"):
        cursor_pages(cursor_source(3, 2), skip=-1)
    with pytest.raises(ConfigurationError, match="skip"):
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


# -- paging never loops --------------------------------------------------------------------------


def looping_source(*cursors: str | None) -> dict[str | None, FakePage]:
    """Pages fetched with None, then each given cursor: page i names cursors[i] as its next."""
    keys = [None, *cursors[:-1]]
    return {key: FakePage([10 * index, 10 * index + 1], cursor=cursors[index]) for index, key in enumerate(keys)}


@pytest.mark.parametrize(
    ("cursors", "handed_out", "stuck_at", "reason"),
    [
        (("a", "a"), [0, 1], "a", "the cursor it was fetched with"),  # the server repeats the cursor it got
        (("a", "b", "a"), [0, 1, 10, 11], "b", "a cursor this pager already followed"),  # a longer cycle
    ],
)
def test_a_cursor_that_does_not_advance_raises_before_its_page_is_handed_out(
    cursors: tuple[str, ...], handed_out: list[int], stuck_at: str, reason: str
) -> None:
    source = looping_source(*cursors)
    pager = cursor_pages(source, operation="listThings")
    got: list[int] = []
    with pytest.raises(PagingError, match=f"^listThings: paging does not advance: .*{reason}") as caught:
        got.extend(pager)
    assert got == handed_out
    assert (caught.value.operation_id, caught.value.cursor, caught.value.page_number) == ("listThings", stuck_at, None)
    assert isinstance(caught.value, GenesysCloudError)
    assert pager.checkpoint() == Checkpoint(stuck_at, 0, False)  # resuming from it repeats nothing
    with pytest.raises(PagingError):  # iterating again fails again rather than looping
        next(pager)
    assert pager.items_read == len(handed_out)

    async def run_async() -> list[int]:
        got_async: list[int] = []
        with pytest.raises(PagingError, match=reason):
            async for item in async_cursor_pages(source, operation="listThings"):
                got_async.append(item)
        return got_async

    assert asyncio.run(run_async()) == handed_out
    with pytest.raises(PagingError):
        list(cursor_pages(source).detailed_pages())


def test_a_resumed_cursor_pager_refuses_a_page_that_names_its_start_cursor() -> None:
    source = {"x": FakePage([7, 8], cursor="x")}
    pager = cursor_pages(source, start_cursor="x", skip=1)
    with pytest.raises(PagingError, match="cursor 'x'") as caught:
        next(pager)
    assert caught.value.operation_id is None and "paging does not advance" in str(caught.value)
    assert (pager.cursor, pager.skip, pager.pages_read) == ("x", 1, 0)


def test_a_long_cursor_is_cut_in_the_message() -> None:
    cursor = "k" * 30 + "-middle-" + "z" * 30
    with pytest.raises(PagingError) as caught:
        list(cursor_pages({None: FakePage([1], cursor=cursor), cursor: FakePage([2], cursor=cursor)}))
    assert caught.value.cursor == cursor and "middle" not in str(caught.value) and "kkk" in str(caught.value)


def test_a_server_ignoring_the_page_number_raises_at_the_first_repeated_page() -> None:
    fetched: list[int] = []

    def same_page(number: int) -> FakePage:
        fetched.append(number)
        return FakePage([1, 2, 3], count=1000)

    pager = numbered_pages(same_page, operation="searchThings")
    got: list[int] = []
    with pytest.raises(PagingError, match=r"^searchThings: paging does not advance: page 2 repeats page 1") as caught:
        got.extend(pager)
    assert got == [1, 2, 3] and fetched == [1, 2]
    assert (caught.value.page_number, caught.value.cursor) == (2, None)
    assert (pager.page_number, pager.skip) == (2, 0)
    with pytest.raises(PagingError, match="page 2 repeats page 1"):
        asyncio.run(collect(async_numbered_pages(same_page)))


def test_a_page_count_growing_as_fast_as_it_is_read_raises() -> None:
    # Page n reports n + 1 pages: there is always one more. The count may outgrow the pages read by
    # half of them plus 10, so page 23 (growth 22 > 23 // 2 + 10) is refused.
    pager = numbered_pages(lambda n: FakePage([n], count=n + 1), operation="searchThings")
    got: list[int] = []
    with pytest.raises(PagingError, match="page count grew from 2 to 24 while 23 pages were read") as caught:
        got.extend(pager)
    assert got == list(range(1, 23)) and caught.value.page_number == 23


def test_a_page_count_growing_slower_than_it_is_read_ends() -> None:
    # Records keep arriving (one more page for every three read): the pager still reaches the end.
    pages = list(numbered_pages(lambda n: FakePage([n], count=30 + n // 3)).detailed_pages())
    assert [page.number for page in pages] == list(range(1, 45)) and pages[-1].last  # page 44 counts 44


def test_identical_records_on_different_pages_are_not_mistaken_for_a_repeat() -> None:
    pages = {1: [5, 5, 5], 2: [5, 5], 3: [5, 6, 5]}
    assert list(numbered_pages(lambda n: FakePage(pages[n], count=3))) == [5, 5, 5, 5, 5, 5, 6, 5]
