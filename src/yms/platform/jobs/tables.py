"""The job queue's table: one row per job, claimed by a worker for a lease at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from yms.platform.orm import Base, UTCDateTime


class Job(Base):
    """A job: its handler's name, its arguments (sealed), and how its attempts went.

    `queued` waits for `run_after`; `running` is held by a worker until
    `locked_until` (a worker that dies lets the lease run out, and another takes
    the job); `done` and `failed` (out of attempts) are final until retried.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state_known"),
        CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts_counted"),
        Index("ix_jobs_state_run_after", "state", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    # Arguments may hold an address or a one-time link: sealed with the data key.
    args_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # Set for jobs that must be queued once only (a schedule's slot): unique.
    key: Mapped[str | None] = mapped_column(String(128), unique=True)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int]
    run_after: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A fresh random token at each claim: only the run that holds it may end the job.
    claim: Mapped[str | None] = mapped_column(String(32))
    # The class of the last error only: an exception's message may carry personal data.
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
