"""The chances read from the database agree with a count done by hand."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest

from tests.ballot.builders import BEACON, drawn_window, entrant, entry, hong_kong_window
from yms.ballot.domain.chances import Band, Prospect
from yms.ballot.domain.states import WindowState
from yms.ballot.services import chances as chances_service
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.chances import HistoryBasis, ballot_chances
from yms.ballot.services.entries import enter_ballot
from yms.ballot.services.invitations import invite_round, respond
from yms.kernel.errors import NotFoundError
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def _enter(ctx: ServiceContext, window_id: str, people: range, nationality: str = "HK") -> None:
    for number in people:
        enter_ballot(ctx, entry(window_id, number, nationality=nationality))


def _earlier_round_ended(ctx: ServiceContext, clock: FixedClock) -> str:
    """Round 1 of Hong Kong: 6 entries, 3 places; 1 accepted, 1 declined, 1 left to expire.

    Round 2 of invitations then fills the 2 free places: 2 unanswered invitations.
    """
    window_id = drawn_window(ctx, clock, entrants=6, places=3, invitation_expiry_days=10)
    first = invite_round(ctx, window_id, actor="operator").invitations
    respond(ctx, first[0].ref, accept=True)
    respond(ctx, first[1].ref, accept=False)
    clock.instant += timedelta(days=10)  # the third expires unanswered
    invite_round(ctx, window_id, actor="operator")
    return window_id


def _next_round_open(ctx: ServiceContext, clock: FixedClock, **overrides: object) -> str:
    plan: dict[str, object] = {
        "window_id": "hk-2026-2",
        "ballot_round": 2,
        "opens_at": clock.instant,
        "closes_at": clock.instant + timedelta(days=2),
        "places": 2,
    }
    plan.update(overrides)
    return hong_kong_window(ctx, **plan).window_id


def test_an_open_window_without_history_gives_only_the_first_round(
    ctx: ServiceContext,
) -> None:
    window = hong_kong_window(ctx, places=2)
    assert ballot_chances(ctx, window.window_id).window.entries == 0
    assert ballot_chances(ctx, window.window_id).window.first_round.certain
    _enter(ctx, window.window_id, range(5))
    chances = ballot_chances(ctx, window.window_id).window
    assert chances.state is WindowState.OPEN
    assert (chances.entries, chances.places) == (5, 2)
    assert chances.first_round.value == Fraction(2, 5)
    assert chances.first_round.band is Band.FAIR
    assert chances.basis is HistoryBasis.NONE
    assert chances.acceptance_rate is None
    assert chances.with_later_rounds is None
    assert chances.progress is None


def test_the_acceptance_rate_comes_from_the_allocations_earlier_rounds(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    earlier = _earlier_round_ended(ctx, clock)
    window_id = _next_round_open(ctx, clock)
    _enter(ctx, window_id, range(100, 110))
    chances = ballot_chances(ctx, window_id).window
    # By hand: round 1's invitations ended 1 accepted, 1 declined, 1 expired; the 2
    # issued in its second round are unanswered and left out.
    assert chances.basis is HistoryBasis.ALLOCATION
    assert (chances.history.accepted, chances.history.declined, chances.history.expired) == (
        1,
        1,
        1,
    )
    assert chances.history.windows == 1
    assert chances.acceptance_rate == Fraction(1, 3)
    assert chances.entries == 10
    assert chances.first_round.value == Fraction(2, 10)
    # 2 places / (1/3) = 6 invitations expected among 10 entries.
    assert chances.with_later_rounds is not None
    assert chances.with_later_rounds.value == Fraction(6, 10)
    assert chances.with_later_rounds.band is Band.VERY_GOOD
    # A window never learns from its own invitations.
    assert ballot_chances(ctx, earlier).window.basis is HistoryBasis.NONE


def test_an_unanswered_invitation_past_its_expiry_counts_as_expired(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    earlier = drawn_window(ctx, clock, entrants=4, places=2, invitation_expiry_days=10)
    first = invite_round(ctx, earlier, actor="operator").invitations
    respond(ctx, first[0].ref, accept=True)
    window_id = _next_round_open(ctx, clock, opens_at=clock.instant + timedelta(days=1))
    # Before the expiry the second invitation is still running: 1 accepted of 1 answered.
    assert ballot_chances(ctx, window_id).window.acceptance_rate == 1
    clock.instant = first[1].expires_at  # no job has marked it yet
    assert ballot_chances(ctx, window_id).window.acceptance_rate == Fraction(1, 2)
    progress = ballot_chances(ctx, earlier).window.progress
    assert progress is not None
    assert (progress.accepted, progress.unanswered) == (1, 0)


def test_without_the_series_history_the_schemes_is_used(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    window = hong_kong_window(ctx, window_id="tw-2026-1", allocation_id="taiwan-2025", places=2)
    _enter(ctx, window.window_id, range(4), nationality="TW")
    clock.instant = window.closes_at
    ballot_windows.close_window(ctx, window.window_id, BEACON, actor="operator")
    ballot_windows.run_draw(ctx, window.window_id, actor="operator")
    invited = invite_round(ctx, window.window_id, actor="operator").invitations
    respond(ctx, invited[0].ref, accept=True)
    respond(ctx, invited[1].ref, accept=True)
    window_id = _next_round_open(ctx, clock, ballot_round=1, window_id="hk-2026-1")
    _enter(ctx, window_id, range(8))
    chances = ballot_chances(ctx, window_id).window
    assert chances.basis is HistoryBasis.SCHEME
    assert chances.acceptance_rate == 1
    assert chances.with_later_rounds == chances.first_round  # everyone accepts: no later rounds
    assert chances.first_round.value == Fraction(2, 8)


def test_an_entrant_sees_their_place_and_how_far_invitations_reached(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    window = hong_kong_window(ctx, places=2, invitation_expiry_days=10)
    people = [entrant(ctx, f"person{number}") for number in range(6)]
    for number, account in enumerate(people):
        enter_ballot(ctx, entry(window.window_id, number, account_id=account))
    before = ballot_chances(ctx, window.window_id, account_id=people[0])
    assert before.mine is not None
    assert before.mine.position is None
    assert before.mine.prospect is None
    assert ballot_chances(ctx, window.window_id, account_id="nobody").mine is None
    clock.instant = window.closes_at
    ballot_windows.close_window(ctx, window.window_id, BEACON, actor="operator")
    ballot_windows.run_draw(ctx, window.window_id, actor="operator")
    order = list(ballot_windows.draw_record(ctx, window.window_id).order)

    def mine(account: str) -> tuple[int | None, Prospect | None]:
        seen = ballot_chances(ctx, window.window_id, account_id=account).mine
        assert seen is not None
        return seen.position, seen.prospect

    refs = {
        account: ballot_chances(ctx, window.window_id, account_id=account).mine.entry_ref  # type: ignore[union-attr]
        for account in people
    }
    by_position = {order.index(refs[account]) + 1: account for account in people}
    # Drawn, nobody invited yet: the first 2 are sure, the rest cannot be judged.
    drawn = ballot_chances(ctx, window.window_id).window
    assert drawn.progress is not None
    assert (drawn.progress.reached, drawn.rounds, drawn.entries) == (0, 0, 6)
    assert mine(by_position[1]) == (1, Prospect.NEXT_ROUND)
    assert mine(by_position[3]) == (3, Prospect.UNKNOWN)
    first = invite_round(ctx, window.window_id, actor="operator").invitations
    respond(ctx, first[0].ref, accept=False)
    chances = ballot_chances(ctx, window.window_id).window
    assert chances.progress is not None
    assert chances.progress.reached == 2
    assert (chances.progress.accepted, chances.progress.unanswered) == (0, 1)
    assert chances.rounds == 1
    assert chances.answers_due_by == first[1].expires_at
    assert mine(by_position[1]) == (1, Prospect.INVITED)
    assert mine(by_position[3]) == (3, Prospect.NEXT_ROUND)  # the declined place is free
    assert mine(by_position[4]) == (4, Prospect.UNKNOWN)
    invite_round(ctx, window.window_id, actor="operator")
    chances = ballot_chances(ctx, window.window_id).window
    assert chances.progress is not None
    assert chances.progress.reached == 3
    assert chances.rounds == 2
    assert mine(by_position[3]) == (3, Prospect.INVITED)


def test_a_later_entrants_prospect_uses_the_history(ctx: ServiceContext, clock: FixedClock) -> None:
    _earlier_round_ended(ctx, clock)  # acceptance 1 in 3
    window_id = _next_round_open(ctx, clock, places=1)
    people = [entrant(ctx, f"person{number}") for number in range(8)]
    for number, account in enumerate(people):
        enter_ballot(ctx, entry(window_id, 200 + number, account_id=account))
    clock.instant += timedelta(days=2)
    ballot_windows.close_window(ctx, window_id, BEACON, actor="operator")
    ballot_windows.run_draw(ctx, window_id, actor="operator")
    invite_round(ctx, window_id, actor="operator")
    chances = ballot_chances(ctx, window_id).window
    # 1 place, 1 unanswered invitation, rate 1/3: reach 1 + 1 / (1/3) - 1 = 3.
    assert chances.expected_reach == 3
    prospects = {}
    for account in people:
        seen = ballot_chances(ctx, window_id, account_id=account).mine
        assert seen is not None
        assert seen.position is not None
        prospects[seen.position] = seen.prospect
    assert prospects == {
        1: Prospect.INVITED,
        2: Prospect.LIKELY,
        3: Prospect.LIKELY,
        **dict.fromkeys(range(4, 9), Prospect.UNLIKELY),
    }


def test_every_place_accepted_ends_the_invitations(ctx: ServiceContext, clock: FixedClock) -> None:
    window_id = drawn_window(ctx, clock, entrants=5, places=2)
    for invitation in invite_round(ctx, window_id, actor="operator").invitations:
        respond(ctx, invitation.ref, accept=True)
    chances = ballot_chances(ctx, window_id).window
    assert chances.progress is not None
    assert chances.progress.places_taken
    assert chances.answers_due_by is None
    assert chances.expected_reach == 2
    assert (chances.progress.accepted, chances.progress.unanswered) == (2, 0)


def test_an_unknown_window_is_not_found(ctx: ServiceContext) -> None:
    with pytest.raises(NotFoundError):
        ballot_chances(ctx, "nope")


def test_a_large_open_windows_count_is_kept_a_few_seconds(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a rush each entrant's page shows the count; a large one is not recounted each time."""
    monkeypatch.setattr(chances_service, "_KEEP_FROM", 3)  # "large" for this test
    monkeypatch.setattr(chances_service, "_counted", {})
    seconds = [1000.0]
    monkeypatch.setattr(chances_service.time, "monotonic", lambda: seconds[0])
    window = hong_kong_window(ctx, places=2)
    _enter(ctx, window.window_id, range(2))
    assert ballot_chances(ctx, window.window_id).window.entries == 2  # small: counted each time
    _enter(ctx, window.window_id, range(2, 5))
    assert ballot_chances(ctx, window.window_id).window.entries == 5
    _enter(ctx, window.window_id, range(5, 7))
    assert ballot_chances(ctx, window.window_id).window.entries == 5  # kept
    seconds[0] += 16
    assert ballot_chances(ctx, window.window_id).window.entries == 7  # counted again
