"""The entry point: parses the arguments, then loads the client and runs the command (`_run`).

Only the parser is loaded up front, so `--help`, `--version` and a usage error answer at once; `search`
and `history` only read an archive, and never load the client.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._archive_parser import READ_COMMANDS
from ._parser import parse_arguments

__all__: list[str] = []


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    if args.command in READ_COMMANDS:  # reading an archive needs no HTTP client: it stays unloaded
        from ._archive_read import answer

        return answer(args)
    from ._run import run

    return run(args)
