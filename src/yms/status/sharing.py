"""Share codes and status checks: the holder makes codes, a verifier checks one.

A code is kept only as a keyed hash. A verifier gives the code and the holder's
date of birth; the answer says what the holder may do and until when, with a
check reference, and comes with a signed record (`yms.status.signing`). An
unknown code, a wrong date of birth, and an expired or revoked code all get the
one "no match" answer, after the same work: the date of birth is always hashed
and compared, against a dummy when the code is unknown, so the time taken does
not tell them apart either.

Every check is kept (no date of birth; the client's address only as a keyed
hash), shown to the holder, and audited as ``status.checked`` in the same unit
of work. Misses are rate-limited per client and per code, counted from the
checks table so every process sees them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.clock import today
from yms.platform.context import ServiceContext
from yms.status.domain.leave import Permission
from yms.status.domain.share_codes import (
    Purpose,
    ShareCode,
    make_share_code,
)
from yms.status.services import _held
from yms.status.signing import RECORD_TYPE, VC_CONTEXT, read_record
from yms.status.tables import ShareCode as ShareCodeRow
from yms.status.tables import Status, StatusCheck

CHECK_PREFIX = "CHK-"
MATCHED, NO_MATCH = "matched", "no_match"
VERIFIER_ACTOR = "verifier"
# Misses allowed before checks are refused for a while: from one client address, and on
# one code (so a code's date of birth cannot be guessed from many addresses either).
CLIENT_MISSES, CLIENT_WINDOW = 10, timedelta(minutes=10)
CODE_MISSES, CODE_WINDOW = 5, timedelta(hours=1)
MAX_VERIFIER_NAME = 200
# Compared with when the code is unknown, so a miss costs what a wrong date of birth does.
_DUMMY_REF = "ST-00000-00000"
_DUMMY_HASH = bytes(32)


class TooManyChecksError(RefusedError):
    """Too many misses lately from this client or on this code; try after `retry_after` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many checks that did not match; try again later")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """A share code just made: the only time it is seen whole."""

    id: int
    code: ShareCode
    status_ref: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class CheckSeen:
    """A check made with one of the holder's codes, as the holder sees it."""

    check_ref: str
    checked_at: datetime
    purpose: Purpose
    verifier_name: str | None
    matched: bool


@dataclass(frozen=True, slots=True)
class CodeView:
    """One of the holder's codes (only its last characters: the rest is never kept)."""

    id: int
    status_ref: str
    purpose: Purpose
    hint: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    checks: tuple[CheckSeen, ...]

    def usable_at(self, now: datetime) -> bool:
        """Whether a verifier can use the code at `now`."""
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class CheckAnswer:
    """What a verifier is told. `matched` is false for every kind of miss, alike.

    A match says whose status it is, whether it is in force on the day of the
    check, what the holder may do, from and until when, and carries the signed record.
    """

    check_ref: str
    checked_at: datetime
    purpose: Purpose
    matched: bool
    holder_name: str | None = None
    in_force: bool = False
    valid_from: date | None = None
    valid_until: date | None = None
    conditions: tuple[Permission, ...] = ()
    record: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The API's answer."""
        body: dict[str, Any] = {
            "check_reference": self.check_ref,
            "checked_at": self.checked_at.isoformat(),
            "purpose": self.purpose.value,
            "match": self.matched,
        }
        if self.matched:
            body |= {
                "holder_name": self.holder_name,
                "valid": self.in_force,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_until": self.valid_until.isoformat() if self.valid_until else None,
                "conditions": [
                    {"id": c.id, "text": c.text, "rule": c.rule} for c in self.conditions
                ],
                "record": self.record,
            }
        return body


def code_hash(ctx: ServiceContext, code: ShareCode) -> bytes:
    """The keyed hash a code is kept and looked up by."""
    return hmac.new(
        ctx.identity_key, f"share-code|{code.compact}".encode(), hashlib.sha256
    ).digest()


