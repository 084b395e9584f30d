"""E-mails at every step of the journey, each in the outbox at the step that sends it."""

from __future__ import annotations

from tests.applications.builders import accepted_invitation, draft
from tests.fixtures.web import inbox
from yms.applications.services import drafts, payment
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.mail import journey_templates as templates
from yms.platform.payments.provider import FakePaymentProvider

ADDRESS = "ana@example.org"


def test_the_invitation_says_by_when_and_where_to_answer(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, invitation = accepted_invitation(ctx, clock)
    [mail] = [m for m in inbox(ctx, ADDRESS) if m.template_id == templates.INVITATION]
    assert mail.subject == "You are invited to apply"
    assert mail.personalisation["link"] == f"{ctx.public_url}/invitations/{invitation}"
    assert mail.personalisation["deadline"] == "9:00am on 4 March 2027 (UTC)"  # 90 days on
    assert "Hong Kong" in mail.personalisation["ballot"]
    assert "Answer your invitation by 9:00am on 4 March 2027 (UTC)" in mail.body
    assert "((" not in mail.body


def test_paying_sends_a_receipt_and_an_acknowledgement(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = draft(ctx, clock)
    drafts.save_answers(ctx, account, case, {"declaration": True})
    provider = ctx.payments
    assert isinstance(provider, FakePaymentProvider)
    next_url = payment.begin_payment(ctx, account, case, "http://x/back")
    provider.finish(next_url.rsplit("/", 1)[1], "success")
    assert [m for m in inbox(ctx, ADDRESS) if m.template_id == templates.PAYMENT_RECEIVED] == []
    payment.complete_payment(ctx, account, case)
    mails = {m.template_id: m for m in inbox(ctx, ADDRESS)}
    receipt = mails[templates.PAYMENT_RECEIVED]
    assert receipt.subject == f"Payment received for application {case}"
    assert receipt.personalisation["total"] == "£1,871.00"
    assert receipt.personalisation["items"] == (
        "Application fee: £319.00\nHealth charge for 2 years of leave: £1,552.00"
    )
    received = mails[templates.APPLICATION_RECEIVED]
    assert received.personalisation["link"] == f"{ctx.public_url}/applications/{case}"
    payment.complete_payment(ctx, account, case)  # back button: no second receipt
    assert len([m for m in inbox(ctx, ADDRESS) if m.template_id == templates.PAYMENT_RECEIVED]) == 1


def test_withdrawing_is_confirmed_once(ctx: ServiceContext, clock: FixedClock) -> None:
    account, case = draft(ctx, clock)
    drafts.withdraw(ctx, account, case)
    drafts.withdraw(ctx, account, case)
    withdrawn = [m for m in inbox(ctx, ADDRESS) if m.template_id == templates.APPLICATION_WITHDRAWN]
    assert len(withdrawn) == 1
    assert withdrawn[0].subject == f"Your application {case} is withdrawn"
