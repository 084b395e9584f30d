"""The invitation expiry job: every few minutes, expire what is past its deadline. Idempotent."""

from __future__ import annotations

from datetime import timedelta

import structlog

from yms.ballot.services.invitations import expire_invitations
from yms.platform.context import ServiceContext
from yms.platform.jobs.queue import ClaimedJob
from yms.platform.jobs.worker import Schedule

log = structlog.get_logger(__name__)
EXPIRE_INVITATIONS = "ballot.invitations.expire"


def expire_due_invitations(ctx: ServiceContext, _job: ClaimedJob | None = None) -> int:
    """Expire every unanswered invitation past its deadline; returns how many."""
    expired = expire_invitations(ctx)
    log.info("invitations.expired", count=expired)
    return expired


JOBS = {EXPIRE_INVITATIONS: expire_due_invitations}
SCHEDULES = (Schedule(EXPIRE_INVITATIONS, timedelta(minutes=5)),)
