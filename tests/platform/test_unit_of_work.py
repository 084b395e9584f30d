"""The unit of work: one transaction for the change, its events and jobs; effects after it."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from yms.accounts.tables import Account
from yms.platform.audit.tables import AuditEvent
from yms.platform.context import ServiceContext
from yms.platform.jobs.tables import Job


def count(ctx: ServiceContext, table: type[AuditEvent] | type[Job] | type[Account]) -> int:
    with ctx.database.reading() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_effects_run_after_commit_and_only_then(ctx: ServiceContext) -> None:
    seen: list[str] = []
    with ctx.unit(actor="system") as uow:
        uow.after_commit(lambda: seen.append(f"committed with {count(ctx, AuditEvent)} events"))
        uow.after_rollback(lambda: seen.append("rolled back"))
        uow.audit("test.thing.opened", "thing-1")
        uow.enqueue("test.job", n=1)
        assert seen == []  # nothing outside the database happens inside the transaction
    assert seen == ["committed with 1 events"]
    assert count(ctx, Job) == 1


def test_a_unit_that_raises_leaves_nothing_and_undoes_what_it_asked(ctx: ServiceContext) -> None:
    seen: list[str] = []

    def change_then_fail() -> None:
        with ctx.unit(actor="system") as uow:
            uow.after_commit(lambda: seen.append("committed"))
            uow.after_rollback(lambda: seen.append("rolled back"))
            uow.audit("test.thing.opened", "thing-1")
            uow.enqueue("test.job", n=1)
            raise LookupError

    with pytest.raises(LookupError):
        change_then_fail()
    assert seen == ["rolled back"]
    assert (count(ctx, AuditEvent), count(ctx, Job)) == (0, 0)


def test_a_failing_effect_after_commit_does_not_undo_the_change(ctx: ServiceContext) -> None:
    def broken() -> None:
        raise OSError("the disk is full")

    with ctx.unit(actor="system") as uow:
        uow.after_commit(broken)
        uow.audit("test.thing.opened", "thing-1")
    assert count(ctx, AuditEvent) == 1


@pytest.mark.parametrize("actor", ["", "Ana Chan", "ana@example.org", "x" * 65])
def test_the_actor_is_a_pseudonymous_id(ctx: ServiceContext, actor: str) -> None:
    with pytest.raises(ValueError, match="pseudonymous"), ctx.unit(actor=actor):
        pass  # pragma: no cover - refused before the block runs


def test_a_bad_event_is_refused_where_it_is_recorded(ctx: ServiceContext) -> None:
    with ctx.unit(actor="system") as uow:
        with pytest.raises(TypeError, match="float"):
            uow.audit("test.thing.measured", "thing-1", share=0.5)
        with pytest.raises(ValueError, match="dotted"):
            uow.audit("Thing Measured", "thing-1")
    assert count(ctx, AuditEvent) == 0


def test_one_unit_is_one_commit(ctx: ServiceContext) -> None:
    commits: list[object] = []

    def counted(connection: object) -> None:
        commits.append(connection)

    event.listen(ctx.database.engine, "commit", counted)
    try:
        with ctx.unit(actor="system") as uow:
            uow.audit("test.thing.opened", "thing-1")
            uow.audit("test.thing.closed", "thing-1")
            uow.enqueue("test.job")
    finally:
        event.remove(ctx.database.engine, "commit", counted)
    assert len(commits) == 1
