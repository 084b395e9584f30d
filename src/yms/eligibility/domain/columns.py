"""Applicants as columns: one NumPy array per fact, for screening millions at once.

Unknown facts have a marker in every column: ``NaT`` for dates, ``-1`` for counts,
codes and yes/no flags. The date helpers here mirror `yms.kernel.dates` exactly;
the property tests hold them to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Self

import numpy as np
import numpy.typing as npt

from yms.eligibility.domain.applicant import Applicant, ApplicationType
from yms.kernel.dates import LeapDayBirthday
from yms.schemes.domain.documents import DocumentKind

Dates = npt.NDArray[np.datetime64]
Codes = npt.NDArray[np.int32]
Flags = npt.NDArray[np.int8]
Counts = npt.NDArray[np.int64]
Rows = npt.NDArray[np.intp]

NOT_A_DATE = np.datetime64("NaT", "D")
#: 29 February as month * 100 + day, the form birthdays are compared in.
_LEAP_DAY, _LAST_OF_FEBRUARY = 229, 228
_PLACEHOLDER = np.datetime64("2000-01-01", "D")

#: Flag values: a yes/no fact that may be unknown.
NO, YES, NOT_KNOWN = np.int8(0), np.int8(1), np.int8(-1)


@dataclass(frozen=True, slots=True)
class Categorical:
    """Strings stored as small integer codes into `categories`; code ``-1`` is not known."""

    codes: Codes
    categories: tuple[str, ...]

    @classmethod
    def from_values(cls, values: Sequence[str | None]) -> Self:
        """Encode a sequence of strings, `None` meaning not known."""
        categories = tuple(sorted({value for value in values if value is not None}))
        index = {category: code for code, category in enumerate(categories)}
        codes = np.fromiter(
            (index[value] if value is not None else -1 for value in values),
            dtype=np.int32,
            count=len(values),
        )
        return cls(codes, categories)

    def take(self, rows: Rows) -> Categorical:
        """The rows at `rows`, with the same categories."""
        return Categorical(self.codes[rows], self.categories)

    def code_of(self, value: str) -> int | None:
        """The code of `value`, or `None` if no row has it."""
        try:
            return self.categories.index(value)
        except ValueError:
            return None

    def __len__(self) -> int:
        return len(self.codes)


def _empty_dict() -> dict[DocumentKind, Dates]:
    return {}


def _no_declarations() -> dict[str, Flags]:
    return {}


@dataclass(frozen=True, slots=True)
class ApplicantColumns:
    """Many applicants, one array per fact (see `Applicant` for what each fact means).

    `valid_from` may be not known where the applicant gave only the application
    date; requirements then use the application date, as for one applicant.
    `funds_amount` is in minor units (pence, cents). `document_issued` holds, for
    each kind, the issue date of the applicant's latest such document (``NaT`` if
    they hold none, when `documents_known`). `declarations` holds, for each
    declaration id any row answered, yes/no flags (``NOT_KNOWN`` where not answered).
    """

    nationality: Categorical
    host: Categorical
    date_of_birth: Dates
    application_date: Dates
    valid_from: Dates
    permission_to_stay: Flags
    funds_amount: Counts
    funds_currency: Categorical
    funds_held_days: Counts
    funds_latest_evidence: Dates
    children_under_18: Flags
    previous_participation: Flags
    has_invitation: Flags
    qualification_rqf_level: Counts
    documents_known: npt.NDArray[np.bool_]
    in_host_country: Flags
    last_permission_on_scheme: Flags
    previous_extension: Flags
    document_issued: Mapping[DocumentKind, Dates] = field(default_factory=_empty_dict)
    declarations: Mapping[str, Flags] = field(default_factory=_no_declarations)

    def __post_init__(self) -> None:
        size = len(self.nationality)
        for column in fields(self):
            value = getattr(self, column.name)
            arrays = value.values() if isinstance(value, Mapping) else [value]
            for array in arrays:
                if len(array) != size:
                    raise ValueError(f"column {column.name} has {len(array)} rows, not {size}")

    def __len__(self) -> int:
        return len(self.nationality)

    def take(self, rows: Rows) -> ApplicantColumns:
        """A new table of the rows at `rows`."""
        taken: dict[str, object] = {}
        for column in fields(self):
            value = getattr(self, column.name)
            if isinstance(value, Categorical):
                taken[column.name] = value.take(rows)
            elif isinstance(value, Mapping):
                taken[column.name] = {key: array[rows] for key, array in value.items()}
            else:
                taken[column.name] = value[rows]
        return ApplicantColumns(**taken)  # type: ignore[arg-type]

    def document(self, kind: DocumentKind) -> Dates:
        """Issue dates of each row's latest document of `kind` (``NaT``: none held)."""
        dates = self.document_issued.get(kind)
        if dates is None:
            return np.full(len(self), NOT_A_DATE)
        return dates

    def declaration(self, declaration_id: str) -> Flags:
        """Each row's answer to one declaration (``NOT_KNOWN``: not answered)."""
        flags = self.declarations.get(declaration_id)
        if flags is None:
            return np.full(len(self), NOT_KNOWN, dtype=np.int8)
        return flags

    @classmethod
    def from_applicants(cls, applicants: Sequence[Applicant]) -> ApplicantColumns:
        """The columns for a list of applicants, row `i` being `applicants[i]`."""
        kinds = {d.kind for a in applicants for d in (a.documents or ())}
        declared = sorted({key for a in applicants for key in (a.declarations or {})})
        funds = [a.funds for a in applicants]
        amounts = [f.amount if f is not None else None for f in funds]
        return cls(
            nationality=Categorical.from_values([a.nationality for a in applicants]),
            host=Categorical.from_values([a.host for a in applicants]),
            date_of_birth=_dates([a.date_of_birth for a in applicants]),
            application_date=_dates([a.application_date for a in applicants]),
            valid_from=_dates([a.valid_from for a in applicants]),
            permission_to_stay=_flags(
                [a.application_type is ApplicationType.PERMISSION_TO_STAY for a in applicants]
            ),
            funds_amount=_counts([m.minor_units() if m is not None else None for m in amounts]),
            funds_currency=Categorical.from_values(
                [m.currency if m is not None else None for m in amounts]
            ),
            funds_held_days=_counts([f.held_days if f is not None else None for f in funds]),
            funds_latest_evidence=_dates(
                [f.latest_evidence_date if f is not None else None for f in funds]
            ),
            children_under_18=_flags([a.children_under_18 for a in applicants]),
            previous_participation=_flags([a.previous_participation for a in applicants]),
            has_invitation=_flags([a.has_invitation for a in applicants]),
            qualification_rqf_level=_counts([a.qualification_rqf_level for a in applicants]),
            documents_known=np.array([a.documents is not None for a in applicants], dtype=bool),
            in_host_country=_flags([a.in_host_country for a in applicants]),
            last_permission_on_scheme=_flags([a.last_permission_on_scheme for a in applicants]),
            previous_extension=_flags([a.previous_extension for a in applicants]),
            document_issued={
                kind: _dates([a.latest_document(kind) for a in applicants]) for kind in kinds
            },
            declarations={key: _flags([a.declared(key) for a in applicants]) for key in declared},
        )


