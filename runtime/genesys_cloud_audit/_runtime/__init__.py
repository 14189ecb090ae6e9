"""The hand-written runtime core the generated modules call: client, auth, retries, paging, waiting.

Kept apart from generated code (it is copied from runtime/ by the generator, not rendered from the
spec); its public names are re-exported from the package root.
"""

from ._client import DEFAULT_RATE_LIMIT, DEFAULT_TIMEOUT, ApiRequest, Client, RequestOptions
from ._decoding import decode_response, require_field, unexpected_status
from ._paging import (
    AsyncCursorPages,
    AsyncNumberedPages,
    Checkpoint,
    CursorPages,
    NumberedPages,
    Page,
    first_page,
)
from ._ratelimit import RateLimiter
from ._regions import REGIONS
from ._retry import RetryPolicy
from ._waiter import WaitPolicy, wait_for_state, wait_for_state_async

__all__ = [
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_TIMEOUT",
    "REGIONS",
    "ApiRequest",
    "AsyncCursorPages",
    "AsyncNumberedPages",
    "Checkpoint",
    "Client",
    "CursorPages",
    "NumberedPages",
    "Page",
    "RateLimiter",
    "RequestOptions",
    "RetryPolicy",
    "WaitPolicy",
    "decode_response",
    "first_page",
    "require_field",
    "unexpected_status",
    "wait_for_state",
    "wait_for_state_async",
]
