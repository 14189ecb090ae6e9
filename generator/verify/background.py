"""The processes that verify a build, started before the generator loads so that they use the other core.

`Background` holds the validation of the spec against the OpenAPI schema (inputs.openapi_schema), a warmed-up
import probe (import_check) and, for `check`, the second build that proves the
output reproducible (second_build); the command line starts it first thing, and generate / check start
their own when not handed one. `generate` leaves reproducibility to `check` (which CI runs): a second
build costs as much as the first.
"""

from __future__ import annotations

from typing import Any

from generator.inputs.files import Inputs
from generator.inputs.imports import UPSTREAM_TEMPLATES, imported_modules
from generator.inputs.openapi_schema import SchemaCheck
from generator.verify.import_check import ImportProbe
from generator.verify.second_build import SecondBuild

__all__ = ["Background"]


class Background:
    """The verifying processes of one run: an import probe, and for `check` a second build (`reproduce`)."""

    def __init__(self, inputs: Inputs, *, reproduce: bool = True) -> None:
        self.schema_check = SchemaCheck(inputs.spec)
        self.second_build = SecondBuild(inputs) if reproduce else None
        try:
            self.import_probe = ImportProbe(
                imported_modules(inputs.runtime, inputs.templates, UPSTREAM_TEMPLATES)
                if inputs.runtime.is_dir()
                else ()
            )
        except BaseException:
            self.schema_check.stop()
            if self.second_build is not None:
                self.second_build.stop()
            raise

    def stop(self) -> None:
        """Ends whatever still runs and removes the temporary folders; safe to call more than once."""
        try:
            self.import_probe.stop()
            self.schema_check.stop()
        finally:
            if self.second_build is not None:
                self.second_build.stop()

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
