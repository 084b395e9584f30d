"""Structured logs on standard error, with personal data kept out by construction.

Events carry identifiers (window ids, public refs, counts), never what a person
typed. As a second line of defence, any field whose name suggests personal data
is replaced by ``[redacted]`` before the event is written.

An exception is logged as its class and the frames it passed through (file,
line, function, source line) — never its message, which may quote what it
failed on, and never local variables, which hold requests, forms, passwords and
keys. That holds for JSON lines and for a terminal, and for the standard
library's loggers (uvicorn's among them), which are sent through the same
processors.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import MutableMapping
from typing import Any, TextIO

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


def describe_exception(error: BaseException) -> str:
    """Where `error` was raised, as a traceback without messages or values.

    Each exception of the chain (its causes and contexts first, as Python prints
    them) shows its frames and its class; its message and every local variable
    are left out.
    """
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    blocks = [
        "".join(traceback.format_list(traceback.extract_tb(link.__traceback__)))
        + f"{type(link).__module__}.{type(link).__qualname__}"
        for link in reversed(chain)
    ]
    return "Traceback (most recent call last; messages and values left out):\n" + (
        "\n\nwhich led to:\n".join(blocks)
    )


def _exception_of(exc_info: object) -> BaseException | None:
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple) and len(exc_info) == 3:  # noqa: PLR2004 - sys.exc_info()
        return exc_info[1] if isinstance(exc_info[1], BaseException) else None
    return sys.exception() if exc_info is True else None


def safe_exceptions(
    _logger: object, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace ``exc_info`` by `describe_exception`'s account of it, before any renderer sees it.

    Renderers would otherwise print the message (and, on a terminal, rich's
    local variables).
    """
    error = _exception_of(event.pop("exc_info", None))
    if error is not None:
        event["exception"] = describe_exception(error)
    return event


def _stderr_logger(*_args: object) -> structlog.PrintLogger:
    # Looked up at each use, not bound once, so a replaced sys.stderr is honoured.
    return structlog.PrintLogger(sys.stderr)


class StderrHandler(logging.StreamHandler[TextIO]):
    """The standard library's records, on whatever `sys.stderr` is when each is written."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write `record` to the current standard error."""
        self.stream = sys.stderr  # under the handler's lock, held by handle()
        super().emit(record)


def configure_logging(*, as_json: bool, level: int = logging.INFO) -> None:
    """Send every log event to standard error: JSON lines, or readable for development.

    structlog's events and the standard library's records (uvicorn, SQLAlchemy)
    go through the same processors: personal fields redacted, exceptions
    without messages or local variables.
    """
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if as_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[Any] = [
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_personal_data,
        safe_exceptions,
    ]
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, *shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    handler = StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    for previous in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(previous)  # configured again: one handler of ours, not two
    root.addHandler(handler)
    root.setLevel(max(level, logging.WARNING))  # libraries speak only when something is wrong
