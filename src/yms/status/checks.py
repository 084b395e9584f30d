"""Status checks: a verifier gives a share code and the holder's date of birth.

The answer says what the holder may do and until when (`sharing.CheckAnswer`),
with a signed record when it matches. An unknown code, a wrong date of birth,
and an expired or revoked code all get the one "no match" answer, after the same
work: the date of birth is always hashed and compared, against a dummy when the
code is unknown, so the time taken does not tell them apart either.

Every check is kept (no date of birth; the client's address only as a keyed
hash), shown to the holder, and audited as ``status.checked`` in the same unit
of work. Misses are rate-limited per client and per code, counted from the
checks table so every process sees them.

Checks are made in groups — one unit of work, one commit, one link of the audit
chain's lock for all of them — each answered as if checked alone, in turn
(`check_group`); a single check is a group of one. On PostgreSQL the API's
groups run on an async connection (`check_group_async`), the same statements
written for psycopg, so the event loop need not hand each to a thread.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import func, insert, literal, select, text, union_all

from yms.kernel.errors import InvalidInputError
from yms.kernel.validation import FieldProblem
from yms.platform.audit import log as audit_log
from yms.platform.context import ServiceContext
from yms.platform.unit_of_work import UnitOfWork
from yms.status.domain.share_codes import InvalidShareCodeError, ShareCode, parse_share_code
from yms.status.services import _view, birth_hash
from yms.status.sharing import (
    _DUMMY_HASH,
    _DUMMY_REF,
    CHECK_PREFIX,
    CLIENT_MISSES,
    CLIENT_WINDOW,
    CODE_MISSES,
    CODE_WINDOW,
    MATCHED,
    MAX_VERIFIER_NAME,
    NO_MATCH,
    VERIFIER_ACTOR,
    CheckAnswer,
    TooManyChecksError,
    _fields,
    client_hash,
    code_hash,
    credential_of,
)
from yms.status.signing import Signer, record_signer
from yms.status.tables import ShareCode as ShareCodeRow
from yms.status.tables import Status, StatusCheck

Outcome = CheckAnswer | TooManyChecksError


def check_problems(code: str, verifier_name: str | None) -> list[FieldProblem]:
    """What is wrong with a typed code and verifier name, if anything (as `parse_check` says).

    For a form that shows every field's problem at once, the date's among them.
    """
    try:
        _parse(code, verifier_name)
    except InvalidInputError as error:
        return list(error.problems)
    return []


def _parse(code: str, verifier_name: str | None) -> tuple[ShareCode, str | None]:
    problems = []
    parsed: ShareCode | None = None
    try:
        parsed = parse_share_code(code)
    except InvalidShareCodeError:
        problems.append(
            FieldProblem("share_code", "a share code is 9 characters, like W3H 4C6 KPX")
        )
    name = (verifier_name or "").strip() or None
    if name is not None and len(name) > MAX_VERIFIER_NAME:
        problems.append(FieldProblem("verifier", f"at most {MAX_VERIFIER_NAME} characters"))
    if problems or parsed is None:
        raise InvalidInputError(problems)
    return parsed, name


@dataclass(frozen=True, slots=True)
class CheckRequest:
    """A verifier's check, parsed (`parse_check`): the code, the date of birth, who asks."""

    code: ShareCode
    date_of_birth: date
    client: str
    verifier_name: str | None = None


def parse_check(
    code: str, date_of_birth: date, *, client: str, verifier_name: str | None = None
) -> CheckRequest:
    """A check as `check_status` takes it; `InvalidInputError` for what is not a code."""
    parsed, name = _parse(code, verifier_name)
    return CheckRequest(parsed, date_of_birth, client, name)


def check_status(
    ctx: ServiceContext,
    code: str,
    date_of_birth: date,
    *,
    client: str,
    verifier_name: str | None = None,
) -> CheckAnswer:
    """Check a share code with the holder's date of birth, as a verifier (YMS status checks).

    A code that is not a code (wrong length, a character codes never have) is
    `InvalidInputError`: nothing is checked. Otherwise the check is kept, audited
    and answered: a match, or the one "no match" for an unknown, expired or revoked
    code or a wrong date of birth. After too many misses from `client`, or on the
    code, `TooManyChecksError` and nothing is checked.
    """
    return check_parsed(
        ctx, parse_check(code, date_of_birth, client=client, verifier_name=verifier_name)
    )


def check_parsed(ctx: ServiceContext, request: CheckRequest) -> CheckAnswer:
    """`check_status` of a check already parsed (`parse_check`), alone in its unit of work."""
    (outcome,) = check_group(ctx, [request])
    if isinstance(outcome, TooManyChecksError):
        raise outcome
    return outcome


