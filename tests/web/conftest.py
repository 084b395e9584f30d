"""The web service under test: in-process for pages, a real HTTP server for the API and browsers."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx2 as httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from tests.conftest import context_for_tests
from tests.databases import sqlite_copy
from yms.clock import FixedClock, SystemClock
from yms.services.context import ServiceContext
from yms.services.notifications import OutboxSender
from yms.store.database import Database
from yms.web.app import create_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_context(url: str, clock: FixedClock | SystemClock, files: Path) -> ServiceContext:
    return context_for_tests(Database.connect(url), clock, files)


@pytest.fixture
def web_ctx(sqlite_template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[ServiceContext]:
    """Services on a fresh SQLite database, with the test clock."""
    ctx = make_context(sqlite_copy(sqlite_template, tmp_path), clock, tmp_path / "evidence")
    yield ctx
    ctx.database.dispose()


class Browser:
    """A TestClient that remembers the last form's CSRF token, as a browser would."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def get(self, url: str, **kwargs: object) -> httpx.Response:
        response = self.client.get(url, **kwargs)  # type: ignore[arg-type]
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(
        self, url: str, data: dict[str, str] | None = None, **kwargs: object
    ) -> httpx.Response:
        form = {"csrf_token": self.csrf, **(data or {})}
        response = self.client.post(url, data=form, follow_redirects=False, **kwargs)  # type: ignore[arg-type]
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response


@pytest.fixture
def browser(web_ctx: ServiceContext) -> Iterator[Browser]:
    """The portal in-process, over HTTPS (so Secure cookies are sent)."""
    with TestClient(create_app(web_ctx), base_url="https://testserver") as client:
        yield Browser(client)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    """uvicorn serving the app on a loopback port, in a thread."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        # Links in e-mails and the payment provider's return point at this server.
        self.ctx = replace(ctx, public_url=self.url, payments=None)
        config = uvicorn.Config(
            create_app(self.ctx), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(web_ctx: ServiceContext) -> Iterator[LiveServer]:
    """The whole service over real HTTP."""
    with LiveServer(web_ctx) as server:
        yield server


def sign_up_and_in(
    browser: Browser, ctx: ServiceContext, email: str, *, role: str = "applicant"
) -> str:
    """An account with a confirmed address, signed in on `browser`; returns its id."""
    from yms.services import accounts  # noqa: PLC0415

    accounts.sign_up(ctx, email, "a good long password", role=role)
    assert isinstance(ctx.mailer, OutboxSender)
    link = ctx.mailer.messages(email)[0].personalisation["link"]
    browser.get(link.removeprefix(ctx.public_url), follow_redirects=False)
    account_id = accounts.sign_in(ctx, email, "a good long password").account_id
    browser.get("/sign-in")
    response = browser.post("/sign-in", {"email": email, "password": "a good long password"})
    assert response.status_code == 303, response.text[:500]
    return account_id
