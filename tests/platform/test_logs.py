"""Logs go to standard error and never carry personal data."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator

import pytest
import structlog

from yms.platform.logs import configure_logging, describe_exception


@pytest.fixture(autouse=True)
def _default_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    root.handlers[:], root.level = handlers, level


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


SECRET = "K1234567"  # passed by name: a frame's source line shows the code, not the value


def broken(secret: str) -> None:
    try:
        {}[secret]  # raises the KeyError that causes the ValueError
    except KeyError as error:
        raise ValueError(f"no {secret}") from error


def test_an_exception_is_described_without_its_message() -> None:
    try:
        broken(SECRET)
    except ValueError as error:
        described = describe_exception(error)
    assert SECRET not in described
    assert described.index("builtins.KeyError") < described.index("builtins.ValueError")
    assert "which led to:" in described
    assert "in broken\n    {}[secret]" in described  # the source line, never the value


def test_a_suppressed_context_is_left_out() -> None:
    first, second = "first secret", "second secret"
    try:
        try:
            raise KeyError(first)  # noqa: TRY301 - the context to suppress
        except KeyError:
            raise ValueError(second) from None
    except ValueError as error:
        described = describe_exception(error)
    assert "KeyError" not in described
    assert "builtins.ValueError" in described
    assert first not in described
    assert second not in described


@pytest.mark.parametrize("as_json", [True, False])
@pytest.mark.parametrize("given", ["true", "tuple", "instance"])
def test_every_form_of_exc_info_is_described_safely(
    capsys: pytest.CaptureFixture[str], as_json: bool, given: str
) -> None:
    configure_logging(as_json=as_json)
    log = structlog.get_logger("test")
    try:
        broken(SECRET)
    except ValueError as error:
        exc_info = {"true": True, "tuple": sys.exc_info(), "instance": error}[given]
        log.exception("job.failed", exc_info=exc_info)
    err = capsys.readouterr().err
    assert "job.failed" in err
    assert "builtins.ValueError" in err
    assert "in broken" in err
    assert SECRET not in err


def test_no_exception_no_description(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(as_json=True)
    structlog.get_logger("test").info("nothing.wrong", exc_info=False)
    assert "exception" not in json.loads(capsys.readouterr().err)


def test_configured_twice_logs_once(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(as_json=True)
    configure_logging(as_json=True)
    logging.getLogger("some.library").warning("careful")
    assert capsys.readouterr().err.count("careful") == 1
