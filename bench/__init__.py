"""Side-by-side benchmark of the generated client, the raw httpx floor and the official SDK.

Run ``python -m bench`` from the repository root (see bench/README.md).
"""

__all__: list[str] = []
