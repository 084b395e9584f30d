"""Money: a `Decimal` amount with its ISO 4217 currency, never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Self

_CURRENCY = re.compile(r"^[A-Z]{3}\Z")
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}

#: Amounts carry at most this many decimal places (the minor unit of GBP and EUR).
MINOR_UNIT_PLACES = 2


class CurrencyMismatchError(ValueError):
    """Two amounts in different currencies were combined or compared."""


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of one currency. Arithmetic and comparison refuse mixed currencies."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not _CURRENCY.match(self.currency):
            raise ValueError(f"currency must be three capital letters, not {self.currency!r}")
        if not self.amount.is_finite():
            raise ValueError(f"amount must be a finite number, not {self.amount}")

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Self:
        """Build from a decimal string or integer, e.g. ``Money.of("2530.00", "GBP")``."""
        return cls(Decimal(amount), currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(self.amount * factor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __ge__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount >= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount > other.amount

    def minor_units(self) -> int:
        """The amount in hundredths (pence, cents); exact for amounts of two places or fewer."""
        return int(self.amount.scaleb(MINOR_UNIT_PLACES).to_integral_value())

    def __str__(self) -> str:
        symbol = _SYMBOLS.get(self.currency)
        figure = f"{self.amount:,.2f}"
        return f"{symbol}{figure}" if symbol else f"{figure} {self.currency}"
