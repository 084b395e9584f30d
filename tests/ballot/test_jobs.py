"""The invitation expiry job."""

from __future__ import annotations

from datetime import timedelta

from tests.ballot.builders import drawn_window
from yms.ballot.jobs import expire_due_invitations
from yms.ballot.services.invitations import invitations_of, invite_round
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def test_the_job_expires_what_is_due_and_only_that(ctx: ServiceContext, clock: FixedClock) -> None:
    window_id = drawn_window(ctx, clock, entrants=3, places=2, invitation_expiry_days=10)
    invite_round(ctx, window_id, actor="operator")
    clock.instant += timedelta(days=10) - timedelta(seconds=1)
    assert expire_due_invitations(ctx) == 0
    clock.instant += timedelta(seconds=1)
    assert expire_due_invitations(ctx) == 2
    assert {i.state.value for i in invitations_of(ctx, window_id)} == {"expired"}
