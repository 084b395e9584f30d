"""The eligibility check in the JSON API over real HTTP: the CLI's answer, problems otherwise."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx2 as httpx
import pytest

from tests.eligibility.builders import eligible_uk_yms
from tests.fixtures.web import LiveServer


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
        (b'{"scheme": "uk-yms\xff"}', 400, "malformed-json", None),  # not UTF-8
        (b"[" * 30_000 + b"]" * 30_000, 400, "malformed-json", None),  # nested 30,000 deep
        (b'{"scheme": ' + b"[" * 30_000 + b"]" * 30_000 + b"}", 400, "malformed-json", None),
        (b'{"scheme": "uk-yms", "funds": ' + b"9" * 5000 + b"}", 400, "malformed-json", None),
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
            json.dumps({"scheme": "eu-uk-2024", "declarations": {"no-such-thing": True}}).encode(),
            422,
            "invalid-input",
            "/declarations/no-such-thing",
        ),
        (
            json.dumps(
                {"scheme": "eu-uk-2024", "declarations": {"travel-document": "yes"}}
            ).encode(),
            422,
            "invalid-input",
            "/declarations/travel-document",
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
