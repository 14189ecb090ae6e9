"""Fixtures of the generator tests: the shared reference docs beside the repository, a copy of runtime/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def shared_docs() -> Path:
    """``../shared/docs`` (or $AUDIT_SHARED_DOCS); the test is skipped when it is absent."""
    configured = os.environ.get("AUDIT_SHARED_DOCS")
    docs = Path(configured) if configured else REPO.parent / "shared" / "docs"
    if not (docs / "renderings").is_dir():
        pytest.skip(f"the shared reference docs are not at {docs} (set AUDIT_SHARED_DOCS to their folder)")
    return docs


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    """A copy of runtime/ (without caches) that a test may edit."""
    copy = tmp_path / "runtime"
    shutil.copytree(settings.RUNTIME_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy
