"""Role checks on every route, tested as a matrix: anonymous, applicant, caseworkers, operator.

Every route of the app must appear below, so a new route cannot go unchecked.
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.fixtures.web import Browser, sign_up_and_in
from yms.platform.context import ServiceContext
from yms.web.app import create_app

# path -> who may open it: "anyone", "applicant", "operator", or "staff" (caseworker and
# senior caseworker alike)
GET_ROUTES = {
    "/": "anyone",
    "/healthz": "anyone",
    "/readyz": "anyone",
    "/metrics": "anyone",  # from the networks in YMS_METRICS_FROM only: tests/web/test_metrics.py
    "/check": "anyone",
    "/check/{slug}": "anyone",
    "/schemes": "anyone",
    "/schemes/{scheme_id}": "anyone",
    "/ballots": "anyone",
    "/ballots/{window_id}": "anyone",
    "/ballots/{window_id}/record.json": "anyone",
    "/accessibility": "anyone",
    "/privacy": "anyone",
    "/contact": "anyone",
    "/sign-up": "anyone",
    "/confirm-email": "anyone",
    "/confirm-email/{token}": "anyone",
    "/sign-in": "anyone",
    "/signed-out": "anyone",
    "/reset-password": "anyone",
    "/reset-password/{token}": "anyone",
    "/account": "applicant",
    "/applications": "applicant",
    "/applications/{case_ref}": "applicant",
    "/applications/{case_ref}/{slug}": "applicant",
    "/applications/{case_ref}/continue": "applicant",
    "/applications/{case_ref}/evidence/{kind}": "applicant",
    "/applications/{case_ref}/check-answers": "applicant",
    "/applications/{case_ref}/declaration": "applicant",
    "/applications/{case_ref}/payment-return": "applicant",
    "/applications/{case_ref}/confirmation": "applicant",
    "/applications/{case_ref}/withdraw": "applicant",
    "/applications/{case_ref}/reply": "applicant",
    "/applications/{case_ref}/review": "applicant",
    "/applications/{case_ref}/decision": "applicant",
    "/status": "applicant",
    "/apply/{invitation_ref}": "applicant",
    "/apply/new": "applicant",
    "/invitations/{invitation_ref}": "applicant",
    "/ballots/{window_id}/enter": "applicant",
    "/ballots/{window_id}/check-answers": "applicant",
    "/ballots/{window_id}/entered": "applicant",
    "/fake-pay/{payment_id}": "anyone",
    "/operator": "operator",
    "/operator/outbox": "operator",
    "/operator/brakes": "operator",
    "/operator/statistics": "operator",
    "/statistics": "anyone",
    "/statistics/simulator": "anyone",
    "/statistics/{quarter}.{extension}": "anyone",
    "/operator/ballots": "operator",
    "/operator/ballots/new": "operator",
    "/operator/ballots/{window_id}": "operator",
    "/casework": "staff",
    "/casework/{case_ref}": "staff",
    "/casework/{case_ref}/evidence/{evidence_id}": "staff",
    "/casework/{case_ref}/{action}": "staff",  # back to the case: an action's address as a page
    "/api/v1/schemes": "anyone",
    "/share-codes": "applicant",
    "/account/tokens": "applicant",
    "/share-codes/new": "applicant",
    "/share-codes/{code_id}/revoke": "applicant",
    "/check-a-status": "anyone",
    "/check-a-status/{check_ref}": "anyone",
    "/check-a-status/{check_ref}/record.jwt": "anyone",
    "/check-a-status/{check_ref}/print": "anyone",
    "/.well-known/jwks.json": "anyone",
}
# Form posts: all need the session's CSRF token.
FORM_POSTS = {
    "/check/{slug}",
    "/sign-up",
    "/confirm-email",
    "/confirm-email/{token}",
    "/sign-in",
    "/sign-out",
    "/reset-password",
    "/reset-password/{token}",
    "/ballots/{window_id}/enter",
    "/ballots/{window_id}/confirm",
    "/invitations/{invitation_ref}",
    "/applications/{case_ref}/{slug}",
    "/applications/{case_ref}/evidence/{kind}",
    "/applications/{case_ref}/declaration",
    "/applications/{case_ref}/withdraw",
    "/applications/{case_ref}/reply",
    "/applications/{case_ref}/review",
    "/casework/{case_ref}/request-evidence",
    "/casework/{case_ref}/grant",
    "/casework/{case_ref}/refuse",
    "/casework/{case_ref}/confirm-refusal",
    "/casework/{case_ref}/return-refusal",
    "/casework/{case_ref}/review",
    "/operator/brakes/release",
    "/operator/ballots/new",
    "/operator/ballots/{window_id}/close",
    "/operator/ballots/{window_id}/draw",
    "/operator/ballots/{window_id}/publish",
    "/operator/ballots/{window_id}/invite",
    "/fake-pay/{payment_id}",
    "/apply/new",
    "/share-codes/new",
    "/share-codes/{code_id}/revoke",
    "/check-a-status",
    "/account/tokens",
    "/account/tokens/{token_id}/revoke",
}
API_POSTS = {
    "/api/v1/eligibility",
    "/api/v1/ballot-windows/{window_id}/entries",
    "/api/v1/status-checks",
}
SAMPLE = {
    "{slug}": "scheme",
    "{scheme_id}": "uk-yms",
    "{window_id}": "none",
    "{token}": "made-up",
    "{case_ref}": "YMS-00000-00000",
    "{kind}": "passport",
    "{invitation_ref}": "ITA-0000-0000-0000",
    "{payment_id}": "none",
    "{evidence_id}": "1",
    "{code_id}": "1",
    "{check_ref}": "CHK-0000-0000-0000",
    "{action}": "grant",
    "{token_id}": "tok_0000",
    "{quarter}": "2026Q3",
    "{extension}": "csv",
}
STAFF = {"caseworker", "senior_caseworker"}


def concrete(path: str) -> str:
    for placeholder, value in SAMPLE.items():
        path = path.replace(placeholder, value)
    return path


def routes(ctx: ServiceContext) -> set[tuple[str, str]]:
    """Every (method, path) of the app's routers (included without a further prefix)."""
    app = create_app(ctx)
    found = set()
    for included in app.routes:
        router = getattr(included, "original_router", None)
        for route in getattr(router, "routes", []):
            if isinstance(route, APIRoute):
                found |= {(method, route.path) for method in route.methods}
    return found


