"""Tables of the ballot: windows, their entries, and the invitations a draw leads to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yms.ballot.domain.states import InvitationState
from yms.platform.orm import Base, UTCDateTime, one_of


class BallotWindow(Base):
    """A ballot for one allocation and one round of its year.

    The operator seed is kept sealed (encrypted) until the draw, and revealed in
    `operator_seed` only once the draw has run.
    """

    __tablename__ = "ballot_windows"
    __table_args__ = (
        UniqueConstraint("scheme_id", "allocation_id", "ballot_round"),
        CheckConstraint("places >= 1", name="places_positive"),
        CheckConstraint("ballot_round >= 1", name="round_positive"),
        CheckConstraint("opens_at < closes_at", name="opens_before_closing"),
        CheckConstraint("invitation_expiry_days >= 1", name="expiry_positive"),
    )

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    scheme_id: Mapped[str] = mapped_column(String(64))
    scheme_version: Mapped[str] = mapped_column(String(32))
    allocation_id: Mapped[str] = mapped_column(String(64))
    year: Mapped[int]
    ballot_round: Mapped[int]
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    places: Mapped[int]
    invitation_expiry_days: Mapped[int]
    seed_commitment: Mapped[str] = mapped_column(String(64))
    sealed_operator_seed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when the window is closed: the beacon and the frozen entries.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    beacon: Mapped[str | None] = mapped_column(String(256))
    entry_count: Mapped[int | None]
    entries_digest: Mapped[str | None] = mapped_column(String(64))
    # Set by the draw.
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    operator_seed: Mapped[str | None] = mapped_column(String(256))
    draw_seed: Mapped[str | None] = mapped_column(String(64))

    entries: Mapped[list[BallotEntry]] = relationship(back_populates="window", lazy="raise")


class BallotEntry(Base):
    """One person's entry in one window: a public reference and a keyed hash of who."""

    __tablename__ = "ballot_entries"
    __table_args__ = (
        # One person, one entry per window (DESIGN.md, "The draw").
        UniqueConstraint("window_id", "identity_hash"),
        # One entry per account per window (entries made at the command line have none).
        UniqueConstraint("window_id", "account_id"),
        UniqueConstraint("window_id", "draw_position"),
        CheckConstraint("draw_position >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    window_id: Mapped[str] = mapped_column(ForeignKey("ballot_windows.id"), index=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    identity_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    account_id: Mapped[str | None] = mapped_column(String(64))
    nationality: Mapped[str] = mapped_column(String(8))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    draw_position: Mapped[int | None]
    # The client's Idempotency-Key, if it sent one: a retry with it gets the first answer.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    window: Mapped[BallotWindow] = relationship(back_populates="entries", lazy="raise")


class BallotInvitation(Base):
    """An invitation to apply, issued to a drawn entry in one invitation round."""

    __tablename__ = "ballot_invitations"
    __table_args__ = (
        CheckConstraint(one_of("state", InvitationState), name="state_known"),
        CheckConstraint("invitation_round >= 1", name="round_positive"),
        CheckConstraint("issued_at < expires_at", name="issued_before_expiry"),
        Index("ix_ballot_invitations_window_state", "window_id", "state"),
        Index("ix_ballot_invitations_state_expires", "state", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    window_id: Mapped[str] = mapped_column(ForeignKey("ballot_windows.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ballot_entries.id"), unique=True)
    invitation_round: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default=InvitationState.ISSUED.value)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the holder was reminded that it is about to expire (once only).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    entry: Mapped[BallotEntry] = relationship(lazy="raise")
