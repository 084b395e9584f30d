"""The role checks every route goes through: signed out, the wrong role, one of the roles."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import FastAPI, HTTPException, Request

from yms.platform.web.access import SignInRequiredError, require_any_role, require_role

ROLES = {"acct_cw": "caseworker", "acct_senior": "senior_caseworker", "acct_app": "applicant"}


def request_of(account_id: str | None, *, path: str = "/casework", query: str = "") -> Request:
    app = FastAPI()
    app.state.role_of = ROLES.get
    request = Request(
        {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": query.encode(),
            "headers": [],
            "app": app,
        }
    )
    request.state.visit = SimpleNamespace(account_id=account_id)
    return request


def test_signed_out_is_sent_to_sign_in_and_back() -> None:
    with pytest.raises(SignInRequiredError) as raised:
        require_any_role(request_of(None, query="state=refused"), {"caseworker"})
    assert raised.value.detail == "/casework%3Fstate%3Drefused"


def test_a_role_not_listed_is_forbidden() -> None:
    with pytest.raises(HTTPException) as raised:
        require_any_role(request_of("acct_app"), {"caseworker", "senior_caseworker"})
    assert raised.value.status_code == 403


def test_an_unknown_account_is_forbidden() -> None:
    with pytest.raises(HTTPException) as raised:
        require_any_role(request_of("acct_gone"), {"caseworker"})
    assert raised.value.status_code == 403


@pytest.mark.parametrize("account_id", ["acct_cw", "acct_senior"])
def test_any_listed_role_is_let_in(account_id: str) -> None:
    assert require_any_role(request_of(account_id), {"caseworker", "senior_caseworker"}) == (
        account_id
    )


def test_require_role_is_one_role_of_one() -> None:
    assert require_role(request_of("acct_cw"), "caseworker") == "acct_cw"
    with pytest.raises(HTTPException):
        require_role(request_of("acct_senior"), "caseworker")
