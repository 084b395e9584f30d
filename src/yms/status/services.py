"""Statuses: made by a grant, in the grant's own unit of work; read by their holder.

The applications feature grants; this feature keeps what the grant gives. A
status names its holder's account, the terms it was granted under, the days it
runs and the conditions of leave in the words of the scheme version applied.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yms.kernel.errors import NotFoundError
from yms.platform.context import ServiceContext
from yms.platform.unit_of_work import UnitOfWork
from yms.schemes.domain.scheme import Arrangement, Scheme
from yms.status.domain.leave import Permission, Validity, validity
from yms.status.tables import Status

STATUS_PREFIX = "ST-"


@dataclass(frozen=True, slots=True)
class Holder:
    """Who a status is for, as the application named them."""

    given_names: str
    family_name: str
    date_of_birth: date

    @property
    def full_name(self) -> str:
        """Given names, then the family name."""
        return f"{self.given_names} {self.family_name}".strip()


@dataclass(frozen=True, slots=True)
class StatusView:
    """A status as its holder, or a caseworker, sees it."""

    status_ref: str
    case_ref: str
    holder: Holder
    scheme_id: str
    scheme_version: str
    arrangement_id: str
    validity: Validity
    conditions: tuple[Permission, ...]
    granted_at: datetime
    revoked_at: datetime | None

    def in_force_on(self, day: date) -> bool:
        """Whether the status gives leave on `day`."""
        return self.revoked_at is None and self.validity.in_force_on(day)


def _new_ref(ctx: ServiceContext) -> str:
    digits = ctx.random_bytes(5).hex().upper()
    return f"{STATUS_PREFIX}{digits[:5]}-{digits[5:]}"


def birth_hash(ctx: ServiceContext, status_ref: str, born: date) -> bytes:
    """The keyed hash a verifier's date of birth is compared with, for this status alone."""
    message = f"birth|{status_ref}|{born.isoformat()}".encode()
    return hmac.new(ctx.identity_key, message, hashlib.sha256).digest()


def grant_status(
    uow: UnitOfWork,
    ctx: ServiceContext,
    *,
    holder_id: str,
    case_ref: str,
    holder: Holder,
    scheme: Scheme,
    arrangement: Arrangement,
    planned_start: date | None,
) -> StatusView:
    """Give the holder a status for the granted application, in the grant's unit of work.

    The leave runs from the planned start (or the day of the grant, if later) for
    the arrangement's months of leave (YMS 7.1); its conditions are the
    arrangement's (YMS 7.2, 7.3). The grant is audited by the caller; this adds
    ``status.created``.
    """
    granted_at = uow.now()
    lasts = validity(
        granted_on=granted_at.date(), planned_start=planned_start, months=arrangement.leave.months
    )
    conditions = tuple(Permission(c.id, c.text, str(c.rule)) for c in arrangement.conditions)
    ref = _new_ref(ctx)
    uow.session.add(
        Status(
            status_ref=ref,
            holder_id=holder_id,
            case_ref=case_ref,
            scheme_id=scheme.id,
            scheme_version=scheme.version,
            arrangement_id=arrangement.id,
            valid_from=lasts.valid_from,
            valid_until=lasts.valid_until,
            conditions=json.dumps([_condition_json(c) for c in conditions]),
            holder_sealed=ctx.sealer.seal(json.dumps(_holder_json(holder)).encode("utf-8")),
            birth_hash=birth_hash(ctx, ref, holder.date_of_birth),
            granted_at=granted_at,
        )
    )
    uow.audit(
        "status.created",
        ref,
        case=case_ref,
        arrangement=arrangement.id,
        valid_from=lasts.valid_from,
        valid_until=lasts.valid_until,
    )
    return StatusView(
        ref,
        case_ref,
        holder,
        scheme.id,
        scheme.version,
        arrangement.id,
        lasts,
        conditions,
        granted_at,
        None,
    )


def _condition_json(condition: Permission) -> dict[str, str]:
    return {"id": condition.id, "text": condition.text, "rule": condition.rule}


def _holder_json(holder: Holder) -> dict[str, str]:
    return {
        "given_names": holder.given_names,
        "family_name": holder.family_name,
        "date_of_birth": holder.date_of_birth.isoformat(),
    }


def _view(ctx: ServiceContext, status: Status) -> StatusView:
    holder = json.loads(ctx.sealer.open(status.holder_sealed))
    return StatusView(
        status_ref=status.status_ref,
        case_ref=status.case_ref,
        holder=Holder(
            holder["given_names"],
            holder["family_name"],
            date.fromisoformat(holder["date_of_birth"]),
        ),
        scheme_id=status.scheme_id,
        scheme_version=status.scheme_version,
        arrangement_id=status.arrangement_id,
        validity=Validity(status.valid_from, status.valid_until),
        conditions=tuple(Permission(**c) for c in json.loads(status.conditions)),
        granted_at=status.granted_at,
        revoked_at=status.revoked_at,
    )


def statuses_of(ctx: ServiceContext, holder_id: str) -> list[StatusView]:
    """Every status the account holds, newest first."""
    with ctx.database.reading() as session:
        found = session.scalars(
            select(Status).where(Status.holder_id == holder_id).order_by(Status.granted_at.desc())
        ).all()
        return [_view(ctx, status) for status in found]


def status_of_case(ctx: ServiceContext, case_ref: str) -> StatusView | None:
    """The status a granted application gave, if it was granted."""
    with ctx.database.reading() as session:
        found = session.scalar(select(Status).where(Status.case_ref == case_ref))
        return _view(ctx, found) if found else None


def held_status(ctx: ServiceContext, holder_id: str, status_ref: str) -> StatusView:
    """The holder's own status; another's is `NotFoundError`, as if it did not exist."""
    with ctx.database.reading() as session:
        found = _held(session, holder_id, status_ref)
        return _view(ctx, found)


def _held(session: Session, holder_id: str, status_ref: str) -> Status:
    found = session.scalar(
        select(Status).where(
            Status.status_ref == status_ref.strip().upper(), Status.holder_id == holder_id
        )
    )
    if found is None:
        raise NotFoundError(f"no status {status_ref!r}")
    return found


def active_counts(ctx: ServiceContext, on: date) -> dict[tuple[str, str], int]:
    """Statuses giving leave on `on`, per (scheme id, arrangement id); one grouped query.

    Active means granted, not revoked, and `on` within its days (both ends counted).
    """
    with ctx.database.reading() as session:
        rows = session.execute(
            select(Status.scheme_id, Status.arrangement_id, func.count())
            .where(Status.revoked_at.is_(None), Status.valid_from <= on, Status.valid_until >= on)
            .group_by(Status.scheme_id, Status.arrangement_id)
        )
        return {(scheme, arrangement): count for scheme, arrangement, count in rows}
