"""`yms mail read`: the outbox in full, for a developer; refused anywhere else."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from tests.conftest import run_jobs
from tests.fixtures.commands import Yms
from yms.accounts import services as accounts
from yms.platform.cli import service_context


def test_a_developer_reads_a_confirmation_link(yms_db: Yms) -> None:
    assert "no messages to ana@example.org" in yms_db("mail", "read", "ana@example.org").stdout
    ctx = service_context()
    accounts.sign_up(ctx, "ana@example.org", "a good long password")
    run_jobs(ctx)
    ctx.database.dispose()
    read = yms_db("mail", "read", "Ana@example.org")
    assert read.code == 0, read.stderr
    assert "Confirm your email address" in read.stdout
    assert "http://localhost:8000/confirm-email/" in read.stdout


def test_mail_read_is_refused_outside_development(
    yms_db: Yms, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YMS_ENVIRONMENT", "production")
    monkeypatch.setenv("YMS_IDENTITY_KEY", "k" * 32)
    monkeypatch.setenv("YMS_DATA_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("YMS_PAYMENTS", "govuk-pay")  # production refuses the fake provider
    monkeypatch.setenv("YMS_PAY_API_KEY", "p" * 32)
    monkeypatch.setenv("YMS_PUBLIC_URL", "https://youth-mobility.example.org")
    refused = yms_db("mail", "read", "ana@example.org")
    assert refused.code == 3
    assert "only in development" in refused.stderr
