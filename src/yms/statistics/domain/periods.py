"""Calendar quarters, the period official statistics are published by."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_QUARTER = re.compile(r"^\s*(?P<year>\d{4})\s*-?\s*Q(?P<number>[1-4])\s*$", re.IGNORECASE)
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """A calendar quarter: Q1 is January to March."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:  # noqa: PLR2004 - four quarters in a year
            raise ValueError(f"a quarter is numbered 1 to 4, not {self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2027Q1`` (or ``2027-Q1``, any case); raises `ValueError` naming what was given."""
        match = _QUARTER.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not a quarter: write the year and quarter, e.g. 2027Q1")
        return cls(int(match["year"]), int(match["number"]))

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter `day` falls in."""
        return cls.of_month(day.year, day.month)

    @classmethod
    def of_month(cls, year: int, month: int) -> Quarter:
        """The quarter month `month` (1 to 12) of `year` falls in."""
        return cls(year, (month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        """The quarter's first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> Quarter:
        """The quarter after this one."""
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def previous(self) -> Quarter:
        """The quarter before this one."""
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def months(self) -> str:
        """Its months in words: ``January to March``."""
        first = 3 * self.number - 3
        return f"{_MONTH_NAMES[first]} to {_MONTH_NAMES[first + 2]}"

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def ended_quarters(first: Quarter, today: date) -> list[Quarter]:
    """Every quarter from `first` that has ended by `today`, oldest first."""
    current = Quarter.of(today)
    found: list[Quarter] = []
    quarter = first
    while quarter < current:
        found.append(quarter)
        quarter = quarter.next
    return found
