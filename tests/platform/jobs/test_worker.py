"""The worker: runs due jobs in order, retries with back-off, queues schedules once per period."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.jobs import queue
from yms.platform.jobs.queue import ClaimedJob, JobState, JobView
from yms.platform.jobs.worker import Handler, Schedule, Worker


def view_of(ctx: ServiceContext, job_id: int) -> JobView:
    [view] = [view for view in queue.jobs(ctx.database, limit=1000) if view.id == job_id]
    return view


def enqueue(ctx: ServiceContext, name: str, **options: object) -> int:
    with ctx.unit(actor="system") as uow:
        uow.enqueue(name, **options)  # type: ignore[arg-type]
    return max(view.id for view in queue.jobs(ctx.database))


def recorder(seen: list[object]) -> Handler:
    def record(_ctx: ServiceContext, job: ClaimedJob) -> None:
        seen.append(job.args["n"])

    return record


def test_run_due_runs_the_due_jobs_in_order_then_stops(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    seen: list[object] = []
    worker = Worker(ctx, handlers={"test.record": recorder(seen)})
    with ctx.unit(actor="system") as uow:
        for n in (1, 2, 3):
            uow.enqueue("test.record", n=n)
        uow.enqueue("test.record", n="later", run_after=clock.now() + timedelta(hours=1))
        uow.enqueue("test.record", n="overdue", run_after=clock.now() - timedelta(minutes=1))
    assert worker.run_due() == 4
    assert seen == ["overdue", 1, 2, 3]
    assert worker.run_one() is None
    states = sorted(view.state for view in queue.jobs(ctx.database))
    assert states == [JobState.DONE] * 4 + [JobState.QUEUED]
    clock.instant += timedelta(hours=1)
    assert worker.run_due() == 1
    assert seen[-1] == "later"


def test_run_due_stops_at_its_limit(ctx: ServiceContext) -> None:
    seen: list[object] = []
    worker = Worker(ctx, handlers={"test.record": recorder(seen)})
    with ctx.unit(actor="system") as uow:
        for n in range(5):
            uow.enqueue("test.record", n=n)
    assert worker.run_due(limit=2) == 2
    assert seen == [0, 1]
    assert worker.run_due() == 3


def test_a_job_no_handler_answers_ends_failed(ctx: ServiceContext, clock: FixedClock) -> None:
    job_id = enqueue(ctx, "test.nobody-answers", max_attempts=2)
    worker = Worker(ctx, handlers={"test.record": recorder([])})
    assert worker.run_due() == 1
    view = view_of(ctx, job_id)
    assert (view.state, view.attempts, view.last_error) == (JobState.QUEUED, 1, "UnknownJobError")
    clock.instant = view.run_after
    assert worker.run_due() == 1
    view = view_of(ctx, job_id)
    assert (view.state, view.attempts, view.last_error) == (JobState.FAILED, 2, "UnknownJobError")
    assert view.finished_at == clock.now()


def test_a_handler_that_fails_twice_then_succeeds_is_done_after_three_attempts(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    attempts: list[int] = []

    def flaky(_ctx: ServiceContext, job: ClaimedJob) -> None:
        attempts.append(job.attempt)
        if len(attempts) <= 2:
            raise ConnectionError("the provider is down")

    job_id = enqueue(ctx, "test.flaky")
    worker = Worker(ctx, handlers={"test.flaky": flaky})
    for wait in (timedelta(seconds=10), timedelta(seconds=20)):
        assert worker.run_due() == 1
        view = view_of(ctx, job_id)
        assert (view.state, view.last_error) == (JobState.QUEUED, "ConnectionError")
        assert view.run_after == clock.now() + wait
        clock.instant += wait - timedelta(seconds=1)
        assert worker.run_due() == 0  # backing off
        clock.instant += timedelta(seconds=1)
    assert worker.run_due() == 1
    view = view_of(ctx, job_id)
    assert (view.state, view.attempts, view.finished_at) == (JobState.DONE, 3, clock.now())
    assert view.last_error is None
    assert attempts == [1, 2, 3]
    clock.instant += timedelta(days=1)
    assert worker.run_due() == 0


def test_schedules_queue_one_job_per_period(ctx: ServiceContext, clock: FixedClock) -> None:
    schedules = (
        Schedule("test.tick", timedelta(minutes=5)),
        Schedule("test.tock", timedelta(hours=1)),
    )
    first = Worker(ctx, handlers={}, schedules=schedules)
    second = Worker(ctx, handlers={}, schedules=schedules)
    assert first.queue_scheduled() == 2
    assert [first.queue_scheduled() for _ in range(5)] == [0] * 5
    assert second.queue_scheduled() == 0
    assert sorted(view.name for view in queue.jobs(ctx.database)) == ["test.tick", "test.tock"]
    clock.instant += timedelta(minutes=5)  # the clock starts on the hour: a new tick period
    assert second.queue_scheduled() == 1
    assert first.queue_scheduled() == 0
    clock.instant += timedelta(minutes=55)
    assert first.queue_scheduled() == 2
    names = sorted(view.name for view in queue.jobs(ctx.database))
    assert names == ["test.tick"] * 3 + ["test.tock"] * 2


def test_two_workers_at_once_queue_a_schedule_once(ctx: ServiceContext) -> None:
    schedules = (Schedule("test.tick", timedelta(minutes=5)),)
    workers = [Worker(ctx, handlers={}, schedules=schedules) for _ in range(2)]
    start = threading.Barrier(len(workers))
    queued: list[int] = []
    errors: list[BaseException] = []

    def run(worker: Worker) -> None:
        try:
            start.wait()
            queued.extend(worker.queue_scheduled() for _ in range(10))
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(queued) == 20
    # One job, and exactly one worker says it queued it.
    assert [view.name for view in queue.jobs(ctx.database)] == ["test.tick"]
    assert sum(queued) == 1


def test_two_workers_run_each_job_exactly_once(ctx: ServiceContext) -> None:
    if ctx.database.dialect != "postgresql":
        pytest.skip("SKIP LOCKED lets workers claim side by side on PostgreSQL only")
    with ctx.unit(actor="system") as uow:
        for n in range(50):
            uow.enqueue("test.slow", n=n)
    expected = sorted(view.id for view in queue.jobs(ctx.database))
    ran: list[tuple[str, int]] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def slow(_ctx: ServiceContext, job: ClaimedJob) -> None:
        time.sleep(0.005)
        with lock:
            ran.append((threading.current_thread().name, job.id))

    def work() -> None:
        try:
            start.wait()
            Worker(ctx, handlers={"test.slow": slow}).run_due()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    start = threading.Barrier(2)
    threads = [threading.Thread(target=work, name=f"worker-{n}") for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(job_id for _, job_id in ran) == expected
    assert {name for name, _ in ran} == {"worker-0", "worker-1"}  # both took jobs
    views = queue.jobs(ctx.database, limit=100)
    assert {(view.state, view.attempts) for view in views} == {(JobState.DONE, 1)}
