"""templates/README.md is the template contract: it names everything templates receive, and its worked
example works as written."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from generator import settings
from generator.build import build_tree
from generator.inputs.extensions import DOCUMENTATION_ONLY, EXTENSIONS
from generator.inputs.files import Inputs
from generator.plan.operations import CursorPager, NumberPager, OperationView, SuccessResponse, WaiterView
from generator.plan.package_plan import PackagePlan
from tests.support.worked_examples import jinja_snippet, templates_with

CONTRACT = settings.TEMPLATES_DIR / "README.md"


def _documented(text: str, name: str) -> bool:
    return f"`{name}`" in text


def test_every_field_templates_receive_is_documented() -> None:
    text = CONTRACT.read_text()
    for view in (OperationView, SuccessResponse, CursorPager, NumberPager, WaiterView, PackagePlan):
        for field in dataclasses.fields(view):
            assert _documented(text, field.name), f"{view.__name__}.{field.name} is not in templates/README.md"
    for name in ("helpers", "all_names"):
        assert _documented(text, name)


def test_every_vendor_extension_key_is_documented() -> None:
    text = CONTRACT.read_text()
    for extension, styles in EXTENSIONS.items():
        assert _documented(text, extension), extension
        for fields in styles.values():
            for field in fields:
                assert f"| `{field.name}` |" in text, f"{extension}.{field.name}"
    for extension in DOCUMENTATION_ONLY:
        assert _documented(text, extension), extension


_IMPORT_OPERATIONS = """
import importlib, json, pkgutil
import genesys_cloud_audit.api.audit as audit
found = {}
for info in pkgutil.iter_modules(audit.__path__):
    module = importlib.import_module("genesys_cloud_audit.api.audit." + info.name)
    found[info.name] = [module.OPERATION_ID, module.ROUTE]
print(json.dumps(found))
"""


def test_the_worked_example_changes_every_operation_module(tmp_path: Path) -> None:
    anchor = "{% set op = operation(endpoint) %}\n"
    templates = templates_with(tmp_path, "endpoint_module.py.jinja", anchor, jinja_snippet(CONTRACT), after=True)

    out = tmp_path / "out"
    build_tree(Inputs(templates=templates), out)
    env = dict(os.environ, PYTHONPATH=str(out))
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_OPERATIONS], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert len(found) == len(list((out / "genesys_cloud_audit" / "api" / "audit").glob("[!_]*.py")))
    assert found["post_audits_query"] == ["postAuditsQuery", "POST /api/v2/audits/query"]
    assert found["get_audits_query_transaction_id"] == [
        "getAuditsQueryTransactionId",
        "GET /api/v2/audits/query/{transactionId}",
    ]
    source = (out / "genesys_cloud_audit" / "api" / "audit" / "post_audits_query.py").read_text()
    assert "# Create audit query execution\nOPERATION_ID" in source
