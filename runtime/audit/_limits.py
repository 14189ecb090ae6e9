"""Limits and names the export arguments are checked against, in a module that imports nothing: the
command line's help and parser use them without loading the client."""

from __future__ import annotations

__all__: list[str] = []

#: The most sub-queries a split export plans unless told otherwise (each costs at least three requests).
MAX_SUB_QUERIES = 10_000
#: The span (and the command line's --split) that cuts sub-queries from the data (see `_adaptive`).
AUTO = "auto"
