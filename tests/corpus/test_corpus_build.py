"""Every corpus spec generates with no config and no edits, imports cleanly, and is mypy --strict clean.

One generation per spec serves the session (tests/corpus/_corpus.py); mypy runs once over all
generated packages. Each test names its spec, so the list of failures is a list of specs.
"""

from __future__ import annotations

import pytest

from tests.corpus._corpus import Corpus, spec_files

pytestmark = pytest.mark.slow  # every corpus spec generated (once a session) and mypy

SPEC_NAMES = [spec.name for spec in spec_files()]


@pytest.mark.parametrize("spec", SPEC_NAMES)
def test_generates_with_no_config(corpus: Corpus, spec: str) -> None:
    built = corpus.get(spec).generated
    assert built.returncode == 0, built.failure()
    assert built.package is not None, (
        f"no single package under {built.output}: {sorted(p.name for p in built.output.iterdir())}"
    )
    assert (built.output / built.package / "api").is_dir() or not corpus.get(spec).document.operations


@pytest.mark.parametrize("spec", SPEC_NAMES)
def test_every_module_imports(corpus: Corpus, spec: str) -> None:
    built = corpus.get(spec).generated
    if built.package is None:
        pytest.fail(f"not generated: {built.failure().splitlines()[1:2]}")
    failures = corpus.imports(spec)
    assert not failures, f"{len(failures)} module(s) of {built.package} fail to import:\n" + "\n".join(failures)


@pytest.mark.parametrize("spec", SPEC_NAMES)
def test_mypy_strict_is_clean(corpus: Corpus, spec: str) -> None:
    built = corpus.get(spec).generated
    if built.package is None:
        pytest.fail(f"not generated: {built.failure().splitlines()[1:2]}")
    errors, _ = corpus.mypy()
    found = errors.get(built.package, [])
    assert not found, f"mypy --strict: {len(found)} error(s) in {built.package}:\n" + "\n".join(found[:40])
