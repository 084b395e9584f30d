"""What every command shares: the service context, exit codes, and one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import NoReturn

import typer
from pydantic import ValidationError

from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.platform.context import ServiceContext
from yms.platform.db import SCHEMA_REVISION
from yms.platform.settings import Settings

#: A result was produced (whatever it says).
EXIT_OK = 0
#: A check ran and found a mismatch (e.g. a tampered draw record).
EXIT_MISMATCH = 1
#: The input could not be used (malformed, or naming something that does not exist).
EXIT_BAD_INPUT = 2
#: The input was understood, but the rules refuse it (e.g. a window not yet closed).
EXIT_REFUSED = 3


def fail(reason: str, *, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print one line saying what is wrong, on standard error, and exit with `code`."""
    print(f"yms: {reason}", file=sys.stderr)  # noqa: T201 - the command's error channel
    raise typer.Exit(code)


def load_settings() -> Settings:
    """The settings from the environment; a bad one is a one-line error."""
    try:
        return Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "settings"
        fail(f"setting {where}: {problem['msg']}")


def actor() -> str:
    """Who this command acts as in the audit log (``YMS_ACTOR``, ``cli`` by default)."""
    return load_settings().actor


def service_context(*, migrated: bool = True, settings: Settings | None = None) -> ServiceContext:
    """A context on the configured database, which must be migrated unless told otherwise."""
    ctx = ServiceContext.from_settings(settings or load_settings())
    if migrated and ctx.database.revision() != SCHEMA_REVISION:
        fail("the database is not up to date: run `yms db upgrade` first")
    return ctx


@contextmanager
def reported() -> Iterator[None]:
    """Turn a service's refusal or a bad input into a one-line error and an exit code."""
    try:
        yield
    except InvalidInputError as error:
        fail(str(error))
    except NotFoundError as error:
        fail(str(error.args[0]))
    except RefusedError as error:
        fail(str(error), code=EXIT_REFUSED)


def parse_instant(name: str, text: str) -> datetime:
    """An ISO 8601 instant with a time zone (``2027-01-05T09:00Z``), in UTC."""
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{name} must be a date and time like 2027-01-05T09:00Z")
    if instant.tzinfo is None:
        fail(f"{name} needs a time zone, e.g. 2027-01-05T09:00Z or 2027-01-05T09:00+01:00")
    return instant.astimezone(UTC)
