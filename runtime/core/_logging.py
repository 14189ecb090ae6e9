"""The package's logger; records name operations, statuses and timings, never headers or bodies.

Requests are logged at DEBUG, retries, waits and token fetches at INFO. The logger is named after the
generated package (its top-level import name); configure it to see them. Every record it emits is
redacted first (`RedactingFilter`), so even text a server sent (an error code, a path) cannot carry a
credential into a log; so are the records of httpx and httpcore, whose DEBUG trace quotes the
response headers a server sent (and a server may echo the Authorization header in one).
"""

from __future__ import annotations

import logging

from ._redaction import RedactingFilter

__all__ = ["logger"]

logger = logging.getLogger(__name__.split(".")[0])
logger.addHandler(logging.NullHandler())

# A logger's filters see only the records logged to it, not its children's: name each one.
_HTTP_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
_redacting = RedactingFilter()
for _name in (logger.name, *_HTTP_LOGGERS):
    logging.getLogger(_name).addFilter(_redacting)
