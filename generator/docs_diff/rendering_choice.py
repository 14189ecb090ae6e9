"""Which SDK rendered a page: the language of its examples, else the rendering that reads it best.

`source.DocsSource.candidates` narrows the renderings by the page's example languages and text
markers; when several remain, `best_fit` reads the page's type texts and operation names with
each and keeps the one that reads them best.
"""

from __future__ import annotations

import json

from markdown_it.tree import SyntaxTreeNode

from .markdown import block_text, is_attribute_line, norm, table_header, table_rows, unlinked, without_attribute_lines
from .names import name_case
from .source import PageLayout, Rendering

__all__ = ["best_fit", "example_languages"]


def best_fit(candidates: list[Rendering], blocks: list[SyntaxTreeNode], layout: PageLayout) -> Rendering:
    """The rendering that reads the page's types and names best: fewest type texts it cannot read,
    then most type names it knows, then most operation names in its case; ties go to the first."""
    types, names = _inventory(blocks, layout)

    def score(item: tuple[int, Rendering]) -> tuple[int, int, int, int]:
        order, rendering = item
        unread = sum(1 for text in types if not rendering.types.is_type(text))
        hits = sum(rendering.types.scalar_hits(text) for text in types)
        cased = sum(1 for n in names if rendering.name_case in name_case(n))
        return unread, -hits, -cased, order

    return min(enumerate(candidates), key=score)[1]


def _inventory(blocks: list[SyntaxTreeNode], layout: PageLayout) -> tuple[list[str], list[str]]:
    """The type texts of the page's parameter tables and Return type parts, and its operation names."""
    types: list[str] = []
    names: list[str] = []
    in_return = False
    for block in blocks:
        if block.type == "heading":
            in_return = norm(block_text(block)).lower() in layout.return_parts
        elif block.type == "paragraph" and in_return:
            types.append(norm(unlinked(without_attribute_lines(block_text(block)))))
            in_return = False
        elif block.type == "table":
            header = table_header(block)
            for role, into in (("type", types), ("name", names)):
                columns = layout.parameters_columns if role == "type" else layout.operations_columns
                column = next((i for i, h in enumerate(header) if columns.get(h) == role), None)
                if column is None or (role == "name" and column != 0):
                    continue
                for tr in table_rows(block):
                    cells = [norm(unlinked(block_text(c))) for c in tr.children]
                    if column < len(cells) and cells[column] and not is_attribute_line(cells[column]):
                        into.append(cells[column])
    return [t for t in types if t], names


def example_languages(blocks: list[SyntaxTreeNode], layout: PageLayout) -> list[str]:
    """The languages of the page's code examples (they tell which SDK rendered it)."""
    found = [_code_language(n.info) for b in blocks for n in b.walk() if n.type == "fence"]
    return [lang for lang in found if lang not in layout.example_languages_ignored]


def _code_language(info: str) -> str:
    info = info.strip()
    if info.startswith("{"):
        try:
            value = json.loads(info)
        except ValueError:
            return ""
        language = value.get("language") if isinstance(value, dict) else None
        return language.lower() if isinstance(language, str) else ""
    return info.split()[0].lower() if info else ""
