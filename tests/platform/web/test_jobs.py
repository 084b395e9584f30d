"""The session purge job."""

from __future__ import annotations

from datetime import timedelta

from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.web import sessions
from yms.platform.web.jobs import purge_expired_sessions


def test_only_expired_sessions_go(ctx: ServiceContext, clock: FixedClock) -> None:
    old = sessions.start(ctx)
    clock.instant += sessions.SESSION_LIFETIME
    young = sessions.start(ctx)
    assert purge_expired_sessions(ctx) == 1
    assert sessions.load(ctx, young.token) is not None
    clock.instant += timedelta(seconds=1)
    assert sessions.load(ctx, old.token) is None
