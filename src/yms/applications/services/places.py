"""Places: a grant takes one, never more than the allocation holds; the emergency brake.

Counting is a conditional ``UPDATE … WHERE granted < places`` and its row count,
which serialises concurrent grants on SQLite (one writer at a time) and on
PostgreSQL (the row lock) alike: of twenty grants for the last place, one finds
a row to update and nineteen find none. The brake counts the same way, per period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select, true, update

from yms.accounts.domain import Role
from yms.applications.domain.places import Places, brake_period, places_for
from yms.applications.services.cases import require_role
from yms.applications.tables import BrakeCount, PlaceCount
from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.context import ServiceContext
from yms.platform.db import insert_if_absent
from yms.platform.unit_of_work import UnitOfWork
from yms.schemes.domain.scheme import Scheme


class NoPlaceError(RefusedError):
    """Every place of the allocation is granted."""


class BrakeEngagedError(RefusedError):
    """The emergency brake has paused grants until an operator releases it."""


@dataclass(frozen=True, slots=True)
class PlacesLeft:
    """How an allocation stands for a grant made today: places left, and the brake."""

    allocation_id: str
    year: int
    places: int | None  # None: uncapped
    granted: int
    brake_threshold: int | None
    brake_period: str | None
    granted_in_period: int
    brake_released: bool
    rule: str | None = None  # where the number comes from, when not the allocation's own

    @property
    def left(self) -> int | None:
        """Places still to grant, or `None` if uncapped."""
        return None if self.places is None else max(self.places - self.granted, 0)

    @property
    def brake_engaged(self) -> bool:
        """Whether the brake pauses grants now."""
        return (
            self.brake_threshold is not None
            and not self.brake_released
            and self.granted_in_period >= self.brake_threshold
        )

    @property
    def can_grant(self) -> bool:
        """Whether a grant would find a place and no brake in the way."""
        return (self.left is None or self.left > 0) and not self.brake_engaged


def places_left(
    ctx: ServiceContext, scheme: Scheme, arrangement_id: str, on: date
) -> PlacesLeft | None:
    """How the places a grant on `on` would take stand; `None` if the arrangement is uncapped."""
    places = places_for(scheme, arrangement_id, on.year)
    if places is None:
        return None
    with ctx.database.reading() as session:
        granted = session.scalar(select(PlaceCount.granted).where(*_place_key(scheme.id, places)))
        brake = None
        period = None
        if places.brake is not None:
            period = brake_period(on, places.brake.period)
            brake = session.get(BrakeCount, (scheme.id, places.allocation_id, period))
    return PlacesLeft(
        allocation_id=places.allocation_id,
        year=places.year,
        places=places.places,
        granted=granted or 0,
        brake_threshold=places.brake.threshold if places.brake else None,
        brake_period=period,
        granted_in_period=brake.granted if brake else 0,
        brake_released=bool(brake and brake.released_at is not None),
        rule=places.rule,
    )


def _place_key(scheme_id: str, places: Places) -> tuple[ColumnElement[bool], ...]:
    return (
        PlaceCount.scheme_id == scheme_id,
        PlaceCount.allocation_id == places.allocation_id,
        PlaceCount.year == places.year,
    )


def take_place(uow: UnitOfWork, scheme: Scheme, arrangement_id: str, on: date) -> Places | None:
    """Count a grant on `on` against its allocation, in the grant's unit of work.

    Returns the places counted against (`None` if uncapped). Raises `NoPlaceError`
    when every place is granted and `BrakeEngagedError` when the brake holds;
    either way the unit rolls back and nothing is counted.
    """
    places = places_for(scheme, arrangement_id, on.year)
    if places is None:
        return None
    insert_if_absent(
        uow.session,
        PlaceCount,
        scheme_id=scheme.id,
        allocation_id=places.allocation_id,
        year=places.year,
        places=places.places,
        granted=0,
    )
    # The figure of the version granting now governs (a later version may set another),
    # and is kept on the row for those who read it.
    room = true() if places.places is None else PlaceCount.granted < places.places
    taken = uow.session.execute(
        update(PlaceCount)
        .where(*_place_key(scheme.id, places), room)
        .values(granted=PlaceCount.granted + 1, places=places.places)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
        raise NoPlaceError(
            f"Every place of {places.allocation_id} for {places.year} has been granted, "
            "so no more applications can be granted this year."
        )
    if places.brake is not None:
        _count_against_brake(uow, scheme, places, brake_period(on, places.brake.period))
    return places


def _count_against_brake(uow: UnitOfWork, scheme: Scheme, places: Places, period: str) -> None:
    assert places.brake is not None  # noqa: S101 - the caller checked
    key = (scheme.id, places.allocation_id, period)
    insert_if_absent(
        uow.session,
        BrakeCount,
        scheme_id=scheme.id,
        allocation_id=places.allocation_id,
        period=period,
        threshold=places.brake.threshold,
        granted=0,
    )
    counted = uow.session.execute(
        update(BrakeCount)
        .where(
            BrakeCount.scheme_id == key[0],
            BrakeCount.allocation_id == key[1],
            BrakeCount.period == key[2],
            or_(
                BrakeCount.released_at.is_not(None),
                BrakeCount.granted < places.brake.threshold,
            ),
        )
        .values(granted=BrakeCount.granted + 1, threshold=places.brake.threshold)
        .returning(BrakeCount.granted, BrakeCount.threshold, BrakeCount.released_at)
    ).one_or_none()
    if counted is None:
        raise BrakeEngagedError(
            f"The emergency brake on {places.allocation_id} holds for {period}: "
            f"{places.brake.threshold:,} grants were made. Grants resume when an operator "
            "releases the brake."
        )
    granted, threshold, released_at = counted
    if released_at is None and granted == threshold:  # this grant reached it: the brake engages
        uow.session.execute(
            update(BrakeCount)
            .where(
                BrakeCount.scheme_id == key[0],
                BrakeCount.allocation_id == key[1],
                BrakeCount.period == key[2],
            )
            .values(engaged_at=uow.now())
        )
        uow.audit(
            "allocation.brake.engaged",
            f"{scheme.id}/{places.allocation_id}",
            period=period,
            threshold=threshold,
        )


def release_brake(
    ctx: ServiceContext, scheme_id: str, allocation_id: str, period: str, *, operator_id: str
) -> None:
    """Let grants resume for the rest of `period` (an operator's audited act).

    Raises `NotFoundError` for a brake that has not engaged, or for anyone but an
    operator; releasing again changes nothing.
    """
    require_role(ctx, operator_id, {Role.OPERATOR}, hidden="no such brake")
    with ctx.unit(actor=operator_id) as uow:
        brake = uow.session.get(
            BrakeCount, (scheme_id, allocation_id, period), with_for_update=True
        )
        if brake is None or brake.engaged_at is None:
            raise NotFoundError(f"the brake on {allocation_id} has not engaged in {period}")
        if brake.released_at is not None:
            return
        brake.released_at = uow.now()
        brake.released_by = operator_id
        uow.audit(
            "allocation.brake.released",
            f"{scheme_id}/{allocation_id}",
            period=period,
            granted=brake.granted,
        )


@dataclass(frozen=True, slots=True)
class EngagedBrake:
    """An emergency brake that holds: grants to its allocation pause for the period."""

    scheme_id: str
    allocation_id: str
    period: str
    threshold: int
    granted: int
    engaged_at: datetime


def engaged_brakes(ctx: ServiceContext, operator_id: str) -> list[EngagedBrake]:
    """Every brake engaged and not released, the longest held first (for an operator).

    Raises `NotFoundError` for anyone but an operator, as `release_brake` does.
    """
    require_role(ctx, operator_id, {Role.OPERATOR}, hidden="no such brake")
    with ctx.database.reading() as session:
        found = session.scalars(
            select(BrakeCount)
            .where(BrakeCount.engaged_at.is_not(None), BrakeCount.released_at.is_(None))
            .order_by(BrakeCount.engaged_at, BrakeCount.scheme_id, BrakeCount.allocation_id)
        ).all()
        return [
            EngagedBrake(
                brake.scheme_id,
                brake.allocation_id,
                brake.period,
                brake.threshold,
                brake.granted,
                brake.engaged_at,
            )
            for brake in found
            if brake.engaged_at is not None
        ]
