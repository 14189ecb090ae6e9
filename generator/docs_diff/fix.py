"""``docs-diff --fix``: turn findings into edits of the spec, keeping its comments and layout.

The spec is loaded with ruamel.yaml's round-trip loader, edited in place and dumped
again; a spec whose unedited round trip is not byte-identical is refused, so an edit
never reformats what it does not touch. Each finding becomes the smallest edit that
makes the spec say what the page says:

- an operation added: a skeleton (tags, operationId, summary, permissions,
  parameters, request body, a 200 response and the error responses every other
  operation shares), with a skeleton model for each new request or response model;
- an operation removed, or moved to another method or path;
- summary, description (``x-docs-description``), permissions, return type and
  request body;
- a parameter added (by ``$ref`` when a shared component parameter says exactly
  the same), removed, or changed: location, type, optionality, default, allowed
  values, description (on the parameter, and on its schema when that has one).

Edits reached through a ``$ref`` change the shared component only when every user of
it gets the same edit; otherwise the user gets its own copy first. What the page
cannot tell (model bodies, your own ``description`` prose, x-pagination) is left to
you: `FixResult.remaining` lists the drift the edited spec still has. Only drift is written: what the
page does not state (silence) or states in a form docs-diff cannot read is never an edit, and an
operation or parameter the page does not fully state is not added.
"""

from __future__ import annotations

import copy
import difflib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString

from generator.errors import GenerationError
from generator.spec import HTTP_METHODS, parse_yaml

from .compare import Category, Finding, FindingKind, compare
from .model import ApiReference, Operation, Parameter, TypeRef
from .names import match_key
from .source import DocsSource
from .spec_view import DOCS_DESCRIPTION, SpecError, permissions_key, spec_from_document

__all__ = ["FixResult", "fix_spec", "write_atomically"]

# Indentation styles tried in turn: (mapping, sequence, dash offset).
_INDENTS: Final = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 3, 1))
_LINE_WIDTH: Final = 80  # folded (>-) scalars are wrapped to lines of at most this width
_NEW_MODEL_NOTE: Final = "Added by docs-diff --fix; give it its properties from the model reference"
_PARAMETER_KINDS: Final = frozenset(
    {
        FindingKind.PARAMETER_LOCATION_CHANGED,
        FindingKind.PARAMETER_TYPE_CHANGED,
        FindingKind.PARAMETER_OPTIONALITY_CHANGED,
        FindingKind.PARAMETER_DEFAULT_CHANGED,
        FindingKind.PARAMETER_ALLOWED_VALUES_CHANGED,
        FindingKind.PARAMETER_DESCRIPTION_CHANGED,
    }
)

_PHASES: Final = {
    FindingKind.OPERATION_REMOVED: 0,
    FindingKind.METHOD_CHANGED: 1,
    FindingKind.PATH_CHANGED: 1,
    FindingKind.OPERATION_ADDED: 3,
}

Node = Any  # a ruamel CommentedMap / CommentedSeq / scalar


