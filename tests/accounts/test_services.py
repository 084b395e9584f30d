"""Accounts: sign up, confirm by link, sign in, reset; the same answer for any address."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta
from functools import partial

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event, select
from sqlalchemy.orm import Session

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
    account_id = accounts.confirm_email(ctx, token_of(message))
    assert accounts.email_of(ctx, account_id) == "ana@example.org"
    assert accounts.sign_in(ctx, "ana@example.org", PASSWORD).email_confirmed
    with pytest.raises(RefusedError, match="already been used"):
        accounts.confirm_email(ctx, token_of(message))


def test_the_address_is_not_stored_in_clear(ctx: ServiceContext) -> None:
    accounts.sign_up(ctx, "ana@example.org", PASSWORD)
    with ctx.database.reading() as db:
        account = db.query(Account).one()
        assert b"ana@example.org" not in account.email_sealed
        assert b"ana@example.org" not in account.email_hash
        assert account.password_hash.startswith("$argon2id$")


def test_signing_up_with_a_confirmed_address_tells_the_owner(ctx: ServiceContext) -> None:
    accounts.create_account(ctx, "ana@example.org", PASSWORD, confirmed=True)
    assert accounts.sign_up(ctx, "ana@example.org", "another long password") is None
    [message] = inbox(ctx, "ana@example.org")
    assert message.template_id == notifications.ACCOUNT_EXISTS
    assert link_in(message) == f"{ctx.public_url}/sign-in"
    assert accounts.sign_in(ctx, "ana@example.org", PASSWORD).email_confirmed


def test_signing_up_again_before_confirming_sends_a_fresh_confirmation_link(
    ctx: ServiceContext,
) -> None:
    # Defect: the second sign-up sent "You already have an account... Sign in", no link.
    accounts.sign_up(ctx, "ana@example.org", PASSWORD)
    assert accounts.sign_up(ctx, "ana@example.org", "a password chosen later") is None
    fresh, first = inbox(ctx, "ana@example.org")
    assert (fresh.template_id, first.template_id) == (
        notifications.CONFIRM_EMAIL,
        notifications.CONFIRM_EMAIL,
    )
    assert token_of(fresh) != token_of(first)
    accounts.confirm_email(ctx, token_of(fresh))
    # The link finishes the sign-up that sent it, with the password chosen there.
    assert accounts.sign_in(ctx, "ana@example.org", "a password chosen later").email_confirmed
    with pytest.raises(RefusedError):
        accounts.sign_in(ctx, "ana@example.org", PASSWORD)
    # The address is proved: the earlier link has nothing left to do.
    with pytest.raises(RefusedError, match="already been used"):
        accounts.confirm_email(ctx, token_of(first))


class CountingHasher(PasswordHasher):
    """The tests' fast Argon2id, counting the hashes it makes."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.hashes = 0

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.hashes += 1
        return super().hash(password, salt=salt)


@pytest.mark.parametrize("existing", ["none", "unconfirmed", "confirmed"])
def test_sign_up_does_the_same_work_whether_or_not_the_address_has_an_account(
    ctx: ServiceContext, existing: str
) -> None:
    # Defect: an existing address cost a second transaction (and a rollback), so it was slower.
    if existing != "none":
        accounts.create_account(ctx, "ana@example.org", PASSWORD, confirmed=existing == "confirmed")
    hasher = CountingHasher()
    transactions: Counter[str] = Counter()
    listeners = {
        name: partial(lambda name, *_args: transactions.update([name]), name)
        for name in ("begin", "commit", "rollback")
    }
    for name, listener in listeners.items():
        event.listen(ctx.database.engine, name, listener)
    try:
        accounts.sign_up(replace(ctx, passwords=hasher), "ana@example.org", "a new long password")
    finally:
        for name, listener in listeners.items():
            event.remove(ctx.database.engine, name, listener)
    assert hasher.hashes == 1
    assert transactions == {"begin": 1, "commit": 1}


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


