"""Calendar arithmetic for legal dates: ages, months back, leap days.

Legal dates are calendar dates (`datetime.date`), never instants. The column
versions in `yms.eligibility.domain.columns` mirror these functions exactly.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from enum import StrEnum


class LeapDayBirthday(StrEnum):
    """On which day a person born on 29 February has their birthday in a common year."""

    #: The anniversary is the day after 28 February: a full year has passed.
    MARCH_1 = "1 March"
    #: The anniversary is the last day of February.
    FEBRUARY_28 = "28 February"


def is_leap_year(year: int) -> bool:
    """Whether `year` has a 29 February."""
    return calendar.isleap(year)


def _birthday_month_day(birth: date, year: int, leap_day: LeapDayBirthday) -> tuple[int, int]:
    if (birth.month, birth.day) == (2, 29) and not is_leap_year(year):
        return (2, 28) if leap_day is LeapDayBirthday.FEBRUARY_28 else (2, 29)
    return (birth.month, birth.day)


def age_on(
    date_of_birth: date, on: date, *, leap_day: LeapDayBirthday = LeapDayBirthday.MARCH_1
) -> int:
    """Whole years reached on `on`: a person turns N at the start of their Nth birthday.

    A 29 February birthday falls on 1 March or 28 February in a common year, as
    `leap_day` says (comparing against (2, 29) is what makes 1 March the answer).
    The result is negative when `on` is before the birth.
    """
    years = on.year - date_of_birth.year
    if (on.month, on.day) < _birthday_month_day(date_of_birth, on.year, leap_day):
        years -= 1
    return years


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, or that month's last day if it is shorter.

    Six months before 31 August is 28 (or 29) February.
    """
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day if it is shorter.

    Six months after 31 August is 28 (or 29) February.
    """
    return months_before(day, -months)


def days_before(day: date, days: int) -> date:
    """The date `days` calendar days before `day`."""
    return day - timedelta(days=days)


def long_date(value: date) -> str:
    """``25 November 2026``, as GOV.UK writes dates."""
    return f"{value.day} {value:%B %Y}"


def long_time(value: datetime) -> str:
    """``9:00am on 25 November 2026 (UTC)``, as GOV.UK writes times (in UTC)."""
    hour = value.strftime("%I").lstrip("0")
    return f"{hour}:{value:%M}{value:%p}".lower() + f" on {long_date(value)} (UTC)"


def shown(value: object) -> object:
    """A value as a page shows it: dates (and times) in GOV.UK's long form, others as they are."""
    if isinstance(value, datetime):
        return long_time(value)
    if isinstance(value, date):
        return long_date(value)
    return value
