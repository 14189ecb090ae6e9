"""The README's worked template example really works as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator import settings
from generator.build import Inputs, build_tree


def test_readme_to_json_example(tmp_path: Path) -> None:
    readme = (settings.REPO_ROOT / "README.md").read_text()
    snippet = re.search(r"```jinja\n(.*?)```", readme, re.S)
    assert snippet, "the README lost its worked example"
    method = "\n".join(line[3:] for line in snippet.group(1).splitlines()) + "\n\n"
    templates = tmp_path / "templates"
    shutil.copytree(settings.TEMPLATES_DIR, templates)
    model = templates / "model.py.jinja"
    anchor = "{% if model.is_multipart_body %}\n    def to_multipart"
    text = model.read_text()
    assert anchor in text
    model.write_text(text.replace(anchor, method + anchor, 1))

    out = tmp_path / "out"
    build_tree(Inputs(templates=templates), out)
    source = (out / "genesys_cloud_audit" / "models" / "limit.py").read_text()
    assert "def to_json(self) -> str:" in source
    compile(source, "limit.py", "exec")
