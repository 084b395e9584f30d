"""Accounts: sign up, confirm by link, sign in, reset; the same answer for any address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.fixtures.web import inbox
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.accounts.tables import Account
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.platform.audit import log as audit_log
from yms.platform.audit.tables import AuditEvent
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.mail import outbox as notifications
from yms.platform.mail.outbox import SentEmail
from yms.platform.web import sessions

PASSWORD = "correct horse battery"


def link_in(message: SentEmail) -> str:
    return message.personalisation["link"]


def token_of(message: SentEmail) -> str:
    return link_in(message).rsplit("/", 1)[1]


def test_sign_up_sends_a_confirmation_link(ctx: ServiceContext) -> None:
    accounts.sign_up(ctx, " Ana@Example.ORG ", PASSWORD)
    [message] = inbox(ctx, "ana@example.org")
    assert message.template_id == notifications.CONFIRM_EMAIL
    assert link_in(message).startswith("http://localhost:8000/confirm-email/")
    assert token_of(message) in message.body
    signed_in = accounts.confirm_email(ctx, token_of(message))
    assert signed_in.email_confirmed
    assert accounts.email_of(ctx, signed_in.account_id) == "ana@example.org"
    with pytest.raises(RefusedError, match="already been used"):
        accounts.confirm_email(ctx, token_of(message))


def test_the_address_is_not_stored_in_clear(ctx: ServiceContext) -> None:
    accounts.sign_up(ctx, "ana@example.org", PASSWORD)
    with ctx.database.reading() as db:
        account = db.query(Account).one()
        assert b"ana@example.org" not in account.email_sealed
        assert b"ana@example.org" not in account.email_hash
        assert account.password_hash.startswith("$argon2id$")


def test_signing_up_twice_says_the_same_and_tells_the_owner(ctx: ServiceContext) -> None:
    accounts.sign_up(ctx, "ana@example.org", PASSWORD)
    assert accounts.sign_up(ctx, "ana@example.org", "another long password") is None
    templates = [m.template_id for m in inbox(ctx, "ana@example.org")]
    assert templates == [notifications.ACCOUNT_EXISTS, notifications.CONFIRM_EMAIL]


@pytest.mark.parametrize(
    ("email", "password", "field", "message"),
    [
        ("", PASSWORD, "email", "Enter your email address"),
        ("ana@", PASSWORD, "email", "correct format"),
        ("ana@example.org", "short", "password", "10 characters or more"),
        ("ana@example.org", "x" * 257, "password", "256 characters or fewer"),
        ("ana.long@example.org", "ANA.LONG@example.org", "password", "not be your email"),
    ],
)
def test_sign_up_names_the_bad_field(
    ctx: ServiceContext, email: str, password: str, field: str, message: str
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        accounts.sign_up(ctx, email, password)
    assert raised.value.problems[0].path == field
    assert message in raised.value.problems[0].message


def test_sign_in_gives_one_answer_for_every_failure(ctx: ServiceContext) -> None:
    accounts.sign_up(ctx, "ana@example.org", PASSWORD)
    signed_in = accounts.sign_in(ctx, "ANA@example.org", PASSWORD)
    assert signed_in.role == "applicant"
    assert not signed_in.email_confirmed
    messages = set()
    for email, password in [
        ("ana@example.org", "wrong password!"),
        ("nobody@example.org", PASSWORD),
        ("not an address", PASSWORD),
    ]:
        with pytest.raises(RefusedError) as raised:
            accounts.sign_in(ctx, email, password)
        messages.add(str(raised.value))
    assert len(messages) == 1


def test_password_reset(ctx: ServiceContext, clock: FixedClock) -> None:
    accounts.sign_up(ctx, "ana@example.org", PASSWORD)
    accounts.request_password_reset(ctx, "ana@example.org")
    message = inbox(ctx, "ana@example.org")[0]
    assert message.template_id == notifications.RESET_PASSWORD
    with pytest.raises(InvalidInputError):
        accounts.reset_password(ctx, token_of(message), "short")
    accounts.reset_password(ctx, token_of(message), "a brand new password")
    assert accounts.sign_in(ctx, "ana@example.org", "a brand new password").email_confirmed
    with pytest.raises(RefusedError):
        accounts.sign_in(ctx, "ana@example.org", PASSWORD)
    accounts.request_password_reset(ctx, "ana@example.org")
    late = inbox(ctx, "ana@example.org")[0]
    clock.instant += timedelta(hours=1)
    with pytest.raises(RefusedError, match="expired"):
        accounts.reset_password(ctx, token_of(late), "yet another password")


def test_a_reset_for_an_unknown_address_tells_only_that_address(ctx: ServiceContext) -> None:
    assert accounts.request_password_reset(ctx, "nobody@example.org") is None
    [message] = inbox(ctx, "nobody@example.org")
    assert message.template_id == notifications.NO_ACCOUNT


def test_links_of_the_wrong_kind_or_made_up_are_refused(ctx: ServiceContext) -> None:
    accounts.sign_up(ctx, "ana@example.org", PASSWORD)
    confirm = token_of(inbox(ctx, "ana@example.org")[0])
    with pytest.raises(RefusedError, match="not valid"):
        accounts.reset_password(ctx, confirm, "a brand new password")
    with pytest.raises(RefusedError, match="not valid"):
        accounts.confirm_email(ctx, "made-up")


def test_a_password_reset_signs_out_every_session(ctx: ServiceContext) -> None:
    account = accounts.create_account(ctx, "ana@example.org", PASSWORD, confirmed=True)
    signed_in = sessions.start(ctx, account_id=account)
    stranger = sessions.start(ctx, account_id="acct_someone_else")
    accounts.request_password_reset(ctx, "ana@example.org")
    [message] = inbox(ctx, "ana@example.org")
    accounts.reset_password(ctx, link_in(message).rsplit("/", 1)[1], "a brand new password")
    assert sessions.load(ctx, signed_in.token) is None
    assert sessions.load(ctx, stranger.token) is not None


def test_a_role_change_is_audited_and_takes_effect(ctx: ServiceContext) -> None:
    account = accounts.create_account(ctx, "op@example.org", PASSWORD, confirmed=True)
    assert accounts.change_role(ctx, account, Role.OPERATOR, actor="cli") is Role.APPLICANT
    assert accounts.role_of(ctx, account) is Role.OPERATOR
    assert accounts.change_role(ctx, account, Role.OPERATOR, actor="cli") is Role.OPERATOR
    with ctx.database.reading() as session:
        events = audit_log.history(session, account)
    assert [(e["action"], e["actor"], e["data"]) for e in events] == [
        ("account.created", "system", {"role": "applicant", "email_confirmed": True}),
        ("account.role_changed", "cli", {"before": "applicant", "after": "operator"}),
    ]
    with pytest.raises(NotFoundError):
        accounts.change_role(ctx, "acct_nobody", Role.OPERATOR, actor="cli")


def test_the_chain_never_holds_an_address(ctx: ServiceContext) -> None:
    accounts.sign_up(ctx, "ana@example.org", PASSWORD)
    [message] = inbox(ctx, "ana@example.org")
    accounts.confirm_email(ctx, link_in(message).rsplit("/", 1)[1])
    with ctx.database.reading() as session:
        texts = session.scalars(select(AuditEvent.event)).all()
    assert len(texts) == 2  # created, e-mail confirmed
    assert not any("ana@example.org" in text or "example.org" in text for text in texts)
