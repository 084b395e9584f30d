"""API access tokens: made by the account holder, shown once, kept as a hash, revocable.

The API takes ``Authorization: Bearer <token>`` instead of a password on every
request: Argon2 is slow on purpose (tens of milliseconds and 64 MiB a try),
which is right at sign-in and ruinous when thousands of entries arrive a
second. A token is 256 random bits, so a SHA-256 lookup is as safe and costs
microseconds. Making and revoking one is audited; using one is not (the entry
it makes is the record).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import ColumnElement, Select, bindparam, func, select

from yms.accounts.domain import (
    API_TOKEN_DAYS,
    API_TOKEN_PREFIX,
    Role,
    check_api_token_request,
    hash_api_token,
)
from yms.accounts.tables import Account, ApiToken
from yms.kernel.errors import NotFoundError
from yms.platform.context import ServiceContext
from yms.platform.db import postgresql_text


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just made: the only time its secret is known."""

    id: str
    name: str
    secret: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenSummary:
    """What the holder sees of a token they made: never the secret."""

    id: str
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    def active(self, now: datetime) -> bool:
        """Whether the token still lets its holder in at `now`."""
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class TokenHolder:
    """Who a presented token belongs to."""

    account_id: str
    role: Role
    email_confirmed: bool


def create_access_token(
    ctx: ServiceContext,
    account_id: str,
    *,
    name: str,
    days: int = API_TOKEN_DAYS,
    actor: str | None = None,
) -> IssuedToken:
    """Make a token for `account_id` lasting `days`; audited as ``access_token.created``.

    `actor` is who made it when not the holder (an operator at the command line).

    Raises `InvalidInputError` for an empty or long name or a lifetime outside
    1-365 days, and `NotFoundError` for no such account.
    """
    label = check_api_token_request(name, days)
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = "tok_" + secrets.token_hex(8)
    with ctx.unit(actor=actor or account_id) as uow:
        if uow.session.get(Account, account_id) is None:
            raise NotFoundError(f"no account {account_id!r}")
        expires_at = uow.now() + timedelta(days=days)
        uow.session.add(
            ApiToken(
                id=token_id,
                token_hash=hash_api_token(secret),
                account_id=account_id,
                name=label,
                created_at=uow.now(),
                expires_at=expires_at,
            )
        )
        uow.audit("access_token.created", token_id, account=account_id, days=days)
    return IssuedToken(token_id, label, secret, expires_at)


def tokens_of(ctx: ServiceContext, account_id: str) -> list[TokenSummary]:
    """Every token `account_id` made, newest first."""
    with ctx.database.reading() as db:
        rows = db.scalars(
            select(ApiToken)
            .where(ApiToken.account_id == account_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id)
        )
        return [
            TokenSummary(row.id, row.name, row.created_at, row.expires_at, row.revoked_at)
            for row in rows
        ]


def revoke_access_token(
    ctx: ServiceContext, account_id: str, token_id: str, *, actor: str | None = None
) -> bool:
    """Revoke `account_id`'s token `token_id` from now on; `False` if it was revoked already.

    Raises `NotFoundError` when the account has no such token (another account's
    token is not found either). Audited as ``access_token.revoked``.
    """
    with ctx.unit(actor=actor or account_id) as uow:
        token = uow.session.get(ApiToken, token_id, with_for_update=True)
        if token is None or token.account_id != account_id:
            raise NotFoundError(f"no token {token_id!r}")
        if token.revoked_at is not None:
            return False
        token.revoked_at = uow.now()
        uow.audit("access_token.revoked", token_id, account=account_id)
        return True


def _holders_where(
    condition: ColumnElement[bool],
) -> Select[bytes, datetime, datetime | None, str, str, datetime | None]:
    """Each matching token's hash, expiry and revocation; its account's id, role, confirmation."""
    return (
        select(
            ApiToken.token_hash,
            ApiToken.expires_at,
            ApiToken.revoked_at,
            Account.id,
            Account.role,
            Account.email_confirmed_at,
        )
        .join(Account, Account.id == ApiToken.account_id)
        .where(condition)
    )


_HOLDER = _holders_where(ApiToken.token_hash == bindparam("token_hash"))
# The same, for a group of tokens at once (PostgreSQL, `holders_of_group`).
_HOLDERS = postgresql_text(
    _holders_where(ApiToken.token_hash == func.any(bindparam("token_hashes")))
)


def _holder(row: Sequence[Any], now: datetime) -> TokenHolder | None:
    """The holder a found row names, unless its token is revoked or expired at `now`."""
    expires_at, revoked_at, account_id, role, confirmed_at = row
    if revoked_at is not None or now >= expires_at:
        return None
    return TokenHolder(account_id, Role(role), confirmed_at is not None)


async def holders_of_group(
    connection: psycopg.AsyncConnection[Any], secrets_: Sequence[str], now: datetime
) -> list[TokenHolder | None]:
    """For each presented token, its holder as `holder_of` finds it: one statement for all.

    On an async PostgreSQL connection (`yms.platform.db.AsyncConnections`), for
    the rush's grouped entries.
    """
    hashes = {hash_api_token(secret) for secret in secrets_ if secret.startswith(API_TOKEN_PREFIX)}
    found: dict[bytes, TokenHolder | None] = {}
    if hashes:
        cursor = await connection.execute(_HOLDERS, {"token_hashes": list(hashes)})
        for token_hash, *row in await cursor.fetchall():
            found[bytes(token_hash)] = _holder(row, now)
    return [
        found.get(hash_api_token(secret)) if secret.startswith(API_TOKEN_PREFIX) else None
        for secret in secrets_
    ]


def holder_of(ctx: ServiceContext, secret: str) -> TokenHolder | None:
    """The account a presented token belongs to, or `None` if unknown, expired or revoked."""
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    # One statement outside any transaction, built once: this runs on every API request.
    with ctx.database.one_statement(read_only=True) as connection:
        found = connection.execute(_HOLDER, {"token_hash": hash_api_token(secret)}).one_or_none()
    if found is None:
        return None
    return _holder(found[1:], ctx.clock.now())
