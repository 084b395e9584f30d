"""The audit log in the database: appends in commit order, verify, export, and tampering found."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.ballot.builders import drawn_window
from tests.fixtures.commands import Ran, Yms
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.ballot.services.invitations import invite_round, respond
from yms.ballot.services.windows import publish_record
from yms.platform import cli as platform_cli
from yms.platform.audit import log
from yms.platform.audit.tables import AuditEvent
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.db import AsyncConnections

Row = dict[str, Any]
GENESIS_HEX = "0" * 64


def rows(ctx: ServiceContext) -> list[Row]:
    with ctx.database.engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT seq, action, subject, event, prev_hash, hash FROM audit_events ORDER BY seq"
            )
        )
        return [dict(row._mapping) for row in found]


def head(ctx: ServiceContext) -> tuple[int, str]:
    with ctx.database.engine.connect() as connection:
        seq, digest = connection.execute(
            text("SELECT seq, hash FROM audit_head WHERE id = 1")
        ).one()
        return seq, digest


def sql(ctx: ServiceContext, *statements: tuple[str, dict[str, Any]]) -> None:
    """Tamper with the tables directly, as someone with database access could."""
    with ctx.database.engine.begin() as connection:
        for statement, values in statements:
            connection.execute(text(statement), values)


def database_url(ctx: ServiceContext) -> str:
    return ctx.database.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def cli(yms: Yms, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> Yms:
    """`yms` in process on the test's own database, closing the connections each run opens."""
    monkeypatch.setenv("YMS_DATABASE_URL", database_url(ctx))
    opened: list[ServiceContext] = []
    service_context = platform_cli.service_context

    def tracked(*, migrated: bool = True) -> ServiceContext:
        opened.append(service_context(migrated=migrated))
        return opened[-1]

    monkeypatch.setattr(platform_cli, "service_context", tracked)

    def run(*args: str, input: str | None = None) -> Ran:  # noqa: A002 - as `yms` names it
        try:
            return yms(*args, input=input)
        finally:
            while opened:
                opened.pop().database.dispose()

    return run


def independent_check(lines: list[str]) -> tuple[int, str]:
    """DESIGN.md's formula written afresh with json and hashlib alone; returns (events, head)."""
    previous = bytes(32)
    for number, line in enumerate(lines, start=1):
        link = json.loads(line)
        event = link["event"]
        assert sorted(event) == ["action", "actor", "at", "data", "seq", "subject"], number
        assert event["seq"] == number, number
        assert link["prev_hash"] == previous.hex(), number
        canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(previous + canonical.encode("utf-8")).digest()
        assert link["hash"] == digest.hex(), number
        previous = digest
    return len(lines), previous.hex()


# --- appending -------------------------------------------------------------------------------


def test_events_are_numbered_from_one_in_the_order_units_commit(ctx: ServiceContext) -> None:
    assert rows(ctx) == []
    assert head(ctx) == (0, GENESIS_HEX)
    with ctx.unit(actor="acct_first") as uow:
        uow.audit("test.thing.opened", "thing-1", places=2)
        uow.audit("test.thing.counted", "thing-1", count=3)
    # The outer unit calls audit() first but commits second: it takes the later numbers.
    with ctx.unit(actor="acct_outer") as outer:
        outer.audit("test.outer.done", "thing-2")
        with ctx.unit(actor="acct_inner") as inner:
            inner.audit("test.inner.done", "thing-3")
    stored = rows(ctx)
    assert [(row["seq"], row["action"], row["subject"]) for row in stored] == [
        (1, "test.thing.opened", "thing-1"),
        (2, "test.thing.counted", "thing-1"),
        (3, "test.inner.done", "thing-3"),
        (4, "test.outer.done", "thing-2"),
    ]
    events = [json.loads(row["event"]) for row in stored]
    assert events[0] == {
        "seq": 1,
        "at": "2026-11-25T12:00:00.000000Z",
        "actor": "acct_first",
        "action": "test.thing.opened",
        "subject": "thing-1",
        "data": {"places": 2},
    }
    assert [event["actor"] for event in events] == [
        "acct_first",
        "acct_first",
        "acct_inner",
        "acct_outer",
    ]
    # Each row links to the one before, and the head holds the last.
    assert [row["prev_hash"] for row in stored] == [GENESIS_HEX] + [
        row["hash"] for row in stored[:-1]
    ]
    assert head(ctx) == (4, stored[-1]["hash"])
    lines = [json.dumps({"event": e, "prev_hash": r["prev_hash"], "hash": r["hash"]})
             for e, r in zip(events, stored, strict=True)]  # fmt: skip
    assert independent_check(lines) == (4, stored[-1]["hash"])


