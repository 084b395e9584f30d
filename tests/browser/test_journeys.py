"""Journeys 2 to 5 in Chromium: accounts, ballot entry, invitation, application, payment, case.

Each page reached is scanned with axe-core (WCAG 2.2 A and AA); the mistakes a
person makes are made on purpose; no request may leave the service's origin.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.ballot.builders import BEACON, hong_kong_window
from tests.browser.conftest import Visit
from tests.fixtures.web import LiveServer, inbox
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.invitations import invite_round
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

PASSWORD = "a good long password"
PDF = b"%PDF-1.7\n" + b"0" * 4000
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 4000


def fill_date(visit: Visit, field: str, day: str, month: str, year: str) -> None:
    visit.page.locator(f"#{field}").fill(day)
    visit.page.locator(f"#{field}-month").fill(month)
    visit.page.locator(f"#{field}-year").fill(year)


def sign_in(visit: Visit, email: str) -> None:
    visit.goto("/sign-in")
    visit.page.get_by_label("Email address").fill(email)
    visit.page.get_by_label("Password").fill(PASSWORD)
    visit.submit("Sign in")


def test_account_journey(visit: Visit, live_server: LiveServer) -> None:
    page = visit.page
    visit.goto("/sign-up")
    page.get_by_label("Email address").fill("ana@")
    page.get_by_label("Create a password").fill("short")
    visit.submit("Create account")
    expect(page.get_by_role("alert")).to_contain_text("correct format")
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Create a password").fill("short")
    visit.submit("Create account")
    expect(page.get_by_role("alert")).to_contain_text("10 characters or more")
    page.get_by_label("Create a password").fill(PASSWORD)
    visit.submit("Create account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    # The served process's worker sends the e-mails, linking to the address it serves.
    link = inbox(live_server.ctx, "ana@example.org")[0].personalisation["link"]
    visit.page.goto(link)
    visit.check()
    visit.submit("Confirm email address")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email address is confirmed")
    page.get_by_role("button", name="Sign in").click()
    visit.check()
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    visit.submit("Sign in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    # The link has done its work: its page says so and offers a new one, not a reset.
    visit.page.goto(link)
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("There is a problem with this link")
    page.get_by_role("link", name="Get a new confirmation link").click()
    visit.check()
    visit.submit("Send the link")
    expect(page.get_by_role("alert")).to_contain_text("Enter your email address")
    page.get_by_role("button", name="Sign out").click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    visit.goto("/sign-in")
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Password").fill("not the password")
    visit.submit("Sign in")
    expect(page.get_by_role("alert")).to_contain_text("Enter the email address and password")
    page.get_by_role("link", name="I have forgotten my password").click()
    visit.check()
    page.get_by_label("What is the email address of your account?").fill("ana@example.org")
    visit.submit("Send the link")
    reset = inbox(live_server.ctx, "ana@example.org")[0].personalisation["link"]
    visit.page.goto(reset)
    visit.check()
    page.get_by_label("Choose a new password").fill(PASSWORD + " again")
    visit.submit("Save password")
    expect(page.get_by_role("alert")).to_contain_text("Your password has been changed")
    assert visit.outside_origin() == []


def test_an_operator_lands_on_the_operator_page(visit: Visit, web_ctx: ServiceContext) -> None:
    page = visit.page
    accounts.create_account(web_ctx, "op@example.org", PASSWORD, role=Role.OPERATOR, confirmed=True)
    sign_in(visit, "op@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Run the service")
    page.get_by_role("link", name="Outbox: the emails the service has sent").click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    page.get_by_role("link", name="Operations").click()  # the header leads home
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Run the service")


def enter_ballot(visit: Visit) -> str:
    page = visit.page
    visit.goto("/ballots")
    page.get_by_role("link", name="Hong Kong 2025 ballot").click()
    visit.check()
    page.get_by_role("button", name="Enter this ballot").click()
    visit.check()
    visit.submit()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Enter your passport number")
    page.get_by_label("Passport number").fill("K1234 5678")
    page.get_by_label("Nationality").select_option("HK")
    fill_date(visit, "date-of-birth", "31", "2", "2001")
    visit.submit()
    expect(page.get_by_role("alert")).to_contain_text("must be a real date")
    fill_date(visit, "date-of-birth", "3", "4", "2001")
    page.get_by_label("No").check()  # not on the scheme before (YMS 3.3, checked at entry)
    visit.submit()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before entering the ballot"
    )
    visit.submit("Enter the ballot")
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("You have entered the ballot")
    ref = panel.locator("strong").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", ref)
    # The back button: the same entry (the identity typed for it is no longer kept).
    page.go_back()
    visit.check()
    expect(page.locator(".govuk-panel strong")).to_have_text(ref)
    return ref


def answer_questions(visit: Visit) -> None:
    """Name (a mistake first), date of birth, passport (expired first), the scheme's questions."""
    page = visit.page
    visit.submit()
    expect(page.get_by_role("alert")).to_contain_text("Enter your given names")
    page.get_by_label("Given names").fill("Ana Maria")
    page.get_by_label("Family name").fill("Chan")
    visit.submit()
    fill_date(visit, "date-of-birth", "3", "4", "2001")
    visit.submit()
    page.get_by_label("Passport number").fill("K12345678")
    fill_date(visit, "passport-expiry", "1", "1", "2020")
    visit.submit()
    expect(page.get_by_role("alert")).to_contain_text("must not have expired")
    fill_date(visit, "passport-expiry", "1", "1", "2033")
    visit.submit()
    for _question in range(2):  # previously on the scheme; children
        page.get_by_label("No").check()
        visit.submit()
    page.get_by_label("How much money do you have").fill("2600")
    page.get_by_label("For how many days").fill("40")
    fill_date(visit, "latest-statement", "1", "12", "2026")
    visit.submit()


