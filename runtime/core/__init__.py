"""The generic client core: any OpenAPI document's operations are called through it.

Client (base URL, OAuth 2 client credentials, timeouts, retries, rate limit), the error hierarchy,
paging and waiting. It knows nothing of a particular API or platform: the generated `Client`
subclass carries what the spec says (server, token URL), and a platform layer may sit in between.
The `__all__` of the modules `layer.toml` lists are re-exported from the generated package's root.
"""
