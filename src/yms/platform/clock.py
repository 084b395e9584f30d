"""Clocks: the one place yms reads the system time. Services receive a clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the time, timezone-aware, in UTC."""

    def now(self) -> datetime:
        """The current instant."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current instant, in UTC."""
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that says what it is told; tests and replays move it by hand."""

    instant: datetime

    def now(self) -> datetime:
        """The instant this clock was set to."""
        return self.instant


def today(clock: Clock) -> date:
    """The calendar date in UTC."""
    return clock.now().date()
