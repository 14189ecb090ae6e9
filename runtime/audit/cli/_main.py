"""The entry point: parses arguments, runs the command, and turns every failure into one line on stderr."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from ...errors import GenesysCloudError
from .._errors import CheckpointError, IntervalError
from ._commands import run_command
from ._parser import build_parser
from ._sinks import UsageError, checkpoint_path

__all__: list[str] = []

_PROGRAM = "genesys-audit"


class _Terminated(BaseException):
    """SIGTERM arrived; unwinds like Ctrl-C so files are closed and the checkpoint stays usable."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def _fail(message: str) -> None:
    print(f"{_PROGRAM}: error: {' '.join(message.split())}", file=sys.stderr)


def _resume_hint(output: str | None) -> None:
    if output and output != "-" and checkpoint_path(Path(output)).exists():
        print(f"{_PROGRAM}: run the same command with --resume to continue the export", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    output: str | None = getattr(args, "output", None)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return run_command(args)
    except KeyboardInterrupt:
        print(f"\n{_PROGRAM}: interrupted", file=sys.stderr)
        _resume_hint(output)
        return 130
    except _Terminated:
        print(f"{_PROGRAM}: terminated", file=sys.stderr)
        _resume_hint(output)
        return 143
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (UsageError, IntervalError) as error:
        _fail(str(error))
        return 2
    except CheckpointError as error:
        _fail(str(error))
        if output and output != "-":
            print(f"{_PROGRAM}: run the same command with --restart to discard the interrupted export", file=sys.stderr)
        return 1
    except (GenesysCloudError, OSError) as error:
        _fail(str(error) or type(error).__name__)
        _resume_hint(output)
        return 1
    except Exception as error:  # never a traceback: name the failure in one line
        _fail(f"unexpected {type(error).__name__}: {error}")
        _resume_hint(output)
        return 1
