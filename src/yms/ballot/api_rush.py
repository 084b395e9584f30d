"""The rush's short way in: an API entry a group can decide, answered without the framework.

At thousands of entries a second the web process, not the database, is what
runs out: each request passed through the session, compression and path
middleware and FastAPI's routing and dependency solving before its few
microseconds of work. `RushEntryMiddleware` sits inside the metrics, the
security headers and admission control (so an entry is still counted, given
the headers, and turned away when the process is full) and takes
``POST /api/v1/ballot-windows/{id}/entries`` itself: it reads the body, and if
the entry is plain (`yms.ballot.api.grouped_attempt`) hands it to the group
(`yms.ballot.api_groups`), answering a new entry (201), a limit reached (429)
or a database away (503) at once. Anything else — the entry not plain, or one
the group leaves to the full path — goes on to the app with its body replayed,
and the route decides it as it always has (told what the group already
counted, so nothing is counted twice).
"""

from __future__ import annotations

import re

import psycopg
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from yms.ballot import api
from yms.ballot.api_groups import EntryGroups
from yms.ballot.services.entries import EntryReceipt
from yms.platform.grouping import GroupClosedError
from yms.platform.web.errors import rate_limited, unavailable_problem
from yms.platform.web.overload import DEFAULT_CAPACITY, Admission, Capacity
from yms.platform.web.ratelimit import Verdict
from yms.platform.web.short_way import (
    Decision,
    RouteLabel,
    declared_length,
    read_body,
    replaying,
    taken_or_passed_on,
)

ROUTE = "/api/v1/ballot-windows/{window_id}/entries"
_PATH = re.compile(r"/api/v1/ballot-windows/([^/]+)/entries")


class RushEntryMiddleware:
    """ASGI middleware: plain API entries decided in a group; everything else passed on.

    Entries taken here wait on their group, not on a thread, so they are admitted
    against a limit of their own (`Capacity.grouped_in_flight`), apart from the
    requests that hold a thread; what is passed on is admitted as any request is.
    """

    def __init__(self, app: ASGIApp, *, capacity: Capacity = DEFAULT_CAPACITY) -> None:
        self.app = app
        self._route = RouteLabel(ROUTE)
        self._admission = Admission(capacity.grouped_in_flight, wait=capacity.wait)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        found = _PATH.fullmatch(scope["path"]) if scope["type"] == "http" else None
        groups: EntryGroups | None = scope["app"].state.entry_groups if found else None
        if (
            found is None
            or groups is None
            or scope["method"] != "POST"
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
            decide=lambda: self._entered(scope, receive, found[1], groups),
        )

    async def _entered(
        self, scope: Scope, receive: Receive, window_id: str, groups: EntryGroups
    ) -> Decision:
        """The answer to a plain entry; else what the app should receive instead."""
        body, whole = await read_body(receive, api.BODY_LIMITS[ROUTE])
        passed_on = replaying(body, receive, whole=whole)
        attempt = api.grouped_attempt(Request(scope), body, window_id) if whole else None
        if attempt is None:
            return passed_on
        scope["route"] = self._route
        try:
            outcome = await groups.enter(attempt)
        except GroupClosedError:  # stopping: the full path decides (and finds it if written)
            return passed_on
        except (psycopg.OperationalError, psycopg.InterfaceError) as error:
            # PoolTimeout too: no connection came back in time, as when the database restarts.
            return unavailable_problem(error)
        if isinstance(outcome, EntryReceipt):
            return JSONResponse(api.receipt_json(outcome), 201)
        if isinstance(outcome, Verdict):
            return rate_limited(outcome.retry_after)
        scope[api.DECIDED] = outcome
        return passed_on
