"""A restart between creating a payment and returning from the provider leaves a payable case.

Each test builds a fresh `ServiceContext` (and, over HTTP, a fresh app) on the same
database and keys, as a restarted process would, at the worst moment: after the
payment is created, before or after the payer pays, and before they come back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from tests.applications.builders import declared, restarted
from tests.applications.test_web import apply_until_payment, invited
from tests.fixtures.web import Browser
from yms.applications.domain.states import ApplicationState, PaymentState
from yms.applications.services import payment
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.payments.provider import FakePaymentProvider
from yms.web.app import create_app


def fake(ctx: ServiceContext) -> FakePaymentProvider:
    assert isinstance(ctx.payments, FakePaymentProvider)
    return ctx.payments


def to_the_payment_page(browser: Browser, ctx: ServiceContext, clock: FixedClock) -> str:
    """Apply, declare and press "Confirm and pay"; returns the case's URL."""
    case_url = apply_until_payment(browser, invited(browser, ctx, clock))
    browser.get(f"{case_url}/declaration")
    return case_url


def test_a_restart_while_paying_leaves_a_payable_application(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = declared(ctx, clock)
    next_url = payment.begin_payment(ctx, account, case, "http://x/back")
    after = restarted(ctx)
    try:
        # Back from the provider's page without paying, after the restart: still under way.
        assert payment.complete_payment(after, account, case) is PaymentState.CREATED
        # Declaring again finds the same payment, still payable.
        assert payment.begin_payment(after, account, case, "http://x/back") == next_url
        fake(after).finish(next_url.rsplit("/", 1)[1], "success")
        assert payment.complete_payment(after, account, case) is ApplicationState.SUBMITTED
    finally:
        after.database.dispose()


def test_a_payment_made_before_a_restart_is_kept_after_it(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = declared(ctx, clock)
    next_url = payment.begin_payment(ctx, account, case, "http://x/back")
    fake(ctx).finish(next_url.rsplit("/", 1)[1], "success")
    after = restarted(ctx)  # the process restarts before the payer comes back
    try:
        assert payment.complete_payment(after, account, case) is ApplicationState.SUBMITTED
    finally:
        after.database.dispose()


def test_a_payment_declined_before_a_restart_can_be_tried_again_after_it(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = declared(ctx, clock)
    first = payment.begin_payment(ctx, account, case, "http://x/back")
    fake(ctx).finish(first.rsplit("/", 1)[1], "failed")
    after = restarted(ctx)
    try:
        assert payment.complete_payment(after, account, case) is PaymentState.FAILED
        assert payment.complete_payment(after, account, case) is PaymentState.FAILED  # reload
        second = payment.begin_payment(after, account, case, "http://x/back")
        assert second != first
        fake(after).finish(second.rsplit("/", 1)[1], "success")
        assert payment.complete_payment(after, account, case) is ApplicationState.SUBMITTED
    finally:
        after.database.dispose()


@contextmanager
def restart(browser: Browser, ctx: ServiceContext) -> Iterator[tuple[Browser, ServiceContext]]:
    """The portal as a restarted process serves it, to the same browser (same cookies)."""
    after = restarted(ctx)
    try:
        with TestClient(create_app(after), base_url="https://testserver") as client:
            client.cookies = browser.client.cookies
            yield Browser(client), after
    finally:
        after.database.dispose()


def test_a_restart_while_on_the_payment_page_leaves_a_payable_application(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = to_the_payment_page(browser, web_ctx, clock)
    to_pay = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    with restart(browser, web_ctx) as (again, after):
        page = again.get(to_pay)
        assert page.status_code == 200
        assert "£1,871.00" in page.text
        returned = again.post(to_pay, {"outcome": "pay"}).headers["location"]
        done = again.get(returned.removeprefix(after.public_url), follow_redirects=False)
        assert done.headers["location"] == f"{case_url}/confirmation"
        assert "Application submitted" in again.get(f"{case_url}/confirmation").text


def test_a_restart_between_paying_and_returning_keeps_the_payment(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = to_the_payment_page(browser, web_ctx, clock)
    to_pay = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    browser.get(to_pay)
    returned = browser.post(to_pay, {"outcome": "pay"}).headers["location"]
    with restart(browser, web_ctx) as (again, after):
        done = again.get(returned.removeprefix(after.public_url), follow_redirects=False)
        assert done.status_code == 303
        assert done.headers["location"] == f"{case_url}/confirmation"


def test_an_applicant_who_left_the_payment_page_is_told_and_can_finish_paying(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = to_the_payment_page(browser, web_ctx, clock)
    to_pay = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    with restart(browser, web_ctx) as (again, after):
        case = again.get(case_url).text
        assert "You started to pay at 9:00am on 4 December 2026 (UTC)" in case
        assert f'href="{case_url}/payment-return"' in case
        assert "Continue your application" not in case
        unfinished = again.get(f"{case_url}/payment-return")
        assert "Your payment has not finished" in unfinished.text
        assert f'{to_pay}" role="button"' in unfinished.text  # the same payment, not a new one
        returned = again.post(to_pay, {"outcome": "pay"}).headers["location"]
        again.get(returned.removeprefix(after.public_url))
        submitted = again.get(case_url).text
        assert "You started to pay" not in submitted


def test_a_payer_who_paid_but_never_came_back_finds_the_application_submitted(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = to_the_payment_page(browser, web_ctx, clock)
    to_pay = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    fake(web_ctx).finish(to_pay.rsplit("/", 1)[1], "success")  # the tab closed after paying
    case = browser.get(case_url).text
    assert "Submitted" in case
    assert "You started to pay" not in case
    assert "Continue your application" not in case
