"""Read an API reference page (Markdown, any SDK's rendering) into an ApiReference.

The page is read by its structure, in the words of its docs source (`source.PageLayout`)
and the conventions of the SDK that rendered it (`source.Rendering`, detected from the page):

- an **operations table**: a table whose first column holds the operation's name, with
  the HTTP request and a description in further columns or not;
- for every row, an **operation section**: a heading that names the operation, either as a
  signature (``[Type] Name (args)``, or ``Type name`` without parentheses) or alone, in
  which case the signature may follow as a quote or paragraph;
- inside it, paragraphs (the summary and description, the HTTP request line, the
  permissions line with a list), then sub-headings: the *Parameters* part (a table, or a
  sentence saying there are none) and the *Return type* part. Other sub-headings
  (examples, request headers) and asides (admonitions, HTML, code) are skipped.

What the page does not state (an SDK that shows no defaults, a section without a Return
type) is recorded as unstated; what it states in a form the reader cannot read (a type the
SDK does not write, a note it does not know, a row with cells to spare) is recorded as a
problem naming its line, and the rest of the page is still read. A page that is not an API
reference page, or contradicts itself (a listed operation without a section, a signature
that disagrees with its Return type, a table row that disagrees with the section's HTTP
line, ...), is refused with a PageError naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar

from markdown_it.tree import SyntaxTreeNode

from .markdown import (
    ASIDE_TYPES,
    block_text,
    is_html_only,
    line_of,
    norm,
    parse_markdown,
    read_rows,
    repair_tables,
    table_header,
    unlinked,
    without_attribute_lines,
)
from .model import ApiReference, Operation, Parameter, Permissions, TypeRef, Unreadable
from .names import lower_camel, match_key
from .parameter_rows import ADDED_BY_SDK, ParameterRows
from .rendering_choice import best_fit, example_languages
from .source import DocsSource, PageLayout, Rendering, SourceError, choose_source, default_sources

__all__ = ["PageError", "operation_id", "parse_page", "parse_page_text"]

_HTTP_METHODS: Final = frozenset({"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"})
_PARAM_ROLES: Final = ("name", "type", "description", "notes")

_IDENT = re.compile(r"[A-Za-z_]\w*")
_SIGNATURE = re.compile(r"(?:(?P<ret>.+?)\s+)?(?P<name>[A-Za-z_]\w*)\s*\((?P<args>.*)\)")
_BARE_SIGNATURE = re.compile(r"(?P<ret>.+?)\s+(?P<name>[A-Za-z_]\w*)")
_PATH_VARIABLE = re.compile(r"\{([^{}/]+)\}")
_Named = TypeVar("_Named")  # what _once_each indexes: sections, parameters


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


def parse_page(path: Path | str, *, source: DocsSource | None = None, sdk: str | None = None) -> ApiReference:
    """Parse the page at ``path``; PageError if it is not an API reference page."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PageError(str(path), None, f"cannot read the page: {exc}") from exc
    return parse_page_text(text, str(path), source=source, sdk=sdk)


def parse_page_text(text: str, name: str, *, source: DocsSource | None = None, sdk: str | None = None) -> ApiReference:
    """Parse page text; ``name`` names it in errors and in the result. Without ``source`` the page's
    source is chosen from `source.default_sources`; without ``sdk`` its rendering is detected."""
    if source is None:
        try:
            source = choose_source(default_sources(), text, name)
        except SourceError as exc:
            raise PageError(name, None, str(exc).removeprefix(f"{name}: ")) from None
    blocks = [b for b in parse_markdown(repair_tables(text)).children if b.type != "front_matter"]
    lines = text.splitlines()
    if sdk is not None:
        candidates, how = [source.rendering(sdk)], "as asked"
    else:
        candidates, how = source.candidates(example_languages(blocks, source.layout), text)
    if len(candidates) > 1:
        candidates = [best_fit(candidates, blocks, source.layout)]
    return _PageReader(name, lines, source.layout, candidates[0], how).read(blocks)


