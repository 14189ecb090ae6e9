"""Generates a typed Python client package from an OpenAPI spec, its templates and the runtime layers."""
