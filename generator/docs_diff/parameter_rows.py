"""One row of an operation's parameters table, read into a Parameter.

A row's Notes cell says whether the parameter is optional, its default and its allowed values
in the source's words (`source.PageLayout`); what the SDK's Notes never show is unstated, and
what a row says in a form that cannot be read (a type the SDK does not write, an unknown note,
cells to spare, a lost ``|``) is reported at its line and left out of the comparison.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from .markdown import TableRow, norm
from .model import Location, Parameter, TypeRef, Unreadable
from .names import lower_camel, match_key
from .source import PageLayout, Rendering

__all__ = ["ADDED_BY_SDK", "ParameterRows"]

_IDENT = re.compile(r"[A-Za-z_]\w*")
_NOTE_FACETS: Final = ("required", "default", "allowed_values")
_FACET_WORDS: Final = {"required": "optionality", "default": "defaults", "allowed_values": "allowed values"}


class ParameterRows:
    """Reads parameter rows with one layout and rendering; reports what it cannot read, fails on contradictions."""

    def __init__(
        self,
        layout: PageLayout,
        rendering: Rendering,
        report: Callable[[Unreadable], None],
        fail: Callable[[int | None, str], Exception],
    ) -> None:
        self.layout = layout
        self.rendering = rendering
        self._report = report
        self.fail = fail

    def report(self, line: int | None, message: str, operation: str | None = None, param: str | None = None) -> None:
        self._report(Unreadable(line, message, operation, param))

    def read(self, row: TableRow, roles: Mapping[str, int], path_keys: set[str], op_name: str) -> Parameter | None:
        """The parameter a row gives; None if its name cannot be read, `ADDED_BY_SDK` for the SDK's own."""
        cells, line, op_id = row.cells, row.line, lower_camel(op_name)
        written = norm(cells[roles["name"]])
        if not _IDENT.fullmatch(written):
            self.report(
                line,
                f"a parameters row names {written!r}, which is not a name: which parameters it has is not read",
                op_id,
            )
            return None
        type_text = norm(cells[roles["type"]])
        if self.rendering.adds(written, type_text):
            return ADDED_BY_SDK
        param_name = lower_camel(written)
        unread: set[str] = set()

        def problem(message: str, facets: tuple[str, ...]) -> None:
            unread.update(facets)
            self.report(line, message, op_id, param_name)

        self._check_shape(row, roles, problem)
        ptype = self._type(type_text, problem)
        notes = _Notes()
        if not unread & set(_NOTE_FACETS):
            notes = self._read_notes(cells[roles["notes"]], problem)
        if "required" in roles and "required" not in unread:
            self._read_required(norm(cells[roles["required"]]).lower(), notes, problem, line, written)
        location = self._location(written, path_keys)
        return Parameter(
            name="body" if location == "body" else param_name,  # the model's name for the request body
            location=location,
            type=ptype,
            description="" if "description" in unread else norm(cells[roles["description"]]),
            required=not notes.optional,
            default=notes.default,
            allowed_values=notes.values,
            line=line,
            unstated=tuple(
                (facet, f"the {self.rendering.name} rendering shows no {_FACET_WORDS[facet]}")
                for facet in _NOTE_FACETS
                if facet not in notes.stated and facet not in self.rendering.shows and facet not in unread
            ),
            unread=frozenset(unread),
        )

    def _check_shape(self, row: TableRow, roles: Mapping[str, int], problem: _Problem) -> None:
        """A row with cells to spare, or one short of its Notes whose last cell reads as notes (a lost ``|``)."""
        cells = row.cells
        if row.spare:
            problem(
                f"{row.written} cells for {len(cells)} columns ({row.spare[0]!r} to spare): "
                "only its name and type are read",
                ("description", *_NOTE_FACETS),
            )
        elif row.written < len(cells) and roles["notes"] >= row.written and self._note_like(cells[row.written - 1]):
            problem(
                f"{row.written} cells for {len(cells)} columns, the last ending in notes "
                f"({norm(cells[row.written - 1])!r}; a missing '|'?): its description and notes are not read",
                ("description", *_NOTE_FACETS),
            )

    def _type(self, text: str, problem: _Problem) -> TypeRef:
        try:
            read = self.rendering.types.parse(text)
        except ValueError:
            problem(f"type {text!r} is not a {self.rendering.name} type", ("type",))
            return TypeRef.unknown()
        if read is None:
            problem(f"type {text!r} is void", ("type",))
            return TypeRef.unknown()
        return read

    def _read_required(self, flag: str, notes: _Notes, problem: _Problem, line: int | None, name: str) -> None:
        """A Required column: yes or no, and not the opposite of the Notes' [optional]."""
        if flag not in _YES | _NO:
            problem(f"required {flag!r} is not yes or no", ("required",))
        elif "required" in notes.stated and (flag in _YES) == notes.optional:
            raise self.fail(line, f"parameter {name} is both required and [optional]")
        else:
            notes.optional = flag not in _YES
            notes.stated.add("required")

    def _location(self, written: str, path_keys: set[str]) -> Location:
        if written in self.layout.body_rows:
            return "body"
        return "path" if match_key(written) in path_keys else "query"

    def _note_like(self, text: str) -> bool:
        layout = self.layout
        return any(p.search(text) for p in (layout.optional_note, layout.default_note, *layout.values_notes))

    def _read_notes(self, text: str, problem: _Problem) -> _Notes:
        """[optional], [default to X], allowed values: what the Notes cell says, and which facets it states
        (all the SDK's Notes show: what they leave out is said to be absent)."""
        layout = self.layout
        notes = _Notes()
        pos = 0
        while pos < len(text):
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                break
            if m := layout.optional_note.match(text, pos):
                notes.optional = True
                notes.stated.add("required")
            elif m := layout.default_note.match(text, pos):
                notes.default = _default(m["value"], layout.no_default)
                notes.stated.add("default")
            elif m := next((v for p in layout.values_notes if (v := p.match(text, pos))), None):
                listed = (v.strip() for v in m["values"].split(","))
                notes.values = tuple(self.rendering.enum_value(v) for v in listed if v)
                notes.stated.add("allowed_values")
            if m is None or m.end() == pos:
                left = {"default", "allowed_values"} | ({"required"} if "required" not in notes.stated else set())
                problem(f"note {norm(text[pos:])!r} is not one the page layout knows", tuple(sorted(left)))
                return _Notes(notes.optional, None, (), notes.stated - left)
            pos = m.end()
        notes.stated |= self.rendering.shows
        return notes


@dataclass
class _Notes:
    """What a row's notes (and Required column) say, and which facets they state."""

    optional: bool = False
    default: str | None = None
    values: tuple[str, ...] = ()
    stated: set[str] = field(default_factory=set)


_Problem = Callable[[str, tuple[str, ...]], None]


# What `ParameterRows.read` answers for a row the SDK adds (JavaScript's customHeaders).
ADDED_BY_SDK: Final = Parameter("", "query", TypeRef.unknown())
_YES: Final = frozenset({"true", "yes", "required", "y"})
_NO: Final = frozenset({"false", "no", "optional", "n", ""})


def _default(text: str, no_default: frozenset[str]) -> str | None:
    """A default as the spec reader renders it: unquoted, booleans in lower case."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.lower() in no_default:
        return None
    if text.lower() in ("true", "false"):
        return text.lower()
    return text
