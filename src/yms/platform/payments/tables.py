"""The fake provider's own table: its payments, as GOV.UK Pay would keep them on its side.

The fake keeps them in the service's database (not in memory), so a payment
outlives a restart and is seen by every process; a real provider keeps its own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from yms.platform.orm import Base, UTCDateTime


class FakePayment(Base):
    """One payment made with the fake provider: what it is for, where to return, how it ended."""

    __tablename__ = "fake_payments"
    __table_args__ = (
        # The provider's states (`provider.PaymentState`), as GOV.UK Pay names them.
        CheckConstraint(
            "state IN ('created', 'success', 'failed', 'cancelled')", name="state_known"
        ),
    )

    payment_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    amount_pence: Mapped[int]
    reference: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(String(255))
    return_url: Mapped[str] = mapped_column(String(512))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