@dataclass
class FixResult:
    """The edited spec text, what was done, and what is left."""

    original: str
    text: str
    applied: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)  # drift of the edited spec

    def diff(self, name: str) -> str:
        lines = difflib.unified_diff(
            self.original.splitlines(keepends=True),
            self.text.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
        return "".join(lines)


def fix_spec(
    spec_path: Path | str, docs: ApiReference, findings: list[Finding], docs_source: DocsSource | None = None
) -> FixResult:
    """The spec at ``spec_path`` edited so that the drift among ``findings`` (spec vs ``docs``) goes away."""
    try:
        original = Path(spec_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{spec_path}: cannot read the spec: {exc}") from exc
    key = permissions_key(docs_source)
    editor = _Editor(str(spec_path), original, key)
    drift = [f for f in findings if f.category is Category.DRIFT]
    # Removals and moves first, so an added operation can take the method and path they free.
    ordered = sorted(drift, key=lambda f: _PHASES.get(f.kind, 2))
    applied = [f for f in ordered if editor.apply(f, docs)]
    applied.sort(key=findings.index)
    text = editor.dump()
    try:
        edited = spec_from_document(parse_yaml(text, Path(spec_path)).data, str(spec_path), key)
    except GenerationError as exc:  # pragma: no cover - ruamel wrote YAML the spec loader refuses
        raise SpecError(f"the edited spec cannot be read: {exc}") from None
    remaining = [f for f in compare(edited, docs) if f.category is Category.DRIFT]
    return FixResult(original, text, applied, remaining)


def write_atomically(path: Path | str, text: str) -> None:
    """Replace the file at ``path`` with ``text`` in one step (never half-written)."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o777)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _round_trip(source: str, text: str) -> tuple[YAML, Node]:
    """A loader/dumper whose unedited round trip of ``text`` is byte-identical, and the document."""
    for mapping, sequence, offset in _INDENTS:
        handler = YAML(typ="rt")
        handler.preserve_quotes = True
        handler.width = 4096
        handler.indent(mapping=mapping, sequence=sequence, offset=offset)
        try:
            document = handler.load(text)
        except YAMLError as exc:
            raise SpecError(f"{source}: cannot edit the spec: {exc}") from exc
        out = io.StringIO()
        handler.dump(document, out)
        if out.getvalue() == text:
            return handler, document
    raise SpecError(
        f"{source}: cannot edit the spec without changing its layout (ruamel.yaml does not "
        "reproduce it byte for byte); make the edits by hand"
    )


def _folded_like(old: object, text: str, indent: int) -> object:
    """``text`` in the style of the scalar it replaces: a folded (``>-``) one stays folded,
    wrapped at `_LINE_WIDTH`; a new one is folded when it does not fit on its key's line."""
    width = _LINE_WIDTH - indent
    if not isinstance(old, FoldedScalarString) and (old is not None or len(text) <= width - 12):
        return text
    folded: Any = FoldedScalarString(text)
    positions, start = [], 0
    while len(text) - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:
            break
        positions.append(cut)
        start = cut + 1
    folded.fold_pos = positions
    return folded


def _flow(items: list[str]) -> Node:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _replace_like(mapping: Node, key: str, value: Node) -> None:
    """Set ``mapping[key]`` to a new mapping, written in flow style if the old one was."""
    old = mapping.get(key)
    if isinstance(old, CommentedMap) and old.fa.flow_style() and isinstance(value, CommentedMap):
        value.fa.set_flow_style()
    mapping[key] = value


def _insert_after(mapping: Node, key: str, value: object, after: tuple[str, ...]) -> None:
    """Set ``mapping[key]``; a new key goes after the last of ``after`` present (else at the end)."""
    _insert(mapping, key, value, after, before=False)


def _insert_before(mapping: Node, key: str, value: object, before: tuple[str, ...]) -> None:
    """Set ``mapping[key]``; a new key goes before the first of ``before`` present (else at the end)."""
    _insert(mapping, key, value, before, before=True)


def _insert(mapping: Node, key: str, value: object, anchors: tuple[str, ...], *, before: bool) -> None:
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping.keys())
    found = [keys.index(k) for k in anchors if k in mapping]
    if found:
        mapping.insert(min(found) if before else max(found) + 1, key, value)
    else:
        mapping.insert(len(keys), key, value)


def _typed(text: str, schema: Node) -> object:
    """A docs default (text) as the YAML value the schema's type asks for."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean":
        return text.lower() == "true"
    if kind == "array":
        return [v.strip() for v in text.split(",") if v.strip()]
    return text


@dataclass
class _ParameterEdit:
    """One parameter finding, with where it lands in the document."""

    finding: Finding
    holder: Node  # the operation's (or path item's) parameters entry
    docs: Parameter


class _Editor:
    def __init__(self, source: str, text: str, permissions_key: str | None) -> None:
        self.source = source
        self.permissions_key = permissions_key
        self.handler, self.document = _round_trip(source, text)
        if not isinstance(self.document, dict) or not isinstance(self.document.get("paths"), dict):
            raise SpecError(f"{source}: not an OpenAPI document (no 'paths' mapping)")
        self.pending: list[_ParameterEdit] = []

    def dump(self) -> str:
        self._apply_parameter_edits()
        out = io.StringIO()
        self.handler.dump(self.document, out)
        return out.getvalue()

    # -- finding the nodes ----------------------------------------------------------

    def _operations(self) -> Iterator[tuple[str, str, Node]]:
        for path, item in self.document["paths"].items():
            if isinstance(item, dict):
                for method in HTTP_METHODS:
                    if isinstance(item.get(method), dict):
                        yield str(path), method, item[method]

    def _operation(self, op_id: str) -> tuple[str, str, Node] | None:
        key = match_key(op_id)
        return next((o for o in self._operations() if match_key(str(o[2].get("operationId", ""))) == key), None)

    def _pointer(self, ref: str) -> Node:
        target: Node = self.document
        for part in ref.removeprefix("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise SpecError(f"{self.source}: $ref {ref!r} points nowhere")
            target = target[part]
        return target

    def _resolve(self, node: Node) -> Node:
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            seen.add(node["$ref"])
            node = self._pointer(node["$ref"])
        return node

    def _parameter_entry(self, path: str, op: Node, name: str) -> tuple[Node, Node] | None:
        """The parameters list and entry naming ``name`` (not the body), operation level first."""
        key = match_key(name)
        item = self.document["paths"][path]
        for holder in (op, item):
            entries = holder.get("parameters")
            if not isinstance(entries, list):
                continue
            for entry in entries:
                param = self._resolve(entry)
                if isinstance(param, dict) and match_key(str(param.get("name", ""))) == key:
                    return entries, entry
        return None

    def _references(self, ref: str) -> list[Node]:
        """Every mapping in the document that is ``{$ref: ref}``."""
        found: list[Node] = []

        def walk(node: Node) -> None:
            if isinstance(node, dict):
                if node.get("$ref") == ref:
                    found.append(node)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.document)
        return found

    def _schemas(self) -> Node:
        components = self.document.setdefault("components", CommentedMap())
        return components.setdefault("schemas", CommentedMap())

    # -- schemas for docs types -----------------------------------------------------------

    def _model_ref(self, name: str, origin: str) -> Node:
        """``{$ref: ...}`` to the model, added as a skeleton if the spec lacks it."""
        schemas = self._schemas()
        existing = next((k for k in schemas if str(k).casefold() == name.casefold()), None)
        if existing is None:
            existing = name
            schemas[name] = CommentedMap(
                [
                    ("type", "object"),
                    ("description", f"{_NEW_MODEL_NOTE} ({origin})."),
                    ("properties", CommentedMap()),
                ]
            )
        return CommentedMap([("$ref", f"#/components/schemas/{existing}")])

    def _schema(self, t: TypeRef, origin: str) -> Node:
        if t.kind == "model":
            return self._model_ref(t.name, origin)
        if t.kind == "array":
            assert t.item is not None
            items = self._schema(t.item, origin)
            if list(items) == ["$ref"]:
                items.fa.set_flow_style()  # items: {$ref: ...}, as the spec writes them
            return CommentedMap([("type", "array"), ("items", items)])
        if t.kind == "map":
            assert t.item is not None
            return CommentedMap([("type", "object"), ("additionalProperties", self._schema(t.item, origin))])
        schema = CommentedMap([("type", t.name)])
        if t.format is not None:
            schema["format"] = t.format
        return schema

    # -- findings ------------------------------------------------------------------------

    def apply(self, finding: Finding, docs: ApiReference) -> bool:
        """Edit the document for one finding; False if it cannot be expressed."""
        docs_op = docs.by_key().get(match_key(finding.operation))
        kind = finding.kind
        if kind is FindingKind.OPERATION_REMOVED:
            return self._remove_operation(finding.operation)
        if docs_op is None:
            return False
        if kind is FindingKind.OPERATION_ADDED:
            return self._add_operation(docs_op)
        located = self._operation(finding.operation)
        if located is None:
            return False
        path, method, op = located
        handlers: dict[FindingKind, Callable[[], bool]] = {
            FindingKind.METHOD_CHANGED: lambda: self._move(path, method, op, path, docs_op.method.lower()),
            FindingKind.PATH_CHANGED: lambda: self._move(path, method, op, docs_op.path, method),
            FindingKind.SUMMARY_CHANGED: lambda: self._set_text(op, "summary", docs_op.summary, ("operationId",)),
            FindingKind.DESCRIPTION_CHANGED: lambda: self._set_docs_description(op, docs_op.description),
            FindingKind.PERMISSION_TYPE_CHANGED: lambda: self._set_permissions(op, docs_op),
            FindingKind.PERMISSIONS_CHANGED: lambda: self._set_permissions(op, docs_op),
            FindingKind.RETURN_TYPE_CHANGED: lambda: self._set_return_type(op, docs_op),
            FindingKind.REQUEST_BODY_CHANGED: lambda: self._set_body(op, docs_op),
            FindingKind.PARAMETER_ADDED: lambda: self._add_parameter(op, docs_op, finding.parameter),
            FindingKind.PARAMETER_REMOVED: lambda: self._remove_parameter(path, op, finding.parameter),
        }
        if kind in handlers:
            return handlers[kind]()
        if kind in _PARAMETER_KINDS:
            return self._queue_parameter_edit(path, op, docs_op, finding)
        return False  # pragma: no cover - every kind is handled above

    def _set_text(self, mapping: Node, key: str, text: str, after: tuple[str, ...]) -> bool:
        if not text:
            mapping.pop(key, None)
            return True
        _insert_after(mapping, key, _folded_like(mapping.get(key), text, 8), after)
        return True

    def _set_docs_description(self, op: Node, description: str) -> bool:
        paragraphs = [p for p in description.split("\n\n") if p]
        if not paragraphs:
            op.pop(DOCS_DESCRIPTION, None)
        elif len(paragraphs) == 1:
            _insert_after(op, DOCS_DESCRIPTION, paragraphs[0], ("operationId", "summary", "description"))
        else:
            _insert_after(op, DOCS_DESCRIPTION, CommentedSeq(paragraphs), ("operationId", "summary", "description"))
        return True

    def _set_permissions(self, op: Node, docs_op: Operation) -> bool:
        perms = docs_op.permissions
        key = self.permissions_key
        if key is None:
            return False  # the docs source names no spec key for permissions
        if perms.type is None and not perms.names:
            op.pop(key, None)
            return True
        block = op.get(key)
        if not isinstance(block, dict):
            block = CommentedMap()
            _insert_after(op, key, block, ("operationId", "summary", DOCS_DESCRIPTION, "description"))
        if perms.type is not None:
            block["type"] = perms.type
        names = list(perms.names)
        old = block.get("permissions")
        if isinstance(old, list) and [str(n) for n in old] != names:
            old.clear()
            old.extend(names)
        elif not isinstance(old, list):
            block["permissions"] = CommentedSeq(names)
        return True

    def _ok_response(self, op: Node) -> Node:
        responses = op.setdefault("responses", CommentedMap())
        ok = responses.get("200")
        if not isinstance(ok, dict):
            ok = CommentedMap([("description", "Success.")])
            responses.insert(0, "200", ok)
        return ok

    def _set_return_type(self, op: Node, docs_op: Operation) -> bool:
        ok = self._ok_response(op)
        if docs_op.return_type is None:
            ok.pop("content", None)
            return True
        schema = self._schema(docs_op.return_type, f"returned by {docs_op.operation_id}")
        content = ok.setdefault("content", CommentedMap())
        media = content.setdefault("application/json", CommentedMap())
        _replace_like(media, "schema", schema)
        return True

    def _set_body(self, op: Node, docs_op: Operation) -> bool:
        body = docs_op.body
        if body is None:
            op.pop("requestBody", None)
            return True
        schema = self._schema(body.type, f"request body of {docs_op.operation_id}")
        request = op.get("requestBody")
        if not isinstance(request, dict):
            request = CommentedMap()
            if body.description:
                request["description"] = body.description
            request["required"] = body.required
            _insert_before(op, "requestBody", request, ("responses",))
        content = request.setdefault("content", CommentedMap())
        media = content.setdefault("application/json", CommentedMap())
        _replace_like(media, "schema", schema)
        return True

    # -- operations -----------------------------------------------------------------------

    def _path_item(self, path: str) -> Node:
        paths = self.document["paths"]
        if path not in paths:
            keys = [str(k) for k in paths]
            position = len(keys)
            if keys == sorted(keys):
                position = next((i for i, k in enumerate(keys) if k > path), len(keys))
            paths.insert(position, path, CommentedMap())
        item: Node = paths[path]
        return item

    def _drop_if_empty(self, path: str) -> None:
        item = self.document["paths"].get(path)
        if isinstance(item, dict) and not any(m in item for m in HTTP_METHODS):
            del self.document["paths"][path]

    def _remove_operation(self, op_id: str) -> bool:
        located = self._operation(op_id)
        if located is None:
            return False
        path, method, _ = located
        del self.document["paths"][path][method]
        self._drop_if_empty(path)
        return True

    def _move(self, path: str, method: str, op: Node, new_path: str, new_method: str) -> bool:
        if (path, method) == (new_path, new_method):
            return True
        target = self._path_item(new_path)
        if new_method in target:
            return False  # the page's method and path already belong to another operation
        del self.document["paths"][path][method]
        target[new_method] = op
        self._drop_if_empty(path)
        return True

    def _shared(self) -> tuple[Node, list[tuple[str, Node]]]:
        """The tags and the non-2xx responses every operation of the spec has, alike."""
        ops = [op for _, _, op in self._operations()]
        tags = [op.get("tags") for op in ops]
        shared_tags = tags[0] if tags and all(t == tags[0] for t in tags) and isinstance(tags[0], list) else None
        responses: list[tuple[str, Node]] = []
        first = ops[0].get("responses", {}) if ops else {}
        for code, response in first.items():
            if str(code).startswith("2"):
                continue
            if all(op.get("responses", {}).get(code) == response for op in ops):
                responses.append((str(code), response))
        return shared_tags, responses

    def _add_operation(self, docs_op: Operation) -> bool:
        unsaid = {facet for facet, _ in docs_op.unstated} | docs_op.unread
        if unsaid & {"http", "return_type", "parameters"} or any(p.unread for p in docs_op.parameters):
            return False  # the page does not say all a new operation needs
        item = self._path_item(docs_op.path)
        method = docs_op.method.lower()
        if method in item:
            return False
        tags, errors = self._shared()
        op = CommentedMap()
        if tags is not None:
            op["tags"] = copy.deepcopy(tags)
        op["operationId"] = docs_op.operation_id
        if docs_op.summary:
            op["summary"] = _folded_like(None, docs_op.summary, 8)
        item[method] = op
        self._set_docs_description(op, docs_op.description)
        if (docs_op.permissions.type is not None or docs_op.permissions.names) and self.permissions_key:
            self._set_permissions(op, docs_op)
        for param in docs_op.parameters:
            if param.location != "body":
                self._append_parameter(op, param)
        self._ok_response(op)
        self._set_body(op, docs_op)
        self._set_return_type(op, docs_op)
        for code, response in errors:
            op["responses"][code] = copy.deepcopy(response)
        return True

    # -- parameters -----------------------------------------------------------------------

    def _parameter_node(self, param: Parameter) -> Node:
        node = CommentedMap([("name", param.name), ("in", param.location), ("required", param.required)])
        schema = self._schema(param.type, f"parameter {param.name}")
        if param.description:
            node["description"] = param.description
            if "$ref" not in schema:
                schema["description"] = param.description
        target = schema.get("items") if param.type.kind == "array" else schema
        if param.allowed_values and isinstance(target, dict) and "$ref" not in target:
            target["enum"] = _flow(list(param.allowed_values))
        if param.default is not None:
            schema["default"] = _typed(param.default, schema)
        node["schema"] = schema
        return node

    def _component_for(self, param: Parameter) -> str | None:
        """The shared component parameter that says exactly what the page does, if any."""
        components = self.document.get("components", {})
        shared = components.get("parameters") if isinstance(components, dict) else None
        if not isinstance(shared, dict):
            return None
        wanted = ApiReference("docs", (Operation("probe", "GET", "/probe", parameters=(param,)),))
        for name in shared:
            ref = {"$ref": f"#/components/parameters/{name}"}
            probe = spec_from_document(
                {
                    "paths": {"/probe": {"get": {"operationId": "probe", "parameters": [ref], "responses": {}}}},
                    "components": components,
                },
                self.source,
                self.permissions_key,
            )
            if not compare(probe, wanted):
                return str(name)
        return None

    def _append_parameter(self, op: Node, param: Parameter) -> None:
        component = self._component_for(param)
        entry: Node
        if component is not None:
            entry = CommentedMap([("$ref", f"#/components/parameters/{component}")])
        else:
            entry = self._parameter_node(param)
        entries = op.get("parameters")
        if not isinstance(entries, list):
            entries = CommentedSeq()
            _insert_before(op, "parameters", entries, ("requestBody", "responses"))
        entries.append(entry)

    def _add_parameter(self, op: Node, docs_op: Operation, name: str | None) -> bool:
        param = next((p for p in docs_op.parameters if p.location != "body" and p.name == name), None)
        if param is None or param.unread:
            return False  # a parameter the page does not fully state is not added
        self._append_parameter(op, param)
        return True

    def _remove_parameter(self, path: str, op: Node, name: str | None) -> bool:
        found = self._parameter_entry(path, op, name or "")
        if found is None:
            return False
        entries, entry = found
        if entries is not op.get("parameters"):
            return False  # a path-level parameter other operations share: edit it by hand
        entries.remove(entry)
        if not entries:
            del op["parameters"]
        return True

    def _queue_parameter_edit(self, path: str, op: Node, docs_op: Operation, finding: Finding) -> bool:
        if finding.parameter == "body":
            return self._edit_body(op, docs_op, finding.kind)
        docs_param = next(
            (
                p
                for p in docs_op.parameters
                if p.location != "body" and match_key(p.name) == match_key(finding.parameter or "")
            ),
            None,
        )
        found = self._parameter_entry(path, op, finding.parameter or "")
        if docs_param is None or found is None:
            return False
        self.pending.append(_ParameterEdit(finding, found[1], docs_param))
        return True

    def _edit_body(self, op: Node, docs_op: Operation, kind: FindingKind) -> bool:
        body, request = docs_op.body, op.get("requestBody")
        if body is None or not isinstance(request, dict):
            return False
        request = self._resolve(request)
        if kind is FindingKind.PARAMETER_OPTIONALITY_CHANGED:
            request["required"] = body.required
            return True
        if kind is FindingKind.PARAMETER_DESCRIPTION_CHANGED:
            return self._set_text(request, "description", body.description, ())
        return False

    def _apply_parameter_edits(self) -> None:
        """Apply the queued parameter edits, copying shared components their users disagree on."""
        edits, self.pending = self.pending, []

        def signature(holder: Node) -> set[tuple[FindingKind, str]]:
            return {(e.finding.kind, str(e.finding.docs)) for e in edits if e.holder is holder}

        for edit in edits:
            mine = signature(edit.holder)

            def agreed(users: list[Node], mine: set[tuple[FindingKind, str]] = mine) -> bool:
                return all(signature(user) == mine for user in users)

            # A shared parameter is edited in place only if all its users get the same edits.
            self._edit_parameter(self._own(edit.holder, agreed), edit)

    def _own(self, node: Node, agreed: Callable[[list[Node]], bool] | None = None) -> Node:
        """The mapping to edit behind ``node``: the ``$ref`` target if ``agreed`` by all its
        users (by default: ``node`` is its only user), else ``node`` made a private copy of it."""
        while isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            users = self._references(ref)
            target = self._pointer(ref)
            ok = agreed(users) if agreed is not None else (len(users) == 1 and users[0] is node)
            if ok and isinstance(target, dict):
                node, agreed = target, None
                continue
            node.clear()
            node.update(copy.deepcopy(target))
        return node

    def _edit_parameter(self, param: Node, edit: _ParameterEdit) -> None:
        docs, kind = edit.docs, edit.finding.kind
        if kind is FindingKind.PARAMETER_LOCATION_CHANGED:
            param["in"] = docs.location
            return
        if kind is FindingKind.PARAMETER_OPTIONALITY_CHANGED:
            if docs.required or "required" in param:
                param["required"] = docs.required
            return
        if kind is FindingKind.PARAMETER_DESCRIPTION_CHANGED:
            self._set_text(param, "description", docs.description, ("in", "required"))
            schema = param.get("schema")
            if isinstance(schema, dict) and "$ref" not in schema and "description" in schema:
                self._set_text(schema, "description", docs.description, ())
            return
        holder = param.get("schema")
        if not isinstance(holder, dict):
            holder = CommentedMap()
            param["schema"] = holder
        schema = self._own(holder)
        if kind is FindingKind.PARAMETER_TYPE_CHANGED:
            fresh = self._schema(docs.type, f"parameter {docs.name}")
            for key in ("$ref", "type", "format", "items", "additionalProperties"):
                schema.pop(key, None)
            for position, (key, value) in enumerate(fresh.items()):
                schema.insert(position, key, value)
        elif kind is FindingKind.PARAMETER_DEFAULT_CHANGED:
            if docs.default is None:
                schema.pop("default", None)
            else:
                schema["default"] = _typed(docs.default, schema)
        elif kind is FindingKind.PARAMETER_ALLOWED_VALUES_CHANGED:
            target = schema
            if schema.get("type") == "array":
                items = schema.get("items")
                if not isinstance(items, dict):
                    items = CommentedMap()
                    schema["items"] = items
                target = self._own(items)
            if docs.allowed_values:
                old = target.get("enum")
                values = list(docs.allowed_values)
                target["enum"] = _flow(values) if old is None or getattr(old.fa, "_flow_style", False) else values
            else:
                target.pop("enum", None)