def check_group(ctx: ServiceContext, requests: Sequence[CheckRequest]) -> list[Outcome]:
    """`check_status` for each of `requests`, in one unit of work: one commit for them all.

    Each gets what it would have got checked alone, in the order given: a miss
    counts against the checks after it, and one refused for too many misses
    (`TooManyChecksError`, given back, not raised) is not kept. Concurrent checks
    of a code wait their turn (the code's lock), so no burst counts the same misses twice.
    """
    keyed = _keyed(ctx, requests)
    codes = {hashed for hashed, _client, _request in keyed}
    with ctx.unit(actor=VERIFIER_ACTOR) as uow:
        _one_at_a_time(uow, codes)
        now = uow.now()
        decided = _decide(
            ctx,
            keyed,
            _recent_misses(uow, keyed, now),
            _codes(uow, codes),
            now=now,
            signer_of=lambda: record_signer(uow),
        )
        if decided.rows:
            uow.session.execute(insert(StatusCheck), decided.rows)
        for event in decided.events:
            uow.audit(event.action, event.subject, **event.data)
        return decided.outcomes


async def check_group_async(
    ctx: ServiceContext,
    connection: psycopg.AsyncConnection[Any],
    requests: Sequence[CheckRequest],
    signer: Signer,
) -> list[Outcome]:
    """`check_group` on an async psycopg connection (PostgreSQL), signing with `signer`.

    The same statements as `check_group`'s, in one transaction on `connection`.
    """
    keyed = _keyed(ctx, requests)
    codes = sorted({hashed for hashed, _client, _request in keyed})
    # Pipelined: the first three statements go in one round trip (the lock still comes
    # before the count of misses), the rows and the head's lock in the next, the chain's
    # links and the commit in the last.
    async with connection.pipeline(), connection.transaction():
        now = ctx.clock.now()
        await connection.execute(_LOCK_CODES, {"keys": _lock_keys(codes)})
        recent = await connection.execute(_MISSES, _misses_params(keyed, now))
        known = await connection.execute(_CODES, {"hashes": codes})
        misses = _RecentMisses.of(await recent.fetchall())
        found = {
            code.code_hash: (code, status) for code, status in map(_found, await known.fetchall())
        }
        decided = _decide(ctx, keyed, misses, found, now=now, signer_of=lambda: signer)
        if decided.rows:
            await connection.execute(_INSERT_CHECKS, _columns(decided.rows))
        await audit_log.append_async(connection, decided.events, at=now)
    return decided.outcomes


def _keyed(
    ctx: ServiceContext, requests: Sequence[CheckRequest]
) -> list[tuple[bytes, bytes, CheckRequest]]:
    return [(code_hash(ctx, r.code), client_hash(ctx, r.client), r) for r in requests]


@dataclass
class _Decided:
    """What a group's checks came to: an outcome each, the rows to keep, the events."""

    outcomes: list[Outcome] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    events: list[audit_log.PendingEvent] = field(default_factory=list)


def _decide(
    ctx: ServiceContext,
    keyed: Sequence[tuple[bytes, bytes, CheckRequest]],
    misses: _RecentMisses,
    found: dict[bytes, tuple[ShareCodeRow, Status]],
    *,
    now: datetime,
    signer_of: Callable[[], Signer],
) -> _Decided:
    """Each check in turn, as if alone: refused, a miss (counted for those after), or a match."""
    decided = _Decided()
    signer: Signer | None = None
    for hashed, client_key, request in keyed:
        wait = misses.wait(client_key, hashed, now)
        if wait is not None:
            decided.outcomes.append(TooManyChecksError(wait))
            continue
        code_row, status = found.get(hashed, (None, None))
        answer = CheckAnswer(_new_check_ref(ctx), now, request.code.purpose, matched=False)
        if _usable(ctx, code_row, status, request.date_of_birth, now) and status is not None:
            signer = signer or signer_of()
            answer = _matched(ctx, signer, answer, status, request.verifier_name)
        else:
            misses.add(client_key, hashed, now)
        outcome = MATCHED if answer.matched else NO_MATCH
        decided.rows.append(
            {
                "check_ref": answer.check_ref,
                "code_hash": hashed,
                "share_code_id": code_row.id if code_row else None,
                "client_hash": client_key,
                "checked_at": answer.checked_at,
                "purpose": answer.purpose.value,
                "verifier_name": request.verifier_name,
                "outcome": outcome,
                "record_sealed": ctx.sealer.seal(answer.record.encode()) if answer.record else None,
            }
        )
        decided.events.append(
            audit_log.PendingEvent(
                VERIFIER_ACTOR,
                "status.checked",
                answer.check_ref,
                {"outcome": outcome, "purpose": answer.purpose.value},
            )
        )
        decided.outcomes.append(answer)
    return decided


