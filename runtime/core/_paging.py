"""Lazy iteration over paged results: one page in memory at a time, resumable from a checkpoint.

Generated `paginate` / `paginate_async` helpers build these from the spec's x-pagination extension.
A pager is an iterator of records; `pages()` gives the pages' response models instead, and
`detailed_pages()` each page with its position. Its position (`cursor` or
`page_number`, plus `skip`: records of that page already handed out) always describes exactly what has
been yielded so far, so saving it and starting a new pager from it yields every remaining record once.
A page is handed out only after it was fetched whole (retries happen inside the fetch), so a retried
request never yields a record twice; after a failure, iterating the same pager again carries on from
its position.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..types import Unset

__all__ = ["AsyncCursorPages", "AsyncNumberedPages", "Checkpoint", "CursorPages", "NumberedPages", "Page"]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class Page(Generic[PageT, ItemT]):
    """One fetched page.

    Attributes:
        response: The decoded response model.
        items: Its records (without those skipped when resuming part-way through it).
        number: The page number (page-number paging) or the count of pages this pager has read.
        cursor: The cursor this page was fetched with (None for a first page or page-number paging).
        next_cursor: The cursor of the following page (None after the last page).
        last: Whether this is the last page.
    """

    response: PageT
    items: Sequence[ItemT]
    number: int
    last: bool
    cursor: str | None = None
    next_cursor: str | None = None


@dataclass(frozen=True)
class Checkpoint:
    """Where a cursor pager stands: fetch the page at `cursor`, then skip its first `skip` records.

    `done` is true once the last page has been read (then there is nothing to resume; a None cursor
    otherwise means the first page).
    """

    cursor: str | None
    skip: int = 0
    done: bool = False


def _cursor(value: str | Unset | None) -> str | None:
    return value if isinstance(value, str) and value else None


def _items(value: Sequence[ItemT] | Unset | None) -> Sequence[ItemT]:
    return value if isinstance(value, Sequence) else ()


def _check_skip(skip: int) -> int:
    if skip < 0:
        raise ValueError("skip must not be negative")
    return skip


def first_page(value: int | Unset | None) -> int:
    return value if isinstance(value, int) and value > 0 else 1


class _CursorState(Generic[PageT, ItemT]):
    """The position and counters of a cursor pager, shared by the sync and async forms."""

    def __init__(
        self,
        *,
        cursor_of: Callable[[PageT], str | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_cursor: str | None,
        skip: int,
    ) -> None:
        self._cursor_of = cursor_of
        self._items_of = items_of
        self.cursor = start_cursor
        self.skip = _check_skip(skip)
        self.done = False
        self.pages_read = 0
        self.items_read = 0

    def checkpoint(self) -> Checkpoint:
        """The position to resume from: everything before it has been yielded."""
        return Checkpoint(self.cursor, self.skip, self.done)

    def _page(self, response: PageT) -> Page[PageT, ItemT]:
        self.pages_read += 1
        items = _items(self._items_of(response))
        next_cursor = _cursor(self._cursor_of(response))
        return Page(
            response=response,
            items=items[self.skip :] if self.skip else items,
            number=self.pages_read,
            last=next_cursor is None,
            cursor=self.cursor,
            next_cursor=next_cursor,
        )

    def _finish(self, page: Page[PageT, ItemT]) -> None:
        self.cursor = page.next_cursor
        self.skip = 0
        self.done = page.last

    def _handed_out(self, page: Page[PageT, ItemT], index: int) -> None:
        """Records that `page.items[index]` is about to be yielded."""
        self.items_read += 1
        if index == len(page.items) - 1:
            self._finish(page)
        else:
            self.skip += 1

    def _records_of(self, page: Page[PageT, ItemT]) -> Iterator[ItemT]:
        if not page.items:
            self._finish(page)
        for index, item in enumerate(page.items):
            self._handed_out(page, index)
            yield item


class CursorPages(_CursorState[PageT, ItemT], Iterator[ItemT]):
    """Every record of every page, following cursors until a page has none.

    `cursor` is the cursor of the page being read (None for the first), `skip` the records of it already
    yielded; `checkpoint()` bundles both. `pages_read` and `items_read` count progress.
    """

    def __init__(
        self,
        fetch: Callable[[str | None], PageT],
        *,
        cursor_of: Callable[[PageT], str | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_cursor: str | None = None,
        skip: int = 0,
    ) -> None:
        super().__init__(cursor_of=cursor_of, items_of=items_of, start_cursor=start_cursor, skip=skip)
        self._fetch = fetch
        self._records: Iterator[ItemT] | None = None

    def pages(self) -> Iterator[PageT]:
        """The remaining pages' response models; the position moves past each page as it is yielded."""
        for page in self.detailed_pages():
            yield page.response

    def detailed_pages(self) -> Iterator[Page[PageT, ItemT]]:
        """The remaining pages with their position (cursor, next cursor, number) and records."""
        while not self.done:
            page = self._page(self._fetch(self.cursor))
            self.items_read += len(page.items)
            self._finish(page)
            yield page

    def _iterate(self) -> Iterator[ItemT]:
        while not self.done:
            yield from self._records_of(self._page(self._fetch(self.cursor)))

    def __iter__(self) -> CursorPages[PageT, ItemT]:
        return self

    def __next__(self) -> ItemT:
        if self._records is None:
            self._records = self._iterate()
        try:
            return next(self._records)
        except StopIteration:
            raise
        except BaseException:
            self._records = None  # the position is intact: the next call carries on from it
            raise


