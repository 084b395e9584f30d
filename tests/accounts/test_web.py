"""Journey 2 over HTTP: sign up, confirm, sign in and out, reset; sessions rotate; limits hold."""

from __future__ import annotations

import pytest

from tests.fixtures.web import Browser, inbox, sign_up_and_in
from yms.accounts import services as accounts
from yms.platform.context import ServiceContext

PASSWORD = "a good long password"


def emails(ctx: ServiceContext, address: str) -> list[str]:
    return [m.personalisation["link"] for m in inbox(ctx, address)]


def test_sign_up_confirm_and_see_the_account(browser: Browser, web_ctx: ServiceContext) -> None:
    browser.get("/sign-up")
    response = browser.post("/sign-up", {"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Check your email" in response.text
    [link] = emails(web_ctx, "ana@example.org")
    confirmed = browser.get(link.removeprefix(web_ctx.public_url), follow_redirects=False)
    assert confirmed.headers["location"] == "/account?confirmed=1"
    page = browser.get("/account?confirmed=1")
    assert "Your email address is confirmed" in page.text
    assert "Signed in as ana@example.org" in page.text


def test_the_same_page_whether_or_not_the_address_has_an_account(browser: Browser) -> None:
    browser.get("/sign-up")
    first = browser.post("/sign-up", {"email": "ana@example.org", "password": PASSWORD})
    browser.get("/sign-up")
    second = browser.post("/sign-up", {"email": "ana@example.org", "password": PASSWORD})
    strip = lambda html: html.replace(browser.csrf, "")  # noqa: E731 - a one-off
    assert strip(first.text) == strip(second.text)
    browser.get("/reset-password")
    known = browser.post("/reset-password", {"email": "ana@example.org"})
    browser.get("/reset-password")
    unknown = browser.post("/reset-password", {"email": "bob@example.org"})
    assert strip(known.text) == strip(unknown.text)


def test_sign_in_rotates_the_session_and_sign_out_ends_it(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    browser.get("/sign-in")
    before = browser.client.cookies.get("__Host-yms_session")
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    after = browser.client.cookies.get("__Host-yms_session")
    assert before
    assert after
    assert before != after
    assert (
        browser.client.get(
            "/account", headers={"cookie": f"__Host-yms_session={after}"}
        ).status_code
        == 200
    )
    browser.get("/account")
    assert browser.post("/sign-out").headers["location"] == "/signed-out"
    assert (
        browser.get("/account", follow_redirects=False)
        .headers["location"]
        .startswith("/sign-in?next=/account")
    )
    # The signed-in cookie is worthless once signed out.
    browser.client.cookies.clear()
    replayed = browser.client.get(
        "/account", headers={"cookie": f"__Host-yms_session={after}"}, follow_redirects=False
    )
    assert replayed.status_code == 303
    assert replayed.headers["location"].startswith("/sign-in")


@pytest.mark.parametrize(
    ("email", "password"),
    [("ana@example.org", "wrong password!"), ("bob@example.org", PASSWORD), ("", "")],
)
def test_a_failed_sign_in_says_one_thing(
    browser: Browser, web_ctx: ServiceContext, email: str, password: str
) -> None:
    accounts.sign_up(web_ctx, "ana@example.org", PASSWORD)
    browser.get("/sign-in")
    response = browser.post("/sign-in", {"email": email, "password": password})
    assert response.status_code == 400
    assert "Enter the email address and password of your account" in response.text
    assert 'href="#email"' in response.text


def test_sign_in_goes_back_where_it_was_asked_but_only_on_this_site(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    accounts.sign_up(web_ctx, "ana@example.org", PASSWORD)
    for target, expected in [("/ballots", "/ballots"), ("//evil.example", "/account")]:
        browser.get("/sign-in")
        response = browser.post(
            "/sign-in", {"email": "ana@example.org", "password": PASSWORD, "next": target}
        )
        assert response.headers["location"] == expected


def test_password_reset_by_link(browser: Browser, web_ctx: ServiceContext) -> None:
    accounts.sign_up(web_ctx, "ana@example.org", PASSWORD)
    browser.get("/reset-password")
    browser.post("/reset-password", {"email": "ana@example.org"})
    link = emails(web_ctx, "ana@example.org")[0].removeprefix(web_ctx.public_url)
    browser.get(link)
    too_short = browser.post(link, {"password": "short"})
    assert too_short.status_code == 400
    assert "10 characters or more" in too_short.text
    assert browser.post(link, {"password": "my new long password"}).headers["location"] == (
        "/account?reset=1"
    )
    browser.get(link)
    again = browser.post(link, {"password": "my newer long password"})
    assert again.status_code == 400
    assert "already been used" in again.text


def test_sign_in_is_rate_limited(browser: Browser) -> None:
    browser.get("/sign-in")
    codes = [
        browser.post(
            "/sign-in", {"email": "x@example.org", "password": "nope nope nope"}
        ).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429


def test_the_outbox_is_for_operators_and_never_shows_a_link(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    # Defect: the outbox showed each message's body, live confirmation and reset links in it.
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    assert browser.get("/operator/outbox").status_code == 403
    accounts.request_password_reset(web_ctx, "ana@example.org")
    accounts.sign_up(web_ctx, "ana@example.org", PASSWORD)
    accounts.sign_up(web_ctx, "bob@example.org", PASSWORD)
    links = [
        link
        for link in emails(web_ctx, "ana@example.org") + emails(web_ctx, "bob@example.org")
        if "/confirm-email/" in link or "/reset-password/" in link
    ]
    assert len(links) == 3  # ana's confirmation and reset, bob's confirmation
    operator = Browser(browser.client)
    browser.client.cookies.clear()
    sign_up_and_in(operator, web_ctx, "op@example.org", role="operator")
    page = operator.get("/operator/outbox")
    assert page.status_code == 200
    for link in links:
        assert link.rsplit("/", 1)[1] not in page.text
    assert "/confirm-email/" not in page.text
    assert "/reset-password/" not in page.text
    for subject in ("Confirm your email address", "Reset your password"):
        assert subject in page.text
    assert "ana@example.org" in page.text
    assert "A link was sent" in page.text
