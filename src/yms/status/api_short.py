"""The status checks' short way in: a well-formed check answered without the framework.

A verifier's check costs a few hundred microseconds of its own (hashes, a
signature, a seal, a row); passing it through the session, compression and
path middleware and FastAPI's routing and dependency solving costs about as
much again. `StatusCheckMiddleware` sits where the rush's entries do (inside the
metrics, the security headers and admission control, so a check is still
counted, given the headers, and turned away when the process is full) and
takes ``POST /api/v1/status-checks`` itself while the app is served with check
groups: it reads the body and, if it is a well-formed check, answers it
(`yms.status.api.answer_to`: 200, 429 or 503). Anything else — a body too
large, not JSON, a field wrong — goes on to the route with its body replayed,
which gives the problem document it always has.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from yms.kernel.errors import InvalidInputError
from yms.platform.web.clients import client_address
from yms.platform.web.json_body import MalformedJsonError
from yms.platform.web.overload import DEFAULT_CAPACITY, Admission, Capacity
from yms.platform.web.short_way import (
    Decision,
    RouteLabel,
    declared_length,
    read_body,
    replaying,
    taken_or_passed_on,
)
from yms.status import api

ROUTE = "/api/v1/status-checks"


class StatusCheckMiddleware:
    """ASGI middleware: well-formed status checks answered here; everything else passed on.

    Admitted, as the rush's entries are, against `Capacity.grouped_in_flight`.
    """

    def __init__(self, app: ASGIApp, *, capacity: Capacity = DEFAULT_CAPACITY) -> None:
        self.app = app
        self._route = RouteLabel(ROUTE)
        self._admission = Admission(capacity.grouped_in_flight, wait=capacity.wait)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if (
            scope["type"] != "http"
            or scope["path"] != ROUTE
            or scope["method"] != "POST"
            or scope["app"].state.check_groups is None
            or declared_length(scope) > api.BODY_LIMITS[ROUTE]  # refused unread, inside
        ):
            await self.app(scope, receive, send)
            return
        await taken_or_passed_on(
            scope,
            receive,
            send,
            app=self.app,
            admission=self._admission,
            decide=lambda: self._checked(scope, receive),
        )

    async def _checked(self, scope: Scope, receive: Receive) -> Decision:
        """The answer to a well-formed check; else what the route should receive instead."""
        body, whole = await read_body(receive, api.BODY_LIMITS[ROUTE])
        try:
            check = api.parsed_check(body, client_address(Request(scope))) if whole else None
        except (MalformedJsonError, InvalidInputError):
            check = None  # the route says what is wrong
        if check is None:
            return replaying(body, receive, whole=whole)
        scope["route"] = self._route
        return await api.answer_to(scope["app"].state, check)
