"""Tables of statuses: what each grant gives its holder.

The holder's name and date of birth are sealed with the data key; a verifier's
check compares a keyed hash of the date of birth, so the database alone never
answers "who was born on this day".
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yms.platform.orm import Base, UTCDateTime


class Status(Base):
    """A grant of leave: who holds it, under which terms, from when until when."""

    __tablename__ = "statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    status_ref: Mapped[str] = mapped_column(String(32), unique=True)
    holder_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    case_ref: Mapped[str] = mapped_column(String(32), unique=True)  # the application granted
    scheme_id: Mapped[str] = mapped_column(String(64))
    scheme_version: Mapped[str] = mapped_column(String(32))
    arrangement_id: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    conditions: Mapped[str] = mapped_column(Text)  # JSON: [{"id", "text", "rule"}]
    holder_sealed: Mapped[bytes] = mapped_column(LargeBinary)  # JSON: name, date of birth
    birth_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ShareCode(Base):
    """A share code a holder made: kept only as a keyed hash, never in clear."""

    __tablename__ = "share_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(1))
    # What the holder sees of it once made: the last three characters, to tell codes apart.
    hint: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (CheckConstraint("purpose IN ('W', 'R', 'S')", name="purpose"),)


class StatusCheck(Base):
    """One verifier's check of a share code: kept to show the holder, and to limit misses.

    No date of birth is kept. A check of a code no one made keeps the typed code's
    keyed hash (so misses on it are counted), and the client's address only as a
    keyed hash. A matched check keeps its signed record, sealed.
    """

    __tablename__ = "status_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_ref: Mapped[str] = mapped_column(String(32), unique=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    share_code_id: Mapped[int | None] = mapped_column(ForeignKey("share_codes.id"), index=True)
    client_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    purpose: Mapped[str] = mapped_column(String(1))
    verifier_name: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16))
    record_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    __table_args__ = (
        CheckConstraint("outcome IN ('matched', 'no_match')", name="outcome"),
        # The rate limits read recent misses by client and by code: with the outcome in the
        # index, they read only misses, however many matches the same client has made.
        Index("ix_status_checks_client_misses", "client_hash", "outcome", "checked_at"),
        Index("ix_status_checks_code_misses", "code_hash", "outcome", "checked_at"),
    )


class SigningKey(Base):
    """An Ed25519 key that signs check records; retired keys stay to verify old records.

    The private half is sealed with the data key; the public half (a JWK) is kept
    in clear, as it is published at ``/.well-known/jwks.json``.
    """

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    public_jwk: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
