"""Broken pages: whatever is cut, doubled or garbled, docs-diff reads the page or refuses it with a line."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator.docs_diff import PageError
from generator.docs_diff.page import parse_page_text

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "docs"
PAGES = sorted(FIXTURES.rglob("*.md"))  # the SDK-style pages under sdks/ too
JUNK = ["# x\n", "> > y\n", "!!! note\n", ":::\n", "```\n", "<div>\n", "- a\n", "|a|b|\n", "\x00\n", "## Foo (bar)\n"]


def mutate(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 4)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        match rng.randrange(6):
            case 0:
                del lines[i]
            case 1:
                lines.insert(i, lines[rng.randrange(len(lines))])
            case 2:
                lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
            case 3:
                lines[i] = lines[i].replace("|", "", 1)
            case 4:
                lines[i] = rng.choice(JUNK)
            case _:
                lines[i] = lines[i].upper()
    return "".join(lines)


@pytest.mark.parametrize("seed", range(8))
def test_mutated_pages_are_read_or_refused_with_a_line(seed: int) -> None:
    rng = random.Random(seed)
    refused = 0
    for _ in range(60):
        text = mutate(rng, rng.choice(PAGES).read_text())
        try:
            read = parse_page_text(text, "page.md")
        except PageError as err:
            refused += 1
            assert err.line is not None and 1 <= err.line <= max(1, len(text.splitlines())), err
            assert str(err).startswith(f"page.md:{err.line}: ")
            continue
        for problem in read.problems:  # what it could not read, it names at a line of the page
            assert problem.line is not None and 1 <= problem.line <= len(text.splitlines()), problem
    assert refused > 0  # the mutations do break pages


@pytest.mark.parametrize("text", ["", "\n\n", "---\n---\n", "| Method |\n|---|\n", "\ufeff# AuditApi\n"])
def test_degenerate_pages(text: str) -> None:
    with pytest.raises(PageError) as info:
        parse_page_text(text, "page.md")
    assert info.value.line == 1 or "lists no operations" in info.value.message