def _usable(
    ctx: ServiceContext,
    code_row: ShareCodeRow | None,
    status: Status | None,
    born: date,
    now: datetime,
) -> bool:
    # The same work whether or not the code exists: hash the date, compare in constant
    # time (with a dummy when the code is unknown), then look at the code.
    given = birth_hash(ctx, status.status_ref if status else _DUMMY_REF, born)
    born_matches = hmac.compare_digest(given, status.birth_hash if status else _DUMMY_HASH)
    return (
        code_row is not None
        and born_matches
        and code_row.revoked_at is None
        and now < code_row.expires_at
    )


def _codes(uow: UnitOfWork, hashes: set[bytes]) -> dict[bytes, tuple[ShareCodeRow, Status]]:
    rows = uow.session.execute(
        select(ShareCodeRow, Status)
        .join(Status, Status.id == ShareCodeRow.status_id)
        .where(ShareCodeRow.code_hash.in_(sorted(hashes)))
    ).all()
    return {code_row.code_hash: (code_row, status) for code_row, status in rows}


@dataclass(frozen=True, slots=True)
class _RecentMisses:
    """The latest misses of each client and code, newest first, as far back as a limit needs."""

    by_client: dict[bytes, list[datetime]]
    by_code: dict[bytes, list[datetime]]

    def wait(self, client_key: bytes, hashed: bytes, now: datetime) -> int | None:
        """Seconds to wait if the client or the code is at its limit of misses; else `None`."""
        waits = [
            int((seen[limit - 1] + window - now).total_seconds()) + 1
            for seen, limit, window in (
                (self.by_client.get(client_key, []), CLIENT_MISSES, CLIENT_WINDOW),
                (self.by_code.get(hashed, []), CODE_MISSES, CODE_WINDOW),
            )
            if len(seen) >= limit
        ]
        return max(waits) if waits else None

    def add(self, client_key: bytes, hashed: bytes, now: datetime) -> None:
        """Count a miss now, for the checks after it."""
        self.by_client.setdefault(client_key, []).insert(0, now)
        self.by_code.setdefault(hashed, []).insert(0, now)

    @classmethod
    def of(cls, rows: Sequence[Sequence[Any]]) -> _RecentMisses:
        """From rows of (by client?, key, checked at), each key's newest first."""
        misses = cls(by_client={}, by_code={})
        for by_client, key, at in rows:
            seen = misses.by_client if by_client else misses.by_code
            seen.setdefault(bytes(key), []).append(at.astimezone(UTC))
        return misses


def _recent_misses(
    uow: UnitOfWork, keyed: Sequence[tuple[bytes, bytes, CheckRequest]], now: datetime
) -> _RecentMisses:
    """The latest misses of the group's clients and codes, as far back as each limit needs.

    One statement, read by the indexes on (key, outcome, checked_at), however many
    matches a key has had.
    """

    def latest(by_client: bool, keys: set[bytes], limit: int, window: timedelta) -> Any:  # noqa: FBT001
        column = StatusCheck.client_hash if by_client else StatusCheck.code_hash
        ranked = (
            select(
                literal(by_client).label("by_client"),
                column.label("key"),
                StatusCheck.checked_at,
                func.row_number()
                .over(partition_by=column, order_by=StatusCheck.checked_at.desc())
                .label("newest"),
            )
            .where(column.in_(sorted(keys)), StatusCheck.outcome == NO_MATCH)
            .where(StatusCheck.checked_at > now - window)
            .subquery()
        )
        return select(ranked.c.by_client, ranked.c.key, ranked.c.checked_at, ranked.c.newest).where(
            ranked.c.newest <= limit
        )

    clients = {client for _code, client, _request in keyed}
    codes = {code for code, _client, _request in keyed}
    both = union_all(
        latest(True, clients, CLIENT_MISSES, CLIENT_WINDOW),  # noqa: FBT003
        latest(False, codes, CODE_MISSES, CODE_WINDOW),  # noqa: FBT003
    ).subquery()
    rows = uow.session.execute(
        select(both.c.by_client, both.c.key, both.c.checked_at).order_by(
            both.c.by_client, both.c.key, both.c.newest
        )
    ).all()
    return _RecentMisses.of(rows)


def _new_check_ref(ctx: ServiceContext) -> str:
    digits = ctx.random_bytes(6).hex().upper()
    return f"{CHECK_PREFIX}{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def _one_at_a_time(uow: UnitOfWork, code_keys: set[bytes]) -> None:
    """Take the codes' turns, so each code's misses are counted one check at a time.

    Without it, concurrent checks of one code on PostgreSQL would each count the same
    misses and all go on, so a burst could try many dates of birth at once; SQLite
    already runs one writer at a time. Transaction-scoped advisory locks, taken in
    one order (so two groups cannot deadlock) and released at commit or rollback.
    (The per-client limit is not serialised: behind a load balancer every client
    shares an address until the proxy's header is trusted.)
    """
    if uow.session.get_bind().dialect.name == "postgresql":
        uow.session.execute(
            text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"),
            {"keys": _lock_keys(code_keys)},
        )


