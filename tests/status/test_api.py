"""POST /api/v1/status-checks: the answer as JSON, problems as RFC 9457 documents."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.web import Browser
from tests.status.builders import BORN, granted
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.status import sharing, signing
from yms.status.domain.share_codes import Purpose

URL = "/api/v1/status-checks"


def a_code(ctx: ServiceContext, clock: FixedClock) -> str:
    account, status = granted(ctx, clock)
    return str(sharing.issue_share_code(ctx, account, status.status_ref, Purpose.WORK).code)


def test_a_match_answers_with_a_record_that_verifies_offline(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    code = a_code(web_ctx, clock)
    body = {"share_code": code, "date_of_birth": BORN.isoformat(), "verifier": "Acme"}
    answered = browser.client.post(URL, json=body)
    assert answered.status_code == 200
    answer = answered.json()
    assert answer["match"] is True
    assert answer["valid"] is True
    assert answer["holder_name"] == "Ana Maria Silva"
    assert answer["check_reference"].startswith("CHK-")
    key_set = browser.client.get("/.well-known/jwks.json")
    assert key_set.headers["content-type"] == "application/jwk-set+json"
    credential = signing.verify_record(answer["record"], key_set.json())
    assert credential["credentialSubject"]["checkReference"] == answer["check_reference"]
    assert credential["credentialSubject"]["leaveUntil"] == answer["valid_until"]


def test_a_wrong_date_of_birth_and_an_unknown_code_answer_alike(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    code = a_code(web_ctx, clock)
    wrong = browser.client.post(
        URL, json={"share_code": code, "date_of_birth": (BORN + timedelta(days=1)).isoformat()}
    )
    unknown = browser.client.post(
        URL, json={"share_code": "W34 679 ACD", "date_of_birth": BORN.isoformat()}
    )
    assert wrong.status_code == unknown.status_code == 200
    assert {**wrong.json(), "check_reference": ""} == {**unknown.json(), "check_reference": ""}
    assert set(wrong.json()) == {"check_reference", "checked_at", "purpose", "match"}


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({}, ["/date_of_birth", "/share_code"]),
        ({"share_code": "W34 679 ACD", "date_of_birth": "1 May 2001"}, ["/date_of_birth"]),
        ({"share_code": "not a code", "date_of_birth": "2001-05-17"}, ["/share_code"]),
        ({"share_code": 7, "date_of_birth": "2001-05-17"}, ["/share_code"]),
        ({"share_code": "W34 679 ACD", "date_of_birth": "2001-05-17", "dob": "x"}, ["/dob"]),
        (
            {"share_code": "W34 679 ACD", "date_of_birth": "2001-05-17", "verifier": "x" * 201},
            ["/verifier"],
        ),
    ],
)
def test_bad_fields_are_problems_naming_them(
    browser: Browser, body: dict[str, object], pointers: list[str]
) -> None:
    refused = browser.client.post(URL, json=body)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "/api/v1/problems/invalid-input"
    assert [error["pointer"] for error in problem["errors"]] == pointers


@pytest.mark.parametrize("content", [b"{", b"[]", b'"text"', b"\xff"])
def test_what_is_not_a_json_object_is_a_problem(browser: Browser, content: bytes) -> None:
    refused = browser.client.post(
        URL, content=content, headers={"content-type": "application/json"}
    )
    assert refused.status_code == 400
    assert refused.json()["type"] == "/api/v1/problems/malformed-json"


def test_too_many_misses_are_429_with_retry_after(browser: Browser) -> None:
    body = {"share_code": "W34 679 ACD", "date_of_birth": BORN.isoformat()}
    for _attempt in range(sharing.CODE_MISSES):
        assert browser.client.post(URL, json=body).status_code == 200
    limited = browser.client.post(URL, json=body)
    assert limited.status_code == 429
    assert limited.json()["type"] == "/api/v1/problems/rate-limited"
    assert 0 < int(limited.headers["retry-after"]) <= 3601
