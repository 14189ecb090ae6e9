"""Runs a parsed command, and turns every failure into one line on stderr that says what went wrong and
names the one command that will work next (`--resume` only when resuming can succeed; otherwise
`--restart`, or the fix)."""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
from types import FrameType

from ..._core._errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    PagingError,
    PermissionDeniedError,
    RedirectedPageError,
    WaitFailedError,
    WaitTimeoutError,
)
from ...errors import GenesysCloudError
from .._errors import CheckpointError
from ._archive_cli import explain_sync
from ._commands import Session, run_command
from ._parser import PROGRAM
from ._sinks import UsageError

__all__: list[str] = []

_RESUME = "run the same command with --resume to continue"
# Operations whose failure means the query itself was refused (resending it fails the same way).
_CREATING = ("postAuditsQuery", "postAuditsQueryRealtime", "postAuditsQueryRealtimeRelated")


class _Terminated(BaseException):
    """SIGTERM arrived; unwinds like Ctrl-C so files are closed and the checkpoint stays usable."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def _resume(session: Session, then: str = _RESUME) -> str | None:
    """`then` when the export can continue from a saved checkpoint, else None."""
    return then if session.sink is not None and session.sink.resumable else None


def _wait_timed_out(error: WaitTimeoutError, session: Session) -> tuple[str, str | None]:
    what = f"audit query {error.resource_id} is still {error.last_state or 'not done'} after {error.waited:.0f} s"
    if session.to_file:
        return what, "run the same command with --resume to wait for it again (or give a longer --wait-timeout)"
    return what, (
        f"`genesys-audit results {error.resource_id}` waits for it again and writes its records "
        f"(`genesys-audit status {error.resource_id}` shows its state)"
    )


def _api_error(error: ApiError, session: Session) -> tuple[str, str | None]:
    what = str(error)
    if isinstance(error, AuthenticationError):
        fix = "check the OAuth client id and secret (GENESYSCLOUD_OAUTHCLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET)"
        return what, fix + (", then run the same command with --resume" if _resume(session) else "")
    if isinstance(error, PermissionDeniedError):
        fix = "the OAuth client needs the permission audits:audit:view"
        return what, fix + (", then run the same command with --resume" if _resume(session) else "")
    if isinstance(error, NotFoundError) and session.command in ("status", "results") and not _resume(session):
        return what, (
            f"no audit query {session.transaction_id} exists (queries expire): run it again with `genesys-audit query`"
        )
    if isinstance(error, NotFoundError) and session.command == "related":
        return what, "no audit record with this id exists in the organization (or give --trustor-org)"
    if isinstance(error, BadRequestError) and (error.operation_id in _CREATING and not _resume(session)):
        return what, "the server refused the query: change the options"
    if isinstance(error, BadRequestError) and error.operation_id == "postAuditsQuery":
        return what, "the server refused a sub-query: change the options and start again with --restart"
    return what, _resume(session)


def explain(error: BaseException, session: Session) -> tuple[str, str | None, int]:
    """The failure in words, the next step (or None), and the exit status."""
    if session.command == "sync" and (archived := explain_sync(error)) is not None:
        return archived
    if isinstance(error, CheckpointError):
        step = "pass --restart to discard the interrupted export and start over" if session.to_file else None
        return str(error), step, 1
    if isinstance(error, UsageError | ConfigurationError):
        return str(error), None, 2
    if isinstance(error, WaitFailedError):
        what = f"audit query {error.resource_id} ended in state {error.state}"
        again = _resume(session, "run the same command with --resume to run it again as a new query")
        if session.command == "results":  # the same id ends the same way: only a new query helps
            return what, again or "it has no results: run the query again with `genesys-audit query`", 1
        return what, again or "run the command again to run it as a new query", 1
    if isinstance(error, WaitTimeoutError):
        return (*_wait_timed_out(error, session), 1)
    if isinstance(error, RedirectedPageError):
        what = f"page {error.page} of the results came as a download link instead of records (never asked for)"
        return what, _resume(session, "run the same command with --resume to ask for that page again"), 1
    if isinstance(error, PagingError):  # resuming would ask for the same pages: only a new query can help
        again = "pass --restart to run the query anew" if session.to_file else "run the command again for a new query"
        return str(error), f"the server's pages do not advance: {again}", 1
    if isinstance(error, ApiError):
        return (*_api_error(error, session), 1)
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return str(error), _resume(session, "free some space, then run the same command with --resume"), 1
    if isinstance(error, GenesysCloudError | OSError):
        return str(error) or type(error).__name__, _resume(session), 1
    return f"unexpected {type(error).__name__}: {error}", _resume(session), 1


def _say(text: str) -> None:
    print(" ".join(text.split()), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Runs the command `args` name; its exit status."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    session = Session()
    try:
        return run_command(args, session)
    except (KeyboardInterrupt, _Terminated) as stop:
        word, status = ("interrupted", 130) if isinstance(stop, KeyboardInterrupt) else ("terminated", 143)
        step = _resume(session)
        print(file=sys.stderr)
        _say(f"{PROGRAM}: {word}" + (f"; {step}" if step else ""))
        return status
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as error:  # never a traceback: name the failure, and the way on, in one line
        what, step, status = explain(error, session)
        _say(f"{PROGRAM}: error: {what}" + (f"; {step}" if step else ""))
        return status
