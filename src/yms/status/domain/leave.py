"""How long a grant of leave lasts, and what it lets its holder do.

Leave starts on the day the applicant said they plan to start (YMS 3.4 tests the
lower age limit on that day), or on the day of the grant if that is later: a
permission cannot start in the past. It lasts the arrangement's months of leave
(YMS 7.1: entry clearance for up to 2 years in the UK scheme), to the day before
the same date that many months later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from yms.kernel.dates import months_after


@dataclass(frozen=True, slots=True)
class Permission:
    """What a condition of leave says, in plain words, with the rule it comes from."""

    id: str
    text: str
    rule: str


@dataclass(frozen=True, slots=True)
class Validity:
    """The first and last day of leave, both included."""

    valid_from: date
    valid_until: date

    def in_force_on(self, day: date) -> bool:
        """Whether `day` falls within the leave."""
        return self.valid_from <= day <= self.valid_until


def validity(*, granted_on: date, planned_start: date | None, months: int) -> Validity:
    """The leave a grant on `granted_on` gives, for `months` from the planned start."""
    start = max(planned_start or granted_on, granted_on)
    return Validity(start, months_after(start, months) - timedelta(days=1))
