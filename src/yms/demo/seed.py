"""Demo data: ballots in each state and cases to decide, so a fresh demo shows the whole flow.

Used by ``yms serve --demo`` on an empty database. Entries are made with the
clock set inside each window's times, as they would have been.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.applications.services import casework, decisions, drafts, payment
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.entries import EntryRequest, enter_ballot
from yms.ballot.services.invitations import invite_round
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.payments.provider import FakePaymentProvider
from yms.statistics.domain.periods import Quarter


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
DEMO_CASEWORKER = ("caseworker@example.org", "demo caseworker password")
DEMO_SENIOR = ("senior@example.org", "demo senior caseworker password")
# A second senior caseworker: a review is decided by one who took no part in the refusal.
DEMO_REVIEWER = ("reviewer@example.org", "demo reviewer password")
# Every demo sign-in, as `yms serve --demo` prints them.
DEMO_SIGN_INS = (
    ("applicant", DEMO_APPLICANT),
    ("caseworker", DEMO_CASEWORKER),
    ("senior caseworker", DEMO_SENIOR),
    ("senior caseworker for reviews", DEMO_REVIEWER),
    ("operator", DEMO_OPERATOR),
)


# Direct applications, paid and submitted, waiting in the caseworkers' queue: one that
# meets every rule, one short of funds (YMS 5.1), one by the first person again.
@dataclass(frozen=True, slots=True)
class DemoCase:
    """Who applies directly in the demo, and what they answer."""

    email: str
    nationality: str
    given_names: str
    family_name: str
    passport: str
    savings: str


DEMO_CASES = (
    DemoCase("mia.tanaka@example.org", "JP", "Mia", "Tanaka", "TK1234567", "2600.00"),
    DemoCase("liam.oconnor@example.org", "CA", "Liam", "O'Connor", "GA7654321", "900.00"),
    DemoCase("mia.t@example.org", "JP", "Mia", "Tanaka", "TK1234567", "2600.00"),
)


def seed_demo(ctx: ServiceContext) -> list[str]:
    """Create the demo accounts and ballots if there are none; returns the window ids created.

    The demo applicant entered the Taiwan ballot, which had more places than
    entries, so every entrant (the demo applicant too) has an invitation.
    """
    if ballot_windows.list_windows(ctx):
        return []
    applicant = accounts.create_account(ctx, *DEMO_APPLICANT, confirmed=True, actor=DEMO)
    accounts.create_account(ctx, *DEMO_OPERATOR, role=Role.OPERATOR, confirmed=True, actor=DEMO)
    caseworker = accounts.create_account(
        ctx, *DEMO_CASEWORKER, role=Role.CASEWORKER, confirmed=True, actor=DEMO
    )
    senior, _reviewer = (
        accounts.create_account(
            ctx, *person, role=Role.SENIOR_CASEWORKER, confirmed=True, actor=DEMO
        )
        for person in (DEMO_SENIOR, DEMO_REVIEWER)
    )
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
    if isinstance(ctx.payments, FakePaymentProvider):  # never pay a real provider for a demo
        for case in DEMO_CASES:
            _submit_direct(ctx, case)
        _last_quarter(ctx, caseworker=caseworker, senior=senior)
    return ["taiwan-2025-1", "hong-kong-2025-2"]


# Cases decided last quarter, so the statistics and the published open data have figures:
# (nationality, granted, refused, withdrawn). Some counts are small, and withheld.
LAST_QUARTER = (("AU", 16, 2, 1), ("NZ", 12, 0, 1), ("CA", 6, 1, 0), ("JP", 11, 0, 0))
_GIVEN_NAMES = ("Ava", "Noah", "Isla", "Leo", "Zoe", "Kai", "Ruby", "Finn", "Maya", "Theo")


def _last_quarter(ctx: ServiceContext, *, caseworker: str, senior: str) -> None:
    """Applications submitted, checked and decided (or withdrawn) in the previous quarter."""
    last_quarter = Quarter.of(ctx.clock.now().date()).previous
    applied = datetime.combine(last_quarter.first_day, time(10), UTC) + timedelta(days=21)
    decided = replace(ctx, clock=FixedClock(applied + timedelta(days=21)))
    then = replace(ctx, clock=FixedClock(applied))
    for nationality, granted, refused, withdrawn in LAST_QUARTER:
        for number in range(granted + refused + withdrawn):
            case = DemoCase(
                f"{nationality.lower()}{number}@history.example.org",
                nationality,
                _GIVEN_NAMES[number % len(_GIVEN_NAMES)],
                f"Sample{number}",
                f"{nationality}H{number:06d}",
                "2600.00",
            )
            account, case_ref = _submit_direct(then, case)
            casework.run_checks(then, case_ref)
            if number < granted:
                decisions.grant(decided, case_ref, caseworker_id=caseworker)
            elif number < granted + refused:
                decisions.propose_refusal(
                    decided,
                    case_ref,
                    caseworker_id=caseworker,
                    requirements=(),
                    text="The bank statements do not show the funds held for 28 days.",
                )
                decisions.confirm_refusal(decided, case_ref, senior_id=senior)
            else:
                drafts.withdraw(decided, account, case_ref)


def _submit_direct(ctx: ServiceContext, case: DemoCase) -> tuple[str, str]:
    """A direct application under the UK scheme, answered, paid with the fake and submitted.

    Its checks are queued with it: the demo's worker puts it in the caseworkers' queue.
    """
    account = accounts.create_account(ctx, case.email, DEMO_APPLICANT[1], confirmed=True)
    case_ref = drafts.start_direct(ctx, account, "uk-yms", f"{case.nationality}-GB")
    today = ctx.clock.now().date()
    answers = {
        "applicant": {
            "nationality": case.nationality,
            "host": "GB",
            "date_of_birth": "2000-05-17",
            "valid_from": (today + timedelta(days=60)).isoformat(),
            "funds": {
                "amount": case.savings,
                "currency": "GBP",
                "held_days": 40,
                "latest_evidence_date": (today - timedelta(days=5)).isoformat(),
            },
            "children_under_18": False,
            "previous_participation": False,
        },
        "personal": {
            "given_names": case.given_names,
            "family_name": case.family_name,
            "passport_number": case.passport,
            "passport_expiry": (today + timedelta(days=3000)).isoformat(),
        },
        "declaration": True,
    }
    drafts.save_answers(ctx, account, case_ref, answers)
    pay_at = payment.begin_payment(ctx, account, case_ref, "/", refusal_understood=True)
    assert isinstance(ctx.payments, FakePaymentProvider)  # noqa: S101 - checked by the caller
    ctx.payments.finish(pay_at.rsplit("/", 1)[1], "success")
    payment.complete_payment(ctx, account, case_ref)
    return account, case_ref
