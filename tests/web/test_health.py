"""The probes: /healthz touches nothing, /readyz asks the database and its migration."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import context_for_tests
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.db import SCHEMA_REVISION, Database
from yms.web.app import create_app


def test_a_live_and_migrated_service_is_healthy_and_ready(web_ctx: ServiceContext) -> None:
    with TestClient(create_app(web_ctx), base_url="https://testserver") as client:
        alive = client.get("/healthz")
        assert (alive.status_code, alive.json()) == (200, {"status": "ok"})
        assert "set-cookie" not in alive.headers  # no session made for a probe
        ready = client.get("/readyz")
        assert (ready.status_code, ready.json()) == (
            200,
            {"status": "ready", "revision": SCHEMA_REVISION},
        )


def test_a_database_not_migrated_is_alive_but_not_ready(tmp_path: Path, clock: FixedClock) -> None:
    empty = Database.connect(f"sqlite:///{tmp_path / 'empty.db'}")
    ctx = context_for_tests(empty, clock, tmp_path / "evidence")
    try:
        with TestClient(create_app(ctx), base_url="https://testserver") as client:
            assert client.get("/healthz").status_code == 200
            not_ready = client.get("/readyz")
            assert not_ready.status_code == 503
            assert not_ready.headers["content-type"] == "application/problem+json"
            assert not_ready.headers["retry-after"] == "5"
            assert "at migration none, not" in not_ready.json()["detail"]
    finally:
        empty.dispose()
