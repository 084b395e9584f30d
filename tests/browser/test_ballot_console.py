"""The operator's ballot console in Chromium: a window from scheduling to its first invitations.

The operator acts only through the pages; entrants enter through the services.
Every page reached is scanned with axe-core, its error pages included.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.ballot.builders import BEACON, entry
from tests.browser.conftest import Visit
from tests.browser.test_acceptance import shot
from tests.browser.test_journeys import PASSWORD, fill_date, sign_in
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.ballot.services import windows
from yms.ballot.services.entries import enter_ballot
from yms.ballot.services.invitations import invitations_of
from yms.platform.audit import log as audit_log
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

WINDOW = "hk-2026-7"


@pytest.fixture(autouse=True)
def quick_to_fail(visit: Visit) -> None:
    """A missing element fails the test in seconds, not the default half-minute."""
    visit.page.set_default_timeout(5000)


def confirm_and_press(visit: Visit, confirmation: str, button: str) -> None:
    visit.page.get_by_label(confirmation).check()
    visit.submit(button)


def schedule(visit: Visit) -> None:
    """From the operator's home, schedule the window, making one mistake on the way."""
    page = visit.page
    page.get_by_role("link", name="Ballot windows").click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ballot windows")
    page.get_by_role("button", name="Schedule a ballot window").click()
    visit.check()
    page.get_by_label("Window id").fill(WINDOW)
    page.get_by_label("Allocation").select_option("uk-yms/hong-kong-2025")
    fill_date(visit, "opens", "25", "11", "2026")
    page.get_by_label("Opening time").fill("13:00")
    fill_date(visit, "closes", "25", "11", "2026")
    page.get_by_label("Closing time").fill("12:00")  # before it opens
    page.get_by_label("Places (optional)").fill("2")
    visit.submit("Schedule the window")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The window must close after it opens"
    )
    shot(visit, "console-schedule-error")
    page.get_by_label("Closing time").fill("18:00")
    visit.submit("Schedule the window")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The window is scheduled")


def close_and_draw(visit: Visit) -> None:
    """Close the ended window (a bad beacon first), then draw it (unconfirmed first)."""
    page = visit.page
    visit.goto("/operator/ballots")
    expect(page.get_by_role("row", name=WINDOW)).to_contain_text("Close it with the beacon value")
    shot(visit, "console-list")
    page.get_by_role("link", name=WINDOW).click()
    visit.check()
    page.get_by_label("Beacon value").fill("not hex")
    confirm_and_press(visit, "Yes, close this window", "Close the window")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Beacon value must be")
    page.get_by_label("Beacon value").fill(BEACON)
    confirm_and_press(visit, "Yes, close this window", "Close the window")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The window is closed")
    visit.submit("Run the draw")  # unconfirmed: nothing happens but the message
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that you want to run the draw"
    )
    confirm_and_press(visit, "Yes, run the draw", "Run the draw")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The draw is done")


def test_an_operator_schedules_closes_draws_publishes_and_invites(
    visit: Visit, web_ctx: ServiceContext
) -> None:
    page = visit.page
    clock = web_ctx.clock
    assert isinstance(clock, FixedClock)
    operator_id = accounts.create_account(
        web_ctx, "op@example.org", PASSWORD, role=Role.OPERATOR, confirmed=True
    )
    sign_in(visit, "op@example.org")
    schedule(visit)
    window = windows.status(web_ctx, WINDOW)
    expect(page.get_by_text(window.seed_commitment)).to_be_visible()
    shot(visit, "console-scheduled")
    # Three people enter while it is open; then it ends.
    clock.instant = window.opens_at
    for number in range(3):
        enter_ballot(web_ctx, entry(WINDOW, number))
    clock.instant = window.closes_at
    close_and_draw(visit)

    confirm_and_press(visit, "Yes, publish the draw record", "Publish the draw record")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("published")
    expect(page.get_by_role("link", name=f"draw record of {WINDOW} (JSON)")).to_be_visible()
    confirm_and_press(visit, "Yes, invite a round", "Invite a round")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Round 1 of invitations is issued"
    )
    shot(visit, "console-invited")
    assert len(invitations_of(web_ctx, WINDOW)) == 2
    with web_ctx.database.reading() as session:
        actions = [(e["action"], e["actor"]) for e in audit_log.history(session, WINDOW)]
    assert actions == [
        (f"ballot.window.{done}", operator_id)
        for done in ("opened", "closed", "drawn", "published")
    ]
    assert audit_log.verify(web_ctx.database).intact
    assert visit.outside_origin() == []