# --- what the reader collects ---------------------------------------------------


@dataclass
class _Listing:
    """One row of the operations table."""

    name: str
    method: str | None  # None: the table has no HTTP column, or its cell could not be read
    path: str | None
    summary: str | None  # None: the table has no description column
    line: int | None
    unread: set[str] = field(default_factory=set)


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
    permissions: Permissions | None = None
    permissions_line: int | None = None
    no_parameters_line: int | None = None
    parameter_table: SyntaxTreeNode | None = None
    stated_return: tuple[str, int | None] | None = None
    saw_parameters: bool = False
    unread: set[str] = field(default_factory=set)


def _heading_level(node: SyntaxTreeNode) -> int:
    return int(node.tag[1:]) if node.tag.startswith("h") and node.tag[1:].isdigit() else 0


class _PageReader:
    def __init__(self, source: str, lines: list[str], layout: PageLayout, rendering: Rendering, how: str) -> None:
        self.source = source
        self.lines = lines
        self.layout = layout
        self.rendering = rendering
        self.how = how
        self.problems: list[Unreadable] = []
        self.complete = True  # every operations row was read

    def error(self, at: SyntaxTreeNode | int | None, message: str) -> PageError:
        line = line_of(at) if isinstance(at, SyntaxTreeNode) else at
        return PageError(self.source, line, message)

    def _once_each(
        self,
        items: Iterable[_Named],
        name_of: Callable[[_Named], str],
        twice: Callable[[_Named], tuple[SyntaxTreeNode | int | None, str]],
    ) -> dict[str, _Named]:
        """`items` by the match key of their names; a second item of a name is an error where `twice` says."""
        by_key: dict[str, _Named] = {}
        for item in items:
            key = match_key(name_of(item))
            if key in by_key:
                raise self.error(*twice(item))
            by_key[key] = item
        return by_key

    def unreadable(
        self, line: int | None, message: str, operation: str | None = None, param: str | None = None
    ) -> None:
        self.problems.append(Unreadable(line, message, operation, param))

    def read(self, blocks: list[SyntaxTreeNode]) -> ApiReference:
        index = self._find_operations_table(blocks)
        listings = self._read_operations_table(blocks[index])
        listed = {match_key(entry.name): entry for entry in listings}
        sections = self._split_sections(blocks[index + 1 :], listed)
        by_key = self._once_each(
            sections, lambda s: s.name, lambda s: (s.heading, f"second section for operation {s.name}")
        )
        operations = []
        for entry in listings:
            found = by_key.get(match_key(entry.name))
            if found is None:
                raise self.error(entry.line, f"operation {entry.name} has no section on the page")
            operations.append(self._read_operation(entry, found))
        label = f"{self.rendering.name} rendering, {self.how}"
        return ApiReference(self.source, tuple(operations), tuple(self.problems), label, self.complete)

    # -- tables -----------------------------------------------------------------

    @staticmethod
    def _roles(header: list[str], names: Mapping[str, str]) -> dict[str, int]:
        roles: dict[str, int] = {}
        for i, column in enumerate(header):
            role = names.get(column)
            if role is not None and role not in roles:
                roles[role] = i
        return roles

    def _find_operations_table(self, blocks: list[SyntaxTreeNode]) -> int:
        for i, block in enumerate(blocks):
            if (
                block.type == "table"
                and self._roles(table_header(block), self.layout.operations_columns).get("name") == 0
            ):
                return i
        first = blocks[0] if blocks else None
        raise self.error(
            first if first is not None else 1,
            "not an API reference page: no operations table (a table whose first column is Method)",
        )

    def _read_operations_table(self, table: SyntaxTreeNode) -> list[_Listing]:
        header = table_header(table)
        roles = self._roles(header, self.layout.operations_columns)
        entries: list[_Listing] = []
        seen: dict[str, _Listing] = {}
        for row in read_rows(table, len(header), self.lines):
            cells, line = row.cells, row.line
            name = norm(cells[roles["name"]])
            if not _IDENT.fullmatch(name):
                self.complete = False
                self.unreadable(line, f"an operations row names {name!r}, which is not a name: it is not read")
                continue
            entry = _Listing(name, None, None, None, line)
            if row.spare:
                entry.unread |= {"http", "summary"}
                self.unreadable(
                    line,
                    f"its operations row has {row.written} cells for {len(header)} columns "
                    f"({row.spare[0]!r} to spare): its HTTP request and description are not read",
                    operation_id(name),
                )
            elif "http" in roles:
                request = norm(cells[roles["http"]])
                http = self._http(request)
                if http is None:
                    entry.unread.add("http")
                    self.unreadable(
                        line, f"its operations row's HTTP request {request!r} is not 'METHOD /path'", operation_id(name)
                    )
                else:
                    entry.method, entry.path = http
            if "summary" in roles and not row.spare:
                entry.summary = norm(cells[roles["summary"]])
            key = match_key(name)
            if key in seen:
                raise self.error(line, f"operation {name} is listed twice (first on line {seen[key].line})")
            seen[key] = entry
            entries.append(entry)
        if not entries and self.complete:
            raise self.error(table, "the operations table lists no operations")
        return entries

    def _http(self, text: str) -> tuple[str, str] | None:
        m = self.layout.http_line.fullmatch(text)
        if not m or m["method"].upper() not in _HTTP_METHODS:
            return None
        return m["method"].upper(), m["path"]

    # -- sections ---------------------------------------------------------------

    def _signature(self, text: str, line: int | None, listed: dict[str, _Listing]) -> _Signature | None:
        """``[Type] Name (args)``, or ``Type name`` for a listed name, read from text; None if it is not one."""
        flat = norm(unlinked(text))
        if m := _SIGNATURE.fullmatch(flat):
            ret = m["ret"]
            if ret is None or match_key(m["name"]) in listed or self.rendering.types.is_type(ret):
                return _Signature(m["name"], ret, line)
            return None
        m = _BARE_SIGNATURE.fullmatch(flat)
        if m and match_key(m["name"]) in listed and self.rendering.types.is_type(m["ret"]):
            return _Signature(m["name"], m["ret"], line)
        return None

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
            signature = self._signature(text, line_of(block), listed)
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

    def _part(self, heading: SyntaxTreeNode) -> str:
        text = norm(block_text(heading)).lower()
        if text in self.layout.parameters_parts:
            return "parameters"
        if text in self.layout.return_parts:
            return "return type"
        return text

    def _check_unlisted(self, unlisted: _Section | None, sub_heading: SyntaxTreeNode) -> None:
        """A bare-name heading with a Parameters or Return type part is an operation section."""
        if unlisted is not None and self._part(sub_heading) in ("parameters", "return type"):
            raise self.error(unlisted.heading, f"operation {unlisted.name} has a section but no operations table row")

    def _collect(self, section: _Section, listed: dict[str, _Listing]) -> _Parts:
        parts = _Parts()
        if section.signature is not None:
            parts.signatures.append(section.signature)
        level = _heading_level(section.heading)
        part = "intro"
        for block in section.blocks:
            if block.type == "heading" and _heading_level(block) > level:
                part = self._part(block)
                parts.saw_parameters |= part == "parameters"
                continue
            if block.type in ASIDE_TYPES:
                continue
            if part == "intro":
                self._intro_block(section, block, parts, listed)
            elif part == "parameters":
                self._parameters_block(section, block, parts)
            elif part == "return type" and block.type == "paragraph" and parts.stated_return is None:
                text = without_attribute_lines(block_text(block))
                if text and not is_html_only(block):
                    parts.stated_return = (norm(unlinked(text)), line_of(block))
        return parts

    def _intro_block(
        self, section: _Section, block: SyntaxTreeNode, parts: _Parts, listed: dict[str, _Listing]
    ) -> None:
        line = line_of(block)
        if block.type == "blockquote":
            quoted = [c for c in block.children if c.type == "paragraph"]
            signature = self._signature(block_text(quoted[0]), line, listed) if len(quoted) == 1 else None
            if signature is not None:
                parts.signatures.append(signature)
            return  # any other quote is an aside (a note or a callout)
        if block.type in ("bullet_list", "ordered_list"):
            items = [norm(block_text(item.children[0])) for item in block.children if item.children]
            if parts.permissions is not None and not parts.permissions.names:
                parts.permissions = Permissions(parts.permissions.type, tuple(items))
            else:
                parts.paragraphs.append(("\n".join(f"- {item}" for item in items), line))
            return
        if block.type != "paragraph":
            parts.unread.add("description")
            self.unreadable(
                line,
                f"a {block.type} before its Parameters part: its description is not read",
                operation_id(section.name),
            )
            return
        text = without_attribute_lines(block_text(block))
        if not text or is_html_only(block):
            return  # a bare attribute line or an <a name> anchor
        flat = norm(text)
        if (http := self._http(flat)) is not None:
            if parts.http is not None:
                raise self.error(line, f"second HTTP line for {section.name} (first on line {parts.http[2]})")
            parts.http = (*http, line)
        elif m := self.layout.permissions_line.fullmatch(flat):
            inline = tuple(n.strip() for n in m["inline"].split(",") if n.strip())
            parts.permissions = Permissions(m["type"].upper(), inline)
            parts.permissions_line = line
        elif (signature := self._signature(flat, line, listed)) and match_key(signature.name) == match_key(
            section.name
        ):
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
        if block.type == "paragraph" and any(p.fullmatch(norm(text)) for p in self.layout.no_parameters):
            parts.no_parameters_line = line_of(block)
            return
        what = f"paragraph {norm(text)!r}" if block.type == "paragraph" else block.type
        parts.unread.add("parameters")
        self.unreadable(
            line_of(block),
            f"unexpected {what} in its Parameters part: "
            "which parameters it has is not read (those listed are still compared)",
            operation_id(section.name),
        )

    # -- one operation ------------------------------------------------------------

    def _type(self, text: str) -> TypeRef | None:
        """The type, None for void; ValueError if the rendering does not write it so."""
        return self.rendering.types.parse(text)

    def _read_operation(self, entry: _Listing, section: _Section) -> Operation:
        listed = {match_key(entry.name): entry}
        parts = self._collect(section, listed)
        name, op_id = entry.name, operation_id(entry.name)
        for signature in parts.signatures:
            if match_key(signature.name) != match_key(section.name):
                raise self.error(
                    signature.line, f"the signature names {signature.name} but the section is {section.name}'s"
                )
        unstated: dict[str, str] = {}
        unread = set(parts.unread)
        return_type = self._return_type(name, parts, unstated, unread)
        method, path = self._method_and_path(entry, parts, unstated, unread)
        summary, description = self._summary_and_description(entry, parts)
        if "summary" in entry.unread and not parts.paragraphs:
            unread.add("summary")
        permissions = parts.permissions
        if permissions is None:
            permissions = Permissions()
            unstated["permissions"] = "its section has no permissions line"
        elif permissions.type == self.layout.no_permissions:
            permissions = Permissions()
        parameters = self._parameters(name, section, parts, path, unstated, unread)
        return Operation(
            operation_id=op_id,
            method=method,
            path=path,
            summary=summary,
            description=description,
            return_type=return_type,
            permissions=permissions,
            parameters=tuple(parameters),
            line=section.line,
            unstated=tuple(sorted(unstated.items())),
            unread=frozenset(unread),
        )

    def _return_type(self, name: str, parts: _Parts, unstated: dict[str, str], unread: set[str]) -> TypeRef | None:
        op_id = operation_id(name)
        stated: list[tuple[TypeRef | None, str, int | None, str]] = []  # (type, text, line, where)
        said = [(s.return_text, s.line, "signature") for s in parts.signatures if s.return_text is not None]
        if parts.stated_return is not None:
            said.append((*parts.stated_return, "Return type"))
        for text, line, where in said:
            assert text is not None
            try:
                stated.append((self._type(text), text, line, where))
            except ValueError:
                unread.add("return_type")
                self.unreadable(line, f"{where} return type {text!r} is not a {self.rendering.name} type", op_id)
        if not stated:
            if "return_type" not in unread:
                unstated["return_type"] = "its section states no return type"
            return None
        first = stated[0]
        for found in stated[1:]:
            if found[0] != first[0]:
                later, earlier = (found, first) if found[3] == "Return type" else (first, found)
                if later[3] == "Return type" and earlier[3] == "signature":
                    raise self.error(
                        later[2],
                        f"return type {later[1]!r} of {name} is not its signature's {earlier[1]!r} (line {earlier[2]})",
                    )
                raise self.error(found[2], f"the signatures of {name} disagree on its return type")
        return next((s[0] for s in stated if s[3] == "Return type"), first[0])

    def _method_and_path(
        self, entry: _Listing, parts: _Parts, unstated: dict[str, str], unread: set[str]
    ) -> tuple[str, str]:
        if parts.http is not None:
            method, path, line = parts.http
            if entry.method is not None and (entry.method, entry.path) != (method, path):
                raise self.error(
                    line,
                    f"{entry.name} is {method} {path} here but {entry.method} {entry.path} "
                    f"in the operations table (line {entry.line})",
                )
            return method, path
        if entry.method is not None and entry.path is not None:
            return entry.method, entry.path
        if "http" in entry.unread:
            unread.add("http")
        else:
            unstated["http"] = "the page gives no HTTP request for it (no HTTP column, no 'GET /path' line)"
        return "", ""

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

    def _parameters(
        self, name: str, section: _Section, parts: _Parts, path: str, unstated: dict[str, str], unread: set[str]
    ) -> list[Parameter]:
        table, none_line = parts.parameter_table, parts.no_parameters_line
        if table is not None and none_line is not None:
            raise self.error(none_line, f"{name} says it needs no parameters but lists some (line {line_of(table)})")
        if table is None and none_line is None and "parameters" not in unread:
            unstated["parameters"] = (
                "its Parameters part lists nothing and says nothing"
                if parts.saw_parameters
                else "its section has no Parameters part"
            )
            return []
        parameters = self._read_parameters(table, path, name, unread) if table is not None else []
        seen = self._once_each(
            parameters, lambda p: p.name, lambda p: (p.line, f"parameter {p.name} of {name} is listed twice")
        )
        for variable in _PATH_VARIABLE.findall(path):
            row = seen.get(match_key(variable))
            if row is None:
                if "parameters" in unread:
                    continue
                raise self.error(section.heading, f"path parameter {{{variable}}} of {name} has no parameters row")
            if not row.required and "required" not in row.unread and row.silent_on("required") is None:
                raise self.error(row.line, f"path parameter {row.name} of {name} is marked optional")
        return parameters

    def _read_parameters(self, table: SyntaxTreeNode, path: str, name: str, unread: set[str]) -> list[Parameter]:
        header = table_header(table)
        roles = self._roles(header, self.layout.parameters_columns)
        if any(role not in roles for role in _PARAM_ROLES):
            unread.add("parameters")
            self.unreadable(
                line_of(table),
                f"its parameters table header {header} is not Name|Type|Description|Notes: its parameters are not read",
                operation_id(name),
            )
            return []
        path_keys = {match_key(v) for v in _PATH_VARIABLE.findall(path)}
        read: list[Parameter] = []
        rows = ParameterRows(self.layout, self.rendering, self.problems.append, self.error)
        for row in read_rows(table, len(header), self.lines):
            param = rows.read(row, roles, path_keys, name)
            if param is None:
                unread.add("parameters")
            elif param is not ADDED_BY_SDK:
                read.append(param)
        return read
