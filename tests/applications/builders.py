"""Applications for tests, built through the services as an applicant would build them."""

from __future__ import annotations

from tests.ballot.builders import BEACON, entry, hong_kong_window
from yms.accounts.services import create_account
from yms.applications.services import drafts
from yms.ballot.services import windows
from yms.ballot.services.entries import enter_ballot, entries_of
from yms.ballot.services.invitations import invite_round, respond
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def accepted_invitation(
    ctx: ServiceContext, clock: FixedClock, email: str = "ana@example.org"
) -> tuple[str, str]:
    """An applicant invited through the Hong Kong ballot, who accepted; (account id, invitation)."""
    account = create_account(ctx, email, "a good long password", confirmed=True)
    window = hong_kong_window(ctx, places=1)
    enter_ballot(ctx, entry(window.window_id, 1, account_id=account))
    clock.instant = window.closes_at
    windows.close_window(ctx, window.window_id, BEACON, actor="operator")
    windows.run_draw(ctx, window.window_id, actor="operator")
    invite_round(ctx, window.window_id, actor="operator")
    [mine] = entries_of(ctx, account)
    assert mine.invitation_ref is not None
    respond(ctx, mine.invitation_ref, accept=True, account_id=account)
    return account, mine.invitation_ref


def draft(ctx: ServiceContext, clock: FixedClock) -> tuple[str, str]:
    """A draft application from an accepted invitation; (account id, case reference)."""
    account, invitation = accepted_invitation(ctx, clock)
    return account, drafts.start_for_invitation(ctx, account, invitation)
