"""Read an API reference page (Markdown, any SDK's rendering) into an ApiReference.

The page is read by its structure, not by one rendering's wording:

- an **operations table**: a table whose columns include Method (the
  operation's name) and usually Description and HTTP request;
- for every row, an **operation section**: a heading that names the
  operation, either as a signature (``[Type] Name (args)``) or alone, in
  which case the signature may follow as a quote or paragraph;
- inside it, paragraphs (the summary and description, ``Wraps GET /path``
  or ``GET /path``, ``Requires ALL permissions:`` with a list), then
  sub-headings: *Parameters* (a Name | Type | Description | Notes table, or
  a sentence saying there are none) and *Return type*. Other sub-headings
  (examples, request body samples) and asides (admonitions, HTML, code)
  are skipped.

Operation and parameter names may be PascalCase, camelCase or snake_case;
they are read into the spec's lowerCamelCase. A page that contradicts itself
(a listed operation without a section, a signature that disagrees with the
Return type, a table row that disagrees with the section's HTTP line, ...)
is refused with a PageError naming the file and line.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from markdown_it.tree import SyntaxTreeNode

from .docs_types import parse_docs_type
from .markdown import (
    ASIDE_TYPES,
    block_text,
    is_attribute_line,
    is_html_only,
    line_of,
    norm,
    parse_markdown,
    raw_cell_count,
    table_header,
    table_rows,
    unlinked,
    without_attribute_lines,
)
from .model import ApiReference, Location, Operation, Parameter, Permissions, TypeRef
from .names import lower_camel, match_key

__all__ = [
    "PageError",
    "operation_id",
    "parse_docs_type",
    "parse_page",
    "parse_page_text",
]

_HTTP_METHODS: Final = frozenset({"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"})
# Column roles of the two kinds of table, by header text.
_OPS_COLUMNS: Final = {
    "method": "name",
    "operation": "name",
    "http request": "http",
    "endpoint": "http",
    "description": "summary",
    "summary": "summary",
}
_PARAM_COLUMNS: Final = {
    "name": "name",
    "type": "type",
    "description": "description",
    "notes": "notes",
    "required": "required",
}
_PARAM_ROLES: Final = ("name", "type", "description", "notes")
_CODE_LANGUAGES_IGNORED: Final = frozenset({"", "json", "text", "shell", "bash", "sh", "http", "yaml", "xml"})

_IDENT = re.compile(r"[A-Za-z_]\w*")
_SIGNATURE = re.compile(r"(?:(?P<ret>.+?)\s+)?(?P<name>[A-Za-z_]\w*)\s*\((?P<args>.*)\)")
_HTTP_LINE = re.compile(r"(?:Wraps\s+)?(?P<method>[A-Za-z]+)\s+(?P<path>/\S*)")
_REQUIRES = re.compile(r"Requires\s+(?P<type>[A-Za-z]+)\s+permissions?\s*:?\s*(?P<inline>.*)", re.IGNORECASE)
_NO_PARAMS = re.compile(r"This endpoint does (?:not )?(?:require|need) any parameters?\.?", re.IGNORECASE)
_PATH_VARIABLE = re.compile(r"\{([^{}/]+)\}")
_NOTE = re.compile(
    r"\s*(?:\[(?P<optional>optional)\]"
    r"|\[default to (?P<default>[^\]]*)\]"
    r"|\[enum: (?P<enum>[^\]]*)\]"
    r"|Values:[ \t]*(?P<values>[^\n]*))\s*",
    re.IGNORECASE,
)
_NO_DEFAULT: Final = frozenset({"null", "none", "nil", "undefined"})
_YES: Final = frozenset({"true", "yes", "required", "y"})
_NO: Final = frozenset({"false", "no", "optional", "n", ""})


class PageError(Exception):
    """The page cannot be read as an API reference page."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


def operation_id(method_name: str) -> str:
    """The spec's operation id for a docs method name in any case: lowerCamelCase."""
    return lower_camel(method_name)


