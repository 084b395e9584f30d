"""A 500's log says where the code broke, and nothing of what the request carried.

Each test adds a route that reads a request full of secrets and then raises with
them in its message and in its local variables, and reads standard error as the
logs are configured for a terminal and as JSON lines.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Iterator

import httpx2 as httpx
import pytest
import structlog
import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from tests.fixtures.web import free_port
from yms.cli.serve import server_config
from yms.platform.context import ServiceContext
from yms.platform.logs import configure_logging
from yms.platform.web.context import context_of
from yms.web.app import create_app

PASSWORD = "correct-horse-battery-91"
PASSPORT = "K99887766"
BASIC_PASSWORD = "basic-secret-42"
AUTHORIZATION = "Basic " + base64.b64encode(f"ana@example.org:{BASIC_PASSWORD}".encode()).decode()
SESSION_TOKEN = "session-token-that-must-not-leak"
CSRF_TOKEN = "csrf-token-that-must-not-leak"


def secrets_of(ctx: ServiceContext) -> list[str]:
    return [
        PASSWORD,
        PASSPORT,
        BASIC_PASSWORD,
        AUTHORIZATION,
        AUTHORIZATION.removeprefix("Basic "),
        SESSION_TOKEN,
        CSRF_TOKEN,
        "ana@example.org",
        ctx.identity_key.decode(),
    ]


def crashing_app(ctx: ServiceContext) -> FastAPI:
    """The service with two routes (page and API) that read secrets, then raise with them."""
    app = create_app(ctx)

    async def boom(request: Request) -> None:
        form = await request.form()
        password, passport = form["password"], form["passport-number"]
        authorization = request.headers["authorization"]
        keys = context_of(request).identity_key
        raise ValueError(f"{passport} {password} {authorization} {keys!r}")

    async def api_boom(request: Request) -> None:
        body = json.loads(await request.body())
        authorization = request.headers["authorization"]
        raise KeyError(f"{body} {authorization}")

    app.add_api_route("/boom", boom, methods=["POST"])
    app.add_api_route("/api/v1/boom", api_boom, methods=["POST"])
    app.router.routes[:0] = app.router.routes[-2:]  # before any catch-all
    del app.router.routes[-2:]
    return app


def send_secrets(client: httpx.Client | TestClient) -> list[httpx.Response]:
    headers = {"authorization": AUTHORIZATION, "cookie": f"__Host-yms_session={SESSION_TOKEN}"}
    return [
        client.post(
            "/boom",
            data={"password": PASSWORD, "passport-number": PASSPORT, "csrf_token": CSRF_TOKEN},
            headers=headers,
        ),
        client.post(
            "/api/v1/boom",
            json={"passport_number": PASSPORT, "password": PASSWORD},
            headers=headers,
        ),
    ]


@pytest.fixture(autouse=True)
def _default_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    root.handlers[:], root.level = handlers, level


@pytest.mark.parametrize("as_json", [False, True], ids=["terminal", "json"])
def test_a_500_logs_where_but_no_secret(
    web_ctx: ServiceContext, capsys: pytest.CaptureFixture[str], as_json: bool
) -> None:
    configure_logging(as_json=as_json)
    client = TestClient(
        crashing_app(web_ctx), base_url="https://testserver", raise_server_exceptions=False
    )
    page, api = send_secrets(client)
    assert page.status_code == 500
    assert "Sorry, there is a problem with the service" in page.text
    assert api.status_code == 500
    assert api.json()["type"] == "/api/v1/problems/internal"
    logged = capsys.readouterr().err
    assert logged.count("request.failed") == 2
    for where in ("ValueError", "KeyError", "in boom", "in api_boom", "/boom", "POST"):
        assert where in logged, where
    leaked = [secret for secret in secrets_of(web_ctx) if secret in logged]
    assert leaked == [], logged


@pytest.mark.parametrize("as_json", [False, True], ids=["terminal", "json"])
def test_the_servers_own_log_of_a_500_holds_no_secret(
    web_ctx: ServiceContext, capsys: pytest.CaptureFixture[str], as_json: bool
) -> None:
    # The app answers the 500, then re-raises for the server to log: uvicorn, run as
    # `yms serve` runs it, logs through our configuration too.
    configure_logging(as_json=as_json)
    port = free_port()
    server = uvicorn.Server(server_config(crashing_app(web_ctx), host="127.0.0.1", port=port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        # A connection each: uvicorn closes one whose app raised, even after its answer.
        fresh = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", limits=fresh) as client:
            assert [r.status_code for r in send_secrets(client)] == [500, 500]
        logged = ""
        deadline = time.monotonic() + 10
        while logged.count("Exception in ASGI application") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            logged += capsys.readouterr().err
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert logged.count("Exception in ASGI application") == 2
    assert logged.count("request.failed") == 2
    leaked = [secret for secret in secrets_of(web_ctx) if secret in logged]
    assert leaked == [], logged


def fail_with(secret: str) -> None:
    raise RuntimeError(secret)


def test_library_logs_with_a_traceback_keep_only_where(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(as_json=False)
    try:
        fail_with(PASSWORD)
    except RuntimeError:
        logging.getLogger("some.library").exception("it broke: %s", "a detail")
    logged = capsys.readouterr().err
    assert "it broke: a detail" in logged
    assert "some.library" in logged
    assert "in fail_with" in logged
    assert "builtins.RuntimeError" in logged
    assert PASSWORD not in logged
