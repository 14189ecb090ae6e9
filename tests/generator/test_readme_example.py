"""The README's worked template example really works as written."""

from __future__ import annotations

from pathlib import Path

from generator import settings
from generator.build import build_tree
from generator.inputs.files import Inputs
from tests.support.worked_examples import jinja_snippet, templates_with


def test_readme_to_json_example(tmp_path: Path) -> None:
    method = jinja_snippet(settings.REPO_ROOT / "README.md") + "\n"
    anchor = "{% if model.is_multipart_body %}\n    def to_multipart"
    templates = templates_with(tmp_path, "model.py.jinja", anchor, method, after=False)

    out = tmp_path / "out"
    build_tree(Inputs(templates=templates), out)
    source = (out / "genesys_cloud_audit" / "models" / "limit.py").read_text()
    assert "def to_json(self) -> str:" in source
    compile(source, "limit.py", "exec")
