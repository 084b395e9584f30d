"""Where a ballot window and an invitation stand, and the moves allowed between states."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from yms.kernel.states import StateMachine


class WindowState(StrEnum):
    """Where a window is in its life."""

    SCHEDULED = "scheduled"  # not yet open
    OPEN = "open"  # taking entries
    ENDED = "ended"  # past its closing time, not yet closed by the operator
    CLOSED = "closed"  # entries frozen, beacon recorded
    DRAWN = "drawn"  # order fixed, operator seed revealed


class InvitationState(StrEnum):
    """Where an invitation to apply stands."""

    ISSUED = "issued"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


# The operator moves a window on from ENDED (close) and CLOSED (draw); the clock
# moves it from SCHEDULED to OPEN to ENDED.
WINDOW = StateMachine(
    "a ballot window",
    {
        WindowState.SCHEDULED: {WindowState.OPEN},
        WindowState.OPEN: {WindowState.ENDED},
        WindowState.ENDED: {WindowState.CLOSED},
        WindowState.CLOSED: {WindowState.DRAWN},
        WindowState.DRAWN: set(),
    },
)

INVITATION = StateMachine(
    "an invitation",
    {
        InvitationState.ISSUED: {
            InvitationState.ACCEPTED,
            InvitationState.DECLINED,
            InvitationState.EXPIRED,
        },
        InvitationState.ACCEPTED: set(),
        InvitationState.DECLINED: set(),
        InvitationState.EXPIRED: set(),
    },
)
# Invitations that hold one of the window's places.
HOLDING_A_PLACE = frozenset({InvitationState.ISSUED, InvitationState.ACCEPTED})


def window_state(
    *,
    now: datetime,
    opens_at: datetime,
    closes_at: datetime,
    closed_at: datetime | None,
    drawn_at: datetime | None,
) -> WindowState:
    """Where a window stands at `now`, from what has been recorded of it."""
    if drawn_at is not None:
        return WindowState.DRAWN
    if closed_at is not None:
        return WindowState.CLOSED
    if now < opens_at:
        return WindowState.SCHEDULED
    if now < closes_at:
        return WindowState.OPEN
    return WindowState.ENDED
