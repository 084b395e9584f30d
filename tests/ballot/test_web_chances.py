"""The chances of an invitation on the ballot pages: odds while open, the waiting list after."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from fractions import Fraction

from tests.ballot.builders import (
    drawn_window,
    drawn_with_entrant_in_browser,
    enter_in_browser,
    entry,
    hong_kong_window,
)
from tests.ballot.services.test_chances import _earlier_round_ended, _next_round_open
from tests.fixtures.web import Browser, sign_up_and_in
from yms.ballot import web as ballot_web
from yms.ballot.domain.chances import AcceptanceHistory, Progress, Prospect, first_round
from yms.ballot.domain.chances import with_later_rounds as later_rounds
from yms.ballot.domain.states import WindowState
from yms.ballot.services.chances import EntrantChances, HistoryBasis, WindowChances
from yms.ballot.services.entries import enter_ballot, entries_of
from yms.ballot.services.invitations import invite_round
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.web.templating import add_globals, environment

TAG = re.compile(r"<[^>]+>")


def words(page: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities undone, spaces collapsed."""
    return " ".join(html.unescape(TAG.sub(" ", page)).split())


def test_an_open_window_gives_the_first_round_odds_and_says_there_is_no_history(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    window = hong_kong_window(web_ctx, places=2)
    assert "No one has entered yet." in words(browser.get("/ballots/hk-2026-1").text)
    for number in range(5):
        enter_ballot(web_ctx, entry(window.window_id, number))
    page = words(browser.get("/ballots/hk-2026-1").text)
    assert "Chances of an invitation" in page
    assert (
        "So far 5 people have entered for 2 places. "
        "About 4 in 10 will be invited in the first round (40%)."
    ) in page
    assert "There are no earlier ballots to go by yet" in page
    assert "Chance in the first round 40% (Fair)" in page
    assert "Chance with later rounds Not known yet" in page
    assert "International Experience Canada" in page


def test_later_rounds_are_judged_by_how_many_accepted_before(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _earlier_round_ended(web_ctx, clock)  # 1 accepted, 1 declined, 1 expired
    window_id = _next_round_open(web_ctx, clock)  # 2 places
    for number in range(100, 110):
        enter_ballot(web_ctx, entry(window_id, number))
    page = words(browser.get(f"/ballots/{window_id}").text)
    # By hand: 2 / 10 in round 1; 2 / (1/3) = 6 invitations of 10 entries with later rounds.
    assert (
        "So far 10 people have entered for 2 places. "
        "About 1 in 5 will be invited in the first round (20%)."
    ) in page
    assert (
        "With later rounds, based on how many accepted in earlier ballots, "
        "we expect about 60% to be invited: 'Very good'."
    ) in page
    assert "Chance in the first round 20% (Low)" in page
    assert "Chance with later rounds 60% (Very good)" in page
    assert "1 of 3 invitations (33%) in earlier ballots for the same places" in page


def test_the_entrant_sees_the_odds_after_entering(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx, places=2)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    enter_in_browser(browser)
    page = words(browser.get("/ballots/hk-2026-1/entered").text)
    assert "Your chances of an invitation" in page
    assert (
        "So far 1 person has entered for 2 places. "
        "Everyone who has entered so far will be invited in the first round (100%)."
    ) in page
    assert "Chance in the first round 100% (Certain)" in page


def test_after_the_draw_the_entrant_sees_their_place_and_how_far_invitations_reached(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window, account = drawn_with_entrant_in_browser(browser, web_ctx, clock, places=1)
    [mine] = entries_of(web_ctx, account)
    assert mine.position is not None
    assert mine.position > 1  # the test's seeds put the entrant behind the one place
    for url in ("/ballots/hk-2026-1/entered", "/ballots/hk-2026-1"):
        page = words(browser.get(url).text)
        assert (
            f"You are number {mine.position} on the waiting list. "
            "No invitations have been sent yet."
        ) in page
        assert "Later rounds will reach you only if enough people ahead of you" in page
        assert "Chances of an invitation" not in page  # the odds are for an open window
    invited = invite_round(web_ctx, window.window_id, actor="operator").invitations
    for url in ("/ballots/hk-2026-1/entered", "/ballots/hk-2026-1"):
        page = words(browser.get(url).text)
        assert (
            f"You are number {mine.position} on the waiting list. "
            "Invitations have reached number 1 so far."
        ) in page
        assert "must be answered by 9:00am on 4 March 2027" in page  # 90 days on
    public = words(browser.get("/ballots/hk-2026-1").text)
    assert "Invitations have reached number 1 of 6 on the waiting list, in 1 round." in public
    assert invited[0].expires_at == datetime(2027, 3, 4, 9, 0, tzinfo=UTC)


def test_the_first_places_are_told_the_first_round_will_reach_them(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window, _account = drawn_with_entrant_in_browser(browser, web_ctx, clock, places=7)
    page = words(browser.get("/ballots/hk-2026-1/entered").text)
    assert "There are 7 places, so the first round of invitations will reach you." in page
    invite_round(web_ctx, window.window_id, actor="operator")
    page = words(browser.get("/ballots/hk-2026-1").text)
    assert "You have been invited to apply. See your invitation" in page
    assert "Invitations have reached number 6 of 6 on the waiting list, in 1 round." in page


def test_a_drawn_window_without_entrants_signed_in_shows_only_the_progress(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window_id = drawn_window(web_ctx, clock, entrants=3, places=1)
    page = words(browser.get(f"/ballots/{window_id}").text)
    assert "No invitations have been sent yet." in page
    assert "You are number" not in page  # no one's own place
    assert "Chances of an invitation" not in page  # the odds are for an open window


# --- the words for large and small numbers, rendered from counts -----------------------------


def _render(source: str, **values: object) -> str:
    add_globals(ballot_web.TEMPLATE_GLOBALS)
    template = environment().from_string('{% import "ballots/chances.html" as o %}' + source)
    return words(template.render(**values))


def test_large_counts_are_grouped_and_tiny_chances_are_not_called_zero() -> None:
    history = AcceptanceHistory(accepted=800, declined=150, expired=50, windows=2)
    assert history.rate == Fraction(4, 5)
    chances = WindowChances(
        window_id="in-2027-1",
        state=WindowState.OPEN,
        places=1_000,
        entries=400_000,
        history=history,
        basis=HistoryBasis.SCHEME,
        first_round=first_round(1_000, 400_000),
        with_later_rounds=later_rounds(1_000, 400_000, history.rate),
    )
    page = _render("{{ o.odds(c, 'Chances') }}", c=chances)
    assert (
        "So far 400,000 people have entered for 1,000 places. "
        "About 1 in 400 will be invited in the first round (less than 1%)."
    ) in page
    assert "we expect less than 1% to be invited: 'Very low'." in page
    assert "Chance with later rounds less than 1% (Very low)" in page
    assert "800 of 1,000 invitations (80%) in earlier ballots of this scheme" in page


def test_a_long_waiting_list_in_words() -> None:
    history = AcceptanceHistory(accepted=3, declined=1, windows=1)
    progress = Progress(places=1_000, entries=50_000, reached=1_000, accepted=700, unanswered=0)
    chances = WindowChances(
        window_id="in-2027-1",
        state=WindowState.DRAWN,
        places=1_000,
        entries=50_000,
        history=history,
        basis=HistoryBasis.ALLOCATION,
        first_round=first_round(1_000, 50_000),
        with_later_rounds=later_rounds(1_000, 50_000, Fraction(3, 4)),
        progress=progress,
        rounds=1,
    )
    mine = EntrantChances("ABCD-EFGH-JKMN", 1_234, None, Prospect.LIKELY)
    page = _render("{{ o.waiting_list(c, m) }} {{ o.progress(c) }}", c=chances, m=mine)
    assert (
        "You are number 1,234 on the waiting list. Invitations have reached number 1,000 so far."
    ) in page
    # 300 places left at 3 in 4: 400 more invitations, to number 1,400.
    assert (
        "later rounds are likely to reach you: we expect them to reach about number 1,400." in page
    )
    assert (
        "Invitations have reached number 1,000 of 50,000 on the waiting list, in 1 round." in page
    )
    assert "we expect invitations to reach about number 1,400 in the end." in page
