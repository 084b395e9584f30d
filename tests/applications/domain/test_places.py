"""Which places a grant counts against: the year's allocation, or 1.A's fallback."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.applications.domain.places import brake_period, places_for
from yms.schemes.catalogue import shipped
from yms.schemes.domain.scheme import BrakePeriod

UK = shipped().latest("uk-yms")


@pytest.mark.parametrize(
    ("arrangement", "year", "allocation", "places"),
    [
        ("AU-GB", 2025, "australia-2025", 42000),  # Appendix YMS: eligible nationals, 1
        ("AU-GB", 2026, "australia-2025", 21000),  # 1.A(b): the greater of 1,000 and 50%
        ("AU-GB", 2027, "australia-2025", 10500),  # and again for a second unset year
        ("AU-GB", 2028, "australia-2025", 5250),
        ("AU-GB", 2030, "australia-2025", 1312),  # 50% of 2,625, rounded down
        ("AU-GB", 2031, "australia-2025", 1000),  # never below 1,000
        ("AD-GB", 2026, "andorra-2025", 100),  # 1.A(a): under 1,000 carries over
        ("AD-GB", 2030, "andorra-2025", 100),
        ("UY-GB", 2026, "uruguay-2025", 500),
        ("HK-GB", 2026, "hong-kong-2025", 1000),  # 1,000: the greater of 1,000 and 500
    ],
)
def test_places_for_a_year_come_from_its_allocation_or_the_fallback(
    arrangement: str, year: int, allocation: str, places: int
) -> None:
    found = places_for(UK, arrangement, year)
    assert found is not None
    assert (found.allocation_id, found.year, found.places) == (allocation, year, places)


def test_an_uncapped_allocation_counts_grants_with_no_limit() -> None:
    eu = shipped().latest("eu-uk-2024")
    found = places_for(eu, "AT-GB", 2027)
    assert found is not None
    assert (found.allocation_id, found.places, found.brake) == ("eu-to-uk-2027", None, None)


def test_an_arrangement_no_allocation_holds_is_not_counted() -> None:
    uk = UK.model_copy(update={"allocations": ()})
    assert places_for(uk, "AU-GB", 2026) is None


def test_the_capped_eu_uk_scheme_counts_its_brake() -> None:
    yes = shipped().latest("eu-uk-yes")
    found = places_for(yes, "ES-GB", 2027)
    assert found is not None
    assert found.places == 44000
    assert found.brake is not None
    assert (found.brake.threshold, found.brake.period) == (4400, BrakePeriod.MONTH)


@pytest.mark.parametrize(
    ("day", "period", "expected"),
    [
        (date(2027, 1, 1), BrakePeriod.MONTH, "2027-01"),
        (date(2027, 12, 31), BrakePeriod.MONTH, "2027-12"),
        (date(2027, 3, 31), BrakePeriod.QUARTER, "2027-Q1"),
        (date(2027, 4, 1), BrakePeriod.QUARTER, "2027-Q2"),
        (date(2027, 12, 31), BrakePeriod.QUARTER, "2027-Q4"),
        (date(2027, 6, 15), BrakePeriod.YEAR, "2027"),
    ],
)
def test_brake_periods(day: date, period: BrakePeriod, expected: str) -> None:
    assert brake_period(day, period) == expected


@given(st.dates(), st.dates())
def test_two_days_share_a_month_period_exactly_when_they_share_year_and_month(
    a: date, b: date
) -> None:
    same = (a.year, a.month) == (b.year, b.month)
    assert (brake_period(a, BrakePeriod.MONTH) == brake_period(b, BrakePeriod.MONTH)) is same