class AsyncCursorPages(_CursorState[PageT, ItemT], AsyncIterator[ItemT]):
    """`CursorPages` for `async for`."""

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[PageT]],
        *,
        cursor_of: Callable[[PageT], str | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_cursor: str | None = None,
        skip: int = 0,
    ) -> None:
        super().__init__(cursor_of=cursor_of, items_of=items_of, start_cursor=start_cursor, skip=skip)
        self._fetch = fetch
        self._page_items: Sequence[ItemT] = ()
        self._current: Page[PageT, ItemT] | None = None
        self._index = 0

    async def pages(self) -> AsyncIterator[PageT]:
        """The remaining pages' response models; the position moves past each page as it is yielded."""
        async for page in self.detailed_pages():
            yield page.response

    async def detailed_pages(self) -> AsyncIterator[Page[PageT, ItemT]]:
        """The remaining pages with their position (cursor, next cursor, number) and records."""
        while not self.done:
            page = self._page(await self._fetch(self.cursor))
            self.items_read += len(page.items)
            self._finish(page)
            yield page

    def __aiter__(self) -> AsyncCursorPages[PageT, ItemT]:
        return self

    async def __anext__(self) -> ItemT:
        # A plain method rather than an async generator: cancellation leaves no half-closed generator.
        while self._current is None or self._index >= len(self._current.items):
            if self.done:
                raise StopAsyncIteration
            self._current = None  # one page in memory at a time
            page = self._page(await self._fetch(self.cursor))
            self._current, self._index = page, 0
            if not page.items:
                self._finish(page)
        page, index = self._current, self._index
        self._index += 1
        self._handed_out(page, index)
        return page.items[index]


