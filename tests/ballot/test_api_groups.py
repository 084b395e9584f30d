"""The rush's grouped API entries (PostgreSQL): many requests, one commit, each answered alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx2 as httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from tests.ballot.builders import CLOSES, entry, hong_kong_window
from tests.fixtures.web import LiveServer
from yms.accounts import access_tokens
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.ballot.api_groups import EntryGroups, FullPath, GroupedAttempt, Outcome
from yms.ballot.api_rush import ROUTE
from yms.ballot.services.entries import (
    EntryReceipt,
    EntryRequest,
    enter_ballot,
    prepared_entry,
)
from yms.ballot.tables import BallotEntry
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.db import AsyncConnections
from yms.platform.web.ratelimit import DEFAULT_LIMITS, RateLimits, Verdict

# Grouping is PostgreSQL's (SQLite has one writer and takes each entry alone).
pytestmark = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


@pytest.fixture
def pg_ctx(ctx: ServiceContext) -> ServiceContext:
    """The context on PostgreSQL, with the Hong Kong window open and known to this process."""
    hong_kong_window(ctx)
    # An entry through the full path, which learns the window's facts for this process.
    enter_ballot(ctx, entry(number=999_999))
    return ctx


def token_of(
    ctx: ServiceContext, email: str, *, role: Role = Role.APPLICANT, confirmed: bool = True
) -> tuple[str, str]:
    """A new account's id and the secret of a new access token of it."""
    account_id = accounts.create_account(
        ctx, email, "a good long password", role=role, confirmed=confirmed
    )
    return account_id, access_tokens.create_access_token(ctx, account_id, name="t").secret


def attempt(
    ctx: ServiceContext, token: str, number: int, client: str = "client|a"
) -> GroupedAttempt:
    prepared = prepared_entry(ctx, entry(number=number))
    assert prepared is not None
    return GroupedAttempt(token, client, prepared)


def in_one_group(ctx: ServiceContext, attempts: Sequence[GroupedAttempt]) -> list[Outcome]:
    """Each attempt's outcome, all sent at once to one lane (so they form one group)."""

    async def run() -> tuple[list[Outcome], int]:
        limits = RateLimits(ctx.database, ctx.identity_key, ctx.clock)
        groups = EntryGroups(ctx, limits, AsyncConnections(ctx.database, 1), lanes=1)
        try:
            outcomes = await asyncio.gather(*(groups.enter(each) for each in attempts))
            return list(outcomes), groups.mean_group
        finally:
            await groups.close()

    outcomes, mean = asyncio.run(run())
    assert mean == len(attempts)  # one group held them all
    return outcomes


def stored(ctx: ServiceContext) -> dict[str, str | None]:
    with ctx.database.reading() as session:
        rows = session.execute(select(BallotEntry.ref, BallotEntry.account_id)).all()
    return dict(rows)  # type: ignore[arg-type]


def test_a_group_enters_each_new_entry_once_and_answers_each_its_own(
    pg_ctx: ServiceContext,
) -> None:
    people = [token_of(pg_ctx, f"p{number}@example.org") for number in range(30)]
    outcomes = in_one_group(
        pg_ctx, [attempt(pg_ctx, token, number) for number, (_id, token) in enumerate(people)]
    )
    assert all(isinstance(outcome, EntryReceipt) and outcome.created for outcome in outcomes)
    refs = stored(pg_ctx)
    for (account_id, _token), outcome in zip(people, outcomes, strict=True):
        assert isinstance(outcome, EntryReceipt)
        assert refs[outcome.ref] == account_id


def test_what_conflicts_or_is_over_a_limit_is_not_entered_by_the_group(
    pg_ctx: ServiceContext,
) -> None:
    account_id, token = token_of(pg_ctx, "ana@example.org")
    limit = DEFAULT_LIMITS["ballot-entry-account"].attempts
    outcomes = in_one_group(pg_ctx, [attempt(pg_ctx, token, 1 + n) for n in range(limit + 2)])
    first, *conflicts = outcomes[:limit]
    assert isinstance(first, EntryReceipt)
    # The same account's other identities: left to the full path, their limits counted.
    assert all(isinstance(o, FullPath) and o.counted and o.holder for o in conflicts)
    assert all(isinstance(o, Verdict) and not o.allowed for o in outcomes[limit:])
    assert list(stored(pg_ctx).values()).count(account_id) == 1


def test_tokens_the_group_cannot_use_go_the_full_way_uncounted(
    pg_ctx: ServiceContext, clock: FixedClock
) -> None:
    ana, revoked = token_of(pg_ctx, "ana@example.org")
    access_tokens.revoke_access_token(pg_ctx, ana, access_tokens.tokens_of(pg_ctx, ana)[0].id)
    bo = accounts.create_account(pg_ctx, "bo@example.org", "a long password", confirmed=True)
    expired = access_tokens.create_access_token(pg_ctx, bo, name="brief", days=1).secret
    _cy, unconfirmed = token_of(pg_ctx, "cy@example.org", confirmed=False)
    _dee, caseworker = token_of(pg_ctx, "dee@example.org", role=Role.CASEWORKER)
    clock.instant += timedelta(days=1)
    _eve, valid = token_of(pg_ctx, "eve@example.org")  # made after the clock moved on
    tokens = [revoked, expired, unconfirmed, caseworker, "yms_at_nobody-was-given", "a-password"]
    outcomes = in_one_group(pg_ctx, [attempt(pg_ctx, t, n) for n, t in enumerate(tokens)])
    assert outcomes == [FullPath()] * len(tokens)
    assert len(stored(pg_ctx)) == 1  # only the entry made before
    [entered] = in_one_group(pg_ctx, [attempt(pg_ctx, valid, 99)])
    assert isinstance(entered, EntryReceipt)


