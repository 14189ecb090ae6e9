"""The public Python API of a generated package, read with griffe, and what changed in it.

griffe reads the tree statically (nothing of the package is imported or run) and says what is public:
a module's `__all__`, else the names without a leading underscore. The surface keeps one entry per
public path: a module, a class (its bases), a function (each parameter's name, kind, annotation and
default; its return annotation), an attribute (its annotation, and its value when it is a module or
class constant), or an alias naming the first public path of the same object. The package's own
version is written `{version}` in values, so that a release does not change the surface it records.

To compare, both surfaces are turned back into griffe objects and `griffe.find_breaking_changes`
judges them (a removed object or parameter, a renamed keyword, a parameter that became required,
moved, changed kind or default, a removed base class). griffe 2.4.1 leaves annotations to its caller,
so they are judged here: a parameter's type that no longer accepts what it did, a return type that may
now give what it did not, an attribute whose type changed. Additions are features.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

from generator.errors import GenerationError
from generator.release._changes import Change, Level

__all__ = ["Surface", "python_changes", "python_surface"]

Surface = dict[str, dict[str, Any]]  # public path -> entry

VERSION_MARK = "{version}"


def python_surface(tree: Path, package: str, version: str) -> Surface:
    """The public API of `package` in `tree` (see the module docstring)."""
    if not (tree / package / "__init__.py").is_file():
        raise GenerationError(f"holds no package {package!r} (no {package}/__init__.py)", file=tree)
    logging.getLogger("griffe").setLevel(logging.ERROR)  # an alias to another distribution is not an error here
    try:
        root = griffe.load(
            package, search_paths=[tree], allow_inspection=False, resolve_aliases=True, resolve_external=False
        )
    except (griffe.GriffeError, SyntaxError, OSError) as error:
        raise GenerationError(f"griffe cannot read the package {package!r}: {error}", file=tree) from None
    surface: Surface = {}
    _walk(root, root.path, surface, {}, version)
    return surface


def _walk(obj: Any, path: str, surface: Surface, first: dict[str, str], version: str) -> None:
    for name, member in sorted(obj.members.items()):
        if not member.is_public:
            continue
        where = f"{path}.{name}"
        try:
            target = member.final_target if member.is_alias else member
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            surface[where] = {"kind": "alias", "of": member.target_path}
            continue
        canonical = target.path
        if canonical in first:
            surface[where] = {"kind": "alias", "of": first[canonical]}
            continue
        if member.is_alias and target.is_module:
            surface[where] = {"kind": "alias", "of": canonical}
            continue
        first[canonical] = where
        surface[where] = _entry(target, version)
        if target.is_module or target.is_class:
            _walk(target, where, surface, first, version)


def _entry(obj: Any, version: str) -> dict[str, Any]:
    if obj.is_module:
        return {"kind": "module"}
    if obj.is_class:
        return {"kind": "class", "bases": [str(base) for base in obj.bases]}
    if obj.is_function:
        parameters = [
            [p.name, p.kind.value, _text(p.annotation), _versionless(_text(p.default), version)] for p in obj.parameters
        ]
        return {"kind": "function", "parameters": parameters, "returns": _text(obj.returns)}
    constant = "instance-attribute" not in {str(label) for label in obj.labels}
    value = _versionless(_text(obj.value), version) if constant else None
    return {"kind": "attribute", "annotation": _text(obj.annotation), "value": value}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _versionless(text: str | None, version: str) -> str | None:
    return text.replace(version, VERSION_MARK) if text is not None and version else text


# Comparing two surfaces.


@dataclass(frozen=True)
class _Rebuilt:
    root: griffe.Module
    objects: dict[str, Any]


def python_changes(old: Surface, new: Surface) -> list[Change]:
    """Every change from `old` to `new` a user of the package could notice, judged as the module docstring says."""
    before, after = _expanded(old), _expanded(new)
    changes = [_breakage(b, after) for b in _breakages(before, after)]
    for path in sorted(after.keys() - before.keys()):
        if _parent(path) not in after.keys() - before.keys():  # a new class brings its members: name it alone
            changes.append(Change(Level.FEATURE, "Added", f"`{path}`", "python", _anchor(path)))
    for path in sorted(before.keys() & after.keys()):
        changes += _annotation_changes(path, before[path], after[path])
    return sorted(set(changes))


def _expanded(surface: Surface) -> Surface:
    """The surface with each alias replaced by a copy of what it names (and its members), so that every public
    path compares on its own."""
    expanded = {path: entry for path, entry in surface.items() if entry["kind"] != "alias"}
    for path, entry in sorted(surface.items()):
        if entry["kind"] != "alias":
            continue
        target = entry["of"]
        expanded[path] = surface.get(target, {"kind": "attribute", "annotation": None, "value": target})
        prefix = target + "."
        for inner, inner_entry in surface.items():
            if inner.startswith(prefix) and inner_entry["kind"] != "alias":
                expanded[path + inner[len(target) :]] = inner_entry
    return dict(sorted(expanded.items()))


def _parent(path: str) -> str:
    return path.rpartition(".")[0]


def _anchor(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _rebuild(surface: Surface) -> _Rebuilt:
    """griffe objects for a surface: modules, classes, functions and attributes at their public paths."""
    roots = sorted({path.split(".")[0] for path in surface})
    root = griffe.Module("<api>")
    objects: dict[str, Any] = {}
    for name in roots:
        module = griffe.Module(name)
        module.public = True
        root.set_member(name, module)
        objects[name] = module
    for path, entry in surface.items():
        parent_path, _, name = path.rpartition(".")
        parent = objects.get(parent_path)
        if parent is None or name in parent.members:
            continue
        obj = _object(name, entry)
        obj.public = True
        parent.set_member(name, obj)
        objects[path] = obj
    return _Rebuilt(root, objects)


def _object(name: str, entry: dict[str, Any]) -> Any:
    kind = entry["kind"]
    if kind == "module":
        return griffe.Module(name)
    if kind == "class":
        return griffe.Class(name, bases=list(entry["bases"]))
    if kind == "function":
        parameters = griffe.Parameters(
            *(
                griffe.Parameter(p_name, kind=griffe.ParameterKind(p_kind), annotation=annotation, default=default)
                for p_name, p_kind, annotation, default in entry["parameters"]
            )
        )
        return griffe.Function(name, parameters=parameters, returns=entry["returns"])
    return griffe.Attribute(name, value=entry.get("value"), annotation=entry.get("annotation"))


def _breakages(before: Surface, after: Surface) -> list[Any]:
    return list(griffe.find_breaking_changes(_rebuild(before).root, _rebuild(after).root))


def _breakage(breakage: Any, after: Surface) -> Change:
    """A griffe breakage as a changelog line."""
    obj = breakage.obj
    path = obj.path.removeprefix("<api>.")
    kind = breakage.kind
    old, new = breakage.old_value, breakage.new_value
    name = getattr(old, "name", None) or getattr(new, "name", None)
    if kind is griffe.BreakageKind.OBJECT_REMOVED:
        return Change(Level.BREAKING, "Removed", f"`{path}`", "python", _anchor(path))
    if kind is griffe.BreakageKind.PARAMETER_REMOVED:
        text = f"`{path}()` no longer takes `{name}`"
        return Change(Level.BREAKING, "Removed", text, "python", _anchor(path), name)
    if kind is griffe.BreakageKind.PARAMETER_ADDED_REQUIRED:
        text = f"`{path}()` takes a new required argument `{name}`"
        return Change(Level.BREAKING, "Changed", text, "python", _anchor(path), name)
    if kind is griffe.BreakageKind.PARAMETER_CHANGED_REQUIRED:
        text = f"`{path}()`: `{name}` is now required"
        return Change(Level.BREAKING, "Changed", text, "python", _anchor(path), name)
    if kind is griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT:
        text = f"`{path}()`: `{name}` defaults to `{new.default}` (was `{old.default}`)"
        return Change(Level.BREAKING, "Changed", text, "python", _anchor(path), name)
    if kind is griffe.BreakageKind.PARAMETER_MOVED:
        text = f"`{path}()`: `{name}` moved ({breakage.details})"
        return Change(Level.BREAKING, "Changed", text, "python", _anchor(path), name)
    if kind is griffe.BreakageKind.PARAMETER_CHANGED_KIND:
        text = f"`{path}()`: `{name}` is now {new.kind.value} (was {old.kind.value})"
        return Change(Level.BREAKING, "Changed", text, "python", _anchor(path), name)
    if kind is griffe.BreakageKind.OBJECT_CHANGED_KIND:
        text = f"`{path}` is now a {new.value} (was a {old.value})"
        return Change(Level.BREAKING, "Changed", text, "python", _anchor(path))
    if kind is griffe.BreakageKind.CLASS_REMOVED_BASE:
        bases = ", ".join(after.get(path, {}).get("bases", [])) or "none"
        text = f"`{path}` no longer derives from what it did (its bases are now: {bases})"
        return Change(Level.BREAKING, "Changed", text, "python", _anchor(path))
    return Change(Level.BREAKING, "Changed", f"`{path}`: {breakage.explain()}", "python", _anchor(path))


def _union(annotation: str | None) -> set[str]:
    """The members of a top-level `A | B | None` union, as written (no annotation accepts anything)."""
    if annotation is None:
        return {"Any"}
    members, depth, start = [], 0, 0
    for index, char in enumerate(annotation):
        depth += (char in "[(") - (char in "])")
        if char == "|" and depth == 0:
            members.append(annotation[start:index].strip())
            start = index + 1
    members.append(annotation[start:].strip())
    return set(members)


def _wider(new: str | None, old: str | None) -> bool:
    """Whether `new` accepts at least what `old` did (as far as the written unions show)."""
    return "Any" in _union(new) or _union(old) <= _union(new)


def _annotation_changes(path: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    if old["kind"] != new["kind"]:
        return []  # griffe names it
    changes = []
    if old["kind"] == "function":
        old_types = {p[0]: p[2] for p in old["parameters"]}
        old_names = set(old_types)
        for name, _kind, annotation, default in new["parameters"]:
            if name in old_types and old_types[name] != annotation:
                level = Level.PATCH if _wider(annotation, old_types[name]) else Level.BREAKING
                text = f"`{path}()`: `{name}` is now `{annotation}` (was `{old_types[name]}`)"
                changes.append(Change(level, "Changed", text, "python", _anchor(path), name))
            if name not in old_names and default is not None:
                text = f"`{path}()` takes a new optional argument `{name}`"
                changes.append(Change(Level.FEATURE, "Added", text, "python", _anchor(path), name))
        if old["returns"] != new["returns"] and old["returns"] not in (None, "None"):
            level = Level.PATCH if _wider(old["returns"], new["returns"]) else Level.BREAKING
            text = f"`{path}()` now returns `{new['returns']}` (was `{old['returns']}`)"
            changes.append(Change(level, "Changed", text, "python", _anchor(path)))
    elif old["kind"] == "attribute":
        if old["annotation"] != new["annotation"]:
            text = f"`{path}` is now `{new['annotation']}` (was `{old['annotation']}`)"
            changes.append(Change(Level.BREAKING, "Changed", text, "python", _anchor(path)))
        elif old["value"] != new["value"]:
            text = f"`{path}` is now `{new['value']}` (was `{old['value']}`)"
            changes.append(Change(Level.PATCH, "Changed", text, "python", _anchor(path)))
    elif old["kind"] == "class" and old["bases"] != new["bases"] and len(new["bases"]) >= len(old["bases"]):
        text = f"`{path}` now derives from {', '.join(new['bases'])}"
        changes.append(Change(Level.PATCH, "Changed", text, "python", _anchor(path)))
    return changes