def test_a_unit_that_raises_appends_nothing_and_leaves_the_head(ctx: ServiceContext) -> None:
    with ctx.unit(actor="system") as uow:
        uow.audit("test.thing.opened", "thing-1")
    before = rows(ctx), head(ctx)

    def change_of_mind() -> None:
        with ctx.unit(actor="system") as uow:
            uow.audit("test.thing.closed", "thing-1")
            uow.audit("test.thing.drawn", "thing-1")
            raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError, match="changed my mind"):
        change_of_mind()
    assert (rows(ctx), head(ctx)) == before
    with ctx.unit(actor="system") as uow:
        uow.audit("test.thing.closed", "thing-1")
    after = rows(ctx)
    assert [row["seq"] for row in after] == [1, 2]  # no gap where the failed unit was
    assert after[1]["prev_hash"] == after[0]["hash"]
    assert log.verify(ctx.database).intact


@pytest.mark.parametrize(
    ("action", "data", "error"),
    [
        ("Bad Action", {}, ValueError),
        ("test.thing.weighed", {"kilos": 1.5}, TypeError),
    ],
)
def test_an_event_that_cannot_be_chained_fails_its_unit_where_it_is_recorded(
    ctx: ServiceContext, action: str, data: dict[str, object], error: type[Exception]
) -> None:

    def record() -> None:
        with ctx.unit(actor="system") as uow:
            uow.audit("test.thing.opened", "thing-1")
            uow.audit(action, "thing-1", **data)
            pytest.fail("audit() should have refused the event")  # pragma: no cover

    with pytest.raises(error):
        record()
    assert rows(ctx) == []
    assert head(ctx) == (0, GENESIS_HEX)


def test_an_e_mail_address_cannot_be_an_actor(ctx: ServiceContext) -> None:
    with pytest.raises(ValueError, match="pseudonymous"), ctx.unit(actor="ana@example.org"):
        pass  # pragma: no cover
    assert rows(ctx) == []


def test_concurrent_units_take_the_head_in_turn(ctx: ServiceContext) -> None:
    threads, units = 6, 4
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(number: int) -> None:
        try:
            start.wait()
            for unit in range(units):
                with ctx.unit(actor=f"worker:{number}") as uow:
                    uow.audit("test.pair.began", f"pair-{number}-{unit}")
                    uow.audit("test.pair.ended", f"pair-{number}-{unit}")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    running = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(timeout=120)
    assert errors == []
    stored = rows(ctx)
    assert [row["seq"] for row in stored] == list(range(1, threads * units * 2 + 1))
    # A unit's two events are neighbours: no other unit's events come between them.
    for began, ended in zip(stored[::2], stored[1::2], strict=True):
        assert (began["action"], ended["action"]) == ("test.pair.began", "test.pair.ended")
        assert began["subject"] == ended["subject"]
    report = log.verify(ctx.database)
    assert report.intact, report.reason
    assert report.events == threads * units * 2


def test_history_is_a_subjects_events_oldest_first(ctx: ServiceContext) -> None:
    with ctx.unit(actor="system") as uow:
        uow.audit("test.thing.opened", "thing-1", n=1)
        uow.audit("test.thing.opened", "thing-2", n=2)
    with ctx.unit(actor="system") as uow:
        uow.audit("test.thing.closed", "thing-1", n=3)
    with ctx.database.reading() as session:
        found = log.history(session, "thing-1")
    assert [(event["seq"], event["action"], event["data"]) for event in found] == [
        (1, "test.thing.opened", {"n": 1}),
        (3, "test.thing.closed", {"n": 3}),
    ]


