"""Ballots for tests: windows open, drawn, and entries of distinct people, through services."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.fixtures.web import Browser, sign_in, sign_up_and_in
from yms.ballot.services.entries import EntryRequest, enter_ballot
from yms.ballot.services.status import WindowStatus
from yms.ballot.services.windows import WindowPlan, close_window, open_window, run_draw
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

# --- ballots ---------------------------------------------------------------------------------

OPENS = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
BEACON = "5eed" * 16


def hong_kong_window(ctx: ServiceContext, **overrides: Any) -> WindowStatus:
    """Open round 1 of the Hong Kong ballot (2 places), open on the test clock's date."""
    plan: dict[str, Any] = {
        "window_id": "hk-2026-1",
        "scheme_id": "uk-yms",
        "allocation_id": "hong-kong-2025",
        "ballot_round": 1,
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "places": 2,
    }
    plan.update(overrides)
    return open_window(ctx, WindowPlan(**plan), actor="operator")


def entry(
    window_id: str = "hk-2026-1",
    number: int = 1,
    *,
    nationality: str = "HK",
    account_id: str | None = None,
) -> EntryRequest:
    """The entry of the `number`-th distinct person."""
    return EntryRequest(
        window_id=window_id,
        passport_number=f"K{number:08d}",
        nationality=nationality,
        date_of_birth=date(2000, 1, 1) + timedelta(days=number % 3000),
        account_id=account_id,
    )


def drawn_window(ctx: ServiceContext, clock: FixedClock, entrants: int, **overrides: Any) -> str:
    """A Hong Kong window with `entrants` entries, closed and drawn (the clock left at closing)."""
    window = hong_kong_window(ctx, **overrides)
    for number in range(entrants):
        enter_ballot(ctx, entry(window.window_id, number))
    clock.instant = window.closes_at
    close_window(ctx, window.window_id, BEACON, actor="operator")
    run_draw(ctx, window.window_id, actor="operator")
    return window.window_id


# --- in the browser ------------------------------------------------------------------------


def drawn_with_entrant_in_browser(
    browser: Browser, ctx: ServiceContext, clock: FixedClock, *, places: int
) -> tuple[WindowStatus, str]:
    """Five entries, then ana@example.org's in `browser`; closed, drawn, ana signed in again.

    Returns the window and ana's account id (the clock left at closing).
    """
    window = hong_kong_window(ctx, places=places)
    for number in range(5):
        enter_ballot(ctx, entry(window.window_id, number))
    account = sign_up_and_in(browser, ctx, "ana@example.org")
    enter_in_browser(browser)
    clock.instant = window.closes_at
    close_window(ctx, window.window_id, BEACON, actor="operator")
    run_draw(ctx, window.window_id, actor="operator")
    sign_in(browser, "ana@example.org")
    return window, account


BROWSER_IDENTITY = {
    "passport-number": "k 1234 5678",
    "nationality": "HK",
    "date-of-birth-day": "3",
    "date-of-birth-month": "4",
    "date-of-birth-year": "2001",
    "previous": "no",
}


def enter_in_browser(browser: Browser, window_id: str = "hk-2026-1") -> str:
    browser.get(f"/ballots/{window_id}/enter")
    details = browser.post(f"/ballots/{window_id}/enter", BROWSER_IDENTITY)
    assert details.headers["location"] == f"/ballots/{window_id}/check-answers"
    page = browser.get(f"/ballots/{window_id}/check-answers")
    assert "K12345678" in page.text
    assert "3 April 2001" in page.text
    confirmed = browser.post(f"/ballots/{window_id}/confirm")
    assert confirmed.headers["location"] == f"/ballots/{window_id}/entered"
    entered = browser.get(f"/ballots/{window_id}/entered").text
    return re.search(r"<strong>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</strong>", entered).group(1)  # type: ignore[union-attr]


def entrant(ctx: ServiceContext, name: str) -> str:
    """A confirmed applicant account (ballots need a confirmed address); returns its id."""
    from yms.accounts.services import create_account  # noqa: PLC0415 - only some tests need it

    return create_account(ctx, f"{name}@example.org", "a good long password", confirmed=True)
