"""An address with a control character in it is no page: 404, on SQLite and PostgreSQL alike.

PostgreSQL refuses a NUL in text, so ``/ballots/%00`` once reached the database
and came back a 500.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.ballot.builders import hong_kong_window
from tests.fixtures.web import Browser, sign_up_and_in
from yms.accounts import services as accounts
from yms.platform.context import ServiceContext
from yms.web.app import create_app

PAGES = [
    "/ballots/%00",
    "/ballots/%00/enter",
    "/invitations/%00",
    "/apply/%00",
    "/applications/%00",
    "/applications/%00/name",
    "/applications/AB12/evidence/%00",
    "/confirm-email/%00",
    "/reset-password/a%0Ab",
    "/fake-pay/%7F",
]


@pytest.fixture
def signed_in(ctx: ServiceContext) -> Iterator[Browser]:
    hong_kong_window(ctx)
    with TestClient(create_app(ctx), base_url="https://testserver") as client:
        browser = Browser(client)
        sign_up_and_in(browser, ctx, "ana@example.org")
        yield browser


@pytest.mark.parametrize("path", PAGES)
def test_a_page_with_a_control_character_is_not_found(signed_in: Browser, path: str) -> None:
    response = signed_in.get(path, follow_redirects=False)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_an_api_address_with_a_control_character_is_not_found(
    signed_in: Browser, ctx: ServiceContext
) -> None:
    accounts.create_account(ctx, "bo@example.org", "a good long password", confirmed=True)
    response = signed_in.client.post(
        "/api/v1/ballot-windows/hk%00/entries",
        json={"passport_number": "K12345678", "nationality": "HK", "date_of_birth": "2001-04-03"},
        auth=("bo@example.org", "a good long password"),
    )
    assert response.status_code == 404
    assert response.json()["type"] == "/api/v1/problems/not-found"
