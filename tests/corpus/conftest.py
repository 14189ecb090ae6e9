"""The corpus session: one generation of every spec, shared by all corpus tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from tests.corpus._corpus import Corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    root = tmp_path_factory.mktemp("corpus")
    # CORPUS_GENERATOR=stock runs the same corpus through plain openapi-python-client, for comparison
    built = Corpus(root, os.environ.get("CORPUS_GENERATOR", "ours"))
    try:
        yield built
    finally:
        built.close()


@pytest.fixture(scope="session")
def importable(corpus: Corpus) -> Iterator[None]:
    """Every generated package importable in this process (each output folder on sys.path)."""
    entries = [str(client.generated.output) for client in corpus.built().values() if client.generated.package]
    sys.path[:0] = entries
    try:
        yield
    finally:
        for entry in entries:
            sys.path.remove(entry)
