"""Server-side browser sessions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.web import sessions


def test_a_session_keeps_its_data(ctx: ServiceContext) -> None:
    started = sessions.start(ctx)
    started.data["check"] = {"scheme": "uk-yms"}
    sessions.save(ctx, started)
    loaded = sessions.load(ctx, started.token)
    assert loaded is not None
    assert loaded.data == {"check": {"scheme": "uk-yms"}}
    assert loaded.csrf_token == started.csrf_token
    assert sessions.load(ctx, "not-a-token") is None


def test_sessions_expire_unless_used(ctx: ServiceContext, clock: FixedClock) -> None:
    kept, dropped = sessions.start(ctx), sessions.start(ctx)
    clock.instant += timedelta(hours=11)
    sessions.save(ctx, kept)
    clock.instant += timedelta(hours=1)
    assert sessions.load(ctx, dropped.token) is None
    assert sessions.load(ctx, kept.token) is not None
    assert sessions.purge_expired(ctx) == 1


def test_rotation_gives_new_tokens_and_ends_the_old(ctx: ServiceContext) -> None:
    old = sessions.start(ctx)
    sessions.save(ctx, old)
    new = sessions.rotate(ctx, old, account_id="acct-1")
    assert (new.token, new.csrf_token) != (old.token, old.csrf_token)
    assert sessions.load(ctx, old.token) is None
    loaded = sessions.load(ctx, new.token)
    assert loaded is not None
    assert loaded.account_id == "acct-1"
    sessions.end(ctx, new.token)
    assert sessions.load(ctx, new.token) is None
    sessions.save(ctx, new)  # saving an ended session does not bring it back
    assert sessions.load(ctx, new.token) is None


def test_rotating_is_one_transaction(ctx: ServiceContext) -> None:
    old = sessions.start(ctx)
    old.data["check"] = {"scheme": "uk-yms"}
    sessions.save(ctx, old)
    commits: list[object] = []

    def counted(connection: object) -> None:
        commits.append(connection)

    event.listen(ctx.database.engine, "commit", counted)
    try:
        fresh = sessions.rotate(ctx, old, account_id="acct_1")
    finally:
        event.remove(ctx.database.engine, "commit", counted)
    assert len(commits) == 1
    assert sessions.load(ctx, old.token) is None
    loaded = sessions.load(ctx, fresh.token)
    assert loaded is not None
    assert loaded.account_id == "acct_1"
    assert loaded.csrf_token != old.csrf_token


def test_rotation_carries_no_journey_answers_over(ctx: ServiceContext) -> None:
    # Defect: answers typed before signing in or out (a passport number, a date of birth)
    # followed the visitor into the next session.
    old = sessions.start(ctx)
    old.data["check"] = {"applicant": {"date_of_birth": "2001-04-03"}}
    old.data["entry:hk-2026-1"] = {"passport_number": "K12345678"}
    sessions.save(ctx, old)
    for account_id in ("acct_1", None):
        new = sessions.rotate(ctx, old, account_id=account_id)
        assert new.data == {}
        loaded = sessions.load(ctx, new.token)
        assert loaded is not None
        assert loaded.data == {}
        old = new
