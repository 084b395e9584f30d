"""Structured logs on standard error, with personal data kept out by construction.

Events carry identifiers (window ids, public refs, counts), never what a person
typed. As a second line of defence, any field whose name suggests personal data
is replaced by ``[redacted]`` before the event is written.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

PERSONAL_FIELDS = frozenset(
    {
        "passport",
        "passport_number",
        "date_of_birth",
        "email",
        "e_mail",
        "name",
        "full_name",
        "given_names",
        "family_name",
        "password",
        "phone",
        "address",
        "identity",
    }
)


def redact_personal_data(
    _logger: object, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace the value of every field named like personal data."""
    for key in event:
        if key.lower() in PERSONAL_FIELDS:
            event[key] = "[redacted]"
    return event


def _stderr_logger(*_args: object) -> structlog.PrintLogger:
    # Looked up at each use, not bound once, so a replaced sys.stderr is honoured.
    return structlog.PrintLogger(sys.stderr)


def configure_logging(*, as_json: bool, level: int = logging.INFO) -> None:
    """Send structlog's events to standard error: JSON lines, or readable for development."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if as_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_personal_data,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
