"""The invitation jobs: expire what is past its deadline, remind what is about to be. Idempotent."""

from __future__ import annotations

from datetime import timedelta

import structlog

from yms.ballot.services.invitations import expire_invitations, remind_expiring
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


REMIND_INVITATIONS = "ballot.invitations.remind"


def remind_expiring_invitations(ctx: ServiceContext, _job: ClaimedJob | None = None) -> int:
    """Remind each holder of an invitation ending within a week, once; returns how many."""
    reminded = remind_expiring(ctx)
    log.info("invitations.reminded", count=reminded)
    return reminded


JOBS = {
    EXPIRE_INVITATIONS: expire_due_invitations,
    REMIND_INVITATIONS: remind_expiring_invitations,
}
SCHEDULES = (
    Schedule(EXPIRE_INVITATIONS, timedelta(minutes=5)),
    Schedule(REMIND_INVITATIONS, timedelta(hours=1)),
)
