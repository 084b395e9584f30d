"""The running scheme in figures: per allocation and year, per pair of parties, per quarter.

Pure folding of counts the features have already made in SQL (a few hundred rows
at most, however many people entered or applied) into what the dashboard and
`yms stats` show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from yms.applications.domain.counts import BrakeState, Measure, MonthCount
from yms.applications.domain.places import places_for
from yms.ballot.domain.counts import BallotCounts
from yms.schemes.domain.scheme import Scheme, split_arrangement_id
from yms.statistics.domain.periods import Quarter

UNCAPPED = "uncapped"  # the allocation id of grants no allocation holds


@dataclass(slots=True)
class AllocationFigures:
    """One allocation in one year: places, the ballot, applications and their outcomes."""

    scheme_id: str
    scheme_title: str
    allocation_id: str
    title: str
    year: int
    places: int | None  # None: uncapped
    entries: int = 0
    invited: int = 0
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    submitted: int = 0
    granted: int = 0
    refused: int = 0
    withdrawn: int = 0
    active: int = 0
    brake: BrakeState | None = None

    @property
    def outstanding(self) -> int:
        """Invitations issued and not yet answered."""
        return self.invited - self.accepted - self.declined - self.expired

    @property
    def places_left(self) -> int | None:
        """Places not yet granted (`None` when uncapped)."""
        return None if self.places is None else max(self.places - self.granted, 0)


@dataclass(slots=True)
class PairBalance:
    """Two parties of a scheme in one year: grants each way, and people present each way today."""

    scheme_id: str
    year: int
    first: str  # a party's code, the first in alphabetical order
    second: str
    first_to_second: int = 0
    second_to_first: int = 0
    present_first_in_second: int = 0
    present_second_in_first: int = 0

    @property
    def balance(self) -> int:
        """Grants first → second less grants second → first: 0 is reciprocity."""
        return self.first_to_second - self.second_to_first


@dataclass(slots=True)
class QuarterFigures:
    """Every scheme's applications and outcomes in one quarter."""

    quarter: Quarter
    submitted: int = 0
    granted: int = 0
    refused: int = 0
    withdrawn: int = 0


@dataclass(frozen=True, slots=True)
class Figures:
    """The whole dashboard's figures on `on`."""

    on: date
    allocations: list[AllocationFigures]
    pairs: list[PairBalance]
    quarters: list[QuarterFigures]
    brakes: list[BrakeState] = field(default_factory=list)


def _allocation_row(
    rows: dict[tuple[str, str, int], AllocationFigures],
    scheme: Scheme,
    allocation_id: str,
    year: int,
) -> AllocationFigures:
    key = (scheme.id, allocation_id, year)
    if key not in rows:
        allocation = scheme.allocation(allocation_id)
        places = None
        if allocation is not None:
            counted = places_for(scheme, allocation.arrangements[0], year)
            places = counted.places if counted is not None else None
        rows[key] = AllocationFigures(
            scheme_id=scheme.id,
            scheme_title=scheme.title,
            allocation_id=allocation_id,
            title=allocation.title if allocation is not None else f"{scheme.title}: uncapped",
            year=year,
            places=places,
        )
    return rows[key]


def _allocation_of(scheme: Scheme, arrangement_id: str, year: int) -> str:
    counted = places_for(scheme, arrangement_id, year)
    return UNCAPPED if counted is None else counted.allocation_id


