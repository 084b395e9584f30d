"""The public ballot page names what a person needs; the draw record is served once published."""

from __future__ import annotations

import json
import re

from tests.ballot.builders import (
    BROWSER_IDENTITY,
    drawn_window,
    enter_in_browser,
    hong_kong_window,
)
from tests.fixtures.web import Browser, sign_up_and_in
from yms.ballot.domain.record import DrawRecord
from yms.ballot.services import windows as ballot_windows
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def test_the_ballot_page_says_who_when_and_how_many(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    page = browser.get("/ballots/hk-2026-1").text
    assert '<h1 class="govuk-heading-l">Hong Kong 2025 ballot</h1>' in page
    assert "Hong Kong" in page.split("For nationals of")[1].split("</dd>")[0]
    assert "18 to 30" in page  # the scheme's ages (YMS 3.4, YMS 1.4)
    assert "9:00am on 20 November 2026" in page  # opens
    assert "9:00am on 4 December 2026" in page  # closes
    assert "Places" in page
    assert "govuk-tag--green" in page  # open
    assert "Enter this ballot" in page
    listed = browser.get("/ballots").text
    assert ">Hong Kong 2025 ballot</a>" in listed


def test_the_record_is_linked_and_served_once_published(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window_id = drawn_window(web_ctx, clock, entrants=5)
    assert browser.get(f"/ballots/{window_id}/record.json").status_code == 404
    assert "record.json" not in browser.get(f"/ballots/{window_id}").text
    written: list[DrawRecord] = []
    ballot_windows.publish_record(web_ctx, window_id, written.append, actor="operator")
    page = browser.get(f"/ballots/{window_id}").text
    assert f'href="/ballots/{window_id}/record.json"' in page
    served = browser.get(f"/ballots/{window_id}/record.json")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("application/json")
    # The same document `yms ballot publish` writes.
    assert served.text == json.dumps(written[0].as_json(), indent=2) + "\n"
    assert len(served.json()["order"]) == 5
    missing = browser.get("/ballots/none/record.json")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_an_entrant_is_not_offered_the_ballot_again(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    assert "Enter this ballot" in browser.get("/ballots/hk-2026-1").text
    enter_in_browser(browser)
    page = browser.get("/ballots/hk-2026-1").text
    assert "Enter this ballot" not in page
    assert "You have entered this ballot" in page


def test_a_refusal_at_entry_writes_its_dates_in_long_form(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    browser.get("/ballots/hk-2026-1/enter")
    too_old = {**BROWSER_IDENTITY, "date-of-birth-year": "1990"}
    assert browser.post("/ballots/hk-2026-1/enter", too_old).status_code == 303
    browser.get("/ballots/hk-2026-1/check-answers")
    refused = browser.post("/ballots/hk-2026-1/confirm")
    assert refused.status_code == 409
    assert "25 November 2026" in refused.text
    assert re.findall(r"\b\d{4}-\d{2}-\d{2}\b", refused.text) == []


def test_rounds_of_one_allocation_have_names_that_tell_them_apart(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    hong_kong_window(web_ctx, window_id="hk-2026-2", ballot_round=2)
    listed = browser.get("/ballots").text
    assert ">Hong Kong 2025 ballot</a>" in listed
    assert ">Hong Kong 2025 ballot, round 2</a>" in listed
    page = browser.get("/ballots/hk-2026-2").text
    assert '<h1 class="govuk-heading-l">Hong Kong 2025 ballot, round 2</h1>' in page


def test_an_entrant_is_not_given_the_entry_form_again(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    enter_in_browser(browser)
    again = browser.get("/ballots/hk-2026-1/enter", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/ballots/hk-2026-1"
    assert "You have entered this ballot" in browser.get("/ballots/hk-2026-1").text
