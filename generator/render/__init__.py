"""Rendering: openapi-python-client with our templates (upstream.py), and the package's own files from
templates/package/ (package_files.py)."""
