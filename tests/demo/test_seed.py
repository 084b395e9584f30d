"""The demo's data: a drawn ballot with invitations and an open one, made once."""

from __future__ import annotations

from yms.accounts import services as accounts
from yms.ballot.domain.states import WindowState
from yms.ballot.services import public
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.entries import entries_of
from yms.demo.seed import DEMO_APPLICANT, DEMO_OPERATOR, seed_demo
from yms.platform.context import ServiceContext


def test_demo_ballots_in_each_state(ctx: ServiceContext) -> None:
    assert seed_demo(ctx) == ["taiwan-2025-1", "hong-kong-2025-2"]
    drawn = ballot_windows.status(ctx, "taiwan-2025-1")
    assert drawn.state is WindowState.DRAWN
    assert drawn.invitations["issued"] == drawn.entries == 15
    published = public.published_record(ctx, "taiwan-2025-1")  # anyone can check the draw
    assert len(published.entry_refs) == 15
    applicant = accounts.sign_in(ctx, *DEMO_APPLICANT)
    [entry] = entries_of(ctx, applicant.account_id)
    assert entry.invitation_state == "issued"
    assert accounts.sign_in(ctx, *DEMO_OPERATOR).role == "operator"
    open_now = ballot_windows.status(ctx, "hong-kong-2025-2")
    assert open_now.state is WindowState.OPEN
    assert open_now.entries == 25
    assert seed_demo(ctx) == []  # only into an empty database
