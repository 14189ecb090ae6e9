"""Docs sources: one vendor's reference pages described as data, and the SDK renderings of them.

A source is a folder under ``docs_sources/`` (`settings.DOCS_SOURCES_DIR`):

- ``source.toml``: the layout every page of the vendor shares (the column headers of the
  operations and parameters tables, the sentences that give an operation's HTTP request,
  permissions or lack of parameters, the notes of a parameter row) and the spec key its
  permissions go in;
- ``sdks/NAME.toml``, one per SDK: how that SDK renders the page (its code-example language,
  method-name case, type names, enum notation, what its notes show, the parameters it adds).

docs-diff knows no vendor: it reads a page with the source that recognises it and the rendering
it detects (`DocsSource.candidates`). Adding a language is adding a file under ``sdks/``. Every
key is checked when a source is loaded; a wrong one is a SourceError naming the file and line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from generator import settings
from generator.errors import GenerationError
from generator.inputs.toml_file import TomlFile, line_of_key, read_toml

from .docs_types import TypeVocabulary, schema_type
from .model import TypeRef

__all__ = [
    "DocsSource",
    "PageLayout",
    "Rendering",
    "SourceError",
    "choose_source",
    "default_sources",
    "load_source",
    "load_sources",
]

NAME_CASES: Final = ("camel", "pascal", "snake")
# What a rendering's Notes column may show, and the parameter facet each one states.
SHOWN_FACETS: Final = {"optional": "required", "default": "default", "values": "allowed_values"}
_OPERATION_ROLES: Final = ("name", "http", "summary")
_PARAMETER_ROLES: Final = ("name", "type", "description", "notes", "required")


class SourceError(Exception):
    """A docs source's data cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class PageLayout:
    """What every page of one vendor has in common, whatever SDK rendered it."""

    operations_columns: Mapping[str, str]  # header text (lower case) -> name | http | summary
    parameters_columns: Mapping[str, str]  # header text -> name | type | description | notes | required
    body_rows: frozenset[str]  # the name of the parameters row that is the request body
    parameters_parts: frozenset[str]  # the sub-headings of an operation's parts (lower case)
    return_parts: frozenset[str]
    http_line: re.Pattern[str]  # groups: method, path
    permissions_line: re.Pattern[str]  # groups: type, inline (names on the same line)
    no_permissions: str  # the permission type that means "none needed"
    no_parameters: tuple[re.Pattern[str], ...]
    optional_note: re.Pattern[str]
    default_note: re.Pattern[str]  # group: value
    values_notes: tuple[re.Pattern[str], ...]  # group: values (comma separated)
    no_default: frozenset[str]  # default texts meaning "no default" (lower case)
    empty_body: str | None  # a return-type suffix meaning "no body"
    example_languages_ignored: frozenset[str]  # code languages that are no SDK's (json, shell)


@dataclass(frozen=True)
class Rendering:
    """How one SDK renders the vendor's pages."""

    key: str  # the data file's name: sdks/<key>.toml
    name: str  # for people: "Swift (iOS)"
    fence_languages: frozenset[str]
    markers: tuple[re.Pattern[str], ...]
    name_case: str  # camel | pascal | snake: how it writes method and parameter names
    shows: frozenset[str]  # parameter facets its Notes column states when they apply
    types: TypeVocabulary
    enum_values: tuple[re.Pattern[str], ...]  # allowed values written as more than the value: group value
    sdk_parameters: tuple[tuple[str, str | None], ...]  # (name, type text or None for any)

    def enum_value(self, text: str) -> str:
        """An allowed value as the wire has it (``user ("user")`` -> ``user`` in Swift)."""
        for form in self.enum_values:
            if m := form.fullmatch(text):
                return m["value"]
        return text

    def adds(self, name: str, type_text: str) -> bool:
        """Whether a parameter row is one the SDK adds, which the API does not have."""
        flat = "".join(type_text.split())
        return any(
            name == added and (kind is None or "".join(kind.split()) == flat) for added, kind in self.sdk_parameters
        )


