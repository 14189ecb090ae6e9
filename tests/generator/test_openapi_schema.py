"""generator.inputs.openapi_schema and verdicts: validation in the background, its verdict kept by content.

The verdict of a run with the cache is the verdict of a run without it: an invalid document is refused in the
same words on the second run, a changed one is validated again, and a cache that cannot be used is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import GenerationError
from generator.inputs import verdicts
from generator.inputs.openapi_schema import SchemaCheck
from generator.inputs.spec_check import check_spec
from generator.spec import load_spec

VALID = """openapi: 3.1.0
info: {title: Things, version: 1.0.0}
paths:
  /things:
    get:
      operationId: getThings
      responses:
        '200': {description: ok}
"""
INVALID = VALID.replace("'200': {description: ok}", "'200': just a string")


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("GENERATOR_NO_CACHE", raising=False)
    return folder


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "things.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(path: Path) -> str:
    check = SchemaCheck(path)
    try:
        with pytest.raises(GenerationError) as caught:
            check_spec(load_spec(path), schema_check=check)
    finally:
        check.stop()
    return str(caught.value)


def test_a_verdict_is_kept_and_gives_the_same_refusal(tmp_path: Path, cache: Path) -> None:
    path = _spec(tmp_path, INVALID)
    first = _refusal(path)
    assert "not valid OpenAPI 3.1" in first and "/responses/200" in first
    assert verdicts.recall(path) is not None and list((cache / "genesys-audit-generator" / "verdicts").iterdir())
    assert _refusal(path) == first  # from the kept verdict, no process started


def test_a_changed_document_is_validated_again(tmp_path: Path) -> None:
    path = _spec(tmp_path, VALID)
    check = SchemaCheck(path)
    check_spec(load_spec(path), schema_check=check)
    path.write_text(INVALID, encoding="utf-8")
    assert verdicts.recall(path) is None
    assert "not valid OpenAPI 3.1" in _refusal(path)


def test_the_verdict_follows_the_document_read_when_the_file_changes_under_the_check(tmp_path: Path) -> None:
    path = _spec(tmp_path, VALID)
    check = SchemaCheck(path)  # validates the valid text ...
    path.write_text(INVALID, encoding="utf-8")
    document = load_spec(path)  # ... but this run reads the invalid one
    try:
        with pytest.raises(GenerationError, match=r"not valid OpenAPI 3\.1"):
            check_spec(document, schema_check=check)
    finally:
        check.stop()


def test_an_unusable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # no folder can be made in it
    path = _spec(tmp_path, INVALID)
    assert "not valid OpenAPI 3.1" in _refusal(path)
    assert verdicts.recall(path) is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "usable"))
    monkeypatch.setenv("GENERATOR_NO_CACHE", "1")
    assert "not valid OpenAPI 3.1" in _refusal(path)
    assert not (tmp_path / "usable").exists()
