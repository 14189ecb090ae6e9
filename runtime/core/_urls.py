"""Base URLs: which are safe to send credentials to, and where a token endpoint lives."""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin, urlsplit

import httpx

from ._errors import ConfigurationError

__all__ = []


def check_base_url(url: str) -> str:
    """Refuses anything but https, except plain http to a loopback address (tests, emulators), and any
    URL carrying credentials (``user:password@``: they would go to the server in place of the token).

    Messages show the URL redacted (see `redact`).
    """
    if not isinstance(url, str):
        raise ConfigurationError(f"a base URL must be a string, not {type(url).__name__}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - validates the port (a number from 0 to 65535)
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as error:
        raise ConfigurationError(f"base URL {url!r} is not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"base URL {url!r} is not an http(s) URL")
    if "@" in parts.netloc:
        raise ConfigurationError(
            f"base URL {url!r} carries credentials (user:password@): give client_id and client_secret instead"
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigurationError(
            f"refusing plain http to {parts.hostname}: credentials would travel unencrypted; use https"
        )
    return url.rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url: str) -> str:
    """``scheme://host[:port]`` of `url`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def resolve_token_url(spec_token_url: str | None, *, base_url: str, spec_base_url: str | None) -> str:
    """Where to fetch tokens for an API at `base_url`.

    The spec's token URL (relative ones resolve against the base URL) when the client talks to the
    spec's own server; when the base URL was changed (an emulator, a proxy, a test server), the same
    path on the new base URL's host, so credentials never travel to a host the caller did not name.
    """
    path = "/oauth/token"
    if spec_token_url:
        absolute = urlsplit(spec_token_url).scheme != ""
        if not absolute:
            return check_base_url(urljoin(base_url + "/", spec_token_url))
        if spec_base_url is not None and base_url == spec_base_url.rstrip("/"):
            return check_base_url(spec_token_url)
        path = urlsplit(spec_token_url).path or path
    return origin(base_url) + path
