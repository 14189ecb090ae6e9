"""Lazy iteration over paged results: one page in memory at a time (two for page numbers, see below),
resumable from its position.

Generated `paginate` / `paginate_async` helpers build these from the spec's x-pagination extension.
A pager is an iterator of records; `pages()` gives the pages' response models instead, and
`detailed_pages()` each page with its position. Its position (`cursor` or `page_number`, plus `skip`:
records of that page already handed out) always describes exactly what has been yielded so far, so
starting a new pager from it yields every remaining record once. A page is handed out only after it
was fetched whole (retries happen inside the fetch), so a retried request never yields a record twice;
after a failure, iterating the same pager again carries on from its position.

A page that names where its records were sent instead of carrying them (`redirect_of`, from the
extension's redirectField) raises RedirectedPageError rather than passing for an empty page.

Paging never loops. A cursor pager refuses a page whose next cursor is the one it was fetched with or
any other this pager has already followed. A page-number pager computes the next number itself, so
it cannot stand still, but a server may ignore the number or keep counting more pages: it refuses a
page whose records equal the previous page's (the server did not serve the number; two pages of
identical records in a row are taken for that), and a page count that grows faster than pages are
read (by more than one page for every two read since the first, beyond a slack of 10: any slower
growth ends, after at most twice the first count plus 20 pages). Either raises PagingError, naming
the operation and the position, before any record of that page is handed out: the position stays
before it, so nothing is yielded twice.

One pager does the bookkeeping; a position strategy says how pages are addressed (a cursor the previous
page names, or a page number counted up to the page count), and thin sync and async drivers fetch.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, Protocol, TypeVar

from msgspec import UnsetType as Unset

from ._errors import ConfigurationError, PagingError, RedirectedPageError
from ._public import publish

__all__ = ["AsyncCursorPages", "AsyncNumberedPages", "Checkpoint", "CursorPages", "NumberedPages", "Page"]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")
KeyT = TypeVar("KeyT")
PageContra = TypeVar("PageContra", contravariant=True)


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


def first_page(value: int | Unset | None) -> int:
    """The page number to start from: `value` when it is a positive integer, else 1."""
    return value if isinstance(value, int) and value > 0 else 1


def _items(value: Sequence[ItemT] | Unset | None) -> Sequence[ItemT]:
    return value if isinstance(value, Sequence) else ()


def _excerpt(cursor: str | None, limit: int = 40) -> str:
    """A cursor as messages show it: quoted, its middle cut when it is long."""
    if cursor is None:
        return "(none: the first page)"
    text = cursor if len(cursor) <= limit else f"{cursor[: limit // 2]}...{cursor[-limit // 2 :]}"
    return repr(text)


# How far a page count may outgrow the pages read (see the module's docstring).
_GROWTH_SLACK_PAGES: Final = 10


def _digest(text: str) -> bytes:
    """A fixed-size stand-in for a cursor, remembered for every page."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _Position(Protocol[PageContra, KeyT]):
    """How pages are addressed: the key of the page after one, and how a page describes itself."""

    def following(self, response: PageContra, key: KeyT, items: Sequence[object]) -> tuple[KeyT, bool]:
        """The key of the next page, and whether the page fetched with `key` is the last.

        Raises PagingError, changing nothing, when the next key would not advance.
        """
        ...

    def page_fields(self, key: KeyT, following: KeyT, pages_read: int) -> tuple[int, str | None, str | None]:
        """The page's (number, cursor, next_cursor)."""
        ...


class _Cursors(Generic[PageT]):
    """Cursor paging: each page names the cursor of the next; a page without one is the last.

    Every cursor followed (and the one the pager started from) is remembered, as a digest: a page
    naming one of them as its next would start the same pages over.
    """

    def __init__(self, cursor_of: Callable[[PageT], str | Unset | None], operation: str | None) -> None:
        self._cursor_of = cursor_of
        self._operation = operation
        self._followed: set[bytes] = set()

    def following(self, response: PageT, key: str | None, items: Sequence[object]) -> tuple[str | None, bool]:
        value = self._cursor_of(response)
        cursor = value if isinstance(value, str) and value else None
        if cursor is None:
            return None, True
        if key is not None:
            self._followed.add(_digest(key))
        digest = _digest(cursor)
        if digest in self._followed:
            again = "the cursor it was fetched with" if cursor == key else "a cursor this pager already followed"
            raise PagingError(
                f"the page fetched with cursor {_excerpt(key)} names as the next page {again}",
                operation=self._operation,
                cursor=key,
            )
        self._followed.add(digest)
        return cursor, False

    def page_fields(
        self, key: str | None, following: str | None, pages_read: int
    ) -> tuple[int, str | None, str | None]:
        return pages_read, key, following