def client_hash(ctx: ServiceContext, client: str) -> bytes:
    """The keyed hash a client's address is counted by (the address itself is not kept)."""
    return hmac.new(ctx.identity_key, f"client|{client}".encode(), hashlib.sha256).digest()


def issue_share_code(
    ctx: ServiceContext, holder_id: str, status_ref: str, purpose: Purpose
) -> IssuedCode:
    """Make a code for the holder's status, valid for the context's share-code days.

    Another's status is `NotFoundError`; a status not (or no longer) in force is
    `RefusedError`: there is nothing to prove with it.
    """
    with ctx.unit(actor=holder_id) as uow:
        status = _held(uow.session, holder_id, status_ref)
        if status.revoked_at is not None or today(ctx.clock) > status.valid_until:
            raise RefusedError("this status is no longer in force")
        code = make_share_code(purpose, ctx.random_bytes)
        hashed = code_hash(ctx, code)
        while uow.session.scalar(select(ShareCodeRow.id).where(ShareCodeRow.code_hash == hashed)):
            code = make_share_code(purpose, ctx.random_bytes)  # one in 10**11: try again
            hashed = code_hash(ctx, code)
        now = uow.now()
        row = ShareCodeRow(
            code_hash=hashed,
            status_id=status.id,
            purpose=purpose.value,
            hint=code.compact[-3:],
            created_at=now,
            expires_at=now + timedelta(days=ctx.share_code_days),
        )
        uow.session.add(row)
        uow.session.flush()
        uow.audit("status.share_code.issued", status.status_ref, code=row.id, purpose=purpose.value)
        return IssuedCode(row.id, code, status.status_ref, row.expires_at)


def revoke_share_code(ctx: ServiceContext, holder_id: str, code_id: int) -> None:
    """Stop the holder's code working at once; another's code is `NotFoundError`.

    Revoking a revoked code changes nothing.
    """
    with ctx.unit(actor=holder_id) as uow:
        found = uow.session.execute(
            select(ShareCodeRow, Status.status_ref)
            .join(Status, Status.id == ShareCodeRow.status_id)
            .where(ShareCodeRow.id == code_id, Status.holder_id == holder_id)
        ).one_or_none()
        if found is None:
            raise NotFoundError(f"no share code {code_id}")
        row, status_ref = found
        if row.revoked_at is None:
            row.revoked_at = uow.now()
            uow.audit("status.share_code.revoked", status_ref, code=row.id)


def code_of(ctx: ServiceContext, holder_id: str, code_id: int) -> CodeView:
    """One of the holder's codes; another's is `NotFoundError`."""
    for code in codes_of(ctx, holder_id):
        if code.id == code_id:
            return code
    raise NotFoundError(f"no share code {code_id}")


def codes_of(ctx: ServiceContext, holder_id: str) -> list[CodeView]:
    """Every code the holder made, newest first, each with every check made with it."""
    with ctx.database.reading() as session:
        rows = session.execute(
            select(ShareCodeRow, Status.status_ref)
            .join(Status, Status.id == ShareCodeRow.status_id)
            .where(Status.holder_id == holder_id)
            .order_by(ShareCodeRow.created_at.desc(), ShareCodeRow.id.desc())
        ).all()
        checks: dict[int, list[CheckSeen]] = {}
        if rows:
            found = session.scalars(
                select(StatusCheck)
                .where(StatusCheck.share_code_id.in_([row.id for row, _ref in rows]))
                .order_by(StatusCheck.checked_at.desc(), StatusCheck.id.desc())
            ).all()
            for check in found:
                assert check.share_code_id is not None  # noqa: S101 - selected by it
                checks.setdefault(check.share_code_id, []).append(
                    CheckSeen(
                        check.check_ref,
                        check.checked_at,
                        Purpose(check.purpose),
                        check.verifier_name,
                        check.outcome == MATCHED,
                    )
                )
        return [
            CodeView(
                row.id,
                ref,
                Purpose(row.purpose),
                row.hint,
                row.created_at,
                row.expires_at,
                row.revoked_at,
                tuple(checks.get(row.id, ())),
            )
            for row, ref in rows
        ]


