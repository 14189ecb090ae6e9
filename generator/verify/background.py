"""The processes that verify a build, started before the generator loads so that they use the other core.

`Background` holds the second build (second_build) and a warmed-up import probe (import_check);
the command line starts it first thing, and generate / check start their own when not handed one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import settings
from generator.verify.import_check import ImportProbe, warm_modules
from generator.verify.second_build import SecondBuild

if TYPE_CHECKING:
    from generator.build import Inputs

__all__ = ["Background"]


class Background:
    def __init__(
        self,
        *,
        spec: Path,
        templates: Path,
        runtime: Path,
        config: Path = settings.CONFIG_FILE,
        ruff_config: Path = settings.RUFF_CONFIG,
    ) -> None:
        self.second_build = SecondBuild(
            spec=spec, templates=templates, runtime=runtime, config=config, ruff_config=ruff_config
        )
        try:
            self.import_probe = ImportProbe(warm_modules(runtime, templates) if runtime.is_dir() else ())
        except BaseException:
            self.second_build.stop()
            raise

    @classmethod
    def of(cls, inputs: Inputs) -> Background:
        return cls(
            spec=inputs.spec,
            templates=inputs.templates,
            runtime=inputs.runtime,
            config=inputs.config,
            ruff_config=inputs.ruff_config,
        )

    def stop(self) -> None:
        """Ends whatever still runs and removes the temporary folders; safe to call more than once."""
        try:
            self.import_probe.stop()
        finally:
            self.second_build.stop()

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
