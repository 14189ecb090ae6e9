"""Calling one operation of a generated client with every parameter, and checking what happened.

`plan_call` finds the operation's module, reads its `sync` signature (path parameters positional,
then keyword-only `client`, `body`, the other parameters by Python name, `request_options`),
samples a wire value for every parameter and the body from the spec, and turns each into the
Python value the annotation asks for. `check_exchange` compares what the spec server received
with what was passed, parameter by parameter (a parameter that never arrived is named), and
`check_result` compares the returned value with its annotation and with what the server served.
"""

from __future__ import annotations

import importlib
import inspect
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from openapi_python_client.strings import PythonIdentifier

from tests.corpus._values import ConversionError, conforms, to_python, to_wire
from tests.support.spec_server import Document, Exchange, Operation, Parameter, Sampler, canonical

__all__ = ["CallPlan", "check_exchange", "check_result", "find_module", "module_names", "plan_call"]

_SPECIAL = ("client", "body", "request_options")
_NOT_SENT = object()


def _derived_name(operation: Operation) -> str:
    """The name upstream (and this project) derives from method and path when there is no usable operationId."""
    path = operation.path.replace("{", "").replace("}", "").replace("/", "_").strip("_")
    return str(PythonIdentifier(f"{operation.method}_{path}", prefix="field_"))


def module_names(operation: Operation) -> list[str]:
    """Module names the operation may have, most likely first."""
    names = []
    if operation.operation_id:
        names.append(str(PythonIdentifier(operation.operation_id, prefix="field_")))
    names.append(_derived_name(operation))
    return list(dict.fromkeys(names))


_NAMED = re.compile(r": named (\w+): ")


def find_module(package_dir: Path, operation: Operation, said: list[str]) -> str:
    """The dotted name of `operation`'s module under package_dir/api/ (its first tag's folder first).

    `said` is what the generator said about the operation: a notice naming the module wins.
    """
    tags = operation.node.get("tags") or ["default"]
    tag = str(PythonIdentifier(str(tags[0]), prefix="tag"))
    api = package_dir / "api"
    named = [m.group(1) for line in said if (m := _NAMED.search(line))]
    for name in named or module_names(operation):
        preferred = api / tag / f"{name}.py"
        found = [preferred] if preferred.exists() else sorted(api.glob(f"*/{name}.py"))
        if len(found) == 1:
            relative = found[0].relative_to(package_dir.parent).with_suffix("")
            return ".".join(relative.parts)
    if said:
        raise LookupError(f"{operation.key} was not generated; the generator said:\n" + "\n".join(said))
    present = sorted(str(p.relative_to(api)) for p in api.glob("*/*.py") if p.name != "__init__.py")
    raise LookupError(
        f"no module for {operation.key} (looked for {module_names(operation)} under api/); modules: {present}"
    )


@dataclass
class CallPlan:
    operation: Operation
    module: ModuleType
    args: list[Any]
    kwargs: dict[str, Any]
    expected: dict[tuple[str, str], Any]  # (location, name) -> wire value passed
    python_names: dict[tuple[str, str], str]
    body_media_type: str | None = None
    body_wire: Any = _NOT_SENT
    notes: list[str] = field(default_factory=list)


def _python_names(operation: Operation, signature: inspect.Signature) -> dict[tuple[str, str], str]:
    """Each spec parameter's keyword in the signature (upstream's rules: snake_case, then the location
    appended for a name shared across locations, then the raw name for one shared within a location)."""
    offered = set(signature.parameters) - set(_SPECIAL)
    names: dict[tuple[str, str], str] = {}
    base = {(p.location, p.name): str(PythonIdentifier(p.name, prefix="field_")) for p in operation.parameters}
    taken: dict[str, int] = {}
    for name in base.values():
        taken[name] = taken.get(name, 0) + 1
    for parameter in operation.parameters:
        key = (parameter.location, parameter.name)
        candidates = [base[key]] if taken[base[key]] == 1 and base[key] not in ("client", "url") else []
        candidates += [
            f"{base[key]}_{parameter.location}",
            str(PythonIdentifier(parameter.name, prefix="field_", skip_snake_case=True)),
            base[key],
        ]
        chosen = next((c for c in candidates if c in offered and c not in names.values()), None)
        if chosen is not None:
            names[key] = chosen
    return names


def _where(parameter: Parameter) -> str:
    if parameter.location == "query" and parameter.style in ("spaceDelimited", "pipeDelimited"):
        return "query_delimited"
    return parameter.location


def plan_call(
    document: Document, sampler: Sampler, module_name: str, operation: Operation, variant: str = "sync"
) -> CallPlan:
    module = importlib.import_module(module_name)
    function = getattr(module, variant, None)
    if function is None:
        raise AssertionError(f"{module_name} has no {variant}")
    signature = inspect.signature(function)
    hints = typing.get_type_hints(function)
    plan = CallPlan(operation, module, [], {}, {}, _python_names(operation, signature))
    problems = []
    unmapped = [
        f"{p.location} {p.name!r}" for p in operation.parameters if (p.location, p.name) not in plan.python_names
    ]
    if unmapped:
        problems.append(f"no keyword for {', '.join(unmapped)} in {module_name}.{variant}{signature}")
    mapped = set(plan.python_names.values())
    extra = [n for n in signature.parameters if n not in mapped and n not in _SPECIAL]
    if extra:
        problems.append(f"{module_name}.{variant} takes {extra} that match no spec parameter")
    if (
        "client" not in signature.parameters
        or signature.parameters["client"].kind is not inspect.Parameter.KEYWORD_ONLY
    ):
        problems.append(f"{module_name}.{variant} has no keyword-only client")
    by_python = {python: key for key, python in plan.python_names.items()}
    for name, parameter in signature.parameters.items():
        if name in _SPECIAL or name not in by_python:
            continue
        location, spec_name = by_python[name]
        spec_parameter = operation.parameter(location, spec_name)
        positional = parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if positional != (location == "path"):
            problems.append(f"{name} ({location}) is {'positional' if positional else 'keyword-only'}")
        wire = sampler.sample(spec_parameter.schema, hint=spec_name, where=_where(spec_parameter))
        try:
            value = to_python(hints[name], wire)
        except ConversionError as error:
            problems.append(f"cannot pass {location} parameter {spec_name!r} as {name}: {error}")
            continue
        plan.expected[(location, spec_name)] = wire
        if positional:
            plan.args.append(value)
        else:
            plan.kwargs[name] = value
    if operation.body is not None and operation.body.content:
        if "body" not in signature.parameters:
            problems.append(f"{module_name}.{variant} takes no body")
        else:
            _plan_body(document, sampler, plan, hints["body"], problems)
    if problems:
        raise AssertionError(f"{operation.key}: " + "\n".join(problems))
    return plan


