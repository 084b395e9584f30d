"""The applications' figures for statistics, counted in SQL by month.

Three measures, each dated as the Home Office's visa statistics date them: an
application by the month it was submitted (paid for and sent), a grant or a
refusal by the month of the decision that stands, a withdrawal by the month it
was withdrawn. Months, not quarters, are grouped in SQL, so the same query serves
every period a reader asks for (a year, a quarter, a brake's month).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, cast, extract, func, select
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


# The outcome that stands, for an application in each state that has one.
_OUTCOMES = {
    ApplicationState.GRANTED.value: Measure.GRANTED,
    ApplicationState.REFUSED.value: Measure.REFUSED,
    ApplicationState.WITHDRAWN.value: Measure.WITHDRAWN,
}


def _year_month(
    instant: ColumnElement[datetime | None] | InstrumentedAttribute[datetime | None],
) -> tuple[ColumnElement[int], ColumnElement[int]]:
    # extract() is a number on PostgreSQL and a string cast on SQLite; both become integers.
    return cast(extract("year", instant), Integer), cast(extract("month", instant), Integer)


def month_counts(ctx: ServiceContext) -> list[MonthCount]:
    """Every measure's count per scheme, arrangement and month, in one pass over applications.

    Each group is one (scheme, arrangement, state, month submitted, month of the
    outcome): a few thousand rows however many applications there are, folded here
    into the submitted count of the one month and the outcome count of the other.
    """
    outcome_at = case(
        (Application.state.in_([Measure.GRANTED, Measure.REFUSED]), Application.decided_at),
        (Application.state == Measure.WITHDRAWN, Application.withdrawn_at),
    )
    submitted, outcome = _year_month(Application.submitted_at), _year_month(outcome_at)
    keys = (Application.scheme_id, Application.arrangement_id, Application.state)
    query = (
        select(*keys, *submitted, *outcome, func.count())
        .where(Application.submitted_at.is_not(None))
        .group_by(*keys, *submitted, *outcome)
    )
    totals: dict[tuple[str, str, Measure, int, int], int] = defaultdict(int)
    with ctx.database.reading() as session:
        for row in session.execute(query).all():
            scheme, arrangement, state, year, month, out_year, out_month, count = tuple[Any, ...](
                row
            )
            totals[(scheme, arrangement, Measure.SUBMITTED, int(year), int(month))] += count
            measure = _OUTCOMES.get(state)
            if measure is not None and out_year is not None:
                totals[(scheme, arrangement, measure, int(out_year), int(out_month))] += count
    return [MonthCount(*key, count) for key, count in totals.items()]


def first_submitted(ctx: ServiceContext) -> datetime | None:
    """When the first application was submitted (`None` before any was)."""
    with ctx.database.reading() as session:
        return session.scalar(select(func.min(Application.submitted_at)))


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
