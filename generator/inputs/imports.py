"""The top-level modules a generated package imports: what the runtime layers and the templates import.

The import probe warms them up ahead of the tree (verify.import_check), and the package may not take
one of their names (inputs.api_config): a package named `httpx` would hide the httpx it runs on.
"""

from __future__ import annotations

import re
import sys
from importlib.util import find_spec
from pathlib import Path

__all__ = ["UPSTREAM_TEMPLATES", "imported_modules", "package_dependencies"]


def _upstream_templates() -> Path:
    """openapi-python-client's own templates (found without importing it: the command line starts the
    verifying processes with this before it loads the generator)."""
    spec = find_spec("openapi_python_client")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(locations[0]) / "templates" if locations else Path("openapi_python_client-not-installed")


# openapi-python-client's own templates, which render whatever templates/ does not replace.
UPSTREAM_TEMPLATES = _upstream_templates()
_TOP_LEVEL_IMPORT = re.compile(r"^[ \t]*(?:from|import)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


def imported_modules(*folders: Path) -> list[str]:
    """Top-level modules that the Python files and templates in `folders` import, sorted."""
    found: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix in (".py", ".jinja") and path.is_file():
                found.update(_TOP_LEVEL_IMPORT.findall(path.read_text(encoding="utf-8", errors="replace")))
    return sorted(found - {"__future__"})


def package_dependencies(runtime: Path, templates: Path) -> list[str]:
    """The installed, not standard-library modules a package generated from these inputs imports."""
    modules = imported_modules(runtime, templates, UPSTREAM_TEMPLATES)
    return [name for name in modules if name not in sys.stdlib_module_names and find_spec(name) is not None]
