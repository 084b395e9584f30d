"""Browser sessions, kept on the server: started, read, changed, rotated on sign-in, ended.

The cookie holds a random 256-bit token; the database holds only its SHA-256,
the CSRF token, who is signed in, and the answers of journeys in progress.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete

from yms.platform.context import ServiceContext
from yms.platform.unit_of_work import UnitOfWork
from yms.platform.web.tables import WebSession

SESSION_LIFETIME = timedelta(hours=12)
VISITOR = "visitor"  # the actor of a session no one has signed in to
SYSTEM = "system"


def _seal(uow: UnitOfWork, data: dict[str, object]) -> bytes:
    return uow.sealer.seal(json.dumps(data).encode("utf-8"))


def _open(ctx: ServiceContext, sealed: bytes) -> dict[str, object]:
    opened: dict[str, object] = json.loads(ctx.sealer.open(sealed))
    return opened


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


@dataclass
class Session:
    """A session as a request sees it; `data` may be changed and then saved."""

    token: str
    csrf_token: str
    account_id: str | None = None
    data: dict[str, object] = field(default_factory=dict)


def _actor(account_id: str | None) -> str:
    return account_id or VISITOR


def _add(uow: UnitOfWork, account_id: str | None, data: dict[str, object]) -> Session:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = uow.now()
    uow.session.add(
        WebSession(
            token_hash=_hash(token),
            csrf_token=csrf,
            account_id=account_id,
            data_sealed=_seal(uow, data),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return Session(token, csrf, account_id, dict(data))


def start(ctx: ServiceContext, *, account_id: str | None = None) -> Session:
    """A new session with fresh tokens."""
    with ctx.unit(actor=_actor(account_id)) as uow:
        return _add(uow, account_id, {})


def load(ctx: ServiceContext, token: str) -> Session | None:
    """The live session with this token, or `None` (unknown or expired)."""
    with ctx.database.reading() as db:
        stored = db.get(WebSession, _hash(token))
        if stored is None or stored.expires_at <= ctx.clock.now():
            return None
        return Session(token, stored.csrf_token, stored.account_id, _open(ctx, stored.data_sealed))


def save(ctx: ServiceContext, session: Session) -> None:
    """Store the session's data, and keep it alive for another lifetime."""
    with ctx.unit(actor=_actor(session.account_id)) as uow:
        stored = uow.session.get(WebSession, _hash(session.token))
        if stored is None:
            return
        stored.data_sealed = _seal(uow, session.data)
        stored.expires_at = uow.now() + SESSION_LIFETIME


def rotate(ctx: ServiceContext, session: Session, *, account_id: str | None) -> Session:
    """End `session` and start an empty one for `account_id`, at once.

    Called on signing in and out, so a token known before cannot be used after;
    one transaction, so there is never a moment with both sessions, or neither.
    Nothing is carried over: journey answers (a passport number, a date of
    birth) belong to the person who typed them, who may not be the next one.
    """
    with ctx.unit(actor=_actor(account_id)) as uow:
        uow.session.execute(delete(WebSession).where(WebSession.token_hash == _hash(session.token)))
        return _add(uow, account_id, {})


def end(ctx: ServiceContext, token: str) -> None:
    """Forget a session."""
    with ctx.unit(actor=VISITOR) as uow:
        uow.session.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))


def end_all(uow: UnitOfWork, account_id: str) -> None:
    """End every session of `account_id`, in the caller's unit of work."""
    uow.session.execute(delete(WebSession).where(WebSession.account_id == account_id))


def purge_expired(ctx: ServiceContext) -> int:
    """Delete every expired session; returns how many."""
    with ctx.unit(actor=SYSTEM) as uow:
        result = uow.session.execute(delete(WebSession).where(WebSession.expires_at <= uow.now()))
        return int(getattr(result, "rowcount", 0) or 0)
