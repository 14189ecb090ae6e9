"""The document against the OpenAPI schema of its version (openapi-spec-validator), in the background.

Validation is the costliest check of a spec, and it needs nothing the other checks find: the command line
starts it in a process of its own (`SchemaCheck`) before the generator loads, so it runs on the machine's
other core while this process loads openapi-python-client and reads the spec; `check_spec` takes its
verdict where it used to validate. Called without one, `schema_errors` validates here.

A vendor extension holding a $ref to another file is left out of what is validated: the validator would
follow it, although documentation generates nothing.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from generator.errors import GenerationError
from generator.inputs import verdicts
from generator.spec import SpecDocument

__all__ = ["MAX_ERRORS", "SchemaCheck", "SchemaError", "openapi_version", "schema_errors"]

_OPENAPI_VERSION = re.compile(r"^3\.([01])\.\d+(-.+)?$")
# Errors read from the validator (one more tells that there are further ones).
MAX_ERRORS = 6
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class SchemaError:
    """One place where the document breaks the OpenAPI schema, as the validator reports it."""

    message: str
    path: list[Any]  # relative to the schema the validator was checking when it failed (often absolute)
    instance: Any
    schema: Any


def schema_errors(data: dict[str, Any], version: str) -> list[SchemaError]:
    """Up to MAX_ERRORS problems of `data` as an OpenAPI `version` ("3.0" or "3.1") document.

    Raises GenerationError (without a file) when the validator itself cannot finish."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator  # its import is costly

    validator = OpenAPIV30SpecValidator if version == "3.0" else OpenAPIV31SpecValidator
    try:
        found = list(itertools.islice(validator(_without_documentation(data)).iter_errors(), MAX_ERRORS))
    except RecursionError:
        raise GenerationError("the OpenAPI validator recursed without end (a $ref cycle?)") from None
    except Exception as failure:  # the validator's own failure (a reference it cannot follow): still an answer
        raise GenerationError(
            f"the OpenAPI validator could not check the document: {type(failure).__name__}: {_line(str(failure))}"
        ) from None
    return [SchemaError(str(e.message), list(e.absolute_path), e.instance, e.schema) for e in found]


def _line(message: str) -> str:
    line = message.splitlines()[0] if message else ""
    return line if len(line) <= 200 else line[:197] + "..."


def _without_documentation(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _without_documentation(value)
            for key, value in node.items()
            if not (isinstance(key, str) and key.startswith("x-") and _external_ref(value))
        }
    if isinstance(node, list):
        return [_without_documentation(value) for value in node]
    return node


def _external_ref(node: Any) -> bool:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return True
        return any(_external_ref(value) for value in node.values())
    if isinstance(node, list):
        return any(_external_ref(value) for value in node)
    return False


def openapi_version(spec: SpecDocument) -> str:
    """ "3.0" or "3.1", from the document's `openapi` field; anything else is refused in one line."""
    if "swagger" in spec.data and "openapi" not in spec.data:
        raise spec.error(
            f"this is a Swagger {spec.data['swagger']} document; the generator reads OpenAPI 3.0 and 3.1: convert "
            "it first (for example `npx swagger2openapi spec.yaml -o openapi.yaml`)",
            ("swagger",),
        )
    written = spec.data.get("openapi")
    match = _OPENAPI_VERSION.match(written) if isinstance(written, str) else None
    if match is None:
        shown = f"{written!r}" if "openapi" in spec.data else "missing"
        raise spec.error(
            f"openapi version {shown}: the generator reads OpenAPI 3.0.x and 3.1.x documents (a string such as '3.1.0')",
            ("openapi",) if "openapi" in spec.data else (),
        )
    return f"3.{match.group(1)}"


class SchemaCheck:
    """Validates a spec file in another process, started at once; `result` waits for its verdict.

    The verdict is for the file as it was when the process read it: `result` is handed the document this
    process read and validates it here instead if the two differ (the file changed in between). A verdict
    is kept (verdicts.py) for the document's content, so an unchanged spec is not validated again."""

    def __init__(self, spec: Path) -> None:
        self._spec = spec
        self._process: subprocess.Popen[str] | None = None
        self._kept = verdicts.recall(spec)
        if self._kept is None and spec.is_file():
            self._process = subprocess.Popen(
                [sys.executable, "-m", "generator.inputs.openapi_schema", str(spec.resolve())],
                cwd=_PACKAGE_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )

    def result(self, data: dict[str, Any], version: str, timeout: float) -> list[SchemaError]:
        verdict = self._kept or self._from_process(timeout)
        if verdict is None or verdict.get("data_digest") != _digest(data) or verdict.get("version") != version:
            return schema_errors(data, version)  # the file changed, or the process could not read it
        if self._kept is None:
            verdicts.keep(self._spec, verdict)
        if "failure" in verdict:
            raise GenerationError(verdict["failure"])
        return [SchemaError(**error) for error in verdict["errors"]]

    def _from_process(self, timeout: float) -> dict[str, Any] | None:
        process, self._process = self._process, None
        if process is None:
            return None
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise GenerationError(f"validating the document did not finish within {timeout:g} s") from None
        try:
            verdict = json.loads(output)
        except ValueError:
            return None
        return verdict if isinstance(verdict, dict) else None

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            process.kill()
            process.communicate()


def _digest(data: Any) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(data, sort_keys=True, default=repr).encode()).hexdigest()


def _worker(argv: list[str]) -> int:
    from generator.spec import load_spec

    try:
        document = load_spec(Path(argv[0]))
        version = openapi_version(document)
    except GenerationError:
        return 1  # the main process reports it
    verdict: dict[str, Any] = {"data_digest": _digest(document.data), "version": version}
    try:
        verdict["errors"] = [asdict(error) for error in schema_errors(document.data, version)]
    except GenerationError as failure:
        verdict["failure"] = failure.message
    sys.stdout.write(json.dumps(verdict, default=repr))
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
