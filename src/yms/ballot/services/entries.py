"""Entering a ballot: one eligible person, one entry per window (DESIGN.md, "The draw").

The identity (passport number, nationality, date of birth) is kept only as a
keyed hash under a unique constraint. Submitting again from the same account
returns the entry already made, whatever the timing (a retry, a double click,
fifty at once); the same identity from another account is refused, and so is a
second identity from the same account. What the scheme can check at entry
(nationality, the age limits on the dates the rules name, previous
participation) is checked, so an ineligible entrant never takes a place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Protocol
from weakref import WeakKeyDictionary

import psycopg
from sqlalchemy import LargeBinary, String, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from yms.accounts import services as accounts
from yms.ballot.domain.refs import new_entry_ref
from yms.ballot.domain.states import InvitationState, WindowState
from yms.ballot.services.status import state_of
from yms.ballot.tables import BallotEntry, BallotWindow
from yms.eligibility.domain import Outcome
from yms.eligibility.domain.applicant import Applicant
from yms.eligibility.services import check_against
from yms.kernel.dates import shown
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.kernel.identity import Identity, InvalidPassportNumberError
from yms.kernel.validation import FieldProblem
from yms.platform import metrics
from yms.platform.clock import today
from yms.platform.context import ServiceContext
from yms.platform.db import Database
from yms.platform.orm import UTCDateTime
from yms.schemes.domain.scheme import Allocation, Scheme

# A new reference colliding (one chance in 2**60 each) is retried with another.
_ATTEMPTS = 4


@dataclass(frozen=True, slots=True)
class EntryRequest:
    """What a person gives to enter a ballot window."""

    window_id: str
    passport_number: str
    nationality: str
    date_of_birth: date
    account_id: str | None = None
    previous_participation: bool | None = None  # asked where the scheme allows one stay
    # Chosen by the client, so a retry after a lost answer gets the same answer.
    idempotency_key: str | None = None


# What can be checked when entering: the rest waits for the application.
CHECKED_AT_ENTRY = ("nationality", "age_maximum", "age_minimum", "previous_participation")


@dataclass(frozen=True, slots=True)
class EntryReceipt:
    """What the entrant keeps: the public reference and the published seed commitment."""

    ref: str
    window_id: str
    entered_at: datetime
    seed_commitment: str
    created: bool  # False when this returned an entry made before


def _identity(request: EntryRequest) -> Identity:
    try:
        return Identity.of(request.passport_number, request.nationality, request.date_of_birth)
    except InvalidPassportNumberError as error:
        raise InvalidInputError([FieldProblem("passport_number", str(error))]) from error


def _open_window(ctx: ServiceContext, session: Session, request: EntryRequest) -> BallotWindow:
    # A shared lock: entries go in concurrently, but not while the window is being closed.
    query = select(BallotWindow).where(BallotWindow.id == request.window_id)
    window = session.scalar(query.with_for_update(read=True))
    if window is None:
        raise NotFoundError(f"no ballot window {request.window_id!r}")
    state = state_of(window, ctx.clock.now())
    if state is WindowState.SCHEDULED:
        raise RefusedError(
            f"This ballot opens at {window.opens_at:%H:%M on %-d %B %Y} (UTC). "
            "You can enter it then."
        )
    if state is not WindowState.OPEN:
        raise RefusedError(
            f"This ballot closed at {window.closes_at:%H:%M on %-d %B %Y} (UTC). "
            "It no longer takes entries."
        )
    return window


class WindowRules(Protocol):
    """What entry checks need of a window: which scheme version and allocation it is for."""

    @property
    def scheme_id(self) -> str: ...  # noqa: D102
    @property
    def scheme_version(self) -> str: ...  # noqa: D102
    @property
    def allocation_id(self) -> str: ...  # noqa: D102


@dataclass(frozen=True, slots=True)
class _WindowFacts:
    """What never changes about a window once opened: kept in memory by each process."""

    scheme_id: str
    scheme_version: str
    allocation_id: str
    seed_commitment: str


# Per process and database: a window's facts are fixed when it opens (its state is not,
# and is read by the entry's own statement). Held by the database object itself, so a
# database gone (a test's) takes its facts with it; a miss is not remembered.
_FACTS: WeakKeyDictionary[Database, dict[str, _WindowFacts]] = WeakKeyDictionary()
_FACTS_KEPT = 1024
_FACTS_QUERY = select(
    BallotWindow.scheme_id,
    BallotWindow.scheme_version,
    BallotWindow.allocation_id,
    BallotWindow.seed_commitment,
).where(BallotWindow.id == bindparam("window_id"))


def _window_facts(ctx: ServiceContext, window_id: str) -> _WindowFacts | None:
    known = _FACTS.setdefault(ctx.database, {})
    facts = known.get(window_id)
    if facts is None:
        with ctx.database.one_statement(read_only=True) as connection:
            row = connection.execute(_FACTS_QUERY, {"window_id": window_id}).one_or_none()
        if row is None:
            return None
        if len(known) >= _FACTS_KEPT:
            known.clear()
        facts = known[window_id] = _WindowFacts(*row)
    return facts


def _allocation(ctx: ServiceContext, window: WindowRules) -> tuple[Scheme, Allocation]:
    scheme = ctx.catalogue.get(window.scheme_id, window.scheme_version)
    allocation = scheme.allocation(window.allocation_id)
    assert allocation is not None  # noqa: S101 - recorded from the scheme when opened
    return scheme, allocation


def _allocation_nationalities(ctx: ServiceContext, window: WindowRules) -> dict[str, str]:
    """The nationalities the window's allocation is for: code to the scheme's name for it."""
    scheme, allocation = _allocation(ctx, window)
    return {
        arrangement.nationality: scheme.party_name(arrangement.nationality)
        for arrangement in scheme.arrangements_of(allocation)
    }


def _check_nationality(ctx: ServiceContext, window: WindowRules, nationality: str) -> None:
    if nationality not in _allocation_nationalities(ctx, window):
        _scheme, allocation = _allocation(ctx, window)
        raise InvalidInputError(
            [FieldProblem("nationality", f"This ballot is for {allocation.title} only")]
        )


def _check_eligible(ctx: ServiceContext, window: WindowRules, request: EntryRequest) -> None:
    """Refuse, naming the rule, an entrant the scheme already rules out.

    The age limits are applied as on an application made today: someone over the
    upper limit now is over it when applying; someone under the lower limit now
    may not be when their leave starts, so is let in (YMS 3.4 waits for that date).
    """
    scheme, allocation = _allocation(ctx, window)
    arrangement = next(
        a for a in scheme.arrangements_of(allocation) if a.nationality == request.nationality
    )
    applicant = Applicant(
        nationality=request.nationality,
        host=arrangement.host,
        date_of_birth=request.date_of_birth,
        application_date=today(ctx.clock),
        previous_participation=request.previous_participation,
    )
    result = check_against(scheme, applicant)
    for requirement in result.requirements:
        if requirement.id in CHECKED_AT_ENTRY and requirement.outcome is Outcome.FAIL:
            reason = requirement.detail.render(show=shown).rstrip(".")
            raise RefusedError(
                f"{reason} ({requirement.rule}). "
                "Only people the scheme could accept may enter, so that every place "
                "drawn can be used."
            )


def _receipt(entry: BallotEntry, window: BallotWindow, *, created: bool) -> EntryReceipt:
    return EntryReceipt(entry.ref, window.id, entry.entered_at, window.seed_commitment, created)


def _inserted(
    session: Session,
    ctx: ServiceContext,
    window: BallotWindow,
    request: EntryRequest,
    identity_hash: bytes,
) -> BallotEntry | None:
    """The new entry, or `None` if it conflicts with one already there (any unique key).

    ``INSERT … ON CONFLICT DO NOTHING RETURNING``: the common case, a first entry,
    costs one statement and no lookups; a conflict is sorted out by `_existing`.
    """
    values = {
        "window_id": window.id,
        "ref": new_entry_ref(ctx.random_bytes),
        "identity_hash": identity_hash,
        "account_id": request.account_id,
        "nationality": request.nationality,
        "entered_at": ctx.clock.now(),
        "idempotency_key": request.idempotency_key,
    }
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new_id = session.scalar(
        insert(BallotEntry).values(**values).on_conflict_do_nothing().returning(BallotEntry.id)
    )
    if new_id is None:
        return None
    return BallotEntry(id=new_id, **values)


def _existing(
    session: Session, window: BallotWindow, request: EntryRequest, identity_hash: bytes
) -> EntryReceipt:
    """The answer when an entry conflicts: the same entry again, or why not."""
    existing = session.scalar(
        select(BallotEntry).where(
            BallotEntry.window_id == window.id, BallotEntry.identity_hash == identity_hash
        )
    )
    if existing is not None and existing.account_id != request.account_id:
        raise RefusedError(
            "Someone with this passport number, nationality and date of birth has "
            "already entered this ballot from another account. Each person can enter "
            "once. If that was not you, tell us through the contact page."
        )
    mine = existing
    if mine is None and request.account_id is not None:
        mine = session.scalar(
            select(BallotEntry).where(
                BallotEntry.window_id == window.id, BallotEntry.account_id == request.account_id
            )
        )
    if mine is None:
        raise _ReferenceTakenError  # the one key left: a new reference that was not new
    repeated = request.idempotency_key is not None and (
        mine.idempotency_key == request.idempotency_key
    )
    if repeated and mine.identity_hash != identity_hash:
        raise InvalidInputError(
            [FieldProblem("idempotency_key", "This key was used for a different entry")]
        )
    if mine.identity_hash != identity_hash:
        raise RefusedError(
            f"You have already entered this ballot, with entry reference {mine.ref}. "
            "Each account holds one entry in a ballot, for the person who made it."
        )
    # The same request again answers as it did the first time (created); a new request
    # for an entry already made is told so.
    return _receipt(mine, window, created=repeated)


class _ReferenceTakenError(Exception):
    """A new entry's random reference was already taken (one chance in 2**60)."""


