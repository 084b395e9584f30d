"""Ages, months back and leap days, one at a time and in columns."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.eligibility.domain import columns as col
from yms.kernel.dates import LeapDayBirthday, age_on, days_before, months_before

dates = st.dates(date(1900, 1, 1), date(2100, 12, 31))
conventions = st.sampled_from(list(LeapDayBirthday))


def _age_by_counting(birth: date, on: date, leap_day: LeapDayBirthday) -> int:
    """Count birthdays passed, one year at a time: slow, obviously right."""
    age = 0
    year = birth.year + 1
    while True:
        try:
            birthday = birth.replace(year=year)
        except ValueError:  # 29 February in a common year
            birthday = (
                date(year, 3, 1) if leap_day is LeapDayBirthday.MARCH_1 else date(year, 2, 28)
            )
        if birthday > on:
            return age
        age += 1
        year += 1


@given(dates, dates, conventions)
def test_age_agrees_with_counting_birthdays(
    birth: date, on: date, leap_day: LeapDayBirthday
) -> None:
    if on < birth:
        assert age_on(birth, on, leap_day=leap_day) < 0
    else:
        assert age_on(birth, on, leap_day=leap_day) == _age_by_counting(birth, on, leap_day)


@given(dates, st.integers(0, 80))
def test_age_changes_on_the_birthday_and_not_the_day_before(birth: date, years: int) -> None:
    if (birth.month, birth.day) == (2, 29):
        return  # leap-day birthdays are tested by name below
    birthday = birth.replace(year=birth.year + years)
    assert age_on(birth, birthday) == years
    assert age_on(birth, birthday - timedelta(days=1)) == years - 1


@pytest.mark.parametrize(
    ("on", "leap_day", "expected"),
    [
        (date(2027, 2, 27), LeapDayBirthday.MARCH_1, 30),
        (date(2027, 2, 28), LeapDayBirthday.MARCH_1, 30),
        (date(2027, 3, 1), LeapDayBirthday.MARCH_1, 31),
        (date(2027, 2, 27), LeapDayBirthday.FEBRUARY_28, 30),
        (date(2027, 2, 28), LeapDayBirthday.FEBRUARY_28, 31),
        (date(2028, 2, 28), LeapDayBirthday.FEBRUARY_28, 31),
        (date(2028, 2, 29), LeapDayBirthday.FEBRUARY_28, 32),
        (date(2028, 2, 29), LeapDayBirthday.MARCH_1, 32),
    ],
)
def test_leap_day_birthdays(on: date, leap_day: LeapDayBirthday, expected: int) -> None:
    assert age_on(date(1996, 2, 29), on, leap_day=leap_day) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 25), 6, date(2026, 5, 25)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2028, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 1, 31), 13, date(2024, 12, 31)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


@given(dates.filter(lambda d: d.year > 1910), st.integers(0, 120))
def test_months_before_lands_in_the_right_month_and_never_later_in_it(
    day: date, months: int
) -> None:
    earlier = months_before(day, months)
    assert (day.year * 12 + day.month) - (earlier.year * 12 + earlier.month) == months
    assert earlier.day <= day.day
    if earlier.day < day.day:  # clamped: it must be the month's last day
        assert (earlier + timedelta(days=1)).day == 1


def test_days_before() -> None:
    assert days_before(date(2026, 3, 1), 31) == date(2026, 1, 29)


# --- columns mirror the scalar functions ------------------------------------------------


def _array(days: list[date | None]) -> col.Dates:
    return np.array(
        [np.datetime64(d, "D") if d else col.NOT_A_DATE for d in days], dtype="datetime64[D]"
    )


@given(st.lists(st.tuples(dates, dates), min_size=1, max_size=50), conventions)
def test_column_ages_equal_scalar_ages(
    pairs: list[tuple[date, date]], leap_day: LeapDayBirthday
) -> None:
    births = _array([b for b, _ in pairs])
    ons = _array([o for _, o in pairs])
    expected = [age_on(b, o, leap_day=leap_day) for b, o in pairs]
    assert col.ages_on(births, ons, leap_day=leap_day).tolist() == expected


@given(
    st.lists(st.one_of(st.none(), dates.filter(lambda d: d.year > 1910)), max_size=50),
    st.integers(0, 120),
)
def test_column_months_before_equals_scalar(days: list[date | None], months: int) -> None:
    result = col.months_before(_array(days), months)
    for got, day in zip(result.tolist(), days, strict=True):
        assert got == (months_before(day, months) if day else None)


@given(st.lists(dates, min_size=1, max_size=50))
def test_split_dates(days: list[date]) -> None:
    year, month, day = col.split_dates(_array(days))
    assert list(zip(year.tolist(), month.tolist(), day.tolist(), strict=True)) == [
        (d.year, d.month, d.day) for d in days
    ]


@given(st.lists(st.dates(date(1, 3, 1), date(9999, 12, 31)), min_size=1, max_size=50))
def test_dates_split_and_made_again_are_the_same_dates(days: list[date]) -> None:
    array = _array(days)
    assert (col.make_dates(*col.split_dates(array)) == array).all()


@given(st.integers(1, 9999), st.integers(1, 12))
def test_month_lengths(year: int, month: int) -> None:
    expected = calendar.monthrange(year, month)[1]
    assert col.month_lengths(np.array([year]), np.array([month])).tolist() == [expected]
