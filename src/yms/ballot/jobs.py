"""The invitation expiry job: run it often (e.g. every few minutes); it is idempotent."""

from __future__ import annotations

import structlog

from yms.ballot.services.invitations import expire_invitations
from yms.platform.context import ServiceContext

log = structlog.get_logger(__name__)


def expire_due_invitations(ctx: ServiceContext) -> int:
    """Expire every unanswered invitation past its deadline; returns how many."""
    expired = expire_invitations(ctx)
    log.info("invitations.expired", count=expired)
    return expired