def _attempt(
    ctx: ServiceContext, request: EntryRequest, identity_hash: bytes, actor: str
) -> EntryReceipt:
    # No audit event: the published draw record's entries digest proves the entries,
    # so the rush of entries never waits on the audit chain's head.
    with ctx.unit(actor=actor) as uow:
        session = uow.session
        window = _open_window(ctx, session, request)
        _check_nationality(ctx, window, request.nationality)
        _check_eligible(ctx, window, request)
        entry = _inserted(session, ctx, window, request, identity_hash)
        if entry is not None:
            uow.after_commit(metrics.entry_accepted)  # counted once, when it is for good
            return _receipt(entry, window, created=True)
        return _existing(session, window, request, identity_hash)


@cache
def _enter_if_open(dialect: str) -> ReturningInsert[tuple[int]]:
    """``INSERT … SELECT`` from the window, if open at ``:now``, unless it conflicts.

    Built once: making the expression for each entry cost more than running it.
    """
    now = bindparam("now", type_=UTCDateTime())
    open_now = (
        select(
            BallotWindow.id,
            bindparam("ref", type_=String()),
            bindparam("identity_hash", type_=LargeBinary()),
            bindparam("account_id", type_=String()),
            bindparam("nationality", type_=String()),
            now,
            bindparam("idempotency_key", type_=String()),
        )
        .where(
            BallotWindow.id == bindparam("window_id"),
            BallotWindow.opens_at <= now,
            BallotWindow.closes_at > now,
            BallotWindow.closed_at.is_(None),
            BallotWindow.drawn_at.is_(None),
        )
        .with_for_update(read=True)
    )
    columns = ["window_id", "ref", "identity_hash", "account_id", "nationality", "entered_at"]
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(BallotEntry)
        .from_select([*columns, "idempotency_key"], open_now)
        .on_conflict_do_nothing()
        .returning(BallotEntry.id)
    )


