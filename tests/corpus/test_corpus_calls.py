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

from tests.corpus._calls import check_exchange, check_result, find_module, plan_call
from tests.corpus._corpus import (
    CLIENT_ID,
    CLIENT_SECRET,
    Corpus,
    SpecClient,
    client_keywords,
    credential_keywords,
    credentials_for,
    generator_lines,
    spec_files,
)
from tests.support.spec_server import Document, Operation, SpecServer

pytestmark = pytest.mark.slow  # the generated corpus


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
    keywords, _ = credential_keywords(spec.document, client_keywords(package.Client))
    arguments: dict[str, Any] = {"base_url": server.base_url}
    for name, keyword in keywords.items():
        if client_credentials and keyword == "access_token":
            arguments.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        else:
            arguments[keyword] = secrets[name]
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
    module_name = find_module(spec.package_dir, operation, generator_lines(spec.generated, operation.pointer))
    problems = []
    for variant in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        problems += [f"{variant}: {p}" for p in _call(spec, operation, module_name, variant)]
    assert not problems, f"{operation.key} ({module_name}):\n" + "\n".join(problems)


def _client_credentials_cases() -> list[Any]:
    cases = []
    for spec in spec_files():
        document = Document.load(spec)
        for name, scheme in document.security_schemes().items():
            flow = (scheme.get("flows") or {}).get("clientCredentials") or {}
            if str(flow.get("tokenUrl", "")).startswith("/"):  # an absolute token URL would leave 127.0.0.1
                cases.append(pytest.param(spec.name, name, id=f"{spec.stem}:{name}"))
    return cases


@pytest.mark.parametrize(("spec_name", "scheme"), _client_credentials_cases())
def test_oauth2_client_credentials_fetch_one_token(
    corpus: Corpus, importable: None, spec_name: str, scheme: str
) -> None:
    """With client_id and client_secret instead of a token, the client fetches one token at the spec's
    token URL (served on 127.0.0.1) and every operation secured by the scheme gets it."""
    spec = corpus.get(spec_name)
    if spec.generated.package is None:
        pytest.fail(f"not generated: {spec.generated.failure()[:600]}")
    server = spec.server()
    server.token_requests.clear()
    operations = [op for op in spec.document.operations if any(scheme in r for r in op.security or ())]
    assert operations, f"no operation of {spec_name} uses {scheme}"
    problems = []
    with make_client(spec, server, client_credentials=True) as client:
        for operation in operations:
            module_name = find_module(spec.package_dir, operation, generator_lines(spec.generated, operation.pointer))
            plan = plan_call(spec.document, spec.sampler, module_name, operation, "sync_detailed")
            server.take()
            try:
                plan.module.sync_detailed(*plan.args, client=client, **plan.kwargs)
            except Exception as error:
                problems.append(f"{operation.key}: raised {type(error).__name__}: {error}")
            problems += [f"{operation.key}: {p}" for p in check_exchange(plan, server.take())]
    assert not problems, "\n".join(problems)
    assert len(server.token_requests) == 1, f"token requests: {server.token_requests}"
    assert not server.token_requests[0].problems, server.token_requests[0].problems


@pytest.mark.parametrize("spec_name", [spec.name for spec in spec_files()])
def test_client_takes_every_credential(corpus: Corpus, importable: None, spec_name: str) -> None:
    """Each security scheme of the spec is a keyword of the generated Client (snake_case of the scheme's
    name; an OAuth 2 or OpenID Connect token may also come as access_token)."""
    spec = corpus.get(spec_name)
    if spec.generated.package is None:
        pytest.fail(f"not generated: {spec.generated.failure()[:600]}")
    package = importlib.import_module(spec.generated.package)
    _, missing = credential_keywords(spec.document, client_keywords(package.Client))
    assert not missing, (
        f"{spec.generated.package}.Client{inspect.signature(package.Client)} takes no keyword for: {missing}"
    )


@pytest.mark.parametrize("spec_name", [spec.name for spec in spec_files()])
def test_one_client_calls_every_operation_in_turn(corpus: Corpus, importable: None, spec_name: str) -> None:
    """One client for all of a spec's operations, one after another: nothing of one call (a cookie,
    a header, a credential) may reach the next. Operations that fail on their own are left to the
    test above."""
    spec = corpus.get(spec_name)
    if spec.generated.package is None:
        pytest.fail(f"not generated: {spec.generated.failure()[:600]}")
    server = spec.server()
    problems = []
    with make_client(spec, server) as client:
        for operation in spec.document.operations:
            try:
                module_name = find_module(
                    spec.package_dir, operation, generator_lines(spec.generated, operation.pointer)
                )
                plan = plan_call(spec.document, spec.sampler, module_name, operation, "sync_detailed")
            except (LookupError, AssertionError):
                continue
            server.take()
            try:
                plan.module.sync_detailed(*plan.args, client=client, **plan.kwargs)
            except Exception:
                server.take()
                continue
            alone = check_exchange(plan, server.take())
            problems += [
                f"{operation.key}: {p}" for p in alone if "is not one of the operation's" in p or "were sent to" in p
            ]
    assert not problems, "\n".join(problems)
