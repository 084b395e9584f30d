"""The session purge job: delete browser sessions past their expiry. Idempotent; hourly."""

from __future__ import annotations

from datetime import timedelta

import structlog

from yms.platform.context import ServiceContext
from yms.platform.jobs.queue import ClaimedJob
from yms.platform.jobs.worker import Schedule
from yms.platform.web import sessions
from yms.platform.web.ratelimit import RateLimits

log = structlog.get_logger(__name__)
PURGE_SESSIONS = "web.sessions.purge"
PURGE_LIMITS = "web.rate_limits.purge"


def purge_expired_sessions(ctx: ServiceContext, _job: ClaimedJob | None = None) -> int:
    """Delete every expired session; returns how many."""
    purged = sessions.purge_expired(ctx)
    log.info("sessions.purged", count=purged)
    return purged


def purge_rate_limit_counts(ctx: ServiceContext, _job: ClaimedJob | None = None) -> int:
    """Delete the rate-limit counts of windows that have ended; returns how many."""
    purged = RateLimits(ctx.database, ctx.identity_key, ctx.clock).purge()
    log.info("rate_limits.purged", count=purged)
    return purged


JOBS = {PURGE_SESSIONS: purge_expired_sessions, PURGE_LIMITS: purge_rate_limit_counts}
# Counts last a window (a minute or so); a purge every few minutes keeps the table small.
SCHEDULES = (
    Schedule(PURGE_SESSIONS, timedelta(hours=1)),
    Schedule(PURGE_LIMITS, timedelta(minutes=5)),
)
