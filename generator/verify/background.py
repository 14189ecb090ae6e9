"""The processes that verify a build, started before the generator loads so that they use the other core.

`Background` holds the second build (second_build) and a warmed-up import probe (import_check);
the command line starts it first thing, and generate / check start their own when not handed one.
"""

from __future__ import annotations

from typing import Any

from generator.inputs.files import Inputs
from generator.inputs.imports import UPSTREAM_TEMPLATES, imported_modules
from generator.verify.import_check import ImportProbe
from generator.verify.second_build import SecondBuild

__all__ = ["Background"]


class Background:
    def __init__(self, inputs: Inputs) -> None:
        self.second_build = SecondBuild(inputs)
        try:
            self.import_probe = ImportProbe(
                imported_modules(inputs.runtime, inputs.templates, UPSTREAM_TEMPLATES)
                if inputs.runtime.is_dir()
                else ()
            )
        except BaseException:
            self.second_build.stop()
            raise

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
