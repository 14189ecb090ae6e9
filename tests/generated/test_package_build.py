"""The generated package as users get it: `python -m build` makes a wheel and an sdist that pass
`twine check`, hold only files of generated/ (plus the metadata the build writes), carry the MIT
LICENSE and the README, and the wheel installs in a clean venv where it imports and
`genesys-audit --version` prints the released version. Needs PyPI for the build's setuptools and the
package's requirements, as the setup does."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from generator import settings
from generator.output.tree_diff import by_product_rules
from generator.output.tree_walk import walk_tree

pytestmark = pytest.mark.slow  # a wheel and an sdist built, installed in a clean venv

GENERATED = settings.GENERATED_DIR


def _run(*argv: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, set[str]]:
    """The wheel and the sdist, built from a copy of generated/ (the build writes beside its sources)."""
    root = tmp_path_factory.mktemp("package")
    files = {name for name, entry in walk_tree(GENERATED, by_product_rules(GENERATED)).entries.items()}
    source = root / "source"
    for name in files:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(GENERATED / name, source / name)
    _run(sys.executable, "-m", "build", "--outdir", root / "dist", source)
    wheel = next((root / "dist").glob("*.whl"))
    sdist = next((root / "dist").glob("*.tar.gz"))
    return wheel, sdist, files


def test_twine_check_passes(built: tuple[Path, Path, set[str]]) -> None:
    wheel, sdist, _ = built
    out = _run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist)
    assert out.count("PASSED") == 2


def test_the_wheel_and_sdist_hold_only_files_of_generated(built: tuple[Path, Path, set[str]]) -> None:
    wheel, sdist, files = built
    version = tomllib.loads((GENERATED / "pyproject.toml").read_text())["project"]["version"]
    names = zipfile.ZipFile(wheel).namelist()
    dist_info = f"genesys_cloud_audit-{version}.dist-info/"
    package = [n for n in names if not n.startswith(dist_info)]
    assert package and set(package) <= files, set(package) - files
    assert f"{dist_info}licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}METADATA").decode()
    assert "License-Expression: MIT" in metadata
    assert "genesys-audit query" in metadata and "query_audits" in metadata  # the README: helpers and the CLI
    prefix = f"genesys_cloud_audit-{version}/"
    with tarfile.open(sdist) as archive:
        inside = {m.name.removeprefix(prefix) for m in archive.getmembers() if m.isfile()}
    metadata_files = {n for n in inside if n in ("PKG-INFO", "setup.cfg") or ".egg-info/" in n}
    assert inside - metadata_files <= files, inside - metadata_files - files
    assert {"LICENSE", "README.md", "pyproject.toml"} <= inside


def test_the_wheel_installs_and_runs_in_a_clean_venv(built: tuple[Path, Path, set[str]], tmp_path: Path) -> None:
    wheel, _, _ = built
    _run(sys.executable, "-m", "venv", tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel)
    version = tomllib.loads((GENERATED / "pyproject.toml").read_text())["project"]["version"]
    out = _run(python, "-I", "-c", "import genesys_cloud_audit as p; print(p.__version__, p.Client.__name__)")
    assert out.split() == [version, "Client"]
    assert _run(tmp_path / "venv" / "bin" / "genesys-audit", "--version").strip().endswith(version)
    released = (settings.REPO_ROOT / "spec" / "audit-api.released.json").read_text()
    assert f'"version": "{version}"' in released  # the version release computed
