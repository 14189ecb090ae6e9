"""The Genesys Cloud client: a region or base URL, tokens from the region's login host, Genesys error bodies.

Genesys's own CLI and Terraform provider read the same environment variables as `Client.from_env`:
GENESYSCLOUD_REGION for the region and, as Genesys's CX as Code tools do, GENESYSCLOUD_API_REGION for the
API base URL itself (``https://api.mypurecloud.ie``, or a local emulator's address).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Self, Unpack

from .._core._client import Client as _CoreClient
from .._core._client import ClientOptions
from .._core._errors import ConfigurationError, ErrorFields
from .._core._urls import check_base_url
from ._errors import read_error_body
from ._regions import api_base_url, login_base_url

__all__ = ["Client"]


class Client(_CoreClient):
    """A Genesys Cloud API client (sync and async alike).

    Args:
        region: A region name (``eu_west_1``) or domain (``mypurecloud.ie``); default us_east_1.
        base_url: An explicit API base URL, overriding the region (a loopback emulator, a proxy).
            Plain http is accepted only for loopback addresses.
        client_id, client_secret: OAuth client credentials; the token is fetched on first use from
            ``login.<region domain>/oauth/token``, or from the base URL's own host when it is not a
            Genesys API host.
        The other arguments are the core client's: access_token, auth, token_url, timeout, retry,
        rate_limit (default 300 requests a minute, Genesys's limit per client-credentials token)
        and httpx_args.
    """

    DEFAULT_RATE_LIMIT: ClassVar[int | None] = 300
    ENVIRONMENT: ClassVar[Mapping[str, str]] = MappingProxyType(
        {
            "client_id": "GENESYSCLOUD_OAUTHCLIENT_ID",
            "client_secret": "GENESYSCLOUD_OAUTHCLIENT_SECRET",
            "region": "GENESYSCLOUD_REGION",
            "base_url": "GENESYSCLOUD_API_REGION",
        }
    )

    def __init__(
        self, *, region: str | None = None, base_url: str | None = None, **options: Unpack[ClientOptions]
    ) -> None:
        if not base_url:
            base_url = api_base_url(region) if region else (self.DEFAULT_BASE_URL or api_base_url("us_east_1"))
        super().__init__(base_url=base_url, **options)

    def _token_url(self) -> str:
        return login_base_url(self.base_url) + "/oauth/token"

    def read_error(self, body: Mapping[str, Any]) -> ErrorFields:
        return read_error_body(body)

    @classmethod
    def from_env(cls, *, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """A client configured as Genesys's CLI and Terraform provider are.

        Reads ``GENESYSCLOUD_OAUTHCLIENT_ID``, ``GENESYSCLOUD_OAUTHCLIENT_SECRET``,
        ``GENESYSCLOUD_REGION`` (default us_east_1) and ``GENESYSCLOUD_API_REGION`` (an API base URL,
        which wins over the region); keyword arguments override them. A bad value is named by its variable.
        """
        env = os.environ if environ is None else environ
        if "region" in overrides and "base_url" not in overrides:
            overrides["base_url"] = None  # a region given in code wins over a base URL in the environment

        def check(key: str, valid: Callable[[str], object]) -> str:
            """The variable's value, checked, unless a keyword argument overrides it."""
            value = "" if key in overrides else env.get(cls.ENVIRONMENT[key], "").strip()
            if value:
                try:
                    valid(value)
                except ConfigurationError as error:
                    raise ConfigurationError(f"{cls.ENVIRONMENT[key]}: {error}") from None
            return value

        if not check("base_url", check_base_url) and "base_url" not in overrides:
            check("region", api_base_url)  # a base URL wins over the region
        return super().from_env(environ=environ, **overrides)
