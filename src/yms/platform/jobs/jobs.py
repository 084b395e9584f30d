"""The queue's own housekeeping: done jobs are kept a week, to be seen, then deleted."""

from __future__ import annotations

from datetime import timedelta

import structlog

from yms.platform.context import ServiceContext
from yms.platform.jobs import queue
from yms.platform.jobs.queue import ClaimedJob
from yms.platform.jobs.worker import Schedule

log = structlog.get_logger(__name__)
PURGE_JOBS = "jobs.purge"
KEEP_DONE = timedelta(days=7)


def purge_done_jobs(ctx: ServiceContext, _job: ClaimedJob | None = None) -> int:
    """Delete jobs done more than a week ago; returns how many."""
    purged = queue.purge_finished(ctx.database, before=ctx.clock.now() - KEEP_DONE)
    log.info("jobs.purged", count=purged)
    return purged


JOBS = {PURGE_JOBS: purge_done_jobs}
SCHEDULES = (Schedule(PURGE_JOBS, timedelta(days=1)),)
