"""Issue 10's journeys in Chromium: from a submitted case to a decision, with four eyes.

Cases are built through the services as an applicant would build them; the
staff and the applicant then act only through the pages, each in their own
sign-in, and every page reached is scanned with axe-core.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.applications.builders import STAFF_PASSWORD, staff, submitted
from tests.browser.conftest import Visit
from tests.browser.test_acceptance import shot
from tests.browser.test_journeys import fill_date
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.applications.domain.states import ApplicationState
from yms.applications.services import casework
from yms.platform.audit import log as audit_log
from yms.platform.context import ServiceContext
from yms.status import services as status

APPLICANT = "kai@example.org"
APPLICANT_PASSWORD = "a good long password"  # as the builder makes it


@pytest.fixture(autouse=True)
def quick_to_fail(visit: Visit) -> None:
    """A missing element fails the test in seconds, not the default half-minute."""
    visit.page.set_default_timeout(5000)


def sign_in_as(visit: Visit, email: str, password: str = STAFF_PASSWORD) -> None:
    """Sign out whoever is signed in, then sign in as `email`."""
    visit.page.context.clear_cookies()
    visit.goto("/sign-in")
    visit.page.get_by_label("Email address").fill(email)
    visit.page.get_by_label("Password").fill(password)
    visit.submit("Sign in")


def open_case(visit: Visit, case: str) -> None:
    """From the caseworker's home (the queue), the case."""
    expect(visit.page.get_by_role("heading", level=1)).to_contain_text("Cases")
    visit.page.get_by_role("link", name=case).click()
    visit.check()
    expect(visit.page.get_by_role("heading", level=1)).to_contain_text(case)


def test_a_refusal_confirmed_by_a_second_caseworker_then_overturned_on_review(
    visit: Visit, web_ctx: ServiceContext
) -> None:
    page = visit.page
    _account, case = submitted(web_ctx, APPLICANT, savings="100.00")
    staff(web_ctx, "worker@example.org", Role.CASEWORKER)
    staff(web_ctx, "senior.one@example.org", Role.SENIOR_CASEWORKER)
    staff(web_ctx, "senior.two@example.org", Role.SENIOR_CASEWORKER)

    # A caseworker proposes to refuse, citing the rule the answers fail.
    sign_in_as(visit, "worker@example.org")
    open_case(visit, case)
    expect(page.get_by_role("main")).to_contain_text("Fails YMS 5.1")
    page.get_by_label("YMS 5.1", exact=False).check()
    page.get_by_label("Reasons in your own words").fill("The statement shows £100.")
    shot(visit, "c-refusal-proposed")
    visit.submit("Propose refusal")
    expect(page.get_by_role("main")).to_contain_text("A senior caseworker must confirm it")
    expect(page.get_by_role("button", name="Confirm the refusal")).to_have_count(0)

    # A senior caseworker confirms it; the applicant is told, with the rule.
    sign_in_as(visit, "senior.one@example.org")
    open_case(visit, case)
    visit.submit("Confirm the refusal")
    read_the_refusal_and_ask_for_review(visit, case)

    # The senior who confirmed the refusal cannot decide its review; another can.
    sign_in_as(visit, "senior.one@example.org")
    open_case(visit, case)
    expect(page.get_by_role("main")).to_contain_text("You took part in this refusal")
    expect(page.get_by_role("button", name="Decide the review")).to_have_count(0)
    sign_in_as(visit, "senior.two@example.org")
    open_case(visit, case)
    page.get_by_label("Overturn the refusal and grant").check()
    page.get_by_label("Reasons for the outcome").fill("The November statement shows £3,000.")
    visit.submit("Decide the review")
    shot(visit, "c-review-overturned")

    sign_in_as(visit, APPLICANT, APPLICANT_PASSWORD)
    visit.goto(f"/applications/{case}/decision")
    expect(page.get_by_role("main")).to_contain_text("Your application is granted")
    granted = status.status_of_case(web_ctx, case)
    assert granted is not None
    expect(page.get_by_role("main")).to_contain_text(granted.status_ref)
    worker = accounts.account_id_of(web_ctx, "worker@example.org")
    assert casework.case_file(web_ctx, worker, case).state is ApplicationState.GRANTED
    assert audit_log.verify(web_ctx.database).intact
    assert visit.outside_origin() == []


