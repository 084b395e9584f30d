"""The chances of an invitation, from counts the database adds up (never every entry).

For a window: its entries so far and places; once drawn, how far invitations have
reached and how they stand; and how other ballots' invitations ended, for the
acceptance rate (`yms.ballot.domain.chances` holds the formulas). For an entrant:
their place in the drawn order, which the draw stores on each entry
(`draw_position`, 0-based).

The acceptance rate comes from the scheme's other windows (never the window's own,
so its figures do not move as its own invitations are answered): those of the same
allocation series (the allocation without its year, so "hong-kong-2025" learns from
"hong-kong-2024" and from its other rounds), or, when they have no answered
invitation, every other window of the scheme.
An issued invitation past its expiry counts as expired, though the job that marks
it may not have run yet; one still running is left out.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from yms.ballot.domain.chances import (
    AcceptanceHistory,
    Chance,
    Progress,
    Prospect,
    allocation_series,
    first_round,
    prospect,
    with_later_rounds,
)
from yms.ballot.domain.states import InvitationState, WindowState
from yms.ballot.services.status import state_of
from yms.ballot.services.windows import load_window
from yms.ballot.tables import BallotEntry, BallotInvitation, BallotWindow
from yms.platform.context import ServiceContext


class HistoryBasis(StrEnum):
    """Which other ballots the acceptance rate comes from."""

    ALLOCATION = "allocation"  # other windows of the same allocation series
    SCHEME = "scheme"  # other windows of any allocation of the scheme
    NONE = "none"  # no other window has an answered invitation


@dataclass(frozen=True, slots=True)
class WindowChances:
    """A window's odds (while open) and progress (once drawn), as anyone may see them."""

    window_id: str
    state: WindowState
    places: int
    entries: int
    history: AcceptanceHistory
    basis: HistoryBasis
    first_round: Chance
    with_later_rounds: Chance | None  # None without history
    # Once drawn: how far invitations have gone, in how many rounds, and when the
    # last unanswered one runs out (None when none is unanswered).
    progress: Progress | None = None
    rounds: int = 0
    answers_due_by: datetime | None = None

    @property
    def acceptance_rate(self) -> Fraction | None:
        """The share of other ballots' invitations accepted; `None` without history."""
        return self.history.rate

    @property
    def expected_reach(self) -> int | None:
        """The position invitations are expected to reach in the end (rounded to nearest)."""
        if self.progress is None:
            return None
        reach = self.progress.expected_reach(self.history.rate)
        return None if reach is None else round(reach)


@dataclass(frozen=True, slots=True)
class EntrantChances:
    """One entrant's entry in a window: where the draw put it and what that means."""

    entry_ref: str
    position: int | None  # 1-based; None before the draw
    invitation_state: InvitationState | None
    prospect: Prospect | None  # None before the draw


@dataclass(frozen=True, slots=True)
class BallotChances:
    """A window's chances, and the asking entrant's own if they entered it."""

    window: WindowChances
    mine: EntrantChances | None


def _states_by_window(
    session: Session, window_ids: list[str], now: datetime
) -> dict[str, dict[InvitationState, int]]:
    """Invitations of each window counted by state (past expiry counting as expired)."""
    if not window_ids:
        return {}
    state = case(
        (
            and_(
                BallotInvitation.state == InvitationState.ISSUED.value,
                BallotInvitation.expires_at <= now,
            ),
            InvitationState.EXPIRED.value,
        ),
        else_=BallotInvitation.state,
    ).label("state")
    # Grouped outside, so the CASE (and its bound time) is written once for PostgreSQL.
    each = (
        select(BallotInvitation.window_id.label("window_id"), state)
        .where(BallotInvitation.window_id.in_(window_ids))
        .subquery()
    )
    rows = session.execute(
        select(each.c.window_id, each.c.state, func.count()).group_by(
            each.c.window_id, each.c.state
        )
    ).all()
    counted: dict[str, dict[InvitationState, int]] = {}
    for window_id, named, count in rows:
        counted.setdefault(window_id, dict.fromkeys(InvitationState, 0))[InvitationState(named)] = (
            count
        )
    return counted


def _history(
    by_window: dict[str, dict[InvitationState, int]], window_ids: list[str]
) -> AcceptanceHistory:
    accepted = declined = expired = windows = 0
    for window_id in window_ids:
        counts = by_window.get(window_id)
        if counts is None:
            continue
        answered = (
            counts[InvitationState.ACCEPTED]
            + counts[InvitationState.DECLINED]
            + counts[InvitationState.EXPIRED]
        )
        if answered == 0:
            continue
        accepted += counts[InvitationState.ACCEPTED]
        declined += counts[InvitationState.DECLINED]
        expired += counts[InvitationState.EXPIRED]
        windows += 1
    return AcceptanceHistory(accepted, declined, expired, windows)