def _fields(answer: CheckAnswer) -> dict[str, Any]:
    return {name: getattr(answer, name) for name in CheckAnswer.__slots__}


def credential_of(answer: CheckAnswer, *, issuer: str, verifier_name: str | None) -> dict[str, Any]:
    """The Verifiable Credential 2.0 a matched check is recorded as (the signed record's payload).

    It says who was checked, whether their leave was in force on the day, what
    they may do and from and until when, with the check reference and purpose.
    """
    subject: dict[str, Any] = {
        "type": "YouthMobilityStatus",
        "name": answer.holder_name,
        "validOnCheck": answer.in_force,
        "leaveFrom": answer.valid_from.isoformat() if answer.valid_from else None,
        "leaveUntil": answer.valid_until.isoformat() if answer.valid_until else None,
        "conditions": [{"id": c.id, "text": c.text, "rule": c.rule} for c in answer.conditions],
        "checkReference": answer.check_ref,
        "purpose": answer.purpose.value,
    }
    if verifier_name:
        subject["checkedBy"] = verifier_name
    return {
        "@context": [VC_CONTEXT],
        "id": f"urn:yms:status-check:{answer.check_ref}",
        "type": ["VerifiableCredential", RECORD_TYPE],
        "issuer": issuer,
        "validFrom": answer.checked_at.isoformat().replace("+00:00", "Z"),
        "credentialSubject": subject,
    }


def answer_of_record(credential: dict[str, Any], record: str) -> CheckAnswer:
    """A matched check's answer again, read back from its own signed record."""
    subject = credential["credentialSubject"]
    return CheckAnswer(
        check_ref=subject["checkReference"],
        checked_at=datetime.fromisoformat(credential["validFrom"]),
        purpose=Purpose(subject["purpose"]),
        matched=True,
        holder_name=subject["name"],
        in_force=subject["validOnCheck"],
        valid_from=date.fromisoformat(subject["leaveFrom"]),
        valid_until=date.fromisoformat(subject["leaveUntil"]),
        conditions=tuple(Permission(**c) for c in subject["conditions"]),
        record=record,
    )


def checked(ctx: ServiceContext, check_ref: str) -> CheckAnswer:
    """A matched check's answer, from its kept record; a miss or unknown ref is `NotFoundError`.

    Whoever asks must have made the check (the web keeps the refs of a visit's checks).
    """
    with ctx.database.reading() as session:
        sealed = session.scalar(
            select(StatusCheck.record_sealed).where(
                StatusCheck.check_ref == check_ref.strip().upper(), StatusCheck.outcome == MATCHED
            )
        )
    if sealed is None:
        raise NotFoundError(f"no matched check {check_ref!r}")
    record = ctx.sealer.open(sealed).decode("utf-8")
    _header, credential = read_record(record)
    return answer_of_record(credential, record)


def record_json(answer: CheckAnswer) -> str:
    """The answer's credential, unsigned and pretty, for a person to read beside the record."""
    if answer.record is None:
        return ""
    return json.dumps(read_record(answer.record)[1], indent=2, ensure_ascii=False)


def purge_stray_checks(ctx: ServiceContext) -> int:
    """Delete checks of codes no one made, once older than every limit's window; how many.

    Checks of a holder's code are kept: the holder is shown them.
    """
    with ctx.unit(actor="system") as uow:
        oldest_needed = uow.now() - max(CLIENT_WINDOW, CODE_WINDOW)
        result = uow.session.execute(
            delete(StatusCheck).where(
                StatusCheck.share_code_id.is_(None), StatusCheck.checked_at < oldest_needed
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
