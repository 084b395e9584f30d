"""Entering a ballot through the JSON API, over real HTTP."""

from __future__ import annotations

import httpx2 as httpx
import pytest

from tests.ballot.builders import hong_kong_window
from tests.fixtures.web import LiveServer
from yms.accounts import services as accounts
from yms.platform.context import ServiceContext

IDENTITY = {"passport_number": "K1234 5678", "nationality": "hk", "date_of_birth": "2001-04-03"}


@pytest.fixture
def entrant(web_ctx: ServiceContext) -> tuple[str, str]:
    hong_kong_window(web_ctx)
    accounts.create_account(web_ctx, "ana@example.org", "a good long password", confirmed=True)
    return ("ana@example.org", "a good long password")


def entries_url(server: LiveServer, window: str = "hk-2026-1") -> str:
    return f"{server.url}/api/v1/ballot-windows/{window}/entries"


def test_an_applicant_enters_by_api(live_server: LiveServer, entrant: tuple[str, str]) -> None:
    first = httpx.post(entries_url(live_server), json=IDENTITY, auth=entrant)
    assert first.status_code == 201, first.text
    body = first.json()
    assert set(body) == {"ref", "window", "entered_at", "seed_commitment"}
    again = httpx.post(entries_url(live_server), json=IDENTITY, auth=entrant)
    assert again.status_code == 200
    assert again.json()["ref"] == body["ref"]


@pytest.mark.parametrize(
    ("auth", "status"),
    [
        (None, 401),
        (("ana@example.org", "wrong password"), 401),
        (("nobody@x.org", "whatever pw"), 401),
    ],
)
@pytest.mark.usefixtures("entrant")
def test_entry_needs_the_applicants_credentials(
    live_server: LiveServer, auth: tuple[str, str] | None, status: int
) -> None:
    response = httpx.post(entries_url(live_server), json=IDENTITY, auth=auth)
    assert response.status_code == status
    assert response.headers["www-authenticate"].startswith("Basic")
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.usefixtures("entrant")
def test_operators_do_not_enter(live_server: LiveServer, web_ctx: ServiceContext) -> None:
    accounts.create_account(web_ctx, "op@example.org", "a good long password", role="operator")
    response = httpx.post(
        entries_url(live_server), json=IDENTITY, auth=("op@example.org", "a good long password")
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("window", "body", "status", "pointer"),
    [
        ("hk-2026-1", {**IDENTITY, "passport_number": "K1"}, 422, "/passport_number"),
        ("hk-2026-1", {**IDENTITY, "nationality": "FR"}, 422, "/nationality"),
        ("hk-2026-1", {**IDENTITY, "date_of_birth": "2001-02-30"}, 422, "/date_of_birth"),
        ("hk-2026-1", {**IDENTITY, "shoe_size": "9"}, 422, "/shoe_size"),
        ("hk-2026-1", {"passport_number": "K12345678"}, 422, "/nationality"),
        ("nope", IDENTITY, 404, None),
    ],
)
def test_bad_entries_are_problems(
    live_server: LiveServer,
    entrant: tuple[str, str],
    window: str,
    body: dict[str, str],
    status: int,
    pointer: str | None,
) -> None:
    response = httpx.post(entries_url(live_server, window), json=body, auth=entrant)
    assert response.status_code == status, response.text
    problem = response.json()
    if pointer:
        assert pointer in [error["pointer"] for error in problem["errors"]]


def test_a_second_account_with_the_same_identity_is_refused(
    live_server: LiveServer, web_ctx: ServiceContext, entrant: tuple[str, str]
) -> None:
    assert httpx.post(entries_url(live_server), json=IDENTITY, auth=entrant).status_code == 201
    accounts.create_account(web_ctx, "bob@example.org", "a good long password", confirmed=True)
    refused = httpx.post(
        entries_url(live_server), json=IDENTITY, auth=("bob@example.org", "a good long password")
    )
    assert refused.status_code == 409
    assert "already entered" in refused.json()["detail"]


def test_malformed_entry_json(live_server: LiveServer, entrant: tuple[str, str]) -> None:
    response = httpx.post(entries_url(live_server), content=b"{oops", auth=entrant)
    assert response.status_code == 400


def test_an_unconfirmed_account_cannot_enter(
    live_server: LiveServer, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    accounts.create_account(web_ctx, "cy@example.org", "a good long password")
    refused = httpx.post(
        entries_url(live_server), json=IDENTITY, auth=("cy@example.org", "a good long password")
    )
    assert refused.status_code == 409
    assert "Confirm your email address before you enter a ballot" in refused.json()["detail"]


def test_previous_participation_may_be_given_and_is_checked(
    live_server: LiveServer, entrant: tuple[str, str]
) -> None:
    been = httpx.post(
        entries_url(live_server), json={**IDENTITY, "previous_participation": True}, auth=entrant
    )
    assert been.status_code == 409
    assert "(YMS 3.3)" in been.json()["detail"]
    odd = httpx.post(
        entries_url(live_server), json={**IDENTITY, "previous_participation": "no"}, auth=entrant
    )
    assert odd.status_code == 422
    assert odd.json()["errors"][0]["pointer"] == "/previous_participation"


DEEP = b"[" * 30_000 + b"]" * 30_000


@pytest.mark.parametrize(
    "body",
    [
        b'{"passport_number": "K1234\xff5678", "nationality": "HK", "date_of_birth": "2001-04-03"}',
        b"\xff\xfe{\x00}\x00",
        b'{"passport_number": "K\xed\xa0\x80", "nationality": "HK", "date_of_birth": "2001-04-03"}',
        DEEP,
        b'{"passport_number": ' + DEEP + b"}",
        b'{"passport_number": ' + b"9" * 5000 + b"}",
        b"NaN",
    ],
    ids=["invalid-utf8", "utf16", "surrogate", "deep", "deep-field", "huge-number", "nan"],
)
def test_json_that_cannot_be_read_safely_is_malformed(
    live_server: LiveServer, entrant: tuple[str, str], body: bytes
) -> None:
    response = httpx.post(
        entries_url(live_server),
        content=body,
        headers={"content-type": "application/json"},
        auth=entrant,
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/api/v1/problems/malformed-json"
