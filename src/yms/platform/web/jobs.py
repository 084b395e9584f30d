"""The session purge job: delete browser sessions past their expiry. Idempotent; hourly."""

from __future__ import annotations

from datetime import timedelta

import structlog

from yms.platform.context import ServiceContext
from yms.platform.jobs.queue import ClaimedJob
from yms.platform.jobs.worker import Schedule
from yms.platform.web import sessions

log = structlog.get_logger(__name__)
PURGE_SESSIONS = "web.sessions.purge"


def purge_expired_sessions(ctx: ServiceContext, _job: ClaimedJob | None = None) -> int:
    """Delete every expired session; returns how many."""
    purged = sessions.purge_expired(ctx)
    log.info("sessions.purged", count=purged)
    return purged


JOBS = {PURGE_SESSIONS: purge_expired_sessions}
SCHEDULES = (Schedule(PURGE_SESSIONS, timedelta(hours=1)),)
