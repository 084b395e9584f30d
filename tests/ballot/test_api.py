"""Entering a ballot through the JSON API, over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx2 as httpx
import pytest

from tests.ballot.builders import hong_kong_window
from tests.fixtures.web import LiveServer
from yms.accounts import access_tokens
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.web.ratelimit import DEFAULT_LIMITS

IDENTITY = {"passport_number": "K1234 5678", "nationality": "hk", "date_of_birth": "2001-04-03"}


def bearer(
    ctx: ServiceContext, email: str, *, confirmed: bool = True, role: Role = Role.APPLICANT
) -> dict[str, str]:
    """The headers of a new account's new access token."""
    account_id = accounts.create_account(
        ctx, email, "a good long password", confirmed=confirmed, role=role
    )
    issued = access_tokens.create_access_token(ctx, account_id, name="test")
    return {"authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def entrant(web_ctx: ServiceContext) -> dict[str, str]:
    hong_kong_window(web_ctx)
    return bearer(web_ctx, "ana@example.org")


def entries_url(server: LiveServer, window: str = "hk-2026-1") -> str:
    return f"{server.url}/api/v1/ballot-windows/{window}/entries"


def test_an_applicant_enters_by_api(live_server: LiveServer, entrant: dict[str, str]) -> None:
    first = httpx.post(entries_url(live_server), json=IDENTITY, headers=entrant)
    assert first.status_code == 201, first.text
    body = first.json()
    assert set(body) == {"ref", "window", "entered_at", "seed_commitment"}
    again = httpx.post(entries_url(live_server), json=IDENTITY, headers=entrant)
    assert again.status_code == 200
    assert again.json()["ref"] == body["ref"]


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer yms_at_not-a-token-anyone-was-given",
        "Bearer",
        "Basic YW5hQGV4YW1wbGUub3JnOmEgZ29vZCBsb25nIHBhc3N3b3Jk",  # a password is not enough
    ],
)
@pytest.mark.usefixtures("entrant")
def test_entry_needs_an_access_token(live_server: LiveServer, authorization: str | None) -> None:
    headers = {"authorization": authorization} if authorization else {}
    response = httpx.post(entries_url(live_server), json=IDENTITY, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"


def test_a_revoked_or_expired_token_lets_no_one_in(
    live_server: LiveServer, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    hong_kong_window(web_ctx)
    account_id = accounts.create_account(
        web_ctx, "ana@example.org", "a good long password", confirmed=True
    )
    revoked = access_tokens.create_access_token(web_ctx, account_id, name="old")
    access_tokens.revoke_access_token(web_ctx, account_id, revoked.id)
    brief = access_tokens.create_access_token(web_ctx, account_id, name="brief", days=1)
    clock.instant += timedelta(days=1)
    for token in (revoked, brief):
        headers = {"authorization": f"Bearer {token.secret}"}
        response = httpx.post(entries_url(live_server), json=IDENTITY, headers=headers)
        assert response.status_code == 401, token.name


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
    entrant: dict[str, str],
    window: str,
    body: dict[str, str],
    status: int,
    pointer: str | None,
) -> None:
    response = httpx.post(entries_url(live_server, window), json=body, headers=entrant)
    assert response.status_code == status, response.text
    problem = response.json()
    if pointer:
        assert pointer in [error["pointer"] for error in problem["errors"]]


def test_a_second_account_with_the_same_identity_is_refused(
    live_server: LiveServer, web_ctx: ServiceContext, entrant: dict[str, str]
) -> None:
    assert httpx.post(entries_url(live_server), json=IDENTITY, headers=entrant).status_code == 201
    bob = bearer(web_ctx, "bob@example.org")
    refused = httpx.post(entries_url(live_server), json=IDENTITY, headers=bob)
    assert refused.status_code == 409
    assert "already entered" in refused.json()["detail"]


def test_malformed_entry_json(live_server: LiveServer, entrant: dict[str, str]) -> None:
    response = httpx.post(entries_url(live_server), content=b"{oops", headers=entrant)
    assert response.status_code == 400


def test_an_unconfirmed_account_cannot_enter(
    live_server: LiveServer, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    cy = bearer(web_ctx, "cy@example.org", confirmed=False)
    refused = httpx.post(entries_url(live_server), json=IDENTITY, headers=cy)
    assert refused.status_code == 409
    assert "Confirm your email address before you enter a ballot" in refused.json()["detail"]


def test_previous_participation_may_be_given_and_is_checked(
    live_server: LiveServer, entrant: dict[str, str]
) -> None:
    been = httpx.post(
        entries_url(live_server), json={**IDENTITY, "previous_participation": True}, headers=entrant
    )
    assert been.status_code == 409
    assert "(YMS 3.3)" in been.json()["detail"]
    odd = httpx.post(
        entries_url(live_server), json={**IDENTITY, "previous_participation": "no"}, headers=entrant
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
    live_server: LiveServer, entrant: dict[str, str], body: bytes
) -> None:
    response = httpx.post(
        entries_url(live_server),
        content=body,
        headers={"content-type": "application/json", **entrant},
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/api/v1/problems/malformed-json"


def test_a_retry_with_its_idempotency_key_gets_the_first_answer(
    live_server: LiveServer, entrant: dict[str, str]
) -> None:
    keyed = {**entrant, "idempotency-key": "5f0c2a9e-0b1d-4d1e-9f57-2b6f3c1e8a11"}
    first = httpx.post(entries_url(live_server), json=IDENTITY, headers=keyed)
    retry = httpx.post(entries_url(live_server), json=IDENTITY, headers=keyed)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    unkeyed = httpx.post(entries_url(live_server), json=IDENTITY, headers=entrant)
    assert unkeyed.status_code == 200  # a new request, told the entry was made before
    assert unkeyed.json()["ref"] == first.json()["ref"]
    other = {**IDENTITY, "passport_number": "K87654321"}
    reused = httpx.post(entries_url(live_server), json=other, headers=keyed)
    assert reused.status_code == 422
    assert reused.json()["errors"][0]["pointer"] == "/idempotency_key"


@pytest.mark.parametrize("key", ["", "a" * 65, "has space", "slash/", "semi;colon"])
def test_a_malformed_idempotency_key_is_a_problem(
    live_server: LiveServer, entrant: dict[str, str], key: str
) -> None:
    headers = {**entrant, "idempotency-key": key}
    response = httpx.post(entries_url(live_server), json=IDENTITY, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/Idempotency-Key"


def test_one_account_is_limited_whatever_address_it_comes_from(
    live_server: LiveServer, entrant: dict[str, str]
) -> None:
    limit = DEFAULT_LIMITS["ballot-entry-account"].attempts
    answers = [
        httpx.post(entries_url(live_server), json=IDENTITY, headers=entrant).status_code
        for _ in range(limit + 1)
    ]
    assert answers[:limit] == [201] + [200] * (limit - 1)
    over = httpx.post(entries_url(live_server), json=IDENTITY, headers=entrant)
    assert over.status_code == 429
    assert 1 <= int(over.headers["retry-after"]) <= DEFAULT_LIMITS["ballot-entry-account"].seconds
