"""A sync in a process of its own, for the tests that kill it: `python -m tests.archive.sync_child DB URL`.

It runs `sync_audits` as `genesys-audit sync` does, with a client whose rate limit allows 300 requests a
second instead of a minute and whose backoff is a tenth as long, so that a test of 200,000 records under
faults stays short. It prints the result's counts as JSON.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from genesys_cloud_audit import Client, RateLimiter, RetryPolicy, WaitPolicy, sync_audits

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

RETRY = RetryPolicy(initial_backoff=RetryPolicy.initial_backoff / 10, max_backoff=RetryPolicy.max_backoff / 10)
WAIT = WaitPolicy(first_interval=0.05, growth=1.5, max_interval=0.2, deadline=60.0)


def main(db: str, base_url: str, since: str, until: str) -> None:
    with Client(
        base_url=base_url,
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        retry=RETRY,
        rate_limit=RateLimiter(300, window=1.0),
    ) as client:
        result = sync_audits(
            client,
            db=db,
            since=datetime.fromisoformat(since).astimezone(UTC),
            until=datetime.fromisoformat(until).astimezone(UTC),
            wait_policy=WAIT,
        )
    print(
        json.dumps(
            {
                "read": result.records_read,
                "added": result.records_added,
                "total": result.records_total,
                "resumed": result.resumed,
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
