"""The Genesys Cloud platform: regions, login hosts, GENESYSCLOUD_* variables and error bodies.

Shared by every Genesys Cloud API; it builds on the generic core and knows nothing of one API.
The `__all__` of the modules `layer.toml` lists are re-exported from the generated package's root.
"""
