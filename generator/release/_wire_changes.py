"""What changed on the wire between two wire surfaces (see _wire), judged place by place.

Breaking: a removed operation, parameter, body, response, schema, field or allowed value; a new required
parameter, body or request field; an optional one that became required; a changed type, method or
path; a changed default (every call that leaves it out now sends something else). A response field
that may now be missing is breaking too. Features: a new operation, optional parameter, field,
response, media type or allowed value; a required one that became optional; a deprecation. Patch:
wording and everything else the surface notes (descriptions, summaries, constraints, extensions).
"""

from __future__ import annotations

from typing import Any

from generator.release._changes import Change, Level

__all__ = ["wire_changes"]

Surface = dict[str, dict[str, Any]]


def wire_changes(old: Surface, new: Surface, words: dict[str, str] | None = None) -> list[Change]:
    """The changes from `old` to `new`; `words` names spec keys in the changelog's words (data, e.g. a vendor
    extension's meaning), other keys are shown as written."""
    changes: list[Change] = []
    for place in sorted(old.keys() | new.keys()):
        before, after = old.get(place), new.get(place)
        parts = place.split(" / ")
        owner = (new.get(parts[0]) or old.get(parts[0]) or {}) if len(parts) > 1 else (after or before or {})
        context = _Place(parts, owner, after or before or {})
        if before is None or after is None:
            if not _inside_added_or_removed(parts, old, new):
                changes.append(_presence(context, added=before is None))
            continue
        changes += _differences(context, before, after, words or {})
    return changes


def _inside_added_or_removed(parts: list[str], old: Surface, new: Surface) -> bool:
    """Whether an enclosing place came or went too (then that place is the one change to name)."""
    for end in range(1, len(parts)):
        enclosing = " / ".join(parts[:end])
        if (enclosing in old) != (enclosing in new):
            return True
    return False


class _Place:
    """How a changelog names a place: `post_audits_query`, its argument `expand`, model `AuditLogMessage`."""

    def __init__(self, parts: list[str], owner: dict[str, Any], facts: dict[str, Any]) -> None:
        self.parts = parts
        self.facts = facts
        head = parts[0]
        self.is_operation = head.startswith("operation ")
        self.is_document = head == "document"
        self.owner_python = owner.get("python") or head.split(" ", 1)[-1]
        if self.is_operation:
            self.owner = f"`{self.owner_python}` ({owner.get('request', '')})" if owner.get("python") else f"`{head}`"
            self.anchor: tuple[str, ...] = (self.owner_python,)
        else:
            self.owner = f"model `{self.owner_python}`"
            self.anchor = (self.owner_python, _snake(self.owner_python))
        self.kind = _kind(parts)
        self.python = str(facts.get("python") or parts[-1])
        self.detail = self.python.rsplit(".", 1)[-1].removesuffix("[]") if self.kind in ("parameter", "field") else None

    @property
    def name(self) -> str:
        """The place in the changelog's words."""
        if self.kind in ("operation", "schema"):
            return self.owner
        if self.kind == "document":
            return "the API"
        if self.kind == "parameter":
            where, raw = self.parts[1].split(" ", 2)[1:]
            return f"{self.owner}: argument `{self.python}` ({where} parameter `{raw}`)"
        if self.kind in ("body", "response"):
            return f"{self.owner}: {_container(self.parts[1])}"
        if self.is_operation:
            return f"{self.owner}: field `{self.python}` of {_container(self.parts[1])}"
        return f"`{self.owner_python}.{self.python}`"

    def change(self, level: Level, section: str, text: str) -> Change:
        return Change(level, section, text, "wire", self.anchor, self.detail)


def _container(part: str) -> str:
    if part == "body":
        return "the request body"
    if part.startswith("response "):
        return f"the {part.split(' ', 1)[1]} response"
    return f"parameter `{part.split(' ', 2)[2]}`"


def _snake(name: str) -> str:
    out = []
    for index, char in enumerate(name):
        if char.isupper() and index and (not name[index - 1].isupper() or name[index + 1 : index + 2].islower()):
            out.append("_")
        out.append(char.lower())
    return "".join(out)


def _kind(parts: list[str]) -> str:
    if parts[0] == "document":
        return "document"
    if len(parts) == 1:
        return "operation" if parts[0].startswith("operation ") else "schema"
    if parts[0].startswith("schema "):
        return "field"
    second = parts[1]
    if len(parts) == 2:
        return "parameter" if second.startswith("parameter ") else "body" if second == "body" else "response"
    return "field"


def _request_side(place: _Place) -> bool:
    """Whether the place is something the client sends (a field used both ways counts as sent)."""
    if place.kind in ("parameter", "body"):
        return True
    return place.facts.get("direction", "both") in ("request", "both")


def _response_side(place: _Place) -> bool:
    return place.kind == "response" or place.facts.get("direction", "both") in ("response", "both")