def test_from_submission_to_a_grant_to_a_share_code_a_verifier_checks(
    visit: Visit, web_ctx: ServiceContext
) -> None:
    page = visit.page
    account, case = submitted(web_ctx, APPLICANT)
    staff(web_ctx, "worker@example.org", Role.CASEWORKER)
    sign_in_as(visit, "worker@example.org")
    open_case(visit, case)
    page.get_by_label("Ask the applicant for more evidence").fill(
        "A bank statement dated after 1 November."
    )
    visit.submit("Ask for evidence")
    sign_in_as(visit, APPLICANT, APPLICANT_PASSWORD)
    visit.goto(f"/applications/{case}")
    expect(page.get_by_role("main")).to_contain_text("A bank statement dated after 1 November.")
    page.get_by_role("button", name="Reply").click()  # a link that looks like a button
    visit.check()
    page.get_by_label("Your reply").fill("Here is my statement from 20 November.")
    visit.submit("Send your reply")
    sign_in_as(visit, "worker@example.org")
    open_case(visit, case)
    expect(page.get_by_role("main")).to_contain_text("Here is my statement from 20 November.")
    visit.submit("Grant this application")
    expect(page.get_by_role("main")).to_contain_text("granted")
    sign_in_as(visit, APPLICANT, APPLICANT_PASSWORD)
    visit.goto("/status")
    [held] = status.statuses_of(web_ctx, account)
    expect(page.get_by_role("main")).to_contain_text(held.status_ref)
    expect(page.get_by_role("main")).to_contain_text("No access to public funds")
    shot(visit, "c-status")

    # The holder proves their right to work: a share code, checked by an employer.
    visit.goto("/share-codes")
    page.get_by_role("button", name="Make a share code").click()
    visit.check()
    page.get_by_label("Prove your right to work").check()
    visit.submit("Make the share code")
    code = page.locator(".yms-code").inner_text()
    visit.page.context.clear_cookies()  # the employer, on the public page
    visit.goto("/check-a-status")
    page.get_by_label("Share code").fill(code)
    fill_date(visit, "date-of-birth", "3", "4", "2001")  # the holder's, from the builder
    page.get_by_label("Your organisation's name (optional)").fill("Harbour Cafe Ltd")
    visit.submit("Check status")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kai Walker")
    expect(page.get_by_role("main")).to_contain_text("Their leave starts on 10 January 2027")
    expect(page.get_by_role("main")).to_contain_text("9 January 2029")  # 24 months of leave
    shot(visit, "c-verifier")
    sign_in_as(visit, APPLICANT, APPLICANT_PASSWORD)
    visit.goto("/share-codes")
    expect(page.get_by_role("table")).to_contain_text("Harbour Cafe Ltd")  # the holder sees it
    assert audit_log.verify(web_ctx.database).intact
    assert visit.outside_origin() == []


def read_the_refusal_and_ask_for_review(visit: Visit, case: str) -> None:
    """As the applicant: the decision letter with its rule, then a review asked for."""
    page = visit.page
    sign_in_as(visit, APPLICANT, APPLICANT_PASSWORD)
    visit.goto(f"/applications/{case}")
    page.get_by_role("link", name="Read the decision letter, with the reasons").click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decision on application")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Your application is refused")
    expect(main).to_contain_text("YMS 5.1")
    shot(visit, "c-refusal-letter")
    page.get_by_role("link", name="Ask for an administrative review").first.click()
    visit.check()
    visit.submit("Ask for a review")  # no grounds: said beside the field
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Why do you think the decision is wrong?").fill(
        "My statement for November shows £3,000."
    )
    visit.submit("Ask for a review")
