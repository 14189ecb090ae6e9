"""The page as a markdown-it-py syntax tree, and the text of its blocks.

CommonMark with GFM tables, front matter, ``!!!`` admonitions and ``:::``
containers, read as a lenient renderer (kramdown) would: a table whose
delimiter row has more or fewer cells than its header is still a table
(`repair_tables`), rows may lack their leading or closing pipe and their
trailing empty cells. Rendering quirks read here, so the reader sees plain
text: kramdown attribute lines (``{: class=...}``), which the table rule
reads as an extra row or which stand alone or trail a paragraph;
``<a name>`` anchors; ``<br />`` (a line break) and ``<string>`` (inline
HTML to markdown-it) inside table cells; presentational tags such as
``<code>``; HTML entities and backslash escapes (markdown-it decodes them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

__all__ = [
    "ASIDE_TYPES",
    "TableRow",
    "block_text",
    "is_attribute_line",
    "is_html_only",
    "line_of",
    "norm",
    "parse_markdown",
    "raw_cells",
    "read_rows",
    "repair_tables",
    "table_header",
    "table_rows",
    "unlinked",
    "without_attribute_lines",
]

# Blocks that hold remarks around the reference content, never the content itself.
ASIDE_TYPES: Final = frozenset({"admonition", "container_aside", "html_block", "fence", "code_block", "hr"})

_ATTRIBUTE_LINE = re.compile(r"\{:.*\}")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_UNRESOLVED_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_PRESENTATIONAL = re.compile(r"</?(?:a|code|b|strong|em|i|span|sup|sub|tt|kbd)\b[^>]*>", re.IGNORECASE)
_FENCE = re.compile(r"(`{3,}|~{3,})")
_DELIMITER_CELL = re.compile(r"\s*:?-+:?\s*")


def repair_tables(text: str) -> str:
    """The page with each table's delimiter row given as many cells as its header row.

    GFM (and markdown-it) take a header and delimiter row of different widths for a
    paragraph; kramdown, which renders these pages, takes them for a table. Only the
    delimiter line changes, so every line keeps its number.
    """
    lines = text.splitlines(keepends=True)
    fence: str | None = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        if m := _FENCE.match(stripped):
            fence = m.group(1)
            continue
        if i == 0 or "|" not in stripped or not _is_delimiter(stripped):
            continue
        header = lines[i - 1]
        if "|" not in header or len(header) - len(header.lstrip()) >= 4 or _is_delimiter(header.strip()):
            continue
        width = len(raw_cells(header))
        if width != len(raw_cells(stripped)):
            ending = line[len(line.rstrip("\r\n")) :]
            lines[i] = "|" + " --- |" * width + ending
    return "".join(lines)


def _is_delimiter(line: str) -> bool:
    cells = raw_cells(line)
    return bool(cells) and all(_DELIMITER_CELL.fullmatch(cell) for cell in cells)


def parse_markdown(text: str) -> SyntaxTreeNode:
    md = (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .use(admon_plugin)
        .use(container_plugin, name="aside", validate=lambda params, *_: True)
    )
    return SyntaxTreeNode(md.parse(text))


def line_of(node: SyntaxTreeNode) -> int | None:
    """The 1-based line a block starts on."""
    return node.map[0] + 1 if node.map else None


def _plain(node: SyntaxTreeNode) -> str:
    if node.type in ("text", "code_inline"):
        return node.content
    if node.type == "html_inline":
        if _BREAK.fullmatch(node.content):
            return "\n"
        return "" if _PRESENTATIONAL.fullmatch(node.content) else node.content
    if node.type in ("softbreak", "hardbreak"):
        return "\n"
    return "".join(_plain(child) for child in node.children)


def block_text(node: SyntaxTreeNode) -> str:
    """The plain text of a paragraph, heading or table cell: markup gone, breaks kept."""
    return "".join(_plain(child) for child in node.children).strip()


def unlinked(text: str) -> str:
    """Text with reference links whose definition is missing (``[Type][ref]``) reduced to their text."""
    return _UNRESOLVED_LINK.sub(r"\1", text)


def norm(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


def is_attribute_line(text: str) -> bool:
    return _ATTRIBUTE_LINE.fullmatch(text.strip()) is not None


def without_attribute_lines(text: str) -> str:
    """A paragraph's text without kramdown attribute lines (they may trail it)."""
    return "\n".join(line for line in text.splitlines() if not is_attribute_line(line)).strip()


def is_html_only(paragraph: SyntaxTreeNode) -> bool:
    """Whether a paragraph holds only inline HTML, like the ``<a name>`` anchors."""
    leaves = [n for n in paragraph.walk() if not n.children and n.type != "inline"]
    return all(n.type == "html_inline" or not n.content.strip() for n in leaves)


def raw_cells(line: str) -> list[str]:
    """The cells of a source row as written (the parser pads or drops cells silently)."""
    stripped = line.strip()
    cells = re.split(r"(?<!\\)\|", stripped)
    if stripped.startswith("|"):
        cells = cells[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        cells = cells[:-1]
    return cells


def table_header(table: SyntaxTreeNode) -> list[str]:
    """A table's column names, lower case."""
    for row in table.children[0].children:  # thead > tr
        return [norm(block_text(cell)).lower() for cell in row.children]
    return []


def table_rows(table: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """A table's body rows (tr nodes)."""
    return [tr for section in table.children[1:] for tr in section.children]


@dataclass
class TableRow:
    """A table row's cells, and how many cells its source line has (some to spare, or too few)."""

    cells: list[str]  # as many as the header has columns
    line: int | None
    spare: list[str]  # non-empty cells beyond the header's columns
    written: int  # how many cells the source line has


def read_rows(table: SyntaxTreeNode, width: int, lines: list[str]) -> Iterator[TableRow]:
    """The body rows of a table as cell texts (links in the first two reduced to their text),
    attribute lines dropped, each with what its source line (from ``lines``) holds."""
    for tr in table_rows(table):
        cells = [block_text(cell) for cell in tr.children]
        cells[:2] = [unlinked(cell) for cell in cells[:2]]  # names and types
        cells += [""] * (width - len(cells))
        line = line_of(tr)
        if cells and is_attribute_line(cells[0]) and not any(cells[1:]):
            continue
        written = raw_cells(lines[line - 1]) if line is not None and line <= len(lines) else cells
        spare = [c.strip() for c in written[width:] if c.strip()]
        yield TableRow(cells, line, spare, len(written))
