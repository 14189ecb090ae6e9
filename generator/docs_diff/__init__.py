"""docs-diff: report how an API reference page differs from the OpenAPI spec, and fix the spec.

What a vendor's pages look like and how each SDK renders them is data (`source`, under
``docs_sources/``); this package reads Markdown, compares and edits specs, and names no vendor.
"""

from .cli import main
from .compare import Category, Finding, FindingKind, compare
from .fix import FixResult, fix_spec
from .model import ApiReference, Operation, Parameter, Permissions, TypeRef, Unreadable
from .page import PageError, parse_page, parse_page_text
from .source import DocsSource, Rendering, SourceError, default_sources, load_source
from .spec_view import SpecError, read_spec

__all__ = [
    "ApiReference",
    "Category",
    "DocsSource",
    "Finding",
    "FindingKind",
    "FixResult",
    "Operation",
    "PageError",
    "Parameter",
    "Permissions",
    "Rendering",
    "SourceError",
    "SpecError",
    "TypeRef",
    "Unreadable",
    "compare",
    "default_sources",
    "fix_spec",
    "load_source",
    "main",
    "parse_page",
    "parse_page_text",
    "read_spec",
]
