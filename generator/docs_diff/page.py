"""Parse a Genesys Cloud API reference page (Markdown) into an ApiReference.

The page is tokenised by markdown-it-py (CommonMark + GFM tables + front
matter) and read as a tree of blocks. Quirks of the page handled here:
kramdown attribute lines (``{: class=...}``), which the table rule reads as
an extra row or which stand alone as a paragraph; ``<a name>`` anchors;
``<br />`` and ``<string>`` read as inline HTML inside table cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin

from .model import ApiReference, Location, Operation, Parameter, Permissions, TypeRef

__all__ = [
    "PageError",
    "operation_id",
    "parse_docs_type",
    "parse_page",
    "parse_page_text",
]

_OPS_HEADER = ["method", "http request", "description"]
_PARAMS_HEADER = ["name", "type", "description", "notes"]
_HTTP_METHODS = {"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"}

_IDENT = re.compile(r"[A-Za-z_]\w*")
_ATTRIBUTE_LINE = re.compile(r"\{:.*\}")
_HEADING = re.compile(r"(?P<ret>.+?)\s+(?P<name>[A-Za-z_]\w*)\s*\((?P<sig>.*)\)")
_REQUIRES = re.compile(r"Requires (?P<type>[A-Z]+) permissions:?")
_NO_PARAMS = re.compile(r"This endpoint does (?:not )?require any parameters\.?")
_NOTE = re.compile(
    r"\s*(?:\[(?P<optional>optional)\]"
    r"|\[default to (?P<default>[^\]]*)\]"
    r"|Values:[ \t]*(?P<values>[^\n]*))\s*"
)
_LIST = re.compile(r"List<(?P<item>.+)>")
_DICT = re.compile(r"Dictionary<\s*string\s*,\s*(?P<value>.+)>")
_TYPE_NAME = re.compile(r"[A-Za-z_][\w.]*\??")

# C# types of the SDK page -> (OpenAPI type, format).
_SCALARS: dict[str, tuple[str, str | None]] = {
    "string": ("string", None),
    "int": ("integer", "int32"),
    "long": ("integer", "int64"),
    "bool": ("boolean", None),
    "float": ("number", "float"),
    "double": ("number", "double"),
    "decimal": ("number", "double"),
    "DateTime": ("string", "date-time"),
    "Object": ("object", None),
    "object": ("object", None),
}


class PageError(Exception):
    """The page cannot be read as an API reference page."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


def operation_id(method_name: str) -> str:
    """The spec's operation id for a docs method name: lowerCamelCase."""
    return method_name[:1].lower() + method_name[1:]


def parse_docs_type(text: str) -> TypeRef | None:
    """Map C# type of the page to a TypeRef (None: ``void``); ValueError if unknown."""
    text = text.strip()
    if text == "void":
        return None
    if m := _LIST.fullmatch(text):
        item = parse_docs_type(m["item"])
        if item is None:
            raise ValueError(text)
        return TypeRef.array(item)
    if m := _DICT.fullmatch(text):
        value = parse_docs_type(m["value"])
        if value is None:
            raise ValueError(text)
        return TypeRef.map(value)
    if not _TYPE_NAME.fullmatch(text):
        raise ValueError(text)
    name = text.removesuffix("?")
    if name in _SCALARS:
        return TypeRef.primitive(*_SCALARS[name])
    return TypeRef.model(name)


def parse_page(path: Path | str) -> ApiReference:
    """Parse the page at ``path``; PageError if it is not an API reference page."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PageError(str(path), None, f"cannot read the page: {exc}") from exc
    return parse_page_text(text, str(path))


def parse_page_text(text: str, source: str) -> ApiReference:
    """Parse page text; ``source`` names it in errors and in the result."""
    md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    root = SyntaxTreeNode(md.parse(text))
    return _PageReader(source, text.splitlines()).read(root.children)


# --- inline helpers -----------------------------------------------------------


def _line(node: SyntaxTreeNode) -> int | None:
    return node.map[0] + 1 if node.map else None


def _plain(node: SyntaxTreeNode) -> str:
    """The text of an inline subtree, markup removed; ``<br>`` becomes a newline."""
    if node.type in ("text", "code_inline"):
        return node.content
    if node.type == "html_inline":
        return "\n" if re.fullmatch(r"<br\s*/?>", node.content, re.IGNORECASE) else node.content
    if node.type in ("softbreak", "hardbreak"):
        return "\n"
    return "".join(_plain(child) for child in node.children)


def _block_text(node: SyntaxTreeNode) -> str:
    """The plain text of a paragraph, heading or table cell."""
    return "".join(_plain(child) for child in node.children).strip()


def _norm(text: str) -> str:
    return " ".join(text.split())


def _is_attribute_line(text: str) -> bool:
    return _ATTRIBUTE_LINE.fullmatch(text.strip()) is not None


def _is_html_only(paragraph: SyntaxTreeNode) -> bool:
    """Whether a paragraph holds only inline HTML, like the ``<a name>`` anchors."""
    leaves = [n for n in paragraph.walk() if not n.children and n.type != "inline"]
    return all(n.type == "html_inline" or not n.content.strip() for n in leaves)


def _raw_cell_count(line: str) -> int:
    """How many cells a source row has (the parser pads or drops cells silently)."""
    stripped = line.strip()
    cells = re.split(r"(?<!\\)\|", stripped)
    if stripped.startswith("|"):
        cells = cells[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        cells = cells[:-1]
    return len(cells)


@dataclass
class _Row:
    cells: list[SyntaxTreeNode]
    line: int | None

    def text(self, index: int) -> str:
        return _block_text(self.cells[index])


def _table_header(table: SyntaxTreeNode) -> list[str]:
    for row in table.children[0].children:  # thead > tr
        return [_norm(_block_text(cell)).lower() for cell in row.children]
    return []


# --- the reader ---------------------------------------------------------------


@dataclass
class _TableEntry:
    method_name: str
    http_method: str
    path: str
    summary: str
    line: int | None


@dataclass
class _Section:
    """The blocks of one ``## ... MethodName (...)`` section."""

    heading: SyntaxTreeNode
    blocks: list[SyntaxTreeNode] = field(default_factory=list)


