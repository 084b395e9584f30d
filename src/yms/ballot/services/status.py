"""What a ballot window looks like to its operator: state, entries, invitations by state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yms.ballot.domain.states import HOLDING_A_PLACE, InvitationState, WindowState, window_state
from yms.ballot.tables import BallotEntry, BallotInvitation, BallotWindow


@dataclass(frozen=True, slots=True)
class WindowStatus:
    """A window as the operator (and, for the public fields, anyone) sees it."""

    window_id: str
    scheme_id: str
    scheme_version: str
    allocation_id: str
    year: int
    ballot_round: int
    opens_at: datetime
    closes_at: datetime
    places: int
    invitation_expiry_days: int
    seed_commitment: str
    state: WindowState
    entries: int
    beacon: str | None = None
    entries_digest: str | None = None
    draw_seed: str | None = None
    operator_seed: str | None = None  # only once drawn
    invitation_rounds: int = 0
    invitations: dict[InvitationState, int] = field(default_factory=dict)

    @property
    def places_filled(self) -> int:
        """Invitations that hold a place: issued (not yet answered) or accepted."""
        return sum(self.invitations.get(state, 0) for state in HOLDING_A_PLACE)


def state_of(window: BallotWindow, now: datetime) -> WindowState:
    """The window's state at `now`."""
    return window_state(
        now=now,
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        closed_at=window.closed_at,
        drawn_at=window.drawn_at,
    )


def window_status(session: Session, window: BallotWindow, now: datetime) -> WindowStatus:
    """Gather a window's status in the session's transaction."""
    entries = session.scalar(
        select(func.count()).select_from(BallotEntry).where(BallotEntry.window_id == window.id)
    )
    by_state = session.execute(
        select(BallotInvitation.state, func.count())
        .where(BallotInvitation.window_id == window.id)
        .group_by(BallotInvitation.state)
    ).all()
    rounds = session.scalar(
        select(func.max(BallotInvitation.invitation_round)).where(
            BallotInvitation.window_id == window.id
        )
    )
    invitations = dict.fromkeys(InvitationState, 0)
    invitations.update({InvitationState(state): count for state, count in by_state})
    return WindowStatus(
        window_id=window.id,
        scheme_id=window.scheme_id,
        scheme_version=window.scheme_version,
        allocation_id=window.allocation_id,
        year=window.year,
        ballot_round=window.ballot_round,
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        places=window.places,
        invitation_expiry_days=window.invitation_expiry_days,
        seed_commitment=window.seed_commitment,
        state=state_of(window, now),
        entries=entries or 0,
        beacon=window.beacon,
        entries_digest=window.entries_digest,
        draw_seed=window.draw_seed,
        operator_seed=window.operator_seed if window.drawn_at is not None else None,
        invitation_rounds=rounds or 0,
        invitations=invitations,
    )
