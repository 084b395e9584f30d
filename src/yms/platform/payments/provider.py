"""Paying the fee, shaped like GOV.UK Pay.

Create a payment, send the person to the provider's page, and on their return
ask the provider how it ended.

`PaymentProvider` is the edge, chosen by ``YMS_PAYMENTS``: `GovUkPayProvider`
(``govuk_pay.py``) in production; `FakePaymentProvider` in development and
tests. The fake keeps its payments in its own table of the service's database,
so they outlive a restart and every process sees them, and has its own page,
served by the web app, where a payment can succeed, fail or be cancelled,
exactly as the real one's outcomes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy import select, update

from yms.platform.clock import Clock
from yms.platform.db import Database
from yms.platform.payments.tables import FakePayment

# How a payment stands, in short: GOV.UK Pay's created, started, submitted and
# capturable are all "created" here (the payer has not finished).
PaymentState = Literal["created", "success", "failed", "cancelled"]


class PaymentNotFoundError(LookupError):
    """The provider does not know this payment (GOV.UK Pay answers 404)."""


class PaymentProviderError(Exception):
    """The provider gave no usable answer: down, too slow, refused our key, or made no sense.

    Nothing is known to have changed on the provider's side: ask again later.
    The message is for the log (it never holds personal data), not for the payer.
    """


@dataclass(frozen=True, slots=True)
class CreatedPayment:
    """What creating a payment returns: its id, and where to send the payer."""

    payment_id: str
    next_url: str


@dataclass(frozen=True, slots=True)
class PaymentStatus:
    """How a payment stands (GOV.UK Pay's ``state``), and why it failed if it did."""

    payment_id: str
    amount: int
    reference: str
    state: PaymentState
    reason: str | None = None  # GOV.UK Pay's ``state.code`` and ``state.message``

    @property
    def finished(self) -> bool:
        """Whether the payment has ended (either way)."""
        return self.state != "created"


class PaymentProvider(Protocol):
    """GOV.UK Pay's create-payment and get-payment calls.

    Both raise `PaymentProviderError` when the provider cannot answer;
    `get_payment` raises `PaymentNotFoundError` for a payment it does not know.
    """

    def create_payment(
        self, *, amount: int, reference: str, description: str, return_url: str
    ) -> CreatedPayment:
        """Create a payment of `amount` pence; the payer goes to `next_url`, then `return_url`."""
        ...

    def get_payment(self, payment_id: str) -> PaymentStatus:
        """The payment's current state."""
        ...


# What GOV.UK Pay says of a payment that ended without paying, as the fake's outcomes.
_FAKE_REASONS: dict[str, str] = {
    "failed": "P0010 Payment method rejected",
    "cancelled": "P0030 Payment was cancelled by the user",
}


class FakePaymentProvider:
    """A local stand-in for GOV.UK Pay, with its own payment page at ``/fake-pay/{id}``.

    Its payments are rows of `fake_payments` in the service's database: a restart
    loses none, and every process (web, worker, command line) sees the same ones.
    Each call is its own short transaction, never one of the caller's.
    """

    def __init__(self, database: Database, clock: Clock, *, public_url: str) -> None:
        self._database = database
        self._clock = clock
        self._public_url = public_url

    def create_payment(
        self, *, amount: int, reference: str, description: str, return_url: str
    ) -> CreatedPayment:
        """Create a payment waiting on its page."""
        if amount < 1:
            raise ValueError("a payment is at least 1 penny")
        payment_id = secrets.token_hex(13)  # 26 characters, as GOV.UK Pay's ids
        with self._database.transaction() as session:
            session.add(
                FakePayment(
                    payment_id=payment_id,
                    amount_pence=amount,
                    reference=reference,
                    description=description,
                    return_url=return_url,
                    state="created",
                    created_at=self._clock.now(),
                )
            )
        return CreatedPayment(payment_id, f"{self._public_url}/fake-pay/{payment_id}")

    def get_payment(self, payment_id: str) -> PaymentStatus:
        """The payment's state; raises `PaymentNotFoundError` for an unknown id."""
        with self._database.reading() as session:
            payment = session.get(FakePayment, payment_id)
            if payment is None:
                raise PaymentNotFoundError(payment_id)
            state: PaymentState = payment.state  # type: ignore[assignment] # held by a CHECK
            return PaymentStatus(
                payment_id,
                payment.amount_pence,
                payment.reference,
                state,
                reason=_FAKE_REASONS.get(state),
            )

    def details(self, payment_id: str) -> tuple[int, str, str, bool] | None:
        """Amount, description, return URL and whether it has finished, for the provider's page."""
        with self._database.reading() as session:
            payment = session.get(FakePayment, payment_id)
            if payment is None:
                return None
            finished = payment.state != "created"
            return payment.amount_pence, payment.description, payment.return_url, finished

    def finish(self, payment_id: str, state: PaymentState) -> str:
        """End a payment as the payer chose (once); returns where to send them back."""
        with self._database.transaction() as session:
            # Only a payment still waiting ends: a second click (or process) changes nothing.
            session.execute(
                update(FakePayment)
                .where(FakePayment.payment_id == payment_id, FakePayment.state == "created")
                .values(state=state, finished_at=self._clock.now())
            )
            return_url = session.scalar(
                select(FakePayment.return_url).where(FakePayment.payment_id == payment_id)
            )
        if return_url is None:
            raise PaymentNotFoundError(payment_id)
        return return_url
