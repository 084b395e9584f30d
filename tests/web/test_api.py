"""The JSON API over real HTTP: schemes, eligibility, and RFC 9457 problems for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx2 as httpx
import pytest

from tests.builders import eligible_uk_yms, hong_kong_window
from tests.web.conftest import LiveServer
from yms.services import accounts
from yms.services.context import ServiceContext


def test_schemes(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/api/v1/schemes")
    assert response.status_code == 200
    ids = {scheme["id"] for scheme in response.json()}
    assert ids == {"uk-yms", "eu-uk-2024", "eu-uk-yes"}


def test_eligibility_is_the_clis_answer(live_server: LiveServer) -> None:
    applicant = eligible_uk_yms()
    response = httpx.post(
        f"{live_server.url}/api/v1/eligibility", json={**applicant, "scheme": "uk-yms"}
    )
    assert response.status_code == 200
    cli = subprocess.run(
        [sys.executable, "-m", "yms", "eligibility", "check", "--scheme", "uk-yms"],
        input=json.dumps(applicant),
        capture_output=True,
        text=True,
        check=True,
    )
    assert response.json() == json.loads(cli.stdout)
    assert response.json()["eligible"] is True


@pytest.mark.parametrize(
    ("body", "status", "kind", "pointer"),
    [
        (b"{not json", 400, "malformed-json", None),
        (b"[1]", 400, "malformed-json", None),
        (json.dumps({"nationality": "AU"}).encode(), 422, "invalid-input", "/scheme"),
        (json.dumps({"scheme": "nope"}).encode(), 422, "invalid-input", "/scheme"),
        (
            json.dumps({"scheme": "uk-yms", "date_of_birth": "2000-02-30"}).encode(),
            422,
            "invalid-input",
            "/date_of_birth",
        ),
        (
            json.dumps({"scheme": "uk-yms", "nationality": "XX"}).encode(),
            422,
            "invalid-input",
            "/nationality",
        ),
        (
            json.dumps({"scheme": "uk-yms", "shoe_size": 9}).encode(),
            422,
            "invalid-input",
            "/shoe_size",
        ),
        (
            json.dumps({"scheme": "uk-yms", "funds": {"amount": "1.234"}}).encode(),
            422,
            "invalid-input",
            "/funds/amount",
        ),
    ],
)
def test_bad_input_is_a_problem_document(
    live_server: LiveServer, body: bytes, status: int, kind: str, pointer: str | None
) -> None:
    response = httpx.post(
        f"{live_server.url}/api/v1/eligibility",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == f"/api/v1/problems/{kind}"
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    if pointer:
        assert pointer in [error["pointer"] for error in problem["errors"]]


def test_an_oversized_body_is_refused(live_server: LiveServer) -> None:
    response = httpx.post(
        f"{live_server.url}/api/v1/eligibility", content=b"{" + b" " * 70_000 + b"}"
    )
    assert response.status_code == 413
    assert response.json()["type"] == "/api/v1/problems/too-large"


def test_unknown_api_paths_are_problems(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_openapi_describes_the_api(live_server: LiveServer) -> None:
    spec = httpx.get(f"{live_server.url}/api/v1/openapi.json").json()
    assert {"/api/v1/schemes", "/api/v1/eligibility"} <= set(spec["paths"])


# --- ballot entry --------------------------------------------------------------------------

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
    accounts.create_account(web_ctx, "bob@example.org", "a good long password")
    refused = httpx.post(
        entries_url(live_server), json=IDENTITY, auth=("bob@example.org", "a good long password")
    )
    assert refused.status_code == 409
    assert "already entered" in refused.json()["detail"]


def test_malformed_entry_json(live_server: LiveServer, entrant: tuple[str, str]) -> None:
    response = httpx.post(entries_url(live_server), content=b"{oops", auth=entrant)
    assert response.status_code == 400
