"""A digest of what a generated package ships, blind to its own version number.

Every file of the tree except the ones that change with each release anyway (the provenance record and
the changelog) and the by-products its .gitignore names: path, execute bit and content, with the
version written `{version}` wherever it appears, so that a release changes the digest only when the
package's code or text changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator.output.tree_diff import by_product_rules
from generator.output.tree_walk import walk_tree
from generator.settings import PROVENANCE_FILE

__all__ = ["package_digest"]

_LEFT_OUT = {PROVENANCE_FILE, "CHANGELOG.md"}


def package_digest(tree: Path, version: str) -> str:
    found = walk_tree(tree, by_product_rules(tree))
    digest = hashlib.sha256()
    mark = version.encode("utf-8")
    for name, entry in sorted(found.entries.items()):
        if name in _LEFT_OUT:
            continue
        content = entry.path.read_bytes() if entry.kind == "file" else entry.kind.encode()
        if mark:
            content = content.replace(mark, b"{version}")
        executable = entry.mode & 0o111 != 0
        digest.update(f"{name}\0{entry.kind}\0{executable}\0{len(content)}\0".encode("utf-8", "surrogateescape"))
        digest.update(content)
    return digest.hexdigest()
