"""The package root: its version, from the API config through templates/package/__init__.py.jinja."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import genesys_cloud_audit

REPO = Path(__file__).resolve().parents[2]


def test_the_package_says_the_version_it_was_generated_and_installed_with() -> None:
    pyproject = tomllib.loads((REPO / "generated" / "pyproject.toml").read_text())
    version = pyproject["project"]["version"]
    assert genesys_cloud_audit.__version__ == version
    assert importlib.metadata.version(pyproject["project"]["name"]) == version
    assert "__version__" not in genesys_cloud_audit.__all__  # an attribute, not an export
