"""Render findings as readable text lines or as JSON, drift, unreadable places and silences apart."""

from __future__ import annotations

import json
from collections import Counter

from generator.errors import printable

from .compare import Category, Finding, FindingKind, FindingValue

__all__ = ["finding_message", "render_json", "render_text"]

# What changed, as the text line names it.
_LABELS: dict[FindingKind, str] = {
    FindingKind.OPERATION_ADDED: "operation added",
    FindingKind.OPERATION_REMOVED: "operation removed",
    FindingKind.METHOD_CHANGED: "method changed",
    FindingKind.PATH_CHANGED: "path changed",
    FindingKind.SUMMARY_CHANGED: "summary changed",
    FindingKind.DESCRIPTION_CHANGED: "description changed",
    FindingKind.PERMISSION_TYPE_CHANGED: "permission type changed",
    FindingKind.PERMISSIONS_CHANGED: "permissions changed",
    FindingKind.RETURN_TYPE_CHANGED: "return type changed",
    FindingKind.REQUEST_BODY_CHANGED: "request body type changed",
    FindingKind.PARAMETER_ADDED: "added",
    FindingKind.PARAMETER_REMOVED: "removed",
    FindingKind.PARAMETER_LOCATION_CHANGED: "location changed",
    FindingKind.PARAMETER_TYPE_CHANGED: "type changed",
    FindingKind.PARAMETER_OPTIONALITY_CHANGED: "optionality changed",
    FindingKind.PARAMETER_DEFAULT_CHANGED: "default changed",
    FindingKind.PARAMETER_ALLOWED_VALUES_CHANGED: "allowed values changed",
    FindingKind.PARAMETER_DESCRIPTION_CHANGED: "description changed",
    FindingKind.NOT_STATED: "not stated",
    FindingKind.NOT_READ: "not read",
}
_QUOTED = {
    FindingKind.SUMMARY_CHANGED,
    FindingKind.DESCRIPTION_CHANGED,
    FindingKind.PARAMETER_DESCRIPTION_CHANGED,
}
# What a silence is about, in words.
_FACETS = {
    "http": "HTTP request",
    "permissions": "permissions",
    "return_type": "return type",
    "parameters": "parameters",
    "required": "optionality",
    "default": "default",
    "allowed_values": "allowed values",
}


def _value(kind: FindingKind, value: FindingValue) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return json.dumps(value) if kind in _QUOTED else value


def _head(finding: Finding) -> str:
    parts = [finding.operation] if finding.operation else []
    if finding.parameter is not None:
        parts.append(f"parameter {finding.parameter}")
    return ": ".join(parts)


def finding_message(finding: Finding) -> str:
    """One line, e.g. ``getX: parameter size: default changed: spec 25, docs 50``."""
    kind = finding.kind
    if kind is FindingKind.NOT_READ:
        return printable(": ".join(filter(None, (_head(finding), "not read", str(finding.docs)))))
    if kind is FindingKind.NOT_STATED:
        facet = _FACETS.get(finding.facet or "", finding.facet or "")
        return printable(f"{_head(finding)}: {facet} not stated: spec {finding.spec} ({finding.docs})")
    head = f"{_head(finding)}: {_LABELS[kind]}"
    if kind in (FindingKind.OPERATION_ADDED, FindingKind.PARAMETER_ADDED):
        return printable(f"{head}: docs {_value(kind, finding.docs)}")
    if kind in (FindingKind.OPERATION_REMOVED, FindingKind.PARAMETER_REMOVED):
        return printable(f"{head}: spec {_value(kind, finding.spec)}")
    line = f"{head}: spec {_value(kind, finding.spec)}, docs {_value(kind, finding.docs)}"
    if isinstance(finding.spec, tuple) and isinstance(finding.docs, tuple):
        added = [v for v in finding.docs if v not in finding.spec]
        removed = [v for v in finding.spec if v not in finding.docs]
        notes = [f"{label}: {', '.join(vs)}" for label, vs in (("added", added), ("removed", removed)) if vs]
        if notes:
            line += f" ({'; '.join(notes)})"
    return printable(line)


def _of(findings: list[Finding], category: Category) -> list[Finding]:
    return [f for f in findings if f.category is category]


def render_text(findings: list[Finding], docs: str, spec: str, operations: int, rendering: str | None = None) -> str:
    """Drift one per line, then what could not be read (at its line), then silences, then a summary."""
    drift = _of(findings, Category.DRIFT)
    unread = _of(findings, Category.UNREADABLE)
    silent = _of(findings, Category.SILENCE)
    lines = [finding_message(f) for f in drift]
    lines += [f"{printable(docs)}:{f.docs_line}: {finding_message(f)}" for f in unread]
    lines += [finding_message(f) for f in silent]
    if drift:
        touched = len({f.operation for f in drift})
        lines.append(f"{len(drift)} difference(s) in {touched} operation(s) between docs {docs} and spec {spec}")
    else:
        scope = " in what could be read" if unread else ""
        lines.append(f"no differences{scope}: docs {docs} and spec {spec} agree on {operations} operation(s)")
    if unread:
        lines.append(
            f"{len(unread)} place(s) of the page could not be read (above, with their lines); the rest was compared"
        )
    if silent:
        lines.append(f"{len(silent)} thing(s) the spec says the page does not state: not drift, never fixed")
    if rendering:
        lines.append(f"the page was read as the {rendering}")
    return "\n".join(printable(line) for line in lines) + "\n"


def _json_value(value: FindingValue) -> str | list[str] | None:
    return list(value) if isinstance(value, tuple) else value


def render_json(findings: list[Finding], docs: str, spec: str, operations: int, rendering: str | None = None) -> str:
    """A JSON document: ``{"docs", "spec", "rendering", "findings": [...], "summary": {...}}``."""
    drift = _of(findings, Category.DRIFT)
    document = {
        "docs": docs,
        "spec": spec,
        "rendering": rendering,
        "findings": [
            {
                "category": f.category.value,
                "kind": f.kind.value,
                "operation": f.operation or None,
                "parameter": f.parameter,
                "facet": f.facet,
                "spec": _json_value(f.spec),
                "docs": _json_value(f.docs),
                "docs_line": f.docs_line,
                "message": finding_message(f),
            }
            for f in findings
        ],
        "summary": {
            "drift": bool(drift),
            "total": len(drift),
            "operations_compared": operations,
            "operations_with_findings": len({f.operation for f in drift}),
            "by_kind": dict(sorted(Counter(f.kind.value for f in drift).items())),
            "by_category": {c.value: len(_of(findings, c)) for c in Category},
        },
    }
    return json.dumps(document, indent=2) + "\n"
