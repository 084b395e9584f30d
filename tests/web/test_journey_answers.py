"""Journey answers (a passport number, a date of birth) last no longer than the visit they serve.

They go when the browser closes (a session cookie), on signing in and out, and once the
ballot entry they were typed for is made.
"""

from __future__ import annotations

from typing import Any

from tests.ballot.builders import BROWSER_IDENTITY, hong_kong_window
from tests.fixtures.web import Browser, sign_in
from yms.accounts import services as accounts
from yms.platform.context import ServiceContext
from yms.platform.web import sessions
from yms.platform.web.session_middleware import COOKIE

PASSWORD = "a good long password"
WINDOW = "hk-2026-1"


def answers(browser: Browser, ctx: ServiceContext) -> dict[str, Any]:
    """What the server keeps for the browser's session now."""
    session = sessions.load(ctx, browser.client.cookies[COOKIE])
    assert session is not None
    return session.data


def type_identity(browser: Browser) -> None:
    browser.get(f"/ballots/{WINDOW}/enter")
    typed = browser.post(f"/ballots/{WINDOW}/enter", BROWSER_IDENTITY)
    assert typed.headers["location"] == f"/ballots/{WINDOW}/check-answers"


def test_the_session_cookie_ends_with_the_browser(browser: Browser) -> None:
    # Defect: the cookie carried Max-Age, so answers outlived "close your browser".
    response = browser.get("/sign-in")
    [cookie] = response.headers.get_list("set-cookie")
    assert cookie.startswith(f"{COOKIE}=")
    assert "max-age" not in cookie.lower()
    assert "expires" not in cookie.lower()
    assert "HttpOnly" in cookie
    assert "Secure" in cookie


def test_signing_in_clears_the_answers_typed_before(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    # Defect: the answers of "Check if you can apply" followed the visitor into the account.
    accounts.create_account(web_ctx, "ana@example.org", PASSWORD, confirmed=True)
    browser.get("/check/scheme")
    browser.post("/check/scheme", {"scheme": "uk-yms"})
    browser.post("/check/nationality", {"nationality": "AU"})
    assert answers(browser, web_ctx)["check"]
    sign_in(browser, "ana@example.org")
    assert answers(browser, web_ctx) == {}


def test_signing_out_clears_the_answers_typed_while_signed_in(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    # Defect: a passport number typed for a ballot stayed in the session after signing out.
    hong_kong_window(web_ctx)
    accounts.create_account(web_ctx, "ana@example.org", PASSWORD, confirmed=True)
    sign_in(browser, "ana@example.org")
    type_identity(browser)
    assert answers(browser, web_ctx)[f"entry:{WINDOW}"]["passport_normalised"] == "K12345678"
    browser.get("/account")
    assert browser.post("/sign-out").headers["location"] == "/signed-out"
    assert answers(browser, web_ctx) == {}


def test_entering_a_ballot_clears_the_identity_it_was_entered_with(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    # Defect: after the entry, the session still held the passport number and date of birth.
    hong_kong_window(web_ctx)
    accounts.create_account(web_ctx, "ana@example.org", PASSWORD, confirmed=True)
    sign_in(browser, "ana@example.org")
    type_identity(browser)
    browser.get(f"/ballots/{WINDOW}/check-answers")
    entered = browser.post(f"/ballots/{WINDOW}/confirm")
    assert entered.headers["location"] == f"/ballots/{WINDOW}/entered"
    kept = str(answers(browser, web_ctx))
    for typed in ("K12345678", "K1234", "2001", "HK"):
        assert typed not in kept
    # A second press of "Enter the ballot", or the back button, still finds the same entry.
    again = browser.post(f"/ballots/{WINDOW}/confirm")
    assert again.headers["location"] == f"/ballots/{WINDOW}/entered"
    back = browser.get(f"/ballots/{WINDOW}/check-answers", follow_redirects=False)
    assert back.headers["location"] == f"/ballots/{WINDOW}/entered"
    assert "k 1234 5678" not in browser.get(f"/ballots/{WINDOW}/enter").text.lower()
