"""An address with a control character in it is no page: 404 before any route reads it.

No address of ours holds one, and a path parameter holding a NUL (``%00``) would
reach the database as text, which PostgreSQL refuses with an error (a 500).
"""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from yms.platform.web.problems import is_api, problem
from yms.platform.web.rendering import render

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def not_found(request: Request) -> Response:
    """The 404 answer: a problem document for the API, the page for people."""
    if is_api(request):
        return problem(404, "Not found", "There is nothing at this address.", kind="not-found")
    return render(request, "errors/404.html", status=404, form=False)


class ControlCharacterPathMiddleware:
    """ASGI middleware: answer 404 to a request whose (decoded) path has a control character."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if scope["type"] == "http" and _CONTROL.search(scope["path"]):
            await not_found(Request(scope))(scope, receive, send)
            return
        await self.app(scope, receive, send)
