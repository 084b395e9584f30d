"""Tables of the web service: sessions, kept on the server, named by a random token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from yms.platform.orm import Base, UTCDateTime


class WebSession(Base):
    """A browser's session: its CSRF token, who is signed in, and journey answers.

    Only a hash of the cookie's token is stored, so the table cannot be used to
    take over a session; the answers are sealed, so it cannot be read either.
    """

    __tablename__ = "web_sessions"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # Journey answers (which may hold a passport number), sealed with the data key.
    data_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class RateLimitCount(Base):
    """Attempts at one limited action by one client or account, in one fixed window.

    Every server process counts here, so extra workers or a restart neither
    multiply nor reset a limit. The key is a keyed hash (it holds an address);
    rows are purged once their window has ended. On PostgreSQL the table is
    UNLOGGED: counting costs no WAL flush, and a database crash only forgets counts.
    """

    __tablename__ = "rate_limit_counts"
    # The window first: the current window's counts together at one end of the index,
    # ended ones apart from the inserts until purged (migration 0013).
    __table_args__ = (PrimaryKeyConstraint("window_ends", "key_hash"),)

    key_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    # The window's end, in whole seconds since the epoch: part of the key, and the purge's cut.
    window_ends: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
