"""Paying the fee cannot get stuck: whatever the provider says, the applicant can go on.

A payment the provider no longer knows is ended (failed, with that reason) and the
applicant starts afresh; a payment that succeeded is never lost, whichever page
finds it; an outage changes nothing. (Restarts: `test_payment_restarts.py`.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import delete, select

from tests.applications.builders import declared
from tests.applications.test_payment_restarts import fake
from tests.fixtures.govuk_pay import API_KEY, PayStub
from yms.applications.domain.states import ApplicationState, PaymentState
from yms.applications.services import cases, payment
from yms.applications.tables import Payment
from yms.platform.audit.tables import AuditEvent
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.payments.govuk_pay import GovUkPayProvider
from yms.platform.payments.provider import PaymentProviderError
from yms.platform.payments.tables import FakePayment


def forget(ctx: ServiceContext, payment_id: str) -> None:
    """The provider loses its record of a payment (as GOV.UK Pay's 404 says it has none)."""
    with ctx.database.transaction() as session:
        session.execute(delete(FakePayment).where(FakePayment.payment_id == payment_id))


def payments_of(ctx: ServiceContext) -> list[tuple[str, str | None]]:
    with ctx.database.reading() as session:
        rows = session.execute(select(Payment.state, Payment.failure_reason).order_by(Payment.id))
        return [(state, reason) for state, reason in rows]


def test_a_payment_the_provider_no_longer_knows_is_ended_and_paid_afresh(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = declared(ctx, clock)
    first = payment.begin_payment(ctx, account, case, "http://x/back")
    forget(ctx, first.rsplit("/", 1)[1])
    assert payment.complete_payment(ctx, account, case) is None  # no payment to complete
    assert payments_of(ctx) == [("failed", payment.PAYMENT_UNKNOWN)]
    assert payment.complete_payment(ctx, account, case) is None  # a reload says the same
    with ctx.database.reading() as session:
        lost = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "application.payment.lost")
        ).all()
        assert [(event.subject, json.loads(event.event)["data"]) for event in lost] == [
            (case, {"payment": first.rsplit("/", 1)[1]})
        ]
    assert cases.view(ctx, account, case).state is ApplicationState.DRAFT
    second = payment.begin_payment(ctx, account, case, "http://x/back")
    assert second != first
    fake(ctx).finish(second.rsplit("/", 1)[1], "success")
    assert payment.complete_payment(ctx, account, case) is ApplicationState.SUBMITTED


def test_declaring_again_replaces_a_payment_the_provider_no_longer_knows(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = declared(ctx, clock)
    first = payment.begin_payment(ctx, account, case, "http://x/back")
    forget(ctx, first.rsplit("/", 1)[1])
    second = payment.begin_payment(ctx, account, case, "http://x/back")
    assert second != first
    assert payments_of(ctx) == [("failed", payment.PAYMENT_UNKNOWN), ("created", None)]


def test_declaring_again_after_paying_keeps_the_payment(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = declared(ctx, clock)
    first = payment.begin_payment(ctx, account, case, "http://x/back")
    fake(ctx).finish(first.rsplit("/", 1)[1], "success")
    # Paid, but never came back (closed the tab); later, declares again from another tab.
    assert payment.begin_payment(ctx, account, case, "http://x/back") == "http://x/back"
    assert cases.view(ctx, account, case).state is ApplicationState.SUBMITTED
    assert payments_of(ctx) == [("success", None)]


def test_declaring_again_after_a_decline_makes_a_new_payment(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = declared(ctx, clock)
    first = payment.begin_payment(ctx, account, case, "http://x/back")
    fake(ctx).finish(first.rsplit("/", 1)[1], "cancelled")
    second = payment.begin_payment(ctx, account, case, "http://x/back")  # never came back
    assert second != first
    assert payments_of(ctx) == [
        ("cancelled", "P0030 Payment was cancelled by the user"),
        ("created", None),
    ]


@pytest.fixture
def on_gov_uk_pay(ctx: ServiceContext, pay_stub: PayStub) -> Iterator[ServiceContext]:
    """The services with GOV.UK Pay (the local stand-in for its API) as the provider."""
    provider = GovUkPayProvider(pay_stub.url, API_KEY)
    yield replace(ctx, payments=provider)
    provider.close()


def test_an_outage_changes_nothing(
    on_gov_uk_pay: ServiceContext, pay_stub: PayStub, clock: FixedClock
) -> None:
    ctx = on_gov_uk_pay
    account, case = declared(ctx, clock)
    pay_stub.failing = 503
    with pytest.raises(PaymentProviderError):
        payment.begin_payment(ctx, account, case, "http://x/back")
    assert payments_of(ctx) == []
    pay_stub.failing = None
    first = payment.begin_payment(ctx, account, case, "http://x/back")
    [payment_id] = pay_stub.payments
    pay_stub.finish(payment_id, "success")
    pay_stub.failing = 503  # down while the payer comes back, and when they try again
    with pytest.raises(PaymentProviderError):
        payment.complete_payment(ctx, account, case)
    with pytest.raises(PaymentProviderError):
        payment.begin_payment(ctx, account, case, "http://x/back")
    assert payments_of(ctx) == [("created", None)]
    pay_stub.failing = None
    assert first == f"{pay_stub.url}/secure/{payment_id}"
    assert payment.complete_payment(ctx, account, case) is ApplicationState.SUBMITTED
    assert payments_of(ctx) == [("success", None)]


def test_a_payment_gov_uk_pay_does_not_know_is_paid_afresh(
    on_gov_uk_pay: ServiceContext, pay_stub: PayStub, clock: FixedClock
) -> None:
    ctx = on_gov_uk_pay
    account, case = declared(ctx, clock)
    payment.begin_payment(ctx, account, case, "http://x/back")
    pay_stub.payments.clear()  # e.g. made with another account's key
    assert payment.complete_payment(ctx, account, case) is None
    payment.begin_payment(ctx, account, case, "http://x/back")
    [payment_id] = pay_stub.payments
    pay_stub.finish(payment_id, "failed", code="P0020", message="Payment expired")
    assert payment.complete_payment(ctx, account, case) is PaymentState.FAILED
    assert payments_of(ctx) == [
        ("failed", payment.PAYMENT_UNKNOWN),
        ("failed", "P0020 Payment expired"),
    ]
