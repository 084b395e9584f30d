"""Paying the fee, shaped like GOV.UK Pay.

Create a payment, send the person to the provider's page, and on their return
ask the provider how it ended.

`PaymentProvider` is the edge. `FakePaymentProvider` (the default) keeps its
payments in memory and has its own page, served by the web app, where a payment
can succeed, fail or be cancelled, exactly as the real one's outcomes.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Literal, Protocol

PaymentState = Literal["created", "success", "failed", "cancelled"]


@dataclass(frozen=True, slots=True)
class CreatedPayment:
    """What creating a payment returns: its id, and where to send the payer."""

    payment_id: str
    next_url: str


@dataclass(frozen=True, slots=True)
class PaymentStatus:
    """How a payment stands (GOV.UK Pay's ``state.status``)."""

    payment_id: str
    amount: int
    reference: str
    state: PaymentState

    @property
    def finished(self) -> bool:
        """Whether the payment has ended (either way)."""
        return self.state != "created"


class PaymentProvider(Protocol):
    """GOV.UK Pay's create-payment and get-payment calls."""

    def create_payment(
        self, *, amount: int, reference: str, description: str, return_url: str
    ) -> CreatedPayment:
        """Create a payment of `amount` pence; the payer goes to `next_url`, then `return_url`."""
        ...

    def get_payment(self, payment_id: str) -> PaymentStatus:
        """The payment's current state."""
        ...


@dataclass
class _FakePayment:
    amount: int
    reference: str
    description: str
    return_url: str
    state: PaymentState = "created"


class FakePaymentProvider:
    """A local stand-in for GOV.UK Pay, with its own payment page at ``/fake-pay/{id}``."""

    def __init__(self, public_url: str) -> None:
        self._public_url = public_url
        self._payments: dict[str, _FakePayment] = {}
        self._lock = threading.Lock()

    def create_payment(
        self, *, amount: int, reference: str, description: str, return_url: str
    ) -> CreatedPayment:
        """Create a payment waiting on its page."""
        if amount < 1:
            raise ValueError("a payment is at least 1 penny")
        payment_id = secrets.token_hex(13)
        with self._lock:
            self._payments[payment_id] = _FakePayment(amount, reference, description, return_url)
        return CreatedPayment(payment_id, f"{self._public_url}/fake-pay/{payment_id}")

    def get_payment(self, payment_id: str) -> PaymentStatus:
        """The payment's state; raises `KeyError` for an unknown id."""
        payment = self._payments[payment_id]
        return PaymentStatus(payment_id, payment.amount, payment.reference, payment.state)

    def details(self, payment_id: str) -> tuple[int, str, str, bool] | None:
        """Amount, description, return URL and whether it has finished, for the provider's page."""
        payment = self._payments.get(payment_id)
        if payment is None:
            return None
        return payment.amount, payment.description, payment.return_url, payment.state != "created"

    def finish(self, payment_id: str, state: PaymentState) -> str:
        """End a payment as the payer chose (once); returns where to send them back."""
        with self._lock:
            payment = self._payments[payment_id]
            if payment.state == "created":
                payment.state = state
            return payment.return_url
