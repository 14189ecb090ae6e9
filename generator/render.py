"""Runs openapi-python-client in-process on the spec, with our templates, into a fresh folder.

The one thing added to upstream's rendering is the template global `operation_info(endpoint)`:
openapi-python-client 0.29 drops vendor extensions before templates run, so the driver reads them
from the spec and hands them over (operationId, and every `x-` key of the operation).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError
from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.properties import Class
from openapi_python_client.strings import PythonIdentifier

from generator.errors import GenerationError
from generator.package_files import OperationSummary, Rendered
from generator.package_plan import PackagePlan

__all__ = ["operation_extensions", "render_client"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def operation_extensions(document: Any, field_prefix: str) -> dict[str, dict[str, Any]]:
    """Per operation (keyed by the Python name upstream gives it): operation_id and x- extensions.

    `document` is the plain mapping spec_check.check_spec returns.
    """
    found: dict[str, dict[str, Any]] = {}
    for item in (document.get("paths") or {}).values():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict) or not operation.get("operationId"):
                continue
            operation_id = str(operation["operationId"])
            extensions = {k: v for k, v in operation.items() if k.startswith("x-")}
            found[str(PythonIdentifier(operation_id, field_prefix))] = {
                "operation_id": operation_id,
                "extensions": extensions,
            }
    return found


def render_client(
    spec: Path, document: Any, templates: Path, config_file: Path, plan: PackagePlan, output: Path
) -> Rendered:
    """Renders the client into `output` (which must not exist); any generator warning is an error.

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
        document_source=spec,
        file_encoding="utf-8",
        overwrite=False,
        output_path=output,
    )
    operations = operation_extensions(document, config.field_prefix)
    summaries: list[OperationSummary] = []
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured):
            openapi = GeneratorData.from_dict(document, config=config)
            if isinstance(openapi, GeneratorError):
                problems: list[GeneratorError] = [openapi]
            else:
                project = Project(openapi=openapi, config=config, custom_template_path=templates)
                project.env.globals["operation_info"] = lambda endpoint: operations[str(endpoint.name)]
                problems = list(project.build())
                summaries = _summaries(openapi, operations, config.field_prefix)
    except GenerationError:
        raise
    except TemplateSyntaxError as exc:
        where = Path(exc.filename) if exc.filename else templates / (exc.name or "?")
        raise GenerationError(f"template syntax error: {exc.message}", file=where, line=exc.lineno) from None
    except Exception as exc:  # a template error surfaces as an arbitrary exception while rendering
        raise GenerationError(f"openapi-python-client failed: {type(exc).__name__}: {exc}", file=spec) from None
    if problems:
        details = []
        for problem in problems:
            text = f"{problem.level.value}: {problem.header or ''}"
            if problem.detail:
                text += f" — {problem.detail}"
            details.append(text.strip())
        raise GenerationError(
            "openapi-python-client could not generate every part of the spec:\n  " + "\n  ".join(details),
            file=spec,
        )
    return Rendered(operations=tuple(summaries), error_model=_error_model(document, config))


def _error_model(document: Any, config: Config) -> tuple[str, str] | None:
    """(module, class) of the one schema every documented error response uses, if there is one."""
    schemas: set[str] = set()
    components = document.get("components") or {}
    for item in (document.get("paths") or {}).values():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            responses = operation.get("responses") if isinstance(operation, dict) else None
            for status, response in (responses or {}).items():
                if not (str(status)[0] in "45" or status == "default") or not isinstance(response, dict):
                    continue
                ref = response.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/responses/"):
                    response = (components.get("responses") or {}).get(ref.rsplit("/", 1)[1]) or {}
                schema = ((response.get("content") or {}).get("application/json") or {}).get("schema") or {}
                ref = schema.get("$ref") if isinstance(schema, dict) else None
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    schemas.add(ref.rsplit("/", 1)[1])
                else:
                    return None  # an error response without a shared schema
    if len(schemas) != 1:
        return None
    model = Class.from_string(string=schemas.pop(), config=config)
    return str(model.module_name), str(model.name)


def _summaries(
    openapi: GeneratorData, operations: dict[str, dict[str, Any]], field_prefix: str
) -> list[OperationSummary]:
    found = []
    for tag, collection in sorted(openapi.endpoint_collections_by_tag.items()):
        for endpoint in collection.endpoints:
            extensions = operations[str(endpoint.name)]["extensions"]
            helpers = ["paginate"] if extensions.get("x-pagination") else []
            helpers += ["wait", "sync_and_wait"] if extensions.get("x-waiter") else []
            summary = endpoint.summary.get_untrusted_value() or str(endpoint.name)
            module = str(PythonIdentifier(str(endpoint.name), field_prefix))
            found.append(OperationSummary(str(tag), module, summary, tuple(helpers)))
    return found
