"""Lazy iteration over paged results: one page in memory at a time, resumable from a cursor.

Generated `paginate` / `paginate_async` helpers build these from the spec's x-pagination extension.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Generic, TypeVar

from ..types import Unset

__all__ = ["AsyncCursorPages", "AsyncNumberedPages", "CursorPages", "NumberedPages", "first_page"]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")


def _cursor(value: str | Unset | None) -> str | None:
    return value if isinstance(value, str) and value else None


def _items(value: Sequence[ItemT] | Unset | None) -> Sequence[ItemT]:
    return value if isinstance(value, Sequence) else ()


def first_page(value: int | Unset | None) -> int:
    return value if isinstance(value, int) and value > 0 else 1


class CursorPages(Generic[PageT, ItemT]):
    """Every item of every page, following cursors; iterate it, or call `pages()`.

    `cursor` is the cursor of the next page to fetch (None before the first page when starting from
    the beginning, and after the last). `pages_read` and `items_read` count progress; after a page's
    items have all been yielded, saving `cursor` is enough to resume exactly after that page.
    """

    def __init__(
        self,
        fetch: Callable[[str | None], PageT],
        *,
        cursor_of: Callable[[PageT], str | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_cursor: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._cursor_of = cursor_of
        self._items_of = items_of
        self.cursor = start_cursor
        self.done = False
        self.pages_read = 0
        self.items_read = 0
        self._started = False

    def pages(self) -> Iterator[PageT]:
        if self._started:
            raise RuntimeError("a pager can be iterated once; create another (with start_cursor) to resume")
        self._started = True
        while not self.done:
            page = self._fetch(self.cursor)
            self.pages_read += 1
            next_cursor = _cursor(self._cursor_of(page))
            yield page
            self.cursor = next_cursor
            self.done = next_cursor is None

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.pages():
            for item in _items(self._items_of(page)):
                self.items_read += 1
                yield item


class AsyncCursorPages(Generic[PageT, ItemT]):
    """`CursorPages` for `async for`."""

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[PageT]],
        *,
        cursor_of: Callable[[PageT], str | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_cursor: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._cursor_of = cursor_of
        self._items_of = items_of
        self.cursor = start_cursor
        self.done = False
        self.pages_read = 0
        self.items_read = 0
        self._started = False

    async def pages(self) -> AsyncIterator[PageT]:
        if self._started:
            raise RuntimeError("a pager can be iterated once; create another (with start_cursor) to resume")
        self._started = True
        while not self.done:
            page = await self._fetch(self.cursor)
            self.pages_read += 1
            next_cursor = _cursor(self._cursor_of(page))
            yield page
            self.cursor = next_cursor
            self.done = next_cursor is None

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.pages():
            for item in _items(self._items_of(page)):
                self.items_read += 1
                yield item


class NumberedPages(Generic[PageT, ItemT]):
    """Every item of pages numbered from `start_page` up to the page count the responses report.

    `page_number` is the next page to fetch.
    """

    def __init__(
        self,
        fetch: Callable[[int], PageT],
        *,
        page_count_of: Callable[[PageT], int | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_page: int = 1,
    ) -> None:
        self._fetch = fetch
        self._page_count_of = page_count_of
        self._items_of = items_of
        self.page_number = start_page
        self.done = False
        self.pages_read = 0
        self.items_read = 0

    def pages(self) -> Iterator[PageT]:
        while not self.done:
            page = self._fetch(self.page_number)
            self.pages_read += 1
            count = self._page_count_of(page)
            empty = not _items(self._items_of(page))
            yield page
            self.page_number += 1
            self.done = empty or not isinstance(count, int) or self.page_number > count

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.pages():
            for item in _items(self._items_of(page)):
                self.items_read += 1
                yield item


class AsyncNumberedPages(Generic[PageT, ItemT]):
    """`NumberedPages` for `async for`."""

    def __init__(
        self,
        fetch: Callable[[int], Awaitable[PageT]],
        *,
        page_count_of: Callable[[PageT], int | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_page: int = 1,
    ) -> None:
        self._fetch = fetch
        self._page_count_of = page_count_of
        self._items_of = items_of
        self.page_number = start_page
        self.done = False
        self.pages_read = 0
        self.items_read = 0

    async def pages(self) -> AsyncIterator[PageT]:
        while not self.done:
            page = await self._fetch(self.page_number)
            self.pages_read += 1
            count = self._page_count_of(page)
            empty = not _items(self._items_of(page))
            yield page
            self.page_number += 1
            self.done = empty or not isinstance(count, int) or self.page_number > count

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.pages():
            for item in _items(self._items_of(page)):
                self.items_read += 1
                yield item