def _lock_keys(code_keys: Iterable[bytes]) -> list[int]:
    """The codes' advisory lock keys, in the one order every group takes them."""
    return sorted({int.from_bytes(key[:8], "big", signed=True) for key in code_keys})


# The statements of `check_group_async`: those `check_group` makes, for psycopg.
_LOCK_CODES = "SELECT pg_advisory_xact_lock(k) FROM unnest(%(keys)s::bigint[]) AS k"
_MISSES = """
SELECT true, k, m.checked_at FROM unnest(%(clients)s::bytea[]) AS k
CROSS JOIN LATERAL (
    SELECT checked_at FROM status_checks
    WHERE client_hash = k AND outcome = 'no_match' AND checked_at > %(clients_since)s
    ORDER BY checked_at DESC LIMIT %(client_misses)s
) AS m
UNION ALL
SELECT false, k, m.checked_at FROM unnest(%(codes)s::bytea[]) AS k
CROSS JOIN LATERAL (
    SELECT checked_at FROM status_checks
    WHERE code_hash = k AND outcome = 'no_match' AND checked_at > %(codes_since)s
    ORDER BY checked_at DESC LIMIT %(code_misses)s
) AS m
ORDER BY 1, 2, 3 DESC
"""
_CODE_COLUMNS = [column.key for column in ShareCodeRow.__table__.columns]
_STATUS_COLUMNS = [column.key for column in Status.__table__.columns]
_CODES = (
    "SELECT "  # noqa: S608 - the tables' own column names
    + ", ".join(f"c.{name}" for name in _CODE_COLUMNS)
    + ", "
    + ", ".join(f"s.{name}" for name in _STATUS_COLUMNS)
    + " FROM share_codes AS c JOIN statuses AS s ON s.id = c.status_id"
    " WHERE c.code_hash = ANY(%(hashes)s)"
)
_CHECK_COLUMNS = {
    "check_ref": "text",
    "code_hash": "bytea",
    "share_code_id": "integer",
    "client_hash": "bytea",
    "checked_at": "timestamptz",
    "purpose": "text",
    "verifier_name": "text",
    "outcome": "text",
    "record_sealed": "bytea",
}
_INSERT_CHECKS = (
    f"INSERT INTO status_checks ({', '.join(_CHECK_COLUMNS)}) SELECT * FROM unnest("  # noqa: S608
    + ", ".join(f"%({name})s::{kind}[]" for name, kind in _CHECK_COLUMNS.items())
    + ")"
)


def _misses_params(
    keyed: Sequence[tuple[bytes, bytes, CheckRequest]], now: datetime
) -> dict[str, Any]:
    return {
        "clients": sorted({client for _code, client, _request in keyed}),
        "clients_since": now - CLIENT_WINDOW,
        "client_misses": CLIENT_MISSES,
        "codes": sorted({code for code, _client, _request in keyed}),
        "codes_since": now - CODE_WINDOW,
        "code_misses": CODE_MISSES,
    }


def _found(row: Sequence[Any]) -> tuple[ShareCodeRow, Status]:
    """A row of `_CODES` as the code and status it names (not in any session)."""
    values = [_utc(value) for value in row]
    code = dict(zip(_CODE_COLUMNS, values[: len(_CODE_COLUMNS)], strict=True))
    status = dict(zip(_STATUS_COLUMNS, values[len(_CODE_COLUMNS) :], strict=True))
    return ShareCodeRow(**code), Status(**status)


def _utc(value: Any) -> Any:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def _columns(rows: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    return {name: [row[name] for row in rows] for name in _CHECK_COLUMNS}


def _matched(
    ctx: ServiceContext,
    sign: Signer,
    answer: CheckAnswer,
    status: Status,
    name: str | None,
) -> CheckAnswer:
    view = _view(ctx, status)
    matched = CheckAnswer(
        answer.check_ref,
        answer.checked_at,
        answer.purpose,
        matched=True,
        holder_name=view.holder.full_name,
        in_force=view.in_force_on(answer.checked_at.date()),
        valid_from=view.validity.valid_from,
        valid_until=view.validity.valid_until,
        conditions=view.conditions,
    )
    credential = credential_of(matched, issuer=ctx.public_url, verifier_name=name)
    return CheckAnswer(**{**_fields(matched), "record": sign(credential)})
