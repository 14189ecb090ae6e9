"""The 3.0 and 3.1 twins of one API generate the same Python API.

kennel-3.0.yaml says in 3.0 words (nullable, exclusiveMinimum: true beside minimum, example,
a nullable $ref through allOf) exactly what kennel-3.1.yaml says in 3.1 words (type lists with
null, a numeric exclusiveMinimum, examples, oneOf with null). Their clients must match: the same
operation modules with the same signatures, and the same models with the same fields.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from tests.corpus._corpus import Corpus

pytestmark = pytest.mark.slow  # the generated corpus

TWINS = [("kennel-3.0.yaml", "kennel-3.1.yaml")]


def _surface(package: str) -> dict[str, str]:
    """Each public function's and model's signature, by module path inside the package."""
    found = {}
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        if "._" in info.name:
            continue  # the runtime layers are the same code in both
        module = importlib.import_module(info.name)
        key = info.name.removeprefix(package)
        for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
            if hasattr(module, name):
                found[f"{key}.{name}"] = str(inspect.signature(getattr(module, name)))
        if ".models." in info.name:
            for name, value in vars(module).items():
                if inspect.isclass(value) and value.__module__ == info.name:
                    found[f"{key}.{name}"] = str(inspect.signature(value))
    return {key: text.replace(package, "PACKAGE") for key, text in found.items()}


@pytest.mark.parametrize(("thirty", "thirty_one"), TWINS)
def test_twins_generate_the_same_client(corpus: Corpus, importable: None, thirty: str, thirty_one: str) -> None:
    packages = [corpus.get(name).generated.package for name in (thirty, thirty_one)]
    assert None not in packages, [corpus.get(name).generated.failure() for name in (thirty, thirty_one)]
    old, new = (_surface(package or "") for package in packages)
    assert sorted(old) == sorted(new)
    differing = {key: (old[key], new[key]) for key in old if old[key] != new[key]}
    assert not differing, "\n".join(f"{key}:\n  3.0: {a}\n  3.1: {b}" for key, (a, b) in differing.items())
