"""How long leave lasts: from the planned start (or the grant), for the months of leave."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.status.domain.leave import validity


@pytest.mark.parametrize(
    ("granted", "planned", "months", "first", "last"),
    [
        (date(2026, 11, 25), date(2027, 1, 10), 24, date(2027, 1, 10), date(2029, 1, 9)),
        (date(2026, 11, 25), None, 24, date(2026, 11, 25), date(2028, 11, 24)),
        # A planned start already past: leave cannot start before the grant.
        (date(2026, 11, 25), date(2026, 9, 1), 24, date(2026, 11, 25), date(2028, 11, 24)),
        # 29 February: two years later there is none, so the month's end.
        (date(2028, 1, 5), date(2028, 2, 29), 24, date(2028, 2, 29), date(2030, 2, 27)),
        (date(2027, 1, 5), date(2027, 8, 31), 6, date(2027, 8, 31), date(2028, 2, 28)),
    ],
)
def test_validity(
    granted: date, planned: date | None, months: int, first: date, last: date
) -> None:
    lasts = validity(granted_on=granted, planned_start=planned, months=months)
    assert (lasts.valid_from, lasts.valid_until) == (first, last)
    assert lasts.in_force_on(first)
    assert lasts.in_force_on(last)
    assert not lasts.in_force_on(last + timedelta(days=1))
    assert not lasts.in_force_on(first - timedelta(days=1))


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.integers(min_value=1, max_value=36),
)
def test_leave_starts_no_earlier_than_the_grant_and_lasts_about_its_months(
    granted: date, planned: date | None, months: int
) -> None:
    lasts = validity(granted_on=granted, planned_start=planned, months=months)
    assert lasts.valid_from >= granted
    assert lasts.valid_from == max(planned or granted, granted)
    days = (lasts.valid_until - lasts.valid_from).days + 1
    assert 28 * months <= days <= 31 * months
