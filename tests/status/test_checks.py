"""Status checks in groups (`checks.check_group`, and its async twin): each as if alone."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.status.builders import BORN, granted
from yms.platform.audit import log as audit_log
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.db import AsyncConnections
from yms.status import checks, sharing, signing
from yms.status.domain.share_codes import Purpose
from yms.status.tables import StatusCheck

WRONG = BORN + timedelta(days=1)
UNKNOWN = "W34 679 ACD"
# Past every limit's window, so one example's misses do not reach into the next.
LATER = sharing.CODE_WINDOW + sharing.CLIENT_WINDOW

# A check: which code (two real ones, one no one made), the right date of birth or not,
# and which of three clients.
drawn_checks = st.lists(
    st.tuples(st.integers(0, 2), st.booleans(), st.integers(0, 2)), min_size=1, max_size=24
)


def requests(codes: list[str], drawn: list[tuple[int, bool, int]]) -> list[checks.CheckRequest]:
    return [
        checks.parse_check(codes[code], BORN if right else WRONG, client=f"192.0.2.{client}")
        for code, right, client in drawn
    ]


def outcome(answer: sharing.CheckAnswer | sharing.TooManyChecksError) -> tuple[str, int]:
    if isinstance(answer, sharing.TooManyChecksError):
        return ("refused", answer.retry_after)
    return ("matched" if answer.matched else "no match", 0)


def kept(ctx: ServiceContext) -> int:
    with ctx.database.reading() as session:
        return int(session.scalar(select(func.count()).select_from(StatusCheck)) or 0)


def two_codes_and_an_unknown(ctx: ServiceContext, clock: FixedClock) -> list[str]:
    """A holder's work and rent codes, and a code no one made."""
    account, status = granted(ctx, clock)
    return [
        str(sharing.issue_share_code(ctx, account, status.status_ref, purpose).code)
        for purpose in (Purpose.WORK, Purpose.RENT)
    ] + [UNKNOWN]


def answered_alone(
    ctx: ServiceContext, clock: FixedClock, group: list[checks.CheckRequest]
) -> list[tuple[str, int]]:
    """Each check of `group` alone, in turn, past every miss made before (and after)."""
    clock.instant += LATER
    alone = [outcome(checks.check_group(ctx, [request])[0]) for request in group]
    clock.instant += LATER
    return alone


def test_a_group_answers_each_check_as_if_checked_alone_in_turn(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    codes = two_codes_and_an_unknown(ctx, clock)

    @settings(max_examples=20, deadline=None)
    @given(drawn=drawn_checks)
    def each_as_alone(drawn: list[tuple[int, bool, int]]) -> None:
        before = kept(ctx)
        grouped = [outcome(a) for a in checks.check_group(ctx, requests(codes, drawn))]
        in_group = kept(ctx) - before
        alone = answered_alone(ctx, clock, requests(codes, drawn))
        assert grouped == alone
        assert in_group == sum(1 for kind, _wait in grouped if kind != "refused")

    each_as_alone()


def test_a_group_is_one_commit_with_an_audit_event_per_check(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, status = granted(ctx, clock)
    code = str(sharing.issue_share_code(ctx, account, status.status_ref, Purpose.WORK).code)
    group = [
        checks.parse_check(code, BORN, client="192.0.2.1", verifier_name="Acme"),
        checks.parse_check(code, WRONG, client="192.0.2.2"),
        checks.parse_check(UNKNOWN, BORN, client="192.0.2.3"),
    ]
    answers = checks.check_group(ctx, group)
    assert [outcome(a) for a in answers] == [("matched", 0), ("no match", 0), ("no match", 0)]
    with ctx.database.reading() as session:
        refs = session.scalars(select(StatusCheck.check_ref).order_by(StatusCheck.id)).all()
    assert refs == [a.check_ref for a in answers if isinstance(a, sharing.CheckAnswer)]
    assert audit_log.verify(ctx.database).intact
    first = answers[0]
    assert isinstance(first, sharing.CheckAnswer)
    assert sharing.checked(ctx, first.check_ref) == first


def test_misses_in_a_group_count_against_the_checks_after_them(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, status = granted(ctx, clock)
    code = str(sharing.issue_share_code(ctx, account, status.status_ref, Purpose.WORK).code)
    guesses = [
        checks.parse_check(code, WRONG + timedelta(days=n), client=f"198.51.100.{n}")
        for n in range(sharing.CODE_MISSES + 3)
    ]
    answers = checks.check_group(ctx, [*guesses, checks.parse_check(code, BORN, client="x")])
    kinds = [outcome(a)[0] for a in answers]
    # The code's limit stops the guessing, and the right date of birth after it too.
    assert kinds == ["no match"] * sharing.CODE_MISSES + ["refused"] * 4
    assert kept(ctx) == sharing.CODE_MISSES


async def _async_group(
    ctx: ServiceContext, group: list[checks.CheckRequest]
) -> list[checks.Outcome]:
    connections = AsyncConnections(ctx.database, 1)
    try:
        signer = signing.remembered_signer(ctx) or signing.current_signer(ctx)
        async with connections.connection() as connection:
            return await checks.check_group_async(ctx, connection, group, signer)
    finally:
        await connections.close()


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_on_postgresql_the_async_group_answers_as_the_unit_of_work_does(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    codes = two_codes_and_an_unknown(ctx, clock)

    @settings(max_examples=15, deadline=None)
    @given(drawn=drawn_checks)
    def same_answers(drawn: list[tuple[int, bool, int]]) -> None:
        before = kept(ctx)
        answers = asyncio.run(_async_group(ctx, requests(codes, drawn)))
        grouped = [outcome(a) for a in answers]
        assert kept(ctx) - before == sum(1 for kind, _wait in grouped if kind != "refused")
        alone = answered_alone(ctx, clock, requests(codes, drawn))
        assert grouped == alone
        for answer in answers:  # kept as the holder and the verifier page read them back
            if isinstance(answer, sharing.CheckAnswer) and answer.matched:
                assert sharing.checked(ctx, answer.check_ref) == answer
                assert answer.record is not None
                signing.verify_record(answer.record, signing.jwks(ctx))

    same_answers()
    assert audit_log.verify(ctx.database).intact
