"""The one place the toolkit reads an OpenAPI spec: strict YAML 1.2 loading, JSON pointers, operations.

The generator, docs-diff, the emulator and the tests all read specs through it, so they agree on
what a document says (booleans, duplicate keys, limits) and name problems the same way.
"""

from generator.spec._document import HTTP_METHODS, OperationRef, SpecDocument, load_spec
from generator.spec._loader import Limits, LoadedYaml, load_yaml, parse_yaml
from generator.spec._pointer import Part, format_pointer, parse_ref, resolve

__all__ = [
    "HTTP_METHODS",
    "Limits",
    "LoadedYaml",
    "OperationRef",
    "Part",
    "SpecDocument",
    "format_pointer",
    "load_spec",
    "load_yaml",
    "parse_ref",
    "parse_yaml",
    "resolve",
]