@dataclass(frozen=True)
class DocsSource:
    """One vendor's reference pages: their layout, the spec key of permissions, and each SDK's rendering."""

    name: str
    folder: Path
    layout: PageLayout
    permissions_key: str | None
    markers: tuple[re.Pattern[str], ...]
    renderings: tuple[Rendering, ...]

    def rendering(self, key: str) -> Rendering:
        for rendering in self.renderings:
            if key in (rendering.key, rendering.name):
                return rendering
        known = ", ".join(r.key for r in self.renderings)
        raise SourceError(f"{self.folder}: no SDK rendering {key!r} (known: {known})")

    def recognises(self, text: str) -> bool:
        return any(marker.search(text) for marker in self.markers)

    def candidates(self, example_languages: Iterable[str], text: str) -> tuple[list[Rendering], str]:
        """The renderings a page may be, and how they were told: by the language of most of its
        code examples, else by its markers; several candidates are told apart by reading."""
        by_language = {lang: r for r in self.renderings for lang in r.fence_languages}
        counts: dict[str, int] = {}
        for language in example_languages:
            if language in by_language:
                counts[language] = counts.get(language, 0) + 1
        if counts:
            language = max(counts, key=lambda lang: counts[lang])
            return [by_language[language]], f"from its {language} examples"
        marked = [r for r in self.renderings if any(m.search(text) for m in r.markers)]
        if len(marked) == 1:
            return marked, "from its text"
        return (marked or list(self.renderings)), "from its types and names"


# --- loading --------------------------------------------------------------------------


def default_sources() -> tuple[DocsSource, ...]:
    """Every source under `settings.DOCS_SOURCES_DIR`."""
    return load_sources(settings.DOCS_SOURCES_DIR)


@functools.cache
def load_sources(folder: Path) -> tuple[DocsSource, ...]:
    """Every source in ``folder`` (each sub-folder holding a source.toml), by name."""
    try:
        found = sorted(p.parent for p in folder.glob("*/source.toml"))
    except OSError as exc:
        raise SourceError(f"{folder}: cannot list the docs sources: {exc}") from None
    if not found:
        raise SourceError(f"{folder}: no docs source (a folder with a source.toml)")
    return tuple(load_source(path) for path in found)


def choose_source(sources: tuple[DocsSource, ...], text: str, where: str) -> DocsSource:
    """The one source for a page: the only one there is, else the one whose markers the page has."""
    if len(sources) == 1:
        return sources[0]
    matching = [s for s in sources if s.recognises(text)]
    if len(matching) == 1:
        return matching[0]
    names = ", ".join(str(s.folder) for s in (matching or sources))
    raise SourceError(f"{where}: cannot tell which docs source the page is from ({names}); give --source")


@functools.cache
def load_source(folder: Path) -> DocsSource:
    """The source in ``folder``; SourceError naming the file and line of anything wrong."""
    data = _Data(_read(folder / "source.toml"))
    source = _source(folder, data)
    sdk_files = sorted((folder / "sdks").glob("*.toml"))
    if not sdk_files:
        raise SourceError(f"{folder / 'sdks'}: no SDK rendering (sdks/NAME.toml)")
    claimed: dict[str, str] = {}  # example language -> the SDK it tells
    renderings = tuple(_rendering(path, source.layout, claimed) for path in sdk_files)
    return DocsSource(source.name, folder, source.layout, source.permissions_key, source.markers, renderings)


def _read(path: Path) -> TomlFile:
    try:
        return read_toml(path, "docs source")
    except GenerationError as exc:
        raise SourceError(str(exc)) from None


