"""Public classes report the package root as their module (tracebacks, class reprs, pickles), and every
`.status` an error carries is an HTTP status code (an int)."""

from __future__ import annotations

import pickle
import subprocess
import sys
import traceback

import genesys_cloud_audit as package
import pytest
from genesys_cloud_audit import ApiError, ConfigurationError, GenesysCloudError, RetryPolicy, WaitFailedError
from genesys_cloud_audit.api.audit import get_audits_query_servicemapping as servicemapping

from tests.support.clients import make_client
from tests.support.scripted_server import ScriptedServer, json_response

ROOT = package.__name__


def exported_classes() -> list[tuple[str, type]]:
    found = [(name, getattr(package, name)) for name in package.__all__]
    return [(name, value) for name, value in found if isinstance(value, type)]


def test_the_classes_of_the_core_the_platform_and_every_error_report_the_package_root() -> None:
    checked = []
    for name, cls in exported_classes():
        defined_in = package._MODULES[name]
        if defined_in.startswith(("._core.", "._genesys.")) or issubclass(cls, GenesysCloudError):
            assert cls.__module__ == ROOT, f"{name} reports {cls.__module__}"
            assert repr(cls) == f"<class '{ROOT}.{cls.__qualname__}'>"
            assert getattr(package, cls.__qualname__) is cls
            assert pickle.loads(pickle.dumps(cls)) is cls
            checked.append(name)
    assert {"ApiError", "ConfigurationError", "CheckpointError", "PagingError", "RetryPolicy", "Secret"} <= set(checked)


def test_a_traceback_names_the_public_class() -> None:
    try:
        package.Client(base_url="ftp://example.com", access_token="abcdefgh")
    except ConfigurationError as error:
        text = "".join(traceback.format_exception(error))
    assert text.splitlines()[-1] == f"{ROOT}.ConfigurationError: base URL 'ftp://example.com' is not an http(s) URL"
    assert "_core" not in text.splitlines()[-1]


def test_an_uncaught_error_in_a_fresh_interpreter_shows_the_public_name() -> None:
    code = f"from {ROOT} import RetryPolicy\nRetryPolicy(max_attempts=0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stderr.splitlines()[-1].startswith(f"{ROOT}.ConfigurationError: max_attempts must be")


def test_instances_of_published_classes_pickle_by_reference() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert pickle.loads(pickle.dumps(policy)) == policy
    error = WaitFailedError("tx-1", "Failed", {"state": "Failed"})
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.resource_id, copy.state, copy.resource, str(copy)) == (
        "tx-1",
        "Failed",
        {"state": "Failed"},
        "tx-1 ended in state Failed",
    )


def test_wait_failed_error_carries_the_last_poll_as_resource_and_no_status() -> None:
    error = WaitFailedError("tx-1", "Cancelled", object())
    assert not hasattr(error, "status") and error.resource is not None


@pytest.mark.parametrize("status", [400, 401, 404, 409, 429, 500, 503, 418])
def test_every_api_error_status_is_an_int(scripted_server: ScriptedServer, status: int) -> None:
    scripted_server.set_default("GET", "/api/v2/audits/query/servicemapping", json_response(status, {"status": "x"}))
    with make_client(scripted_server, retry=RetryPolicy(max_attempts=1)) as client, pytest.raises(ApiError) as caught:
        servicemapping.sync(client=client)
    assert type(caught.value.status) is int and caught.value.status == status
    assert type(pickle.loads(pickle.dumps(caught.value)).status) is int
