"""Render findings as readable text lines or as JSON."""

from __future__ import annotations

import json
from collections import Counter

from .compare import Finding, FindingKind, FindingValue

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
}
_QUOTED = {
    FindingKind.SUMMARY_CHANGED,
    FindingKind.DESCRIPTION_CHANGED,
    FindingKind.PARAMETER_DESCRIPTION_CHANGED,
}


def _value(kind: FindingKind, value: FindingValue) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return json.dumps(value) if kind in _QUOTED else value


def finding_message(finding: Finding) -> str:
    """One line, e.g. ``getX: parameter size: default changed: spec 25, docs 50``."""
    kind = finding.kind
    head = finding.operation
    if finding.parameter is not None:
        head += f": parameter {finding.parameter}"
    head += f": {_LABELS[kind]}"
    if kind in (FindingKind.OPERATION_ADDED, FindingKind.PARAMETER_ADDED):
        return f"{head}: docs {_value(kind, finding.docs)}"
    if kind in (FindingKind.OPERATION_REMOVED, FindingKind.PARAMETER_REMOVED):
        return f"{head}: spec {_value(kind, finding.spec)}"
    line = f"{head}: spec {_value(kind, finding.spec)}, docs {_value(kind, finding.docs)}"
    if isinstance(finding.spec, tuple) and isinstance(finding.docs, tuple):
        added = [v for v in finding.docs if v not in finding.spec]
        removed = [v for v in finding.spec if v not in finding.docs]
        notes = [f"{label}: {', '.join(vs)}" for label, vs in (("added", added), ("removed", removed)) if vs]
        if notes:
            line += f" ({'; '.join(notes)})"
    return line


def render_text(findings: list[Finding], docs: str, spec: str, operations: int) -> str:
    """The findings one per line, then a summary line."""
    lines = [finding_message(f) for f in findings]
    if findings:
        touched = len({f.operation for f in findings})
        lines.append(f"{len(findings)} difference(s) in {touched} operation(s) between docs {docs} and spec {spec}")
    else:
        lines.append(f"no differences: docs {docs} and spec {spec} agree on {operations} operation(s)")
    return "\n".join(lines) + "\n"


def _json_value(value: FindingValue) -> str | list[str] | None:
    return list(value) if isinstance(value, tuple) else value


def render_json(findings: list[Finding], docs: str, spec: str, operations: int) -> str:
    """A JSON document: ``{"docs", "spec", "findings": [...], "summary": {...}}``."""
    document = {
        "docs": docs,
        "spec": spec,
        "findings": [
            {
                "kind": f.kind.value,
                "operation": f.operation,
                "parameter": f.parameter,
                "spec": _json_value(f.spec),
                "docs": _json_value(f.docs),
                "docs_line": f.docs_line,
                "message": finding_message(f),
            }
            for f in findings
        ],
        "summary": {
            "drift": bool(findings),
            "total": len(findings),
            "operations_compared": operations,
            "operations_with_findings": len({f.operation for f in findings}),
            "by_kind": dict(sorted(Counter(f.kind.value for f in findings).items())),
        },
    }
    return json.dumps(document, indent=2) + "\n"
