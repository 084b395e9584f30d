"""Appending to the audit chain, and reading it back: verify, export, a subject's history.

Appends happen inside the unit of work that makes the change, after its other
writes, holding the head row's lock (``SELECT … FOR UPDATE`` on PostgreSQL; the
``BEGIN IMMEDIATE`` write lock on SQLite) only for the few statements that link
the new events on: the chain's order is the order transactions commit in.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

import psycopg
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from yms.platform.audit.chain import (
    GENESIS,
    ChainedEvent,
    ChainReport,
    canonical,
    make_event,
    next_hash,
    walk,
)
from yms.platform.audit.tables import AuditEvent, AuditHead
from yms.platform.db import Database

_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """An event waiting for its place in the chain (given when the unit of work commits)."""

    actor: str
    action: str
    subject: str
    data: dict[str, object]


def check_event(pending: PendingEvent, at: datetime) -> None:
    """Raise now, where the service is, if the event could never be appended."""
    make_event(seq=1, at=at, **_fields(pending))


def _fields(pending: PendingEvent) -> dict[str, Any]:
    return {
        "actor": pending.actor,
        "action": pending.action,
        "subject": pending.subject,
        "data": pending.data,
    }


def append(session: Session, pending: Sequence[PendingEvent], *, at: datetime) -> None:
    """Link `pending` onto the chain, in order, in the session's transaction.

    Three statements whatever the number of events (lock the head, insert them,
    move the head), written as Core statements: the lock is held from the first
    until the transaction ends, so what happens in between is kept short.
    """
    if not pending:
        return
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
    ).one_or_none()
    if head is None:  # pragma: no cover - the migration creates it
        raise RuntimeError("the audit head row is missing: run `yms db upgrade`")
    links = linked(head.seq, head.hash, pending, at=at)
    session.execute(insert(AuditEvent), links.rows)
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=links.seq, hash=links.hash)
    )


# PostgreSQL, on a psycopg connection (`append_async`): one statement locks the head,
# links the events on and moves the head, so the lock every appending transaction waits
# for is never held across a round trip to the client. Each event comes as the text of
# its canonical form before and after its sequence number, which only the head decides;
# PostgreSQL's sha256 chains them as `next_hash` does.
_APPEND = """
WITH RECURSIVE
head AS (SELECT seq, decode(hash, 'hex') AS hash FROM audit_head WHERE id = 1 FOR UPDATE),
pending AS (
    SELECT * FROM unnest(
        %(before)s::text[], %(after)s::text[], %(action)s::text[], %(subject)s::text[]
    ) WITH ORDINALITY AS p (before, after, action, subject, n)
),
chain (n, seq, prev, hash, event) AS (
    SELECT 0::bigint, seq, NULL::bytea, hash, NULL::text FROM head
    UNION ALL
    SELECT p.n, c.seq + 1, c.hash,
        sha256(c.hash || convert_to(p.before || (c.seq + 1)::text || p.after, 'UTF8')),
        p.before || (c.seq + 1)::text || p.after
    FROM chain AS c JOIN pending AS p ON p.n = c.n + 1
),
linked AS (
    INSERT INTO audit_events (seq, action, subject, event, prev_hash, hash)
    SELECT c.seq, p.action, p.subject, c.event, encode(c.prev, 'hex'), encode(c.hash, 'hex')
    FROM chain AS c JOIN pending AS p USING (n)
)
UPDATE audit_head
SET (seq, hash) = (SELECT seq, encode(hash, 'hex') FROM chain ORDER BY n DESC LIMIT 1)
WHERE id = 1
"""


async def append_async(
    connection: psycopg.AsyncConnection[Any], pending: Sequence[PendingEvent], *, at: datetime
) -> None:
    """`append` on an async psycopg connection (PostgreSQL), inside its open transaction.

    The same links `append` makes, byte for byte (`yms audit verify` walks both).
    """
    if not pending:
        return
    parts = [_around_seq(item, at) for item in pending]
    await connection.execute(
        _APPEND,
        {
            "before": [before for before, _after in parts],
            "after": [after for _before, after in parts],
            "action": [item.action for item in pending],
            "subject": [item.subject for item in pending],
        },
    )


def _around_seq(pending: PendingEvent, at: datetime) -> tuple[str, str]:
    """The event's canonical text before and after its sequence number.

    Its keys sort as action, actor, at, data, seq, subject: the number sits between
    the data and the subject. Checked against the whole canonical form, so a
    change to the event's shape fails here rather than making a link that does not verify.
    """
    event = make_event(seq=1, at=at, **_fields(pending))
    whole = canonical(event).decode("utf-8")
    subject = json.dumps(event["subject"], ensure_ascii=False)
    before = whole[: -len(f',"seq":1,"subject":{subject}}}')] + ',"seq":'
    after = f',"subject":{subject}}}'
    if f"{before}1{after}" != whole:  # pragma: no cover - the event's shape changed
        raise RuntimeError("an audit event's canonical form no longer ends with seq, subject")
    return before, after


@dataclass(frozen=True, slots=True)
class Links:
    """Events linked onto a head: their rows, and the head after them."""

    rows: list[dict[str, Any]]
    seq: int
    hash: str


def linked(
    head_seq: int, head_hash: str, pending: Sequence[PendingEvent], *, at: datetime
) -> Links:
    """The rows of `pending` linked in order onto the chain ending at (`head_seq`, `head_hash`)."""
    previous = bytes.fromhex(head_hash)
    rows = []
    for offset, item in enumerate(pending, start=1):
        event = make_event(seq=head_seq + offset, at=at, **_fields(item))
        digest = next_hash(previous, event)
        rows.append(
            {
                "seq": event["seq"],
                "action": item.action,
                "subject": item.subject,
                "event": canonical(event).decode("utf-8"),
                "prev_hash": previous.hex(),
                "hash": digest.hex(),
            }
        )
        previous = digest
    return Links(rows, head_seq + len(pending), previous.hex())


@contextmanager
def _snapshot(database: Database) -> Iterator[Session]:
    """One read transaction that sees the database as it was when it began.

    SQLite's read transactions do (WAL); PostgreSQL needs REPEATABLE READ, or a
    unit committed while we walk would show its head but not its rows, or both.
    """
    with database.reading() as session:
        if database.dialect == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


def _rows(session: Session) -> Generator[AuditEvent, None, None]:
    """Every row in order of seq, streamed in batches (a server-side cursor on PostgreSQL)."""
    query = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=_BATCH)
    result = session.scalars(query)
    try:
        yield from result
    finally:
        result.close()


def _link(row: AuditEvent) -> ChainedEvent | str:
    try:
        event = json.loads(row.event)
    except json.JSONDecodeError:
        return "the event is not JSON"
    if not isinstance(event, dict):
        return "the event is not a JSON object"
    if row.event != canonical(event).decode("utf-8"):
        return "the stored event is not in canonical form"
    if event.get("action") != row.action or event.get("subject") != row.subject:
        return "the action or subject column differs from the event"
    if event.get("seq") != row.seq:
        return f"the row is numbered {row.seq} but its event says seq {event.get('seq')!r}"
    return ChainedEvent(event, row.prev_hash, row.hash)


def verify(database: Database) -> ChainReport:
    """Walk the whole chain and hold its end to the head row, all in one snapshot."""
    unreadable: list[tuple[int, str]] = []

    def links(rows: Iterator[AuditEvent]) -> Iterator[ChainedEvent]:
        for position, row in enumerate(rows, start=1):
            link = _link(row)
            if isinstance(link, str):
                unreadable.append((position, link))
                return
            yield link

    with _snapshot(database) as session, closing(_rows(session)) as rows:
        head = session.get(AuditHead, 1)
        report = walk(links(rows))
    if unreadable and report.intact:
        position, reason = unreadable[0]
        return ChainReport(report.events, report.head, position, reason)
    if not report.intact:
        return report
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS.hex())
    if head_seq != report.events or head_hash != report.head:
        # Rows missing at the end: the first missing one; the same count but another
        # hash: the last row, which is not the one the head was linked to.
        named = report.events if head_seq == report.events else min(head_seq, report.events) + 1
        return ChainReport(
            report.events,
            report.head,
            max(named, 1),
            f"the head records {head_seq} events ending in {head_hash[:12]}…, "
            f"but the chain holds {report.events} ending in {report.head[:12]}…",
        )
    return report


def export(database: Database, out: TextIO) -> int:
    """Write every link as a JSON line ``{"event", "prev_hash", "hash"}``; returns how many."""
    count = 0
    with _snapshot(database) as session:
        for row in _rows(session):
            line = {"event": json.loads(row.event), "prev_hash": row.prev_hash, "hash": row.hash}
            out.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_export(lines: Iterator[str]) -> Iterator[ChainedEvent]:
    """The links of an export, line by line; raises `ValueError` naming a malformed line."""
    for number, text in enumerate(lines, start=1):
        try:
            line = json.loads(text)
            event, prev_hash, digest = line["event"], line["prev_hash"], line["hash"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"line {number} is not an export line: {error}") from error
        if not (isinstance(event, dict) and isinstance(prev_hash, str) and isinstance(digest, str)):
            raise ValueError(f"line {number} is not an export line: a field has the wrong type")  # noqa: TRY004 - bad input, not a programming error
        yield ChainedEvent(event, prev_hash, digest)


def history(session: Session, subject: str) -> list[dict[str, Any]]:
    """Every event about `subject`, oldest first."""
    rows = session.scalars(
        select(AuditEvent.event).where(AuditEvent.subject == subject).order_by(AuditEvent.seq)
    )
    return [json.loads(row) for row in rows]
