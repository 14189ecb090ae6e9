"""Regenerates the Genesys Cloud Audit client from spec/, templates/ and runtime/."""
