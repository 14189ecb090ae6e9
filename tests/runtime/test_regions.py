"""Regions, login hosts and base URL safety."""

import pytest
from genesys_cloud_audit import REGIONS, Client, ConfigurationError
from genesys_cloud_audit._core._urls import check_base_url
from genesys_cloud_audit._genesys._regions import api_base_url, login_base_url


@pytest.mark.parametrize("name", sorted(REGIONS))
def test_every_region_maps_to_api_and_login_hosts(name: str) -> None:
    domain = REGIONS[name]
    assert api_base_url(name) == f"https://api.{domain}"
    assert api_base_url(name.replace("_", "-")) == f"https://api.{domain}"
    assert api_base_url(domain) == f"https://api.{domain}"
    assert login_base_url(api_base_url(name)) == f"https://login.{domain}"


def test_region_list_covers_known_genesys_regions() -> None:
    for name in ("us_east_1", "eu_west_1", "eu_central_1", "ap_southeast_2", "us_east_2", "me_central_1"):
        assert name in REGIONS
    assert REGIONS["us_east_2"] == "use2.us-gov-pure.cloud"


def test_unknown_region_is_a_configuration_error_listing_the_names() -> None:
    with pytest.raises(ConfigurationError, match="eu_west_1"):
        api_base_url("mars_north_1")


def test_client_region_sets_api_and_login_hosts() -> None:
    client = Client(region="eu-west-1", client_id="id", client_secret="secret")
    assert client.base_url == "https://api.mypurecloud.ie"
    assert "https://login.mypurecloud.ie/oauth/token" in repr(client)


def test_explicit_base_url_serves_its_own_token_endpoint() -> None:
    client = Client(base_url="http://127.0.0.1:8123/", client_id="id", client_secret="secret")
    assert client.base_url == "http://127.0.0.1:8123"
    assert "token_url='http://127.0.0.1:8123/oauth/token'" in repr(client)
    assert login_base_url("https://audit-proxy.example.com") == "https://audit-proxy.example.com"


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.1:8080", "ftp://127.0.0.1"])
def test_plain_http_is_refused_unless_loopback(url: str) -> None:
    with pytest.raises(ConfigurationError):
        check_base_url(url)
    with pytest.raises(ConfigurationError):
        Client(region="us_east_1", token_url=url + "/oauth/token", client_id="id", client_secret="secret")


@pytest.mark.parametrize("url", ["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "https://a.example"])
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert check_base_url(url) == url
