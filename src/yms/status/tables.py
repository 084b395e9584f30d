"""Tables of statuses: what each grant gives its holder.

The holder's name and date of birth are sealed with the data key; a verifier's
check compares a keyed hash of the date of birth, so the database alone never
answers "who was born on this day".
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text
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
