"""The ballot pages in the portal: entering, mistakes beside the fields, refusals."""

from __future__ import annotations

from tests.ballot.builders import BROWSER_IDENTITY as IDENTITY
from tests.ballot.builders import enter_in_browser as enter
from tests.ballot.builders import hong_kong_window
from tests.fixtures.web import Browser, sign_in, sign_up_and_in
from yms.accounts.services import create_account
from yms.ballot.services.entries import entries_of
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def test_entering_a_ballot(browser: Browser, web_ctx: ServiceContext) -> None:
    window = hong_kong_window(web_ctx)
    account = sign_up_and_in(browser, web_ctx, "ana@example.org")
    ref = enter(browser)
    entered = browser.get("/ballots/hk-2026-1/entered").text
    assert window.seed_commitment in entered
    # Submitting again (a double click, a reload) gives the same entry.
    assert browser.post("/ballots/hk-2026-1/confirm").headers["location"].endswith("/entered")
    assert [e.ref for e in entries_of(web_ctx, account)] == [ref]


def test_entry_mistakes_are_shown_next_to_the_fields(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    browser.get("/ballots/hk-2026-1/enter")
    response = browser.post(
        "/ballots/hk-2026-1/enter",
        {
            "passport-number": "",
            "nationality": "FR",
            "date-of-birth-day": "31",
            "date-of-birth-month": "6",
            "date-of-birth-year": "2001",
        },
    )
    assert response.status_code == 400
    for field, message in [
        ("passport-number", "Enter your passport number"),
        ("nationality", "Select the nationality on your passport"),
        ("date-of-birth", "Date of birth must be a real date"),
    ]:
        assert f'<a href="#{field}">{message}</a>' in response.text


def test_the_same_person_from_another_account_is_refused(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    enter(browser)
    browser.client.cookies.clear()
    sign_up_and_in(browser, web_ctx, "again@example.org")
    browser.get("/ballots/hk-2026-1/enter")
    browser.post("/ballots/hk-2026-1/enter", IDENTITY)
    browser.get("/ballots/hk-2026-1/check-answers")
    refused = browser.post("/ballots/hk-2026-1/confirm")
    assert refused.status_code == 409
    assert "already entered this ballot" in refused.text


def test_a_closed_ballot_takes_no_entries(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window = hong_kong_window(web_ctx)
    clock.instant = window.closes_at
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    assert browser.get("/ballots/hk-2026-1/enter").status_code == 409


def test_an_unconfirmed_account_is_told_to_confirm_before_typing_anything(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    # Defect: the refusal came only after the identity was typed, with no way to a new link.
    hong_kong_window(web_ctx)
    create_account(web_ctx, "new@example.org", "a good long password")
    sign_in(browser, "new@example.org")
    page = browser.get("/ballots/hk-2026-1/enter")
    assert page.status_code == 403
    assert "Confirm your email address before you enter a ballot" in page.text
    assert 'href="/confirm-email"' in page.text
    assert "passport-number" not in page.text
    confirmed = browser.post("/ballots/hk-2026-1/confirm")  # straight to the button: the same
    assert confirmed.status_code == 403
    assert 'href="/confirm-email"' in confirmed.text


def test_an_unconfirmed_account_is_warned_on_its_own_page(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    create_account(web_ctx, "new@example.org", "a good long password")
    sign_in(browser, "new@example.org")
    home = browser.get("/account").text
    assert "Confirm your email address before you enter a ballot or apply" in home
    assert 'href="/confirm-email"' in home


def test_a_refused_entrant_can_go_back_and_correct_a_mistyped_date(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    browser.get("/ballots/hk-2026-1/enter")
    too_old = {**IDENTITY, "date-of-birth-year": "1990"}
    browser.post("/ballots/hk-2026-1/enter", too_old)
    refused = browser.post("/ballots/hk-2026-1/confirm")
    assert refused.status_code == 409
    assert 'href="/ballots/hk-2026-1/check-answers"' in refused.text
    answers = browser.get("/ballots/hk-2026-1/check-answers")
    assert answers.status_code == 200
    assert "1990" in answers.text


def test_a_refusal_says_where_to_write(browser: Browser, web_ctx: ServiceContext) -> None:
    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    enter(browser)
    sign_up_and_in(browser, web_ctx, "bo@example.org")  # the same person, another account
    browser.get("/ballots/hk-2026-1/enter")
    browser.post("/ballots/hk-2026-1/enter", IDENTITY)
    refused = browser.post("/ballots/hk-2026-1/confirm")
    assert "tell us through the contact page" in refused.text
    assert 'href="/contact"' in refused.text