def _dates(values: Sequence[date | None]) -> Dates:
    return np.array(
        [np.datetime64(v, "D") if v is not None else NOT_A_DATE for v in values],
        dtype="datetime64[D]",
    ).reshape(len(values))


def _flags(values: Sequence[bool | None]) -> Flags:
    return np.array([NOT_KNOWN if v is None else YES if v else NO for v in values], dtype=np.int8)


def _counts(values: Sequence[int | None]) -> Counts:
    return np.array([-1 if v is None else v for v in values], dtype=np.int64)


# --- date arithmetic in columns (mirrors yms.kernel.dates) ------------------------------


# Civil-calendar arithmetic on day numbers (days since 1970-01-01), after Howard
# Hinnant's "chrono-compatible low-level date algorithms": plain integer operations,
# several times faster than NumPy's datetime64 unit conversions.
_DAYS_PER_ERA = 146_097
_EPOCH_SHIFT = 719_468  # days from 0000-03-01 to 1970-01-01
_FEBRUARY = 2
_MARCH_TO_DECEMBER = 10  # the algorithm's year starts in March, so these months come first


def split_dates(dates: Dates) -> tuple[Counts, Counts, Counts]:
    """Year, month (1-12) and day (1-31) of each date. Not-a-date rows hold meaningless values."""
    safe = np.where(np.isnat(dates), _PLACEHOLDER, dates)
    z = safe.astype(np.int64) + _EPOCH_SHIFT
    era = z // _DAYS_PER_ERA
    day_of_era = z - era * _DAYS_PER_ERA
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153  # 0 = March
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = np.where(shifted_month < _MARCH_TO_DECEMBER, shifted_month + 3, shifted_month - 9)
    year = year_of_era + era * 400 + (month <= _FEBRUARY)
    return year, month, day


def make_dates(year: Counts, month: Counts, day: Counts) -> Dates:
    """The dates with these parts (which must form real dates)."""
    year = year - (month <= _FEBRUARY)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * np.where(month > _FEBRUARY, month - 3, month + 9) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    dates: Dates = (era * _DAYS_PER_ERA + day_of_era - _EPOCH_SHIFT).astype("datetime64[D]")
    return dates


_MONTH_LENGTHS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def month_lengths(year: Counts, month: Counts) -> Counts:
    """How many days each month has."""
    lengths: Counts = _MONTH_LENGTHS[month] + ((month == _FEBRUARY) & is_leap_year(year))
    return lengths


def is_leap_year(year: Counts) -> npt.NDArray[np.bool_]:
    """Whether each year has a 29 February."""
    leap: npt.NDArray[np.bool_] = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return leap


def ages_on(
    date_of_birth: Dates, on: Dates, *, leap_day: LeapDayBirthday = LeapDayBirthday.MARCH_1
) -> Counts:
    """Whole years reached on each `on` date, as `yms.kernel.dates.age_on`."""
    birth_year, birth_month, birth_day = split_dates(date_of_birth)
    year, month, day = split_dates(on)
    birthday = birth_month * 100 + birth_day
    if leap_day is LeapDayBirthday.FEBRUARY_28:
        birthday = np.where(
            (birthday == _LEAP_DAY) & ~is_leap_year(year), _LAST_OF_FEBRUARY, birthday
        )
    before_birthday = (month * 100 + day) < birthday
    return year - birth_year - before_birthday.astype(np.int64)


def months_before(dates: Dates, months: int) -> Dates:
    """Each date `months` earlier, clamped to the month's end (as `dates.months_before`)."""
    year, month, day = split_dates(dates)
    index = year * 12 + (month - 1) - months
    year, month = index // 12, index % 12 + 1
    result = make_dates(year, month, np.minimum(day, month_lengths(year, month)))
    return np.where(np.isnat(dates), NOT_A_DATE, result)
