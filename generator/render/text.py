"""Filters that write a string from the spec (or any other text) into a generated file without breaking it.

Each one is for one place: a docstring, a `#` comment, a TOML string, a line of Markdown or a Markdown
table cell. All of them drop the characters that have no business in generated source: control
characters (a NUL makes a module unimportable, a DEL makes TOML invalid) and the bidirectional
embeddings, overrides and isolates that make code display differently from what it is ("Trojan
Source", CVE-2021-42574). Line breaks survive only where the place allows them (docstrings).
"""

from __future__ import annotations

import json
import re
import textwrap

from openapi_python_client.schema.untrusted_string import UntrustedString
from openapi_python_client.strings import safe_for_docstring

__all__ = ["BIDI_CONTROLS", "comment", "docstring", "markdown", "markdown_cell", "plain_text", "toml"]

# The bidirectional embeddings, overrides and isolates.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_LINE_BREAKS = "\n\r\t"
# Markdown that would change the rest of the page: a line opening a code fence, and raw HTML (an
# unclosed `<!--` or `<script>` swallows everything after it).
_FENCE = re.compile(r"^(\s*)([`~]{3})")


def _table(keep_lines: bool) -> dict[int, str | None]:
    """What each control character becomes: white space a space (or itself, for kept line breaks), the
    rest nothing; the bidirectional controls nothing."""
    table: dict[int, str | None] = dict.fromkeys(map(ord, BIDI_CONTROLS))
    for code in [*range(0x20), *range(0x7F, 0xA0)]:
        character = chr(code)
        if keep_lines and character in _LINE_BREAKS:
            continue
        table[code] = " " if character.isspace() else None
    return table


_TABLES = {keep_lines: _table(keep_lines) for keep_lines in (False, True)}


def plain_text(value: object, *, keep_lines: bool = False) -> str:
    """`value` as text without control characters or bidirectional controls (line breaks kept if asked)."""
    if isinstance(value, UntrustedString):
        value = value.get_untrusted_value()
    return str(value).translate(_TABLES[keep_lines])


def docstring(value: object) -> str:
    """Text safe inside a triple-quoted docstring, also after the `wordwrap` filter (escapes are never split)."""
    return safe_for_docstring(plain_text(value, keep_lines=True)).strip()


def comment(value: object, width: int = 96) -> str:
    """Text as `#` comment lines of at most `width` characters (indent them with the indent filter)."""
    return "\n".join("# " + line for line in textwrap.wrap(" ".join(plain_text(value).split()), width) or [""])


def toml(value: object) -> str:
    """A TOML basic string (a JSON string without control characters is one)."""
    return json.dumps(plain_text(value, keep_lines=True), ensure_ascii=False)


def markdown(value: object) -> str:
    """Text as one line of Markdown that cannot change the rest of the page."""
    line = " ".join(plain_text(value).split()).replace("<", "\\<")
    return _FENCE.sub(lambda match: match.group(1) + "\\" + match.group(2), line)


def markdown_cell(value: object) -> str:
    """Text as the content of one Markdown table cell."""
    return markdown(value).replace("|", "\\|")
