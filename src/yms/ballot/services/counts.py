"""The ballot's figures for statistics: per allocation and year, counted in SQL.

Entries may number millions, so nothing here loads them: a closed window keeps its
frozen `entry_count`, and only windows still taking entries are counted, one
``GROUP BY`` over the window's index.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from yms.ballot.domain.counts import BallotCounts
from yms.ballot.domain.states import InvitationState
from yms.ballot.tables import BallotEntry, BallotInvitation, BallotWindow
from yms.platform.context import ServiceContext


def ballot_counts(ctx: ServiceContext) -> list[BallotCounts]:
    """Every allocation-year that has had a ballot window, with its figures; three queries."""
    with ctx.database.reading() as session:
        windows = session.execute(
            select(
                BallotWindow.id,
                BallotWindow.scheme_id,
                BallotWindow.allocation_id,
                BallotWindow.year,
                BallotWindow.places,
                BallotWindow.entry_count,
            )
        ).all()
        still_open = [row.id for row in windows if row.entry_count is None]
        counted: dict[str, int] = {}
        if still_open:
            counted = dict(
                session.execute(
                    select(BallotEntry.window_id, func.count())
                    .where(BallotEntry.window_id.in_(still_open))
                    .group_by(BallotEntry.window_id)
                ).all()
            )
        invitations = session.execute(
            select(BallotInvitation.window_id, BallotInvitation.state, func.count()).group_by(
                BallotInvitation.window_id, BallotInvitation.state
            )
        ).all()
    by_window: dict[str, dict[str, int]] = defaultdict(dict)
    for window_id, state, count in invitations:
        by_window[window_id][state] = count
    totals: dict[tuple[str, str, int], list[int]] = {}
    for row in windows:
        key = (row.scheme_id, row.allocation_id, row.year)
        states = by_window.get(row.id, {})
        entries = row.entry_count if row.entry_count is not None else counted.get(row.id, 0)
        figures = [
            1,
            row.places,
            entries,
            sum(states.values()),
            states.get(InvitationState.ACCEPTED, 0),
            states.get(InvitationState.DECLINED, 0),
            states.get(InvitationState.EXPIRED, 0),
        ]
        total = totals.setdefault(key, [0] * len(figures))
        for index, value in enumerate(figures):
            total[index] += value
    return [BallotCounts(*key, *figures) for key, figures in sorted(totals.items())]
