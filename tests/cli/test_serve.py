"""`yms serve --demo`: the README's first command, started for real and asked for pages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy.exc import OperationalError

from tests.fixtures.web import free_port
from yms.accounts import services as accounts
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
