"""The per-operation facts the endpoint templates lay out, computed here rather than in Jinja.

For each operation openapi-python-client parsed: its 2xx responses and their union type, whether a
dropped request may be resent (and why), the permissions it requires, its pager (from x-pagination)
and its waiter (from x-waiter), with every Python name, type and import the helpers need. The
extensions were validated against the spec (generator.inputs.extensions); here they are matched to the
parsed models, and a mismatch is an error naming the operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.schema.untrusted_string import UntrustedString
from openapi_python_client.strings import PythonIdentifier, safe_for_docstring

from generator.errors import GenerationError
from generator.inputs.extensions import CursorPaging, PageNumberPaging, Permissions
from generator.inputs.runtime_support import BodyChoice, is_json, is_text
from generator.inputs.spec_check import CheckedSpec
from generator.spec import OperationRef, SpecDocument

__all__ = ["CursorPager", "NumberPager", "OperationView", "SuccessResponse", "WaiterView", "operation_views"]


@dataclass(frozen=True)
class SuccessResponse:
    """One 2xx status (or range) and how its body decodes (`prop` is upstream's property for it)."""

    first: int
    last: int
    type: str
    prop: Any
    body: str  # how the body is read: "json" (decoded), "text", "bytes", or "none" (there is none)


# openapi-python-client's response sources, by the type they read: what `SuccessResponse.body` says.
_BODIES = {"Any": "json", "str": "text", "bytes": "bytes", "None": "none"}


@dataclass(frozen=True)
class _Pager:
    items_attr: str  # the page model's attribute with the items
    item_type: str
    item_import: str | None  # the import of the item's model, when it is one
    redirect_expr: str | None  # an expression on `page` giving where its items went instead, or None


@dataclass(frozen=True)
class CursorPager(_Pager):
    cursor_parameter: str  # the Python argument taking the cursor
    cursor_attr: str  # the page model's attribute with the next cursor


@dataclass(frozen=True)
class NumberPager(_Pager):
    number_attr: str  # the request body's attribute selecting the page
    count_attr: str  # the page model's attribute with the page count


@dataclass(frozen=True)
class WaiterView:
    status_module: str  # the sibling module of the status operation
    status_type: str
    id_parameter: str
    id_attr: str
    id_field: str  # its JSON name, for the error when it is missing
    state_attr: str
    success: tuple[str, ...]
    failure: tuple[str, ...]


@dataclass(frozen=True)
class WireParameter:
    """How a parameter goes on the wire, when it differs from its location's default."""

    style: str | None  # "json" for a parameter given as application/json content
    explode: bool | None


@dataclass(frozen=True)
class OperationView:
    operation_id: str
    tag: str  # the api/ subpackage
    module: str
    summary: str
    method: str  # upper case
    path: str  # as the spec writes it, e.g. /things/{thingId}
    retry_safe: bool
    retry_reason: str
    permissions: Permissions | None
    success: tuple[SuccessResponse, ...]
    return_type: str  # the union of the success types, or "None"
    pager: CursorPager | NumberPager | None
    waiter: WaiterView | None
    parameter_docs: dict[str, str]  # python name -> its Args: line
    body: BodyChoice | None  # the request body media type sent, and its encoding
    form_styles: dict[str, str]  # form body property -> its encoding style, where it is deepObject
    wire: dict[tuple[str, str], WireParameter]  # (location, name) -> style and explode, where not the default
    security: tuple[tuple[str, ...], ...]  # the security alternatives, each the scheme names it needs
    accept: str | None  # the Accept header when a success response is not JSON

    def param_args(self, location: str, name: object) -> str:
        """The style and explode arguments of the core's Param for a parameter ('' for the defaults)."""
        wire = self.wire.get((location, name.get_untrusted_value() if isinstance(name, UntrustedString) else str(name)))
        if wire is None:
            return ""
        return f", {wire.style!r}, {wire.explode!r}"

    @property
    def helpers(self) -> tuple[str, ...]:
        """The helper functions the module has beyond sync/asyncio and their detailed forms."""
        return (("paginate", "paginate_async") if self.pager else ()) + (
            ("wait", "wait_async", "sync_and_wait", "asyncio_and_wait") if self.waiter else ()
        )


def _endpoints(openapi: GeneratorData) -> Iterator[tuple[str, Endpoint]]:
    for tag, collection in openapi.endpoint_collections_by_tag.items():
        for endpoint in collection.endpoints:
            yield str(tag), endpoint


def _successes(endpoint: Endpoint) -> tuple[SuccessResponse, ...]:
    """The documented 2xx responses; without any, the `default` response stands for every 2xx status."""
    found = []
    for response in endpoint.responses.patterns:
        status = response.status_code.range
        if status is not None and status[0] >= 200 and status[1] < 300:
            found.append(_success(status, response))
    default = endpoint.responses.default
    if not found and default is not None:
        found.append(_success((200, 299), default))
    if not found:  # only errors are documented: a success says nothing more than that it succeeded
        found.append(SuccessResponse(200, 299, "None", None, "none"))
    return tuple(found)


def _success(status: tuple[int, int], response: Any) -> SuccessResponse:
    body = _BODIES[str(response.source["return_type"])]
    kind = {"none": "None", "text": "str", "bytes": "bytes"}.get(body)
    if kind is None:
        kind = response.prop.get_type_string().as_unembedded_code()
    return SuccessResponse(status[0], status[1], kind, response.prop, body)


def _union(successes: tuple[SuccessResponse, ...]) -> str:
    types: list[str] = []
    for success in successes:
        if success.type not in types:
            types.append(success.type)
    return " | ".join(types) or "None"


def _page_model(endpoint: Endpoint) -> Any:
    for response in endpoint.responses.patterns:
        if response.status_code.range == (200, 200):
            return response.prop
    return None


def _items(endpoint: Endpoint, field: str, field_prefix: str) -> tuple[str, str, str | None]:
    """(attribute, item type, import of the item's model) of the page's items field."""
    model = _page_model(endpoint)
    for prop in (
        (model.required_properties + model.optional_properties)
        if model is not None and hasattr(model, "required_properties")
        else []
    ):
        if prop.name == field and hasattr(prop, "inner_property"):
            inner = prop.inner_property
            item_type = inner.get_type_string(no_optional=True).as_unembedded_code()
            info = getattr(inner, "class_info", None)
            item_import = f"from ...models.{info.module_name} import {info.name}" if info is not None else None
            return str(PythonIdentifier(field, field_prefix)), item_type, item_import
    raise GenerationError(
        f"{endpoint.name}: x-pagination.itemsField {field!r} is not a list property of the 200 response model"
    )


def _redirect(endpoint: Endpoint, field: str | None, prefix: str) -> str | None:
    """How the pager reads a page's redirect field: its attribute, or the fields the model kept unlisted."""
    if field is None:
        return None
    model = _page_model(endpoint)
    for prop in model.required_properties + model.optional_properties:
        if prop.name == field:
            return f"page.{PythonIdentifier(field, prefix)}"
    if not model.additional_properties:
        raise GenerationError(f"{endpoint.name}: the page model drops the unlisted redirect field {field!r}")
    return f"page.additional_properties.get({field!r})"


def _pager(endpoint: Endpoint, paging: CursorPaging | PageNumberPaging, prefix: str) -> CursorPager | NumberPager:
    items = _items(endpoint, paging.items_field, prefix)
    redirect = _redirect(endpoint, paging.redirect_field, prefix)
    if isinstance(paging, CursorPaging):
        cursor_parameter = str(PythonIdentifier(paging.cursor_parameter, prefix))
        return CursorPager(*items, redirect, cursor_parameter, str(PythonIdentifier(paging.cursor_field, prefix)))
    if len(endpoint.bodies) != 1:
        raise GenerationError(f"{endpoint.name}: page-number paging needs exactly one request body")
    number_attr = str(PythonIdentifier(paging.page_number_field, prefix))
    return NumberPager(*items, redirect, number_attr, str(PythonIdentifier(paging.page_count_field, prefix)))


def _parameter_docs(endpoint: Endpoint, spec_parameters: dict[str, str]) -> dict[str, str]:
    """Each parameter's Args: line; a description written on the parameter counts as its own."""
    docs = {}
    for prop in (
        endpoint.path_parameters + endpoint.query_parameters + endpoint.header_parameters + endpoint.cookie_parameters
    ):
        name = prop.name.get_untrusted_value() if isinstance(prop.name, UntrustedString) else str(prop.name)
        description = prop.description or spec_parameters.get(name, "")
        doc = f"{prop.python_name} ({safe_for_docstring(prop.get_type_string())}): {safe_for_docstring(description)}"
        if prop.default:
            doc += f" Default: {safe_for_docstring(prop.default.python_code)}."
        docs[str(prop.python_name)] = doc.rstrip()
    return docs


def _wire(spec: SpecDocument, operation: OperationRef) -> dict[tuple[str, str], WireParameter]:
    """(location, name) -> how each parameter is written, where it is not its location's default."""
    found: dict[tuple[str, str], WireParameter] = {}
    for parameter in _parameters(spec, operation):
        location, name = str(parameter.get("in")), str(parameter.get("name"))
        if isinstance(parameter.get("content"), dict):
            found[(location, name)] = WireParameter("json", None)
            continue
        default = _DEFAULT_STYLES.get(location, "simple")
        style = str(parameter.get("style") or default)
        explode = parameter.get("explode")
        exploded = bool(explode) if isinstance(explode, bool) else style in ("form", "deepObject")
        if style != default or exploded != (style in ("form", "deepObject")):
            found[(location, name)] = WireParameter(style, exploded)
    return found


_DEFAULT_STYLES = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}