def _entered_at_once(
    ctx: ServiceContext, request: EntryRequest, identity_hash: bytes
) -> EntryReceipt | None:
    """The common case in one statement: a first entry into an open window, else `None`.

    ``INSERT … SELECT`` from the window row, read ``FOR SHARE`` only if it is open
    now (closing waits for it, as in the full path), ``ON CONFLICT DO NOTHING``;
    on PostgreSQL in autocommit, so one round trip and one commit. Anything else
    (no such window, not open, a rule failed, a conflict) returns `None`, and the
    full path, which says why, decides; so both give the same answers.
    """
    facts = _window_facts(ctx, request.window_id)
    if facts is None or not _passes_at_entry(ctx, facts, request):
        return None
    now = ctx.clock.now()
    ref = new_entry_ref(ctx.random_bytes)
    values = {
        "window_id": request.window_id,
        "ref": ref,
        "identity_hash": identity_hash,
        "account_id": request.account_id,
        "nationality": request.nationality,
        "now": now,
        "idempotency_key": request.idempotency_key,
    }
    with ctx.database.one_statement() as connection:
        new_id = connection.execute(_enter_if_open(ctx.database.dialect), values).scalar()
    if new_id is None:
        return None
    metrics.entry_accepted()
    return EntryReceipt(ref, request.window_id, now, facts.seed_commitment, created=True)


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """An entry checked as far as it can be without the database, to go in with a group."""

    request: EntryRequest
    identity_hash: bytes
    ref: str
    seed_commitment: str


