"""`yms jobs list`, `yms jobs retry` and `yms worker --once`, on a SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.databases import sqlite_copy
from tests.fixtures.commands import Yms
from yms.platform.audit.tables import AuditEvent
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.jobs import queue
from yms.platform.jobs.queue import JobState, JobView
from yms.platform.jobs.worker import Worker
from yms.platform.mail import outbox as notifications
from yms.platform.mail.outbox import OutboxSender
from yms.platform.settings import Settings

# On the hour, so the five-minute and hourly schedules both start a period here.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def operator_ctx(
    tmp_path: Path, sqlite_template: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ServiceContext]:
    """A migrated SQLite file that `yms` uses, and a context on it; both tell time by `clock`."""
    monkeypatch.setenv("YMS_DATABASE_URL", sqlite_copy(sqlite_template, tmp_path))
    monkeypatch.setattr("yms.platform.context.SystemClock", lambda: clock)
    ctx = ServiceContext.from_settings(Settings())
    yield ctx
    ctx.database.dispose()


def view_of(ctx: ServiceContext, job_id: int) -> JobView:
    [view] = [view for view in queue.jobs(ctx.database) if view.id == job_id]
    return view


def enqueue(ctx: ServiceContext, name: str, **options: object) -> int:
    with ctx.unit(actor="system") as uow:
        uow.enqueue(name, **options)  # type: ignore[arg-type]
    return max(view.id for view in queue.jobs(ctx.database))


def failed_job(ctx: ServiceContext) -> int:
    """A job no handler answers to, tried once: failed with `UnknownJobError`."""
    job_id = enqueue(ctx, "test.no-handler", max_attempts=1)
    assert Worker(ctx, handlers={}).run_due() == 1
    assert view_of(ctx, job_id).state is JobState.FAILED
    return job_id


def row_of(output: str, name: str) -> list[str]:
    """The cells of the table row that names `name`."""
    [line] = [line for line in output.splitlines() if f" {name} " in line]
    return [cell.strip() for cell in line.split("│")[1:-1]]


def test_jobs_list_failed_shows_the_failed_jobs_and_their_error(
    yms: Yms, operator_ctx: ServiceContext
) -> None:
    ctx = operator_ctx
    done = enqueue(ctx, "test.done-job")
    assert Worker(ctx, handlers={"test.done-job": lambda *_: None}).run_one() is not None
    job_id = failed_job(ctx)
    enqueue(ctx, "test.waiting")
    listed = yms("jobs", "list", "--failed")
    assert listed.code == 0, listed.stderr
    cells = row_of(listed.stdout, "test.no-handler")
    assert cells[:5] == [str(job_id), "test.no-handler", "failed", "1/1", "UnknownJobError"]
    assert "test.waiting" not in listed.stdout
    assert "test.done-job" not in listed.stdout
    everything = yms("jobs", "list")
    assert everything.code == 0, everything.stderr
    assert row_of(everything.stdout, "test.done-job")[:3] == [str(done), "test.done-job", "done"]
    assert row_of(everything.stdout, "test.waiting")[2] == "queued"
    queued = yms("jobs", "list", "--state", "queued")
    assert "test.waiting" in queued.stdout
    assert "test.no-handler" not in queued.stdout
    unknown = yms("jobs", "list", "--state", "lost")
    assert unknown.code == 2
    assert "--state must be one of queued, running, done, failed" in unknown.stderr


def test_jobs_retry_queues_a_failed_job_again_once(yms: Yms, operator_ctx: ServiceContext) -> None:
    ctx = operator_ctx
    job_id = failed_job(ctx)
    retried = yms("jobs", "retry", str(job_id))
    assert retried.code == 0, retried.stderr
    assert f"job {job_id} queued again" in retried.stdout
    view = view_of(ctx, job_id)
    assert (view.state, view.attempts) == (JobState.QUEUED, 0)
    with ctx.database.reading() as session:
        [subject] = session.scalars(
            select(AuditEvent.subject).where(AuditEvent.action == "jobs.job.retried")
        )
    assert subject == str(job_id)
    again = yms("jobs", "retry", str(job_id))
    assert again.code == 3
    assert f"job {job_id} is not a failed job" in again.stderr
    assert yms("jobs", "retry", str(job_id + 1000)).code == 3
    assert "test.no-handler" not in yms("jobs", "list", "--failed").stdout


def test_worker_once_runs_what_is_due_and_says_how_many(
    yms: Yms, operator_ctx: ServiceContext, clock: FixedClock
) -> None:
    ctx = operator_ctx
    with ctx.unit(actor="system") as uow:
        for address in ("ana@example.org", "ben@example.org"):
            notifications.queue_email(
                uow, address, notifications.ACCOUNT_EXISTS, {"link": "http://x/sign-in"}
            )
        uow.enqueue(
            notifications.SEND_EMAIL,
            run_after=NOW + timedelta(hours=1),
            to="cy@example.org",
            template=notifications.NO_ACCOUNT,
            personalisation={"link": "http://x/sign-up"},
        )
    # Two e-mails, and the first period of the session purge, the job purge, and the
    # invitation expiry and reminders, the purge of stray status checks, and the purge of
    # rate-limit counts.
    ran = yms("worker", "--once")
    assert ran.code == 0, ran.stderr
    assert ran.stdout.strip() == "ran 8 jobs"
    assert isinstance(ctx.mail, OutboxSender)
    assert len(ctx.mail.messages("ana@example.org")) == 1
    assert len(ctx.mail.messages("ben@example.org")) == 1
    names = sorted(view.name for view in queue.jobs(ctx.database, state=JobState.DONE))
    assert names == [
        "ballot.invitations.expire",
        "ballot.invitations.remind",
        "jobs.purge",
        notifications.SEND_EMAIL,
        notifications.SEND_EMAIL,
        "status.checks.purge_stray",
        "web.rate_limits.purge",
        "web.sessions.purge",
    ]
    assert yms("worker", "--once").stdout.strip() == "ran 0 jobs"
    clock.instant += timedelta(minutes=5)  # a new period of the five-minute schedules only
    assert yms("worker", "--once").stdout.strip() == "ran 2 jobs"
    [later] = queue.jobs(ctx.database, state=JobState.QUEUED)
    assert later.run_after == NOW + timedelta(hours=1)
    assert ctx.mail.messages("cy@example.org") == []