def fold(
    *,
    on: date,
    schemes: Mapping[str, Scheme],
    ballots: Iterable[BallotCounts],
    months: Iterable[MonthCount],
    active: Mapping[tuple[str, str], int],
    brakes: Sequence[BrakeState],
) -> Figures:
    """The figures on `on`, from the features' counts; `schemes` by id (the latest versions).

    A grant counts against the allocation holding its arrangement in the year of the
    grant (as places are taken), an application in the year it was submitted; people
    present today count in this year's allocation.
    """
    rows: dict[tuple[str, str, int], AllocationFigures] = {}
    for ballot in ballots:
        scheme = schemes.get(ballot.scheme_id)
        if scheme is None:
            continue
        row = _allocation_row(rows, scheme, ballot.allocation_id, ballot.year)
        row.entries += ballot.entries
        row.invited += ballot.invited
        row.accepted += ballot.accepted
        row.declined += ballot.declined
        row.expired += ballot.expired
    pairs: dict[tuple[str, int, str, str], PairBalance] = {}
    quarters: dict[Quarter, QuarterFigures] = {}
    allocated: dict[tuple[str, str, int], str] = {}  # the same few allocations, many months
    for month in months:
        scheme = schemes.get(month.scheme_id)
        if scheme is None:
            continue
        key = (scheme.id, month.arrangement_id, month.year)
        if key not in allocated:
            allocated[key] = _allocation_of(scheme, month.arrangement_id, month.year)
        allocation_id = allocated[key]
        row = _allocation_row(rows, scheme, allocation_id, month.year)
        setattr(row, month.measure, getattr(row, month.measure) + month.count)
        quarter = Quarter.of_month(month.year, month.month)
        figures = quarters.setdefault(quarter, QuarterFigures(quarter))
        setattr(figures, month.measure, getattr(figures, month.measure) + month.count)
        if month.measure is Measure.GRANTED:
            _count_pair(pairs, scheme.id, month.year, month.arrangement_id, month.count)
    for (scheme_id, arrangement_id), count in active.items():
        scheme = schemes.get(scheme_id)
        if scheme is None:
            continue
        allocation_id = _allocation_of(scheme, arrangement_id, on.year)
        _allocation_row(rows, scheme, allocation_id, on.year).active += count
        _count_pair(pairs, scheme_id, on.year, arrangement_id, count, present=True)
    latest = _latest_brakes(brakes)
    for row in rows.values():
        row.brake = latest.get((row.scheme_id, row.allocation_id))
    return Figures(
        on=on,
        allocations=sorted(rows.values(), key=lambda r: (r.scheme_id, -r.year, r.allocation_id)),
        pairs=sorted(
            pairs.values(), key=lambda p: (p.scheme_id, -p.year, -abs(p.balance), p.first)
        ),
        quarters=[quarters[quarter] for quarter in sorted(quarters)],
        brakes=list(latest.values()),
    )


def _count_pair(
    pairs: dict[tuple[str, int, str, str], PairBalance],
    scheme_id: str,
    year: int,
    arrangement_id: str,
    count: int,
    *,
    present: bool = False,
) -> None:
    nationality, host = split_arrangement_id(arrangement_id)
    country = nationality[:2]  # British nationals without the right of abode are not a party
    if country == host:
        return
    first, second = sorted((country, host))
    pair = pairs.setdefault(
        (scheme_id, year, first, second), PairBalance(scheme_id, year, first, second)
    )
    outbound = country == first
    if present:
        if outbound:
            pair.present_first_in_second += count
        else:
            pair.present_second_in_first += count
    elif outbound:
        pair.first_to_second += count
    else:
        pair.second_to_first += count


def _latest_brakes(brakes: Sequence[BrakeState]) -> dict[tuple[str, str], BrakeState]:
    latest: dict[tuple[str, str], BrakeState] = {}
    for brake in brakes:
        key = (brake.scheme_id, brake.allocation_id)
        if key not in latest or brake.period > latest[key].period:
            latest[key] = brake
    return latest


def outcomes_by_route(
    months: Iterable[MonthCount], quarter: Quarter
) -> dict[tuple[str, str], dict[str, list[int]]]:
    """Grants, refusals and withdrawals in `quarter`, per (scheme, host), per nationality code."""
    order = {Measure.GRANTED: 0, Measure.REFUSED: 1, Measure.WITHDRAWN: 2}
    found: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(dict)
    for month in months:
        if month.measure not in order or Quarter.of_month(month.year, month.month) != quarter:
            continue
        nationality, host = split_arrangement_id(month.arrangement_id)
        counts = found[(month.scheme_id, host)].setdefault(nationality, [0, 0, 0])
        counts[order[month.measure]] += month.count
    return dict(found)
