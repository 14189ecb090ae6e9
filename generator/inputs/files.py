"""The files a build is a function of (with the pinned tool versions): light to import, so the command
line can hand them to the verifying processes before it loads the generator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator import settings

__all__ = ["Inputs"]


@dataclass(frozen=True)
class Inputs:
    """Everything the generated tree is a function of (with the pinned tool versions)."""

    spec: Path = settings.SPEC_FILE
    templates: Path = settings.TEMPLATES_DIR
    runtime: Path = settings.RUNTIME_DIR
    config: Path = settings.CONFIG_FILE
    ruff_config: Path = settings.RUFF_CONFIG
    strict: bool = False  # refuse what would otherwise be left out with a warning

    @property
    def overrides(self) -> Path:
        return self.templates / "OVERRIDES.toml"

    @property
    def paths(self) -> list[Path]:
        """Every input file and folder, the generator's own code included: no output may overlap them."""
        return [self.spec, self.templates, self.runtime, self.config, self.ruff_config, settings.GENERATOR_DIR]
