"""The worker: claims due jobs one at a time, runs their handlers, and queues scheduled jobs.

Every job is run at least once: a handler that raises is tried again after a
back-off, up to its attempts, then marked failed for the operator to see and
retry; a worker that dies mid-job lets its lease run out, and the job is run
again. So handlers are idempotent: running one twice does what running it once
does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import structlog

from yms.platform.context import ServiceContext
from yms.platform.jobs import queue
from yms.platform.jobs.queue import ClaimedJob, JobRequest, JobState

log = structlog.get_logger(__name__)
Handler = Callable[[ServiceContext, ClaimedJob], object]
DEFAULT_LEASE = timedelta(minutes=5)


class UnknownJobError(LookupError):
    """A job whose name no handler answers to."""


def _unknown(_ctx: ServiceContext, job: ClaimedJob) -> None:
    raise UnknownJobError(job.name)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A job queued every `every` (one per period, however many workers run)."""

    job: str
    every: timedelta


@dataclass
class Worker:
    """Runs the handlers of `handlers` for jobs on `ctx`'s database."""

    ctx: ServiceContext
    handlers: Mapping[str, Handler]
    schedules: Sequence[Schedule] = ()
    lease: timedelta = DEFAULT_LEASE
    # The period each schedule was last seen queued by this worker: asked once a period.
    _seen: dict[str, int] = field(default_factory=dict)

    def queue_scheduled(self) -> int:
        """Queue each schedule's job for the current period if it is not queued yet."""
        now = self.ctx.clock.now()
        queued = 0
        for schedule in self.schedules:
            period = int(now.timestamp() // schedule.every.total_seconds())
            if self._seen.get(schedule.job) == period:
                continue
            request = JobRequest(schedule.job, key=f"{schedule.job}@{period}", max_attempts=1)
            queued += queue.add_once(self.ctx.database, self.ctx.sealer, request, now=now)
            self._seen[schedule.job] = period
        return queued

    def run_one(self) -> ClaimedJob | None:
        """Claim and run the next due job; the job, or `None` if none was due."""
        job = queue.claim(
            self.ctx.database, self.ctx.sealer, now=self.ctx.clock.now(), lease=self.lease
        )
        if job is None:
            return None
        bound = log.bind(job=job.name, job_id=job.id, attempt=job.attempt)
        handler = self.handlers.get(job.name, _unknown)
        try:
            handler(self.ctx, job)
        except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
            state = queue.fail(self.ctx.database, job, error, now=self.ctx.clock.now())
            if state is None:
                bound.warning("job.lease_lost", error=type(error).__name__)
                return job
            bound.warning("job.failed", error=type(error).__name__, state=state.value)
            if state is JobState.FAILED:
                bound.error("job.gave_up", attempts=job.attempt)
            return job
        if queue.finish(self.ctx.database, job, now=self.ctx.clock.now()):
            bound.info("job.done")
        else:
            bound.warning("job.lease_lost")
        return job

    def run_due(self, limit: int = 10_000) -> int:
        """Run jobs until none is due (or `limit` have run); returns how many ran."""
        ran = 0
        while ran < limit and self.run_one() is not None:
            ran += 1
        return ran

    def run(self, stop: threading.Event, *, poll: float = 1.0) -> None:
        """Work until `stop` is set: queue scheduled jobs, run what is due, wait a little."""
        log.info("worker.started", handlers=sorted(self.handlers))
        while not stop.is_set():
            self.queue_scheduled()
            if self.run_due(limit=100) == 0:
                stop.wait(poll)
        log.info("worker.stopped")
