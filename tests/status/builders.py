"""Statuses for tests, granted through the services as a caseworker would grant them."""

from __future__ import annotations

from datetime import date

from tests.applications.builders import draft
from tests.conftest import run_jobs
from yms.accounts.domain import Role
from yms.accounts.services import create_account
from yms.applications.services import decisions, drafts, payment
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.payments.provider import FakePaymentProvider
from yms.status.services import StatusView

BORN = date(2001, 5, 17)


def granted(ctx: ServiceContext, clock: FixedClock) -> tuple[str, StatusView]:
    """An applicant whose application was paid for, checked and granted; (account, status)."""
    account, case = draft(ctx, clock)
    answers = {
        "applicant": {"date_of_birth": BORN.isoformat()},
        "personal": {"given_names": "Ana Maria", "family_name": "Silva"},
        "declaration": True,
    }
    drafts.save_answers(ctx, account, case, answers)
    paying = payment.begin_payment(ctx, account, case, "http://x/back")
    assert isinstance(ctx.payments, FakePaymentProvider)
    ctx.payments.finish(paying.rsplit("/", 1)[1], "success")
    payment.complete_payment(ctx, account, case)
    run_jobs(ctx)  # the automated checks
    caseworker = create_account(
        ctx, "caseworker@example.org", "a good long password", role=Role.CASEWORKER, confirmed=True
    )
    return account, decisions.grant(ctx, case, caseworker_id=caseworker)
