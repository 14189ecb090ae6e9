"""Writes the package's own files (root __init__, client, errors, pyproject.toml, README.md, LICENSE) from
templates/package/, over whatever openapi-python-client rendered at those paths.

These are not upstream overrides: the templates lay out a `PackagePlan` the generator built, with a
strict environment (an undefined variable is an error naming the template and line).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError

from generator.errors import GenerationError
from generator.plan.operations import OperationView
from generator.plan.package_plan import PackagePlan
from generator.render import text

__all__ = ["PACKAGE_TEMPLATES", "Rendered", "write_package_files"]

TEMPLATE_DIR = "package"
# template -> output path; "{package}" is the package folder.
PACKAGE_TEMPLATES = {
    "__init__.py.jinja": "{package}/__init__.py",
    "client.py.jinja": "{package}/client.py",
    "errors.py.jinja": "{package}/errors.py",
    "pyproject.toml.jinja": "pyproject.toml",
    "README.md.jinja": "README.md",
    "LICENSE.jinja": "LICENSE",
}


@dataclass(frozen=True)
class Rendered:
    """What the package's own files need of openapi-python-client's rendering."""

    operations: tuple[OperationView, ...]
    error_model: tuple[str, str] | None  # (models module, class) every error response's body decodes to


def _environment(templates: Path) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(templates / TEMPLATE_DIR)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters.update(
        docstring=text.docstring, py=repr, toml=text.toml, markdown=text.markdown, markdown_cell=text.markdown_cell
    )
    return environment


def write_package_files(plan: PackagePlan, rendered: Rendered, templates: Path, project: Path) -> None:
    environment = _environment(templates)
    for name, target in PACKAGE_TEMPLATES.items():
        template_file = templates / TEMPLATE_DIR / name
        try:
            text = environment.get_template(name).render(
                plan=plan, operations=rendered.operations, error_model=rendered.error_model
            )
        except TemplateSyntaxError as error:
            raise GenerationError(
                f"template syntax error: {error.message}", file=template_file, line=error.lineno
            ) from None
        except TemplateError as error:
            raise GenerationError(f"template error: {error}", file=template_file, line=_template_line(error)) from None
        except OSError as error:
            raise GenerationError(f"cannot read the template: {error.strerror}", file=template_file) from None
        path = project / target.format(package=plan.package)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _template_line(error: BaseException) -> int | None:
    """The template line a runtime error was raised at (Jinja rewrites the traceback to point there)."""
    line = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(".jinja"):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line
