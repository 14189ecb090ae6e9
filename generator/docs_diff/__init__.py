"""docs-diff: report how an API reference page differs from the OpenAPI spec, and fix the spec."""

from .cli import main
from .compare import Finding, FindingKind, compare
from .fix import FixResult, fix_spec
from .model import ApiReference, Operation, Parameter, Permissions, TypeRef
from .page import PageError, parse_page
from .spec_view import SpecError, read_spec

__all__ = [
    "ApiReference",
    "Finding",
    "FindingKind",
    "FixResult",
    "Operation",
    "PageError",
    "Parameter",
    "Permissions",
    "SpecError",
    "TypeRef",
    "compare",
    "fix_spec",
    "main",
    "parse_page",
    "read_spec",
]
