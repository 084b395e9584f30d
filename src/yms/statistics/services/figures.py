"""The dashboard's figures, from each feature's counts (all made in SQL)."""

from __future__ import annotations

from datetime import date

from yms.applications.services import counts as case_counts
from yms.ballot.services import counts as ballot_counts
from yms.platform.context import ServiceContext
from yms.schemes.domain.scheme import Scheme
from yms.statistics.domain.figures import Figures, fold
from yms.status import services as status


def latest_schemes(ctx: ServiceContext) -> dict[str, Scheme]:
    """Each shipped scheme's newest version, by id."""
    return {scheme_id: ctx.catalogue.latest(scheme_id) for scheme_id in ctx.catalogue.ids()}


def figures(ctx: ServiceContext, *, on: date | None = None) -> Figures:
    """Every allocation's figures, each pair's balance, each quarter's outcomes, on `on` (today)."""
    on = on or ctx.clock.now().date()
    return fold(
        on=on,
        schemes=latest_schemes(ctx),
        ballots=ballot_counts.ballot_counts(ctx),
        months=case_counts.month_counts(ctx),
        active=status.active_counts(ctx, on),
        brakes=case_counts.brake_states(ctx),
    )
