"""Invitation rounds down the drawn order; accepting, declining and expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.ballot.builders import BEACON, drawn_window, entrant, entry, hong_kong_window
from yms.ballot.domain.states import InvitationState
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.entries import enter_ballot
from yms.ballot.services.invitations import (
    expire_invitations,
    invitations_of,
    invite_round,
    respond,
)
from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def order_of(ctx: ServiceContext, window_id: str) -> list[str]:
    return list(ballot_windows.draw_record(ctx, window_id).order)


def test_round_one_invites_the_first_places_in_order(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    window_id = drawn_window(ctx, clock, entrants=6, places=2)
    issued = invite_round(ctx, window_id, actor="operator")
    assert issued.invitation_round == 1
    assert [i.entry_ref for i in issued.invitations] == order_of(ctx, window_id)[:2]
    assert issued.waiting == 4
    first = issued.invitations[0]
    assert first.ref.startswith("ITA-")
    assert first.expires_at - first.issued_at == timedelta(days=90)
    with pytest.raises(RefusedError, match="all 2 places"):
        invite_round(ctx, window_id, actor="operator")


def test_later_rounds_fill_declined_and_expired_places_from_the_order(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    window_id = drawn_window(ctx, clock, entrants=6, places=3, invitation_expiry_days=10)
    order = order_of(ctx, window_id)
    first = invite_round(ctx, window_id, actor="operator").invitations
    respond(ctx, first[0].ref, accept=True)
    respond(ctx, first[1].ref, accept=False)
    clock.instant += timedelta(days=10)  # the third, unanswered, expires now
    second = invite_round(ctx, window_id, actor="operator")
    assert second.invitation_round == 2
    assert [i.entry_ref for i in second.invitations] == order[3:5]
    states = {i.entry_ref: i.state for i in invitations_of(ctx, window_id)}
    assert states == {
        order[0]: InvitationState.ACCEPTED,
        order[1]: InvitationState.DECLINED,
        order[2]: InvitationState.EXPIRED,
        order[3]: InvitationState.ISSUED,
        order[4]: InvitationState.ISSUED,
    }
    status = ballot_windows.status(ctx, window_id)
    assert status.invitation_rounds == 2
    assert status.places_filled == 3


def test_the_waiting_list_runs_out(ctx: ServiceContext, clock: FixedClock) -> None:
    window_id = drawn_window(ctx, clock, entrants=3, places=2)
    first = invite_round(ctx, window_id, actor="operator").invitations
    respond(ctx, first[0].ref, accept=False)
    respond(ctx, first[1].ref, accept=False)
    second = invite_round(ctx, window_id, actor="operator")
    assert len(second.invitations) == 1
    assert second.waiting == 0


def test_answers_are_idempotent_and_final(ctx: ServiceContext, clock: FixedClock) -> None:
    window_id = drawn_window(ctx, clock, entrants=2)
    invitation = invite_round(ctx, window_id, actor="operator").invitations[0]
    accepted = respond(ctx, invitation.ref.lower(), accept=True)
    assert accepted.state is InvitationState.ACCEPTED
    assert accepted.responded_at == clock.instant
    assert respond(ctx, invitation.ref, accept=True) == accepted
    with pytest.raises(RefusedError, match="already accepted"):
        respond(ctx, invitation.ref, accept=False)


def test_an_expired_invitation_cannot_be_accepted(ctx: ServiceContext, clock: FixedClock) -> None:
    window_id = drawn_window(ctx, clock, entrants=2)
    invitation = invite_round(ctx, window_id, actor="operator").invitations[0]
    clock.instant = invitation.expires_at - timedelta(microseconds=1)
    assert expire_invitations(ctx) == 0
    clock.instant = invitation.expires_at
    with pytest.raises(RefusedError, match="already expired"):
        respond(ctx, invitation.ref, accept=True)
    assert expire_invitations(ctx) == 2
    assert expire_invitations(ctx) == 0
    assert {i.state for i in invitations_of(ctx, window_id)} == {InvitationState.EXPIRED}


def test_only_the_entrant_may_answer(ctx: ServiceContext, clock: FixedClock) -> None:
    window = hong_kong_window(ctx)
    alice, mallory = entrant(ctx, "alice"), entrant(ctx, "mallory")
    enter_ballot(ctx, entry(number=1, account_id=alice))
    clock.instant = window.closes_at
    ballot_windows.close_window(ctx, window.window_id, BEACON, actor="operator")
    ballot_windows.run_draw(ctx, window.window_id, actor="operator")
    invitation = invite_round(ctx, window.window_id, actor="operator").invitations[0]
    with pytest.raises(NotFoundError):
        respond(ctx, invitation.ref, accept=True, account_id=mallory)
    assert respond(ctx, invitation.ref, accept=True, account_id=alice).state.value == "accepted"


def test_invitations_need_a_drawn_window(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    with pytest.raises(RefusedError, match="must be drawn"):
        invite_round(ctx, "hk-2026-1", actor="operator")
    with pytest.raises(NotFoundError):
        respond(ctx, "ITA-0000-0000-0000", accept=True)
    with pytest.raises(NotFoundError):
        invitations_of(ctx, "nope")
