"""Status checks over HTTP in groups (`yms.status.api_groups`): each answered as if alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import psycopg
import psycopg_pool
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select
from starlette.types import Receive

from tests.fixtures.web import LiveServer
from tests.status.builders import BORN, granted
from yms.platform.audit import log as audit_log
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.db import AsyncConnections
from yms.status import api_short, sharing
from yms.status.domain.share_codes import Purpose
from yms.status.tables import StatusCheck


def test_concurrent_checks_over_http_are_each_answered_kept_and_audited(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, status = granted(ctx, clock)
    codes = [
        str(sharing.issue_share_code(ctx, account, status.status_ref, Purpose.WORK).code)
        for _ in range(6)
    ]
    # Each code checked five times: four right, one wrong (under the code's limit of misses).
    checks = [
        (code, BORN if n % 5 else BORN + timedelta(days=1)) for code in codes for n in range(5)
    ]
    server = LiveServer(ctx)

    def check(number: int) -> httpx.Response:
        code, born = checks[number]
        body = {"share_code": code, "date_of_birth": born.isoformat()}
        return httpx.post(f"{server.url}/api/v1/status-checks", json=body)

    with server, ThreadPoolExecutor(max_workers=15) as pool:
        answers = list(pool.map(check, range(len(checks))))
        groups = server.server.config.app.state.check_groups
        assert groups is not None
        assert groups.handled == len(checks)  # every one went through a group
    assert [a.status_code for a in answers] == [200] * len(checks)
    assert [a.json()["match"] for a in answers] == [n % 5 != 0 for n in range(len(checks))]
    refs = {a.json()["check_reference"] for a in answers}
    assert len(refs) == len(checks)
    with ctx.database.reading() as session:
        kept = set(session.scalars(select(StatusCheck.check_ref)).all())
        assert session.scalar(select(func.count()).select_from(StatusCheck)) == len(checks)
    assert kept == refs
    report = audit_log.verify(ctx.database)
    assert report.intact


def test_over_http_too_many_misses_on_a_code_are_refused_in_a_group_too(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, status = granted(ctx, clock)
    code = str(sharing.issue_share_code(ctx, account, status.status_ref, Purpose.WORK).code)
    server = LiveServer(ctx)
    guesses = sharing.CODE_MISSES + 5

    def guess(number: int) -> httpx.Response:
        body = {
            "share_code": code,
            "date_of_birth": (BORN + timedelta(days=1 + number)).isoformat(),
        }
        return httpx.post(f"{server.url}/api/v1/status-checks", json=body)

    with server, ThreadPoolExecutor(max_workers=guesses) as pool:
        answers = list(pool.map(guess, range(guesses)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * sharing.CODE_MISSES + [429] * 5
    assert all("Retry-After" in a.headers for a in answers if a.status_code == 429)
    with ctx.database.reading() as session:
        assert session.scalar(select(func.count()).select_from(StatusCheck)) == sharing.CODE_MISSES


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_with_the_database_away_a_grouped_check_is_answered_503_with_retry_after(
    ctx: ServiceContext, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    account, status = granted(ctx, clock)
    code = str(sharing.issue_share_code(ctx, account, status.status_ref, Purpose.WORK).code)

    @asynccontextmanager
    async def away(_self: AsyncConnections) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        raise psycopg_pool.PoolTimeout("no connection in time")
        yield  # pragma: no cover - never reached

    monkeypatch.setattr(AsyncConnections, "connection", away)
    body = {"share_code": code, "date_of_birth": BORN.isoformat()}
    with LiveServer(ctx) as server:
        answer = httpx.post(f"{server.url}/api/v1/status-checks", json=body)
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["Retry-After"]) > 0
    with ctx.database.reading() as session:
        assert session.scalar(select(func.count()).select_from(StatusCheck)) == 0


def test_the_short_way_in_answers_a_check_and_hands_on_what_it_cannot(
    ctx: ServiceContext, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    account, status = granted(ctx, clock)
    code = str(sharing.issue_share_code(ctx, account, status.status_ref, Purpose.WORK).code)
    handed_on: list[bytes] = []
    real = api_short.replaying

    def counted(body: bytes, receive: Receive, *, whole: bool) -> Receive:
        handed_on.append(body)
        return real(body, receive, whole=whole)

    monkeypatch.setattr(api_short, "replaying", counted)
    labels = {"route": api_short.ROUTE, "method": "POST", "status": "2xx"}

    def answered() -> float:
        return REGISTRY.get_sample_value("yms_http_requests_total", labels) or 0.0

    before = answered()
    with LiveServer(ctx) as server:
        url = f"{server.url}{api_short.ROUTE}"
        good = httpx.post(url, json={"share_code": code, "date_of_birth": BORN.isoformat()})
        assert handed_on == []  # answered by the short way
        bad_date = httpx.post(url, json={"share_code": code, "date_of_birth": "1999-02-30"})
        not_json = httpx.post(url, content=b"{", headers={"content-type": "application/json"})
        huge = httpx.post(url, content=b"{" + b" " * 9_000 + b"}")
    assert good.status_code == 200
    assert good.json()["match"] is True
    assert good.headers["x-content-type-options"] == "nosniff"
    assert answered() == before + 1  # labelled by the route's template, as every route is
    assert len(handed_on) == 2  # the malformed two went on to the route, with their bodies
    assert bad_date.status_code == 422
    assert [e["pointer"] for e in bad_date.json()["errors"]] == ["/date_of_birth"]
    assert not_json.status_code == 400
    assert huge.status_code == 413  # refused unread, by the body limit inside
    assert huge.headers["content-type"] == "application/problem+json"
