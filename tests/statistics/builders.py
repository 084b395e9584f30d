"""A small running scheme for statistics tests, built through the services as people would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.applications.builders import staff, submitted
from tests.ballot.builders import BEACON, entry, hong_kong_window
from yms.accounts.domain import Role
from yms.applications.services import decisions, drafts
from yms.ballot.services import windows
from yms.ballot.services.entries import enter_ballot
from yms.ballot.services.invitations import (
    expire_invitations,
    invitations_of,
    invite_round,
    respond,
)
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def running_scheme(ctx: ServiceContext, clock: FixedClock) -> None:
    """A drawn Hong Kong ballot with every kind of invitation, and decided direct applications.

    Ballot (3 places): 7 entries; round 1 invites 3 (one accepts, one declines, one
    lets it expire), round 2 re-offers the 2 places left.
    Applications under AU-GB and CA-GB, decided across two quarters: 2026Q4 and 2027Q1.
    """
    window = hong_kong_window(ctx, places=3)
    for number in range(7):
        enter_ballot(ctx, entry(window.window_id, number))
    clock.instant = window.closes_at
    windows.close_window(ctx, window.window_id, BEACON, actor="operator")
    windows.run_draw(ctx, window.window_id, actor="operator")
    invite_round(ctx, window.window_id, actor="operator")
    first, second, _third = invitations_of(ctx, window.window_id)
    respond(ctx, first.ref, accept=True)
    respond(ctx, second.ref, accept=False)
    clock.instant += timedelta(days=window.invitation_expiry_days + 1)
    expire_invitations(ctx)
    invite_round(ctx, window.window_id, actor="operator")

    caseworker = staff(ctx, "cw@example.org", Role.CASEWORKER)
    senior = staff(ctx, "senior@example.org", Role.SENIOR_CASEWORKER)
    clock.instant = datetime(2026, 12, 10, 12, tzinfo=UTC)
    cases = [submitted(ctx, f"au{n}@example.org", passport=f"PA{n:07d}") for n in range(4)] + [
        submitted(ctx, f"ca{n}@example.org", arrangement="CA-GB", passport=f"PC{n:07d}")
        for n in range(3)
    ]
    (_, au0), (_, au1), (au2_account, au2), (_, au3) = cases[:4]
    (_, ca0), (_, ca1), _ca2 = cases[4:]
    decisions.grant(ctx, au0, caseworker_id=caseworker)
    decisions.grant(ctx, ca0, caseworker_id=caseworker)
    clock.instant = datetime(2027, 1, 15, 12, tzinfo=UTC)
    decisions.grant(ctx, au1, caseworker_id=caseworker)
    decisions.propose_refusal(
        ctx, ca1, caseworker_id=caseworker, requirements=(), text="Not a genuine visitor."
    )
    decisions.confirm_refusal(ctx, ca1, senior_id=senior)
    drafts.withdraw(ctx, au2_account, au2)
    del au3  # awaits a decision
