"""Rate limits counted in the database: shared by every process, kept across restarts."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import TEST_NOW
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.db import AsyncConnections, Database
from yms.platform.web.ratelimit import Limit, RateLimits, Verdict
from yms.platform.web.tables import RateLimitCount

KEY = b"k" * 32


def limits(ctx: ServiceContext, clock: FixedClock, attempts: int = 3) -> RateLimits:
    return RateLimits(ctx.database, KEY, clock, {"form": Limit(attempts, 60)})


def test_two_processes_share_one_count(ctx: ServiceContext, clock: FixedClock) -> None:
    first, second = limits(ctx, clock), limits(ctx, clock)  # as two workers would hold
    answers = [
        limiter.attempt("form", "client|192.0.2.1").allowed for limiter in (first, second) * 2
    ]
    assert answers == [True, True, True, False]


def test_a_restart_does_not_reset_the_count(ctx: ServiceContext, clock: FixedClock) -> None:
    for _ in range(3):
        assert limits(ctx, clock).attempt("form", "client|192.0.2.1").allowed
    assert not limits(ctx, clock).attempt("form", "client|192.0.2.1").allowed


def test_each_subject_has_its_own_count_and_any_over_refuses(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    limiter = limits(ctx, clock)
    for _ in range(3):
        assert limiter.attempt("form", "account|a").allowed
    assert limiter.attempt("form", "account|b").allowed
    assert not limiter.attempt("form", "account|b", "account|a").allowed


def test_the_next_window_starts_afresh_and_says_when(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    clock.instant = clock.instant.replace(second=15, microsecond=0)
    limiter = limits(ctx, clock, attempts=1)
    assert limiter.attempt("form", "client|x").allowed
    refused = limiter.attempt("form", "client|x")
    assert (refused.allowed, refused.retry_after) == (False, 45)
    clock.instant += timedelta(seconds=45)
    assert limiter.attempt("form", "client|x").allowed


def test_purge_deletes_only_ended_windows(ctx: ServiceContext, clock: FixedClock) -> None:
    limiter = limits(ctx, clock)
    limiter.attempt("form", "client|old")
    clock.instant += timedelta(seconds=60)
    limiter.attempt("form", "client|new")
    assert limiter.purge() == 1
    with ctx.database.reading() as session:
        assert session.scalar(select(func.count()).select_from(RateLimitCount)) == 1


def test_keys_are_kept_only_as_keyed_hashes(ctx: ServiceContext, clock: FixedClock) -> None:
    limits(ctx, clock).attempt("form", "client|203.0.113.9")
    with ctx.database.reading() as session:
        [stored] = session.scalars(select(RateLimitCount.key_hash))
    assert len(stored) == 32
    assert b"203.0.113.9" not in stored


@given(
    attempts=st.integers(min_value=1, max_value=30), tries=st.integers(min_value=0, max_value=40)
)
def test_exactly_the_limit_is_let_through(attempts: int, tries: int) -> None:
    database = Database.connect("sqlite://")  # a fresh database for each example
    RateLimitCount.__table__.create(database.engine)
    limiter = RateLimits(database, KEY, FixedClock(TEST_NOW), {"form": Limit(attempts, 60)})
    allowed = sum(limiter.attempt("form", "client|x").allowed for _ in range(tries))
    assert allowed == min(attempts, tries)


SUBJECTS = st.sampled_from(["client|a", "client|b", "account|1", "account|2"])


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)  # the rush's async path
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    group=st.lists(st.lists(SUBJECTS, min_size=1, max_size=2, unique=True), max_size=12),
    before=st.integers(min_value=0, max_value=4),
)
def test_a_group_counted_at_once_gets_the_verdicts_of_its_attempts_in_turn(
    ctx: ServiceContext, clock: FixedClock, group: list[list[str]], before: int
) -> None:
    limiter = RateLimits(ctx.database, KEY, clock, {"form": Limit(3, 60), "api": Limit(5, 60)})
    attempts = [[("form" if "client" in s else "api", s) for s in subjects] for subjects in group]

    def in_turn() -> list[Verdict]:
        limiter.forget()
        for _ in range(before):
            limiter.attempt("form", "client|a")
        return [limiter.attempt_each(*each) for each in attempts]

    async def at_once() -> list[Verdict]:
        connections = AsyncConnections(ctx.database, 1)
        try:
            async with connections.connection() as connection:
                return await limiter.attempt_group(connection, attempts)
        finally:
            await connections.close()

    expected = in_turn()
    limiter.forget()
    for _ in range(before):
        limiter.attempt("form", "client|a")
    assert asyncio.run(at_once()) == expected
