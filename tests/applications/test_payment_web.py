"""Paying over HTTP when the provider forgets a payment, or is down; paying with GOV.UK Pay."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from tests.applications.test_payment_restarts import to_the_payment_page
from tests.fixtures.govuk_pay import API_KEY, PayStub
from tests.fixtures.web import Browser
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.payments.govuk_pay import GovUkPayProvider
from yms.platform.payments.tables import FakePayment
from yms.web.app import create_app


def test_a_payment_the_provider_no_longer_knows_starts_afresh_with_a_plain_message(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = to_the_payment_page(browser, web_ctx, clock)
    to_pay = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    with web_ctx.database.transaction() as session:  # the provider loses its record
        session.execute(delete(FakePayment).where(FakePayment.payment_id == to_pay.split("/")[-1]))
    assert browser.get(to_pay).status_code == 404  # the provider's page knows it no more
    assert browser.post(to_pay, {"outcome": "pay"}).status_code == 404
    returned = browser.get(f"{case_url}/payment-return")
    assert returned.status_code == 200
    assert "We could not find your payment" in returned.text
    assert "Start the payment again" in returned.text
    assert f'href="{case_url}/declaration"' in returned.text
    browser.get(f"{case_url}/declaration")
    again = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    assert again != to_pay
    browser.get(again)
    back = browser.post(again, {"outcome": "pay"}).headers["location"]
    done = browser.get(back.removeprefix(web_ctx.public_url), follow_redirects=False)
    assert done.headers["location"] == f"{case_url}/confirmation"


@pytest.fixture
def pay_browser(web_ctx: ServiceContext, pay_stub: PayStub) -> Iterator[Browser]:
    """The portal with GOV.UK Pay (its API on a loopback port) as the payment provider."""
    provider = GovUkPayProvider(pay_stub.url, API_KEY)
    app = create_app(replace(web_ctx, payments=provider))
    with TestClient(app, base_url="https://testserver") as client:
        yield Browser(client)
    provider.close()


def test_paying_with_gov_uk_pay(
    pay_browser: Browser, web_ctx: ServiceContext, clock: FixedClock, pay_stub: PayStub
) -> None:
    case_url = to_the_payment_page(pay_browser, web_ctx, clock)
    to_pay = pay_browser.post(f"{case_url}/declaration", {"declaration": "agreed"})
    [(payment_id, made)] = pay_stub.payments.items()
    assert to_pay.headers["location"] == f"{pay_stub.url}/secure/{payment_id}"
    assert made.amount == 187100
    assert made.reference == case_url.rsplit("/", 1)[1]
    assert made.return_url == f"{web_ctx.public_url}{case_url}/payment-return"
    unfinished = pay_browser.get(f"{case_url}/payment-return")  # back before paying
    assert "Your payment has not finished" in unfinished.text
    assert f'href="{pay_stub.url}/secure/{payment_id}"' in unfinished.text  # carry on there
    pay_stub.finish(payment_id, "success")
    done = pay_browser.get(f"{case_url}/payment-return", follow_redirects=False)
    assert done.headers["location"] == f"{case_url}/confirmation"
    # With GOV.UK Pay, the fake's page is not there at all.
    assert pay_browser.get(f"/fake-pay/{payment_id}").status_code == 404
    assert pay_browser.post(f"/fake-pay/{payment_id}", {"outcome": "pay"}).status_code == 404


def test_a_payment_service_outage_is_a_friendly_page(
    pay_browser: Browser, web_ctx: ServiceContext, clock: FixedClock, pay_stub: PayStub
) -> None:
    case_url = to_the_payment_page(pay_browser, web_ctx, clock)
    pay_stub.failing = 503
    declared = pay_browser.post(f"{case_url}/declaration", {"declaration": "agreed"})
    assert declared.status_code == 503
    assert "Sorry, the payment service is unavailable" in declared.text
    assert f'href="{case_url}/declaration"' in declared.text
    pay_stub.failing = None
    pay_browser.get(f"{case_url}/declaration")
    pay_browser.post(f"{case_url}/declaration", {"declaration": "agreed"})
    [payment_id] = pay_stub.payments
    pay_stub.finish(payment_id, "success")
    pay_stub.failing = 500  # down as the payer comes back
    returned = pay_browser.get(f"{case_url}/payment-return")
    assert returned.status_code == 503
    assert "Nothing has changed and your answers are saved" in returned.text
    assert f'href="{case_url}/payment-return"' in returned.text
    pay_stub.failing = None
    done = pay_browser.get(f"{case_url}/payment-return", follow_redirects=False)
    assert done.headers["location"] == f"{case_url}/confirmation"
