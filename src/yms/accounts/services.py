"""Accounts: sign up, confirm the e-mail address by link, sign in, reset the password, roles.

Passwords are hashed with Argon2id, before any transaction opens (hashing is
slow on purpose, and a write lock is not). Every answer is the same whether or
not an address has an account, and takes the same work, so the service cannot
be used to find out who has one: the difference goes by e-mail, to the address
itself. E-mails are queued in the same unit of work as the change they tell of.

A link in an e-mail is checked without being spent (`check_confirmation_link`,
`check_reset_link`), so a mail scanner that opens it changes nothing; only the
person's own submission spends it. Confirming an address signs no one in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yms.accounts.domain import STAFF, Role, check_password, normalise_email
from yms.accounts.tables import Account, AccountToken
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.kernel.validation import FieldProblem
from yms.platform.context import ServiceContext
from yms.platform.mail import outbox as notifications
from yms.platform.unit_of_work import UnitOfWork
from yms.platform.web import sessions

CONFIRM_FOR = timedelta(hours=24)
RESET_FOR = timedelta(hours=1)
STAFF_LINK_FOR = timedelta(days=7)  # a new member of staff may not read it the same hour
CONFIRM, RESET = "confirm_email", "reset_password"  # what a one-time link is for
# A hash to verify against when there is no account, so both cases take as long.
_DUMMY_HASH_INPUT = "not a password anyone has"
VISITOR = "visitor"  # the actor before an account is known


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who signed in."""

    account_id: str
    role: Role
    email_confirmed: bool


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash made once per hasher, so a sign-in for no account costs one verify, like any other."""
    return hasher.hash(_DUMMY_HASH_INPUT)


def _email_hash(ctx: ServiceContext, address: str) -> bytes:
    return hmac.new(ctx.identity_key, b"email|" + address.encode(), hashlib.sha256).digest()


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def _issue_token(
    uow: UnitOfWork,
    account_id: str,
    purpose: str,
    lasts: timedelta,
    *,
    password_hash: str | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    uow.session.add(
        AccountToken(
            token_hash=_token_hash(token),
            account_id=account_id,
            purpose=purpose,
            expires_at=uow.now() + lasts,
            password_hash=password_hash,
        )
    )
    return token


def _account_by(db: Session, ctx: ServiceContext, address: str) -> Account | None:
    return db.scalar(select(Account).where(Account.email_hash == _email_hash(ctx, address)))


def _find(ctx: ServiceContext, address: str) -> Account | None:
    with ctx.database.reading() as db:
        return _account_by(db, ctx, address)


@dataclass(frozen=True, slots=True)
class _NewAccount:
    """An account checked and its password hashed, before any transaction opens."""

    id: str
    address: str
    password_hash: str
    role: Role
    confirmed: bool


def _prepare(
    ctx: ServiceContext, email: str, password: str, *, role: Role, confirmed: bool
) -> _NewAccount:
    # Both fields are checked before either is refused, so the page shows every mistake.
    problems: list[FieldProblem] = []
    try:
        address = normalise_email(email)
    except InvalidInputError as error:
        problems.extend(error.problems)
        address = email.strip().lower()
    try:
        check_password(password, address)
    except InvalidInputError as error:
        problems.extend(error.problems)
    if problems:
        raise InvalidInputError(problems)
    return _NewAccount(
        "acct_" + secrets.token_hex(12),
        address,
        ctx.passwords.hash(password),  # Argon2 is slow on purpose: never under a write lock
        Role(role),
        confirmed,
    )


def _add_account(uow: UnitOfWork, ctx: ServiceContext, new: _NewAccount) -> None:
    """Add the account; raises `IntegrityError` if its address has one (the unit stays usable)."""
    now = uow.now()
    with uow.session.begin_nested():  # a savepoint: the unique address is checked here
        uow.session.add(
            Account(
                id=new.id,
                email_hash=_email_hash(ctx, new.address),
                email_sealed=ctx.sealer.seal(new.address.encode("utf-8")),
                password_hash=new.password_hash,
                role=new.role.value,
                created_at=now,
                email_confirmed_at=now if new.confirmed else None,
            )
        )
    uow.audit("account.created", new.id, role=new.role, email_confirmed=new.confirmed)


def _queue_confirmation(
    uow: UnitOfWork,
    account_id: str,
    address: str,
    *,
    password_hash: str | None = None,
) -> None:
    token = _issue_token(uow, account_id, CONFIRM, CONFIRM_FOR, password_hash=password_hash)
    notifications.queue_email(
        uow,
        address,
        notifications.CONFIRM_EMAIL,
        {"link": f"/confirm-email/{token}"},
    )


def sign_up(ctx: ServiceContext, email: str, password: str, *, role: Role = Role.APPLICANT) -> None:
    """Create an account and send the confirmation link; if the address has one, say so by e-mail.

    Returns the same (nothing) either way, after the same work: one Argon2 hash
    and one transaction, so neither the answer nor its time tells whether the
    address has an account. An address with an unconfirmed account gets a fresh
    confirmation link, which finishes this sign-up (with this password); one
    with a confirmed account gets "you already have an account". Two sign-ups
    for one address that race are told apart by the unique address, inside
    the one transaction.
    """
    new = _prepare(ctx, email, password, role=role, confirmed=False)  # the one hash, either way
    # No event is audited for an address that has an account: the actor names only a new one.
    with ctx.unit(actor=new.id) as uow:
        account = _account_by(uow.session, ctx, new.address)
        if account is None:
            try:
                _add_account(uow, ctx, new)
            except IntegrityError:  # another sign-up for the address committed first
                account = _account_by(uow.session, ctx, new.address)
        if account is None:
            _queue_confirmation(uow, new.id, new.address)
        elif account.email_confirmed_at is None:
            _queue_confirmation(uow, account.id, new.address, password_hash=new.password_hash)
        else:
            notifications.queue_email(
                uow,
                new.address,
                notifications.ACCOUNT_EXISTS,
                {"link": "/sign-in"},
            )


def send_confirmation_link(ctx: ServiceContext, email: str) -> None:
    """E-mail a fresh confirmation link if the address has an unconfirmed account.

    Returns the same (nothing) whatever the address: one that is already
    confirmed is told so, one with no account is told how to create one, each
    by e-mail to itself alone. Raises `InvalidInputError` if it is no address.
    """
    address = normalise_email(email)
    with ctx.unit(actor=VISITOR) as uow:
        account = _account_by(uow.session, ctx, address)
        if account is None:
            notifications.queue_email(
                uow,
                address,
                notifications.NO_ACCOUNT_TO_CONFIRM,
                {"link": "/sign-up"},
            )
        elif account.email_confirmed_at is not None:
            notifications.queue_email(
                uow,
                address,
                notifications.ALREADY_CONFIRMED,
                {"link": "/sign-in"},
            )
        else:
            _queue_confirmation(uow, account.id, address)


def create_account(
    ctx: ServiceContext,
    email: str,
    password: str,
    *,
    role: Role = Role.APPLICANT,
    confirmed: bool = False,
    actor: str = "system",
) -> str:
    """Store a new account (no e-mail sent); returns its id. The demo and `yms accounts` use this.

    Raises `RefusedError` if the address already has an account.
    """
    new = _prepare(ctx, email, password, role=role, confirmed=confirmed)
    try:
        with ctx.unit(actor=actor) as uow:
            _add_account(uow, ctx, new)
    except IntegrityError:
        raise RefusedError("an account with this email address already exists") from None
    return new.id


def add_staff(ctx: ServiceContext, email: str, role: Role, *, actor: str) -> str:
    """Create a confirmed staff account with no usable password; returns its set-password link.

    The link (a path, like every link the service sends) is a one-time reset link
    that lasts `STAFF_LINK_FOR`: whoever it is given to chooses the password. Raises
    `InvalidInputError` for a bad address or a role that is not staff, and
    `RefusedError` if the address already has an account. Audited as ``account.created``.
    """
    problems: list[FieldProblem] = []
    try:
        address = normalise_email(email)
    except InvalidInputError as error:
        problems.extend(error.problems)
    if role not in STAFF:
        problems.append(
            FieldProblem("role", "A member of staff is a caseworker, senior caseworker or operator")
        )
    if problems:
        raise InvalidInputError(problems)
    # A real Argon2 hash of a password no one knows: no one can sign in until it is set,
    # and a sign-in tried meanwhile takes the same time as for any account.
    unusable = ctx.passwords.hash(secrets.token_urlsafe(32))
    new = _NewAccount("acct_" + secrets.token_hex(12), address, unusable, role, confirmed=True)
    try:
        with ctx.unit(actor=actor) as uow:
            _add_account(uow, ctx, new)
            token = _issue_token(uow, new.id, RESET, STAFF_LINK_FOR)
    except IntegrityError:
        raise RefusedError("an account with this email address already exists") from None
    return f"/reset-password/{token}"


def _token_account(ctx: ServiceContext, token: str) -> str | None:
    with ctx.database.reading() as db:
        stored = db.get(AccountToken, _token_hash(token))
        return stored.account_id if stored else None


def _refusal(stored: AccountToken | None, purpose: str, now: datetime) -> RefusedError | None:
    """Why a link cannot be used now, or `None` if it can."""
    if stored is None or stored.purpose != purpose:
        return RefusedError("This link is not valid. It may have been copied wrongly.")
    if stored.used_at is not None:
        return RefusedError("This link has already been used.")
    if stored.expires_at <= now:
        return RefusedError("This link has expired.")
    return None


def _check_link(ctx: ServiceContext, token: str, purpose: str) -> None:
    with ctx.database.reading() as db:
        refusal = _refusal(db.get(AccountToken, _token_hash(token)), purpose, ctx.clock.now())
    if refusal is not None:
        raise refusal


def check_confirmation_link(ctx: ServiceContext, token: str) -> None:
    """Raise `RefusedError` unless the link can still confirm (it may be opened again)."""
    _check_link(ctx, token, CONFIRM)


def check_reset_link(ctx: ServiceContext, token: str) -> None:
    """Raise `RefusedError` unless the link can still reset (it may be opened again)."""
    _check_link(ctx, token, RESET)


def _spend_all(uow: UnitOfWork, account_id: str, purpose: str) -> None:
    """Spend every unused link of `purpose` the account has: what they were for is done."""
    uow.session.execute(
        update(AccountToken)
        .where(
            AccountToken.account_id == account_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=uow.now())
    )


def _use_token(uow: UnitOfWork, token: str, purpose: str) -> tuple[Account, str | None]:
    """Spend a one-time link in `uow`: its account, and the password it carries (if any).

    Raises `RefusedError` if the link is unknown, of another kind, used or expired.
    """
    stored = uow.session.get(AccountToken, _token_hash(token), with_for_update=True)
    refusal = _refusal(stored, purpose, uow.now())
    if refusal is not None:
        raise refusal
    assert stored is not None  # noqa: S101 - refused above otherwise
    stored.used_at = uow.now()
    account = uow.session.get(Account, stored.account_id, with_for_update=True)
    assert account is not None  # noqa: S101 - a foreign key
    return account, stored.password_hash


def _confirm(uow: UnitOfWork, account: Account, password_hash: str | None) -> None:
    """Mark the address proved (a link that reached it was used), if it was not yet."""
    if account.email_confirmed_at is not None:
        return
    if password_hash is not None:  # the sign-up that sent this link chose this password
        account.password_hash = password_hash
    account.email_confirmed_at = uow.now()
    _spend_all(uow, account.id, CONFIRM)
    # Whoever signed in before the address was proved is signed out: it may have been
    # someone who signed up first with another person's address.
    sessions.end_all(uow, account.id)
    uow.audit("account.email_confirmed", account.id)


def confirm_email(ctx: ServiceContext, token: str) -> str:
    """Confirm the address a link was sent to; returns the account's id. Signs no one in.

    Raises `RefusedError` if the link is not valid, used or expired.
    """
    with ctx.unit(actor=_token_account(ctx, token) or VISITOR) as uow:
        account, password_hash = _use_token(uow, token, CONFIRM)
        _confirm(uow, account, password_hash)
        return account.id


def sign_in(ctx: ServiceContext, email: str, password: str) -> SignedIn:
    """The account with this address and password; raises `RefusedError` otherwise (one message)."""
    refused = RefusedError("Enter the email address and password of your account")
    try:
        address = normalise_email(email)
    except InvalidInputError:
        raise refused from None
    account = _find(ctx, address)
    try:
        if account is None:
            ctx.passwords.verify(_dummy_hash(ctx.passwords), password + "x")
            raise refused
        ctx.passwords.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise refused from None
    if ctx.passwords.check_needs_rehash(account.password_hash):
        rehashed = ctx.passwords.hash(password)
        with ctx.unit(actor=account.id) as uow:
            stored = uow.session.get(Account, account.id)
            if stored is not None:
                stored.password_hash = rehashed
    return SignedIn(account.id, Role(account.role), account.email_confirmed_at is not None)


def request_password_reset(ctx: ServiceContext, email: str) -> None:
    """E-mail a reset link if the address has an account (or say it has none, to it alone)."""
    address = normalise_email(email)
    account = _find(ctx, address)
    with ctx.unit(actor=account.id if account else VISITOR) as uow:
        if account is None:
            notifications.queue_email(uow, address, notifications.NO_ACCOUNT, {"link": "/sign-up"})
            return
        token = _issue_token(uow, account.id, RESET, RESET_FOR)
        notifications.queue_email(
            uow,
            address,
            notifications.RESET_PASSWORD,
            {"link": f"/reset-password/{token}"},
        )


def reset_password(ctx: ServiceContext, token: str, password: str) -> SignedIn:
    """Set a new password with a reset link (which also confirms the address).

    Every session of the account ends, and every other reset link it was sent:
    whoever knew the old password, or holds an older link, is shut out.
    """
    account_id = _token_account(ctx, token)
    if account_id is not None:
        check_password(password, email_of(ctx, account_id))
    password_hash = ctx.passwords.hash(password)
    with ctx.unit(actor=account_id or VISITOR) as uow:
        account, _carried = _use_token(uow, token, RESET)
        _confirm(uow, account, None)
        account.password_hash = password_hash
        _spend_all(uow, account.id, RESET)
        sessions.end_all(uow, account.id)
        uow.audit("account.password_reset", account.id)
        return SignedIn(account.id, Role(account.role), email_confirmed=True)


def change_role(ctx: ServiceContext, account_id: str, role: Role, *, actor: str) -> Role:
    """Give the account `role`; returns the role it had. The change is audited."""
    with ctx.unit(actor=actor) as uow:
        account = uow.session.get(Account, account_id, with_for_update=True)
        if account is None:
            raise NotFoundError(f"no account {account_id!r}")
        before = Role(account.role)
        if before is not role:
            account.role = role.value
            uow.audit("account.role_changed", account_id, before=before, after=role)
        return before


def account_id_of(ctx: ServiceContext, email: str) -> str:
    """The id of the account with this address; raises `NotFoundError`."""
    account = _find(ctx, normalise_email(email))
    if account is None:
        raise NotFoundError("no account has this email address")
    return account.id


def email_of(ctx: ServiceContext, account_id: str) -> str:
    """An account's e-mail address, opened from its seal; raises `NotFoundError`."""
    with ctx.database.reading() as db:
        account = db.get(Account, account_id)
        if account is None:
            raise NotFoundError("no such account")
        return ctx.sealer.open(account.email_sealed).decode("utf-8")


