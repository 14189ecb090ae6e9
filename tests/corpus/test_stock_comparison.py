"""Where stock openapi-python-client 0.29.1 is wrong, this project is right: a required body offered
as JSON and as a form of one model.

On the Swagger Petstore 3 spec (a real spec, not committed: read from ../corpus/ beside the checkout
when present) stock's client has 2 modules that fail to import (`NameError: name 'Unset' is not
defined`: the body is annotated `Pet | Pet | Unset` without importing Unset) and 10 mypy --strict
errors. tests/corpus/specs/required-body-two-ways.yaml holds that construct alone. This project's
client of either must import and type-check; stock's failure is shown beside it, as a documented
comparison (skipped with a reason when stock cannot run here).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.corpus._corpus import Corpus
from tests.corpus._generation import STOCK, Generated, generate_one, import_failures, mypy_errors
from tests.support.generator_runs import REPO

pytestmark = pytest.mark.slow  # the generated corpus

CONSTRUCT = "required-body-two-ways.yaml"
REAL_SPEC = REPO.parent / "corpus" / "swagger-petstore3.yaml"
STOCK_TOOL = Path(sys.executable).with_name("openapi-python-client")


def _stock(spec: Path, out: Path) -> Generated:
    if not STOCK_TOOL.exists():
        pytest.skip(f"stock openapi-python-client is not installed here ({STOCK_TOOL})")
    generated = generate_one(spec, out, STOCK)
    if generated.package is None:
        pytest.skip(f"stock openapi-python-client could not generate {spec.name}: {generated.stderr[-300:]}")
    return generated


def test_this_projects_client_of_the_construct_imports_and_type_checks(corpus: Corpus) -> None:
    built = corpus.get(CONSTRUCT).generated
    assert built.package is not None, built.failure()
    assert corpus.imports(CONSTRUCT) == []
    errors, _ = corpus.mypy()
    assert errors[built.package] == []


def test_stocks_client_of_the_construct_fails_to_import(tmp_path: Path) -> None:
    stock = _stock(Path(__file__).parent / "specs" / CONSTRUCT, tmp_path / "stock")
    failures = import_failures(stock)
    assert failures and all("NameError: name 'Unset' is not defined" in line for line in failures), failures
    errors, _ = mypy_errors([stock], tmp_path)
    assert errors[stock.package or ""] and all('Name "Unset" is not defined' in e for e in errors[stock.package or ""])


@pytest.mark.skipif(not REAL_SPEC.exists(), reason=f"the real spec is not here ({REAL_SPEC}); it is not committed")
def test_on_the_real_spec_stock_has_2_import_failures_and_10_mypy_errors_and_ours_none(tmp_path: Path) -> None:
    ours = generate_one(REAL_SPEC, tmp_path / "ours", "ours")
    assert ours.package is not None, ours.failure()
    assert import_failures(ours) == []
    stock = _stock(REAL_SPEC, tmp_path / "stock")
    stock_failures = import_failures(stock)
    assert len(stock_failures) == 2 and all("NameError: name 'Unset' is not defined" in f for f in stock_failures), (
        stock_failures
    )
    errors, _ = mypy_errors([ours, stock], tmp_path)
    assert errors[ours.package] == []
    assert len(errors[stock.package or ""]) == 10, errors[stock.package or ""]
