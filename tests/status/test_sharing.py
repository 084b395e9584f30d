"""Share codes and checks through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select, update

from tests.status.builders import BORN, granted
from yms.kernel.errors import InvalidInputError, NotFoundError
from yms.platform.audit.tables import AuditEvent
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.status import checks, sharing
from yms.status.domain.share_codes import Purpose, ShareCode
from yms.status.tables import ShareCode as ShareCodeRow
from yms.status.tables import Status, StatusCheck

WRONG = BORN + timedelta(days=1)


def holder_code(
    ctx: ServiceContext, clock: FixedClock, purpose: Purpose = Purpose.WORK
) -> tuple[str, str, ShareCode]:
    account, status = granted(ctx, clock)
    issued = sharing.issue_share_code(ctx, account, status.status_ref, purpose)
    return account, status.status_ref, issued.code


def audited(ctx: ServiceContext, action: str) -> list[dict[str, object]]:
    with ctx.database.reading() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        return [json.loads(event.event) for event in events]


def test_a_check_with_the_right_date_of_birth_says_what_the_holder_may_do(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, _status_ref, code = holder_code(ctx, clock)
    answer = checks.check_status(ctx, str(code), BORN, client="192.0.2.1", verifier_name="Acme")
    assert answer.matched
    assert answer.in_force
    assert answer.holder_name == "Ana Maria Silva"
    assert answer.valid_until is not None
    assert answer.valid_until > clock.now().date()
    assert "work-permitted" in [c.id for c in answer.conditions]
    assert answer.check_ref.startswith("CHK-")
    [event] = audited(ctx, "status.checked")
    assert event["subject"] == answer.check_ref
    assert event["data"] == {"outcome": "matched", "purpose": "W"}
    assert sharing.checked(ctx, answer.check_ref) == answer


def test_a_code_is_kept_only_as_a_keyed_hash(ctx: ServiceContext, clock: FixedClock) -> None:
    _account, _ref, code = holder_code(ctx, clock)
    with ctx.database.reading() as session:
        row = session.scalars(select(ShareCodeRow)).one()
        kept = [getattr(row, column.key) for column in inspect(ShareCodeRow).columns]
    assert row.code_hash == sharing.code_hash(ctx, code)
    assert not any(code.compact in str(value) for value in kept)
    assert row.expires_at == clock.now() + timedelta(days=90)


def test_every_miss_gets_the_same_answer(ctx: ServiceContext, clock: FixedClock) -> None:
    account, _ref, code = holder_code(ctx, clock)
    expired = sharing.issue_share_code(ctx, account, _ref, Purpose.RENT).code
    revoked = sharing.issue_share_code(ctx, account, _ref, Purpose.OTHER)
    sharing.revoke_share_code(ctx, account, revoked.id)
    with ctx.database.transaction() as session:
        session.execute(
            update(ShareCodeRow)
            .where(ShareCodeRow.purpose == "R")
            .values(expires_at=clock.now() - timedelta(seconds=1))
        )
    misses = [
        checks.check_status(ctx, str(code), WRONG, client="192.0.2.1"),
        checks.check_status(ctx, "W34 679 ACD", BORN, client="192.0.2.2"),
        checks.check_status(ctx, str(expired), BORN, client="192.0.2.3"),
        checks.check_status(ctx, str(revoked.code), BORN, client="192.0.2.4"),
    ]
    bodies = [{**m.as_json(), "check_reference": None, "purpose": None} for m in misses]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["match"] is False
    assert len(bodies[0]) == 4  # nothing more than reference, time, purpose and "no match"
    assert [e["data"]["outcome"] for e in audited(ctx, "status.checked")] == ["no_match"] * 4


def test_an_unknown_code_costs_the_same_hash_and_compare(
    ctx: ServiceContext, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _account, _ref, code = holder_code(ctx, clock)
    hashed: list[str] = []
    real = checks.birth_hash

    def counting(ctx: ServiceContext, status_ref: str, born: date) -> bytes:
        hashed.append(status_ref)
        return real(ctx, status_ref, born)

    monkeypatch.setattr(checks, "birth_hash", counting)
    checks.check_status(ctx, str(code), WRONG, client="192.0.2.1")
    checks.check_status(ctx, "W34 679 ACD", WRONG, client="192.0.2.1")
    assert len(hashed) == 2
    assert hashed[1] == sharing._DUMMY_REF  # the dummy is the point


def test_no_date_of_birth_is_kept_with_a_check(ctx: ServiceContext, clock: FixedClock) -> None:
    _account, _ref, code = holder_code(ctx, clock)
    checks.check_status(ctx, str(code), BORN, client="192.0.2.1")
    checks.check_status(ctx, str(code), WRONG, client="192.0.2.1")
    with ctx.database.reading() as session:
        rows = session.scalars(select(StatusCheck)).all()
        for row in rows:
            plain = [
                getattr(row, c.key)
                for c in inspect(StatusCheck).columns
                if c.key != "record_sealed"
            ]
            assert not any(BORN.isoformat() in str(v) or WRONG.isoformat() in str(v) for v in plain)
            assert row.client_hash != b"192.0.2.1"
        assert [row.outcome for row in rows] == ["matched", "no_match"]


def test_the_holder_sees_every_check_made_with_each_code(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, _ref, code = holder_code(ctx, clock)
    first = checks.check_status(ctx, str(code), BORN, client="192.0.2.1", verifier_name="Acme")
    clock.instant += timedelta(minutes=5)
    second = checks.check_status(ctx, str(code), WRONG, client="192.0.2.9")
    checks.check_status(ctx, "W34 679 ACD", BORN, client="192.0.2.1")  # not theirs
    [seen] = sharing.codes_of(ctx, account)
    assert [(c.check_ref, c.matched, c.verifier_name) for c in seen.checks] == [
        (second.check_ref, False, None),
        (first.check_ref, True, "Acme"),
    ]


def test_misses_from_one_client_are_limited(ctx: ServiceContext, clock: FixedClock) -> None:
    _account, _ref, code = holder_code(ctx, clock)
    for attempt in range(sharing.CLIENT_MISSES):
        checks.check_status(ctx, f"W34 679 AC{'DEFGHJKMNP'[attempt]}", BORN, client="192.0.2.1")
    with pytest.raises(sharing.TooManyChecksError) as limited:
        checks.check_status(ctx, str(code), BORN, client="192.0.2.1")
    assert 0 < limited.value.retry_after <= sharing.CLIENT_WINDOW.total_seconds() + 1
    assert checks.check_status(ctx, str(code), BORN, client="192.0.2.2").matched
    clock.instant += sharing.CLIENT_WINDOW
    assert checks.check_status(ctx, str(code), BORN, client="192.0.2.1").matched


def test_misses_on_one_code_are_limited_from_any_client(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, _ref, code = holder_code(ctx, clock)
    for attempt in range(sharing.CODE_MISSES):
        checks.check_status(ctx, str(code), WRONG, client=f"192.0.2.{attempt}")
    with pytest.raises(sharing.TooManyChecksError):
        checks.check_status(ctx, str(code), BORN, client="198.51.100.1")
    with ctx.database.reading() as session:
        assert len(session.scalars(select(StatusCheck)).all()) == sharing.CODE_MISSES


def test_a_matched_check_of_a_status_no_longer_in_force_says_so(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, status_ref, code = holder_code(ctx, clock)
    with ctx.database.transaction() as session:
        session.execute(
            update(Status).where(Status.status_ref == status_ref).values(revoked_at=clock.now())
        )
    answer = checks.check_status(ctx, str(code), BORN, client="192.0.2.1")
    assert answer.matched
    assert not answer.in_force


def test_bad_input_checks_nothing(ctx: ServiceContext, clock: FixedClock) -> None:
    holder_code(ctx, clock)
    with pytest.raises(InvalidInputError) as refused:
        checks.check_status(ctx, "W0O", BORN, client="192.0.2.1", verifier_name="x" * 201)
    assert [p.path for p in refused.value.problems] == ["share_code", "verifier"]
    assert audited(ctx, "status.checked") == []


def test_codes_are_the_holders_own(ctx: ServiceContext, clock: FixedClock) -> None:
    account, status_ref, _code = holder_code(ctx, clock)
    from yms.accounts.services import create_account  # noqa: PLC0415

    other = create_account(ctx, "other@example.org", "a good long password", confirmed=True)
    with pytest.raises(NotFoundError):
        sharing.issue_share_code(ctx, other, status_ref, Purpose.WORK)
    [code] = sharing.codes_of(ctx, account)
    with pytest.raises(NotFoundError):
        sharing.revoke_share_code(ctx, other, code.id)
    assert sharing.codes_of(ctx, other) == []
    sharing.revoke_share_code(ctx, account, code.id)
    sharing.revoke_share_code(ctx, account, code.id)  # again: nothing changes
    assert len(audited(ctx, "status.share_code.revoked")) == 1
    assert len(audited(ctx, "status.share_code.issued")) == 1


def test_checks_of_unknown_codes_go_once_no_limit_needs_them(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, _ref, code = holder_code(ctx, clock)
    checks.check_status(ctx, "W34 679 ACD", BORN, client="192.0.2.1")
    checks.check_status(ctx, str(code), WRONG, client="192.0.2.1")
    assert run_jobs_named(ctx) == 0  # within the hour: the limits still count them
    clock.instant += sharing.CODE_WINDOW + timedelta(seconds=1)
    assert run_jobs_named(ctx) == 1
    with ctx.database.reading() as session:
        kept = session.scalars(select(StatusCheck)).all()
        assert [row.share_code_id is not None for row in kept] == [True]  # the holder's


def run_jobs_named(ctx: ServiceContext) -> int:
    from yms.status.jobs import purge_stray_checks  # noqa: PLC0415

    return purge_stray_checks(ctx)


def test_a_burst_of_misses_on_one_code_is_held_to_its_limit(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, _ref, code = holder_code(ctx, clock)
    start = threading.Barrier(20)

    def guess(day: int) -> str:
        start.wait()
        try:
            checks.check_status(
                ctx, str(code), WRONG + timedelta(days=day), client=f"192.0.2.{day}"
            )
        except sharing.TooManyChecksError:
            return "limited"
        return "checked"

    with ThreadPoolExecutor(20) as pool:
        outcomes = Counter(pool.map(guess, range(20)))
    assert outcomes == Counter(
        {"checked": sharing.CODE_MISSES, "limited": 20 - sharing.CODE_MISSES}
    )
