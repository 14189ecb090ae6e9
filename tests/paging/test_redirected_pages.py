"""A results page that carries a download link instead of its records is never taken for an empty page.

The emulator answers allowRedirect=true on a large result with pages holding a downloadUrl (as the
newest reference page documents); the spec names that field as the pager's redirectField.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime

import pytest
from genesys_cloud_audit import Client, RedirectedPageError, WaitPolicy, query_audits
from genesys_cloud_audit.api.audit import get_audits_query_transaction_id_results as results
from genesys_cloud_audit.api.audit import post_audits_query
from genesys_cloud_audit.models import AuditQueryRequest

from emulator import Emulator

Span = tuple[datetime, datetime]


@pytest.fixture
def redirecting(emu: Emulator) -> Iterator[Emulator]:
    emu.app.config.update({"redirect_over": 100})
    yield emu
    emu.app.config.update({"redirect_over": None})


def _query(client: Client, span: Span, wait: WaitPolicy) -> str:
    interval = f"{span[0].isoformat()}/{span[1].isoformat()}"
    status = post_audits_query.sync_and_wait(client=client, body=AuditQueryRequest(interval=interval), policy=wait)
    assert isinstance(status.id, str)
    return status.id


def test_paginate_with_allow_redirect_raises_instead_of_yielding_nothing(
    redirecting: Emulator, client: Client, span: Span, fast_wait: WaitPolicy
) -> None:
    transaction_id = _query(client, span, fast_wait)
    pager = results.paginate(transaction_id, client=client, page_size=500, allow_redirect=True)
    with pytest.raises(RedirectedPageError) as caught:
        list(pager)
    error = caught.value
    assert error.page == 1 and error.url.startswith(redirecting.base_url)
    assert error.url not in str(error) and "asks for a link" in str(error)
    assert pager.items_read == 0 and not pager.done


def test_paginate_async_with_allow_redirect_raises_too(
    redirecting: Emulator, client: Client, span: Span, fast_wait: WaitPolicy
) -> None:
    transaction_id = _query(client, span, fast_wait)

    async def read() -> list[object]:
        try:
            return [r async for r in results.paginate_async(transaction_id, client=client, allow_redirect=True)]
        finally:
            await client.aclose()

    with pytest.raises(RedirectedPageError):
        asyncio.run(read())


def test_exports_never_ask_for_redirects(
    redirecting: Emulator, client: Client, span: Span, expected_ids: list[str], fast_wait: WaitPolicy
) -> None:
    ids = [record.id for record in query_audits(client, interval=span, sort="ascending", wait_policy=fast_wait)]
    assert ids == expected_ids
    assert redirecting.stats()["redirected"] == 0
