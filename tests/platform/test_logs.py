"""Logs go to standard error and never carry personal data."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import structlog

from yms.platform.logs import configure_logging


@pytest.fixture(autouse=True)
def _default_logging() -> Iterator[None]:
    yield
    structlog.reset_defaults()


def test_personal_fields_are_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(as_json=True)
    structlog.get_logger("test").info(
        "ballot.entered", window="hk-2026-1", passport_number="K1234567", Email="a@b.example"
    )
    captured = capsys.readouterr()
    assert captured.out == ""
    event = json.loads(captured.err)
    assert event["window"] == "hk-2026-1"
    assert event["passport_number"] == "[redacted]"
    assert event["Email"] == "[redacted]"
    assert "K1234567" not in captured.err


def test_readable_logs_for_development(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(as_json=False)
    structlog.get_logger("test").info("invitations.expired", count=3)
    assert "invitations.expired" in capsys.readouterr().err
