"""The queue: add a job in the caller's transaction; claim, finish, fail and retry jobs.

A worker claims the next due job in a short transaction of its own, marking it
running with a lease; on PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets many workers
claim at once, on SQLite the ``BEGIN IMMEDIATE`` write lock takes turns. The
job runs with no transaction open; its end is recorded only if the lease is
still this worker's (a worker that stalls past it may find the job re-run).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yms.platform.db import Database
from yms.platform.jobs.tables import Job
from yms.platform.sealing import Sealer

DEFAULT_ATTEMPTS = 5
BACKOFF_FIRST = timedelta(seconds=10)
BACKOFF_MOST = timedelta(hours=1)


class JobState(StrEnum):
    """Where a job stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class JobRequest:
    """A job to queue: which handler, with what arguments, when, how often to try."""

    name: str
    args: Mapping[str, Any] = field(default_factory=dict)
    key: str | None = None  # queue it once only: a second request with this key is dropped
    run_after: datetime | None = None
    max_attempts: int = DEFAULT_ATTEMPTS


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job a worker holds: run it, then finish or fail it."""

    id: int
    name: str
    args: dict[str, Any]
    attempt: int  # 1 for the first run
    max_attempts: int
    claim: str = ""  # this run's own token: only it can end the run


@dataclass(frozen=True, slots=True)
class JobView:
    """A job as the operator sees it (its arguments stay sealed)."""

    id: int
    name: str
    state: JobState
    attempts: int
    max_attempts: int
    run_after: datetime
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


def backoff(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt`: doubling, capped at an hour."""
    doublings = min(max(0, attempt - 1), 20)
    return min(BACKOFF_FIRST * (1 << doublings), BACKOFF_MOST)


def add(session: Session, sealer: Sealer, request: JobRequest, *, now: datetime) -> bool:
    """Queue `request` in the session's transaction: it commits with the change, or not at all.

    Returns `False` (and queues nothing) for a keyed request whose key is queued already.
    """
    if request.max_attempts < 1:
        raise ValueError("a job is tried at least once")
    row = Job(
        name=request.name,
        args_sealed=sealer.seal(json.dumps(dict(request.args), sort_keys=True).encode("utf-8")),
        key=request.key,
        state=JobState.QUEUED.value,
        attempts=0,
        max_attempts=request.max_attempts,
        run_after=request.run_after or now,
        created_at=now,
    )
    if request.key is not None and session.scalar(select(Job.id).where(Job.key == request.key)):
        return False
    session.add(row)
    return True


def add_once(database: Database, sealer: Sealer, request: JobRequest, *, now: datetime) -> bool:
    """Queue a keyed job in a transaction of its own; `False` if one with its key exists."""
    if request.key is None:
        raise ValueError("only a keyed job can be queued once")
    try:
        with database.transaction() as session:
            added = add(session, sealer, request, now=now)
    except IntegrityError:  # another worker queued the same key at the same moment
        return False
    return added


def claim(
    database: Database, sealer: Sealer, *, now: datetime, lease: timedelta
) -> ClaimedJob | None:
    """Take the next due job (or one whose worker's lease ran out), or `None`.

    A job whose worker died on its last attempt is not taken again: it is marked
    failed (``WorkerLost``), so a job that kills every worker that runs it ends
    where the operator sees it, instead of being taken for ever.
    """
    due = or_(
        (Job.state == JobState.QUEUED.value) & (Job.run_after <= now),
        (Job.state == JobState.RUNNING.value) & (Job.locked_until <= now),
    )
    while True:
        with database.transaction() as session:
            row = session.scalar(
                select(Job)
                .where(due)
                .order_by(Job.run_after, Job.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if row is None:
                return None
            if row.state == JobState.RUNNING.value and row.attempts >= row.max_attempts:
                row.state, row.locked_until, row.claim = JobState.FAILED.value, None, None
                row.last_error, row.finished_at = "WorkerLost", now
                continue
            row.state = JobState.RUNNING.value
            row.attempts += 1
            row.locked_until = now + lease
            # A new claim every time: a worker whose lease passed on can never end this run.
            row.claim = secrets.token_hex(16)
            args = json.loads(sealer.open(row.args_sealed))
            return ClaimedJob(row.id, row.name, args, row.attempts, row.max_attempts, row.claim)


def _mine(job: ClaimedJob) -> Any:
    return (Job.id == job.id) & (Job.state == JobState.RUNNING.value) & (Job.claim == job.claim)


def finish(database: Database, job: ClaimedJob, *, now: datetime) -> bool:
    """Record that `job` ran to the end; `False` if its lease had passed to another worker."""
    with database.transaction() as session:
        result = session.execute(
            update(Job)
            .where(_mine(job))
            .values(
                state=JobState.DONE.value,
                locked_until=None,
                claim=None,
                finished_at=now,
                last_error=None,
            )
        )
    return bool(getattr(result, "rowcount", 0))


def fail(
    database: Database, job: ClaimedJob, error: BaseException, *, now: datetime
) -> JobState | None:
    """Record a failed attempt: queued again after a back-off, or failed when out of attempts.

    Returns the job's new state, or `None` if its lease had passed to another worker
    (whose run decides how the job ends).
    """
    out_of_attempts = job.attempt >= job.max_attempts
    values: dict[str, Any] = {
        "state": (JobState.FAILED if out_of_attempts else JobState.QUEUED).value,
        "locked_until": None,
        "claim": None,
        "last_error": type(error).__name__[:200],
    }
    if out_of_attempts:
        values["finished_at"] = now
    else:
        values["run_after"] = now + backoff(job.attempt)
    with database.transaction() as session:
        result = session.execute(update(Job).where(_mine(job)).values(**values))
    return JobState(values["state"]) if getattr(result, "rowcount", 0) else None


def jobs(database: Database, *, state: JobState | None = None, limit: int = 100) -> list[JobView]:
    """The latest jobs (in one state, if given), newest first."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if state is not None:
        query = query.where(Job.state == state.value)
    with database.reading() as session:
        return [
            JobView(
                row.id,
                row.name,
                JobState(row.state),
                row.attempts,
                row.max_attempts,
                row.run_after,
                row.last_error,
                row.created_at,
                row.finished_at,
            )
            for row in session.scalars(query)
        ]


def count(database: Database, state: JobState) -> int:
    """How many jobs are in `state` now (the state's index answers it)."""
    query = select(func.count()).select_from(Job).where(Job.state == state.value)
    with database.reading() as session:
        return session.scalar(query) or 0


def retry(session: Session, job_id: int, *, now: datetime) -> bool:
    """Queue a failed job again, with its attempts counted afresh; `False` if it is not failed."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.FAILED.value)
        .values(
            state=JobState.QUEUED.value, attempts=0, run_after=now, finished_at=None, claim=None
        )
    )
    return bool(getattr(result, "rowcount", 0))


def purge_finished(database: Database, *, before: datetime) -> int:
    """Delete jobs that ended well before `before`; failed ones stay until retried or seen to."""
    with database.transaction() as session:
        result = session.execute(
            delete(Job).where(Job.state == JobState.DONE.value, Job.finished_at < before)
        )
    return int(getattr(result, "rowcount", 0) or 0)
