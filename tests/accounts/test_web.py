"""Journey 2 over HTTP: sign up, confirm, sign in and out, reset; sessions rotate; limits hold."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.web import Browser, inbox, sign_in, sign_up_and_in
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.mail import outbox as notifications

PASSWORD = "a good long password"


def emails(ctx: ServiceContext, address: str) -> list[str]:
    return [m.personalisation["link"] for m in inbox(ctx, address)]


def test_sign_up_confirm_and_sign_in(browser: Browser, web_ctx: ServiceContext) -> None:
    browser.get("/sign-up")
    response = browser.post("/sign-up", {"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Check your email" in response.text
    [link] = emails(web_ctx, "ana@example.org")
    path = link.removeprefix(web_ctx.public_url)
    asked = browser.get(path)
    assert asked.status_code == 200
    assert f'action="{path}"' in asked.text
    confirmed = browser.post(path)
    assert confirmed.status_code == 200
    assert "Your email address is confirmed" in confirmed.text
    assert 'href="/sign-in"' in confirmed.text
    twice = browser.post(path)  # the button pressed again, or the page reloaded
    assert twice.status_code == 400
    assert "This link has already been used." in twice.text
    sign_in(browser, "ana@example.org")
    page = browser.get("/account")
    assert "Signed in as ana@example.org" in page.text


def test_a_confirmation_link_never_signs_the_visitor_in(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    # Defect (login CSRF): opening someone's link signed the visitor in to their account.
    accounts.sign_up(web_ctx, "mallory@example.org", PASSWORD)
    accounts.sign_up(web_ctx, "eve@example.org", PASSWORD)
    accounts.create_account(web_ctx, "bob@example.org", PASSWORD, confirmed=True)
    mallory = emails(web_ctx, "mallory@example.org")[0].removeprefix(web_ctx.public_url)
    eve = emails(web_ctx, "eve@example.org")[0].removeprefix(web_ctx.public_url)
    browser.get(mallory)
    assert "Your email address is confirmed" in browser.post(mallory).text
    assert (
        browser.get("/account", follow_redirects=False).headers["location"].startswith("/sign-in")
    )
    sign_in(browser, "bob@example.org")
    browser.get(eve)
    assert "Your email address is confirmed" in browser.post(eve).text
    assert "Signed in as bob@example.org" in browser.get("/account").text


def test_opening_a_confirmation_link_does_not_spend_it(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    # Defect: an e-mail scanner (or a visit cut short) opening the link used it up, unconfirmed.
    accounts.sign_up(web_ctx, "ana@example.org", PASSWORD)
    path = emails(web_ctx, "ana@example.org")[0].removeprefix(web_ctx.public_url)
    with TestClient(browser.client.app, base_url="https://testserver") as scanner:
        assert scanner.get(path, follow_redirects=False).status_code == 200
    assert browser.get(path).status_code == 200
    assert "Your email address is confirmed" in browser.post(path).text
    assert accounts.sign_in(web_ctx, "ana@example.org", PASSWORD).email_confirmed


def test_a_used_confirmation_link_offers_a_new_confirmation_link(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    # Defect: its "Get a new link" went to /reset-password.
    accounts.sign_up(web_ctx, "ana@example.org", PASSWORD)
    path = emails(web_ctx, "ana@example.org")[0].removeprefix(web_ctx.public_url)
    accounts.confirm_email(web_ctx, path.rsplit("/", 1)[1])
    for page in (browser.get(path), browser.get("/confirm-email/made-up")):
        assert page.status_code == 400
        assert "There is a problem with this link" in page.text
        assert 'href="/reset-password"' not in page.text
        assert 'href="/confirm-email"' in page.text
        assert 'href="/sign-in"' in page.text
    assert "This link has already been used." in browser.get(path).text
    page = browser.get("/confirm-email")
    assert "Get a new confirmation link" in page.text


def test_sending_the_confirmation_link_again_says_the_same_for_any_address(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    accounts.sign_up(web_ctx, "ana@example.org", PASSWORD)
    accounts.create_account(web_ctx, "bob@example.org", PASSWORD, confirmed=True)
    pages = []
    for address in ("ana@example.org", "bob@example.org", "carol@example.org"):
        browser.get("/confirm-email")
        answer = browser.post("/confirm-email", {"email": address})
        assert answer.status_code == 200
        pages.append(answer.text.replace(browser.csrf, ""))
    assert pages[0] == pages[1] == pages[2]
    assert "Check your email" in pages[0]
    again, first = inbox(web_ctx, "ana@example.org")
    assert again.template_id == first.template_id == notifications.CONFIRM_EMAIL
    assert again.personalisation["link"] != first.personalisation["link"]
    assert inbox(web_ctx, "bob@example.org")[0].template_id == notifications.ALREADY_CONFIRMED
    assert inbox(web_ctx, "carol@example.org")[0].template_id == (
        notifications.NO_ACCOUNT_TO_CONFIRM
    )
    browser.get("/confirm-email")
    wrong = browser.post("/confirm-email", {"email": "ana@"})
    assert wrong.status_code == 400
    assert 'href="#email"' in wrong.text


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
    assert "Choose a new password" in browser.get(link).text
    too_short = browser.post(link, {"password": "short"})
    assert too_short.status_code == 400
    assert "10 characters or more" in too_short.text
    assert browser.post(link, {"password": "my new long password"}).headers["location"] == (
        "/account?reset=1"
    )
    assert "Your password has been changed" in browser.get("/account?reset=1").text
    again = browser.post(link, {"password": "my newer long password"})
    assert again.status_code == 400
    assert "already been used" in again.text


@pytest.mark.parametrize("case", ["used", "expired", "unknown"])
def test_a_reset_link_that_cannot_work_says_so_before_a_password_is_typed(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock, case: str
) -> None:
    # Defect: the "Choose a new password" form showed, and the problem only after typing one.
    accounts.sign_up(web_ctx, "ana@example.org", PASSWORD)
    accounts.request_password_reset(web_ctx, "ana@example.org")
    path = emails(web_ctx, "ana@example.org")[0].removeprefix(web_ctx.public_url)
    if case == "used":
        accounts.reset_password(web_ctx, path.rsplit("/", 1)[1], "my new long password")
    elif case == "expired":
        clock.instant += accounts.RESET_FOR
    else:
        path = "/reset-password/garbage"
    page = browser.get(path)
    assert page.status_code == 400
    assert "There is a problem with this link" in page.text
    reason = {"used": "already been used", "expired": "expired", "unknown": "not valid"}[case]
    assert reason in page.text
    assert 'name="password"' not in page.text
    assert 'href="/reset-password"' in page.text


def test_a_password_reset_ends_every_other_session_of_the_account(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    with TestClient(browser.client.app, base_url="https://testserver") as client:
        resetting = Browser(client)
        resetting.get("/reset-password")
        resetting.post("/reset-password", {"email": "ana@example.org"})
        path = emails(web_ctx, "ana@example.org")[0].removeprefix(web_ctx.public_url)
        resetting.get(path)
        assert resetting.post(path, {"password": "my new long password"}).status_code == 303
        assert resetting.get("/account", follow_redirects=False).status_code == 200
    assert (
        browser.get("/account", follow_redirects=False).headers["location"].startswith("/sign-in")
    )


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


def test_an_operator_signing_in_lands_on_the_operator_page(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    # Defect: sign-in sent every account to /account, which is 403 for an operator.
    accounts.create_account(web_ctx, "op@example.org", PASSWORD, role=Role.OPERATOR, confirmed=True)
    for sent in ({}, {"next": "/account"}):
        browser.get("/sign-in")
        signed_in = browser.post(
            "/sign-in", {"email": "op@example.org", "password": PASSWORD, **sent}
        )
        assert signed_in.headers["location"] == "/operator"
    assert 'name="next" value=""' in browser.get("/sign-in").text
    home = browser.get("/operator")
    assert home.status_code == 200
    assert 'href="/operator/outbox"' in home.text
    assert 'href="/ballots"' in home.text
    assert ">Operations</a>" in home.text  # the header leads to the operator's home
    assert 'href="/account"' not in home.text


def test_an_applicant_signing_in_lands_on_their_account(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    accounts.create_account(web_ctx, "ana@example.org", PASSWORD, confirmed=True)
    sign_in(browser, "ana@example.org")
    home = browser.get("/account")
    assert home.status_code == 200
    assert 'href="/account"' in home.text
    assert 'href="/operator"' not in home.text
    assert browser.get("/operator").status_code == 403


def test_sign_up_shows_every_mistake_at_once(browser: Browser) -> None:
    browser.get("/sign-up")
    page = browser.post("/sign-up", {"email": "not an address", "password": "short"})
    assert page.status_code == 400
    assert '<a href="#email">Enter an email address in the correct format' in page.text
    assert '<a href="#password">Password must be 10 characters or more</a>' in page.text


def test_signing_in_lands_on_the_page_asked_for_with_its_query(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    browser.get("/account")
    assert browser.post("/sign-out").headers["location"] == "/signed-out"
    asked = "/apply/new?scheme=uk-yms&arrangement=AU-GB"
    page = browser.get(asked)  # follows to the sign-in page
    assert 'name="next"' in page.text
    next_field = re.search(r'name="next" value="([^"]*)"', page.text)
    assert next_field is not None
    response = browser.post(
        "/sign-in",
        {"email": "ana@example.org", "password": PASSWORD, "next": html.unescape(next_field[1])},
    )
    assert response.headers["location"] == asked