def test_every_route_is_in_the_matrix(web_ctx: ServiceContext) -> None:
    listed = {("GET", path) for path in GET_ROUTES} | {
        ("POST", path) for path in FORM_POSTS | API_POSTS
    }
    assert routes(web_ctx) == listed


@pytest.mark.parametrize(
    "who", ["anyone", "applicant", "caseworker", "senior_caseworker", "operator"]
)
@pytest.mark.parametrize("path", sorted(GET_ROUTES))
def test_who_can_open_what(browser: Browser, web_ctx: ServiceContext, who: str, path: str) -> None:
    if who != "anyone":
        sign_up_and_in(browser, web_ctx, f"{who}@example.org", role=who)
    response = browser.get(concrete(path), follow_redirects=False)
    needed = GET_ROUTES[path]
    if needed in ("anyone", who) or (needed == "staff" and who in STAFF):
        assert response.status_code in {200, 303, 400, 404}, response.status_code
    elif who == "anyone":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/sign-in?next=")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("path", sorted(FORM_POSTS))
def test_every_form_needs_the_csrf_token(web_ctx: ServiceContext, path: str) -> None:
    with TestClient(create_app(web_ctx), base_url="https://testserver") as client:
        client.get("/sign-in")  # a session, but no token sent with the form
        response = client.post(concrete(path), data={"email": "a@example.org"})
        assert response.status_code == 400
        assert "Your page has expired" in response.text
