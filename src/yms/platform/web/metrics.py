"""Requests counted and timed by route, and ``/metrics`` for the networks allowed to read it.

The middleware is on every request's path, so it does little: it notes the
status as the response starts, and afterwards reads the route the router chose
(its template, set in the scope) and adds to that series, whose label children
it keeps after the first time rather than looking them up again.
"""

from __future__ import annotations

from collections.abc import Sequence
from time import perf_counter

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.metrics import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yms.platform import metrics
from yms.platform.web.clients import Network, client_address, within
from yms.platform.web.context import context_of
from yms.platform.web.paths import not_found

#: The label of a request no route matched (a 404): its path is not a label.
UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
def scrape(request: Request) -> Response:
    """The metrics, to a client in ``YMS_METRICS_FROM``; to anyone else, nothing is here."""
    allowed: Sequence[Network] = request.app.state.metrics_from
    if not within(client_address(request), allowed):
        return not_found(request)
    return Response(
        metrics.exposition(context_of(request).database),
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )


def route_of(scope: Scope) -> str:
    """The template of the route that answered (``/cases/{case_ref}``), or `UNMATCHED`."""
    template = getattr(scope.get("route"), "path", None)
    return template if isinstance(template, str) else UNMATCHED


class RequestMetricsMiddleware:
    """ASGI middleware: count and time each HTTP request by route template, method and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the client gets if the app raises before answering

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = perf_counter()
        try:
            await self.app(scope, receive, noting_status)
        finally:
            self._observe(scope, status, perf_counter() - started)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        key = (route_of(scope), method, status // 100)
        series = self._series.get(key)
        if series is None:
            labels = (key[0], method, f"{key[2]}xx")
            series = metrics.REQUESTS.labels(*labels), metrics.LATENCY.labels(*labels)
            self._series[key] = series
        count, latency = series
        count.inc()
        latency.observe(seconds)
