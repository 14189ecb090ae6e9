"""The spec as openapi-python-client is given it, adjusted where the generated client would otherwise break.

- A request body or response offering JSON among other media types offers only its first JSON one: the
  client sends and accepts JSON (inputs.runtime_support refuses a body without a JSON form), and
  openapi-python-client refuses some of the others (application/xml) outright.
- Tags, which name the `api/` folders, are in NFKC form (see spec_check.normal_tag), so that the folder
  is the one `import` looks for.

Only the objects on the way to a changed one are copied; the checked spec itself is left as it is.
"""

from __future__ import annotations

from typing import Any

from generator.inputs.runtime_support import is_json
from generator.inputs.spec_check import normal_tag
from generator.spec import HTTP_METHODS

__all__ = ["upstream_view"]


def upstream_view(data: dict[str, Any]) -> dict[str, Any]:
    """`data` adjusted as the module docstring says."""

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
        if isinstance(node.get("tags"), list):
            changed["tags"] = [normal_tag(tag) if isinstance(tag, str) else tag for tag in node["tags"]]
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
