"""The names users know: public classes report the package root as their module.

A class defined in a private module (``<package>._core._errors``) would otherwise appear under that
path in tracebacks, class reprs and pickles. The package's name is derived, never written here, so
the core stays the same in every generated package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

__all__: list[str] = []

#: The generated package's import name (the first component of this module's name).
PACKAGE: Final = __name__.split(".")[0]


def publish(namespace: Mapping[str, object], names: Iterable[str]) -> None:
    """Reports each class among `names` (a module's ``__all__``, re-exported by the package root) as the
    root's, e.g. ``<package>.ApiError``: the root resolves that name to the same class, so
    pickles made by reference load it back."""
    for name in names:
        value = namespace.get(name)
        if isinstance(value, type) and value.__module__.startswith(PACKAGE + ".") and value.__qualname__ == name:
            value.__module__ = PACKAGE
