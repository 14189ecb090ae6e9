"""The entry point: parses the arguments, then loads the client and runs the command (`_run`).

Only the parser is loaded up front, so `--help`, `--version` and a usage error answer at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._parser import parse_arguments

__all__: list[str] = []


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    from ._run import run

    return run(args)
