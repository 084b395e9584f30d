"""`yms serve --demo`: the README's first command, started for real and asked for pages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import OperationalError

from tests.databases import create_postgres_database, postgres_admin_url
from tests.fixtures.commands import Yms
from tests.fixtures.web import free_port
from yms.accounts import services as accounts
from yms.cli.serve import MULTIPROCESS_DIR, cores, worker_count
from yms.platform.cli import EXIT_BAD_INPUT
from yms.platform.context import ServiceContext
from yms.platform.mail.outbox import OutboxSender
from yms.platform.settings import Settings


def test_serve_demo_answers_on_its_port(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "YMS_DATABASE_URL": f"sqlite:///{tmp_path / 'yms.db'}"}
    server = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "yms", "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "yms serve did not start"
                time.sleep(0.2)
        assert home.status_code == 200
        ballots = httpx.get(f"http://127.0.0.1:{port}/ballots").text
        assert "taiwan-2025-1" in ballots
        assert "hong-kong-2025-2" in ballots
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert f"http://localhost:{port}/" in output
    assert "demo data" in output
    assert "demo applicant: applicant@example.org" in output


@pytest.mark.parametrize("public_url", [None, "https://yms.example.org"], ids=["port", "given"])
def test_serve_links_e_mails_to_the_port_it_listens_on(
    tmp_path: Path, public_url: str | None
) -> None:
    """Links follow `--port` in development, unless `YMS_PUBLIC_URL` says otherwise."""
    port = free_port()
    url = f"sqlite:///{tmp_path / 'yms.db'}"
    env = {k: v for k, v in os.environ.items() if k != "YMS_PUBLIC_URL"}
    if public_url is not None:
        env["YMS_PUBLIC_URL"] = public_url
    server = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "yms", "serve", "--demo", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**env, "YMS_DATABASE_URL": url},
        cwd=tmp_path,
    )
    try:
        ctx = ServiceContext.from_settings(Settings(database_url=url))
        deadline = time.monotonic() + 60
        while True:  # the demo's invitation is sent by the worker inside the server
            time.sleep(0.5)
            assert server.poll() is None
            assert time.monotonic() < deadline, "no invitation e-mail"
            try:
                assert isinstance(ctx.mail, OutboxSender)
                sent = ctx.mail.messages("applicant@example.org")
            except OperationalError:  # not migrated yet
                continue
            if sent:
                break
        [invitation] = sent
        served = public_url or f"http://localhost:{port}"
        assert invitation.personalisation["link"].startswith(f"{served}/invitations/")
        # An e-mail queued by another process (the operator's command line, which does
        # not know the port) is sent by the server's worker, linking to the server.
        assert ctx.public_url == "http://localhost:8000"
        accounts.create_account(ctx, "late@example.org", "a good long password")
        accounts.send_confirmation_link(ctx, "late@example.org")
        while not ctx.mail.messages("late@example.org"):
            assert time.monotonic() < deadline + 30, "no confirmation e-mail"
            time.sleep(0.5)
        [confirmation] = ctx.mail.messages("late@example.org")
        assert confirmation.personalisation["link"].startswith(f"{served}/confirm-email/")
    finally:
        server.terminate()
        server.wait(timeout=20)
        ctx.database.dispose()


def test_workers_are_a_number_or_one_per_core() -> None:
    assert worker_count("3", sqlite=False) == 3
    assert worker_count("auto", sqlite=False) == cores() >= 1
    assert worker_count("auto", sqlite=True) == 1  # SQLite is one process
    assert worker_count("1", sqlite=True) == 1


@pytest.mark.parametrize("asked", ["0", "-2", "many", ""])
def test_a_worker_count_that_is_not_one_or_more_is_refused(yms: Yms, asked: str) -> None:
    ran = yms("serve", "--workers", asked)
    assert ran.code == EXIT_BAD_INPUT
    assert "--workers must be a number from 1, or auto" in ran.stderr


def test_several_workers_on_sqlite_are_refused_with_the_reason(
    yms: Yms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YMS_DATABASE_URL", f"sqlite:///{tmp_path / 'yms.db'}")
    ran = yms("serve", "--workers", "2")
    assert ran.code == EXIT_BAD_INPUT
    assert "SQLite is written by one process" in ran.stderr
    assert not (tmp_path / "yms.db").exists()  # refused before anything was opened


def test_several_workers_share_one_port_and_add_up_their_metrics(
    tmp_path: Path, worker_id: str
) -> None:
    """`yms serve --workers 2` on PostgreSQL: both answer, and a scrape counts them all."""
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("no PostgreSQL: run scripts/test, or set YMS_TEST_POSTGRES_URL")
    url = create_postgres_database(admin, f"yms_serve_{worker_id}")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != MULTIPROCESS_DIR},
        "YMS_DATABASE_URL": url,
        "TMPDIR": str(tmp_path),  # where the workers' metrics folder is made, and removed
    }
    server = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "yms", "serve", "--workers", "2", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, f"{base}/healthz")
        [folder] = [p for p in tmp_path.iterdir() if p.name.startswith("yms-metrics-")]
        for _ in range(40):  # a new connection each time, so they spread over the workers
            with httpx.Client(base_url=base) as client:
                assert client.get("/ballots").status_code == 200
        scraped = httpx.get(f"{base}/metrics").text
        # Each worker writes its own file; a scrape, whichever worker answers, adds up all.
        writers = {path.stem.rsplit("_", 1)[1] for path in folder.glob("counter_*.db")}
        assert len(writers) == 2
        counted = [
            sample.value
            for family in text_string_to_metric_families(scraped)
            for sample in family.samples
            if sample.name == "yms_http_requests_total" and sample.labels["route"] == "/ballots"
        ]
        assert counted == [40.0]
        assert "yms_jobs_queued 0.0" in scraped
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "2 web processes" in output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("yms-metrics-")]


def wait_until_serving(server: subprocess.Popen[str], url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert server.poll() is None, server.stdout.read() if server.stdout else ""
        assert time.monotonic() < deadline, "yms serve did not start"
        time.sleep(0.2)