def test_a_sign_up_that_loses_a_race_for_its_address_sends_a_fresh_link(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other sign-up commits between this one's look-up and its insert: the unique
    # address catches it inside the one transaction, and the answer is the usual one.
    accounts.create_account(ctx, "ana@example.org", PASSWORD)
    looked_up = accounts._account_by  # the look-up the race slips past
    calls: list[str] = []

    def late(db: Session, ctx: ServiceContext, address: str) -> Account | None:
        calls.append(address)
        return None if len(calls) == 1 else looked_up(db, ctx, address)

    monkeypatch.setattr(accounts, "_account_by", late)
    accounts.sign_up(ctx, "ana@example.org", "a password chosen later")
    assert len(calls) == 2
    [message] = inbox(ctx, "ana@example.org")
    assert message.template_id == notifications.CONFIRM_EMAIL
    accounts.confirm_email(ctx, token_of(message))
    assert accounts.sign_in(ctx, "ana@example.org", "a password chosen later").email_confirmed
    with ctx.database.reading() as db:
        assert db.query(Account).count() == 1


def test_a_password_reset_spends_every_other_reset_link(ctx: ServiceContext) -> None:
    accounts.create_account(ctx, "ana@example.org", PASSWORD, confirmed=True)
    accounts.request_password_reset(ctx, "ana@example.org")
    accounts.request_password_reset(ctx, "ana@example.org")
    second, first = (token_of(m) for m in inbox(ctx, "ana@example.org"))
    accounts.reset_password(ctx, second, "a brand new password")
    with pytest.raises(RefusedError, match="already been used"):
        accounts.reset_password(ctx, first, "the attacker's password")
    assert accounts.sign_in(ctx, "ana@example.org", "a brand new password")


def test_checking_a_link_spends_nothing(ctx: ServiceContext, clock: FixedClock) -> None:
    # Defect: opening a link (an e-mail scanner does) spent it without confirming anything.
    accounts.sign_up(ctx, "ana@example.org", PASSWORD)
    confirm = token_of(inbox(ctx, "ana@example.org")[0])
    accounts.check_confirmation_link(ctx, confirm)
    accounts.check_confirmation_link(ctx, confirm)
    with pytest.raises(RefusedError, match="not valid"):
        accounts.check_reset_link(ctx, confirm)
    accounts.confirm_email(ctx, confirm)
    with pytest.raises(RefusedError, match="already been used"):
        accounts.check_confirmation_link(ctx, confirm)
    with pytest.raises(RefusedError, match="not valid"):
        accounts.check_confirmation_link(ctx, "made-up")
    accounts.request_password_reset(ctx, "ana@example.org")
    reset = token_of(inbox(ctx, "ana@example.org")[0])
    accounts.check_reset_link(ctx, reset)
    accounts.reset_password(ctx, reset, "a brand new password")
    with pytest.raises(RefusedError, match="already been used"):
        accounts.check_reset_link(ctx, reset)
    accounts.request_password_reset(ctx, "ana@example.org")
    late = token_of(inbox(ctx, "ana@example.org")[0])
    clock.instant += accounts.RESET_FOR
    with pytest.raises(RefusedError, match="expired"):
        accounts.check_reset_link(ctx, late)


def test_confirming_signs_out_whoever_signed_in_before_the_address_was_proved(
    ctx: ServiceContext,
) -> None:
    # Someone who signed up first with another person's address is signed out when its owner
    # confirms it.
    accounts.sign_up(ctx, "ana@example.org", PASSWORD)
    account_id = accounts.account_id_of(ctx, "ana@example.org")
    early = sessions.start(ctx, account_id=account_id)
    stranger = sessions.start(ctx, account_id="acct_someone_else")
    accounts.confirm_email(ctx, token_of(inbox(ctx, "ana@example.org")[0]))
    assert sessions.load(ctx, early.token) is None
    assert sessions.load(ctx, stranger.token) is not None


@pytest.mark.parametrize(
    ("existing", "template"),
    [
        ("none", notifications.NO_ACCOUNT_TO_CONFIRM),
        ("unconfirmed", notifications.CONFIRM_EMAIL),
        ("confirmed", notifications.ALREADY_CONFIRMED),
    ],
)
def test_sending_the_confirmation_link_again_tells_only_the_address(
    ctx: ServiceContext, existing: str, template: str
) -> None:
    if existing != "none":
        accounts.create_account(ctx, "ana@example.org", PASSWORD, confirmed=existing == "confirmed")
    assert accounts.send_confirmation_link(ctx, " ANA@example.org ") is None
    [message] = inbox(ctx, "ana@example.org")
    assert message.template_id == template
    if existing == "unconfirmed":
        accounts.confirm_email(ctx, token_of(message))
        # No password came with this link: the account keeps the one it was made with.
        assert accounts.sign_in(ctx, "ana@example.org", PASSWORD).email_confirmed


def test_sending_the_confirmation_link_again_needs_an_address(ctx: ServiceContext) -> None:
    with pytest.raises(InvalidInputError) as raised:
        accounts.send_confirmation_link(ctx, "ana@")
    assert raised.value.problems[0].path == "email"