class _Numbers(Generic[PageT]):
    """Page-number paging: pages 1, 2, ... up to the page count the responses report (or an empty page).

    The previous page's records are kept (so this pager holds two pages, not one) to refuse a page
    equal to it, and the first count read, to refuse a count that outruns the pager (see the module's
    docstring).
    """

    def __init__(self, page_count_of: Callable[[PageT], int | Unset | None], operation: str | None) -> None:
        self._page_count_of = page_count_of
        self._operation = operation
        self._previous: Sequence[object] = ()
        self._first_count: int | None = None
        self._read = 0

    def following(self, response: PageT, key: int, items: Sequence[object]) -> tuple[int, bool]:
        count = self._page_count_of(response)
        last = not items or not isinstance(count, int) or key >= count
        if items and _same(items, self._previous):
            raise PagingError(
                f"page {key} repeats page {key - 1} (the same records): the server did not serve the page number",
                operation=self._operation,
                page_number=key,
            )
        if isinstance(count, int) and not isinstance(count, bool):
            if self._first_count is None:
                self._first_count = count
            growth = count - self._first_count
            if growth > (self._read + 1) // 2 + _GROWTH_SLACK_PAGES:
                raise PagingError(
                    f"the page count grew from {self._first_count} to {count} while {self._read + 1} pages were "
                    "read: pages are added faster than they can be read",
                    operation=self._operation,
                    page_number=key,
                )
        self._previous = items
        self._read += 1
        return key + 1, last

    def page_fields(self, key: int, following: int, pages_read: int) -> tuple[int, str | None, str | None]:
        return key, None, None


def _same(items: Sequence[object], previous: Sequence[object]) -> bool:
    """Whether two pages hold equal records (cheap when they differ: the first pair usually does)."""
    return len(items) == len(previous) and all(a == b for a, b in zip(items, previous, strict=True))


class _Pager(Generic[PageT, ItemT, KeyT]):
    """The position and counters of a pager, whichever way pages are addressed and fetched.

    `key` is the address of the page being read, `skip` the records of it already handed out.
    """

    def __init__(
        self,
        fetch: Callable[[KeyT], Any],
        position: _Position[PageT, KeyT],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start: KeyT,
        skip: int,
        redirect_of: Callable[[PageT], object] | None = None,
    ) -> None:
        if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
            raise ConfigurationError(f"skip must be a non-negative integer, not {skip!r}")
        self._fetch = fetch
        self._position = position
        self._items_of = items_of
        self._redirect_of = redirect_of
        self._key = start
        self._following = start
        self.skip = skip
        self.done = False
        self.pages_read = 0
        self.items_read = 0

    def _page(self, response: PageT) -> Page[PageT, ItemT]:
        """The page fetched at the current key, without the records already handed out."""
        if self._redirect_of is not None:
            url = self._redirect_of(response)
            if isinstance(url, str) and url:
                raise RedirectedPageError(url, page=self.pages_read + 1)
        items = _items(self._items_of(response))
        self._following, last = self._position.following(response, self._key, items)
        self.pages_read += 1
        number, cursor, next_cursor = self._position.page_fields(self._key, self._following, self.pages_read)
        kept = items[self.skip :] if self.skip else items
        return Page(response=response, items=kept, number=number, last=last, cursor=cursor, next_cursor=next_cursor)

    def _finish(self, page: Page[PageT, ItemT]) -> None:
        self._key = self._following
        self.skip = 0
        self.done = page.last

    def _handed_out(self, page: Page[PageT, ItemT], index: int) -> None:
        """Records that `page.items[index]` is about to be yielded."""
        self.items_read += 1
        if index == len(page.items) - 1:
            self._finish(page)
        else:
            self.skip += 1

    def _whole(self, page: Page[PageT, ItemT]) -> Page[PageT, ItemT]:
        """Records that all of `page` is handed out at once."""
        self.items_read += len(page.items)
        self._finish(page)
        return page