def upload_evidence(visit: Visit) -> None:
    """The wrong type, a file too big, then the passport and the bank statement."""
    page = visit.page
    upload = page.locator("input[type=file]")
    upload.set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": b"GIF89a" + b"0" * 100}
    )
    visit.submit()
    expect(page.get_by_role("alert")).to_contain_text("must be a PDF, JPG or PNG")
    upload = page.locator("input[type=file]")
    upload.set_input_files(
        {
            "name": "huge.pdf",
            "mimeType": "application/pdf",
            "buffer": b"%PDF-" + b"0" * (10 * 1024 * 1024),
        }
    )
    visit.submit()
    expect(page.get_by_role("alert")).to_contain_text("must be smaller than 10MB")
    page.locator("input[type=file]").set_input_files(
        {"name": "passport.png", "mimeType": "image/png", "buffer": PNG}
    )
    visit.submit()
    page.locator("input[type=file]").set_input_files(
        {"name": "statement.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    visit.submit()


def test_enter_accept_apply_pay_and_withdraw(
    visit: Visit, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    page = visit.page
    window = hong_kong_window(web_ctx, places=1)
    accounts.create_account(web_ctx, "ana@example.org", PASSWORD, confirmed=True)
    sign_in(visit, "ana@example.org")
    ref = enter_ballot(visit)
    # The operator closes the ballot, draws and invites; days pass.
    clock.instant = window.closes_at
    ballot_windows.close_window(web_ctx, window.window_id, BEACON, actor="operator")
    ballot_windows.run_draw(web_ctx, window.window_id, actor="operator")
    invite_round(web_ctx, window.window_id, actor="operator")
    clock.instant += timedelta(hours=1)
    sign_in(visit, "ana@example.org")
    visit.goto("/applications")
    expect(page.get_by_text(f"Entry {ref}")).to_be_visible()
    page.get_by_role("button", name="Answer your invitation").click()
    visit.check()
    visit.submit()
    expect(page.get_by_role("alert")).to_contain_text("Select yes if you want to accept")
    page.get_by_label("Yes, I want to apply").check()
    visit.submit()
    answer_questions(visit)
    upload_evidence(visit)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your application"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text("Ana Maria Chan")
    page.get_by_role("button", name="Continue").click()
    visit.check()
    visit.submit("Confirm and pay")
    expect(page.get_by_role("alert")).to_contain_text("Confirm that the information")
    page.get_by_label("The information I have given is true").check()
    visit.submit("Confirm and pay")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay £1,871.00")
    visit.submit("Confirm payment")
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Application submitted")
    case_ref = panel.locator("strong").inner_text()
    # Back after paying: still submitted, nothing paid twice.
    page.go_back()
    visit.check()
    expect(page.locator(".govuk-panel")).to_contain_text("Application submitted")
    visit.goto(f"/applications/{case_ref}")
    expect(page.get_by_text("Fee of £1,871.00 paid")).to_be_visible()
    page.get_by_role("link", name="Withdraw this application").click()
    visit.check()
    page.get_by_label("Yes").check()
    visit.submit()
    expect(page.locator("main .govuk-tag")).to_have_text("Withdrawn")
    assert visit.outside_origin() == []


def test_entering_a_ballot_without_javascript(
    visit_without_javascript: Visit, web_ctx: ServiceContext
) -> None:
    visit = visit_without_javascript
    page = visit.page
    hong_kong_window(web_ctx)
    accounts.create_account(web_ctx, "ana@example.org", PASSWORD, confirmed=True)
    sign_in(visit, "ana@example.org")
    enter_ballot(visit)
    assert visit.outside_origin() == []
    expect(page.locator("body")).not_to_have_class(re.compile("js-enabled"))
