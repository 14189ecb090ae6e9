"""The benchmark's data: pages of audit records rendered once from the emulator's generator.

Each cached page is the JSON array of one page's records. `page_body` wraps a cached array in the
page envelope (id, pageSize, cursor) for any page index, so a query of any length is served from
the same 100 distinct arrays without re-encoding.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["CACHE_FILE", "PAGE_COUNT", "PAGE_SIZE", "ensure_pages", "load_pages", "page_body", "transaction_id"]

PAGE_SIZE = 500
PAGE_COUNT = 100
_SEED = 2026
_VERSION = "v1"
CACHE_FILE = Path(__file__).resolve().parent / ".cache" / f"pages-{_VERSION}-{PAGE_COUNT}x{PAGE_SIZE}.jsonl"


def ensure_pages() -> Path:
    """Renders the pages into the cache file unless it is already there."""
    if CACHE_FILE.exists():
        return CACHE_FILE
    from emulator.data import AuditDataset

    total = PAGE_COUNT * PAGE_SIZE
    dataset = AuditDataset(
        seed=_SEED, count=total, start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2026, 2, 1, tzinfo=UTC)
    )
    CACHE_FILE.parent.mkdir(parents=True, exist_ok=True)
    partial = CACHE_FILE.with_suffix(".partial")
    with partial.open("wb") as out:
        for page in range(PAGE_COUNT):
            records = list(dataset.records(range(page * PAGE_SIZE, (page + 1) * PAGE_SIZE), expand_user=True))
            out.write(json.dumps(records, separators=(",", ":")).encode() + b"\n")
    partial.rename(CACHE_FILE)
    return CACHE_FILE


def load_pages() -> list[bytes]:
    """The cached records arrays, one per page."""
    return ensure_pages().read_bytes().splitlines()


def transaction_id(record_count: int) -> str:
    """The transaction id under which the bench server serves `record_count` records."""
    return f"bench-{record_count}"


def page_body(pages: list[bytes], transaction: str, index: int, total: int) -> bytes:
    """Page `index` of a query of `total` records (the last page has no cursor)."""
    head = b'{"id":"' + transaction.encode() + b'","pageSize":' + str(PAGE_SIZE).encode()
    if (index + 1) * PAGE_SIZE < total:
        head += b',"cursor":"p' + str(index + 1).encode() + b'"'
    return head + b',"entities":' + pages[index % len(pages)] + b"}"