class _Pages(_Pager[PageT, ItemT, KeyT], Iterator[ItemT]):
    """The sync driver: fetches with a plain callable."""

    _fetch: Callable[[KeyT], PageT]
    _records: Iterator[ItemT] | None = None

    def pages(self) -> Iterator[PageT]:
        """The remaining pages' response models; the position moves past each page as it is yielded."""
        for page in self.detailed_pages():
            yield page.response

    def detailed_pages(self) -> Iterator[Page[PageT, ItemT]]:
        """The remaining pages with their position (number, cursor, next cursor) and records."""
        while not self.done:
            yield self._whole(self._page(self._fetch(self._key)))

    def _iterate(self) -> Iterator[ItemT]:
        while not self.done:
            page = self._page(self._fetch(self._key))
            if not page.items:
                self._finish(page)
            for index, item in enumerate(page.items):
                self._handed_out(page, index)
                yield item

    def __iter__(self) -> _Pages[PageT, ItemT, KeyT]:
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


class _AsyncPages(_Pager[PageT, ItemT, KeyT], AsyncIterator[ItemT]):
    """The async driver: fetches with a coroutine function."""

    _fetch: Callable[[KeyT], Awaitable[PageT]]
    _current: Page[PageT, ItemT] | None = None
    _index = 0

    async def pages(self) -> AsyncIterator[PageT]:
        """The remaining pages' response models; the position moves past each page as it is yielded."""
        async for page in self.detailed_pages():
            yield page.response

    async def detailed_pages(self) -> AsyncIterator[Page[PageT, ItemT]]:
        """The remaining pages with their position (number, cursor, next cursor) and records."""
        while not self.done:
            yield self._whole(self._page(await self._fetch(self._key)))

    def __aiter__(self) -> _AsyncPages[PageT, ItemT, KeyT]:
        return self

    async def __anext__(self) -> ItemT:
        # A plain method rather than an async generator: cancellation leaves no half-closed generator.
        while self._current is None or self._index >= len(self._current.items):
            if self.done:
                raise StopAsyncIteration
            self._current = None  # one page in memory at a time
            page = self._page(await self._fetch(self._key))
            self._current, self._index = page, 0
            if not page.items:
                self._finish(page)
        page, index = self._current, self._index
        self._index += 1
        self._handed_out(page, index)
        return page.items[index]


class _CursorPosition(_Pager[PageT, ItemT, str | None]):
    @property
    def cursor(self) -> str | None:
        """The cursor of the page being read (None for the first page, and once done)."""
        return self._key

    def checkpoint(self) -> Checkpoint:
        """The position to resume from: everything before it has been yielded."""
        return Checkpoint(self._key, self.skip, self.done)


class _NumberedPosition(_Pager[PageT, ItemT, int]):
    @property
    def page_number(self) -> int:
        """The number of the page being read (the one after the last, once done)."""
        return self._key


class CursorPages(_CursorPosition[PageT, ItemT], _Pages[PageT, ItemT, str | None]):
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
        redirect_of: Callable[[PageT], object] | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(fetch, _Cursors(cursor_of, operation), items_of, start_cursor, skip, redirect_of)


class AsyncCursorPages(_CursorPosition[PageT, ItemT], _AsyncPages[PageT, ItemT, str | None]):
    """`CursorPages` for `async for`."""

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[PageT]],
        *,
        cursor_of: Callable[[PageT], str | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_cursor: str | None = None,
        skip: int = 0,
        redirect_of: Callable[[PageT], object] | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(fetch, _Cursors(cursor_of, operation), items_of, start_cursor, skip, redirect_of)


class NumberedPages(_NumberedPosition[PageT, ItemT], _Pages[PageT, ItemT, int]):
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
        redirect_of: Callable[[PageT], object] | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(fetch, _Numbers(page_count_of, operation), items_of, first_page(start_page), skip, redirect_of)


class AsyncNumberedPages(_NumberedPosition[PageT, ItemT], _AsyncPages[PageT, ItemT, int]):
    """`NumberedPages` for `async for`."""

    def __init__(
        self,
        fetch: Callable[[int], Awaitable[PageT]],
        *,
        page_count_of: Callable[[PageT], int | Unset | None],
        items_of: Callable[[PageT], Sequence[ItemT] | Unset | None],
        start_page: int = 1,
        skip: int = 0,
        redirect_of: Callable[[PageT], object] | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(fetch, _Numbers(page_count_of, operation), items_of, first_page(start_page), skip, redirect_of)


publish(globals(), __all__)