def parse_page(path: Path | str) -> ApiReference:
    """Parse the page at ``path``; PageError if it is not an API reference page."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PageError(str(path), None, f"cannot read the page: {exc}") from exc
    return parse_page_text(text, str(path))


def parse_page_text(text: str, source: str) -> ApiReference:
    """Parse page text; ``source`` names it in errors and in the result."""
    root = parse_markdown(text)
    return _PageReader(source, text.splitlines()).read(root.children)


# --- what the reader collects ---------------------------------------------------


@dataclass
class _Listing:
    """One row of the operations table."""

    name: str
    method: str | None  # None: the table has no HTTP column
    path: str | None
    summary: str | None  # None: the table has no description column
    line: int | None


@dataclass
class _Signature:
    """``[ReturnType] Name (args)``, from a heading, a quote or a paragraph."""

    name: str
    return_text: str | None
    line: int | None


@dataclass
class _Section:
    """The blocks under one operation heading, up to the next heading as high."""

    heading: SyntaxTreeNode
    name: str
    signature: _Signature | None
    blocks: list[SyntaxTreeNode] = field(default_factory=list)

    @property
    def line(self) -> int | None:
        return line_of(self.heading)


@dataclass
class _Parts:
    """What an operation section says, before it is checked against itself."""

    signatures: list[_Signature] = field(default_factory=list)
    paragraphs: list[tuple[str, int | None]] = field(default_factory=list)
    http: tuple[str, str, int | None] | None = None
    permissions: Permissions = field(default_factory=Permissions)
    permissions_line: int | None = None
    no_parameters_line: int | None = None
    parameter_table: SyntaxTreeNode | None = None
    stated_return: tuple[str, int | None] | None = None
    saw_parameters: bool = False


def _heading_level(node: SyntaxTreeNode) -> int:
    return int(node.tag[1:]) if node.tag.startswith("h") and node.tag[1:].isdigit() else 0


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


class _PageReader:
    def __init__(self, source: str, lines: list[str]) -> None:
        self.source = source
        self.lines = lines
        self.language: str | None = None

    def error(self, at: SyntaxTreeNode | int | None, message: str) -> PageError:
        line = line_of(at) if isinstance(at, SyntaxTreeNode) else at
        return PageError(self.source, line, message)

    def read(self, blocks: list[SyntaxTreeNode]) -> ApiReference:
        blocks = [b for b in blocks if b.type != "front_matter"]
        self.language = self._language(blocks)
        index = self._find_operations_table(blocks)
        listings = self._read_operations_table(blocks[index])
        listed = {match_key(entry.name): entry for entry in listings}
        sections = self._split_sections(blocks[index + 1 :], listed)
        by_key: dict[str, _Section] = {}
        for section in sections:
            key = match_key(section.name)
            if key in by_key:
                raise self.error(section.heading, f"second section for operation {section.name}")
            by_key[key] = section
        operations = []
        for entry in listings:
            found = by_key.get(match_key(entry.name))
            if found is None:
                raise self.error(entry.line, f"operation {entry.name} has no section on the page")
            operations.append(self._read_operation(entry, found))
        return ApiReference(self.source, tuple(operations))

    def _language(self, blocks: list[SyntaxTreeNode]) -> str | None:
        """The language of the page's examples (it decides what ``int`` means)."""
        counts = Counter(
            _code_language(node.info)
            for block in blocks
            for node in block.walk()
            if node.type == "fence" and _code_language(node.info) not in _CODE_LANGUAGES_IGNORED
        )
        return counts.most_common(1)[0][0] if counts else None

    # -- tables -----------------------------------------------------------------

    def _rows(self, table: SyntaxTreeNode, width: int) -> Iterator[tuple[list[str], int | None]]:
        """The body rows of a table as cell texts, attribute lines dropped, cell counts checked."""
        for tr in table_rows(table):
            cells = [block_text(cell) for cell in tr.children]
            cells[:2] = [unlinked(cell) for cell in cells[:2]]  # names and types
            line = line_of(tr)
            if cells and is_attribute_line(cells[0]) and not any(cells[1:]):
                continue
            if line is not None and line <= len(self.lines):
                count = raw_cell_count(self.lines[line - 1])
                if count != width:
                    raise self.error(line, f"malformed table row: {count} cells, expected {width}")
            yield cells, line

    @staticmethod
    def _roles(header: list[str], names: dict[str, str]) -> dict[str, int]:
        roles: dict[str, int] = {}
        for i, column in enumerate(header):
            role = names.get(column)
            if role is not None and role not in roles:
                roles[role] = i
        return roles

    def _find_operations_table(self, blocks: list[SyntaxTreeNode]) -> int:
        for i, block in enumerate(blocks):
            if block.type == "table" and self._roles(table_header(block), _OPS_COLUMNS).get("name") == 0:
                return i
        first = blocks[0] if blocks else None
        raise self.error(
            first if first is not None else 1,
            "not an API reference page: no operations table (a table whose first column is Method)",
        )

    def _read_operations_table(self, table: SyntaxTreeNode) -> list[_Listing]:
        header = table_header(table)
        roles = self._roles(header, _OPS_COLUMNS)
        entries: list[_Listing] = []
        seen: dict[str, _Listing] = {}
        for cells, line in self._rows(table, len(header)):
            name = norm(cells[roles["name"]])
            if not _IDENT.fullmatch(name):
                raise self.error(line, f"malformed operations row: method name {name!r}")
            method = path = None
            if "http" in roles:
                request = norm(cells[roles["http"]])
                method, path = self._http(request, line, "operations row")
            summary = norm(cells[roles["summary"]]) if "summary" in roles else None
            entry = _Listing(name, method, path, summary, line)
            key = match_key(name)
            if key in seen:
                raise self.error(line, f"operation {name} is listed twice (first on line {seen[key].line})")
            seen[key] = entry
            entries.append(entry)
        if not entries:
            raise self.error(table, "the operations table lists no operations")
        return entries

    def _http(self, text: str, line: int | None, what: str) -> tuple[str, str]:
        m = _HTTP_LINE.fullmatch(text)
        if not m or m["method"].upper() not in _HTTP_METHODS:
            raise self.error(line, f"malformed {what}: {text!r} is not 'METHOD /path'")
        return m["method"].upper(), m["path"]

    # -- sections ---------------------------------------------------------------

    def _signature(self, text: str, line: int | None) -> _Signature | None:
        """``[Type] Name (args)`` read from text, or None if the text is not one."""
        m = _SIGNATURE.fullmatch(norm(unlinked(text)))
        if not m:
            return None
        ret = m["ret"]
        if ret is not None:
            try:
                parse_docs_type(ret, self.language)
            except ValueError:
                return None
        return _Signature(m["name"], ret, line)

    def _split_sections(self, blocks: list[SyntaxTreeNode], listed: dict[str, _Listing]) -> list[_Section]:
        """The operation sections; headings of other parts of the page end them."""
        sections: list[_Section] = []
        current: _Section | None = None
        unlisted: _Section | None = None  # a bare-name heading that might be an unlisted operation
        for block in blocks:
            if block.type != "heading":
                if current is not None:
                    current.blocks.append(block)
                continue
            holder = current or unlisted
            if holder is not None and _heading_level(block) > _heading_level(holder.heading):
                self._check_unlisted(unlisted, block)
                holder.blocks.append(block)
                continue
            current = unlisted = None
            text = unlinked(without_attribute_lines(block_text(block)))
            signature = self._signature(text, line_of(block))
            if signature is not None:
                if match_key(signature.name) not in listed:
                    raise self.error(block, f"operation {signature.name} has a section but no operations table row")
                current = _Section(block, signature.name, signature)
            elif _IDENT.fullmatch(norm(text)):
                if match_key(norm(text)) in listed:
                    current = _Section(block, norm(text), None)
                else:
                    unlisted = _Section(block, norm(text), None)
            if current is not None:
                sections.append(current)
        return sections

    def _check_unlisted(self, unlisted: _Section | None, sub_heading: SyntaxTreeNode) -> None:
        """A bare-name heading with a Parameters or Return type part is an operation section."""
        if unlisted is None:
            return
        if norm(block_text(sub_heading)).lower() in ("parameters", "return type"):
            raise self.error(unlisted.heading, f"operation {unlisted.name} has a section but no operations table row")

    def _collect(self, section: _Section) -> _Parts:
        parts = _Parts()
        if section.signature is not None:
            parts.signatures.append(section.signature)
        level = _heading_level(section.heading)
        part = "intro"
        for block in section.blocks:
            if block.type == "heading" and _heading_level(block) > level:
                part = norm(block_text(block)).lower()
                parts.saw_parameters |= part == "parameters"
                continue
            if block.type in ASIDE_TYPES:
                continue
            if part == "intro":
                self._intro_block(section, block, parts)
            elif part == "parameters":
                self._parameters_block(section, block, parts)
            elif part == "return type" and block.type == "paragraph" and parts.stated_return is None:
                text = without_attribute_lines(block_text(block))
                if text and not is_html_only(block):
                    parts.stated_return = (norm(unlinked(text)), line_of(block))
        return parts

    def _intro_block(self, section: _Section, block: SyntaxTreeNode, parts: _Parts) -> None:
        line = line_of(block)
        if block.type == "blockquote":
            quoted = [c for c in block.children if c.type == "paragraph"]
            signature = self._signature(block_text(quoted[0]), line) if len(quoted) == 1 else None
            if signature is not None:
                parts.signatures.append(signature)
            return  # any other quote is an aside (a note or a callout)
        if block.type in ("bullet_list", "ordered_list"):
            items = [norm(block_text(item.children[0])) for item in block.children if item.children]
            if parts.permissions_line is not None and not parts.permissions.names:
                parts.permissions = Permissions(parts.permissions.type, tuple(items))
            else:
                parts.paragraphs.append(("\n".join(f"- {item}" for item in items), line))
            return
        if block.type != "paragraph":
            raise self.error(block, f"unexpected {block.type} before the Parameters section of {section.name}")
        text = without_attribute_lines(block_text(block))
        if not text or is_html_only(block):
            return  # a bare attribute line or an <a name> anchor
        flat = norm(text)
        if (m := _HTTP_LINE.fullmatch(flat)) and m["method"].upper() in _HTTP_METHODS:
            if parts.http is not None:
                raise self.error(line, f"second HTTP line for {section.name} (first on line {parts.http[2]})")
            parts.http = (m["method"].upper(), m["path"], line)
        elif m := _REQUIRES.fullmatch(flat):
            inline = tuple(n.strip() for n in m["inline"].split(",") if n.strip())
            parts.permissions = Permissions(m["type"].upper(), inline)
            parts.permissions_line = line
        elif (signature := self._signature(flat, line)) and match_key(signature.name) == match_key(section.name):
            parts.signatures.append(signature)
        else:
            parts.paragraphs.append((text, line))

    def _parameters_block(self, section: _Section, block: SyntaxTreeNode, parts: _Parts) -> None:
        if block.type == "table":
            if parts.parameter_table is not None:
                raise self.error(block, f"second parameters table for {section.name}")
            parts.parameter_table = block
            return
        if block.type == "blockquote":
            return
        text = without_attribute_lines(block_text(block)) if block.type == "paragraph" else ""
        if block.type == "paragraph" and (not text or is_html_only(block)):
            return
        if block.type == "paragraph" and _NO_PARAMS.fullmatch(norm(text)):
            parts.no_parameters_line = line_of(block)
            return
        what = f"paragraph {norm(text)!r}" if block.type == "paragraph" else block.type
        raise self.error(block, f"unexpected {what} in the Parameters section of {section.name}")

    # -- one operation ------------------------------------------------------------

    def _type(self, text: str, line: int | None, what: str) -> TypeRef | None:
        try:
            return parse_docs_type(text, self.language)
        except ValueError:
            raise self.error(line, f"unrecognised {what} {text!r}") from None

    def _read_operation(self, entry: _Listing, section: _Section) -> Operation:
        parts = self._collect(section)
        name = entry.name
        for signature in parts.signatures:
            if match_key(signature.name) != match_key(section.name):
                raise self.error(
                    signature.line, f"the signature names {signature.name} but the section is {section.name}'s"
                )
        return_type = self._return_type(name, section, parts)
        method, path = self._method_and_path(entry, section, parts)
        summary, description = self._summary_and_description(entry, parts)
        permissions = parts.permissions
        if permissions.type == "NO":
            permissions = Permissions()
        parameters = self._parameters(name, section, parts, path)
        return Operation(
            operation_id=operation_id(name),
            method=method,
            path=path,
            summary=summary,
            description=description,
            return_type=return_type,
            permissions=permissions,
            parameters=tuple(parameters),
            line=section.line,
        )

    def _return_type(self, name: str, section: _Section, parts: _Parts) -> TypeRef | None:
        typed = [s for s in parts.signatures if s.return_text is not None]
        from_signature = [(self._type(s.return_text or "", s.line, "return type"), s) for s in typed]
        stated = parts.stated_return
        stated_type = self._type(stated[0], stated[1], "return type") if stated else None
        for found, signature in from_signature:
            if stated is not None and found != stated_type:
                raise self.error(
                    stated[1],
                    f"return type {stated[0]!r} of {name} is not its signature's "
                    f"{signature.return_text!r} (line {signature.line})",
                )
            if found != from_signature[0][0]:
                raise self.error(signature.line, f"the signatures of {name} disagree on its return type")
        if stated is not None:
            return stated_type
        if from_signature:
            return from_signature[0][0]
        raise self.error(section.heading, f"operation {name} states no return type")

    def _method_and_path(self, entry: _Listing, section: _Section, parts: _Parts) -> tuple[str, str]:
        if parts.http is not None:
            method, path, line = parts.http
            if entry.method is not None and (entry.method, entry.path) != (method, path):
                raise self.error(
                    line,
                    f"{entry.name} is {method} {path} here but {entry.method} {entry.path} "
                    f"in the operations table (line {entry.line})",
                )
            return method, path
        if entry.method is None or entry.path is None:
            raise self.error(
                section.heading,
                f"operation {entry.name} has no HTTP method and path "
                "(no HTTP request column, no 'GET /path' line in its section)",
            )
        return entry.method, entry.path

    def _summary_and_description(self, entry: _Listing, parts: _Parts) -> tuple[str, str]:
        """The summary is the operations table's description (else the first paragraph);
        the section restates it first, and any further paragraphs are the description."""
        paragraphs = [norm(text) for text, _ in parts.paragraphs]
        if entry.summary is None or (entry.summary and paragraphs):
            summary, rest = (paragraphs[0], paragraphs[1:]) if paragraphs else ("", [])
            summary = entry.summary if entry.summary is not None else summary
        else:
            summary, rest = entry.summary, paragraphs
        return summary, "\n\n".join(rest)

    # -- parameters -----------------------------------------------------------------

    def _parameters(self, name: str, section: _Section, parts: _Parts, path: str) -> list[Parameter]:
        table, none_line = parts.parameter_table, parts.no_parameters_line
        if table is not None and none_line is not None:
            raise self.error(none_line, f"{name} says it needs no parameters but lists some (line {line_of(table)})")
        if table is None and none_line is None:
            if parts.saw_parameters:
                raise self.error(section.heading, f"the Parameters section of {name} lists nothing and says nothing")
            raise self.error(section.heading, f"operation {name} has no Parameters section")
        parameters = self._read_parameters(table, path) if table is not None else []
        seen: dict[str, Parameter] = {}
        for param in parameters:
            key = match_key(param.name)
            if key in seen:
                raise self.error(param.line, f"parameter {param.name} of {name} is listed twice")
            seen[key] = param
        for variable in _PATH_VARIABLE.findall(path):
            row = seen.get(match_key(variable))
            if row is None:
                raise self.error(section.heading, f"path parameter {{{variable}}} of {name} has no parameters row")
            if not row.required:
                raise self.error(row.line, f"path parameter {row.name} of {name} is marked optional")
        return parameters

    def _read_parameters(self, table: SyntaxTreeNode, path: str) -> list[Parameter]:
        header = table_header(table)
        roles = self._roles(header, _PARAM_COLUMNS)
        if any(role not in roles for role in _PARAM_ROLES):
            raise self.error(table, f"parameters table header {header} is not Name|Type|Description|Notes")
        path_keys = {match_key(v) for v in _PATH_VARIABLE.findall(path)}
        return [self._read_parameter(cells, line, roles, path_keys) for cells, line in self._rows(table, len(header))]

    def _read_parameter(
        self, cells: list[str], line: int | None, roles: dict[str, int], path_keys: set[str]
    ) -> Parameter:
        written = norm(cells[roles["name"]])
        if not _IDENT.fullmatch(written):
            raise self.error(line, f"malformed parameter row: name {written!r}")
        type_text = norm(cells[roles["type"]])
        ptype = self._type(type_text, line, f"type of parameter {written}:")
        if ptype is None:
            raise self.error(line, f"parameter {written} has type void")
        optional, default, values = self._read_notes(cells[roles["notes"]], line, written)
        if "required" in roles:
            flag = norm(cells[roles["required"]]).lower()
            if flag not in _YES | _NO:
                raise self.error(line, f"malformed parameter row: required {flag!r} for {written}")
            if (flag in _YES) == optional:
                raise self.error(line, f"parameter {written} is both required and [optional]")
        location: Location
        if written == "body":
            location = "body"
        elif match_key(written) in path_keys:
            location = "path"
        else:
            location = "query"
        return Parameter(
            name=lower_camel(written),
            location=location,
            type=ptype,
            description=norm(cells[roles["description"]]),
            required=not optional,
            default=default,
            allowed_values=values,
            line=line,
        )

    def _read_notes(self, notes: str, line: int | None, name: str) -> tuple[bool, str | None, tuple[str, ...]]:
        optional, default = False, None
        values: tuple[str, ...] = ()
        pos = 0
        while pos < len(notes):
            m = _NOTE.match(notes, pos)
            if not m or m.end() == pos:
                rest = norm(notes[pos:])
                raise self.error(line, f"malformed parameter row: unrecognised note {rest!r} for {name}")
            if m["optional"]:
                optional = True
            elif m["default"] is not None:
                default = _default(m["default"])
            elif m["values"] is not None or m["enum"] is not None:
                listed = m["values"] if m["values"] is not None else m["enum"]
                values = tuple(v.strip() for v in listed.split(",") if v.strip())
            pos = m.end()
        return optional, default, values


def _default(text: str) -> str | None:
    """A default as the spec reader renders it: unquoted, booleans in lower case."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.lower() in _NO_DEFAULT:
        return None
    if text.lower() in ("true", "false"):
        return text.lower()
    return text