def _parameters(spec: SpecDocument, operation: OperationRef) -> list[dict[str, Any]]:
    """The operation's parameters, dereferenced, with path-item ones it does not override."""
    item = spec.data["paths"][operation.path]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for base, parameters in (
        (("paths", operation.path, "parameters"), item.get("parameters") or []),
        ((*operation.parts, "parameters"), operation.node.get("parameters") or []),
    ):
        for index, parameter in enumerate(parameters):
            resolved, _ = spec.deref(parameter, (*base, index))
            if isinstance(resolved, dict):
                found[(str(resolved.get("in")), str(resolved.get("name")))] = resolved
    return list(found.values())


def _security(spec: SpecDocument, operation: OperationRef) -> tuple[tuple[str, ...], ...]:
    security = operation.node["security"] if "security" in operation.node else spec.data.get("security")
    return tuple(tuple(map(str, requirement)) for requirement in security or () if isinstance(requirement, dict))


def _accept(spec: SpecDocument, operation: OperationRef) -> str | None:
    """The Accept header: the media types of the 2xx responses the client reads (as upstream_view picks them),
    when one of them is not JSON (None: the client's default, application/json)."""
    types: list[str] = []
    for status, response in (operation.node.get("responses") or {}).items():
        if not str(status).startswith("2"):
            continue
        resolved, _ = spec.deref(response, (*operation.parts, "responses", status))
        content = [str(media) for media in ((resolved.get("content") or {}) if isinstance(resolved, dict) else {})]
        if any(is_json(media) for media in content):
            read = ["application/json"]
        elif any(is_text(media) for media in content):
            read = [media for media in content if is_text(media)]
        else:
            read = content
        types.extend(media for media in read if media not in types)
    if not types or types == ["application/json"]:
        return None
    return ", ".join(types)


