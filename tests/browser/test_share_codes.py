"""Share codes in Chromium: a holder makes one, a verifier checks it, the holder sees and cancels.

Each page reached is scanned with axe-core (WCAG 2.2 A and AA), the printable
record's QR code included; the verifier's mistakes are made on purpose.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Visit
from tests.browser.test_journeys import fill_date, sign_in
from tests.status.builders import BORN, granted
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def test_a_code_made_checked_seen_and_cancelled(
    visit: Visit, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    granted(web_ctx, clock)
    page = visit.page
    sign_in(visit, "ana@example.org")
    visit.goto("/share-codes")
    page.get_by_role("button", name="Make a share code").click()
    visit.check()
    visit.submit("Make the share code")
    expect(page.get_by_role("alert")).to_contain_text("Select what you need the share code for")
    page.get_by_label("Prove your right to work").check()
    visit.submit("Make the share code")
    code = page.locator(".yms-code").inner_text()

    verifier = visit  # the same tab, as someone else would use the public page
    verifier.goto("/check-a-status")
    verifier.submit("Check status")
    expect(page.get_by_role("alert")).to_contain_text("Enter the share code")
    page.get_by_label("Share code").fill(code.lower())
    fill_date(verifier, "date-of-birth", str(BORN.day + 1), str(BORN.month), str(BORN.year))
    verifier.submit("Check status")
    expect(page.get_by_role("heading", level=1)).to_have_text("No status found")
    verifier.goto("/check-a-status")
    page.get_by_label("Share code").fill(code)
    fill_date(verifier, "date-of-birth", str(BORN.day), str(BORN.month), str(BORN.year))
    page.get_by_label("Your organisation's name (optional)").fill("Acme Ltd")
    verifier.submit("Check status")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ana Maria Silva")
    page.get_by_role("link", name="Print the record, with a QR code").click()
    verifier.check()
    expect(page.locator(".yms-qr svg")).to_be_visible()

    visit.goto("/share-codes")
    expect(page.get_by_role("table")).to_contain_text("Acme Ltd")
    page.get_by_role("link", name="Cancel").click()
    visit.check()
    page.get_by_label("Yes, cancel it").check()
    visit.submit("Continue")
    expect(page.locator("main")).to_contain_text("Cancelled on")
    assert visit.outside_origin() == []