class _Data:
    """A TOML file's tables, read strictly: each key once, of its type, unknown keys refused."""

    def __init__(self, file: TomlFile, table: Mapping[str, Any] | None = None, where: tuple[str, ...] = ()) -> None:
        self.file = file
        self.table: Mapping[str, Any] = file.data if table is None else table
        self.where = where
        self.used: set[str] = set()

    def error(self, key: str | None, message: str) -> SourceError:
        after = None
        for name in self.where:
            after = line_of_key(self.file.text, name, after) or after
        line = line_of_key(self.file.text, key, after) if key is not None else after
        dotted = ".".join((*self.where, key) if key else self.where)
        where = f"{self.file.path}:{line}" if line else str(self.file.path)
        return SourceError(f"{where}: {dotted + ': ' if dotted else ''}{message}")

    def _get(self, key: str, kind: type, required: bool) -> Any:
        self.used.add(key)
        if key not in self.table:
            if required:
                raise self.error(None, f"{key!r} is missing")
            return None
        value = self.table[key]
        if not isinstance(value, kind):
            raise self.error(key, f"must be a {kind.__name__}")
        return value

    def text(self, key: str, *, required: bool = True) -> str | None:
        return self._get(key, str, required)  # type: ignore[no-any-return]

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = self._get(key, list, required) or []
        if not all(isinstance(v, str) for v in value):
            raise self.error(key, "must be a list of strings")
        return tuple(value)

    def pattern(self, key: str, groups: tuple[str, ...] = ()) -> re.Pattern[str]:
        text = self.text(key)
        assert text is not None
        return self._compile(key, text, groups)

    def patterns(self, key: str, groups: tuple[str, ...] = ()) -> tuple[re.Pattern[str], ...]:
        return tuple(self._compile(key, text, groups) for text in self.texts(key))

    def _compile(self, key: str, text: str, groups: tuple[str, ...]) -> re.Pattern[str]:
        try:
            compiled = re.compile(text, re.IGNORECASE if key in _CASE_BLIND else 0)
        except re.error as exc:
            raise self.error(key, f"not a regular expression: {exc}: {text!r}") from None
        missing = [g for g in groups if g not in compiled.groupindex]
        if missing:
            raise self.error(key, f"{text!r} needs the named group(s) {', '.join(missing)}")
        return compiled

    def sub(self, key: str, *, required: bool = True) -> _Data:
        table = self._get(key, dict, required)
        return _Data(self.file, table or {}, (*self.where, key))

    def items(self, key: str) -> list[_Data]:
        value = self._get(key, list, False) or []
        if not all(isinstance(v, dict) for v in value):
            raise self.error(key, "must be an array of tables ([[...]])")
        return [_Data(self.file, v, (*self.where, key)) for v in value]

    def done(self) -> None:
        for key in self.table:
            if key not in self.used:
                raise self.error(key, f"unknown key {key!r}")

    def each(self, convert: Callable[[str, Any], Any]) -> dict[str, Any]:
        """Every key of a free-form table, its value converted (ValueError names the key)."""
        out: dict[str, Any] = {}
        for key, value in self.table.items():
            self.used.add(key)
            try:
                out[key] = convert(key, value)
            except ValueError as exc:
                raise self.error(key, str(exc)) from None
        return out


# Sentences and notes are matched regardless of case ("Requires ALL permissions", "[Optional]").
_CASE_BLIND: Final = frozenset({"http", "permissions", "no_parameters", "optional", "default", "values"})


@dataclass(frozen=True)
class _SourceHead:
    name: str
    layout: PageLayout
    permissions_key: str | None
    markers: tuple[re.Pattern[str], ...]


def _columns(data: _Data, roles: tuple[str, ...], required: tuple[str, ...]) -> dict[str, str]:
    columns: dict[str, str] = {}
    for role in roles:
        headers = data.texts(role, required=role in required)
        for header in headers:
            columns.setdefault(" ".join(header.lower().split()), role)
    data.done()
    return columns


