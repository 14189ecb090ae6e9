"""generator.inputs.api_config: the names and version a package gets, from the spec's config or its info.

A name the package could not be imported under, or one that would hide a module it needs, is refused with
the place to fix it (the config file, or the spec's line and the config key that would override it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import settings
from generator.errors import GenerationError
from generator.inputs.api_config import ApiConfig, load_api_config
from generator.inputs.imports import package_dependencies
from generator.notices import Notices
from generator.spec import load_spec


def _spec(tmp_path: Path, title: str = "Widgets API", version: str = "1.2.0", config: str | None = None) -> Path:
    spec = tmp_path / "widgets.yaml"
    spec.write_text(
        f"openapi: 3.1.0\ninfo:\n  title: {title!r}\n  version: {version!r}\npaths: {{}}\n", encoding="utf-8"
    )
    if config is not None:
        spec.with_suffix(".toml").write_text(config, encoding="utf-8")
    return spec


def _load(spec: Path) -> ApiConfig:
    return load_api_config(load_spec(spec), needed=package_dependencies(settings.RUNTIME_DIR, settings.TEMPLATES_DIR))


def _refused(spec: Path) -> str:
    with pytest.raises(GenerationError) as caught:
        _load(spec)
    return str(caught.value)


@pytest.mark.parametrize(
    ("title", "package", "distribution"),
    [
        ("Widgets API", "widgets_api", "widgets-api"),
        ("Ünïcode Café API", "unicode_cafe_api", "unicode-cafe-api"),  # accents folded, not split off
        ("Shapes & Trees — v2", "shapes_trees_v2", "shapes-trees-v2"),
        ("日本語", "api", "api"),  # nothing ASCII in it
    ],
)
def test_names_come_from_the_title(tmp_path: Path, title: str, package: str, distribution: str) -> None:
    config = _load(_spec(tmp_path, title))
    assert (config.package, config.distribution) == (package, distribution)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("JSON", "package name 'json' would hide the standard library's json module"),
        ("Typing", "package name 'typing' would hide the standard library's typing module"),
        ("HTTPX", "package name 'httpx' would hide httpx, which the generated package needs"),
        ("Attrs", "package name 'attrs' would hide attrs, which the generated package needs"),
        ("2048 Game API", "package name '2048_game_api' starts with a digit"),
        ("Class", "package name 'class' is a Python keyword"),
    ],
)
def test_a_title_that_gives_an_unusable_package_name_says_where_to_name_it(
    tmp_path: Path, title: str, expected: str
) -> None:
    spec = _spec(tmp_path, title)
    message = _refused(spec)
    assert message.startswith(f"{spec}:3: at /info/title: "), message
    assert expected in message, message
    assert "set package in widgets.toml" in message, message


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('package = "json"', "package name 'json' would hide the standard library's json module"),
        ('package = "sys"', "package name 'sys' would hide the standard library's sys module"),
        ('package = "wïdgets"', "package name 'wïdgets' is not a lower-case ASCII Python identifier"),
        ('package = "Widgets"', "package name 'Widgets' is not a lower-case ASCII Python identifier"),
        ('package = "_widgets"', "package name '_widgets' starts with an underscore"),
        ('package = "def"', "package name 'def' is a Python keyword"),
        ('version = "2023-10-16"', "version '2023-10-16' is not a PEP 440 version (such as 1.2.0)"),
        ('version = "1..0"', "version '1..0' is not a PEP 440 version"),
        ('distribution = "a b"', "distribution name 'a b' is not a valid project name"),
    ],
)
def test_a_config_value_that_cannot_be_installed_or_imported_is_refused(
    tmp_path: Path, config: str, expected: str
) -> None:
    message = _refused(_spec(tmp_path, config=config + "\n"))
    assert message.startswith(f"{tmp_path / 'widgets.toml'}:1: "), message
    assert expected in message, message


@pytest.mark.parametrize(
    ("written", "nearest"),
    [
        ("2023-10-16", "2023.10.16"),
        ("1.0.27-SNAPSHOT", "1.0.27.dev0"),
        ("4.0.0-M1", "4.0.0"),
        ("latest", "0.1.0"),
        ("2.1-beta-SNAPSHOT", "2.1b0"),
        ("3.2.1.final", "3.2.1"),
    ],
)
def test_a_version_from_the_spec_that_pip_refuses_becomes_the_nearest_with_a_notice(
    tmp_path: Path, written: str, nearest: str
) -> None:
    spec = _spec(tmp_path, version=written)
    notices = Notices()
    config = load_api_config(load_spec(spec), notices)
    assert config.version == nearest
    [said] = [str(notice) for notice in notices.items]
    assert said.startswith(f"notice: {spec}:4: at /info/version: version {written!r} is not one pip reads"), said
    assert f"the package is version {nearest} (set version in widgets.toml" in said, said


def test_a_version_the_config_gives_must_be_valid(tmp_path: Path) -> None:
    spec = _spec(tmp_path, config='version = "2023-10-16"\n')
    assert "version '2023-10-16' is not a PEP 440 version" in _refused(spec)


@pytest.mark.parametrize(("version", "kept"), [("v2", "v2"), ("1.0.0-beta.1", "1.0.0-beta.1"), ("2.0", "2.0")])
def test_a_pep_440_version_is_kept_as_written(tmp_path: Path, version: str, kept: str) -> None:
    assert _load(_spec(tmp_path, version=version)).version == kept


def test_a_config_that_is_not_toml_names_its_line(tmp_path: Path) -> None:
    message = _refused(_spec(tmp_path, config='package = "a"\npackage = "b"\n'))
    assert message.startswith(f"{tmp_path / 'widgets.toml'}:2: not valid TOML: "), message
