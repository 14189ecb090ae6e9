"""verify_tree on small trees: what it rejects, where it says the problem is, and how isolated its imports are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import settings
from generator.errors import GenerationError
from generator.verify.origins import origin_of
from generator.verify.tree import verify_tree
from tests.support.generator_runs import PACKAGE

PYPROJECT = '[project]\nname = "tiny"\nversion = "1"\n'


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    package = root / "tiny"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (package / "__init__.py").write_text("from .core import VALUE\n")
    (package / "core.py").write_text("import httpx\n\nVALUE = httpx.codes.OK\n")
    return root


def verify(tree: Path, timeout: float = 60) -> str:
    """The error verify_tree raises, as shown; "" when the tree passes."""
    try:
        verify_tree(
            tree,
            label=Path("generated"),
            templates=tree.parent / "templates",
            runtime=tree.parent / "runtime",
            timeout=timeout,
        )
    except GenerationError as error:
        return str(error)
    return ""


def test_a_sound_tree_passes_and_gets_no_bytecode(tree: Path) -> None:
    assert verify(tree) == ""
    assert not list(tree.rglob("__pycache__"))


def test_a_failing_import_names_the_deepest_place_in_the_tree(tree: Path) -> None:
    (tree / "tiny" / "core.py").write_text("def f():\n    return {}['missing']\n\nVALUE = f()\n")
    message = verify(tree)
    assert message.startswith("generated/tiny/core.py:2: importing tiny fails: KeyError: 'missing'"), message
    assert "1 more modules fail to import" in message  # tiny.core itself, imported next


def test_an_undefined_name_is_found_before_the_line_runs(tree: Path) -> None:
    # Importing the module does not call f, so only the check of names finds it.
    (tree / "tiny" / "core.py").write_text("def f():\n    return missing\n\nVALUE = 1\n")
    message = verify(tree)
    assert message.startswith(
        "generated/tiny/core.py:2: Undefined name `missing` (F821): the code would fail with NameError when this "
        "line runs"
    ), message


def test_the_tree_shadows_an_installed_package_of_the_same_name(tmp_path: Path) -> None:
    # genesys_cloud_audit is installed (editable, from generated/); the probe must import the built one.
    root = tmp_path / "tree"
    (root / PACKAGE).mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / PACKAGE / "__init__.py").write_text("raise ImportError('the built tree')\n")
    assert "ImportError: the built tree" in verify(root)


def test_imports_ignore_pythonpath(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "only_on_pythonpath.py").write_text("X = 1\n")
    monkeypatch.setenv("PYTHONPATH", str(elsewhere))
    (tree / "tiny" / "core.py").write_text("from only_on_pythonpath import X as VALUE\n")
    assert "ModuleNotFoundError: No module named 'only_on_pythonpath'" in verify(tree)


def test_a_hanging_module_is_named(tree: Path) -> None:
    (tree / "tiny" / "slow.py").write_text("while True:\n    pass\n")
    (tree / "tiny" / "__init__.py").write_text("from . import slow\n")
    message = verify(tree, timeout=3)
    assert message == "generated/tiny/slow.py: importing tiny.slow did not finish within 3 s", message


def test_main_modules_are_compiled_not_run(tree: Path) -> None:
    (tree / "tiny" / "__main__.py").write_text("raise SystemExit('ran')\n")
    assert verify(tree) == ""
    (tree / "tiny" / "__main__.py").write_text("def broken(:\n")
    assert verify(tree).startswith("generated/tiny/__main__.py:1: not valid Python:")


def test_an_invalid_escape_is_an_error(tree: Path) -> None:
    (tree / "tiny" / "core.py").write_text('VALUE = "\\d"\n')
    assert re.match(r"generated/tiny/core\.py(:1)?: not valid Python: invalid escape sequence", verify(tree))


def test_an_object_repr_in_any_text_file(tree: Path) -> None:
    (tree / "README.md").write_text("# tiny\n\nBuilt from <jinja2.runtime.Context object at 0x7f3a2c1d0e50>.\n")
    message = verify(tree)
    assert message.startswith("generated/README.md:3: holds an object's repr, '<jinja2.runtime.Context object at 0x"), (
        message
    )
    assert "templates/package/README.md.jinja)" in message


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        ('[project]\nname = "tiny"\nname = "again"\n', r"generated/pyproject\.toml:3: not valid TOML: "),
        ("[tool.x]\nkey = 1\n", r"generated/pyproject\.toml: has no \[project\] table with a name"),
        ("[project]\nname = 3\n", r"generated/pyproject\.toml: has no \[project\] table with a name"),
    ],
)
def test_pyproject_must_parse_and_name_the_project(tree: Path, pyproject: str, expected: str) -> None:
    (tree / "pyproject.toml").write_text(pyproject)
    assert re.match(expected, verify(tree)), verify(tree)


def test_no_pyproject(tree: Path) -> None:
    (tree / "pyproject.toml").unlink()
    assert verify(tree).startswith("generated/pyproject.toml: generation wrote no pyproject.toml")


def test_origin_of_each_kind_of_generated_file(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    models = tree / PACKAGE / "models"
    models.mkdir(parents=True)
    (tree / PACKAGE / "__init__.py").write_text("")
    (models / "colour.py").write_text("from enum import StrEnum\n\n\nclass Colour(StrEnum):\n    RED = 'red'\n")
    (models / "limit.py").write_text("class Limit:\n    pass\n")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "model.py.jinja").write_text("")
    runtime = tmp_path / "runtime"
    (runtime / "layer").mkdir(parents=True)
    (runtime / "layer" / "_paging.py").write_text("PAGE = 1\n")
    (runtime / "layer" / "_reformatted.py").write_text("X=1\n")
    (tree / PACKAGE / "_core").mkdir()
    (tree / PACKAGE / "_core" / "_paging.py").write_text(settings.HEADER + "\nPAGE = 1\n")
    (tree / PACKAGE / "_core" / "_reformatted.py").write_text(settings.HEADER + "\nX = 1\n")

    def origin(relative: str) -> str:
        return origin_of(relative, tree, templates, runtime).replace(str(tmp_path), "<tmp>")

    assert origin(f"{PACKAGE}/models/limit.py") == "most likely from <tmp>/templates/model.py.jinja"
    assert (
        origin(f"{PACKAGE}/models/colour.py") == "most likely from openapi-python-client's templates/str_enum.py.jinja"
    )
    assert origin(f"{PACKAGE}/api/audit/post_audits_query.py").endswith("templates/endpoint_module.py.jinja")
    assert origin(f"{PACKAGE}/api/audit/__init__.py").endswith("templates/endpoint_init.py.jinja")
    assert origin(f"{PACKAGE}/_core/_paging.py") == "copied from <tmp>/runtime/layer/_paging.py"
    assert origin(f"{PACKAGE}/_core/_reformatted.py") == "copied from <tmp>/runtime/layer/_reformatted.py"
    assert origin("pyproject.toml") == "most likely from <tmp>/templates/package/pyproject.toml.jinja"
    assert origin("PROVENANCE.json") == ""


def test_a_module_missing_from_the_tree_is_not_found_in_the_installed_client(tmp_path: Path) -> None:
    # The editable install's finder (a .pth in site-packages) would serve a subpackage the built tree
    # lacks from generated/; the probe skips .pth files, so the built tree must stand on its own.
    installed = next(init.parent.name for init in sorted((settings.GENERATED_DIR / PACKAGE).glob("*/__init__.py")))
    root = tmp_path / "tree"
    (root / PACKAGE).mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / PACKAGE / "__init__.py").write_text(f"import {PACKAGE}.{installed}\n")
    message = verify(root)
    assert f"ModuleNotFoundError: No module named '{PACKAGE}.{installed}'" in message, message


def test_a_warmed_up_copy_from_site_packages_gives_way_to_the_tree(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.verify import import_check

    site = tmp_path / "site"
    (site / "tiny").mkdir(parents=True)
    (site / "tiny" / "__init__.py").write_text("VALUE = 'installed'\n")
    real_sites = import_check._site_dirs()
    monkeypatch.setattr(import_check, "_site_dirs", lambda: [str(site), *real_sites])
    (tree / "tiny" / "__init__.py").write_text("raise ImportError('the built tree')\n")
    probe = import_check.ImportProbe(warm=["tiny", "httpx"])
    try:
        verify_tree(tree, label=Path("generated"), templates=tmp_path / "t", runtime=tmp_path / "r", probe=probe)
    except GenerationError as error:
        assert "ImportError: the built tree" in str(error), str(error)
    else:
        raise AssertionError("the installed copy was imported instead of the tree")