def _source(folder: Path, data: _Data) -> _SourceHead:
    name = data.text("name") or folder.name
    detect = data.sub("detect", required=False)
    markers = detect.patterns("markers")
    detect.done()
    spec = data.sub("spec", required=False)
    permissions_key = spec.text("permissions", required=False)
    spec.done()
    ops = _columns(data.sub("operations_table"), _OPERATION_ROLES, ("name",))
    params_table = data.sub("parameters_table")
    body_rows = frozenset(params_table.texts("body_rows", required=True))
    params = _columns(params_table, _PARAMETER_ROLES, ("name", "type", "description", "notes"))
    parts = data.sub("parts")
    parameters_parts = frozenset(t.lower() for t in parts.texts("parameters", required=True))
    return_parts = frozenset(t.lower() for t in parts.texts("return_type", required=True))
    parts.done()
    sentences = data.sub("sentences")
    http_line = sentences.pattern("http", ("method", "path"))
    permissions_line = sentences.pattern("permissions", ("type", "inline"))
    no_permissions = sentences.text("no_permissions_type", required=False) or ""
    no_parameters = sentences.patterns("no_parameters")
    sentences.done()
    notes = data.sub("notes")
    empty_body = data.pattern("empty_body") if "empty_body" in data.table else None
    layout = PageLayout(
        operations_columns=ops,
        parameters_columns=params,
        body_rows=body_rows,
        parameters_parts=parameters_parts,
        return_parts=return_parts,
        http_line=http_line,
        permissions_line=permissions_line,
        no_permissions=no_permissions.upper(),
        no_parameters=no_parameters,
        optional_note=notes.pattern("optional"),
        default_note=notes.pattern("default", ("value",)),
        values_notes=notes.patterns("values", ("values",)),
        no_default=frozenset(t.lower() for t in notes.texts("no_default")),
        empty_body=empty_body.pattern if empty_body is not None else None,
        example_languages_ignored=frozenset(t.lower() for t in data.texts("example_languages_ignored")),
    )
    notes.done()
    data.done()
    return _SourceHead(name, layout, permissions_key, markers)


def _json_type(key: str, value: Any) -> TypeRef:
    if not isinstance(value, str):
        raise ValueError('must be a JSON Schema type such as "integer/int32"')
    return schema_type(value)


def _rendering(path: Path, layout: PageLayout, claimed: dict[str, str]) -> Rendering:
    data = _Data(_read(path))
    name = data.text("name")
    assert name is not None
    fences = frozenset(t.lower() for t in data.texts("example_languages"))
    for language in sorted(fences):
        if language in claimed:
            raise data.error(
                "example_languages", f"{language!r} is also {claimed[language]}'s; a language tells one SDK"
            )
        claimed[language] = path.stem
    markers = data.patterns("markers")
    case = data.text("name_case")
    if case not in NAME_CASES:
        raise data.error("name_case", f"must be one of {', '.join(NAME_CASES)}")
    shown = data.texts("shows", required=True)
    unknown = [s for s in shown if s not in SHOWN_FACETS]
    if unknown:
        raise data.error("shows", f"unknown {unknown[0]!r} (known: {', '.join(SHOWN_FACETS)})")
    types = data.sub("types")
    names = types.each(_json_type)
    types.done()
    forms = data.sub("forms", required=False)
    model_name = data.text("model_name", required=False)
    try:
        vocabulary = TypeVocabulary.build(
            names,
            arrays=forms.texts("array"),
            maps=forms.texts("map"),
            wrappers=forms.texts("wrapper"),
            void=forms.texts("void"),
            empty_body=layout.empty_body,
            model_name=model_name,
        )
    except (ValueError, re.error) as exc:
        raise forms.error(None, str(exc)) from None
    forms.done()
    enums = data.sub("enums", required=False)
    enum_values = enums.patterns("value", ("value",))
    enums.done()
    added: list[tuple[str, str | None]] = []
    for item in data.items("sdk_parameters"):
        added_name = item.text("name")
        assert added_name is not None
        added.append((added_name, item.text("type", required=False)))
        item.done()
    data.done()
    return Rendering(
        key=path.stem,
        name=name,
        fence_languages=fences,
        markers=markers,
        name_case=case,
        shows=frozenset(SHOWN_FACETS[s] for s in shown),
        types=vocabulary,
        enum_values=enum_values,
        sdk_parameters=tuple(added),
    )
