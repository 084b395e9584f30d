"""The fake provider keeps its payments in the database: all processes see them, restarts too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from yms.platform.clock import FixedClock
from yms.platform.db import Database
from yms.platform.payments.provider import FakePaymentProvider, PaymentNotFoundError


@pytest.fixture
def second_process(database: Database) -> Iterator[Database]:
    """Another engine on the same database, as another process (or a restarted one) has."""
    other = Database.connect(database.engine.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def test_a_payment_is_seen_and_finished_from_another_process(
    database: Database, second_process: Database, clock: FixedClock
) -> None:
    web = FakePaymentProvider(database, clock, public_url="https://yms.example")
    other = FakePaymentProvider(second_process, clock, public_url="https://yms.example")
    created = web.create_payment(
        amount=187100, reference="YMS-1", description="Fee", return_url="https://yms.example/back"
    )
    assert created.next_url == f"https://yms.example/fake-pay/{created.payment_id}"
    assert other.details(created.payment_id) == (187100, "Fee", "https://yms.example/back", False)
    assert other.get_payment(created.payment_id).state == "created"
    assert other.finish(created.payment_id, "success") == "https://yms.example/back"
    paid = web.get_payment(created.payment_id)
    assert (paid.amount, paid.reference, paid.state, paid.finished) == (
        187100,
        "YMS-1",
        "success",
        True,
    )


def test_a_payment_ends_once(database: Database, clock: FixedClock) -> None:
    fake = FakePaymentProvider(database, clock, public_url="https://yms.example")
    payment_id = fake.create_payment(
        amount=100, reference="YMS-1", description="Fee", return_url="https://yms.example/back"
    ).payment_id
    fake.finish(payment_id, "failed")
    fake.finish(payment_id, "success")  # the back button, then "pay" again: too late
    declined = fake.get_payment(payment_id)
    assert (declined.state, declined.reason) == ("failed", "P0010 Payment method rejected")


def test_a_payment_it_never_made_is_not_found(database: Database, clock: FixedClock) -> None:
    fake = FakePaymentProvider(database, clock, public_url="https://yms.example")
    assert fake.details("nope") is None
    with pytest.raises(PaymentNotFoundError):
        fake.get_payment("nope")
    with pytest.raises(PaymentNotFoundError):
        fake.finish("nope", "success")
    with pytest.raises(ValueError, match="at least 1 penny"):
        fake.create_payment(amount=0, reference="R", description="D", return_url="https://x/")