class _PageReader:
    def __init__(self, source: str, lines: list[str]) -> None:
        self.source = source
        self.lines = lines

    def error(self, node_or_line: SyntaxTreeNode | int | None, message: str) -> PageError:
        line = _line(node_or_line) if isinstance(node_or_line, SyntaxTreeNode) else node_or_line
        return PageError(self.source, line, message)

    def read(self, blocks: list[SyntaxTreeNode]) -> ApiReference:
        blocks = [b for b in blocks if b.type != "front_matter"]
        index = self._find_operations_table(blocks)
        entries = self._read_operations_table(blocks[index])
        sections = self._split_sections(blocks[index + 1 :])
        by_name: dict[str, _Section] = {}
        for section in sections:
            name = self._heading_parts(section.heading)[1]
            if name in by_name:
                raise self.error(section.heading, f"second section for operation {name}")
            by_name[name] = section
        listed = {entry.method_name for entry in entries}
        for name, section in by_name.items():
            if name not in listed:
                raise self.error(
                    section.heading,
                    f"operation {name} has a section but no operations table row",
                )
        operations = []
        for entry in entries:
            if entry.method_name not in by_name:
                raise self.error(
                    entry.line,
                    f"operation {entry.method_name} has no section on the page",
                )
            operations.append(self._read_operation(entry, by_name[entry.method_name]))
        return ApiReference(self.source, tuple(operations))

    # operations table

    def _find_operations_table(self, blocks: list[SyntaxTreeNode]) -> int:
        for i, block in enumerate(blocks):
            if block.type == "table" and _table_header(block) == _OPS_HEADER:
                return i
        first = blocks[0] if blocks else None
        raise self.error(
            first if first is not None else 1,
            "not an API reference page: no operations table "
            "(a table with the columns Method | HTTP request | Description)",
        )

    def _rows(self, table: SyntaxTreeNode, width: int) -> Iterator[_Row]:
        """The body rows of a table, attribute lines dropped and cell counts checked."""
        for section in table.children[1:]:  # tbody
            for tr in section.children:
                row = _Row(list(tr.children), _line(tr))
                if _is_attribute_line(row.text(0)) and not any(row.text(i) for i in range(1, width)):
                    continue
                if row.line is not None and row.line <= len(self.lines):
                    count = _raw_cell_count(self.lines[row.line - 1])
                    if count != width:
                        raise self.error(
                            row.line,
                            f"malformed table row: {count} cells, expected {width}",
                        )
                yield row

    def _read_operations_table(self, table: SyntaxTreeNode) -> list[_TableEntry]:
        entries: list[_TableEntry] = []
        for row in self._rows(table, len(_OPS_HEADER)):
            name = row.text(0)
            if not _IDENT.fullmatch(name):
                raise self.error(row.line, f"malformed operations row: method name {name!r}")
            request = _norm(row.text(1))
            method, _, path = request.partition(" ")
            if method.upper() not in _HTTP_METHODS or not path.startswith("/"):
                raise self.error(
                    row.line,
                    f"malformed operations row: {request!r} is not 'METHOD /path'",
                )
            entries.append(_TableEntry(name, method.upper(), path, _norm(row.text(2)), row.line))
        if not entries:
            raise self.error(table, "the operations table lists no operations")
        return entries

    # sections

    def _split_sections(self, blocks: list[SyntaxTreeNode]) -> list[_Section]:
        sections: list[_Section] = []
        for block in blocks:
            if block.type == "heading" and block.tag == "h2":
                sections.append(_Section(block))
            elif sections:
                sections[-1].blocks.append(block)
        return sections

    def _heading_parts(self, heading: SyntaxTreeNode) -> tuple[str, str]:
        """(return type text, method name) of a section heading."""
        text = _norm(_block_text(heading))
        m = _HEADING.fullmatch(text)
        if not m:
            raise self.error(
                heading,
                f"operation heading {text!r} is not 'ReturnType Method (params)'",
            )
        return m["ret"], m["name"]

    def _type(self, text: str, line: int | None, what: str) -> TypeRef | None:
        try:
            return parse_docs_type(text)
        except ValueError:
            raise self.error(line, f"unrecognised {what} {text!r}") from None

    def _read_operation(self, entry: _TableEntry, section: _Section) -> Operation:
        ret_text, name = self._heading_parts(section.heading)
        return_type = self._type(ret_text, _line(section.heading), "return type")
        description: list[str] = []
        permissions = Permissions()
        parameters: list[Parameter] | None = None
        part = "intro"
        expect_permissions: SyntaxTreeNode | None = None
        for block in section.blocks:
            if block.type == "heading":
                part = _norm(_block_text(block)).lower()
                continue
            text = _block_text(block) if block.type == "paragraph" else ""
            if block.type == "paragraph" and (_is_attribute_line(text) or _is_html_only(block)):
                continue  # kramdown attributes, or a bare <a name> anchor
            if part == "intro":
                if block.type == "paragraph" and (m := _REQUIRES.fullmatch(_norm(text))):
                    permissions = Permissions(m["type"], ())
                    expect_permissions = block
                elif block.type == "bullet_list" and expect_permissions is not None:
                    names = tuple(_norm(_block_text(item.children[0])) for item in block.children)
                    permissions = Permissions(permissions.type, names)
                    expect_permissions = None
                elif block.type == "paragraph":
                    description.append(_norm(text))
            elif part == "parameters":
                if block.type == "paragraph" and _NO_PARAMS.fullmatch(_norm(text)):
                    parameters = []
                elif block.type == "table":
                    parameters = self._read_parameters(block, entry.path)
                else:
                    raise self.error(
                        block,
                        f"unexpected {block.type} in the Parameters section of {name}",
                    )
            elif part == "return type" and block.type == "paragraph":
                stated = self._type(_norm(text), _line(block), "return type")
                if stated != return_type:
                    raise self.error(
                        block,
                        f"return type {_norm(text)!r} is not the heading's",
                    )
        if permissions.type == "NO":
            permissions = Permissions()
        if parameters is None:
            raise self.error(section.heading, f"operation {name} has no Parameters section")
        return Operation(
            operation_id=operation_id(name),
            method=entry.http_method,
            path=entry.path,
            summary=entry.summary or (description[0] if description else ""),
            return_type=return_type,
            permissions=permissions,
            parameters=tuple(parameters),
            line=_line(section.heading),
        )

    # parameters table

    def _read_parameters(self, table: SyntaxTreeNode, path: str) -> list[Parameter]:
        header = _table_header(table)
        if header != _PARAMS_HEADER:
            raise self.error(
                table,
                f"parameters table header {header} is not Name|Type|Description|Notes",
            )
        rows = self._rows(table, len(_PARAMS_HEADER))
        return [self._read_parameter(row, path) for row in rows]

    def _read_parameter(self, row: _Row, path: str) -> Parameter:
        name = row.text(0)
        if not _IDENT.fullmatch(name):
            raise self.error(row.line, f"malformed parameter row: name {name!r}")
        type_text = _norm(row.text(1))
        ptype = self._type(type_text, row.line, f"type of parameter {name}:")
        if ptype is None:
            raise self.error(row.line, f"parameter {name} has type void")
        optional, default, values = self._read_notes(row.text(3), row.line, name)
        location: Location
        if name == "body":
            location = "body"
        elif "{" + name + "}" in path:
            location = "path"
        else:
            location = "query"
        return Parameter(
            name=name,
            location=location,
            type=ptype,
            description=_norm(row.text(2)),
            required=not optional,
            default=default,
            allowed_values=values,
            line=row.line,
        )

    def _read_notes(self, notes: str, line: int | None, name: str) -> tuple[bool, str | None, tuple[str, ...]]:
        optional, default = False, None
        values: tuple[str, ...] = ()
        pos = 0
        while pos < len(notes):
            m = _NOTE.match(notes, pos)
            if not m or m.end() == pos:
                rest = _norm(notes[pos:])
                raise self.error(
                    line,
                    f"malformed parameter row: unrecognised note {rest!r} for {name}",
                )
            if m["optional"]:
                optional = True
            elif m["default"] is not None:
                default = m["default"].strip()
            elif m["values"] is not None:
                values = tuple(v.strip() for v in m["values"].split(",") if v.strip())
            pos = m.end()
        return optional, default, values
