"""What GOV.UK services do on the application's pages: long dates, the invitation, the account."""

from __future__ import annotations

import re

from tests.applications.test_web import apply_until_payment, invited
from tests.ballot.builders import drawn_with_entrant_in_browser
from tests.fixtures.web import Browser
from yms.ballot.services.entries import entries_of
from yms.ballot.services.invitations import invite_round
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_check_answers_shows_dates_as_people_write_them(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = apply_until_payment(browser, invited(browser, web_ctx, clock))
    page = browser.get(f"{case_url}/check-answers").text
    assert "3 April 2001" in page  # date of birth
    assert "1 January 2033" in page  # passport expiry
    assert "1 December 2026" in page  # latest statement
    assert ISO_DATE.findall(page) == []


def test_an_entrant_not_yet_invited_sees_their_place_on_the_waiting_list(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window, account = drawn_with_entrant_in_browser(browser, web_ctx, clock, places=1)
    [mine] = entries_of(web_ctx, account)
    assert mine.position is not None
    before = browser.get("/applications").text
    assert f"You are number {mine.position} on the waiting list." in before
    assert "No invitations have been sent yet." in before
    # The sentences are apart, as a reader (or a screen reader) needs them.
    assert "waiting list. No invitations" in " ".join(before.split())
    assert mine.position > 1  # the test's seeds put the entrant behind the one place
    invite_round(web_ctx, window.window_id, actor="operator")
    after = browser.get("/applications").text
    assert f"You are number {mine.position} on the waiting list." in after
    assert "Invitations have reached number 1." in after
    assert "waiting list. Invitations have reached" in " ".join(after.split())


def test_the_invitation_names_the_scheme_deadline_fees_and_documents(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    invitation = invited(browser, web_ctx, clock)
    page = browser.get(f"/invitations/{invitation}").text
    assert "UK Youth Mobility Scheme" in page
    assert "live, work and study in the United Kingdom for 24 months" in page
    assert "9:00am on 4 March 2027 (UTC)" in page  # 90 days after the invitation
    bill = page.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    assert "Application fee" in bill
    assert "Health charge for 2 years of leave" in bill
    assert "Total" in bill
    assert bill.count("£") == 3
    assert "the photo page of your passport" in page
    assert "your latest bank statement" in page
    refused = browser.post(f"/invitations/{invitation}", {})
    assert refused.status_code == 400
    assert "Application fee" in refused.text  # the page keeps everything beside the error


def pay(browser: Browser, web_ctx: ServiceContext, case_url: str) -> None:
    browser.get(f"{case_url}/declaration")
    to_pay = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    browser.get(to_pay)
    returned = browser.post(to_pay, {"outcome": "pay"}).headers["location"]
    browser.get(returned.removeprefix(web_ctx.public_url))


def test_after_submitting_the_account_offers_no_continue(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    invitation = invited(browser, web_ctx, clock)
    case_url = apply_until_payment(browser, invitation)
    assert "Continue your application" in browser.get("/applications").text  # a draft
    pay(browser, web_ctx, case_url)
    overview = browser.get("/applications").text
    assert "Continue your application" not in overview
    assert f'href="{case_url}">See your application' in overview


def test_after_withdrawing_the_account_offers_no_continue_and_the_banner_says_so(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = apply_until_payment(browser, invited(browser, web_ctx, clock))
    case_ref = case_url.rsplit("/", 1)[1]
    browser.get(f"{case_url}/withdraw")
    withdrawn = browser.post(f"{case_url}/withdraw", {"withdraw": "yes"})
    page = browser.get(withdrawn.headers["location"]).text
    assert "govuk-notification-banner--success" in page
    assert f"You have withdrawn your application {case_ref}" in page
    assert "Withdraw this application" not in page
    assert "Continue your application" not in browser.get("/applications").text
    # The banner is news once: the case page itself just says withdrawn.
    assert "govuk-notification-banner" not in browser.get(case_url).text


def test_the_first_upload_goes_back_to_the_last_question(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = apply_until_payment(browser, invited(browser, web_ctx, clock))
    first = browser.get(f"{case_url}/evidence/passport").text
    assert f'<a href="{case_url}/savings" class="govuk-back-link">' in first
    second = browser.get(f"{case_url}/evidence/bank_statement").text
    assert f'<a href="{case_url}/evidence/passport" class="govuk-back-link">' in second
