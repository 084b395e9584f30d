"""Applications for tests, built through the services as an applicant would build them."""

from __future__ import annotations

import copy
from typing import Any

from tests.ballot.builders import BEACON, entry, hong_kong_window
from tests.conftest import run_jobs
from yms.accounts.domain import Role
from yms.accounts.services import create_account
from yms.applications.services import drafts, payment
from yms.applications.services.evidence import add_evidence
from yms.ballot.services import windows
from yms.ballot.services.entries import enter_ballot, entries_of
from yms.ballot.services.invitations import invite_round, respond
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.db import Database
from yms.platform.payments.provider import FakePaymentProvider


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


def declared(ctx: ServiceContext, clock: FixedClock) -> tuple[str, str]:
    """A draft with every answer a payment needs (the declaration made); (account, case)."""
    account, case = draft(ctx, clock)
    drafts.save_answers(ctx, account, case, {"declaration": True})
    return account, case


def restarted(ctx: ServiceContext) -> ServiceContext:
    """A fresh context on the same database and keys, as a restarted process would build it.

    Nothing is carried over in memory: a new engine, and every edge (mail, payments)
    made anew by `ServiceContext.create`, as `ServiceContext.from_settings` does.
    """
    url = ctx.database.engine.url.render_as_string(hide_password=False)
    return ServiceContext.create(
        database=Database.connect(url),
        clock=ctx.clock,
        identity_key=ctx.identity_key,
        sealer=ctx.sealer,  # the same YMS_DATA_KEY
        public_url=ctx.public_url,
        files=ctx.files,
        random_bytes=ctx.random_bytes,
        passwords=ctx.passwords,
    )


# --- submitted cases, for casework --------------------------------------------------------

STAFF_PASSWORD = "a good long staff password"


def answers_of(
    *,
    nationality: str = "AU",
    born: str = "2001-04-03",
    passport: str = "PA1234567",
    given_names: str = "Kai",
    family_name: str = "Walker",
    savings: str = "2600.00",
) -> dict[str, object]:
    """Every answer a direct UK application asks, as the portal keeps them."""
    return {
        "applicant": {
            "nationality": nationality,
            "host": "GB",
            "date_of_birth": born,
            "valid_from": "2027-01-10",
            "funds": {
                "amount": savings,
                "currency": "GBP",
                "held_days": 40,
                "latest_evidence_date": "2026-11-20",
            },
            "children_under_18": False,
            "previous_participation": False,
        },
        "personal": {
            "given_names": given_names,
            "family_name": family_name,
            "passport_number": passport,
            "passport_expiry": "2033-01-01",
        },
        "declaration": True,
    }


def submitted(
    ctx: ServiceContext,
    email: str = "kai@example.org",
    *,
    arrangement: str = "AU-GB",
    checked: bool = True,
    **answers: str,
) -> tuple[str, str]:
    """A direct application, paid for and submitted; (account id, case reference).

    With `checked`, the queued jobs run, so the automated checks have put the
    case in the caseworkers' queue (awaiting a decision).
    """
    account = create_account(ctx, email, "a good long password", confirmed=True)
    nationality = arrangement.rsplit("-", 1)[0]
    case = drafts.start_direct(ctx, account, "uk-yms", arrangement)
    drafts.save_answers(ctx, account, case, answers_of(nationality=nationality, **answers))
    pay_at = payment.begin_payment(ctx, account, case, "http://x/back", refusal_understood=True)
    assert isinstance(ctx.payments, FakePaymentProvider)
    ctx.payments.finish(pay_at.rsplit("/", 1)[1], "success")
    payment.complete_payment(ctx, account, case)
    if checked:
        run_jobs(ctx)
    return account, case


def staff(ctx: ServiceContext, email: str, role: Role) -> str:
    """A confirmed staff account with `role`; returns its id."""
    return create_account(ctx, email, STAFF_PASSWORD, role=role, confirmed=True)


# Every answer an application from the Hong Kong ballot gives, as the pages keep them.
ANSWERED: dict[str, Any] = {
    "scheme": "uk-yms",
    "applicant": {
        "nationality": "HK",
        "host": "GB",
        "date_of_birth": "2000-01-02",
        "valid_from": "2027-03-01",
        "previous_participation": False,
        "children_under_18": False,
        "documents": [],
        "funds": {
            "amount": "2530.00",
            "currency": "GBP",
            "held_days": 28,
            "latest_evidence_date": "2026-11-20",
        },
    },
    "personal": {
        "given_names": "Ana Maria",
        "family_name": "Chan",
        "passport_number": "K00000001",
        "passport_expiry": "2031-01-01",
    },
    "declaration": True,
}
PDF = b"%PDF-1.7\n" + b"0" * 2000


def submitted_invited(
    ctx: ServiceContext, clock: FixedClock, *, funds: str = "2530.00"
) -> tuple[str, str]:
    """A paid case from the Hong Kong ballot, its checks run: awaiting a decision; (account, case).

    `funds` is the savings declared: too little (under £2,530) fails a requirement,
    which a refusal may then cite.
    """
    account, case = draft(ctx, clock)
    answers = copy.deepcopy(ANSWERED)
    answers["applicant"]["funds"]["amount"] = funds
    drafts.save_answers(ctx, account, case, answers)
    add_evidence(ctx, account, case, kind="passport", filename="passport.pdf", data=PDF)
    provider = ctx.payments
    assert isinstance(provider, FakePaymentProvider)
    next_url = payment.begin_payment(ctx, account, case, "http://x/back", refusal_understood=True)
    provider.finish(next_url.rsplit("/", 1)[1], "success")
    payment.complete_payment(ctx, account, case)
    run_jobs(ctx)
    return account, case
