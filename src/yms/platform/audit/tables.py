"""The audit tables: the events with their hashes, and the head every append locks."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yms.platform.orm import Base


class AuditEvent(Base):
    """One link of the chain: the canonical event as written, and its hashes (hex).

    `action` and `subject` repeat the event's own fields so a case's history can
    be found by index; `yms audit verify` checks that they agree with the event.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject_seq", "subject", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    action: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The end of the chain: one row, locked by each transaction that appends.

    It also proves the tail: deleting the last events leaves the head ahead of them.
    """

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
