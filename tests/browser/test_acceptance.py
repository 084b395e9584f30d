"""Issue 9's acceptance journeys in Chromium: a way through for everyone, no place taken by another.

Each test sets up its state through the services (the builders) and drives only
the part under test through the browser; every page reached is scanned with
axe-core, and a screenshot of the key step is kept in $YMS_SHOTS (if set) to look at.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.applications.builders import draft, restarted
from tests.ballot.builders import entry, hong_kong_window
from tests.browser.conftest import Visit
from tests.browser.test_journeys import PASSWORD, PDF, PNG, fill_date, sign_in
from tests.fixtures.web import LiveServer
from yms.accounts import services as accounts
from yms.applications.services import cases, drafts
from yms.ballot.services.entries import enter_ballot, entries_of
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

EMAIL = "ana@example.org"


def shot(visit: Visit, name: str) -> None:
    """Keep a screenshot of the page now shown, when $YMS_SHOTS names a folder."""
    folder = os.environ.get("YMS_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def quick_to_fail(visit: Visit) -> None:
    """A missing element fails the test in seconds, not the default half-minute."""
    visit.page.set_default_timeout(5000)


def applicant(ctx: ServiceContext, *, confirmed: bool = True) -> str:
    return accounts.create_account(ctx, EMAIL, PASSWORD, confirmed=confirmed)


def field_error(visit: Visit, field: str) -> str:
    """The error message shown beside the field whose id is `field`."""
    return visit.page.locator(f"#{field}-error").inner_text()


# --- (a) an Australian applies directly and pays ------------------------------------------


def answer_every_question(visit: Visit) -> None:
    """The application's questions, answered right first time, and the two uploads."""
    page = visit.page
    page.get_by_label("Given names").fill("Jack")
    page.get_by_label("Family name").fill("Smith")
    visit.submit()
    fill_date(visit, "date-of-birth", "28", "2", "1999")
    visit.submit()
    page.get_by_label("Passport number").fill("PA1234567")
    fill_date(visit, "passport-expiry", "1", "1", "2033")
    visit.submit()
    for _question in range(2):  # previously on the scheme; children
        page.get_by_label("No").check()
        visit.submit()
    page.get_by_label("How much money do you have").fill("2600")
    page.get_by_label("For how many days").fill("40")
    fill_date(visit, "latest-statement", "20", "11", "2026")
    visit.submit()
    for name, kind, content in (
        ("passport.png", "image/png", PNG),
        ("statement.pdf", "application/pdf", PDF),
    ):
        page.locator("input[type=file]").set_input_files(
            {"name": name, "mimeType": kind, "buffer": content}
        )
        visit.submit()


def pay(visit: Visit) -> str:
    """From the check-answers page: declare, pay at the fake provider; the case reference."""
    page = visit.page
    page.get_by_role("button", name="Continue").click()
    visit.check()
    page.get_by_label("The information I have given is true").check()
    visit.submit("Confirm and pay")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay £1,871.00")
    visit.submit("Confirm payment")
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Application submitted")
    return panel.locator("strong").inner_text()


def test_an_australian_applies_directly_and_pays(visit: Visit, web_ctx: ServiceContext) -> None:
    page = visit.page
    account = applicant(web_ctx)
    sign_in(visit, EMAIL)
    # From the account page: no ballot, no invitation.
    page.get_by_role("link", name="Start an application").click()
    visit.check()
    page.get_by_role("link", name="Apply as a national of Australia").click()
    visit.check()
    # The fee and the health charge, itemised, before anything is typed.
    fees = page.get_by_role("table")
    expect(fees).to_contain_text("£319.00")
    expect(fees).to_contain_text("£1,552.00")
    expect(fees).to_contain_text("£1,871.00")
    shot(visit, "a-direct-start")
    visit.submit("Start your application")
    answer_every_question(visit)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your application"
    )
    case_ref = pay(visit)
    shot(visit, "a-direct-submitted")
    view = cases.view(web_ctx, account, case_ref)
    assert (view.arrangement_id, view.invitation_ref, view.state.value) == (
        "AU-GB",
        None,
        "submitted",
    )
    assert visit.outside_origin() == []


# --- ballot entry -------------------------------------------------------------------------


def enter_details(visit: Visit, *, passport: str, born: date) -> None:
    """The Hong Kong ballot's entry form, filled in and sent, up to entering."""
    visit.goto("/ballots/hk-2026-1/enter")
    fill_details(visit, passport=passport, born=born)


def fill_details(visit: Visit, *, passport: str, born: date) -> None:
    """The entry form already open, filled in and sent, up to entering."""
    page = visit.page
    page.get_by_label("Passport number").fill(passport)
    page.get_by_label("Nationality").select_option("HK")
    fill_date(visit, "date-of-birth", str(born.day), str(born.month), str(born.year))
    page.get_by_label("No").check()
    visit.submit()
    visit.submit("Enter the ballot")


