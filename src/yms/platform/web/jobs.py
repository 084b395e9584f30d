"""The session purge job: delete browser sessions past their expiry. Idempotent; run hourly."""

from __future__ import annotations

import structlog

from yms.platform.context import ServiceContext
from yms.platform.web import sessions

log = structlog.get_logger(__name__)


def purge_expired_sessions(ctx: ServiceContext) -> int:
    """Delete every expired session; returns how many."""
    purged = sessions.purge_expired(ctx)
    log.info("sessions.purged", count=purged)
    return purged
