"""Compare the spec's ApiReference with the docs page's: drift, silence and unreadable places.

Three kinds of finding are kept apart (`Category`):

- **drift**: the page states something differently from the spec; `--fix` writes these;
- **silence**: the page does not state something the spec says (its rendering shows no
  defaults, a section has no Return type); never drift, never an edit;
- **unreadable**: the page states something in a form the reader cannot read; it is named at
  its line, and the rest of the page is still compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .docs_types import agrees
from .model import ApiReference, Operation, Parameter, TypeRef
from .names import match_key

__all__ = ["Category", "Finding", "FindingKind", "FindingValue", "compare"]

FindingValue = str | tuple[str, ...] | None


class FindingKind(StrEnum):
    """What differs; findings of one operation are listed in this order."""

    OPERATION_ADDED = "operation_added"
    OPERATION_REMOVED = "operation_removed"
    METHOD_CHANGED = "method_changed"
    PATH_CHANGED = "path_changed"
    SUMMARY_CHANGED = "summary_changed"
    DESCRIPTION_CHANGED = "description_changed"
    PERMISSION_TYPE_CHANGED = "permission_type_changed"
    PERMISSIONS_CHANGED = "permissions_changed"
    RETURN_TYPE_CHANGED = "return_type_changed"
    REQUEST_BODY_CHANGED = "request_body_changed"
    PARAMETER_ADDED = "parameter_added"
    PARAMETER_REMOVED = "parameter_removed"
    PARAMETER_LOCATION_CHANGED = "parameter_location_changed"
    PARAMETER_TYPE_CHANGED = "parameter_type_changed"
    PARAMETER_OPTIONALITY_CHANGED = "parameter_optionality_changed"
    PARAMETER_DEFAULT_CHANGED = "parameter_default_changed"
    PARAMETER_ALLOWED_VALUES_CHANGED = "parameter_allowed_values_changed"
    PARAMETER_DESCRIPTION_CHANGED = "parameter_description_changed"
    NOT_STATED = "not_stated"  # silence
    NOT_READ = "not_read"  # unreadable


class Category(StrEnum):
    DRIFT = "drift"
    SILENCE = "silence"
    UNREADABLE = "unreadable"


_RANK = {kind: i for i, kind in enumerate(FindingKind)}


@dataclass(frozen=True)
class Finding:
    """One difference; ``spec`` and ``docs`` hold each side's value (None: absent)."""

    kind: FindingKind
    operation: str
    parameter: str | None = None
    spec: FindingValue = None
    docs: FindingValue = None  # for silence: why the page does not say; unreadable: what it could not read
    docs_line: int | None = None
    facet: str | None = None  # silence: what the page does not state (default, permissions, ...)

    @property
    def category(self) -> Category:
        if self.kind is FindingKind.NOT_STATED:
            return Category.SILENCE
        if self.kind is FindingKind.NOT_READ:
            return Category.UNREADABLE
        return Category.DRIFT


def _type(t: TypeRef | None) -> str | None:
    return None if t is None else str(t)


def _optionality(p: Parameter) -> str:
    return "required" if p.required else "optional"


def _describe(p: Parameter) -> str:
    """A one-line account of a parameter, for added/removed findings."""
    parts = [p.location, str(p.type), _optionality(p)]
    if p.default is not None:
        parts.append(f"default {p.default}")
    if p.allowed_values:
        parts.append("values " + ", ".join(p.allowed_values))
    return ", ".join(parts)


def _operation_line(op: Operation) -> str:
    return f"{op.method} {op.path}" if op.method else "(the page gives no HTTP request)"


def _stated(holder: Operation | Parameter, facet: str) -> bool:
    return facet not in holder.unread and holder.silent_on(facet) is None


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def compare(spec: ApiReference, docs: ApiReference) -> list[Finding]:
    """All findings (drift, silence, unreadable), sorted by operation, kind and parameter.

    Operations and parameters are matched by name in any case (PascalCase,
    camelCase, snake_case); a finding names them as the spec does. Types
    match when one side says less than the other (`docs_types.agrees`). A
    facet the page leaves unstated or unread is not compared.
    """
    findings: list[Finding] = [
        Finding(FindingKind.NOT_READ, p.operation or "", p.parameter, docs=p.message, docs_line=p.line)
        for p in docs.problems
    ]
    spec_ops, docs_ops = spec.by_key(), docs.by_key()
    for key, op in docs_ops.items():
        if key not in spec_ops:
            findings.append(
                Finding(
                    FindingKind.OPERATION_ADDED,
                    op.operation_id,
                    docs=_operation_line(op),
                    docs_line=op.line,
                )
            )
    for key, op in spec_ops.items():
        if key not in docs_ops:
            if not docs.complete:
                continue  # it may be the operation the page lists in a form that cannot be read
            findings.append(Finding(FindingKind.OPERATION_REMOVED, op.operation_id, spec=_operation_line(op)))
        else:
            findings.extend(_compare_operation(op, docs_ops[key]))
    return sorted(findings, key=lambda f: (f.operation, _RANK[f.kind], f.parameter or ""))