def test_a_hong_kong_applicant_too_old_is_refused_at_entry_with_the_rule(
    visit: Visit, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    account = applicant(web_ctx)
    sign_in(visit, EMAIL)
    # 31 on the test clock's date (25 November 2026): over the scheme's upper age of 30.
    enter_details(visit, passport="K1234 5678", born=date(1995, 6, 1))
    shot(visit, "b-too-old")
    main = visit.page.get_by_role("main")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("You cannot enter this ballot")
    expect(main).to_contain_text(re.compile(r"\(YMS \d+\.\d+\)"))  # the rule that fails
    expect(main).to_contain_text(re.compile(r"\b30\b"))  # and its age limit
    assert entries_of(web_ctx, account) == []  # no place taken


def test_a_second_passport_from_the_same_account_is_refused(
    visit: Visit, web_ctx: ServiceContext
) -> None:
    window = hong_kong_window(web_ctx)
    account = applicant(web_ctx)
    sign_in(visit, EMAIL)
    # The entry form is open in this tab when the account enters from another.
    visit.goto("/ballots/hk-2026-1/enter")
    [first] = [enter_ballot(web_ctx, entry(window.window_id, 1, account_id=account))]
    fill_details(visit, passport="K7654 3210", born=date(2001, 4, 3))
    shot(visit, "d-second-passport")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("You cannot enter this ballot")
    expect(visit.page.get_by_role("main")).to_contain_text(
        f"You have already entered this ballot, with entry reference {first.ref}"
    )
    assert [e.ref for e in entries_of(web_ctx, account)] == [first.ref]


def test_an_unconfirmed_account_cannot_enter_and_can_get_a_new_link(
    visit: Visit, web_ctx: ServiceContext
) -> None:
    page = visit.page
    hong_kong_window(web_ctx)
    account = applicant(web_ctx, confirmed=False)
    sign_in(visit, EMAIL)
    visit.goto("/ballots/hk-2026-1")
    page.get_by_role("button", name="Enter this ballot").click()
    visit.check()
    shot(visit, "e-unconfirmed")
    # Told before typing any identity, with a way to a new link.
    expect(page.get_by_role("main")).to_contain_text(
        "Confirm your email address before you enter a ballot"
    )
    expect(page.get_by_label("Passport number")).to_have_count(0)
    page.get_by_role("link", name="Get a new confirmation link").click()
    visit.check()
    page.get_by_label("What email address did you create your account with?").fill(EMAIL)
    visit.submit("Send the link")
    assert entries_of(web_ctx, account) == []


# --- (c) an invitation cannot be passed on ------------------------------------------------


def test_an_invited_applicant_with_another_passport_is_refused_beside_it(
    visit: Visit, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case_ref = draft(web_ctx, clock)  # entered as K00000001, born 2 January 2000
    answers = cases.view(web_ctx, account, case_ref).answers
    answers["applicant"]["date_of_birth"] = "2000-01-02"
    drafts.save_answers(web_ctx, account, case_ref, answers)
    sign_in(visit, EMAIL)
    page = visit.page
    visit.goto(f"/applications/{case_ref}/passport")
    page.get_by_label("Passport number").fill("K99999999")
    fill_date(visit, "passport-expiry", "1", "1", "2033")
    visit.submit()
    shot(visit, "c-another-passport")
    expect(page.get_by_role("alert")).to_contain_text("cannot be passed on")
    assert "the ones you entered the ballot with" in field_error(visit, "passport-number")
    # The entrant's own passport is taken.
    page.get_by_label("Passport number").fill("K0000 0001")
    visit.submit()
    expect(page.locator("#passport-number-error")).to_have_count(0)


# --- (f) a restart during payment ---------------------------------------------------------


def test_a_restart_during_payment_leaves_a_payable_application(
    visit: Visit, web_ctx: ServiceContext, live_server: LiveServer
) -> None:
    page = visit.page
    account = applicant(web_ctx)
    sign_in(visit, EMAIL)
    visit.goto("/apply/new?scheme=uk-yms&arrangement=AU-GB")
    visit.submit("Start your application")
    answer_every_question(visit)
    page.get_by_role("button", name="Continue").click()
    visit.check()
    page.get_by_label("The information I have given is true").check()
    visit.submit("Confirm and pay")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay £1,871.00")
    [started] = cases.applications_of(web_ctx, account)
    case_ref = started.case_ref
    # The process stops mid-payment; a new one starts on the same database and address.
    live_server.__exit__(None, None, None)
    after = restarted(web_ctx)
    try:
        with LiveServer(after, port=live_server.port):
            visit.goto(f"/applications/{case_ref}")
            shot(visit, "f-after-restart")
            expect(page.get_by_role("main")).to_contain_text("the payment has not finished")
            page.get_by_role("button", name="Finish paying").click()
            visit.check()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Your payment has not finished"
            )
            page.get_by_role("button", name="Continue paying").click()
            visit.check()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Pay £1,871.00")
            visit.submit("Confirm payment")
            shot(visit, "f-paid-after-restart")
            expect(page.locator(".govuk-panel")).to_contain_text("Application submitted")
            expect(page.locator(".govuk-panel strong")).to_have_text(case_ref)
    finally:
        after.database.dispose()
