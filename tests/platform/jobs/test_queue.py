"""The job queue: jobs commit with their unit, sealed at rest; leased, retried, backed off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text

from yms.platform.audit import log as audit_log
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.jobs import queue
from yms.platform.jobs.jobs import purge_done_jobs
from yms.platform.jobs.queue import ClaimedJob, JobRequest, JobState
from yms.platform.jobs.tables import Job

LEASE = timedelta(minutes=5)
ADDRESS = "ana@example.org"


class MailboxUnknownError(Exception):
    """An error whose message carries personal data, as a provider's might."""


def enqueue(ctx: ServiceContext, name: str = "test.echo", **options: object) -> int:
    """Queue one job through a unit of work; returns its id."""
    with ctx.unit(actor="system") as uow:
        uow.enqueue(name, **options)  # type: ignore[arg-type]
    return max(view.id for view in queue.jobs(ctx.database))


def row(ctx: ServiceContext, job_id: int) -> Job:
    with ctx.database.reading() as session:
        job = session.scalar(select(Job).where(Job.id == job_id))
        assert job is not None
        return job


def claim(ctx: ServiceContext, lease: timedelta = LEASE) -> ClaimedJob | None:
    return queue.claim(ctx.database, ctx.sealer, now=ctx.clock.now(), lease=lease)


def claimed(ctx: ServiceContext, lease: timedelta = LEASE) -> ClaimedJob:
    job = claim(ctx, lease)
    assert job is not None
    return job


