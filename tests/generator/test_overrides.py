"""Every upstream template we replace is recorded, and the record still matches the pinned upstream file."""

from __future__ import annotations

from dataclasses import replace
from importlib.resources import files

from generator import settings
from generator.inputs.templates_check import load_overrides, stale_overrides


def test_the_pinned_upstream_templates_still_match_the_record() -> None:
    overrides = load_overrides(settings.OVERRIDES_FILE)
    stale = stale_overrides(overrides)
    assert not stale, "upstream changed; review these overrides against it: " + ", ".join(
        f"{o.template} ({o.upstream_file} is now {sha})" for o, sha in stale
    )


def test_a_changed_upstream_file_is_noticed() -> None:
    override = load_overrides(settings.OVERRIDES_FILE)[0]
    tampered = replace(override, upstream_sha256="0" * 64)
    assert stale_overrides([tampered]) == [(tampered, override.upstream_sha256)]


def test_every_override_is_a_real_upstream_template_at_the_pinned_version() -> None:
    overrides = load_overrides(settings.OVERRIDES_FILE)
    recorded = {o.template for o in overrides}
    for path in settings.TEMPLATES_DIR.rglob("*.jinja"):
        name = path.relative_to(settings.TEMPLATES_DIR).as_posix()
        is_upstream = files("openapi_python_client").joinpath("templates", name).is_file()
        assert is_upstream == (name in recorded), name
    for override in overrides:
        assert override.upstream_version == settings.PINNED_VERSIONS["openapi-python-client"]
        assert (settings.TEMPLATES_DIR / override.template).is_file()
        assert override.upstream_file == f"templates/{override.template}"
        assert "Upstream: openapi-python-client 0.29.1" in (settings.TEMPLATES_DIR / override.template).read_text()
