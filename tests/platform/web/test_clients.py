"""The client's address: X-Forwarded-For believed only from trusted proxies, read from the right."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from yms.platform.context import ServiceContext
from yms.platform.web.clients import client_of, trusted_networks
from yms.web.app import create_app

PROXIES = trusted_networks("10.0.0.0/8, 192.0.2.7")


@pytest.mark.parametrize(
    ("peer", "header", "client"),
    [
        ("203.0.113.9", None, "203.0.113.9"),  # no proxy
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # a header from anyone is ignored
        ("10.1.2.3", None, "10.1.2.3"),
        ("10.1.2.3", "198.51.100.1", "198.51.100.1"),  # the balancer saw this client
        ("10.1.2.3", "198.51.100.1, 10.9.9.9", "198.51.100.1"),  # two proxies deep
        # A client that writes its own header gains nothing: the right-most untrusted wins.
        ("10.1.2.3", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        ("192.0.2.7", "2001:db8::1", "2001:db8::1"),
        ("10.1.2.3", "10.9.9.9, 10.8.8.8", "10.9.9.9"),  # every hop trusted: the first
        ("10.1.2.3", " , ", "10.1.2.3"),
        ("10.1.2.3", "not-an-address", "not-an-address"),
    ],
)
def test_client_of(peer: str, header: str | None, client: str) -> None:
    assert client_of(peer, header, PROXIES) == client


def test_a_list_that_is_not_addresses_is_refused() -> None:
    with pytest.raises(ValueError, match="does not appear to be"):
        trusted_networks("10.0.0.0/8, the balancer")


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(web_ctx: ServiceContext) -> None:
    app = create_app(web_ctx, trusted_proxies="10.0.0.0/8")
    with TestClient(app, base_url="https://testserver", client=("10.0.0.2", 4000)) as client:

        def check(client_address: str, last: str = "D") -> int:
            return client.post(
                "/api/v1/status-checks",
                # Another unknown code each time: a code's own limit is not what is tested.
                json={"share_code": f"W34 679 AC{last}", "date_of_birth": "2000-01-01"},
                headers={"X-Forwarded-For": client_address},
            ).status_code

        misses = [check("198.51.100.1", last) for last in "34679ACDEFG"]
        assert misses[:10] == [200] * 10
        assert misses[10] == 429  # this client has missed ten times
        assert check("198.51.100.2") == 200  # another client behind the same balancer