def _plan_body(document: Document, sampler: Sampler, plan: CallPlan, hint: Any, problems: list[str]) -> None:
    """The body: the first media type the annotation can express, sampled from its schema."""
    body = plan.operation.body
    assert body is not None
    tried = []
    for media_type, media in body.content.items():
        media, _ = document.resolve(media)
        schema = media.get("schema", {})
        where = "form" if media_type.startswith("application/x-www-form-urlencoded") else "body"
        wire = sampler.sample(schema, hint="body", where=where)
        if media_type.startswith(("application/octet-stream", "image/", "audio/", "video/")) or media_type == "*/*":
            wire = wire if isinstance(wire, bytes) else str(wire).encode()
        try:
            value = to_python(_member_for(hint, media_type, list(body.content)), wire)
        except ConversionError as error:
            tried.append(f"{media_type}: {error}")
            continue
        plan.kwargs["body"] = value
        plan.body_media_type = media_type
        plan.body_wire = wire
        return
    problems.append("no body the annotation allows: " + " | ".join(tried))


def _member_for(hint: Any, media_type: str, media_types: list[str]) -> Any:
    """For a body offered in several media types (a union annotation, one member per media type in
    order), the member for `media_type`; otherwise the whole annotation."""
    members = [m for m in typing.get_args(hint) if getattr(m, "__name__", "") not in ("Unset", "UnsetType")]
    if len(media_types) > 1 and len(members) == len(media_types):
        return members[media_types.index(media_type)]
    return hint


def _as_text_if(value: Any, like: Any) -> Any:
    """Bytes as text when the other side is text (a body of a media type no library knows)."""
    if isinstance(value, bytes) and isinstance(like, str):
        return value.decode("utf-8", "replace")
    return value


def check_exchange(plan: CallPlan, exchanges: list[Exchange]) -> list[str]:
    """What is wrong with what the server received for one call ([] when nothing)."""
    operation = plan.operation
    if len(exchanges) != 1:
        return [f"expected one request, the server received {len(exchanges)}: {[e.describe() for e in exchanges]}"]
    exchange = exchanges[0]
    problems = [f"server: {problem}" for problem in exchange.problems]
    if exchange.operation is not operation:
        got = exchange.operation.key if exchange.operation else "no operation"
        return [*problems, f"the call reached {got} ({exchange.method} {exchange.target}), not {operation.key}"]
    for (location, name), wire in plan.expected.items():
        if wire is None:
            continue
        key = (location, name)
        if key not in exchange.parameters:
            problems.append(f"{location} parameter {name!r} (passed as {plan.python_names[key]}) was never sent")
            continue
        received = exchange.parameters[key]
        if canonical(received) != canonical(wire):
            problems.append(f"{location} parameter {name!r} arrived as {received!r}, passed {wire!r}")
    if plan.body_wire is not _NOT_SENT:
        if exchange.media_type != plan.body_media_type:
            problems.append(f"the body arrived as {exchange.media_type!r}, passed as {plan.body_media_type!r}")
        elif canonical(_as_text_if(exchange.body_value, plan.body_wire)) != canonical(plan.body_wire):
            problems.append(f"the body arrived as {exchange.body_value!r:.600}, passed {plan.body_wire!r:.600}")
    return problems


def check_result(plan: CallPlan, result: Any, exchange: Exchange, function: Any) -> list[str]:
    """The returned value against its annotation and against what the server served."""
    hint = typing.get_type_hints(function).get("return", Any)
    if inspect.iscoroutinefunction(function):
        hint = hint  # get_type_hints gives the awaited type for `async def`
    detailed = type(result).__name__ == "Response" and hasattr(result, "parsed")
    problems = []
    if detailed:
        if int(result.status_code) != exchange.status:
            problems.append(f"status_code {result.status_code!r}, served {exchange.status}")
        if result.content != exchange.response_body:
            problems.append(f"content {result.content[:80]!r}, served {exchange.response_body[:80]!r}")
        args = typing.get_args(hint)
        parsed_hint = args[0] if args else Any
        value = result.parsed
    else:
        parsed_hint, value = hint, result
    if not conforms(value, parsed_hint):
        problems.append(f"returned {value!r:.300} ({type(value).__name__}), annotated {parsed_hint}")
    served = exchange.response_value
    if exchange.response_media_type is None:
        if value is not None and not detailed:
            problems.append(f"no content was served, returned {value!r:.200}")
        return problems
    wire = to_wire(value)
    if isinstance(served, bytes) and isinstance(wire, str):
        wire = wire.encode("latin-1", "replace")
    wire = _as_text_if(wire, served)
    if canonical(wire) != canonical(served):
        problems.append(f"returned {wire!r:.400}, served {served!r:.400}")
    return problems
