"""The applications' figures for statistics, counted in SQL by month.

Three measures, each dated as the Home Office's visa statistics date them: an
application by the month it was submitted (paid for and sent), a grant or a
refusal by the month of the decision that stands, a withdrawal by the month it
was withdrawn. Months, not quarters, are grouped in SQL, so the same query serves
every period a reader asks for (a year, a quarter, a brake's month).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Integer, cast, extract, func, select
from sqlalchemy.orm import InstrumentedAttribute

from yms.applications.domain.states import ApplicationState
from yms.applications.tables import Application, BrakeCount
from yms.platform.context import ServiceContext


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


# Each measure: the instant that dates it, and the states an application must be in.
_MEASURES: dict[
    Measure, tuple[InstrumentedAttribute[datetime | None], tuple[ApplicationState, ...]]
] = {
    Measure.SUBMITTED: (Application.submitted_at, ()),
    Measure.GRANTED: (Application.decided_at, (ApplicationState.GRANTED,)),
    Measure.REFUSED: (Application.decided_at, (ApplicationState.REFUSED,)),
    Measure.WITHDRAWN: (Application.withdrawn_at, (ApplicationState.WITHDRAWN,)),
}


def _part(name: str, column: InstrumentedAttribute[datetime | None]) -> ColumnElement[int]:
    # extract() is a number on PostgreSQL and a string cast on SQLite; both become integers.
    return cast(extract(name, column), Integer)


def month_counts(ctx: ServiceContext) -> list[MonthCount]:
    """Every measure's count per scheme, arrangement and month; one grouped query each."""
    found: list[MonthCount] = []
    with ctx.database.reading() as session:
        for measure, (dated_by, states) in _MEASURES.items():
            year, month = _part("year", dated_by), _part("month", dated_by)
            query = (
                select(Application.scheme_id, Application.arrangement_id, year, month, func.count())
                .where(dated_by.is_not(None))
                .group_by(Application.scheme_id, Application.arrangement_id, year, month)
            )
            if states:
                query = query.where(Application.state.in_([state.value for state in states]))
            found.extend(
                MonthCount(scheme, arrangement, measure, int(y), int(m), count)
                for scheme, arrangement, y, m, count in session.execute(query)
            )
    return found


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


def brake_states(ctx: ServiceContext) -> list[BrakeState]:
    """Every period a brake has counted grants in, latest first within each allocation."""
    with ctx.database.reading() as session:
        rows = session.execute(
            select(
                BrakeCount.scheme_id,
                BrakeCount.allocation_id,
                BrakeCount.period,
                BrakeCount.threshold,
                BrakeCount.granted,
                BrakeCount.engaged_at.is_not(None),
                BrakeCount.released_at.is_not(None),
            ).order_by(BrakeCount.scheme_id, BrakeCount.allocation_id, BrakeCount.period.desc())
        ).all()
    return [BrakeState(*row) for row in rows]
