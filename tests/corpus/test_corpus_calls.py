"""Every operation of every corpus spec, called through its generated client against the spec server.

Each operation is called four times (sync, sync_detailed, asyncio, asyncio_detailed) with every
parameter and the body given, values sampled from the spec and built as the function's type hints
ask. The server (tests/support/spec_server) checks each request on its own (method, path, every
parameter by style, body encoding, credentials) and records it; the test then checks that each
parameter arrived where the spec puts it with the value passed, and that the returned value has
its annotated type and equals what the server served.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from typing import Any

import pytest
from openapi_python_client.strings import PythonIdentifier

from tests.corpus._calls import check_exchange, check_result, find_module, plan_call
from tests.corpus._corpus import CLIENT_ID, CLIENT_SECRET, Corpus, SpecClient, credentials_for, spec_files
from tests.support.spec_server import Document, Operation, SpecServer


def _operations() -> list[Any]:
    cases = []
    for spec in spec_files():
        for index, operation in enumerate(Document.load(spec).operations):
            cases.append(pytest.param(spec.name, index, id=f"{spec.stem}:{operation.key}"))
    return cases


def make_client(spec: SpecClient, server: SpecServer, *, client_credentials: bool = False) -> Any:
    """The generated Client on the spec server, given every scheme's secret by the scheme's name."""
    package = importlib.import_module(spec.generated.package or "")
    secrets = credentials_for(spec.document)
    stock_client = getattr(package, "AuthenticatedClient", None)
    if stock_client is not None:  # openapi-python-client's own client: one bearer token at most
        tokens = [
            s
            for n, s in secrets.items()
            if isinstance(s, str) and spec.document.security_schemes()[n].get("type") != "apiKey"
        ]
        return (
            stock_client(base_url=server.base_url, token=tokens[0])
            if tokens
            else package.Client(base_url=server.base_url)
        )
    parameters = inspect.signature(package.Client).parameters
    arguments: dict[str, Any] = {"base_url": server.base_url}
    for name, secret in secrets.items():
        keyword = str(PythonIdentifier(name, prefix="field_"))
        scheme = spec.document.security_schemes()[name]
        if client_credentials and scheme.get("type") == "oauth2":
            arguments.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        elif keyword in parameters:
            arguments[keyword] = secret
    return package.Client(**arguments)


async def _call_async(spec: SpecClient, function: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    async with make_client(spec, spec.server()) as client:
        return await function(*args, client=client, **kwargs)


def _call(spec: SpecClient, operation: Operation, module_name: str, variant: str) -> list[str]:
    server = spec.server()
    server.take()
    try:
        plan = plan_call(spec.document, spec.sampler, module_name, operation, variant)
    except AssertionError as error:
        return [str(error)]
    function = getattr(plan.module, variant)
    args, kwargs = list(plan.args), dict(plan.kwargs)
    try:
        if variant.startswith("asyncio"):
            result = asyncio.run(_call_async(spec, function, args, kwargs))
        else:
            with make_client(spec, server) as client:
                result = function(*args, client=client, **kwargs)
    except Exception as error:
        exchanges = server.take()
        seen = "; ".join(f"{e.describe()}: {e.problems}" for e in exchanges) or "no request arrived"
        return [f"raised {type(error).__name__}: {str(error)[:600]} ({seen})"]
    exchanges = server.take()
    problems = check_exchange(plan, exchanges)
    if len(exchanges) == 1 and exchanges[0].operation is operation:
        problems += check_result(plan, result, exchanges[0], function)
    return problems


@pytest.mark.parametrize(("spec_name", "index"), _operations())
def test_operation_is_called_sync_and_async(corpus: Corpus, importable: None, spec_name: str, index: int) -> None:
    spec = corpus.get(spec_name)
    operation = spec.document.operations[index]
    if spec.generated.package is None:
        pytest.fail(f"not generated: {spec.generated.failure()[:600]}")
    module_name = find_module(spec.package_dir, operation)
    problems = []
    for variant in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        problems += [f"{variant}: {p}" for p in _call(spec, operation, module_name, variant)]
    assert not problems, f"{operation.key} ({module_name}):\n" + "\n".join(problems)