def _presence(place: _Place, *, added: bool) -> Change:
    facts = place.facts
    if not added:
        return place.change(Level.BREAKING, "Removed", f"{place.name} removed")
    if place.kind == "operation":
        summary = f": {facts['summary']}" if facts.get("summary") else ""
        return place.change(Level.FEATURE, "Added", f"{place.name}{summary}")
    required = facts.get("required") is True
    if place.kind in ("parameter", "body") and required:
        return place.change(Level.BREAKING, "Changed", f"{place.name} added, and required")
    if place.kind == "field" and required and _request_side(place):
        return place.change(Level.BREAKING, "Changed", f"{place.name} added, and required in requests")
    return place.change(
        Level.FEATURE, "Added", f"{place.name} added" + (" (optional)" if place.kind == "parameter" else "")
    )


def _differences(place: _Place, before: dict[str, Any], after: dict[str, Any], words: dict[str, str]) -> list[Change]:
    changes = []
    name = place.name
    if before.get("request") != after.get("request"):
        text = f"{name} is now sent as {after.get('request')} (was {before.get('request')})"
        changes.append(place.change(Level.BREAKING, "Changed", text))
    if before.get("type") != after.get("type"):
        text = f"{name} is now of type `{after.get('type')}` (was `{before.get('type')}`)"
        changes.append(place.change(Level.BREAKING, "Changed", text))
    changes += _required(place, before.get("required"), after.get("required"))
    changes += _values(place, before.get("enum"), after.get("enum"))
    if before.get("default") != after.get("default"):
        sent = _request_side(place)
        level = Level.BREAKING if sent else Level.PATCH
        was = f"`{before['default']}`" if "default" in before else "none"
        now = f"`{after['default']}`" if "default" in after else "no default"
        changes.append(place.change(level, "Changed", f"{name} now defaults to {now} (was {was})"))
    if before.get("media") != after.get("media"):
        gone = sorted(set(before.get("media") or []) - set(after.get("media") or []))
        level = Level.BREAKING if gone else Level.FEATURE
        text = f"{name} is now {', '.join(after.get('media') or []) or 'without content'}" + (
            f" (no longer {', '.join(gone)})" if gone else ""
        )
        changes.append(place.change(level, "Changed" if gone else "Added", text))
    if before.get("deprecated") != after.get("deprecated"):
        if after.get("deprecated"):
            changes.append(place.change(Level.FEATURE, "Deprecated", f"{name} is deprecated"))
        else:
            changes.append(place.change(Level.PATCH, "Changed", f"{name} is no longer deprecated"))
    if before.get("summary") != after.get("summary"):
        text = f"{name}: summary now reads \u201c{after.get('summary') or ''}\u201d"
        changes.append(place.change(Level.PATCH, "Changed", text))
    notes = _changed_notes(before, after, words)
    if notes:
        text = (
            f"{name}: {', '.join(notes)} changed"
            if place.kind != "document"
            else f"the API's {', '.join(notes)} changed"
        )
        changes.append(place.change(Level.PATCH, "Changed", text))
    return changes


def _required(place: _Place, before: Any, after: Any) -> list[Change]:
    if before == after or before is None or after is None:
        return []
    name = place.name
    if after:  # optional -> required
        if place.kind in ("parameter", "body") or _request_side(place):
            return [place.change(Level.BREAKING, "Changed", f"{name} is now required")]
        return [place.change(Level.PATCH, "Changed", f"{name} is now always present")]
    if _response_side(place) and place.kind == "field":
        return [place.change(Level.BREAKING, "Changed", f"{name} is now optional: it may be missing")]
    return [place.change(Level.FEATURE, "Changed", f"{name} is now optional")]


def _values(place: _Place, before: list[str] | None, after: list[str] | None) -> list[Change]:
    if before == after:
        return []
    old, new = set(before or []), set(after or [])
    changes = []
    if before is None or after is None:  # the values stopped (or started) being restricted
        level = Level.FEATURE if after is None else Level.BREAKING
        text = f"{place.name} " + ("accepts any value" if after is None else f"is restricted to {_list(new)}")
        return [place.change(level, "Changed", text)]
    if old - new:
        changes.append(place.change(Level.BREAKING, "Removed", f"{place.name}: no longer {_list(old - new)}"))
    if new - old:
        changes.append(place.change(Level.FEATURE, "Added", f"{place.name}: new value {_list(new - old)}"))
    return changes


def _list(values: set[str]) -> str:
    return ", ".join(f"`{value}`" for value in sorted(values))


_WORDS = {"description": "description", "summary": "summary", "schema notes": "schema"}


def _changed_notes(before: dict[str, Any], after: dict[str, Any], words: dict[str, str]) -> list[str]:
    changed = []
    for group in ("notes", "schema notes"):
        old, new = before.get(group) or {}, after.get(group) or {}
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                changed.append(words.get(key) or _WORDS.get(key) or f"`{key}`")
    return sorted(set(changed))