def _form_styles(spec: SpecDocument, operation: OperationRef, body: BodyChoice | None) -> dict[str, str]:
    if body is None or body.kind != "form":
        return {}
    resolved, _ = spec.deref(operation.node["requestBody"], (*operation.parts, "requestBody"))
    media = resolved["content"][body.media_type]
    encoding = media.get("encoding") if isinstance(media, dict) else None
    return {
        str(name): "deepObject"
        for name, value in (encoding or {}).items()
        if isinstance(value, dict) and value.get("style") == "deepObject"
    }


def operation_views(openapi: GeneratorData, checked: CheckedSpec, field_prefix: str) -> dict[str, OperationView]:
    """A view of every parsed operation, by its Python module name."""
    spec, extensions = checked.document, checked.extensions
    tags = {str(endpoint.name): tag for tag, endpoint in _endpoints(openapi)}
    endpoints = {str(endpoint.name): endpoint for _, endpoint in _endpoints(openapi)}
    views: dict[str, OperationView] = {}
    for module, endpoint in endpoints.items():
        found = extensions.get(module)
        operation = checked.names.operations.get(module)
        if found is None or operation is None:
            raise GenerationError(f"openapi-python-client parsed an operation {module!r} the spec check did not see")
        operation_id = str(operation.node.get("operationId") or module)
        descriptions = {
            str(parameter.get("name")): parameter["description"]
            for parameter in _parameters(spec, operation)
            if isinstance(parameter.get("description"), str)
        }
        body = checked.bodies.get((operation.path, operation.method))
        successes = _successes(endpoint)
        waiter = None
        if found.waiter is not None:
            status_module = found.waiter.status_operation
            status = endpoints[status_module]
            waiter = WaiterView(
                status_module=status_module,
                status_type=_union(tuple(s for s in _successes(status) if s.first == 200))
                if _successes(status)
                else "Any",
                id_parameter=str(PythonIdentifier(found.waiter.id_parameter, field_prefix)),
                id_attr=str(PythonIdentifier(found.waiter.id_field, field_prefix)),
                id_field=found.waiter.id_field,
                state_attr=str(PythonIdentifier(found.waiter.state_field, field_prefix)),
                success=found.waiter.success,
                failure=found.waiter.failure,
            )
        views[module] = OperationView(
            operation_id=operation_id,
            tag=tags[module],
            module=module,
            summary=endpoint.summary.get_untrusted_value() or operation_id,
            method=endpoint.method.upper(),
            path=operation.path,
            retry_safe=found.retry.safe,
            retry_reason=found.retry.reason,
            permissions=found.permissions,
            success=successes,
            return_type=_union(successes),
            pager=_pager(endpoint, found.pagination, field_prefix) if found.pagination else None,
            waiter=waiter,
            parameter_docs=_parameter_docs(endpoint, descriptions),
            body=body,
            form_styles=_form_styles(spec, operation, body),
            wire=_wire(spec, operation),
            security=_security(spec, operation),
            accept=_accept(spec, operation),
        )
    return views
