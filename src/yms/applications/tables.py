"""Tables of applications: the case, its timeline, its evidence files, its payments.

What the applicant wrote (name, passport, answers) is sealed with the data key;
evidence files live outside the database, behind the evidence store, sealed too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from yms.applications.domain.decisions import DecisionKind, DecisionState
from yms.applications.domain.states import ApplicationState, PaymentState
from yms.platform.orm import Base, UTCDateTime, one_of


class Application(Base):
    """One application, from its first answer to a decision."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(one_of("state", ApplicationState), name="state_known"),
        Index("ix_applications_account_state", "account_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    invitation_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    scheme_id: Mapped[str] = mapped_column(String(64))
    scheme_version: Mapped[str] = mapped_column(String(32))
    arrangement_id: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32), default=ApplicationState.DRAFT.value)
    answers_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    fee_pence: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The keyed hash of the identity the application names (passport, nationality, date
    # of birth), kept from submission so the checks can find the same person elsewhere.
    identity_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)


class ApplicationEvent(Base):
    """A line of the case's timeline: what happened, or a message between people."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(16))  # applicant, caseworker or system
    text: Mapped[str] = mapped_column(Text, default="")


class EvidenceFile(Base):
    """An uploaded document: what it is, its checked type, size and digest, where it is kept."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Payment(Base):
    """A payment of the fee, as the payment provider tracks it."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(one_of("state", PaymentState), name="state_known"),
        # One payment under way per application: a second click finds the first.
        Index(
            "uq_payments_one_open",
            "application_id",
            unique=True,
            sqlite_where=text("state = 'created'"),
            postgresql_where=text("state = 'created'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    provider_payment_id: Mapped[str] = mapped_column(String(64), unique=True)
    amount_pence: Mapped[int]
    reference: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=PaymentState.CREATED.value)
    next_url: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why a payment ended without paying: the provider's code and message (`P0020
    # Payment expired`), or that the provider no longer knows it. Never personal data.
    failure_reason: Mapped[str | None] = mapped_column(String(200))


class Decision(Base):
    """A decision on a case, or a refusal proposed and waiting for its second caseworker.

    The reasons are sealed: a caseworker's words may name the applicant.
    """

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(one_of("kind", DecisionKind), name="kind_known"),
        CheckConstraint(one_of("state", DecisionState), name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))  # granted, refused, upheld, overturned
    scheme_version: Mapped[str] = mapped_column(String(32))  # the version the decision applied
    author_id: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    second_id: Mapped[str | None] = mapped_column(String(64))  # who confirmed or returned it
    second_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reasons_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class CaseCheck(Base):
    """The result of one automated check on a case, for the caseworker to weigh.

    `detail` is sealed JSON (a check may quote names); `outcome` is ``clear``,
    ``attention`` or ``unknown``, never a decision.
    """

    __tablename__ = "case_checks"
    __table_args__ = (UniqueConstraint("application_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(500))
    detail_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlaceCount(Base):
    """Places granted in one year against one allocation's terms.

    A grant takes a place with ``UPDATE … SET granted = granted + 1 WHERE places IS
    NULL OR granted < places``: whichever grant comes second finds no row to update,
    on SQLite and PostgreSQL alike, so places are never over-issued.
    """

    __tablename__ = "place_counts"
    __table_args__ = (CheckConstraint("places IS NULL OR granted <= places", name="within_places"),)

    scheme_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    allocation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    places: Mapped[int | None]
    granted: Mapped[int] = mapped_column(default=0)


class BrakeCount(Base):
    """Grants in one period of an allocation with an emergency brake.

    Past `threshold`, new grants pause until an operator releases the brake for the
    rest of the period (`released_at`).
    """

    __tablename__ = "brake_counts"

    scheme_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    allocation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    threshold: Mapped[int]
    granted: Mapped[int] = mapped_column(default=0)
    engaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_by: Mapped[str | None] = mapped_column(String(64))
