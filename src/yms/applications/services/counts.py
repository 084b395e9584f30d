"""The applications' figures for statistics, counted in SQL by month.

Three measures, each dated as the Home Office's visa statistics date them: an
application by the month it was submitted (paid for and sent), a grant or a
refusal by the month the first decision on it took effect (an administrative
review is not a case outcome), a withdrawal by the month it was withdrawn.
Months, not quarters, are grouped in SQL, so the same queries serve every period
a reader asks for (a year, a quarter, a brake's month).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, extract, func, select
from sqlalchemy.orm import InstrumentedAttribute

from yms.applications.domain.decisions import DecisionKind, DecisionState
from yms.applications.tables import Application, BrakeCount, Decision
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


# The first decision on a case, as the Home Office's visa statistics count outcomes:
# an administrative review's outcome is another matter, so a published quarter's
# grants and refusals never move when a refusal is later reviewed.
_FIRST_DECISIONS = {
    DecisionKind.GRANT.value: Measure.GRANTED,
    DecisionKind.REFUSAL.value: Measure.REFUSED,
}


def _year_month(
    instant: ColumnElement[datetime | None] | InstrumentedAttribute[datetime | None],
) -> tuple[ColumnElement[int], ColumnElement[int]]:
    # extract() is a number on PostgreSQL and a string cast on SQLite; both become integers.
    return cast(extract("year", instant), Integer), cast(extract("month", instant), Integer)


def month_counts(ctx: ServiceContext) -> list[MonthCount]:
    """Every measure's count per scheme, arrangement and month: two grouped queries.

    Applications are counted in the month they were submitted and, if withdrawn,
    the month they were withdrawn (one pass over applications); grants and refusals
    by the first decision in effect on each, in the month it took effect (a grant
    when made, a refusal when a second caseworker confirmed it). Each query returns
    a few thousand groups however many applications there are.
    """
    totals: dict[tuple[str, str, Measure, int, int], int] = defaultdict(int)
    submitted, withdrawn = (
        _year_month(Application.submitted_at),
        _year_month(Application.withdrawn_at),
    )
    keys = (Application.scheme_id, Application.arrangement_id)
    applications = (
        select(*keys, *submitted, *withdrawn, func.count())
        .where(Application.submitted_at.is_not(None))
        .group_by(*keys, *submitted, *withdrawn)
    )
    took_effect = _year_month(func.coalesce(Decision.second_at, Decision.decided_at))
    decisions = (
        select(*keys, Decision.kind, *took_effect, func.count())
        .join(Application, Application.id == Decision.application_id)
        .where(
            Decision.state == DecisionState.IN_EFFECT.value,
            Decision.kind.in_(list(_FIRST_DECISIONS)),
        )
        .group_by(*keys, Decision.kind, *took_effect)
    )
    with ctx.database.reading() as session:
        for row in session.execute(applications).all():
            scheme, arrangement, year, month, out_year, out_month, count = tuple[Any, ...](row)
            totals[(scheme, arrangement, Measure.SUBMITTED, int(year), int(month))] += count
            if out_year is not None:
                key = (scheme, arrangement, Measure.WITHDRAWN, int(out_year), int(out_month))
                totals[key] += count
        for decided in session.execute(decisions).all():
            scheme, arrangement, kind, year, month, count = tuple[Any, ...](decided)
            totals[(scheme, arrangement, _FIRST_DECISIONS[kind], int(year), int(month))] += count
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