def prepared_entry(ctx: ServiceContext, request: EntryRequest) -> PreparedEntry | None:
    """`request` ready for `enter_open_group`, or `None` where `enter_ballot` must decide.

    Touches no database: `None` when this process does not yet know the window
    (the full path learns it), the passport number is malformed, or a rule
    checked at entry fails — the full path says why, so both give one answer.
    """
    facts = _FACTS.get(ctx.database, {}).get(request.window_id)
    if facts is None or not _passes_at_entry(ctx, facts, request):
        return None
    try:
        identity_hash = _identity(request).keyed_hash(ctx.identity_key)
    except InvalidInputError:
        return None
    ref = new_entry_ref(ctx.random_bytes)
    return PreparedEntry(request, identity_hash, ref, facts.seed_commitment)


# Whether the rules checked at entry pass, by everything they depend on: a scheme version
# never changes, and entrants share dates of birth, so the rush checks each answer once.
# Kept per database object, as the window facts are.
_PASSES: WeakKeyDictionary[Database, dict[tuple[object, ...], bool]] = WeakKeyDictionary()
_PASSES_KEPT = 100_000
_NATIONALITY_MOST = 8  # the column's width; the full path refuses longer ones


def _passes_at_entry(ctx: ServiceContext, facts: _WindowFacts, request: EntryRequest) -> bool:
    """Whether `_check_nationality` and `_check_eligible` let `request` in (remembered)."""
    if len(request.nationality) > _NATIONALITY_MOST:
        return False  # not remembered: a client's long string must not fill the memory
    key = (
        facts.scheme_id,
        facts.scheme_version,
        facts.allocation_id,
        request.nationality,
        request.date_of_birth,
        today(ctx.clock),
        request.previous_participation,
    )
    known = _PASSES.setdefault(ctx.database, {})
    passes = known.get(key)
    if passes is None:
        try:
            _check_nationality(ctx, facts, request.nationality)
            _check_eligible(ctx, facts, request)
            passes = True
        except (InvalidInputError, RefusedError):
            passes = False
        if len(known) >= _PASSES_KEPT:
            known.clear()
        known[key] = passes
    return passes


class CountedFirst(Protocol):
    """Counts a statement takes before it writes (`RateLimits.group_count`).

    `sql` is common table expressions ending in ``limit_verdicts (n, allowed,
    over_until)``, one row per attempt `n` that counted anything; `params` their values.
    """

    @property
    def sql(self) -> str: ...  # noqa: D102

    @property
    def params(self) -> dict[str, list[Any]]: ...  # noqa: D102


@dataclass(frozen=True, slots=True)
class OverLimit:
    """An entry not made: a limit counted with it was reached (until `over_until`, epoch s)."""

    over_until: int | None


class GroupDeadlockError(Exception):
    """Two groups met the same keys in opposite orders; this one was undone, counts and all."""


