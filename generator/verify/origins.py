"""Where a file of a built tree will live and which input it most likely came from, for error messages."""

from __future__ import annotations

import re
from pathlib import Path

from generator import settings
from generator.errors import GenerationError
from generator.render.package_files import PACKAGE_TEMPLATES, TEMPLATE_DIR

__all__ = ["Places", "origin_of"]

# Which template writes which file: the package's own files (generator/render/package_files.py, from
# templates/package/), then upstream's layout (openapi_python_client.Project) for the rest.
_PACKAGE_TEMPLATES = {
    **{
        target.removeprefix("{package}/"): f"{TEMPLATE_DIR}/{name}"
        for name, target in PACKAGE_TEMPLATES.items()
        if target.startswith("{package}/")
    },
    "types.py": "types.py.jinja",
    "api/__init__.py": "api_init.py.jinja",
    "models/__init__.py": "models_init.py.jinja",
}
_TOP_LEVEL_TEMPLATES = {
    **{target: f"{TEMPLATE_DIR}/{name}" for name, target in PACKAGE_TEMPLATES.items() if "/" not in target},
    ".gitignore": ".gitignore.jinja",
}


def origin_of(relative: str, tree: Path, templates: Path, runtime: Path) -> str:
    """Where a file of the built tree most likely came from, e.g. `templates/model.py.jinja`; "" if unknown.

    A file copied from the runtime folder is recognised by its content (the stamped header aside),
    wherever the runtime's layout puts it in the package.
    """
    copied = _runtime_source(tree / relative, runtime) if not tree.is_relative_to(runtime) else None
    if copied is not None:
        return f"copied from {_shown(copied)}"
    template: str | None = _TOP_LEVEL_TEMPLATES.get(relative)
    top, _, inner = relative.partition("/")
    if inner and (tree / top / "__init__.py").is_file():
        template = _PACKAGE_TEMPLATES.get(inner)
        parts = inner.split("/")
        if template is None and parts[0] == "api" and len(parts) == 3:
            template = "endpoint_init.py.jinja" if parts[2] == "__init__.py" else "endpoint_module.py.jinja"
        if template is None and parts[0] == "models" and len(parts) == 2:
            template = _model_template(tree / relative)
    if template is None:
        return ""
    custom = templates / template
    if custom.is_file() or template.startswith(f"{TEMPLATE_DIR}/"):  # the package's files have no upstream
        return f"most likely from {_shown(custom)}"
    return f"most likely from openapi-python-client's templates/{template}"


class Places:
    """Turns a path in the scratch tree into an error naming its final place (under `label`) and its origin."""

    def __init__(self, tree: Path, label: Path, templates: Path, runtime: Path) -> None:
        self.tree, self.label, self.templates, self.runtime = tree, label, templates, runtime

    def error(self, path: Path, line: int | None, problem: str) -> GenerationError:
        relative = path.relative_to(self.tree).as_posix()
        origin = origin_of(relative, self.tree, self.templates, self.runtime)
        return GenerationError(f"{problem}{f' ({origin})' if origin else ''}", file=self.label / relative, line=line)


def _runtime_source(path: Path, runtime: Path) -> Path | None:
    try:
        content = path.read_bytes().removeprefix(settings.HEADER.encode()).lstrip(b"\n")
    except OSError:
        return None
    if not content.strip() or not runtime.is_dir():
        return None
    candidates = sorted(source for source in runtime.rglob(path.name) if source.is_file())
    for source in candidates:
        if source.read_bytes().lstrip(b"\n") == content:
            return source
    # Reformatted on the way (ruff): the candidate sharing the longest tail of folders, if only one does.
    tails = {source: _common_tail(source.parts, path.parts) for source in candidates}
    best = max(tails.values(), default=0)
    winners = [source for source, tail in tails.items() if tail == best]
    return winners[0] if len(winners) == 1 else None


def _common_tail(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[-1 - count] == b[-1 - count]:
        count += 1
    return count


def _model_template(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "model.py.jinja"
    if re.search(r"^class \w+\((?:StrEnum|str, Enum)\)", text, re.MULTILINE):
        return "str_enum.py.jinja"
    if re.search(r"^class \w+\((?:IntEnum|int, Enum)\)", text, re.MULTILINE):
        return "int_enum.py.jinja"
    if re.search(r"^\w+ = Literal\[", text, re.MULTILINE):
        return "literal_enum.py.jinja"
    return "model.py.jinja"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