def test_a_job_queued_in_a_unit_that_commits_is_queued(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    with ctx.unit(actor="system") as uow:
        uow.enqueue("test.echo", to=ADDRESS, count=2)
    [view] = queue.jobs(ctx.database)
    assert (view.name, view.state, view.attempts) == ("test.echo", JobState.QUEUED, 0)
    assert view.max_attempts == queue.DEFAULT_ATTEMPTS
    assert view.run_after == clock.now()
    job = claimed(ctx)
    assert (job.name, job.args, job.attempt) == ("test.echo", {"to": ADDRESS, "count": 2}, 1)


@pytest.mark.parametrize("where", ["in the block", "at commit"])
def test_a_job_queued_in_a_unit_that_raises_is_not_queued(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the audit chain is unavailable")

    def change() -> None:
        with ctx.unit(actor="system") as uow:
            uow.enqueue("test.echo", to=ADDRESS)
            uow.audit("test.happened", "subject-1")
            if where == "in the block":
                raise RuntimeError("the change failed")

    if where == "at commit":  # after the jobs are in the session, before it commits
        monkeypatch.setattr(audit_log, "append", refuse)
    with pytest.raises(RuntimeError):
        change()
    assert queue.jobs(ctx.database) == []
    assert claim(ctx) is None


def test_arguments_are_sealed_at_rest(ctx: ServiceContext) -> None:
    enqueue(ctx, to=ADDRESS, link="https://yms.example/confirm/one-time-token-123")
    with ctx.database.reading() as session:
        [raw] = session.execute(text("SELECT args_sealed FROM jobs")).scalars()
    raw = bytes(raw)
    assert ADDRESS.encode() not in raw
    assert b"one-time-token-123" not in raw
    # It is the arguments, sealed: the data key opens them.
    assert ADDRESS.encode() in ctx.sealer.open(raw)


def test_a_claim_marks_the_job_running_with_a_lease(ctx: ServiceContext, clock: FixedClock) -> None:
    job_id = enqueue(ctx, n=1)
    job = claimed(ctx)
    assert (job.id, job.attempt, job.max_attempts, job.args) == (
        job_id,
        1,
        queue.DEFAULT_ATTEMPTS,
        {"n": 1},
    )
    stored = row(ctx, job_id)
    assert stored.state == JobState.RUNNING
    assert stored.attempts == 1
    assert stored.locked_until == clock.now() + LEASE


def test_a_job_under_lease_is_not_claimed_again(ctx: ServiceContext, clock: FixedClock) -> None:
    enqueue(ctx)
    claimed(ctx)
    assert claim(ctx) is None
    clock.instant += LEASE - timedelta(seconds=1)
    assert claim(ctx) is None


def test_a_job_whose_lease_lapsed_is_claimed_again_and_the_stale_end_is_ignored(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    job_id = enqueue(ctx)
    first = claimed(ctx)
    clock.instant += LEASE + timedelta(seconds=1)
    second = claimed(ctx)  # at least once: the first worker may have died
    assert (second.id, second.attempt) == (job_id, 2)
    assert row(ctx, job_id).locked_until == clock.now() + LEASE
    # The first worker comes back: neither its end nor its failure counts.
    assert queue.finish(ctx.database, first, now=clock.now()) is False
    queue.fail(ctx.database, first, RuntimeError("late"), now=clock.now())
    stored = row(ctx, job_id)
    assert (stored.state, stored.attempts, stored.last_error) == (JobState.RUNNING, 2, None)
    assert queue.finish(ctx.database, second, now=clock.now()) is True
    stored = row(ctx, job_id)
    assert (stored.state, stored.locked_until, stored.finished_at) == (
        JobState.DONE,
        None,
        clock.now(),
    )
    clock.instant += LEASE * 2
    assert claim(ctx) is None


def test_a_failed_attempt_is_queued_again_after_a_back_off_until_out_of_attempts(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    job_id = enqueue(ctx, max_attempts=3)
    waits = []
    for attempt in (1, 2):
        job = claimed(ctx)
        assert job.attempt == attempt
        state = queue.fail(ctx.database, job, ValueError("try again"), now=clock.now())
        assert state is JobState.QUEUED
        stored = row(ctx, job_id)
        assert (stored.state, stored.locked_until, stored.last_error) == (
            JobState.QUEUED,
            None,
            "ValueError",
        )
        assert stored.run_after == clock.now() + queue.backoff(attempt)
        waits.append(stored.run_after - clock.now())
        clock.instant = stored.run_after - timedelta(microseconds=1)
        assert claim(ctx) is None  # not due yet
        clock.instant = stored.run_after
    assert waits == [timedelta(seconds=10), timedelta(seconds=20)]
    last = claimed(ctx)
    assert last.attempt == 3
    assert queue.fail(ctx.database, last, ValueError("no"), now=clock.now()) is JobState.FAILED
    stored = row(ctx, job_id)
    assert (stored.state, stored.attempts, stored.finished_at) == (JobState.FAILED, 3, clock.now())
    clock.instant += timedelta(days=1)
    assert claim(ctx) is None


def test_the_last_error_is_the_class_name_only(ctx: ServiceContext, clock: FixedClock) -> None:
    job_id = enqueue(ctx, max_attempts=1, to=ADDRESS)
    job = claimed(ctx)
    error = MailboxUnknownError(f"no mailbox for {ADDRESS}")
    assert queue.fail(ctx.database, job, error, now=clock.now()) is JobState.FAILED
    [view] = queue.jobs(ctx.database, state=JobState.FAILED)
    assert (view.id, view.last_error) == (job_id, "MailboxUnknownError")
    with ctx.database.reading() as session:
        stored = session.execute(text("SELECT * FROM jobs")).one()
    assert not any(ADDRESS in str(value) for value in stored)


def test_retry_queues_a_failed_job_again_with_its_attempts_afresh(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    job_id = enqueue(ctx, max_attempts=1)
    queue.fail(ctx.database, claimed(ctx), ValueError("no"), now=clock.now())
    clock.instant += timedelta(hours=2)
    with ctx.unit(actor="system") as uow:
        assert queue.retry(uow.session, job_id, now=uow.now()) is True
    stored = row(ctx, job_id)
    assert (stored.state, stored.attempts, stored.run_after, stored.finished_at) == (
        JobState.QUEUED,
        0,
        clock.now(),
        None,
    )
    job = claimed(ctx)
    assert (job.id, job.attempt) == (job_id, 1)
    with ctx.unit(actor="system") as uow:  # running, not failed
        assert queue.retry(uow.session, job_id, now=uow.now()) is False
        assert queue.retry(uow.session, job_id + 1000, now=uow.now()) is False
    assert queue.finish(ctx.database, job, now=clock.now()) is True
    with ctx.unit(actor="system") as uow:  # done, not failed
        assert queue.retry(uow.session, job_id, now=uow.now()) is False
    assert row(ctx, job_id).state == JobState.DONE


def test_a_stale_worker_cannot_finish_a_job_retried_since(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    job_id = enqueue(ctx, max_attempts=1)
    stalled = claimed(ctx)  # worker A stalls past its lease
    clock.instant += LEASE + timedelta(seconds=1)
    # Out of attempts, the lapsed job is marked failed rather than taken again.
    assert queue.claim(ctx.database, ctx.sealer, now=clock.now(), lease=LEASE) is None
    assert row(ctx, job_id).state == JobState.FAILED
    with ctx.unit(actor="system") as uow:
        assert queue.retry(uow.session, job_id, now=uow.now())
    running = claimed(ctx)  # worker C runs it again
    assert running.attempt == stalled.attempt
    assert queue.finish(ctx.database, stalled, now=clock.now()) is False
    assert row(ctx, job_id).state == JobState.RUNNING


def test_add_once_queues_one_job_per_key(ctx: ServiceContext, clock: FixedClock) -> None:
    def once(key: str) -> bool:
        request = JobRequest("test.tick", key=key)
        return queue.add_once(ctx.database, ctx.sealer, request, now=clock.now())

    assert once("tick@1") is True
    assert once("tick@1") is False
    with ctx.unit(actor="system") as uow:  # the unit's enqueue drops a known key too
        uow.enqueue("test.tick", key="tick@1")
    assert [view.name for view in queue.jobs(ctx.database)] == ["test.tick"]
    assert once("tick@2") is True
    assert len(queue.jobs(ctx.database)) == 2
    with pytest.raises(ValueError, match="keyed"):
        queue.add_once(ctx.database, ctx.sealer, JobRequest("test.tick"), now=clock.now())


def test_add_once_says_false_when_another_worker_queued_the_key_meanwhile(
    ctx: ServiceContext, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    if ctx.database.dialect != "postgresql":
        pytest.skip("SQLite's write lock lets no other worker in between")
    add = queue.add

    def another_worker_first(*args: object, **kwargs: object) -> bool:
        with ctx.database.transaction() as other:  # commits between the two looks
            add(other, *args[1:], **kwargs)  # type: ignore[arg-type]
        return add(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(queue, "add", another_worker_first)
    said = queue.add_once(
        ctx.database, ctx.sealer, JobRequest("test.tick", key="k"), now=clock.now()
    )
    monkeypatch.undo()
    assert len(queue.jobs(ctx.database)) == 1  # the key held: one job
    assert said is False  # this call queued nothing


def test_a_job_is_tried_at_least_once(ctx: ServiceContext) -> None:
    with pytest.raises(ValueError, match="at least once"), ctx.unit(actor="system") as uow:
        uow.enqueue("test.echo", max_attempts=0)
    assert queue.jobs(ctx.database) == []


@given(st.integers(min_value=1, max_value=1000))
def test_backoff_doubles_from_ten_seconds_and_stops_at_an_hour(attempt: int) -> None:
    wait = queue.backoff(attempt)
    assert wait == timedelta(seconds=min(10 * 2 ** (attempt - 1), 3600))
    assert timedelta(seconds=10) <= wait <= timedelta(hours=1)
    assert queue.backoff(attempt + 1) == min(wait * 2, timedelta(hours=1))


def test_a_job_that_kills_every_worker_ends_failed_not_taken_for_ever(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    job_id = enqueue(ctx, max_attempts=2)
    for _ in range(2):  # each worker dies holding it: the lease runs out
        claimed(ctx)
        clock.instant += LEASE + timedelta(seconds=1)
    assert queue.claim(ctx.database, ctx.sealer, now=clock.now(), lease=LEASE) is None
    failed = row(ctx, job_id)
    assert (failed.state, failed.last_error) == (JobState.FAILED, "WorkerLost")


def test_a_stale_worker_failing_changes_nothing(ctx: ServiceContext, clock: FixedClock) -> None:
    job_id = enqueue(ctx)
    stalled = claimed(ctx)
    clock.instant += LEASE + timedelta(seconds=1)
    claimed(ctx)  # another worker holds it now
    assert queue.fail(ctx.database, stalled, ValueError("late"), now=clock.now()) is None
    assert row(ctx, job_id).state == JobState.RUNNING


def test_done_jobs_are_kept_a_week_and_failed_ones_until_seen_to(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    old_done, old_failed = enqueue(ctx), enqueue(ctx, max_attempts=1)
    queue.finish(ctx.database, claimed(ctx), now=clock.now())
    queue.fail(ctx.database, claimed(ctx), ValueError("no"), now=clock.now())
    clock.instant += timedelta(days=8)
    recent = enqueue(ctx)
    queue.finish(ctx.database, claimed(ctx), now=clock.now())
    assert purge_done_jobs(ctx) == 1
    assert sorted(view.id for view in queue.jobs(ctx.database)) == [old_failed, recent]
    assert old_done not in {view.id for view in queue.jobs(ctx.database)}