# `_enter_if_open` for a group (PostgreSQL), after the group's limits: one statement, one
# commit, for every entry whose limits allow it, that is new, and whose window is open.
_ENTER_GROUP_IF_OPEN = """
entries AS (
    SELECT * FROM unnest(
        %(ns)s::int[], %(window_ids)s::text[], %(refs)s::text[], %(identity_hashes)s::bytea[],
        %(account_ids)s::text[], %(nationalities)s::text[], %(idempotency_keys)s::text[]
    ) AS e (n, window_id, ref, identity_hash, account_id, nationality, idempotency_key)
),
made AS (
    INSERT INTO ballot_entries
        (window_id, ref, identity_hash, account_id, nationality, entered_at, idempotency_key)
    SELECT w.id, e.ref, e.identity_hash, e.account_id, e.nationality, %(now)s, e.idempotency_key
    FROM entries AS e
    JOIN limit_verdicts AS v ON v.n = e.n AND v.allowed
    JOIN ballot_windows AS w ON w.id = e.window_id
    WHERE w.opens_at <= %(now)s AND w.closes_at > %(now)s
        AND w.closed_at IS NULL AND w.drawn_at IS NULL
    FOR SHARE OF w
    ON CONFLICT DO NOTHING
    RETURNING ref
)
SELECT e.n, coalesce(v.allowed, true), v.over_until, m.ref IS NOT NULL
FROM entries AS e
LEFT JOIN limit_verdicts AS v ON v.n = e.n
LEFT JOIN made AS m ON m.ref = e.ref
"""


async def enter_open_group(
    ctx: ServiceContext,
    connection: psycopg.AsyncConnection[Any],
    group: Sequence[tuple[PreparedEntry, str]],
    counted: CountedFirst,
) -> list[EntryReceipt | OverLimit | None]:
    """Each (entry, account) of `group` entered at once if its limits allow, it is new, and open.

    The grouped form of the first entry's one statement, with the group's limits
    counted in the same statement first (`counted`, whose attempt ``n`` is the
    n-th of `group`): ``INSERT … SELECT`` from the windows open now, read ``FOR
    SHARE`` (closing waits for it), ``ON CONFLICT DO NOTHING``, in autocommit on
    an async PostgreSQL connection (`yms.platform.db.AsyncConnections`):
    committed, and durable as the cluster makes commits, when it returns. An
    entry over a limit is `OverLimit`; one answered `None` was counted but not
    made here (another of the group or an earlier request made it, or its window
    is not open): `enter_ballot` decides those, and says why. Raises
    `GroupDeadlockError` if PostgreSQL undid the statement to break a deadlock
    with another group: nothing of it, counts included, happened.
    """
    now = ctx.clock.now()
    values = {
        **counted.params,
        "now": now,
        "ns": list(range(len(group))),
        "window_ids": [entry.request.window_id for entry, _account in group],
        "refs": [entry.ref for entry, _account in group],
        "identity_hashes": [entry.identity_hash for entry, _account in group],
        "account_ids": [account for _entry, account in group],
        "nationalities": [entry.request.nationality for entry, _account in group],
        "idempotency_keys": [entry.request.idempotency_key for entry, _account in group],
    }
    try:
        cursor = await connection.execute(
            f"WITH {counted.sql}, {_ENTER_GROUP_IF_OPEN}",
            values,
        )
        rows = {n: (allowed, until, made) for n, allowed, until, made in await cursor.fetchall()}
    except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure) as error:
        raise GroupDeadlockError from error
    outcomes: list[EntryReceipt | OverLimit | None] = []
    for n, (entry, _account) in enumerate(group):
        allowed, until, made = rows[n]
        if made:
            metrics.entry_accepted()
            outcomes.append(
                EntryReceipt(
                    entry.ref, entry.request.window_id, now, entry.seed_commitment, created=True
                )
            )
        else:
            outcomes.append(None if allowed else OverLimit(until))
    return outcomes


