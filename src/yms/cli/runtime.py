"""What database-backed commands share: the service context, and errors turned into exits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from pydantic import ValidationError

from yms.cli.output import EXIT_REFUSED, fail
from yms.services.context import ServiceContext
from yms.services.errors import InvalidInputError, NotFoundError, RefusedError
from yms.settings import Settings
from yms.store.migrations import HEAD


def load_settings() -> Settings:
    """The settings from the environment; a bad one is a one-line error."""
    try:
        return Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "settings"
        fail(f"setting {where}: {problem['msg']}")


def service_context(*, migrated: bool = True) -> ServiceContext:
    """A context on the configured database, which must be migrated unless told otherwise."""
    ctx = ServiceContext.from_settings(load_settings())
    if migrated and ctx.database.revision() != HEAD:
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
