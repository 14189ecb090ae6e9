"""The benchmark's data: pages of audit records rendered once from the emulator's generator.

Each cached page is the JSON array of one page's records, of one data shape (emulator.shapes: even,
clustered, diurnal, bursty, extra-fields; each its own cache file). `page_body` wraps a cached array
in the page envelope (id, pageSize, cursor) for any page index, so a query of any length is served
from the same 100 distinct arrays without re-encoding.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

__all__ = [
    "CACHE_FILE",
    "PAGE_COUNT",
    "PAGE_SIZE",
    "SHAPES",
    "cache_file",
    "ensure_pages",
    "load_pages",
    "page_body",
    "transaction_id",
]

PAGE_SIZE = 500
PAGE_COUNT = 100
_SEED = 2026
_VERSION = "v1"
SHAPES = ("even", "clustered", "diurnal", "bursty", "extra-fields")  # emulator.shapes.SHAPES, in report order
_CACHE = Path(__file__).resolve().parent / ".cache"
CACHE_FILE = _CACHE / f"pages-{_VERSION}-{PAGE_COUNT}x{PAGE_SIZE}.jsonl"


def cache_file(shape: str = "even") -> Path:
    if shape not in SHAPES:
        raise ValueError(f"unknown data shape {shape!r}; known: {', '.join(SHAPES)}")
    return CACHE_FILE if shape == "even" else _CACHE / f"pages-{_VERSION}-{shape}-{PAGE_COUNT}x{PAGE_SIZE}.jsonl"


def ensure_pages(shape: str = "even") -> Path:
    """Renders the pages of `shape` into its cache file unless it is already there."""
    path = cache_file(shape)
    if path.exists():
        return path
    from emulator.data import AuditDataset

    total = PAGE_COUNT * PAGE_SIZE
    dataset = AuditDataset(
        seed=_SEED,
        count=total,
        start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 2, 1, tzinfo=UTC),
        shape=shape,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        for page in range(PAGE_COUNT):
            records = list(dataset.records(range(page * PAGE_SIZE, (page + 1) * PAGE_SIZE), expand_user=True))
            out.write(json.dumps(records, separators=(",", ":")).encode() + b"\n")
    partial.rename(path)
    return path


def load_pages(shape: str = "even") -> list[bytes]:
    """The cached records arrays of `shape`, one per page."""
    return ensure_pages(shape).read_bytes().splitlines()


def transaction_id(record_count: int) -> str:
    """The transaction id under which the bench server serves `record_count` records."""
    return f"bench-{record_count}"


def page_body(pages: list[bytes], transaction: str, index: int, total: int) -> bytes:
    """Page `index` of a query of `total` records (the last page has no cursor)."""
    head = b'{"id":"' + transaction.encode() + b'","pageSize":' + str(PAGE_SIZE).encode()
    if (index + 1) * PAGE_SIZE < total:
        head += b',"cursor":"p' + str(index + 1).encode() + b'"'
    return head + b',"entities":' + pages[index % len(pages)] + b"}"