def acceptance_history(
    session: Session, window: BallotWindow, now: datetime
) -> tuple[AcceptanceHistory, HistoryBasis]:
    """How other windows' invitations ended: the same series' if any, else the scheme's."""
    # A scheme has a few windows a year: listing them is cheap; their invitations are counted.
    others = session.execute(
        select(BallotWindow.id, BallotWindow.allocation_id, BallotWindow.year).where(
            BallotWindow.scheme_id == window.scheme_id, BallotWindow.id != window.id
        )
    ).all()
    series = allocation_series(window.allocation_id, window.year)
    same_series = [
        window_id
        for window_id, allocation_id, year in others
        if allocation_series(allocation_id, year) == series
    ]
    everything = [window_id for window_id, _allocation, _year in others]
    by_window = _states_by_window(session, everything, now)
    history = _history(by_window, same_series)
    if history.answered:
        return history, HistoryBasis.ALLOCATION
    history = _history(by_window, everything)
    if history.answered:
        return history, HistoryBasis.SCHEME
    return history, HistoryBasis.NONE


# A large open window's count, kept for a few seconds per process: during a rush
# every entrant's confirmation page shows it, and counting a million entries for
# each would cost more than the entries themselves. The odds move slowly; a count
# some seconds old says the same. Small windows are counted each time (cheaply).
_COUNT_KEPT_SECONDS = 15.0
_KEEP_FROM = 10_000
_counted: dict[tuple[int, str], tuple[float, int]] = {}
_counted_lock = threading.Lock()


def _entries(session: Session, window: BallotWindow) -> int:
    """Entries so far: counted while open (a large count kept a few seconds), else frozen."""
    if window.entry_count is not None:
        return window.entry_count
    key, now = (id(session.get_bind()), window.id), time.monotonic()
    with _counted_lock:
        kept = _counted.get(key)
    if kept is not None and now - kept[0] < _COUNT_KEPT_SECONDS:
        return kept[1]
    counted = (
        session.scalar(
            select(func.count()).select_from(BallotEntry).where(BallotEntry.window_id == window.id)
        )
        or 0
    )
    if counted >= _KEEP_FROM:
        with _counted_lock:
            _counted[key] = (now, counted)
    return counted


def _progress(
    session: Session, window: BallotWindow, entries: int, now: datetime
) -> tuple[Progress, int, datetime | None]:
    """How far a drawn window's invitations have gone, its rounds, and the last answer due."""
    counts = _states_by_window(session, [window.id], now).get(
        window.id, dict.fromkeys(InvitationState, 0)
    )
    furthest, rounds = session.execute(
        select(func.max(BallotEntry.draw_position), func.max(BallotInvitation.invitation_round))
        .select_from(BallotInvitation)
        .join(BallotEntry, BallotEntry.id == BallotInvitation.entry_id)
        .where(BallotInvitation.window_id == window.id)
    ).one()
    due = session.scalar(
        select(func.max(BallotInvitation.expires_at)).where(
            BallotInvitation.window_id == window.id,
            BallotInvitation.state == InvitationState.ISSUED.value,
            BallotInvitation.expires_at > now,
        )
    )
    progress = Progress(
        places=window.places,
        entries=entries,
        reached=0 if furthest is None else furthest + 1,
        accepted=counts[InvitationState.ACCEPTED],
        unanswered=counts[InvitationState.ISSUED],
    )
    return progress, rounds or 0, due


def window_chances(
    session: Session, window: BallotWindow, now: datetime, *, entries: int | None = None
) -> WindowChances:
    """A window's chances, read in the session's transaction.

    `entries`, if the caller has just counted them, saves counting a large window twice.
    """
    entries = _entries(session, window) if entries is None else entries
    history, basis = acceptance_history(session, window, now)
    rate = history.rate
    progress, rounds, due = None, 0, None
    if window.drawn_at is not None:
        progress, rounds, due = _progress(session, window, entries, now)
    return WindowChances(
        window_id=window.id,
        state=state_of(window, now),
        places=window.places,
        entries=entries,
        history=history,
        basis=basis,
        first_round=first_round(window.places, entries),
        with_later_rounds=None if rate is None else with_later_rounds(window.places, entries, rate),
        progress=progress,
        rounds=rounds,
        answers_due_by=due,
    )


def entrant_chances(
    session: Session, chances: WindowChances, account_id: str
) -> EntrantChances | None:
    """The account's entry in the window, where the draw put it; `None` if it did not enter."""
    row = session.execute(
        select(BallotEntry.ref, BallotEntry.draw_position, BallotInvitation.state)
        .outerjoin(BallotInvitation, BallotInvitation.entry_id == BallotEntry.id)
        .where(BallotEntry.window_id == chances.window_id, BallotEntry.account_id == account_id)
    ).first()
    if row is None:
        return None
    ref, drawn_at, invitation = row
    position = None if drawn_at is None else drawn_at + 1
    where = None
    if position is not None and chances.progress is not None:
        where = (
            Prospect.INVITED
            if invitation is not None
            else prospect(position, chances.progress, chances.acceptance_rate)
        )
    return EntrantChances(
        entry_ref=ref,
        position=position,
        invitation_state=None if invitation is None else InvitationState(invitation),
        prospect=where,
    )


def ballot_chances(
    ctx: ServiceContext,
    window_id: str,
    *,
    account_id: str | None = None,
    entries: int | None = None,
) -> BallotChances:
    """A window's chances, and `account_id`'s own entry in it; raises `NotFoundError`.

    `entries`: the window's entries as the caller's status just counted them (an open
    window of millions is then counted once a page, not twice).
    """
    with ctx.database.reading() as session:
        window = load_window(session, window_id)
        chances = window_chances(session, window, ctx.clock.now(), entries=entries)
        mine = None if account_id is None else entrant_chances(session, chances, account_id)
    return BallotChances(chances, mine)
