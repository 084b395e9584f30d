"""What GOV.UK services do on the application's pages: long dates, the invitation, the account."""

from __future__ import annotations

import re

from tests.applications.test_web import apply_until_payment, invited
from tests.ballot.builders import BEACON, enter_in_browser, entry, hong_kong_window
from tests.fixtures.web import Browser, sign_in, sign_up_and_in
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.entries import enter_ballot, entries_of
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
    window = hong_kong_window(web_ctx, places=1)
    for number in range(5):
        enter_ballot(web_ctx, entry(window.window_id, number))
    account = sign_up_and_in(browser, web_ctx, "ana@example.org")
    enter_in_browser(browser)
    clock.instant = window.closes_at
    ballot_windows.close_window(web_ctx, window.window_id, BEACON, actor="operator")
    ballot_windows.run_draw(web_ctx, window.window_id, actor="operator")
    [mine] = entries_of(web_ctx, account)
    assert mine.position is not None
    sign_in(browser, "ana@example.org")
    before = browser.get("/applications").text
    assert f"You are number {mine.position} on the waiting list." in before
    assert "No invitations have been sent yet." in before
    assert mine.position > 1  # the test's seeds put the entrant behind the one place
    invite_round(web_ctx, window.window_id, actor="operator")
    after = browser.get("/applications").text
    assert f"You are number {mine.position} on the waiting list." in after
    assert "Invitations have reached number 1." in after


def test_the_invitation_names_the_scheme_deadline_fees_and_documents(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    invitation = invited(browser, web_ctx, clock)
    page = browser.get(f"/invitations/{invitation}").text
    assert "UK Youth Mobility Scheme" in page
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
