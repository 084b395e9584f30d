"""Overload: each process takes on what it can serve, and says "busy" at once to the rest.

A request is *admitted* when fewer than `Capacity.in_flight` are in flight in
this process; otherwise it waits up to `Capacity.wait` for one to finish, and
if none does it is answered 503 with ``Retry-After`` — a problem document for
the API and JSON clients, the "busy" page for people. So a client learns within
a second that it should come back, instead of waiting in a queue it cannot see
until its own timeout. A database pool that cannot hand out a connection in
``YMS_DATABASE_POOL_TIMEOUT`` gives the same answer (`busy`), wherever it is met.

The probes, ``/metrics`` and static files are never held back: a load balancer
must see a busy process as alive, and an operator must be able to watch it.

The sizes go together (DESIGN.md, "Serving"): sync handlers run in AnyIO's
thread pool, each holding at most one database connection, so the pool gets
as many threads as the database pool has connections (`size_thread_pool`), and
at most as many requests are admitted as there are threads — by default fewer
(`IN_FLIGHT_MOST`), as more threads than a few only contend for the process's
GIL: the surge benchmark measured the form's accepted entries at 128
connections falling to 74 % of the 8-connection rate with one request per
thread (10) in flight, and holding 99 % with 4. The short ways in (grouped
entries, status checks) hold no thread while they wait, and are admitted apart
(`Capacity.grouped_in_flight`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import anyio
import anyio.to_thread
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yms.platform.settings import Settings
from yms.platform.web.problems import is_api, problem
from yms.platform.web.templating import environment

#: How long a request waits to be admitted before it is told the service is busy.
ADMISSION_WAIT = 0.5
#: What ``Retry-After`` asks of a client turned away, in seconds (the page says "a minute").
RETRY_AFTER = "60"
#: Requests that hold a thread, in flight at once per process unless told otherwise. Each
#: process runs Python on one core at a time: beyond a few, more threads only contend for
#: it. The surge benchmark measured the form's entries at 128 connections: with 10 in
#: flight per process they fell to 74 % of the rate at 8 connections; with 4, 99 %.
IN_FLIGHT_MOST = 4
#: Requests on a short way in (`Capacity.grouped_in_flight`) at once per process.
GROUPED_IN_FLIGHT = 256
#: Paths always admitted: probes, metrics and assets.
EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})
EXEMPT_PREFIX = "/static/"


@dataclass(frozen=True, slots=True)
class Capacity:
    """What one process takes on at once: threads for sync handlers, requests in flight."""

    threads: int
    in_flight: int
    wait: float = ADMISSION_WAIT
    # Requests on a short way in (the rush's entries, status checks) at once: they wait
    # on a group's commit, not on a thread, so they are admitted apart, and many more.
    grouped_in_flight: int = GROUPED_IN_FLIGHT
    # Groups of API ballot entries handled at once (PostgreSQL), each on a connection of
    # its own beside the pool's (yms.ballot.api_groups); 0 handles each entry alone.
    entry_lanes: int = 2
    # Groups of status checks handled at once (yms.status.api_groups); 0 checks each alone.
    check_lanes: int = 1

    @classmethod
    def of(cls, settings: Settings) -> Capacity:
        """A thread per pooled connection; ``YMS_MAX_IN_FLIGHT`` requests, or `IN_FLIGHT_MOST`."""
        threads = settings.database_connections
        return cls(
            threads=threads,
            in_flight=settings.max_in_flight or min(threads, IN_FLIGHT_MOST),
            entry_lanes=settings.entry_group_lanes,
            check_lanes=settings.check_group_lanes,
        )


#: The capacity of a process on the default settings (10 pooled connections and 10 more).
DEFAULT_CAPACITY = Capacity(threads=20, in_flight=40)


def size_thread_pool(capacity: Capacity) -> None:
    """Give AnyIO's thread pool (where sync handlers run) `capacity.threads` threads.

    Must be called in the running event loop (the app's lifespan does): each loop
    has its own limiter, 40 threads unless told otherwise.
    """
    anyio.to_thread.current_default_thread_limiter().total_tokens = capacity.threads


def wants_json(request: Request) -> bool:
    """Whether the request is to the API, or from a client that asks for JSON, not HTML."""
    if is_api(request):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def busy(request: Request) -> Response:
    """503 with ``Retry-After``: a problem document, or the page that says the place is kept.

    Touches neither the session nor the database, which may be what is busy: the
    page is rendered as for someone signed out.
    """
    answer: Response
    if wants_json(request):
        answer = problem(
            503,
            "Service busy",
            "The service is busy. Your place is not affected. Try again in a minute.",
            kind="busy",
        )
    else:
        page = environment().get_template("errors/busy.html")
        answer = HTMLResponse(
            page.render(
                errors={},
                request_path=request.url.path,
                signed_in=False,
                account_home=None,
                csrf_token="",
            ),
            status_code=503,
        )
    answer.headers["Retry-After"] = RETRY_AFTER
    answer.headers["Cache-Control"] = "no-store"
    return answer


class Admission:
    """At most `limit` holders at once; others wait their turn, for `wait` seconds at most.

    Plain counters rather than an AnyIO semaphore, which would bind to the first
    event loop that used it (tests run one loop per client). A freed slot is
    handed straight to the longest waiter, so no late arrival overtakes it.
    """

    def __init__(self, limit: int, *, wait: float) -> None:
        self.limit, self.wait = limit, wait
        self.in_flight = 0
        self._waiting: deque[anyio.Event] = deque()

    async def enter(self) -> bool:
        """Take a slot: `True` once taken, `False` if none came free within the wait."""
        if self.in_flight < self.limit and not self._waiting:
            self.in_flight += 1
            return True
        turn = anyio.Event()
        self._waiting.append(turn)
        try:
            with anyio.move_on_after(self.wait):
                await turn.wait()
        except BaseException:  # cancelled (the client went away): give back what was handed over
            self._give_up(turn)
            raise
        if turn.is_set():
            return True
        self._waiting.remove(turn)
        return False

    def _give_up(self, turn: anyio.Event) -> None:
        if turn.is_set():
            self.leave()
        else:
            self._waiting.remove(turn)

    def leave(self) -> None:
        """Give the slot back: to the first waiter, if any."""
        if self._waiting:
            self._waiting.popleft().set()  # the slot passes on; `in_flight` stays the same
        else:
            self.in_flight -= 1


class AdmissionMiddleware:
    """ASGI middleware: admit a request if this process has room, else answer `busy`.

    A pool timeout raised below it (loading the session, say) is answered `busy`
    too, if the response has not started.
    """

    def __init__(self, app: ASGIApp, *, capacity: Capacity) -> None:
        self.app = app
        self.admission = Admission(capacity.in_flight, wait=capacity.wait)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path in EXEMPT or path.startswith(EXEMPT_PREFIX):
            await self.app(scope, receive, send)
            return
        if not await self.admission.enter():
            await busy(Request(scope))(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except PoolTimeoutError:
            if started:
                raise
            await busy(Request(scope))(scope, receive, send)
        finally:
            self.admission.leave()
