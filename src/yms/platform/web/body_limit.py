"""Request bodies are limited while they stream, whatever the transfer encoding.

A body declared (``Content-Length``) over its route's limit is refused before a
byte of it is read; one without a length (``Transfer-Encoding: chunked``) is
counted as ``receive`` yields it, and refused as soon as the count passes the
limit. The refusal is a 413 — a problem document under ``/api/``, the GOV.UK
error page otherwise — that closes the connection, so the rest is never read.
"""

from __future__ import annotations

from collections.abc import Mapping
from re import Pattern

from fastapi import HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yms.platform.web.problems import is_api, problem
from yms.platform.web.rendering import render

KIB = 1024
MIB = 1024 * KIB
# Every form but an upload, and every API body, is a few hundred bytes of typing.
DEFAULT_MAX_BODY_BYTES = 64 * KIB


class BodyTooLargeError(HTTPException):
    """The request body is over its route's limit (`limit`, in bytes)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"The request body is over {size(limit)}.")
        self.limit = limit


def size(limit: int) -> str:
    """A limit as people read it: ``64 KB``, ``11 MB``, ``1,500 bytes``."""
    if limit and limit % MIB == 0:
        return f"{limit // MIB} MB"
    if limit and limit % KIB == 0:
        return f"{limit // KIB} KB"
    return f"{limit:,} bytes"


def too_large(request: Request, error: BodyTooLargeError) -> Response:
    """The 413 answer: a problem document for the API, the error page for people."""
    if is_api(request):
        return problem(413, "Too large", str(error.detail), kind="too-large")
    return render(request, "errors/413.html", status=413, form=False)


class BodyLimitMiddleware:
    """ASGI middleware: count each request's body against its route's limit as it arrives.

    `limits` maps route paths (``/api/v1/eligibility``, ``/applications/{case_ref}/...``)
    to their limit in bytes; every other path has `default`. A declared length over the
    limit is answered here without calling the app; a route reading past the limit gets
    `BodyTooLargeError` from ``receive``, which the app's error handler answers with
    `too_large` (and this middleware, should it escape unanswered).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int = DEFAULT_MAX_BODY_BYTES,
        limits: Mapping[str, int] | None = None,
    ) -> None:
        self.app, self.default = app, default
        self.limits: list[tuple[Pattern[str], int]] = [
            (compile_path(path)[0], limit) for path, limit in (limits or {}).items()
        ]

    def limit_for(self, path: str) -> int:
        """The limit of the route at `path`."""
        return next((limit for route, limit in self.limits if route.match(path)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = _Body(self.limit_for(scope["path"]), receive, send)
        declared = Headers(scope=scope).get("content-length", "")
        try:
            if declared.isascii() and declared.isdigit() and int(declared) > body.limit:
                body.refused = True  # refused before a byte is read, without calling the app
                raise BodyTooLargeError(body.limit)  # noqa: TRY301 - answered just below
            await self.app(scope, body.receive, body.send)
        except BodyTooLargeError as error:
            if body.started:
                raise
            await too_large(Request(scope), error)(scope, receive, body.send)


class _Body:
    """One request's body as it arrives, counted against `limit`."""

    def __init__(self, limit: int, receive: Receive, send: Send) -> None:
        self.limit, self._receive, self._send = limit, receive, send
        self.received = 0
        self.refused = False
        self.started = False

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.refused = True
                raise BodyTooLargeError(self.limit)
        return message

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            if self.refused:  # the rest of the body is still on its way: do not read it
                MutableHeaders(scope=message)["connection"] = "close"
        await self._send(message)
