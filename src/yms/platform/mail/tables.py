"""The outbox table: e-mails as GOV.UK Notify would be asked to send them, kept instead."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from yms.platform.orm import Base, UTCDateTime


class OutboxMessage(Base):
    """An e-mail as GOV.UK Notify would be asked to send it: template, address, personalisation.

    The address and the personalisation (which holds one-time links) are sealed.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[str] = mapped_column(String(64), unique=True)
    template_id: Mapped[str] = mapped_column(String(64))
    to_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    to_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    personalisation_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # The sender's reference (the job's id): unique, so a job run twice sends once.
    reference: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
