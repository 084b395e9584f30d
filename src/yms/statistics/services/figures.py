"""The dashboard's figures, from each feature's counts (all made in SQL)."""

from __future__ import annotations

from datetime import date

from yms.applications.services import counts as case_counts
from yms.ballot.services import counts as ballot_counts
from yms.platform.context import ServiceContext
from yms.schemes.domain.scheme import Scheme
from yms.statistics.domain.figures import BallotFigures, BrakeFigure, CaseMonth, Figures, fold
from yms.status import services as status


def latest_schemes(ctx: ServiceContext) -> dict[str, Scheme]:
    """Each shipped scheme's newest version, by id."""
    return {scheme_id: ctx.catalogue.latest(scheme_id) for scheme_id in ctx.catalogue.ids()}


def case_months(ctx: ServiceContext) -> list[CaseMonth]:
    """Applications submitted, granted, refused and withdrawn, per arrangement and month."""
    return [
        CaseMonth(m.scheme_id, m.arrangement_id, m.measure.value, m.year, m.month, m.count)
        for m in case_counts.month_counts(ctx)
    ]


def figures(ctx: ServiceContext, *, on: date | None = None) -> Figures:
    """Every allocation's figures, each pair's balance, each quarter's outcomes, on `on` (today)."""
    on = on or ctx.clock.now().date()
    ballots = [
        BallotFigures(
            b.scheme_id,
            b.allocation_id,
            b.year,
            b.windows,
            b.places,
            b.entries,
            b.invited,
            b.accepted,
            b.declined,
            b.expired,
        )
        for b in ballot_counts.ballot_counts(ctx)
    ]
    brakes = [
        BrakeFigure(
            b.scheme_id, b.allocation_id, b.period, b.threshold, b.granted, b.holds, b.released
        )
        for b in case_counts.brake_states(ctx)
    ]
    return fold(
        on=on,
        schemes=latest_schemes(ctx),
        ballots=ballots,
        months=case_months(ctx),
        active=status.active_counts(ctx, on),
        brakes=brakes,
    )
