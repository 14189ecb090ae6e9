"""The Audit API's workflows: one-call exports, split exports over long intervals, and the CLI.

Built on the generated operations, the Genesys platform layer and the core. The `__all__` of the
modules `layer.toml` lists are re-exported from the generated package's root.
"""
