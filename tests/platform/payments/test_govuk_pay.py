"""The GOV.UK Pay adapter against a local server speaking GOV.UK Pay's documented API."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from tests.fixtures.govuk_pay import API_KEY, OTHER_KEY, PayStub
from yms.platform.payments.govuk_pay import GovUkPayProvider
from yms.platform.payments.provider import PaymentNotFoundError, PaymentProviderError

RETURN_URL = "https://yms.example/applications/YMS-1/payment-return"


@pytest.fixture
def pay(pay_stub: PayStub) -> Iterator[GovUkPayProvider]:
    provider = GovUkPayProvider(pay_stub.url, API_KEY)
    yield provider
    provider.close()


def create(provider: GovUkPayProvider, amount: int = 187100) -> str:
    return provider.create_payment(
        amount=amount, reference="YMS-1", description="Youth mobility", return_url=RETURN_URL
    ).payment_id


def test_creates_a_payment_with_the_api_key_and_the_documented_body(
    pay: GovUkPayProvider, pay_stub: PayStub
) -> None:
    created = pay.create_payment(
        amount=187100, reference="YMS-1", description="Youth mobility", return_url=RETURN_URL
    )
    assert created.next_url == f"{pay_stub.url}/secure/{created.payment_id}"
    [(method, path, auth, body)] = pay_stub.requests
    assert (method, path, auth) == ("POST", "/v1/payments", f"Bearer {API_KEY}")
    assert body == {
        "amount": 187100,
        "reference": "YMS-1",
        "description": "Youth mobility",
        "return_url": RETURN_URL,
    }
    status = pay.get_payment(created.payment_id)
    assert (status.amount, status.reference, status.state) == (187100, "YMS-1", "created")
    assert not status.finished


@pytest.mark.parametrize(
    ("status", "code", "message", "state"),
    [
        ("started", None, None, "created"),
        ("submitted", None, None, "created"),
        ("capturable", None, None, "created"),
        ("success", None, None, "success"),
        ("failed", "P0010", "Payment method rejected", "failed"),
        ("failed", "P0020", "Payment expired", "failed"),
        ("failed", "P0030", "Payment was cancelled by the user", "cancelled"),
        ("cancelled", "P0040", "Payment was cancelled by the service", "cancelled"),
        ("error", "P0050", "Payment provider returned an error", "failed"),
    ],
)
def test_reads_every_documented_status(
    pay: GovUkPayProvider,
    pay_stub: PayStub,
    status: str,
    code: str | None,
    message: str | None,
    state: str,
) -> None:
    payment_id = create(pay)
    pay_stub.finish(payment_id, status, code=code, message=message)
    found = pay.get_payment(payment_id)
    assert found.state == state
    assert found.reason == (f"{code} {message}" if code else None)
    assert found.finished is (state != "created")


def test_an_unknown_status_is_never_taken_for_a_failure(
    pay: GovUkPayProvider, pay_stub: PayStub
) -> None:
    payment_id = create(pay)
    pay_stub.finish(payment_id, "refunded-maybe")
    with pytest.raises(PaymentProviderError, match="unknown status"):
        pay.get_payment(payment_id)


def test_a_payment_it_does_not_know_is_not_found(pay_stub: PayStub) -> None:
    ours = GovUkPayProvider(pay_stub.url, API_KEY)
    theirs = GovUkPayProvider(pay_stub.url, OTHER_KEY)  # another service's account
    try:
        payment_id = create(ours)
        with pytest.raises(PaymentNotFoundError):
            theirs.get_payment(payment_id)
        with pytest.raises(PaymentNotFoundError):
            ours.get_payment("no-such-payment")
    finally:
        ours.close()
        theirs.close()


def test_a_wrong_api_key_is_a_clear_error(pay_stub: PayStub) -> None:
    provider = GovUkPayProvider(pay_stub.url, "api_test_not_a_key_it_knows")
    try:
        with pytest.raises(PaymentProviderError, match=r"refused the API key .*\(401\)"):
            create(provider)
    finally:
        provider.close()
    assert pay_stub.payments == {}


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_an_outage_is_a_provider_error(
    pay: GovUkPayProvider, pay_stub: PayStub, status: int
) -> None:
    payment_id = create(pay)
    pay_stub.failing = status
    with pytest.raises(PaymentProviderError, match=f"answered {status} P0999"):
        create(pay)
    with pytest.raises(PaymentProviderError, match=f"answered {status}"):
        pay.get_payment(payment_id)


def test_a_refused_request_names_gov_uk_pays_code(pay: GovUkPayProvider) -> None:
    with pytest.raises(PaymentProviderError, match="answered 422 P0102 creating a payment"):
        create(pay, amount=10_000_001)


def test_a_slow_answer_times_out(pay_stub: PayStub) -> None:
    provider = GovUkPayProvider(pay_stub.url, API_KEY, timeout=httpx.Timeout(0.2))
    pay_stub.delay = 1.0
    try:
        with pytest.raises(PaymentProviderError, match="did not answer in time"):
            create(provider)
    finally:
        provider.close()


def test_no_server_is_a_provider_error() -> None:
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = GovUkPayProvider(f"http://127.0.0.1:{port}", API_KEY)
    try:
        with pytest.raises(PaymentProviderError, match="could not be reached"):
            provider.get_payment("anything")
    finally:
        provider.close()


def test_an_answer_without_what_yms_needs_is_a_provider_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, json={"payment_id": "abc"})  # no _links.next_url
        return httpx.Response(200, text="<html>maintenance</html>")

    provider = GovUkPayProvider(
        "https://pay.invalid", API_KEY, transport=httpx.MockTransport(handler)
    )
    with pytest.raises(PaymentProviderError, match="lacks what yms needs"):
        create(provider)
    with pytest.raises(PaymentProviderError, match="lacks what yms needs"):
        provider.get_payment("abc")
    provider.close()


def test_a_payment_id_cannot_reach_another_path(pay: GovUkPayProvider, pay_stub: PayStub) -> None:
    with pytest.raises(PaymentNotFoundError):
        pay.get_payment("../refunds")
    assert pay_stub.requests[-1][1] == "/v1/payments/..%2Frefunds"


def test_an_api_key_is_required() -> None:
    with pytest.raises(ValueError, match="needs an API key"):
        GovUkPayProvider("https://pay.invalid", "")
