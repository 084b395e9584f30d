"""The unit of work: the one way to change state.

``with ctx.unit(actor=...) as uow:`` opens one transaction. Inside it a service
changes its tables through `uow.session`, records what happened with
`uow.audit(...)` and queues follow-up work with `uow.enqueue(...)`; all three
commit together or not at all. Effects outside the database (files, calls to
providers) go in `after_commit` (or, to undo an effect made before the
transaction, `after_rollback`), so none runs while a row lock is held and none
survives a rollback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.orm import Session

from yms.platform.audit import log as audit_log
from yms.platform.audit.chain import ACTOR
from yms.platform.clock import Clock
from yms.platform.db import Database
from yms.platform.jobs import queue
from yms.platform.sealing import Sealer

log = structlog.get_logger(__name__)
Effect = Callable[[], None]


class UnitOfWork:
    """One transaction, with the audit events and jobs that commit with it."""

    def __init__(self, session: Session, *, actor: str, clock: Clock, sealer: Sealer) -> None:
        self.session = session
        self.actor = actor
        self._clock = clock
        self.sealer = sealer
        self._events: list[audit_log.PendingEvent] = []
        self._jobs: list[queue.JobRequest] = []
        self.on_commit: list[Effect] = []
        self.on_rollback: list[Effect] = []

    def now(self) -> datetime:
        """The time, from the context's clock."""
        return self._clock.now()

    def audit(self, action: str, subject: str, **data: Any) -> None:
        """Record that `action` happened to `subject`, by this unit's actor, on commit.

        `data` is plain JSON (instants and dates are written as text) and never
        personal data: ids, references, counts, states.
        """
        pending = audit_log.PendingEvent(self.actor, action, subject, data)
        audit_log.check_event(pending, self.now())
        self._events.append(pending)

    def enqueue(
        self,
        job: str,
        *,
        key: str | None = None,
        run_after: datetime | None = None,
        max_attempts: int = queue.DEFAULT_ATTEMPTS,
        **args: Any,
    ) -> None:
        """Queue `job` with `args` (JSON): it is run by a worker once this unit commits."""
        self._jobs.append(queue.JobRequest(job, args, key, run_after, max_attempts))

    def after_commit(self, effect: Effect) -> None:
        """Run `effect` once the transaction has committed (never if it rolls back)."""
        self.on_commit.append(effect)

    def after_rollback(self, effect: Effect) -> None:
        """Run `effect` if the transaction rolls back (to undo what was done before it)."""
        self.on_rollback.append(effect)

    def _before_commit(self) -> None:
        now = self.now()
        for request in self._jobs:
            queue.add(self.session, self.sealer, request, now=now)
        # Last, and after the unit's own writes have gone out, so the head's lock (which
        # every unit that audits waits for) is held for as short a time as can be.
        self.session.flush()
        audit_log.append(self.session, self._events, at=now)


def _run(effects: list[Effect], when: str) -> None:
    for effect in effects:
        try:
            effect()
        except Exception as error:  # noqa: BLE001 - the change stands; say what failed after it
            # No traceback: its frames could show what a person typed.
            log.error(  # noqa: TRY400
                "unit_of_work.effect_failed", when=when, error=type(error).__name__
            )


@contextmanager
def unit_of_work(
    database: Database, *, actor: str, clock: Clock, sealer: Sealer
) -> Iterator[UnitOfWork]:
    """A unit of work on `database`, committed when the block ends normally."""
    if not ACTOR.match(actor):
        raise ValueError(f"an actor is a pseudonymous id, not {actor!r}")
    uow: UnitOfWork | None = None
    try:
        with database.transaction() as session:
            uow = UnitOfWork(session, actor=actor, clock=clock, sealer=sealer)
            yield uow
            uow._before_commit()  # noqa: SLF001 - the context manager is the unit's own
    except BaseException:
        if uow is not None:
            _run(uow.on_rollback, "rollback")
        raise
    _run(uow.on_commit, "commit")