def emails_of(ctx: ServiceContext, account_ids: Iterable[str]) -> dict[str, str]:
    """The e-mail address of each account that exists, opened from its seal."""
    wanted = set(account_ids)
    if not wanted:
        return {}
    with ctx.database.reading() as db:
        rows = db.execute(
            select(Account.id, Account.email_sealed).where(Account.id.in_(wanted))
        ).all()
    return {account_id: ctx.sealer.open(sealed).decode("utf-8") for account_id, sealed in rows}


def is_confirmed(ctx: ServiceContext, account_id: str) -> bool:
    """Whether the account has confirmed its e-mail address; raises `NotFoundError`."""
    with ctx.database.reading() as db:
        account = db.get(Account, account_id)
        if account is None:
            raise NotFoundError("no such account")
        return account.email_confirmed_at is not None


def require_confirmed(ctx: ServiceContext, account_id: str, *, to: str) -> None:
    """Raise `RefusedError` unless the account has confirmed its e-mail address.

    `to` finishes the sentence the applicant reads: "Confirm your email address
    before you {to}."
    """
    if not is_confirmed(ctx, account_id):
        raise RefusedError(
            f"Confirm your email address before you {to}. "
            "Use the link in the email we sent you when you created your account."
        )


def role_of(ctx: ServiceContext, account_id: str | None) -> Role | None:
    """The account's role, or `None` for nobody."""
    if account_id is None:
        return None
    with ctx.database.reading() as db:
        account = db.get(Account, account_id)
        return Role(account.role) if account else None
