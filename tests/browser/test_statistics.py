"""Statistics in Chromium: the operator's dashboard and the public open-data page.

Every chart is an SVG image named by its title and description, with its table
beside it; each page is scanned with axe-core.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Visit
from tests.browser.test_acceptance import shot
from tests.browser.test_journeys import PASSWORD, sign_in
from tests.statistics.builders import running_scheme
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


@pytest.fixture(autouse=True)
def quick_to_fail(visit: Visit) -> None:
    """A missing element fails the test in seconds, not the default half-minute."""
    visit.page.set_default_timeout(5000)


def test_the_operator_reads_the_dashboard_and_anyone_the_open_data(
    visit: Visit, web_ctx: ServiceContext
) -> None:
    page = visit.page
    clock = web_ctx.clock
    assert isinstance(clock, FixedClock)
    running_scheme(web_ctx, clock)
    accounts.create_account(web_ctx, "op@example.org", PASSWORD, role=Role.OPERATOR, confirmed=True)
    sign_in(visit, "op@example.org")
    page.get_by_role("link", name="Statistics").click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics")
    charts = page.get_by_role("img")
    expect(charts).to_have_count(4)
    expect(page.get_by_role("img", name="From ballot entry to grant")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(6)  # allocations, 4 beside charts, present
    shot(visit, "statistics-dashboard")

    clock.instant = datetime(2027, 4, 2, 9, tzinfo=UTC)
    visit.goto("/statistics")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics and open data")
    expect(page.get_by_role("img", name="Case outcomes, January to March 2027")).to_be_visible()
    expect(page.get_by_role("link", name="CSV for January to March 2027")).to_be_visible()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="CSV for October to December 2026").click()
    assert downloading.value.suggested_filename == "yms-outcomes-2026Q4.csv"
    shot(visit, "statistics-open-data")
    assert visit.outside_origin() == []


def test_an_analyst_compares_the_designs(visit: Visit) -> None:
    page = visit.page
    visit.goto("/statistics")
    page.get_by_role("link", name="Compare scheme designs").click()
    visit.check()
    page.get_by_label("Years").fill("11")
    visit.submit("Compare")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Years must be 10 or fewer")
    page.get_by_label("Years").fill("4")
    page.get_by_label("eu-uk-brake").uncheck()
    visit.submit("Compare")
    expect(page.get_by_role("heading", name="Side by side in 2030")).to_be_visible()
    expect(page.get_by_role("img")).to_have_count(4)
    expect(
        page.get_by_role("img", name="Balance each year: grants in less grants out")
    ).to_be_visible()
    assert "scheme=eu-uk-cap" in page.url
    assert "eu-uk-brake" not in page.url
    shot(visit, "statistics-simulator")
    assert visit.outside_origin() == []
