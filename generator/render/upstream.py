"""Runs openapi-python-client in-process on the checked spec, with our templates, into a fresh folder.

What the driver adds to upstream's rendering: the template global `operation(endpoint)`, the
operation's facts as generator/plan/operations.py computed them (openapi-python-client 0.29 drops vendor
extensions before templates run), and the filters `py` (a Python literal) and `comment` (text wrapped
as comment lines). Any generator warning is an error; a template that fails while rendering
is named with its line.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError, Undefined
from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.properties import Class
from openapi_python_client.schema.untrusted_string import UntrustedString

from generator.errors import GenerationError, Problems
from generator.inputs.runtime_support import is_json
from generator.inputs.spec_check import CheckedSpec
from generator.plan.operations import OperationView, operation_views
from generator.plan.package_plan import PackagePlan
from generator.render import text
from generator.render.package_files import Rendered
from generator.spec import HTTP_METHODS

__all__ = ["json_alternatives", "render_client"]


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


class _PrintedUndefined(Undefined):
    """Undefined that tests false and iterates empty (upstream's templates rely on that) but cannot be
    printed: `{{ typo }}` is an error naming the template line, not an empty string."""

    __slots__ = ()

    def __str__(self) -> str:
        self._fail_with_undefined_error()
        return ""  # pragma: no cover - the line above raises


class _UnsafeOutput(Exception):
    """A template printed a value that is not text or code (see `_finalize`)."""


def _finalize(value: Any) -> Any:
    """Every `{{ ... }}` result passes here: an untrusted spec string or an object without a text form
    would print as `<... object at 0x...>` (different on every run), so it is an error instead."""
    if isinstance(value, UntrustedString):
        raise _UnsafeOutput(
            "prints a string from the spec unfiltered; pass it through safe_for_docstring (docstrings), "
            'in_double_quote_literal (inside "...") or another filter of the template contract'
        )
    if not isinstance(value, str | int | float) and _ADDRESS.search(str(value)):
        raise _UnsafeOutput(f"prints a {type(value).__name__} whose text holds a memory address")
    return value


def json_alternatives(data: dict[str, Any]) -> dict[str, Any]:
    """The spec as openapi-python-client is given it: a request body or response that offers JSON among
    other media types offers only its first JSON one (the client sends and accepts JSON, see
    inputs.runtime_support). Only the objects on the way to a changed one are copied."""

    def narrowed(holder: Any) -> Any:
        content = holder.get("content") if isinstance(holder, dict) else None
        if not isinstance(content, dict) or len(content) < 2:
            return holder
        first = next((media for media in content if is_json(str(media))), None)
        return holder if first is None else {**holder, "content": {first: content[first]}}

    def operation(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        changed = dict(node)
        if "requestBody" in node:
            changed["requestBody"] = narrowed(node["requestBody"])
        if isinstance(node.get("responses"), dict):
            changed["responses"] = {status: narrowed(response) for status, response in node["responses"].items()}
        return changed

    result = dict(data)
    if isinstance(data.get("paths"), dict):
        result["paths"] = {
            route: {key: operation(value) if key in HTTP_METHODS else value for key, value in item.items()}
            if isinstance(item, dict)
            else item
            for route, item in data["paths"].items()
        }
    components = data.get("components")
    if isinstance(components, dict):
        result["components"] = {
            **components,
            **{
                kind: {name: narrowed(value) for name, value in components[kind].items()}
                for kind in ("requestBodies", "responses")
                if isinstance(components.get(kind), dict)
            },
        }
    return result


def render_client(
    checked: CheckedSpec, templates: Path, config_file: Path, plan: PackagePlan, output: Path
) -> Rendered:
    """Renders the client into `output` (which must not exist).

    Returns what the package's own files need of the rendering: its operations, its error model.
    """
    names = {
        "project_name_override": plan.distribution,
        "package_name_override": plan.package,
        "package_version_override": plan.version,
    }
    config = Config.from_sources(
        ConfigFile.load_from_path(config_file).model_copy(update=names),
        meta_type=MetaType.UV,
        document_source=checked.path,
        file_encoding="utf-8",
        overwrite=False,
        output_path=output,
    )
    captured = io.StringIO()
    views: dict[str, OperationView] = {}
    try:
        with contextlib.redirect_stdout(captured):
            openapi = GeneratorData.from_dict(json_alternatives(checked.data), config=config)
            if isinstance(openapi, GeneratorError):
                problems: list[GeneratorError] = [openapi]
            else:
                views = operation_views(openapi, checked.document, checked.extensions, config.field_prefix)
                project = Project(openapi=openapi, config=config, custom_template_path=templates)
                project.env.globals["operation"] = lambda endpoint: views[str(endpoint.name)]
                project.env.filters.update(py=repr, comment=text.comment)
                project.env.finalize = _finalize
                project.env.undefined = _PrintedUndefined
                problems = list(project.build())
    except GenerationError:
        raise
    except TemplateSyntaxError as error:
        where = Path(error.filename) if error.filename else templates / (error.name or "?")
        raise GenerationError(f"template syntax error: {error.message}", file=where, line=error.lineno) from None
    except Exception as error:  # a template failing while it renders: name it and its line
        raise _template_failure(error, templates, checked.path) from None
    if problems:
        raise Problems.of([_upstream_problem(problem, checked.path) for problem in problems])
    return Rendered(operations=_summaries(views), error_model=_error_model(checked, config))


def _template_failure(error: Exception, templates: Path, spec: Path) -> GenerationError:
    """The innermost template frame of the traceback (Jinja maps its line to the template's)."""
    where: tuple[str, int] | None = None
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".jinja"):
            where = (filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    if isinstance(error, _UnsafeOutput):
        kind = "template output is not deterministic"
    elif isinstance(error, TemplateError):
        kind = "template error"
    else:
        kind = f"template failed with {type(error).__name__}"
    text = " ".join(str(error).split()) or type(error).__name__
    if where is None:
        return GenerationError(f"openapi-python-client failed: {type(error).__name__}: {text}", file=spec)
    filename, line = where
    path = Path(filename)
    if not path.is_relative_to(templates.resolve()) and not path.is_relative_to(templates):
        kind += " in openapi-python-client's own template"
    return GenerationError(f"{kind}: {text}", file=path, line=line)


def _upstream_problem(problem: GeneratorError, spec: Path) -> GenerationError:
    text = f"openapi-python-client {problem.level.value}: {problem.header or ''}".strip()
    if problem.detail:
        text += f": {' '.join(problem.detail.split())}"
    return GenerationError(text, file=spec)


def _error_model(checked: CheckedSpec, config: Config) -> tuple[str, str] | None:
    """(module, class) of the one schema every documented error response uses, if there is one."""
    spec = checked.document
    schemas: set[str] = set()
    for operation in spec.operations():
        for status, response in (operation.node.get("responses") or {}).items():
            if not (str(status)[0] in "45" or status == "default"):
                continue
            resolved, _ = spec.deref(response, (*operation.parts, "responses", status))
            content = resolved.get("content") if isinstance(resolved, dict) else None
            schema = ((content or {}).get("application/json") or {}).get("schema")
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/components/schemas/")):
                return None  # an error response without a shared schema
            schemas.add(ref.rsplit("/", 1)[1])
    if len(schemas) != 1:
        return None
    model = Class.from_string(string=schemas.pop(), config=config)
    return str(model.module_name), str(model.name)


def _summaries(views: dict[str, OperationView]) -> tuple[OperationView, ...]:
    return tuple(sorted(views.values(), key=lambda view: (view.tag, view.module)))