def enter_ballot(
    ctx: ServiceContext,
    request: EntryRequest,
    *,
    actor: str | None = None,
    account_confirmed: bool = False,
) -> EntryReceipt:
    """Enter `request.window_id`, or return the entry this person already made there.

    With an idempotency key, the same key and entry again answer as the first
    time did (`created` true), and the key with another identity is invalid.
    `account_confirmed` says the caller has just seen the account's address
    confirmed (through the accounts service), so it is not looked up again.

    Raises `InvalidInputError` (a field is wrong), `NotFoundError` (no such window)
    or `RefusedError` (the window is not open; the entrant is ruled out by a rule
    checked at entry; this identity entered from another account, or this account
    with another identity; the account's e-mail address is not confirmed).
    """
    identity_hash = _identity(request).keyed_hash(ctx.identity_key)
    if request.account_id is not None and not account_confirmed:
        accounts.require_confirmed(ctx, request.account_id, to="enter a ballot")
    fast = _entered_at_once(ctx, request, identity_hash)
    if fast is not None:
        return fast
    for attempt in range(_ATTEMPTS):
        try:
            return _attempt(ctx, request, identity_hash, actor or request.account_id or "system")
        except (IntegrityError, _ReferenceTakenError):
            # A new reference that collided: the next attempt draws another.
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class MyEntry:
    """An entry as its entrant sees it: the window, and what the draw gave."""

    ref: str
    window_id: str
    allocation_id: str
    entered_at: datetime
    window_state: WindowState
    closes_at: datetime
    seed_commitment: str
    drawn: bool
    invitation_ref: str | None
    invitation_state: InvitationState | None
    invitation_expires_at: datetime | None
    # After the draw: this entry's place in the order (1 is first), and the furthest
    # place invitations have reached so far (None before the first round).
    position: int | None = None
    invited_up_to: int | None = None


def _invitations_reached(session: Session, window_ids: set[str]) -> dict[str, int]:
    """For each window, the furthest place in the draw's order that has been invited (1-based)."""
    from yms.ballot.tables import BallotInvitation  # noqa: PLC0415 - keeps the top light

    if not window_ids:
        return {}
    rows = session.execute(
        select(BallotEntry.window_id, func.max(BallotEntry.draw_position))
        .join(BallotInvitation, BallotInvitation.entry_id == BallotEntry.id)
        .where(BallotEntry.window_id.in_(window_ids))
        .group_by(BallotEntry.window_id)
    ).all()
    return {window_id: furthest + 1 for window_id, furthest in rows if furthest is not None}


def entries_of(ctx: ServiceContext, account_id: str) -> list[MyEntry]:
    """Every entry this account made, newest first, with its invitation if it has one."""
    from yms.ballot.tables import BallotInvitation  # noqa: PLC0415 - keeps the top light

    with ctx.database.reading() as session:
        rows = session.execute(
            select(BallotEntry, BallotWindow, BallotInvitation)
            .join(BallotWindow, BallotWindow.id == BallotEntry.window_id)
            .outerjoin(BallotInvitation, BallotInvitation.entry_id == BallotEntry.id)
            .where(BallotEntry.account_id == account_id)
            .order_by(BallotEntry.entered_at.desc())
        ).all()
        now = ctx.clock.now()
        reached = _invitations_reached(
            session, {window.id for _entry, window, _invitation in rows if window.drawn_at}
        )
        return [
            MyEntry(
                ref=entry.ref,
                window_id=window.id,
                allocation_id=window.allocation_id,
                entered_at=entry.entered_at,
                window_state=state_of(window, now),
                closes_at=window.closes_at,
                seed_commitment=window.seed_commitment,
                drawn=window.drawn_at is not None,
                invitation_ref=invitation.ref if invitation else None,
                invitation_state=InvitationState(invitation.state) if invitation else None,
                invitation_expires_at=invitation.expires_at if invitation else None,
                position=None if entry.draw_position is None else entry.draw_position + 1,
                invited_up_to=reached.get(window.id),
            )
            for entry, window, invitation in rows
        ]


def asks_previous_participation(ctx: ServiceContext, window_id: str) -> bool:
    """Whether entering this window asks if the entrant was on the scheme before."""
    with ctx.database.reading() as session:
        window = session.get(BallotWindow, window_id)
        if window is None:
            raise NotFoundError(f"no ballot window {window_id!r}")
    scheme, allocation = _allocation(ctx, window)
    return any(
        arrangement.requirements.previous_participation is not None
        for arrangement in scheme.arrangements_of(allocation)
    )


def nationalities_of(ctx: ServiceContext, window_id: str) -> list[tuple[str, str]]:
    """The nationalities a window's allocation is for, as (code, name)."""
    with ctx.database.reading() as session:
        window = session.get(BallotWindow, window_id)
        if window is None:
            raise NotFoundError(f"no ballot window {window_id!r}")
        names = _allocation_nationalities(ctx, window)
    return sorted(names.items(), key=lambda pair: pair[1])
