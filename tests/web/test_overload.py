"""Overload: a full process and an empty database pool both answer 503 "busy" at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import anyio.to_thread
import httpx2 as httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from yms.platform.context import ServiceContext
from yms.platform.db import Database
from yms.platform.web.overload import Capacity
from yms.web.app import create_app

BUSY_PAGE = "Your place is not affected — entering early gives no advantage."


@contextmanager
def one_request_held(app: FastAPI) -> Iterator[TestClient]:
    """A client to `app` while one request is held inside it, in its handler, until the end."""
    entered, release = threading.Event(), threading.Event()

    def held() -> dict[str, str]:
        entered.set()
        release.wait(timeout=30)
        return {"held": "done"}

    app.add_api_route("/held-for-test", held)
    with TestClient(app, base_url="https://testserver") as client:
        holder = threading.Thread(target=client.get, args=("/held-for-test",))
        holder.start()
        assert entered.wait(timeout=30)
        try:
            yield client
        finally:
            release.set()
            holder.join(timeout=30)


def assert_busy_problem(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"] == "60"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/api/v1/problems/busy"


def assert_busy_page(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"] == "60"
    assert response.headers["content-type"].startswith("text/html")
    assert BUSY_PAGE in response.text
    assert "Content-Security-Policy" in response.headers  # a page like any other


def test_a_full_process_turns_the_next_request_away_with_a_retry_after(
    web_ctx: ServiceContext,
) -> None:
    app = create_app(web_ctx, capacity=Capacity(threads=4, in_flight=1, wait=0.01))
    with one_request_held(app) as client:
        assert_busy_problem(client.get("/api/v1/schemes"))
        assert_busy_problem(client.get("/ballots", headers={"Accept": "application/json"}))
        assert_busy_page(client.get("/ballots", headers={"Accept": "text/html"}))
        # The probes and metrics are never held back: the process is alive, only full.
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        assert client.get("/metrics").status_code == 404  # not from an allowed network
    with TestClient(app, base_url="https://testserver") as client:
        assert client.get("/ballots").status_code == 200  # the slot was given back


def test_the_thread_pool_has_as_many_threads_as_the_capacity_says(
    web_ctx: ServiceContext,
) -> None:
    app = create_app(web_ctx, capacity=Capacity(threads=3, in_flight=6))

    async def tokens() -> dict[str, float]:
        return {"tokens": anyio.to_thread.current_default_thread_limiter().total_tokens}

    app.add_api_route("/tokens-for-test", tokens)
    with TestClient(app, base_url="https://testserver") as client:
        assert client.get("/tokens-for-test").json() == {"tokens": 3}


@contextmanager
def starved(ctx: ServiceContext) -> Iterator[ServiceContext]:
    """`ctx` on a pool of one connection, which the test holds, so no request gets one."""
    url = ctx.database.engine.url.render_as_string(hide_password=False)
    database = Database.connect(url, pool_size=1, max_overflow=0, pool_timeout=0.01)
    try:
        yield replace(ctx, database=database)
    finally:
        database.dispose()


def test_a_database_pool_with_no_free_connection_answers_busy_not_500(
    ctx: ServiceContext,
) -> None:
    with starved(ctx) as small:
        app = create_app(small)
        with TestClient(
            app, base_url="https://testserver", raise_server_exceptions=False
        ) as client:
            client.get("/sign-in")  # a session, so the next requests load one first
            assert client.cookies
            with small.database.engine.connect():  # the only connection, held
                # in the session middleware, before any route: still an answer, not a crash
                assert_busy_page(client.get("/ballots"))
                assert_busy_problem(client.get("/ballots", headers={"Accept": "application/json"}))
                client.cookies.clear()
                # in the route itself (the ballots page reads the windows)
                assert_busy_page(client.get("/ballots"))
                assert_busy_problem(client.get("/ballots", headers={"Accept": "application/json"}))
            assert client.get("/ballots").status_code == 200


def test_the_short_ways_in_are_admitted_apart_and_turn_the_next_away_when_full(
    web_ctx: ServiceContext,
) -> None:
    # No room on the short ways at all; plenty for the rest.
    full = Capacity(threads=4, in_flight=4, wait=0.01, grouped_in_flight=0)
    check = {"share_code": "W34 679 ACD", "date_of_birth": "2001-05-17"}
    entry = {"passport_number": "K12345678", "nationality": "HK", "date_of_birth": "2001-04-03"}
    with TestClient(create_app(web_ctx, capacity=full), base_url="https://testserver") as client:
        assert_busy_problem(client.post("/api/v1/status-checks", json=check))
        if web_ctx.database.dialect == "postgresql":  # entries are grouped on PostgreSQL only
            assert_busy_problem(client.post("/api/v1/ballot-windows/w/entries", json=entry))
        assert client.get("/ballots").status_code == 200  # the rest is admitted as before
    roomy = Capacity(threads=4, in_flight=4, wait=0.01)
    with TestClient(create_app(web_ctx, capacity=roomy), base_url="https://testserver") as client:
        answered = client.post("/api/v1/status-checks", json=check)
    assert answered.status_code == 200
    assert answered.json()["match"] is False