class _NumberedState(Generic[PageT, ItemT]):
    """The position and counters of a page-number pager, shared by the sync and async forms."""

    def __init__(
        self,
        *,
        page_count_of: Callable[[PageT], int | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_page: int,
        skip: int,
    ) -> None:
        self._page_count_of = page_count_of
        self._items_of = items_of
        self.page_number = first_page(start_page)
        self.skip = _check_skip(skip)
        self.done = False
        self.pages_read = 0
        self.items_read = 0

    def _page(self, response: PageT) -> Page[PageT, ItemT]:
        self.pages_read += 1
        items = _items(self._items_of(response))
        count = self._page_count_of(response)
        last = not items or not isinstance(count, int) or self.page_number >= count
        return Page(
            response=response,
            items=items[self.skip :] if self.skip else items,
            number=self.page_number,
            last=last,
        )

    def _finish(self, page: Page[PageT, ItemT]) -> None:
        self.page_number = page.number + 1
        self.skip = 0
        self.done = page.last

    def _handed_out(self, page: Page[PageT, ItemT], index: int) -> None:
        self.items_read += 1
        if index == len(page.items) - 1:
            self._finish(page)
        else:
            self.skip += 1

    def _records_of(self, page: Page[PageT, ItemT]) -> Iterator[ItemT]:
        if not page.items:
            self._finish(page)
        for index, item in enumerate(page.items):
            self._handed_out(page, index)
            yield item


class NumberedPages(_NumberedState[PageT, ItemT], Iterator[ItemT]):
    """Every record of pages numbered from `start_page` up to the page count the responses report.

    `page_number` is the page being read, `skip` the records of it already yielded.
    """

    def __init__(
        self,
        fetch: Callable[[int], PageT],
        *,
        page_count_of: Callable[[PageT], int | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_page: int = 1,
        skip: int = 0,
    ) -> None:
        super().__init__(page_count_of=page_count_of, items_of=items_of, start_page=start_page, skip=skip)
        self._fetch = fetch
        self._records: Iterator[ItemT] | None = None

    def pages(self) -> Iterator[PageT]:
        """The remaining pages' response models; the position moves past each page as it is yielded."""
        for page in self.detailed_pages():
            yield page.response

    def detailed_pages(self) -> Iterator[Page[PageT, ItemT]]:
        """The remaining pages with their position (cursor, next cursor, number) and records."""
        while not self.done:
            page = self._page(self._fetch(self.page_number))
            self.items_read += len(page.items)
            self._finish(page)
            yield page

    def _iterate(self) -> Iterator[ItemT]:
        while not self.done:
            yield from self._records_of(self._page(self._fetch(self.page_number)))

    def __iter__(self) -> NumberedPages[PageT, ItemT]:
        return self

    def __next__(self) -> ItemT:
        if self._records is None:
            self._records = self._iterate()
        try:
            return next(self._records)
        except StopIteration:
            raise
        except BaseException:
            self._records = None
            raise


class AsyncNumberedPages(_NumberedState[PageT, ItemT], AsyncIterator[ItemT]):
    """`NumberedPages` for `async for`."""

    def __init__(
        self,
        fetch: Callable[[int], Awaitable[PageT]],
        *,
        page_count_of: Callable[[PageT], int | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_page: int = 1,
        skip: int = 0,
    ) -> None:
        super().__init__(page_count_of=page_count_of, items_of=items_of, start_page=start_page, skip=skip)
        self._fetch = fetch
        self._current: Page[PageT, ItemT] | None = None
        self._index = 0

    async def pages(self) -> AsyncIterator[PageT]:
        """The remaining pages' response models; the position moves past each page as it is yielded."""
        async for page in self.detailed_pages():
            yield page.response

    async def detailed_pages(self) -> AsyncIterator[Page[PageT, ItemT]]:
        """The remaining pages with their position (cursor, next cursor, number) and records."""
        while not self.done:
            page = self._page(await self._fetch(self.page_number))
            self.items_read += len(page.items)
            self._finish(page)
            yield page

    def __aiter__(self) -> AsyncNumberedPages[PageT, ItemT]:
        return self

    async def __anext__(self) -> ItemT:
        while self._current is None or self._index >= len(self._current.items):
            if self.done:
                raise StopAsyncIteration
            self._current = None  # one page in memory at a time
            page = self._page(await self._fetch(self.page_number))
            self._current, self._index = page, 0
            if not page.items:
                self._finish(page)
        page, index = self._current, self._index
        self._index += 1
        self._handed_out(page, index)
        return page.items[index]
