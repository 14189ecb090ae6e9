"""Shared fixtures (a scripted loopback HTTP server: tests/support/scripted_server.py), and how the
suite is laid out over pytest-xdist's workers (scripts/test.sh runs `-n auto --dist loadgroup`)."""

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.support.scripted_server import ScriptedServer, serving

# Property tests run beside other workers: a slow draw on a busy machine is not a failure of the code.
settings.register_profile("suite", suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    yield from serving()


def _uses_module_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info is not None else ()
    return any(definition.scope == "module" for defs in definitions for definition in defs)


def _group(item: pytest.Item, name: str, config: pytest.Config) -> None:
    item.add_marker(pytest.mark.xdist_group(name))
    # pytest-xdist 3.8 puts the group in `item._nodeid`, which pytest 9 no longer reads (a node's id is
    # `item._id`): without this, loadgroup would hand a group's tests to both workers.
    if getattr(config.option, "loadgroup", False) and "@" not in item.nodeid and hasattr(item, "_id"):
        item._id = type(item._id).parse(f"{item.nodeid}@{name}")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, work that is set up once stays on one worker: the corpus tests share one (the corpus
    is generated once), and a module whose tests share a module-scoped fixture (a generated client, a
    built package, an emulator process) runs on one worker, which sets the fixture up once, not once per
    worker. Modules with a `slow` test come first (xdist hands out larger groups first), so the two
    workers end together instead of one waiting on a long test taken last."""
    slow_modules = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in slow_modules)
    for item in items:
        module = item.nodeid.split("::")[0]
        if module.startswith("tests/corpus/"):
            _group(item, "corpus", config)
        elif _uses_module_fixture(item):
            _group(item, module, config)
