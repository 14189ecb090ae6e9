"""The spec as openapi-python-client is given it, adjusted to what the client sends and reads.

- Each operation carries its Python name as its operationId (see inputs.operation_names); operations
  the runtime cannot serve (inputs.runtime_support) are not there at all.
- A request body offers only the media type the client sends. A text body is shown as a JSON string
  (so the function takes a `str`) and a binary one as application/octet-stream (so it takes a `File`);
  the endpoint template writes each in its real media type.
- A response offers only the media type the client reads: its first JSON one; else text (text/*, XML) as
  text/plain, read as `str`; else anything else (images, PDFs, octet-stream) as application/octet-stream,
  read as `bytes`. openapi-python-client would otherwise leave out a response it does not know.
- A parameter given as JSON `content` is shown with that content's schema (openapi-python-client skips a
  parameter without a schema, which would silently drop it); the template sends it as JSON text.
- Tags, which name the `api/` folders, are in NFKC form (see spec_check.normal_tag), so that the folder
  is the one `import` looks for.
- Schemas say what JSON Schema means where openapi-python-client reads them otherwise: an array without
  `items` holds anything (`items: {}`; upstream would drop the response), and a `format: binary` string
  outside a file upload (a JSON body's property) is a string, since JSON carries no bytes (upstream
  would make it a file that cannot decode).

Only the objects on the way to a changed one are copied; the checked spec itself is left as it is.
"""

from __future__ import annotations

from typing import Any

from generator.inputs.runtime_support import BodyChoice, is_json, is_text
from generator.inputs.spec_check import CheckedSpec, normal_tag
from generator.spec import HTTP_METHODS, OperationRef, SpecDocument

__all__ = ["upstream_view"]

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_TEXT = {"schema": {"type": "string"}}


def upstream_view(checked: CheckedSpec) -> dict[str, Any]:
    """The checked spec adjusted as the module docstring says."""
    spec = checked.document
    data = spec.data
    result = dict(data)
    if isinstance(data.get("paths"), dict):
        paths: dict[str, Any] = {}
        for route, item in data["paths"].items():
            if not isinstance(item, dict):
                paths[route] = item
                continue
            view: dict[str, Any] = {}
            for key, value in item.items():
                if key not in HTTP_METHODS or not isinstance(value, dict):
                    view[key] = _parameters(spec, value) if key == "parameters" else value
                elif (route, key) not in checked.omitted:
                    operation = OperationRef(route, key, value)
                    view[key] = _operation(checked, operation, checked.bodies.get((route, key)))
            paths[route] = view
        result["paths"] = paths
    components = data.get("components")
    if isinstance(components, dict) and isinstance(components.get("responses"), dict):
        result["components"] = {
            **components,
            "responses": {name: _response(spec, value) for name, value in components["responses"].items()},
        }
    return _normal_schemas(result, _file_schemas(spec))


def _operation(checked: CheckedSpec, operation: OperationRef, body: BodyChoice | None) -> dict[str, Any]:
    spec, node = checked.document, operation.node
    changed = dict(node)
    changed["operationId"] = checked.names.of(operation)
    if isinstance(node.get("tags"), list):
        changed["tags"] = [normal_tag(tag) if isinstance(tag, str) else tag for tag in node["tags"]]
    if "requestBody" in node:
        resolved, _ = spec.deref(node["requestBody"], (*operation.parts, "requestBody"))
        changed["requestBody"] = _request_body(spec, resolved, body)
    if isinstance(node.get("responses"), dict):
        changed["responses"] = {status: _response(spec, response) for status, response in node["responses"].items()}
    if isinstance(node.get("parameters"), list):
        changed["parameters"] = _parameters(spec, node["parameters"])
    return changed


def _request_body(spec: SpecDocument, body: Any, choice: BodyChoice | None) -> Any:
    content = body.get("content") if isinstance(body, dict) else None
    if choice is None or not isinstance(content, dict):
        return body
    media = content[choice.media_type]
    if choice.kind == "text":
        schema = media.get("schema") if isinstance(media, dict) else None
        shown = {"application/json": {"schema": schema if schema is not None else _TEXT["schema"]}}
    elif choice.kind == "binary":
        shown = {"application/octet-stream": _BINARY}
    else:
        shown = {choice.media_type: media}
    return {**body, "content": shown}


