"""Each request's session: loaded from the cookie, created when a page needs one, saved after.

A session starts only when a page needs one (a form's CSRF token, journey
answers, signing in), so reading a page sets no cookie.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from yms.services import sessions
from yms.services.context import ServiceContext
from yms.services.sessions import Session

COOKIE = "__Host-yms_session"
INSECURE_COOKIE = "yms_session"  # over plain HTTP in development, where __Host- cannot be used


@dataclass
class Visit:
    """The session of one request, and what to do with it when the response goes out."""

    ctx: ServiceContext
    session: Session | None = None
    new: bool = False
    changed: bool = False
    ended: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    def ensure(self) -> Session:
        """This request's session, started now if there is none."""
        if self.session is None:
            self.session = sessions.start(self.ctx)
            self.new = True
        return self.session

    @property
    def account_id(self) -> str | None:
        """Who is signed in, if anyone."""
        return self.session.account_id if self.session else None

    def data(self, key: str) -> dict[str, object]:
        """A journey's answers (a mutable dict; call `changed_data` after changing it)."""
        session = self.ensure()
        value = session.data.setdefault(key, {})
        assert isinstance(value, dict)  # noqa: S101 - only this module writes session data
        return value

    def changed_data(self) -> None:
        """Save the session's data when the response goes out."""
        self.changed = True

    def rotate(self, account_id: str | None) -> None:
        """New tokens (on signing in or out), so a token seen before is worthless."""
        self.session = sessions.rotate(self.ctx, self.ensure(), account_id=account_id)
        self.new = True

    def check_csrf(self, token: object) -> bool:
        """Whether a submitted form carries this session's CSRF token."""
        if self.session is None or not isinstance(token, str):
            return False
        return secrets.compare_digest(token, self.session.csrf_token)


def visit_of(request: Request) -> Visit:
    """The request's visit (set by `session_middleware`)."""
    visit: Visit = request.state.visit
    return visit


def session_middleware(
    ctx: ServiceContext, *, secure: bool
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """Middleware loading the session before the route and saving it after."""
    name = COOKIE if secure else INSECURE_COOKIE

    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        visit = Visit(ctx)
        token = request.cookies.get(name)
        if token and not request.url.path.startswith("/static/"):
            visit.session = await run_in_threadpool(sessions.load, ctx, token)
        request.state.visit = visit
        response = await call_next(request)
        if visit.session is not None and visit.changed and not visit.new:
            await run_in_threadpool(sessions.save, ctx, visit.session)
        if visit.session is not None and visit.new:
            if visit.changed:
                await run_in_threadpool(sessions.save, ctx, visit.session)
            response.set_cookie(
                name,
                visit.session.token,
                max_age=int(sessions.SESSION_LIFETIME.total_seconds()),
                path="/",
                secure=secure,
                httponly=True,
                samesite="lax",
            )
        return response

    return middleware