def test_a_window_that_has_closed_takes_nothing_from_a_group(
    pg_ctx: ServiceContext, clock: FixedClock
) -> None:
    _ana, token = token_of(pg_ctx, "ana@example.org")
    prepared = attempt(pg_ctx, token, 1)
    clock.instant = CLOSES + timedelta(seconds=1)
    [outcome] = in_one_group(pg_ctx, [prepared])
    assert isinstance(outcome, FullPath)
    assert outcome.counted
    assert len(stored(pg_ctx)) == 1


def test_what_the_group_cannot_check_before_the_database_is_not_prepared(
    pg_ctx: ServiceContext,
) -> None:
    unknown_window = EntryRequest("no-such-window", "K12345678", "HK", entry().date_of_birth)
    too_old = EntryRequest("hk-2026-1", "K12345678", "HK", entry().date_of_birth.replace(year=1960))
    bad_passport = EntryRequest("hk-2026-1", "K1", "HK", entry().date_of_birth)
    for request in (unknown_window, too_old, bad_passport):
        assert prepared_entry(pg_ctx, request) is None


def test_concurrent_api_entries_are_each_acknowledged_and_stored_once(
    pg_ctx: ServiceContext,
) -> None:
    people = [token_of(pg_ctx, f"p{number}@example.org") for number in range(40)]
    server = LiveServer(pg_ctx)
    url = f"{server.url}/api/v1/ballot-windows/hk-2026-1/entries"

    def enter(number: int) -> httpx.Response:
        request = entry(number=number)
        body = {
            "passport_number": request.passport_number,
            "nationality": "HK",
            "date_of_birth": request.date_of_birth.isoformat(),
        }
        token = people[number][1]
        return httpx.post(url, json=body, headers={"authorization": f"Bearer {token}"})

    with server, ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(enter, range(len(people))))
        groups = server.server.config.app.state.entry_groups
        assert groups is not None
        assert groups.handled == len(people)  # every one went through a group
    assert [answer.status_code for answer in answers] == [201] * len(people)
    refs = stored(pg_ctx)
    for (account_id, _token), answer in zip(people, answers, strict=True):
        assert refs[answer.json()["ref"]] == account_id
    with pg_ctx.database.reading() as session:
        assert session.scalar(select(func.count()).select_from(BallotEntry)) == len(people) + 1


def test_over_http_a_grouped_refusal_is_answered_as_the_full_path_answers_it(
    pg_ctx: ServiceContext,
) -> None:
    _ana, token = token_of(pg_ctx, "ana@example.org")
    headers = {"authorization": f"Bearer {token}", "idempotency-key": "one-entry"}
    body = {"passport_number": "K12345678", "nationality": "HK", "date_of_birth": "2001-04-03"}
    limit = DEFAULT_LIMITS["ballot-entry-account"].attempts
    with LiveServer(pg_ctx) as server:
        url = f"{server.url}/api/v1/ballot-windows/hk-2026-1/entries"
        answers = [httpx.post(url, json=body, headers=headers) for _ in range(limit + 1)]
        unknown = httpx.post(url, json=body, headers={"authorization": "Bearer yms_at_x"})
    assert [answer.status_code for answer in answers[:limit]] == [201] * limit  # retries
    assert len({answer.json()["ref"] for answer in answers[:limit]}) == 1
    over = answers[limit]
    assert over.status_code == 429
    assert over.headers["content-type"] == "application/problem+json"
    assert 1 <= int(over.headers["retry-after"]) <= 60
    assert unknown.status_code == 401


def test_the_short_way_in_keeps_the_limits_the_metrics_and_the_headers(
    pg_ctx: ServiceContext,
) -> None:
    _ana, token = token_of(pg_ctx, "ana@example.org")
    bearer = {"authorization": f"Bearer {token}"}
    body = {"passport_number": "K12345678", "nationality": "HK", "date_of_birth": "2001-04-03"}
    labels = {"route": ROUTE, "method": "POST", "status": "2xx"}

    def answered() -> float:
        return REGISTRY.get_sample_value("yms_http_requests_total", labels) or 0.0

    before = answered()
    with LiveServer(pg_ctx) as server:
        url = f"{server.url}/api/v1/ballot-windows/hk-2026-1/entries"
        entered = httpx.post(url, json=body, headers=bearer)
        huge = httpx.post(
            url,
            content=b'{"passport_number": "' + b"K" * 70_000 + b'"}',
            headers={**bearer, "content-type": "application/json"},
        )
        groups = server.server.config.app.state.entry_groups
        assert groups is not None
        assert groups.handled == 1  # the entry went in with a group; the huge body did not
    assert entered.status_code == 201
    assert entered.headers["x-content-type-options"] == "nosniff"
    assert answered() == before + 1  # labelled by the route's template, as every route is
    assert huge.status_code == 413
    assert huge.headers["content-type"] == "application/problem+json"
