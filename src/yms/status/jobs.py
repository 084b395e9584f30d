"""The status feature's job: forget checks of codes no one made, once no limit needs them.

A check of an unknown code is kept only so the rate limits can count it; no
holder is shown it, and its audit event stays in the chain. Past the longest
limit's window it serves nothing, so it goes, and misses sent at random cannot
grow the table without end. Idempotent; hourly.
"""

from __future__ import annotations

from datetime import timedelta

import structlog

from yms.platform.context import ServiceContext
from yms.platform.jobs.queue import ClaimedJob
from yms.platform.jobs.worker import Schedule
from yms.status import sharing

log = structlog.get_logger(__name__)
PURGE_STRAY_CHECKS = "status.checks.purge_stray"


def purge_stray_checks(ctx: ServiceContext, _job: ClaimedJob | None = None) -> int:
    """Delete checks of unknown codes older than every limit's window; returns how many."""
    purged = sharing.purge_stray_checks(ctx)
    log.info("status.checks.purged", count=purged)
    return purged


JOBS = {PURGE_STRAY_CHECKS: purge_stray_checks}
SCHEDULES = (Schedule(PURGE_STRAY_CHECKS, timedelta(hours=1)),)