# --- a realistic run, then verify --------------------------------------------------------------

REALISTIC_ACTIONS = [
    "ballot.window.opened",
    "ballot.window.closed",
    "ballot.window.drawn",
    "ballot.invitation.issued",
    "ballot.invitation.issued",
    "ballot.invitation.issued",
    "ballot.invitation.accepted",
    "ballot.invitation.declined",
    "ballot.invitation.expired",
    "ballot.invitation.issued",
    "ballot.invitation.issued",
    "ballot.window.published",
    "account.created",
    "account.role_changed",
    "test.note.written",
]


def realistic_run(ctx: ServiceContext, clock: FixedClock) -> None:
    window_id = drawn_window(ctx, clock, 6, places=3, invitation_expiry_days=10)
    first = invite_round(ctx, window_id, actor="operator").invitations
    respond(ctx, first[0].ref, accept=True, actor="operator")
    respond(ctx, first[1].ref, accept=False, actor="operator")
    clock.instant += timedelta(days=10, microseconds=1)  # the third expires unanswered
    invite_round(ctx, window_id, actor="operator")
    publish_record(ctx, window_id, lambda _record: None, actor="operator")
    account = accounts.create_account(ctx, "ana@example.org", "a long enough password")
    accounts.change_role(ctx, account, Role.OPERATOR, actor="operator")
    with ctx.unit(actor="cli") as uow:
        uow.audit("test.note.written", "note-1", text='Zoë — 香港, "quoted"\n')


