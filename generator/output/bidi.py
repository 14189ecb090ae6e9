"""Bidirectional controls out of generated Python: a spec's text must not make code display as other code.

A right-to-left override or an isolate in a docstring or a comment reorders how the rest of its line
shows in an editor or a diff, so reviewed code can differ from what runs ("Trojan Source",
CVE-2021-42574). The template filters drop them from what they print; openapi-python-client also
writes spec text itself (a model's field descriptions), so every rendered module is rewritten here:
inside a string literal each control becomes its escape (`\\u202e`, the same value at run time), in a
comment it is dropped.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from pathlib import Path

from generator.render.text import BIDI_CONTROLS

__all__ = ["escape_bidi_controls"]

_ANY = re.compile(f"[{BIDI_CONTROLS}]")
_PREFIX = re.compile(r"^[A-Za-z]*")


def escape_bidi_controls(files: Iterable[Path]) -> None:
    """Rewrites each file holding a bidirectional control (see the module docstring)."""
    for path in files:
        source = path.read_text(encoding="utf-8")
        if _ANY.search(source) is not None:
            path.write_text(_escaped(source), encoding="utf-8")


def _escaped(source: str) -> str:
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits: list[tuple[int, int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if _ANY.search(token.string) is None:
                continue
            start = offsets[token.start[0] - 1] + token.start[1]
            end = offsets[token.end[0] - 1] + token.end[1]
            edits.append((start, end, _replacement(token)))
    except (tokenize.TokenError, SyntaxError):
        return _ANY.sub("", source)  # not Python the tokenizer reads: the import check will say why
    for start, end, text in reversed(edits):
        source = source[:start] + text + source[end:]
    return _ANY.sub("", source)  # anywhere else (no token holds it) it is only whitespace


def _replacement(token: tokenize.TokenInfo) -> str:
    prefix = _PREFIX.match(token.string)
    escapable = (
        token.type == tokenize.STRING and prefix is not None and not set(prefix.group().lower()) & {"r", "f", "b"}
    )
    if escapable:
        return _ANY.sub(lambda match: f"\\u{ord(match.group()):04x}", token.string)
    return _ANY.sub("", token.string)
