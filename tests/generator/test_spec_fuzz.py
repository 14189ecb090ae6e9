"""Property-based fuzz of the spec loader: whatever the file holds, a document or a GenerationError, nothing else.

Runs are derandomised (the same examples every time, so CI is reproducible) and bounded to a few
seconds. Each example goes through the whole spec check (strict loading, references, the OpenAPI
schema, the generator's rules and the vendor extensions), as `generate` would.
"""

from __future__ import annotations

import string
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import settings as generator_settings
from generator.errors import GenerationError
from generator.inputs.spec_check import check_spec as load_spec_under_test

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow],
)

SPEC_TEXT = generator_settings.SPEC_FILE.read_text(encoding="utf-8")
YAML_PUNCTUATION = [*":-[]{},&*!|>'\"#%@`?<=~\\/", "\n", "\n  ", " ", "\t", "\r", "\ufeff", "\x00", "\x85"]
TOKENS = [
    "openapi: 3.1.0",
    "paths:",
    "$ref:",
    "'#/'",
    "<<:",
    "!!binary",
    "!!python/object",
    "&a",
    "*a",
    "? ",
    "---",
    "...",
]

yaml_ish_text = st.lists(
    st.one_of(
        st.sampled_from(YAML_PUNCTUATION + TOKENS),
        st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8),
        st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=3),
    ),
    max_size=60,
).map("".join)


@st.composite
def mutated_spec(draw: st.DrawFn) -> str:
    """The real spec with a span deleted, replaced by YAML-ish text, or a line duplicated."""
    start = draw(st.integers(0, len(SPEC_TEXT)))
    end = draw(st.integers(start, min(len(SPEC_TEXT), start + 200)))
    how = draw(st.sampled_from(["delete", "replace", "duplicate-line"]))
    if how == "delete":
        return SPEC_TEXT[:start] + SPEC_TEXT[end:]
    if how == "replace":
        return SPEC_TEXT[:start] + draw(yaml_ish_text) + SPEC_TEXT[end:]
    line_start = SPEC_TEXT.rfind("\n", 0, start) + 1
    line_end = SPEC_TEXT.find("\n", start) + 1 or len(SPEC_TEXT)
    return SPEC_TEXT[:line_end] + SPEC_TEXT[line_start:line_end] + SPEC_TEXT[line_end:]


@pytest.fixture(scope="module")
def spec_path() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="spec-fuzz-") as folder:
        yield Path(folder) / "audit-api.yaml"


def load(path: Path, data: bytes) -> Any:
    """The loaded document, or None after a GenerationError; any other exception fails the test."""
    path.write_bytes(data)
    try:
        return load_spec_under_test(path)
    except GenerationError as error:
        assert str(error).startswith(str(path.name)) or str(path) in str(error), str(error)
        return None


@FUZZ
@given(text=yaml_ish_text)
def test_yaml_ish_text(spec_path: Path, text: str) -> None:
    load(spec_path, text.encode("utf-8"))


@FUZZ
@given(text=mutated_spec())
@pytest.mark.slow
def test_mutations_of_the_real_spec(spec_path: Path, text: str) -> None:
    load(spec_path, text.encode("utf-8"))


@FUZZ
@given(data=st.one_of(st.binary(max_size=200), mutated_spec().map(lambda text: text.encode("utf-8") + b"\xff")))
def test_arbitrary_bytes(spec_path: Path, data: bytes) -> None:
    load(spec_path, data)


@settings(FUZZ, max_examples=30)
@given(
    document=st.one_of(
        st.integers(200, 3000).map(lambda depth: "a: " + "[" * depth + "]" * depth),
        st.integers(200, 3000).map(lambda depth: "a: " + "{b: " * depth + "1" + "}" * depth),
        st.sampled_from(["a: &x [*x]", "a: &x {b: *x}", "openapi: 3.1.0\npaths: &p {/x: *p}"]),
    )
)
def test_deep_and_self_referencing_documents(spec_path: Path, document: str) -> None:
    load(spec_path, document.encode("utf-8"))