def _compare_operation(spec: Operation, docs: Operation) -> list[Finding]:
    op_id, line = spec.operation_id, docs.line
    out: list[Finding] = []

    def add(
        kind: FindingKind,
        s: FindingValue,
        d: FindingValue,
        param: str | None = None,
        at: int | None = line,
    ) -> None:
        out.append(Finding(kind, op_id, param, s, d, at))

    def silent(facet: str, spec_value: str | None) -> bool:
        """Whether the page leaves ``facet`` unsaid (a silence, when the spec says something) or unread."""
        reason = docs.silent_on(facet)
        if reason is not None and spec_value:
            out.append(Finding(FindingKind.NOT_STATED, op_id, None, spec_value, reason, line, facet))
        return reason is not None or facet in docs.unread

    if not silent("http", _operation_line(spec)):
        if spec.method != docs.method:
            add(FindingKind.METHOD_CHANGED, spec.method, docs.method)
        if spec.path != docs.path:
            add(FindingKind.PATH_CHANGED, spec.path, docs.path)
    if "summary" not in docs.unread and not _same_text(spec.summary, docs.summary):
        add(FindingKind.SUMMARY_CHANGED, spec.summary, docs.summary)
    if "description" not in docs.unread and spec.description.split("\n\n") != docs.description.split("\n\n"):
        add(FindingKind.DESCRIPTION_CHANGED, spec.description or None, docs.description or None)
    sp, dp = spec.permissions, docs.permissions
    if not silent("permissions", " ".join(filter(None, (sp.type, *sp.names)))):
        if sp.type != dp.type:
            add(FindingKind.PERMISSION_TYPE_CHANGED, sp.type, dp.type)
        if set(sp.names) != set(dp.names):
            add(FindingKind.PERMISSIONS_CHANGED, sp.names, dp.names)
    if not silent("return_type", _type(spec.return_type)) and not agrees(spec.return_type, docs.return_type):
        add(FindingKind.RETURN_TYPE_CHANGED, _type(spec.return_type), _type(docs.return_type))

    spec_names = ", ".join(p.name for p in spec.parameters)
    listed = not silent("parameters", spec_names)  # the page lists every parameter it has
    out.extend(_compare_parameters(spec, docs, listed=listed))
    return out


def _compare_parameters(spec: Operation, docs: Operation, *, listed: bool) -> list[Finding]:
    """The request body and the parameters; with ``listed`` false the page may not list them all."""
    op_id, out = spec.operation_id, []
    sb, db = spec.body, docs.body
    sb_type, db_type = (sb.type if sb else None), (db.type if db else None)
    if (listed or db) and not (db and "type" in db.unread) and not agrees(sb_type, db_type):
        at = db.line if db else docs.line
        out.append(Finding(FindingKind.REQUEST_BODY_CHANGED, op_id, None, _type(sb_type), _type(db_type), at))
    if sb and db:
        out.extend(_compare_parameter(op_id, sb, db, compare_type=False))
    spec_params = {match_key(p.name): p for p in spec.parameters if p.location != "body"}
    docs_params = {match_key(p.name): p for p in docs.parameters if p.location != "body"}
    for key, p in docs_params.items():
        if key not in spec_params:
            out.append(Finding(FindingKind.PARAMETER_ADDED, op_id, p.name, None, _describe(p), p.line))
    for key, p in spec_params.items():
        if key in docs_params:
            out.extend(_compare_parameter(op_id, p, docs_params[key], compare_type=True))
        elif listed:
            out.append(Finding(FindingKind.PARAMETER_REMOVED, op_id, p.name, _describe(p), None, docs.line))
    return out


def _compare_parameter(op_id: str, spec: Parameter, docs: Parameter, *, compare_type: bool) -> list[Finding]:
    out: list[Finding] = []

    def add(kind: FindingKind, s: FindingValue, d: FindingValue) -> None:
        out.append(Finding(kind, op_id, spec.name, s, d, docs.line))

    def stated(facet: str, spec_value: str | None) -> bool:
        """Whether the page states ``facet``; a silence is recorded when the spec says something."""
        reason = docs.silent_on(facet)
        if reason is not None and spec_value:
            out.append(Finding(FindingKind.NOT_STATED, op_id, spec.name, spec_value, reason, docs.line, facet))
        return reason is None and facet not in docs.unread

    if spec.location != docs.location:
        add(FindingKind.PARAMETER_LOCATION_CHANGED, spec.location, docs.location)
    if compare_type and "type" not in docs.unread and not agrees(spec.type, docs.type):
        add(FindingKind.PARAMETER_TYPE_CHANGED, str(spec.type), str(docs.type))
    if stated("required", _optionality(spec)) and spec.required != docs.required:
        add(
            FindingKind.PARAMETER_OPTIONALITY_CHANGED,
            _optionality(spec),
            _optionality(docs),
        )
    if stated("default", spec.default) and spec.default != docs.default:
        add(FindingKind.PARAMETER_DEFAULT_CHANGED, spec.default, docs.default)
    if stated("allowed_values", ", ".join(spec.allowed_values)) and set(spec.allowed_values) != set(
        docs.allowed_values
    ):
        add(
            FindingKind.PARAMETER_ALLOWED_VALUES_CHANGED,
            spec.allowed_values,
            docs.allowed_values,
        )
    if "description" not in docs.unread and not _same_text(spec.description, docs.description):
        add(
            FindingKind.PARAMETER_DESCRIPTION_CHANGED,
            spec.description,
            docs.description,
        )
    return out
