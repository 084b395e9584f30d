"""Which allocation a grant takes its place from, and the period an emergency brake counts.

A grant takes one place of the allocation that holds the arrangement's places in
the year of the grant. A year whose places are not yet set takes them from the
latest year before it: by the scheme's fallback rule where it has one (Appendix
Youth Mobility Scheme: eligible nationals, paragraph 1.A), otherwise unchanged.
An arrangement no allocation holds is uncapped: its grants are counted, never
refused for want of a place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from yms.schemes.domain.scheme import Allocation, BrakePeriod, EmergencyBrake, Scheme


@dataclass(frozen=True, slots=True)
class Places:
    """The places a grant in one year is counted against."""

    allocation_id: str  # the allocation whose terms apply (an earlier year's, by fallback)
    year: int  # the year counted
    places: int | None  # None: uncapped
    brake: EmergencyBrake | None
    rule: str | None  # where the number comes from, when it is not the allocation's own


def places_for(scheme: Scheme, arrangement_id: str, year: int) -> Places | None:
    """The places that a grant to `arrangement_id` in `year` counts against, or `None`.

    `None` means no allocation of any year holds the arrangement: it is uncapped.
    """
    holding = sorted(scheme.allocations_holding(arrangement_id), key=lambda a: a.year)
    if not holding:
        return None
    same_year = [allocation for allocation in holding if allocation.year == year]
    if same_year:
        allocation = same_year[0]
        return Places(allocation.id, year, _number(allocation), allocation.emergency_brake, None)
    earlier = [allocation for allocation in holding if allocation.year < year]
    if not earlier:  # a year before the scheme's first allocation: its first year's terms
        first = holding[0]
        return Places(first.id, year, _number(first), first.emergency_brake, first.rule)
    latest = earlier[-1]
    places = _number(latest)
    fallback = scheme.allocation_fallback
    rule = latest.rule
    if places is not None and fallback is not None:
        for _unset_year in range(latest.year + 1, year + 1):
            places = fallback.places(places)
        rule = fallback.rule
    return Places(latest.id, year, places, latest.emergency_brake, rule)


def _number(allocation: Allocation) -> int | None:
    return allocation.places if isinstance(allocation.places, int) else None


def brake_period(day: date, period: BrakePeriod) -> str:
    """The period `day` falls in, as a brake counts it: ``2027``, ``2027-Q1`` or ``2027-01``."""
    if period is BrakePeriod.YEAR:
        return f"{day.year}"
    if period is BrakePeriod.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"