def test_verify_holds_after_a_realistic_run(ctx: ServiceContext, clock: FixedClock) -> None:
    realistic_run(ctx, clock)
    stored = rows(ctx)
    assert [row["action"] for row in stored] == REALISTIC_ACTIONS
    report = log.verify(ctx.database)
    assert report.intact, report.reason
    assert report.events == len(REALISTIC_ACTIONS)
    assert report.head == stored[-1]["hash"] == head(ctx)[1]
    # Every row stores exactly the bytes it was hashed as.
    for row in stored:
        event = json.loads(row["event"])
        assert row["event"] == json.dumps(
            event, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        assert (event["action"], event["subject"]) == (row["action"], row["subject"])


# --- tampering with the database ------------------------------------------------------------

MIDDLE = 5  # an invitation issued with others in one unit


def change_data(ctx: ServiceContext, seq: int) -> int:
    [row] = [row for row in rows(ctx) if row["seq"] == seq]
    event = json.loads(row["event"])
    assert event["data"]["round"] == 1
    event["data"]["round"] = 2
    changed = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    sql(ctx, ("UPDATE audit_events SET event = :e WHERE seq = :s", {"e": changed, "s": seq}))
    return seq


def change_data_and_rehash(ctx: ServiceContext, seq: int) -> int:
    """A cleverer forger recomputes the row's hash: the next row's prev_hash gives it away."""
    [row] = [row for row in rows(ctx) if row["seq"] == seq]
    event = json.loads(row["event"])
    event["data"]["round"] = 2
    changed = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(bytes.fromhex(row["prev_hash"]) + changed.encode()).hexdigest()
    sql(
        ctx,
        (
            "UPDATE audit_events SET event = :e, hash = :h WHERE seq = :s",
            {"e": changed, "h": digest, "s": seq},
        ),
    )
    return seq + 1


def change_hash(ctx: ServiceContext, seq: int) -> int:
    sql(ctx, ("UPDATE audit_events SET hash = :h WHERE seq = :s", {"h": "ab" * 32, "s": seq}))
    return seq


def change_prev_hash(ctx: ServiceContext, seq: int) -> int:
    sql(ctx, ("UPDATE audit_events SET prev_hash = :h WHERE seq = :s", {"h": "ab" * 32, "s": seq}))
    return seq


def change_action_column(ctx: ServiceContext, seq: int) -> int:
    sql(
        ctx,
        (
            "UPDATE audit_events SET action = 'ballot.invitation.accepted' WHERE seq = :s",
            {"s": seq},
        ),
    )
    return seq


def delete_middle(ctx: ServiceContext, seq: int) -> int:
    sql(ctx, ("DELETE FROM audit_events WHERE seq = :s", {"s": seq}))
    return seq


def delete_first(ctx: ServiceContext, _seq: int) -> int:
    sql(ctx, ("DELETE FROM audit_events WHERE seq = 1", {}))
    return 1


def delete_last(ctx: ServiceContext, _seq: int) -> int:
    last = len(rows(ctx))
    sql(ctx, ("DELETE FROM audit_events WHERE seq = :s", {"s": last}))
    return last


def swap_columns(ctx: ServiceContext, seq: int, columns: tuple[str, ...]) -> None:
    stored = {row["seq"]: row for row in rows(ctx)}
    first, second = stored[seq], stored[seq + 1]
    assignments = ", ".join(f"{column} = :{column}" for column in columns)
    statement = f"UPDATE audit_events SET {assignments} WHERE seq = :seq"  # noqa: S608
    sql(
        ctx,
        (statement, {"seq": seq, **{column: second[column] for column in columns}}),
        (statement, {"seq": seq + 1, **{column: first[column] for column in columns}}),
    )


def swap_event_texts(ctx: ServiceContext, seq: int) -> int:
    # Two invitations issued in one unit: the same action; their subjects and numbers differ.
    swap_columns(ctx, seq, ("event",))
    return seq


def swap_whole_rows_but_seq(ctx: ServiceContext, seq: int) -> int:
    """Swap everything the rows hold (event, columns, hashes) except their numbers."""
    swap_columns(ctx, seq, ("event", "action", "subject", "prev_hash", "hash"))
    return seq


def swap_seq_values(ctx: ServiceContext, seq: int) -> int:
    sql(
        ctx,
        ("UPDATE audit_events SET seq = -1 WHERE seq = :a", {"a": seq}),
        ("UPDATE audit_events SET seq = :a WHERE seq = :b", {"a": seq, "b": seq + 1}),
        ("UPDATE audit_events SET seq = :b WHERE seq = -1", {"b": seq + 1}),
    )
    return seq


def head_ahead(ctx: ServiceContext, _seq: int) -> int:
    last = len(rows(ctx))
    sql(ctx, ("UPDATE audit_head SET seq = :s WHERE id = 1", {"s": last + 1}))
    return last + 1


Tamper = Callable[[ServiceContext, int], int]


@pytest.mark.parametrize(
    "tamper",
    [
        change_data,
        change_data_and_rehash,
        change_hash,
        change_prev_hash,
        change_action_column,
        delete_middle,
        delete_first,
        delete_last,
        swap_event_texts,
        swap_whole_rows_but_seq,
        swap_seq_values,
        head_ahead,
    ],
)
def test_verify_names_the_row_that_was_tampered_with(
    ctx: ServiceContext, clock: FixedClock, cli: Yms, tamper: Tamper
) -> None:
    realistic_run(ctx, clock)
    assert rows(ctx)[MIDDLE - 1]["action"] == rows(ctx)[MIDDLE]["action"]
    assert log.verify(ctx.database).intact
    broken_at = tamper(ctx, MIDDLE)
    report = log.verify(ctx.database)
    assert not report.intact
    assert report.broken_at == broken_at, report.reason
    assert report.events == broken_at - 1
    ran = cli("audit", "verify")
    assert ran.code == 1, ran.stderr
    assert f"audit chain broken at event {broken_at}:" in ran.stderr
    assert "chain intact" not in ran.stdout


def test_verify_names_the_last_row_when_it_is_rewritten_with_a_fresh_hash(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    realistic_run(ctx, clock)
    last = rows(ctx)[-1]
    event = json.loads(last["event"])
    event["data"]["text"] = "something else"
    changed = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(bytes.fromhex(last["prev_hash"]) + changed.encode()).hexdigest()
    sql(
        ctx,
        (
            "UPDATE audit_events SET event = :e, hash = :h WHERE seq = :s",
            {"e": changed, "h": digest, "s": last["seq"]},
        ),
    )
    report = log.verify(ctx.database)
    assert not report.intact
    assert report.broken_at == last["seq"], report.reason


def test_verify_walks_the_chain_across_batches(
    ctx: ServiceContext, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log, "_BATCH", 4)
    realistic_run(ctx, clock)
    report = log.verify(ctx.database)
    assert (report.intact, report.events) == (True, len(REALISTIC_ACTIONS)), report.reason
    buffer = io.StringIO()
    assert log.export(ctx.database, buffer) == len(REALISTIC_ACTIONS)
    assert independent_check(buffer.getvalue().splitlines())[0] == len(REALISTIC_ACTIONS)
    sql(ctx, ("DELETE FROM audit_events WHERE seq = 9", {}))  # the first of the third batch
    assert log.verify(ctx.database).broken_at == 9
    sql(ctx, ("DELETE FROM audit_events WHERE seq = 4", {}))  # the last of the first
    assert log.verify(ctx.database).broken_at == 4


@pytest.mark.parametrize("after_rows", [-1, 0, 1, 7, len(REALISTIC_ACTIONS)])
def test_verify_of_an_intact_chain_holds_while_the_service_keeps_appending(
    ctx: ServiceContext, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, after_rows: int
) -> None:
    realistic_run(ctx, clock)
    rows = log._rows
    committed: list[int] = []

    def others_commit_meanwhile(session: Session) -> Iterator[AuditEvent]:
        # Another process appends one event after verify has read `after_rows` rows
        # (-1: after it read the head, before it asked for the rows).
        if after_rows == -1:
            with ctx.unit(actor="system") as uow:
                uow.audit("test.thing.done", "meanwhile")
            committed.append(after_rows)
        for number, row in enumerate(rows(session)):
            if number == after_rows:
                with ctx.unit(actor="system") as uow:
                    uow.audit("test.thing.done", "meanwhile")
                committed.append(number)
            yield row
        if after_rows == len(REALISTIC_ACTIONS):
            with ctx.unit(actor="system") as uow:
                uow.audit("test.thing.done", "meanwhile")
            committed.append(after_rows)

    monkeypatch.setattr(log, "_rows", others_commit_meanwhile)
    report = log.verify(ctx.database)
    assert committed == [after_rows]  # the other commit did happen during this verify
    assert report.intact, report.reason
    assert report.events == len(REALISTIC_ACTIONS)  # the snapshot it began with
    monkeypatch.undo()
    assert log.verify(ctx.database).events == len(REALISTIC_ACTIONS) + 1


# --- export ----------------------------------------------------------------------------------


def test_the_export_rechecks_with_an_independent_implementation(
    ctx: ServiceContext, clock: FixedClock, cli: Yms, tmp_path: Path
) -> None:
    realistic_run(ctx, clock)
    out = tmp_path / "audit.jsonl"
    exported = cli("audit", "export", "--out", str(out))
    assert exported.code == 0, exported.stderr
    assert f"{len(REALISTIC_ACTIONS)} events" in exported.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(REALISTIC_ACTIONS)
    assert independent_check(lines) == (len(REALISTIC_ACTIONS), head(ctx)[1])
    assert [json.loads(line)["event"]["action"] for line in lines] == REALISTIC_ACTIONS
    assert "Zoë — 香港" in lines[-1]  # written as UTF-8, not escaped
    # Standard output carries the same lines, and the library writes them too.
    assert cli("audit", "export").stdout.splitlines() == lines
    buffer = io.StringIO()
    assert log.export(ctx.database, buffer) == len(lines)
    assert buffer.getvalue().splitlines() == lines
    verified = cli("audit", "verify", "--file", str(out))
    assert verified.code == 0, verified.stderr
    assert f"{len(lines)} events, chain intact; head {head(ctx)[1]}" in verified.stdout


def tamper_line(lines: list[str], number: int) -> list[str]:
    link = json.loads(lines[number - 1])
    link["event"]["data"]["round"] = 2
    return [*lines[: number - 1], json.dumps(link, ensure_ascii=False), *lines[number:]]


def test_a_tampered_export_fails_at_that_event_and_a_malformed_one_is_unusable(
    ctx: ServiceContext, clock: FixedClock, cli: Yms, tmp_path: Path
) -> None:
    realistic_run(ctx, clock)
    out = tmp_path / "audit.jsonl"
    assert cli("audit", "export", "--out", str(out)).code == 0
    lines = out.read_text(encoding="utf-8").splitlines()

    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(tamper_line(lines, MIDDLE)) + "\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        independent_check(tampered.read_text(encoding="utf-8").splitlines())
    ran = cli("audit", "verify", "--file", str(tampered))
    assert ran.code == 1, ran.stderr
    assert f"audit chain broken at event {MIDDLE}:" in ran.stderr

    dropped = tmp_path / "dropped.jsonl"
    dropped.write_text("\n".join(lines[:3] + lines[4:]) + "\n", encoding="utf-8")
    ran = cli("audit", "verify", "--file", str(dropped))
    assert ran.code == 1
    assert "audit chain broken at event 4:" in ran.stderr

    for bad in ["{not json", '{"event": {}, "prev_hash": "00"}', "[1, 2]", ""]:
        malformed = tmp_path / "malformed.jsonl"
        malformed.write_text("\n".join([*lines[:2], bad, *lines[3:]]) + "\n", encoding="utf-8")
        ran = cli("audit", "verify", "--file", str(malformed))
        assert ran.code == 2, (bad, ran.stderr)
        assert "line 3" in ran.stderr, ran.stderr

    missing = cli("audit", "verify", "--file", str(tmp_path / "nowhere.jsonl"))
    assert missing.code == 2
    assert "cannot read" in missing.stderr


def test_the_database_of_a_fresh_install_verifies_empty(ctx: ServiceContext, cli: Yms) -> None:
    report = log.verify(ctx.database)
    assert (report.intact, report.events, report.head) == (True, 0, GENESIS_HEX)
    ran = cli("audit", "verify")
    assert ran.code == 0, ran.stderr
    assert f"0 events, chain intact; head {GENESIS_HEX}" in ran.stdout


def test_an_event_stored_in_another_form_is_caught(ctx: ServiceContext, clock: FixedClock) -> None:
    realistic_run(ctx, clock)
    third = rows(ctx)[2]
    spaced = json.dumps(json.loads(third["event"]), sort_keys=True, indent=1, ensure_ascii=False)
    sql(ctx, ("UPDATE audit_events SET event = :e WHERE seq = 3", {"e": spaced}))
    report = log.verify(ctx.database)
    assert (report.broken_at, report.reason) == (3, "the stored event is not in canonical form")


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_the_async_append_links_what_the_unit_of_work_s_append_links(
    ctx: ServiceContext,
) -> None:
    # Some through the unit of work first, so the async append starts from a real head.
    with ctx.unit(actor="operator") as uow:
        uow.audit("status.checked", "CHK-1", outcome="matched", purpose="W")
    at = ctx.clock.now()
    pending = [
        log.PendingEvent("verifier", "status.checked", "CHK-ÅÉ-2", {"seq": 99, "note": "naïve ☃"}),
        log.PendingEvent("verifier", "status.checked", "CHK-3", {"outcome": "no_match"}),
    ]
    with ctx.database.reading() as session:
        before = session.execute(text("SELECT seq, hash FROM audit_head")).one()
    expected = log.linked(before.seq, before.hash, pending, at=at)

    async def append() -> None:
        connections = AsyncConnections(ctx.database, 1)
        try:
            async with connections.connection() as connection, connection.transaction():
                await log.append_async(connection, pending, at=at)
        finally:
            await connections.close()

    asyncio.run(append())
    with ctx.database.reading() as session:
        rows = session.execute(
            text(
                "SELECT seq, action, subject, event, prev_hash, hash FROM audit_events "
                "WHERE seq > :seq ORDER BY seq"
            ),
            {"seq": before.seq},
        ).all()
        head = session.execute(text("SELECT seq, hash FROM audit_head")).one()
    assert [dict(row._mapping) for row in rows] == expected.rows
    assert (head.seq, head.hash) == (expected.seq, expected.hash)
    assert log.verify(ctx.database).intact