def _response(spec: SpecDocument, response: Any) -> Any:
    """The response with the one media type the client reads (see the module docstring)."""
    if isinstance(response, dict) and "$ref" in response:
        return response  # components/responses are adjusted where they are defined
    content = response.get("content") if isinstance(response, dict) else None
    if not isinstance(content, dict) or not content:
        return response
    media_types = [str(media) for media in content]
    first_json = next((media for media in media_types if is_json(media)), None)
    if first_json is not None:
        shown = {first_json: content[first_json]}
    elif any(is_text(media) for media in media_types):
        shown = {"text/plain": _TEXT}
    else:
        shown = {"application/octet-stream": _BINARY}
    return {**response, "content": shown}


def _parameters(spec: SpecDocument, parameters: Any) -> Any:
    """Parameters, those given as JSON content shown with that content's schema."""
    if not isinstance(parameters, list):
        return parameters
    shown = []
    for parameter in parameters:
        resolved = parameter
        if isinstance(parameter, dict) and "$ref" in parameter:
            resolved, _ = spec.deref(parameter, ())
        content = resolved.get("content") if isinstance(resolved, dict) else None
        if isinstance(content, dict) and content and "schema" not in resolved:
            media = next(iter(content.values()))
            schema = media.get("schema") if isinstance(media, dict) else None
            view = {key: value for key, value in resolved.items() if key != "content"}
            shown.append({**view, "schema": schema if schema is not None else {}})
        else:
            shown.append(parameter)
    return shown


_FILE_MEDIA = ("multipart/form-data", "application/octet-stream")


def _file_schemas(spec: SpecDocument) -> set[str]:
    """The component schemas a file upload reaches (multipart bodies), where `format: binary` means a file."""
    pending: list[Any] = []
    for operation in spec.operations():
        body = operation.node.get("requestBody")
        resolved, _ = spec.deref(body, (*operation.parts, "requestBody")) if body is not None else (None, ())
        content = resolved.get("content") if isinstance(resolved, dict) else None
        if isinstance(content, dict) and isinstance(content.get("multipart/form-data"), dict):
            pending.append(content["multipart/form-data"].get("schema"))
    schemas = (spec.data.get("components") or {}).get("schemas") or {}
    found: set[str] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found and name in schemas:
                    found.add(name)
                    pending.append(schemas[name])
            pending.extend(value for key, value in node.items() if not str(key).startswith("x-"))
        elif isinstance(node, list):
            pending.extend(node)
    return found


def _normal_schemas(data: dict[str, Any], file_schemas: set[str]) -> dict[str, Any]:
    """The document with its schemas read as JSON Schema means them (see the module docstring)."""

    def walk(node: Any, files: bool, key: Any = None) -> Any:
        if isinstance(node, list):
            return [walk(item, files) for item in node]
        if not isinstance(node, dict) or key in ("example", "examples") or str(key).startswith("x-"):
            return node
        changed = {k: walk(v, files or k in _FILE_MEDIA, k) for k, v in node.items()}
        types = node.get("type")
        kinds = {types} if isinstance(types, str) else set(types) if isinstance(types, list) else set()
        if "array" in kinds and "items" not in node and "prefixItems" not in node:
            changed["items"] = {}
        if not files and "string" in kinds and node.get("format") == "binary":
            del changed["format"]
        return changed

    result = {key: walk(value, False, key) for key, value in data.items() if key != "components"}
    components = data.get("components")
    if isinstance(components, dict):
        schemas = components.get("schemas")
        result["components"] = {
            **{key: walk(value, False, key) for key, value in components.items() if key != "schemas"},
            **(
                {"schemas": {name: walk(schema, name in file_schemas) for name, schema in schemas.items()}}
                if isinstance(schemas, dict)
                else {}
            ),
        }
    return result
