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
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from yms.applications.domain.counts import BrakeState, Measure, MonthCount
from yms.applications.domain.decisions import DecisionKind, DecisionState
from yms.applications.tables import Application, BrakeCount, Decision
from yms.platform.context import ServiceContext

# The first decision on a case, as the Home Office's visa statistics count outcomes:
# an administrative review's outcome is another matter, so a published quarter's
# grants and refusals never move when a refusal is later reviewed.
_FIRST_DECISIONS = {
    DecisionKind.GRANT.value: Measure.GRANTED,
    DecisionKind.REFUSAL.value: Measure.REFUSED,
}


def _month(
    dialect: str,
    instant: ColumnElement[datetime | None] | InstrumentedAttribute[datetime | None],
) -> ColumnElement[Any]:
    """The instant's month, in UTC, as each database computes it fastest.

    PostgreSQL's ``date_trunc`` of the UTC wall time (a third of the time of
    ``extract``, which makes a numeric); SQLite's ``strftime`` on the stored UTC text.
    """
    if dialect == "postgresql":
        return func.date_trunc("month", func.timezone("UTC", instant))
    return func.strftime("%Y-%m", instant)


def _year_and_month(value: datetime | str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite: "2027-01"
        year, month = value.split("-")
        return int(year), int(month)
    utc = value.astimezone(UTC) if value.tzinfo else value
    return utc.year, utc.month


def month_counts(ctx: ServiceContext) -> list[MonthCount]:
    """Every measure's count per scheme, arrangement and month: two grouped queries.

    Applications are counted in the month they were submitted and, if withdrawn,
    the month they were withdrawn (one pass over applications); grants and refusals
    by the first decision in effect on each, in the month it took effect (a grant
    when made, a refusal when a second caseworker confirmed it). Each query returns
    a few thousand groups however many applications there are.
    """
    dialect = ctx.database.dialect
    submitted = _month(dialect, Application.submitted_at)
    withdrawn = _month(dialect, Application.withdrawn_at)
    keys = (Application.scheme_id, Application.arrangement_id)
    applications = (
        select(*keys, submitted, withdrawn, func.count())
        .where(Application.submitted_at.is_not(None))
        .group_by(*keys, submitted, withdrawn)
    )
    took_effect = _month(dialect, func.coalesce(Decision.second_at, Decision.decided_at))
    decisions = (
        select(*keys, Decision.kind, took_effect, func.count())
        .join(Application, Application.id == Decision.application_id)
        .where(
            Decision.state == DecisionState.IN_EFFECT.value,
            Decision.kind.in_(list(_FIRST_DECISIONS)),
        )
        .group_by(*keys, Decision.kind, took_effect)
    )
    totals: dict[tuple[str, str, Measure, int, int], int] = defaultdict(int)
    with ctx.database.reading() as session:
        for row in session.execute(applications).all():
            scheme, arrangement, sent, withdrew, count = tuple[Any, ...](row)
            for measure, when in ((Measure.SUBMITTED, sent), (Measure.WITHDRAWN, withdrew)):
                month = _year_and_month(when)
                if month is not None:
                    totals[(scheme, arrangement, measure, *month)] += count
        for decided in session.execute(decisions).all():
            scheme, arrangement, kind, when, count = tuple[Any, ...](decided)
            month = _year_and_month(when)
            if month is not None:
                totals[(scheme, arrangement, _FIRST_DECISIONS[kind], *month)] += count
    return [MonthCount(*key, count) for key, count in totals.items()]


def first_submitted(ctx: ServiceContext) -> datetime | None:
    """When the first application was submitted (`None` before any was)."""
    with ctx.database.reading() as session:
        return session.scalar(select(func.min(Application.submitted_at)))


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
