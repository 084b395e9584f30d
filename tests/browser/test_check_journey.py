"""Journey 1 in a real browser: mistakes, the answer, accessibility, and nothing from elsewhere."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Visit


def test_check_if_you_can_apply(visit: Visit) -> None:
    page = visit.page
    visit.goto("/")
    page.get_by_role("link", name="Check if you can apply").first.click()
    visit.check()
    page.get_by_role("button", name="Start now").click()
    visit.check()
    visit.submit()  # no scheme chosen
    expect(page.get_by_role("alert")).to_contain_text("Select the scheme you want to check")
    page.get_by_label("UK Youth Mobility Scheme").check()
    visit.submit()
    page.get_by_label("What is your nationality?").select_option("AU")
    visit.submit()
    page.get_by_label("Day", exact=True).fill("31")
    page.get_by_label("Month", exact=True).fill("2")
    page.get_by_label("Year", exact=True).fill("1999")
    visit.submit()  # 31 February
    expect(page.locator(".govuk-error-message")).to_contain_text("must be a real date")
    page.get_by_role("link", name="Date of birth must be a real date").click()
    expect(page.get_by_label("Day", exact=True)).to_be_focused()
    page.get_by_label("Day", exact=True).fill("28")
    visit.submit()
    page.get_by_label("No").check()
    visit.submit()  # never on the scheme before
    page.get_by_label("No").check()
    visit.submit()  # no children
    page.get_by_label("How much money do you have").fill("2600")
    page.get_by_label("For how many days").fill("40")
    page.get_by_label("Day", exact=True).fill("20")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    visit.submit()
    expect(page.get_by_role("heading", level=1)).to_have_text("You can apply")
    expect(page.get_by_role("table")).to_contain_text("YMS 1.4")
    page.get_by_role("link", name="Change Do you have any children").click()
    visit.check()
    page.get_by_label("Yes").check()
    visit.submit()
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot apply under this scheme")
    assert visit.outside_origin() == []
    assert len(visit.scanned) >= 10


def test_the_journey_works_without_javascript(visit_without_javascript: Visit) -> None:
    visit = visit_without_javascript
    page = visit.page
    visit.goto("/check/scheme")
    page.get_by_label("UK Youth Mobility Scheme").check()
    visit.submit()
    page.get_by_label("What is your nationality?").select_option("JP")
    visit.submit()
    page.get_by_label("Day", exact=True).fill("1")
    page.get_by_label("Month", exact=True).fill("2")
    page.get_by_label("Year", exact=True).fill("2000")
    visit.submit()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Have you been on this scheme")
    assert visit.outside_origin() == []
