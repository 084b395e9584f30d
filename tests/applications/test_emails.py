"""E-mails at every step of the journey, each in the outbox at the step that sends it."""

from __future__ import annotations

from datetime import timedelta

from tests.applications.builders import accepted_invitation, draft
from tests.ballot.builders import BEACON, entry, hong_kong_window
from tests.fixtures.web import inbox
from yms.accounts.services import create_account
from yms.applications.services import drafts, payment
from yms.ballot.services import windows
from yms.ballot.services.entries import enter_ballot
from yms.ballot.services.invitations import invite_round, remind_expiring
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


def test_a_reminder_goes_once_in_the_last_week(ctx: ServiceContext, clock: FixedClock) -> None:
    account = create_account(ctx, ADDRESS, "a good long password", confirmed=True)
    window = hong_kong_window(ctx, places=1)
    enter_ballot(ctx, entry(window.window_id, 1, account_id=account))
    clock.instant = window.closes_at
    windows.close_window(ctx, window.window_id, BEACON, actor="operator")
    windows.run_draw(ctx, window.window_id, actor="operator")
    [issued] = invite_round(ctx, window.window_id, actor="operator").invitations
    clock.instant = issued.expires_at - timedelta(days=8)
    assert remind_expiring(ctx) == 0
    clock.instant = issued.expires_at - timedelta(days=6)
    assert remind_expiring(ctx) == 1
    assert remind_expiring(ctx) == 0
    [reminder] = [m for m in inbox(ctx, ADDRESS) if m.template_id == templates.INVITATION_REMINDER]
    assert reminder.personalisation["link"].endswith(f"/invitations/{issued.ref}")
    assert "9:00am on 4 March 2027 (UTC)" in reminder.body
