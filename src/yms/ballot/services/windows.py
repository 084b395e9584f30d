"""The operator's ballot: open a window, close it, run the draw, publish the record.

DESIGN.md, "The draw": the seed commitment is published when the window is
opened; closing freezes the entries and records the beacon; the draw reveals
the operator seed and fixes the whole order of the waiting list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from yms.ballot.domain import draw
from yms.ballot.domain.record import DrawRecord, RecordHeader
from yms.ballot.domain.states import WINDOW, WindowState
from yms.ballot.services.status import WindowStatus, state_of, window_status
from yms.ballot.tables import BallotEntry, BallotWindow
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.kernel.validation import FieldProblem
from yms.platform.context import ServiceContext
from yms.schemes.catalogue import UnknownSchemeError
from yms.schemes.domain.scheme import Allocation, Scheme

WINDOW_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,98}[a-z0-9]\Z")
_BEACON = re.compile(r"^(?:[0-9a-f]{2}){1,128}\Z")
OPERATOR_SEED_BYTES = 32
# Below this many entries the plain reference draw is quicker than compiling the bulk one.
_BULK_DRAW_FROM = 50_000


@dataclass(frozen=True, slots=True)
class WindowPlan:
    """What an operator decides when opening a window.

    `places` and `invitation_expiry_days` default to the allocation's.
    """

    window_id: str
    scheme_id: str
    allocation_id: str
    ballot_round: int
    opens_at: datetime
    closes_at: datetime
    places: int | None = None
    invitation_expiry_days: int | None = None


def _invalid(path: str, message: str) -> InvalidInputError:
    return InvalidInputError([FieldProblem(path, message)])


def _ballot_allocation(ctx: ServiceContext, plan: WindowPlan) -> tuple[Scheme, Allocation]:
    try:
        scheme = ctx.catalogue.in_force(plan.scheme_id, plan.opens_at.date())
    except UnknownSchemeError as error:
        raise _invalid("scheme", str(error)) from error
    allocation = scheme.allocation(plan.allocation_id)
    if allocation is None:
        known = ", ".join(a.id for a in scheme.allocations if a.ballot) or "none"
        raise _invalid(
            "allocation",
            f"{scheme.key} has no allocation {plan.allocation_id!r} (ballots: {known})",
        )
    if not allocation.ballot:
        raise _invalid("allocation", f"allocation {allocation.id!r} is not allocated by ballot")
    return scheme, allocation


def _check_plan(plan: WindowPlan) -> None:
    if not WINDOW_ID.match(plan.window_id):
        raise _invalid("window", "a window id is 2-100 lower-case letters, digits and dashes")
    if plan.ballot_round < 1:
        raise _invalid("round", "the round is a whole number of at least 1")
    if plan.opens_at.tzinfo is None or plan.closes_at.tzinfo is None:
        raise _invalid("opens_at", "give opening and closing times with a time zone")
    if plan.closes_at <= plan.opens_at:
        raise _invalid("closes_at", "the window must close after it opens")
    if plan.places is not None and plan.places < 1:
        raise _invalid("places", "places must be at least 1")
    if plan.invitation_expiry_days is not None and plan.invitation_expiry_days < 1:
        raise _invalid("invitation_expiry_days", "invitations must last at least 1 day")


def open_window(ctx: ServiceContext, plan: WindowPlan, *, actor: str) -> WindowStatus:
    """Create a ballot window and its operator seed; the status carries the seed commitment."""
    _check_plan(plan)
    scheme, allocation = _ballot_allocation(ctx, plan)
    operator_seed = ctx.random_bytes(OPERATOR_SEED_BYTES)
    allocation_places = allocation.places if isinstance(allocation.places, int) else None
    places = plan.places or allocation_places
    expiry = plan.invitation_expiry_days or allocation.invitation_expiry_days
    if places is None or expiry is None:  # pragma: no cover - a ballot allocation has both
        raise _invalid("allocation", "the allocation has no places or invitation expiry")
    with ctx.unit(actor=actor) as uow:
        session = uow.session
        if session.get(BallotWindow, plan.window_id) is not None:
            raise RefusedError(f"there is already a ballot window {plan.window_id!r}")
        same_round = select(BallotWindow.id).where(
            BallotWindow.scheme_id == scheme.id,
            BallotWindow.allocation_id == allocation.id,
            BallotWindow.ballot_round == plan.ballot_round,
        )
        existing = session.scalar(same_round)
        if existing is not None:
            raise RefusedError(
                f"round {plan.ballot_round} of {allocation.id} already has window {existing!r}"
            )
        window = BallotWindow(
            id=plan.window_id,
            scheme_id=scheme.id,
            scheme_version=scheme.version,
            allocation_id=allocation.id,
            year=allocation.year,
            ballot_round=plan.ballot_round,
            opens_at=plan.opens_at,
            closes_at=plan.closes_at,
            places=places,
            invitation_expiry_days=expiry,
            seed_commitment=draw.seed_commitment(operator_seed),
            sealed_operator_seed=ctx.sealer.seal(operator_seed),
            created_at=ctx.clock.now(),
        )
        session.add(window)
        session.flush()
        uow.audit(
            "ballot.window.opened",
            window.id,
            scheme=scheme.id,
            scheme_version=scheme.version,
            allocation=allocation.id,
            round=plan.ballot_round,
            places=places,
            opens_at=plan.opens_at,
            closes_at=plan.closes_at,
            seed_commitment=window.seed_commitment,
        )
        return window_status(session, window, uow.now())


def load_window(session: Session, window_id: str, *, lock: bool = False) -> BallotWindow:
    """The window with this id (locked for update if asked); raises `NotFoundError`."""
    query = select(BallotWindow).where(BallotWindow.id == window_id)
    if lock:
        query = query.with_for_update()
    window = session.scalar(query)
    if window is None:
        raise NotFoundError(f"no ballot window {window_id!r}")
    return window


def sorted_entry_refs(session: Session, window_id: str) -> list[str]:
    """Every entry's reference, sorted by code point, as the digest needs.

    Sorted here, not by the database, whose collation may order text otherwise.
    """
    refs = session.scalars(select(BallotEntry.ref).where(BallotEntry.window_id == window_id))
    return sorted(refs)


def close_window(ctx: ServiceContext, window_id: str, beacon: str, *, actor: str) -> WindowStatus:
    """Freeze the entries of a window whose time is up, and record the beacon value."""
    beacon = beacon.strip().lower()
    if not _BEACON.match(beacon):
        raise _invalid("beacon", "the beacon is an even number (2 to 256) of hex digits")
    with ctx.unit(actor=actor) as uow:
        session = uow.session
        window = load_window(session, window_id, lock=True)
        now = uow.now()
        state = state_of(window, now)
        if window.closed_at is not None:
            raise RefusedError(
                f"window {window_id!r} was closed at {window.closed_at:%Y-%m-%d %H:%M}Z"
            )
        if now < window.closes_at:
            raise RefusedError(
                f"window {window_id!r} is open until {window.closes_at:%Y-%m-%d %H:%M}Z"
            )
        WINDOW.move(state, WindowState.CLOSED)
        refs = sorted_entry_refs(session, window_id)
        window.closed_at = now
        window.beacon = beacon
        window.entry_count = len(refs)
        window.entries_digest = draw.entries_digest(refs).hex()
        uow.audit(
            "ballot.window.closed",
            window.id,
            beacon=beacon,
            entries=len(refs),
            entries_digest=window.entries_digest,
        )
        return window_status(session, window, now)


def _ranked(refs: list[str], operator_seed: bytes, beacon: bytes) -> tuple[bytes, bytes, list[str]]:
    """Digest, seed and order: the reference draw for small windows, the bulk one for large."""
    if len(refs) < _BULK_DRAW_FROM:
        result = draw.run_draw(refs, operator_seed=operator_seed, beacon=beacon)
        return result.entries_digest, result.draw_seed, list(result.order)
    from yms.ballot.fast import draw as bulk_draw  # noqa: PLC0415 - loads numba only when needed
    from yms.ballot.fast import refs as refcol  # noqa: PLC0415

    bulk = bulk_draw.run_draw(refcol.from_strings(refs), operator_seed=operator_seed, beacon=beacon)
    return bulk.entries_digest, bulk.draw_seed, refcol.to_strings(bulk.ordered_refs())


def run_draw(ctx: ServiceContext, window_id: str, *, actor: str) -> WindowStatus:
    """Draw a closed window: reveal the operator seed and give every entry its position."""
    with ctx.unit(actor=actor) as uow:
        session = uow.session
        window = load_window(session, window_id, lock=True)
        if window.closed_at is None or window.beacon is None:
            raise RefusedError(f"window {window_id!r} must be closed before the draw")
        if window.drawn_at is not None:
            raise RefusedError(
                f"window {window_id!r} was drawn at {window.drawn_at:%Y-%m-%d %H:%M}Z"
            )
        rows = session.execute(
            select(BallotEntry.id, BallotEntry.ref).where(BallotEntry.window_id == window_id)
        ).all()
        ids = {ref: entry_id for entry_id, ref in rows}
        refs = sorted(ids)
        operator_seed = ctx.sealer.open(window.sealed_operator_seed)
        digest, seed, order = _ranked(refs, operator_seed, bytes.fromhex(window.beacon))
        if digest.hex() != window.entries_digest:
            raise RefusedError(f"the entries of window {window_id!r} changed after it was closed")
        session.execute(
            update(BallotEntry),
            [{"id": ids[ref], "draw_position": position} for position, ref in enumerate(order)],
        )
        WINDOW.move(state_of(window, uow.now()), WindowState.DRAWN)
        window.operator_seed = operator_seed.hex()
        window.draw_seed = seed.hex()
        window.drawn_at = uow.now()
        uow.audit(
            "ballot.window.drawn",
            window.id,
            operator_seed=window.operator_seed,
            draw_seed=window.draw_seed,
            entries=len(order),
        )
        return window_status(session, window, window.drawn_at)


def draw_record(ctx: ServiceContext, window_id: str) -> DrawRecord:
    """The published record of a drawn window: every field `yms ballot verify` checks."""
    with ctx.database.reading() as session:
        window = load_window(session, window_id)
        if window.drawn_at is None or window.operator_seed is None:
            raise RefusedError(f"window {window_id!r} has not been drawn yet")
        entries = session.execute(
            select(BallotEntry.ref, BallotEntry.draw_position).where(
                BallotEntry.window_id == window_id
            )
        ).all()
        header = RecordHeader(
            window=window.id,
            places=window.places,
            seed_commitment=window.seed_commitment,
            operator_seed=bytes.fromhex(window.operator_seed),
            beacon=bytes.fromhex(window.beacon or ""),
            entries_digest=window.entries_digest or "",
            draw_seed=window.draw_seed or "",
        )
    ranked = sorted((position or 0, ref) for ref, position in entries)
    return DrawRecord(header, sorted(ref for ref, _ in entries), [ref for _, ref in ranked])


def publish_record(
    ctx: ServiceContext, window_id: str, write: Callable[[DrawRecord], None], *, actor: str
) -> DrawRecord:
    """Give the draw record to `write`; once written, the audit log records it as published."""
    record = draw_record(ctx, window_id)
    write(record)
    with ctx.unit(actor=actor) as uow:
        uow.audit(
            "ballot.window.published",
            window_id,
            places=record.header.places,
            entries=len(record.entry_refs),
            entries_digest=record.header.entries_digest,
            draw_seed=record.header.draw_seed,
        )
    return record


def status(ctx: ServiceContext, window_id: str) -> WindowStatus:
    """A window's status now; raises `NotFoundError`."""
    with ctx.database.reading() as session:
        return window_status(session, load_window(session, window_id), ctx.clock.now())


@dataclass(frozen=True, slots=True)
class BallotAllocation:
    """An allocation given by ballot, which an operator may open a window for."""

    scheme_id: str
    scheme_title: str
    allocation_id: str
    title: str
    year: int
    places: int


def ballot_allocations(ctx: ServiceContext) -> list[BallotAllocation]:
    """Every allocation given by ballot in each scheme's newest version, schemes in force first."""
    newest = (ctx.catalogue.latest(scheme_id) for scheme_id in ctx.catalogue.ids_in_force_first())
    return [
        BallotAllocation(
            scheme.id,
            scheme.title,
            allocation.id,
            allocation.title,
            allocation.year,
            allocation.places,
        )
        for scheme in newest
        for allocation in scheme.allocations
        if allocation.ballot and isinstance(allocation.places, int)
    ]


def list_windows(ctx: ServiceContext) -> list[WindowStatus]:
    """Every window, the latest to open first."""
    with ctx.database.reading() as session:
        windows = session.scalars(select(BallotWindow).order_by(BallotWindow.opens_at.desc()))
        now = ctx.clock.now()
        return [window_status(session, window, now) for window in windows]
