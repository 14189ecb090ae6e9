"""Runs openapi-python-client in-process on the checked spec, with our templates, into a fresh folder.

What the driver adds to upstream's rendering: the template global `operation(endpoint)`, the
operation's facts as generator/plan/operations.py computed them (openapi-python-client 0.29 drops vendor
extensions before templates run), and the filters `py` (a Python literal) and `comment` (text wrapped
as comment lines). Any generator warning is an error; a template that fails while rendering
is named with its line.
"""

from __future__ import annotations

import contextlib
import errno
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import FileSystemBytecodeCache, TemplateError, TemplateSyntaxError, Undefined
from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.properties import Class
from openapi_python_client.parser.properties.protocol import PropertyProtocol
from openapi_python_client.schema import ParameterLocation
from openapi_python_client.schema.untrusted_string import UntrustedString

from generator.errors import GenerationError
from generator.inputs.spec_check import CheckedSpec
from generator.notices import Notices
from generator.plan.operations import OperationView, operation_views
from generator.plan.package_plan import PackagePlan
from generator.render import text
from generator.render.enum_members import raw_enum_values
from generator.render.package_files import Rendered
from generator.render.upstream_view import upstream_view
from generator.settings import PINNED_VERSIONS
from generator.spec import SpecDocument

__all__ = ["render_client"]


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


# Compiled templates, kept between runs (Jinja's own cache: a private folder of this user's, each entry keyed by
# the template's file and the checksum of its source), so that a run compiles only what changed. The pattern
# names what the compiled code depends on besides the source: Jinja and this module's environment settings.
_BYTECODE_CACHE = FileSystemBytecodeCache(pattern=f"__genesys_audit_generator_jinja{jinja2.__version__}_v1_%s.cache")


def render_client(
    checked: CheckedSpec, templates: Path, config_file: Path, plan: PackagePlan, output: Path, notices: Notices
) -> Rendered:
    """Renders the client into `output` (which must not exist).

    What openapi-python-client leaves out (a schema or an operation it cannot generate) is a warning in
    `notices`, as stock openapi-python-client warns of it; a document it cannot read at all is an error.
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
        with (
            contextlib.redirect_stdout(captured),
            _readable_untrusted_strings(),
            raw_enum_values(),
            _headers_of_any_type(),
        ):
            openapi = GeneratorData.from_dict(upstream_view(checked), config=config)
            if isinstance(openapi, GeneratorError):
                raise _upstream_problem(openapi, checked.document, "cannot read the document")
            else:
                views = operation_views(openapi, checked, config.field_prefix)
                project = Project(openapi=openapi, config=config, custom_template_path=templates)
                project.env.globals["operation"] = lambda endpoint: views[str(endpoint.name)]
                project.env.filters.update(py=repr, comment=text.comment)
                project.env.finalize = _finalize
                project.env.undefined = _PrintedUndefined
                project.env.bytecode_cache = _BYTECODE_CACHE
                problems = list(project.build())
    except GenerationError:
        raise
    except OSError as error:  # writing a file of the tree (a name from the spec too long for one, a full disk)
        written = Path(error.filename) if error.filename else output
        hint = "; shorten the name in the spec it comes from" if error.errno == errno.ENAMETOOLONG else ""
        raise GenerationError(f"cannot write it: {error.strerror}{hint}", file=written) from None
    except TemplateSyntaxError as error:
        where = Path(error.filename) if error.filename else templates / (error.name or "?")
        raise GenerationError(f"template syntax error: {error.message}", file=where, line=error.lineno) from None
    except Exception as error:  # a template failing while it renders: name it and its line
        raise _template_failure(error, templates, checked.path) from None
    for problem in problems:
        notices.warning(_upstream_problem(problem, checked.document))
    _leave_out_unbuilt_references(checked, output / plan.package, views, notices)
    notices.refuse_warnings()
    return Rendered(operations=_summaries(views), error_model=_error_model(checked, config))


_MODEL_IMPORT = re.compile(r"^from \.\.\.models\.(\w+) import", re.MULTILINE)


def _leave_out_unbuilt_references(
    checked: CheckedSpec, package: Path, views: dict[str, OperationView], notices: Notices
) -> None:
    """An operation whose module imports a model openapi-python-client did not build (it removed the schema
    after a problem it warned of, but not every operation using it) is left out with a warning: its module
    could not be imported."""
    for module, view in sorted(views.items()):
        path = package / "api" / view.tag / f"{module}.py"
        if not path.is_file():
            continue
        missing = sorted(
            name
            for name in set(_MODEL_IMPORT.findall(path.read_text(encoding="utf-8")))
            if not (package / "models" / f"{name}.py").is_file()
        )
        if missing:
            operation = checked.names.operations[module]
            notices.warning(
                checked.document.error(
                    f"{view.method} {view.path} is left out: openapi-python-client refers to the model module "
                    f"{missing[0]}, which it did not build (see its warning above)",
                    operation.parts,
                )
            )
            path.unlink()
            del views[module]


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


_SCHEMA = re.compile(r"/components/schemas/([A-Za-z0-9._-]+)")
_ENDPOINT = re.compile(r"\b(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) (/\S*)")


def _upstream_problem(problem: GeneratorError, spec: SpecDocument, verb: str = "leaves this out") -> GenerationError:
    """What openapi-python-client could not generate, at the schema or operation it names when there is one."""
    what = " ".join(f"{problem.header or ''}: {problem.detail or ''}".strip(": ").split())
    message = f"openapi-python-client {PINNED_VERSIONS['openapi-python-client']} {verb}: {what}"
    schema = _SCHEMA.search(what)
    if schema is not None and schema.group(1) in ((spec.data.get("components") or {}).get("schemas") or {}):
        return spec.error(message, ("components", "schemas", schema.group(1)))
    endpoint = _ENDPOINT.search(what)
    if endpoint is not None:
        route, method = endpoint.group(2), endpoint.group(1).lower()
        if isinstance((spec.data.get("paths") or {}).get(route), dict) and method in spec.data["paths"][route]:
            return spec.error(message, ("paths", route, method))
    return GenerationError(message, file=spec.path)


@contextlib.contextmanager
def _readable_untrusted_strings() -> Iterator[None]:
    """openapi-python-client formats a spec string (a status code) into a message of its own, which would
    show `<...UntrustedString object at 0x...>`: while it runs, formatting one gives its text. Templates
    print through `str`, which this leaves alone (and `_finalize` refuses an untrusted string anyway)."""
    setattr(UntrustedString, "__format__", lambda self, spec: format(self.get_untrusted_value(), spec))  # noqa: B010
    try:
        yield
    finally:
        delattr(UntrustedString, "__format__")


@contextlib.contextmanager
def _headers_of_any_type() -> Iterator[None]:
    """openapi-python-client refuses a header parameter that is not a string, number, boolean or enum (a list,
    a date-time, an object): its own templates write headers with str(). The runtime core writes any value
    in the header's simple style, so while it runs, every type may be a header."""
    original = PropertyProtocol._allowed_locations
    PropertyProtocol._allowed_locations = {*original, ParameterLocation.HEADER}
    try:
        yield
    finally:
        PropertyProtocol._allowed_locations = original


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
