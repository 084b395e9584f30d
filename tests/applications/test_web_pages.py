"""What GOV.UK services do on the application's pages: long dates, the invitation, the account."""

from __future__ import annotations

import re

from tests.applications.test_web import apply_until_payment, invited
from tests.fixtures.web import Browser
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
