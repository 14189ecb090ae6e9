"""Genesys Cloud regions: names, API hosts and login hosts."""

from __future__ import annotations

from types import MappingProxyType
from urllib.parse import urlsplit

from .._core._errors import ConfigurationError

__all__ = ["REGIONS"]

# Region name -> domain; the API host is "api." + domain, the login host "login." + domain.
REGIONS = MappingProxyType(
    {
        "us_east_1": "mypurecloud.com",
        "eu_west_1": "mypurecloud.ie",
        "ap_southeast_2": "mypurecloud.com.au",
        "ap_northeast_1": "mypurecloud.jp",
        "eu_central_1": "mypurecloud.de",
        "us_west_2": "usw2.pure.cloud",
        "ca_central_1": "cac1.pure.cloud",
        "ap_northeast_2": "apne2.pure.cloud",
        "eu_west_2": "euw2.pure.cloud",
        "ap_south_1": "aps1.pure.cloud",
        "us_east_2": "use2.us-gov-pure.cloud",
        "sa_east_1": "sae1.pure.cloud",
        "me_central_1": "mec1.pure.cloud",
        "ap_northeast_3": "apne3.pure.cloud",
        "eu_central_2": "euc2.pure.cloud",
        "mx_central_1": "mxc1.pure.cloud",
        "ap_southeast_1": "apse1.pure.cloud",
        "eusc_de_east_1": "edee1.eusc-pure.cloud",
    }
)
_DOMAINS = frozenset(REGIONS.values())


def api_base_url(region: str) -> str:
    """The API base URL for a region name (``eu_west_1``, ``eu-west-1``) or domain (``mypurecloud.ie``)."""
    key = region.strip().lower()
    name = key.replace("-", "_")
    if name in REGIONS:
        return f"https://api.{REGIONS[name]}"
    domain = key.removeprefix("https://").removeprefix("api.").removeprefix("login.").rstrip("/")
    if domain in _DOMAINS:
        return f"https://api.{domain}"
    known = ", ".join(sorted(REGIONS))
    raise ConfigurationError(f"unknown Genesys Cloud region {region!r}; use a region name ({known}) or its domain")


def login_base_url(api_base: str) -> str:
    """Where /oauth/token lives: ``login.<domain>`` for a Genesys API host, else the base URL's own host.

    Any other host (a loopback emulator, a test server, a proxy) serves the token endpoint itself.
    """
    parts = urlsplit(api_base)
    host = (parts.hostname or "").lower()
    domain = host.removeprefix("api.")
    if host.startswith("api.") and domain in _DOMAINS:
        return f"{parts.scheme}://login.{domain}"
    return f"{parts.scheme}://{parts.netloc}"
