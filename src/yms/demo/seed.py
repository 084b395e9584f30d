"""Demo data: ballots in each state, so a fresh demo shows the whole flow.

Used by ``yms serve --demo`` on an empty database. Entries are made with the
clock set inside each window's times, as they would have been.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.entries import EntryRequest, enter_ballot
from yms.ballot.services.invitations import invite_round
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def _people(window_id: str, nationality: str, count: int) -> list[EntryRequest]:
    return [
        EntryRequest(
            window_id=window_id,
            passport_number=f"{nationality}{number:07d}",
            nationality=nationality,
            date_of_birth=date(1998, 1, 1) + timedelta(days=number * 37 % 3000),
        )
        for number in range(count)
    ]


DEMO = "demo"  # the actor of everything the demo data does
DEMO_APPLICANT = ("applicant@example.org", "demo applicant password")
DEMO_OPERATOR = ("operator@example.org", "demo operator password")


def seed_demo(ctx: ServiceContext) -> list[str]:
    """Create the demo accounts and ballots if there are none; returns the window ids created.

    The demo applicant entered the Taiwan ballot, which had more places than
    entries, so every entrant (the demo applicant too) has an invitation.
    """
    if ballot_windows.list_windows(ctx):
        return []
    applicant = accounts.create_account(ctx, *DEMO_APPLICANT, confirmed=True, actor=DEMO)
    accounts.create_account(ctx, *DEMO_OPERATOR, role=Role.OPERATOR, confirmed=True, actor=DEMO)
    now = ctx.clock.now().replace(microsecond=0)
    # Taiwan: drawn last week, invitations issued.
    drawn_opens, drawn_closes = now - timedelta(days=20), now - timedelta(days=8)
    past = replace(ctx, clock=FixedClock(drawn_opens + timedelta(days=1)))
    ballot_windows.open_window(
        past,
        ballot_windows.WindowPlan(
            "taiwan-2025-1", "uk-yms", "taiwan-2025", 1, drawn_opens, drawn_closes, places=20
        ),
        actor=DEMO,
    )
    for request in _people("taiwan-2025-1", "TW", 14):
        enter_ballot(past, request)
    enter_ballot(
        past,
        EntryRequest("taiwan-2025-1", "T99887766", "TW", date(2000, 5, 17), applicant),
    )
    closing = replace(ctx, clock=FixedClock(drawn_closes))
    ballot_windows.close_window(closing, "taiwan-2025-1", "beac04" * 8, actor=DEMO)
    ballot_windows.run_draw(closing, "taiwan-2025-1", actor=DEMO)
    # Published, so the demo's ballot page links the record anyone can check; the
    # service serves it from the database, so there is no file to write.
    ballot_windows.publish_record(closing, "taiwan-2025-1", lambda _record: None, actor=DEMO)
    invite_round(
        replace(ctx, clock=FixedClock(drawn_closes + timedelta(days=1))),
        "taiwan-2025-1",
        actor=DEMO,
    )
    # Hong Kong: open now for two weeks.
    ballot_windows.open_window(
        ctx,
        ballot_windows.WindowPlan(
            "hong-kong-2025-2",
            "uk-yms",
            "hong-kong-2025",
            2,
            now - timedelta(days=1),
            now + timedelta(days=14),
            places=500,
        ),
        actor=DEMO,
    )
    for request in _people("hong-kong-2025-2", "HK", 25):
        enter_ballot(ctx, request)
    return ["taiwan-2025-1", "hong-kong-2025-2"]
