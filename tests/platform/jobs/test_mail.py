"""An e-mail is never lost when the sign-up commits, and never sent when it rolls back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import run_jobs
from tests.fixtures.web import inbox
from yms.accounts import services as accounts
from yms.accounts.tables import Account
from yms.platform.audit import log as audit_log
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.jobs import queue
from yms.platform.jobs.queue import JobState
from yms.platform.mail import jobs as mail_jobs
from yms.platform.mail import outbox as notifications
from yms.platform.mail.outbox import OutboxSender
from yms.platform.mail.tables import OutboxMessage

ADDRESS = "ana@example.org"
PASSWORD = "correct horse battery"


def outbox_size(ctx: ServiceContext) -> int:
    with ctx.database.reading() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def accounts_count(ctx: ServiceContext) -> int:
    with ctx.database.reading() as session:
        return session.scalar(select(func.count()).select_from(Account)) or 0


def test_a_committed_sign_up_sends_one_confirmation(ctx: ServiceContext) -> None:
    accounts.sign_up(ctx, ADDRESS, PASSWORD)
    [job] = queue.jobs(ctx.database)
    assert (job.name, job.state) == (notifications.SEND_EMAIL, JobState.QUEUED)
    assert isinstance(ctx.mail, OutboxSender)
    assert ctx.mail.messages(ADDRESS) == []  # nothing is sent before a worker runs
    [message] = inbox(ctx, ADDRESS)
    assert message.template_id == notifications.CONFIRM_EMAIL
    assert message.personalisation["link"].startswith(f"{ctx.public_url}/confirm-email/")
    assert queue.jobs(ctx.database)[0].state == JobState.DONE
    assert run_jobs(ctx) == 0
    assert len(inbox(ctx, ADDRESS)) == 1
    assert outbox_size(ctx) == 1


def test_a_mail_job_run_twice_sends_once(ctx: ServiceContext, clock: FixedClock) -> None:
    accounts.sign_up(ctx, ADDRESS, PASSWORD)
    # A worker sends the message, then dies before recording that the job is done.
    job = queue.claim(ctx.database, ctx.sealer, now=clock.now(), lease=timedelta(minutes=5))
    assert job is not None
    mail_jobs.send_email(ctx, job)
    assert outbox_size(ctx) == 1
    clock.instant += timedelta(minutes=5)
    assert run_jobs(ctx) == 1  # the lease ran out: the job runs again, at least once
    [view] = queue.jobs(ctx.database)
    assert (view.state, view.attempts) == (JobState.DONE, 2)
    [message] = inbox(ctx, ADDRESS)
    assert message.template_id == notifications.CONFIRM_EMAIL
    assert outbox_size(ctx) == 1


def test_a_sign_up_that_rolls_back_sends_nothing(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def chain_down(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the audit chain is unavailable")

    # The audit events are linked last, after the e-mail job joined the transaction.
    monkeypatch.setattr(audit_log, "append", chain_down)
    with pytest.raises(RuntimeError, match="audit chain"):
        accounts.sign_up(ctx, ADDRESS, PASSWORD)
    monkeypatch.undo()
    assert queue.jobs(ctx.database) == []
    assert run_jobs(ctx) == 0
    assert inbox(ctx, ADDRESS) == []
    assert outbox_size(ctx) == 0
    assert accounts_count(ctx) == 0
    # The same sign-up, once the unit can commit, sends its message and makes the account.
    accounts.sign_up(ctx, ADDRESS, PASSWORD)
    assert [m.template_id for m in inbox(ctx, ADDRESS)] == [notifications.CONFIRM_EMAIL]
    assert accounts_count(ctx) == 1


def test_a_sign_up_that_fails_after_the_account_insert_sends_nothing(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_token(*_args: object, **_kwargs: object) -> str:
        raise OSError("no randomness")

    # The token is issued after the account row is flushed and audited.
    monkeypatch.setattr(accounts, "_issue_token", no_token)
    with pytest.raises(OSError, match="randomness"):
        accounts.sign_up(ctx, ADDRESS, PASSWORD)
    assert queue.jobs(ctx.database) == []
    assert inbox(ctx, ADDRESS) == []
    assert accounts_count(ctx) == 0


@pytest.mark.parametrize("when", ["before sending", "after sending"])
def test_a_mail_job_that_fails_is_retried_and_the_message_arrives_once(
    ctx: ServiceContext, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    assert isinstance(ctx.mail, OutboxSender)
    send = ctx.mail.send_email_notification
    calls: list[str | None] = []

    def flaky(
        email_address: str,
        template_id: str,
        personalisation: Mapping[str, str],
        reference: str | None = None,
    ) -> str:
        calls.append(reference)
        if len(calls) == 1 and when == "before sending":
            raise TimeoutError(f"no answer sending to {email_address}")
        sent = send(email_address, template_id, personalisation, reference)
        if len(calls) == 1:  # sent, but the answer was lost
            raise TimeoutError(f"no answer sending to {email_address}")
        return sent

    monkeypatch.setattr(ctx.mail, "send_email_notification", flaky)
    accounts.sign_up(ctx, ADDRESS, PASSWORD)
    assert run_jobs(ctx) == 1
    [view] = queue.jobs(ctx.database)
    assert (view.state, view.attempts, view.last_error) == (JobState.QUEUED, 1, "TimeoutError")
    assert run_jobs(ctx) == 0  # backing off
    clock.instant = view.run_after
    [message] = inbox(ctx, ADDRESS)
    assert message.template_id == notifications.CONFIRM_EMAIL
    [view] = queue.jobs(ctx.database)
    assert (view.state, view.attempts) == (JobState.DONE, 2)
    assert calls == [f"job-{view.id}"] * 2  # the same reference both times
    assert outbox_size(ctx) == 1
