"""`genesys-audit`: the command line for the Genesys Cloud Audit API (service mapping, queries, exports)."""

from ._main import main

__all__ = ["main"]
