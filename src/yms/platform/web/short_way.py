"""What a short way in needs: the request body read ahead, and handed on if it is not taken.

Middleware that answers one hot route itself, without the framework (the
rush's ballot entries, status checks), reads the body first to decide whether
it can; when it cannot, the app behind it must still get the body, as if
unread (`replaying`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yms.platform.web.overload import Admission, busy

#: What a short way decides: its own answer, or what the app behind it should receive.
Decision = Response | Receive


@dataclass(frozen=True, slots=True)
class RouteLabel:
    """What the metrics label a request taken by a short way by (`metrics.route_of`)."""

    path: str


async def taken_or_passed_on(
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    app: ASGIApp,
    admission: Admission,
    decide: Callable[[], Awaitable[Decision]],
) -> None:
    """Admit the request against `admission` (busy if full), then answer it or pass it on.

    `decide` reads the request and gives the answer, or the receive the app should
    read instead (the body replayed); the admission's place is given back before the
    app, which admits what it is handed as it admits any request.
    """
    if not await admission.enter():
        await busy(Request(scope))(scope, receive, send)
        return
    try:
        decision = await decide()
    finally:
        admission.leave()
    if isinstance(decision, Response):
        await decision(scope, receive, send)
    else:
        await app(scope, decision, send)


def declared_length(scope: Scope) -> int:
    """The request's ``Content-Length``; 0 when absent or malformed (the limit counts it)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, and whether it is all there: reading stops past `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks), False
        if not message.get("more_body", False):
            return b"".join(chunks), True


def replaying(body: bytes, receive: Receive, *, whole: bool) -> Receive:
    """A receive that gives `body` first, then (if there is more) what the client sends next."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": not whole}
        return await receive()

    return replay
