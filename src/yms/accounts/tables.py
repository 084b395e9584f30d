"""Tables of accounts: people who sign in, and the one-time tokens sent to them.

E-mail addresses are personal data: the table keeps a keyed hash (to find an
account) and the address sealed with the data key, never the address in clear.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from yms.accounts.domain import Role
from yms.platform.orm import Base, UTCDateTime, one_of


class Account(Base):
    """Someone who can sign in: an applicant, or an operator of the service."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint(one_of("role", Role), name="role_known"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    email_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32), default=Role.APPLICANT.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccountToken(Base):
    """A one-time link sent by e-mail: confirm the address, or reset the password."""

    __tablename__ = "account_tokens"
    __table_args__ = (
        CheckConstraint("purpose IN ('confirm_email', 'reset_password')", name="purpose_known"),
    )

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A confirmation link sent by signing up again before confirming carries the password
    # chosen then (Argon2id), which the account takes when the link confirms it.
    password_hash: Mapped[str | None] = mapped_column(String(256))


class ApiToken(Base):
    """A bearer token an account holder made for the API: kept as its SHA-256 digest only."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
