"""What the applications' counts for statistics say: measures by month, and brakes by period.

The services count them in SQL (`yms.applications.services.counts`); statistics
folds them (`yms.statistics.domain.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Measure(StrEnum):
    """What a count counts."""

    SUBMITTED = "submitted"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class MonthCount:
    """Applications under one arrangement of one scheme, of one measure, in one month."""

    scheme_id: str
    arrangement_id: str
    measure: Measure
    year: int
    month: int
    count: int


@dataclass(frozen=True, slots=True)
class BrakeState:
    """An emergency brake's count for one period, and whether it holds."""

    scheme_id: str
    allocation_id: str
    period: str
    threshold: int
    granted: int
    engaged: bool
    released: bool

    @property
    def holds(self) -> bool:
        """Grants to the allocation pause: the brake engaged and no operator released it."""
        return self.engaged and not self.released

    @property
    def state(self) -> str:
        """``holds``, ``released`` or ``counting``."""
        return "holds" if self.holds else "released" if self.released else "counting"
