"""The demo's data: a drawn ballot with invitations and an open one, made once."""

from __future__ import annotations

from tests.conftest import run_jobs
from yms.accounts import services as accounts
from yms.applications.services import casework
from yms.ballot.domain.states import WindowState
from yms.ballot.services import public
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.entries import entries_of
from yms.demo.seed import (
    DEMO_APPLICANT,
    DEMO_CASEWORKER,
    DEMO_OPERATOR,
    DEMO_REVIEWER,
    DEMO_SENIOR,
    seed_demo,
)
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


def test_demo_cases_wait_for_caseworkers_with_their_checks(ctx: ServiceContext) -> None:
    seed_demo(ctx)
    run_jobs(ctx)  # the demo's worker runs the checks
    caseworker = accounts.sign_in(ctx, *DEMO_CASEWORKER)
    assert caseworker.role == "caseworker"
    assert accounts.sign_in(ctx, *DEMO_SENIOR).role == "senior_caseworker"
    assert accounts.sign_in(ctx, *DEMO_REVIEWER).role == "senior_caseworker"
    waiting = casework.queue(ctx, caseworker.account_id)
    assert [item.state.value for item in waiting] == ["awaiting_decision"] * 3
    first, short, again = waiting
    assert short.attention == ("Fails YMS 5.1",)  # £900 of the £2,530 needed
    # The same person applied twice: each case names the other.
    assert first.attention == (f"Other applications: {again.case_ref}",)
    assert again.attention == (f"Other applications: {first.case_ref}",)
