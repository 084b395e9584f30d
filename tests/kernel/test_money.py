"""Money is Decimal with a currency; mixing currencies is an error, not a guess."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.kernel.money import CurrencyMismatchError, Money

pence = st.integers(0, 10**12)


def test_formatting() -> None:
    assert str(Money.of("2530", "GBP")) == "£2,530.00"
    assert str(Money.of("0.5", "EUR")) == "€0.50"
    assert str(Money.of("1000", "CAD")) == "1,000.00 CAD"


def test_arithmetic_and_comparison_in_one_currency() -> None:
    fee = Money.of("319.00", "GBP")
    charge = Money.of("776.00", "GBP") * 2
    assert fee + charge == Money.of("1871.00", "GBP")
    assert fee < charge
    assert charge >= fee * 2


@pytest.mark.parametrize(
    "combine",
    [
        lambda a, b: a + b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_mixing_currencies_is_refused(combine: object) -> None:
    with pytest.raises(CurrencyMismatchError):
        combine(Money.of(1, "GBP"), Money.of(1, "EUR"))  # type: ignore[operator]


def test_invalid_money_is_refused() -> None:
    with pytest.raises(ValueError, match="three capital letters"):
        Money.of(1, "gbp")
    with pytest.raises(ValueError, match="finite"):
        Money(Decimal("NaN"), "GBP")


@given(pence)
def test_minor_units_round_trip(amount: int) -> None:
    assert Money(Decimal(amount).scaleb(-2), "GBP").minor_units() == amount


@given(pence, pence)
def test_order_of_money_is_the_order_of_its_pence(a: int, b: int) -> None:
    x, y = (Money(Decimal(v).scaleb(-2), "GBP") for v in (a, b))
    assert (x >= y) == (a >= b)
    assert (x < y) == (a < b)
