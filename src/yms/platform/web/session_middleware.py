"""Each request's session: loaded from the cookie, created when a page needs one, saved after.

A session starts only when a page needs one (a form's CSRF token, journey
answers, signing in), so reading a page sets no cookie. The cookie has no
Max-Age: it ends when the browser closes, and with it every answer typed (the
server forgets the session itself after `sessions.SESSION_LIFETIME` unused).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yms.platform.context import ServiceContext
from yms.platform.web import sessions
from yms.platform.web.sessions import Session

COOKIE = "__Host-yms_session"
INSECURE_COOKIE = "yms_session"  # over plain HTTP in development, where __Host- cannot be used


@dataclass
class Visit:
    """The session of one request, and what to do with it when the response goes out."""

    ctx: ServiceContext
    session: Session | None = None
    new: bool = False
    changed: bool = False

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

    def finish_journey(self, key: str, **left: object) -> None:
        """Forget a journey's answers once they have served (keeping only `left`), and save."""
        answers = self.data(key)
        answers.clear()
        answers.update(left)
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
    """The request's visit (set by `SessionMiddleware`; a blank one where it did not run)."""
    visit: Visit | None = getattr(request.state, "visit", None)
    if visit is None:
        visit = Visit(request.app.state.ctx)
        request.state.visit = visit
    return visit


class SessionMiddleware:
    """ASGI middleware: load the session before the route, save it and set the cookie after.

    Pure ASGI rather than Starlette's ``BaseHTTPMiddleware``, which runs the route in a
    separate task (slower, and invisible to coverage measurement).
    """

    def __init__(self, app: ASGIApp, ctx: ServiceContext, *, secure: bool) -> None:
        self.app, self.ctx, self.secure = app, ctx, secure
        self.name = COOKIE if secure else INSECURE_COOKIE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        visit = Visit(self.ctx)
        token = Request(scope).cookies.get(self.name)
        if token:
            visit.session = await run_in_threadpool(sessions.load, self.ctx, token)
        scope.setdefault("state", {})["visit"] = visit

        async def send_with_session(message: Message) -> None:
            if message["type"] == "http.response.start":
                await self._finish(visit, message)
            await send(message)

        await self.app(scope, receive, send_with_session)

    async def _finish(self, visit: Visit, message: Message) -> None:
        if visit.session is None:
            return
        if visit.changed:
            await run_in_threadpool(sessions.save, self.ctx, visit.session)
        if visit.new:
            cookie = SimpleCookie()
            cookie[self.name] = visit.session.token
            morsel = cookie[self.name]
            morsel["path"] = "/"  # no max-age: a session cookie, gone when the browser closes
            morsel["httponly"] = True
            morsel["samesite"] = "lax"
            if self.secure:
                morsel["secure"] = True
            headers = MutableHeaders(scope=message)
            headers.append("set-cookie", morsel.OutputString())
