"""Parsing a reference page's text in the docs-diff tests: what it yields, or the error it is refused with."""

from __future__ import annotations

import pytest

from generator.docs_diff import PageError
from generator.docs_diff.model import ApiReference
from generator.docs_diff.page import parse_page_text

__all__ = ["error_of", "parse"]


def parse(text: str) -> ApiReference:
    return parse_page_text(text, "page.md")


def error_of(text: str) -> PageError:
    """The error `text` is refused with (the test fails when it parses)."""
    with pytest.raises(PageError) as info:
        parse(text)
    return info.value
