"""Accounts: sign up, confirm the e-mail address by link, sign in, reset the password.

Passwords are hashed with Argon2id. Every answer is the same whether or not an
address has an account, so the service cannot be used to find out who has one:
the difference goes by e-mail, to the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from yms.accounts.domain import check_password, normalise_email
from yms.accounts.tables import Account, AccountToken
from yms.kernel.errors import InvalidInputError, RefusedError
from yms.platform.context import ServiceContext
from yms.platform.mail import outbox as notifications

CONFIRM_FOR = timedelta(hours=24)
RESET_FOR = timedelta(hours=1)
# A hash to verify against when there is no account, so both cases take as long.
_DUMMY_HASH_INPUT = "not a password anyone has"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who signed in."""

    account_id: str
    role: str
    email_confirmed: bool


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash made once per hasher, so a sign-in for no account costs one verify, like any other."""
    return hasher.hash(_DUMMY_HASH_INPUT)


def _email_hash(ctx: ServiceContext, address: str) -> bytes:
    return hmac.new(ctx.identity_key, b"email|" + address.encode(), hashlib.sha256).digest()


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def _issue_token(ctx: ServiceContext, account_id: str, purpose: str, lasts: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    with ctx.database.transaction() as db:
        db.add(
            AccountToken(
                token_hash=_token_hash(token),
                account_id=account_id,
                purpose=purpose,
                expires_at=ctx.clock.now() + lasts,
            )
        )
    return token


def _find(ctx: ServiceContext, address: str) -> Account | None:
    with ctx.database.reading() as db:
        return db.scalar(select(Account).where(Account.email_hash == _email_hash(ctx, address)))


def sign_up(ctx: ServiceContext, email: str, password: str, *, role: str = "applicant") -> None:
    """Create an account and send the confirmation link; if the address has one, say so by e-mail.

    Returns the same (nothing) either way.
    """
    address = normalise_email(email)
    check_password(password, address)
    existing = _find(ctx, address)
    if existing is not None:
        ctx.mailer.send_email_notification(
            address, notifications.ACCOUNT_EXISTS, {"link": f"{ctx.public_url}/sign-in"}
        )
        return
    account_id = create_account(ctx, address, password, role=role)
    token = _issue_token(ctx, account_id, "confirm_email", CONFIRM_FOR)
    ctx.mailer.send_email_notification(
        address, notifications.CONFIRM_EMAIL, {"link": f"{ctx.public_url}/confirm-email/{token}"}
    )


def create_account(
    ctx: ServiceContext,
    email: str,
    password: str,
    *,
    role: str = "applicant",
    confirmed: bool = False,
) -> str:
    """Store a new account (no e-mail sent); returns its id. Sign-up and the demo use this."""
    address = normalise_email(email)
    check_password(password, address)
    account_id = "acct_" + secrets.token_hex(12)
    now = ctx.clock.now()
    with ctx.database.transaction() as db:
        db.add(
            Account(
                id=account_id,
                email_hash=_email_hash(ctx, address),
                email_sealed=ctx.sealer.seal(address.encode("utf-8")),
                password_hash=ctx.passwords.hash(password),
                role=role,
                created_at=now,
                email_confirmed_at=now if confirmed else None,
            )
        )
    return account_id


def _use_token(ctx: ServiceContext, token: str, purpose: str) -> Account:
    """Spend a one-time token; raises `RefusedError` if unknown, used or expired."""
    with ctx.database.transaction() as db:
        stored = db.get(AccountToken, _token_hash(token), with_for_update=True)
        now = ctx.clock.now()
        if stored is None or stored.purpose != purpose:
            raise RefusedError("This link is not valid. It may have been copied wrongly.")
        if stored.used_at is not None:
            raise RefusedError("This link has already been used.")
        if stored.expires_at <= now:
            raise RefusedError("This link has expired.")
        stored.used_at = now
        account = db.get(Account, stored.account_id)
        assert account is not None  # noqa: S101 - a foreign key
        if purpose == "confirm_email" and account.email_confirmed_at is None:
            account.email_confirmed_at = now
        return account


def confirm_email(ctx: ServiceContext, token: str) -> SignedIn:
    """Confirm the address a link was sent to; returns the account, now confirmed."""
    account = _use_token(ctx, token, "confirm_email")
    return SignedIn(account.id, account.role, email_confirmed=True)


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
        with ctx.database.transaction() as db:
            stored = db.get(Account, account.id)
            if stored is not None:
                stored.password_hash = ctx.passwords.hash(password)
    return SignedIn(account.id, account.role, account.email_confirmed_at is not None)


def request_password_reset(ctx: ServiceContext, email: str) -> None:
    """E-mail a reset link if the address has an account (or say it has none, to it alone)."""
    address = normalise_email(email)
    account = _find(ctx, address)
    if account is None:
        ctx.mailer.send_email_notification(
            address, notifications.NO_ACCOUNT, {"link": f"{ctx.public_url}/sign-up"}
        )
        return
    token = _issue_token(ctx, account.id, "reset_password", RESET_FOR)
    ctx.mailer.send_email_notification(
        address, notifications.RESET_PASSWORD, {"link": f"{ctx.public_url}/reset-password/{token}"}
    )


def reset_password(ctx: ServiceContext, token: str, password: str) -> SignedIn:
    """Set a new password with a reset link (which also confirms the address)."""
    with ctx.database.reading() as db:
        stored = db.get(AccountToken, _token_hash(token))
        account = db.get(Account, stored.account_id) if stored else None
    if account is not None:
        address = ctx.sealer.open(account.email_sealed).decode("utf-8")
        check_password(password, address)
    account = _use_token(ctx, token, "reset_password")
    with ctx.database.transaction() as db:
        stored_account = db.get(Account, account.id)
        assert stored_account is not None  # noqa: S101
        stored_account.password_hash = ctx.passwords.hash(password)
        if stored_account.email_confirmed_at is None:
            stored_account.email_confirmed_at = ctx.clock.now()
    return SignedIn(account.id, account.role, email_confirmed=True)


def email_of(ctx: ServiceContext, account_id: str) -> str:
    """An account's e-mail address, opened from its seal."""
    with ctx.database.reading() as db:
        account = db.get(Account, account_id)
        if account is None:
            raise RefusedError("no such account")
        return ctx.sealer.open(account.email_sealed).decode("utf-8")


def role_of(ctx: ServiceContext, account_id: str | None) -> str | None:
    """The account's role, or `None` for nobody."""
    if account_id is None:
        return None
    with ctx.database.reading() as db:
        account = db.get(Account, account_id)
        return account.role if account else None
