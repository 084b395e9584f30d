"""Where a ballot window and an invitation stand, and the moves allowed between states."""

from __future__ import annotations

from enum import StrEnum


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
