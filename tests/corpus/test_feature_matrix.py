"""The feature matrix (features.py, FEATURES.md) is true: every spec it names holds the feature."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus._corpus import spec_files
from tests.corpus.features import FEATURES, MARKDOWN, render
from tests.support.spec_server import Document

SPECS = {path.stem: path for path in spec_files()}


def _data(stem: str) -> dict[str, object]:
    return Document.load(SPECS[stem]).data


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.id)
def test_each_spec_named_for_a_feature_holds_it(feature: object) -> None:
    assert feature.specs, f"{feature.id} names no spec"  # type: ignore[attr-defined]
    missing = [stem for stem in feature.specs if stem not in SPECS]  # type: ignore[attr-defined]
    assert not missing, f"{feature.id}: no such corpus spec: {missing}"  # type: ignore[attr-defined]
    lacking = [stem for stem in feature.specs if not feature.detect(_data(stem))]  # type: ignore[attr-defined]
    assert not lacking, f"{feature.id}: these specs do not hold it: {lacking}"  # type: ignore[attr-defined]


def test_every_predicate_tells_specs_apart() -> None:
    """A predicate that holds in every spec would check nothing."""
    data = {stem: _data(stem) for stem in SPECS}
    everywhere = [f.id for f in FEATURES if all(f.detect(d) for d in data.values())]
    assert not everywhere


def test_the_matrix_is_complete_and_current() -> None:
    ids = [f.id for f in FEATURES]
    assert len(ids) == len(set(ids))
    covered = {stem for f in FEATURES for stem in f.specs}
    assert set(SPECS) <= covered, f"specs no feature names: {sorted(set(SPECS) - covered)}"
    assert len(SPECS) >= 30
    assert MARKDOWN.read_text(encoding="utf-8") == render(), "run: python -m tests.corpus.features"


def test_the_large_spec_is_what_its_script_writes() -> None:
    from tests.corpus.make_large_spec import OUTPUT
    from tests.corpus.make_large_spec import render as render_large

    assert OUTPUT.read_text(encoding="utf-8") == render_large(), "run: python -m tests.corpus.make_large_spec"
    assert Path(OUTPUT).stem in SPECS
