"""The web service, assembled: every feature's pages and API, the platform's safety around them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from yms import __version__
from yms.accounts import services as account_services
from yms.accounts import web as accounts_web
from yms.accounts import web_tokens as account_tokens_web
from yms.applications import web as applications_web
from yms.applications.web import apply as apply_web
from yms.applications.web import brakes as brakes_web
from yms.applications.web import console as console_web
from yms.applications.web import decision as decision_web
from yms.applications.web import direct as direct_web
from yms.applications.web import overview as overview_web
from yms.ballot import api as ballot_api
from yms.ballot import web as ballot_web
from yms.ballot import web_console as ballot_console_web
from yms.ballot.api_groups import EntryGroups
from yms.ballot.api_rush import RushEntryMiddleware
from yms.eligibility import api as eligibility_api
from yms.eligibility import web as eligibility_web
from yms.platform import metrics
from yms.platform.context import ServiceContext
from yms.platform.db import AsyncConnections
from yms.platform.mail import outbox_page
from yms.platform.payments import fake_page
from yms.platform.web.body_limit import DEFAULT_MAX_BODY_BYTES, BodyLimitMiddleware
from yms.platform.web.clients import LOOPBACK, trusted_networks
from yms.platform.web.errors import install_error_pages
from yms.platform.web.headers import SecurityHeadersMiddleware
from yms.platform.web.metrics import RequestMetricsMiddleware
from yms.platform.web.metrics import router as metrics_router
from yms.platform.web.overload import (
    DEFAULT_CAPACITY,
    AdmissionMiddleware,
    Capacity,
    size_thread_pool,
)
from yms.platform.web.paths import ControlCharacterPathMiddleware
from yms.platform.web.ratelimit import RateLimits
from yms.platform.web.session_middleware import SessionMiddleware
from yms.platform.web.templating import add_globals
from yms.schemes import api as schemes_api
from yms.schemes import web as schemes_web
from yms.statistics import charts
from yms.statistics import web as statistics_web
from yms.statistics import web_open_data as open_data_web
from yms.statistics import web_simulator as simulator_web
from yms.status import api as status_api
from yms.status import web as status_web
from yms.status import web_codes as status_codes_web
from yms.status import web_verifier as status_verifier_web
from yms.status.api_groups import CheckGroups
from yms.status.api_short import StatusCheckMiddleware
from yms.web import health, pages

HERE = Path(__file__).parent
# In the order they are matched: a feature's fixed paths before another's catch-alls.
# FastAPI tries each route in turn, so the ones a rush hits come first: the probes, then
# the API (no page path starts with /api/), whose ballot entries would otherwise walk
# past every page's routes, twice, on each request.
ROUTERS = (
    health.router,
    ballot_api.router,
    status_api.router,
    eligibility_api.router,
    schemes_api.router,
    metrics_router,
    pages.router,
    schemes_web.router,
    eligibility_web.router,
    accounts_web.router,
    account_tokens_web.router,
    outbox_page.router,
    brakes_web.router,
    statistics_web.router,
    simulator_web.router,  # /statistics/simulator before a quarter's download
    open_data_web.router,
    console_web.router,
    ballot_console_web.router,
    ballot_web.router,
    overview_web.router,
    direct_web.router,  # /apply/new before /apply/{invitation}
    decision_web.router,  # fixed paths under a case before its questions' catch-all
    apply_web.router,
    status_web.router,
    fake_page.router,
    status_codes_web.router,
    status_verifier_web.router,
)
# Bodies bigger than the default are allowed only where a route says so.
BODY_LIMITS = {
    **eligibility_api.BODY_LIMITS,
    **ballot_api.BODY_LIMITS,
    **apply_web.BODY_LIMITS,
    **decision_web.BODY_LIMITS,
    **status_api.BODY_LIMITS,
}


def _lifespan(capacity: Capacity) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        size_thread_pool(capacity)  # as many threads as the database pool has connections
        # Made here, in the loop that serves: its lanes and connections belong to it.
        app.state.entry_groups = _entry_groups(app, capacity)
        app.state.check_groups = _check_groups(app, capacity)
        try:
            yield
        finally:
            if app.state.check_groups is not None:
                await app.state.check_groups.close()
                app.state.check_groups = None
            if app.state.entry_groups is not None:
                await app.state.entry_groups.close()
                app.state.entry_groups = None
            metrics.process_ended()

    return lifespan


def _entry_groups(app: FastAPI, capacity: Capacity) -> EntryGroups | None:
    """Grouped API entries on PostgreSQL, unless turned off; SQLite has one writer anyway."""
    ctx: ServiceContext = app.state.ctx
    if ctx.database.dialect != "postgresql" or capacity.entry_lanes == 0:
        return None
    lanes = capacity.entry_lanes
    return EntryGroups(
        ctx, app.state.rate_limits, AsyncConnections(ctx.database, lanes), lanes=lanes
    )


def _check_groups(app: FastAPI, capacity: Capacity) -> CheckGroups | None:
    """Grouped status checks, unless turned off: one lane on SQLite, which has one writer."""
    ctx: ServiceContext = app.state.ctx
    if capacity.check_lanes == 0:
        return None
    return CheckGroups(ctx, lanes=1 if ctx.database.dialect == "sqlite" else capacity.check_lanes)


def create_app(
    ctx: ServiceContext,
    *,
    secure_cookies: bool = True,
    trusted_proxies: str = "",
    metrics_from: str = LOOPBACK,
    capacity: Capacity = DEFAULT_CAPACITY,
) -> FastAPI:
    """The web service on `ctx`; cookies are `Secure` unless told otherwise (plain-HTTP dev).

    `trusted_proxies` lists the proxies whose ``X-Forwarded-For`` names the client;
    `metrics_from` the networks that may read ``/metrics``; `capacity` what one
    process takes on at once (`yms.platform.web.overload`).
    """
    app = FastAPI(
        title="yms",
        version=__version__,
        summary="Reciprocal youth mobility schemes: eligibility, ballots, applications.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(capacity),
    )
    app.state.ctx = ctx
    app.state.trusted_proxies = trusted_networks(trusted_proxies)
    app.state.metrics_from = trusted_networks(metrics_from)
    app.state.rate_limits = RateLimits(ctx.database, ctx.identity_key, ctx.clock)
    app.state.entry_groups = None  # while the app is served (its lifespan): yms.ballot.api_groups
    app.state.check_groups = None  # likewise: yms.status.api_groups
    app.state.role_of = partial(account_services.role_of, ctx)
    app.state.home_of = accounts_web.home_of
    # Innermost, so what they refuse themselves still gets the session and the headers.
    app.add_middleware(BodyLimitMiddleware, default=DEFAULT_MAX_BODY_BYTES, limits=BODY_LIMITS)
    app.add_middleware(ControlCharacterPathMiddleware)
    app.add_middleware(SessionMiddleware, ctx=ctx, secure=secure_cookies)
    # Pages and assets are compressed; the short answers of admission and the rush are not.
    app.add_middleware(GZipMiddleware, minimum_size=500)
    # Before the session is loaded (a database read), so a busy process turns work away
    # without touching the database; inside the headers, so its answer gets them too.
    app.add_middleware(AdmissionMiddleware, capacity=capacity)
    # The rush's entries a group decides skip the session, compression and the router
    # (yms.ballot.api_rush), and likewise a verifier's check (yms.status.api_short);
    # outside admission, each admitted against its own limit, as they hold no thread.
    app.add_middleware(RushEntryMiddleware, capacity=capacity)
    app.add_middleware(StatusCheckMiddleware, capacity=capacity)
    app.add_middleware(SecurityHeadersMiddleware, secure=secure_cookies)
    app.add_middleware(RequestMetricsMiddleware)  # outermost: every answer counted, 503s too
    metrics.watch_pool(ctx.database.engine)
    app.mount("/static/yms", StaticFiles(directory=HERE / "public"), name="public")
    app.mount("/static", StaticFiles(directory=HERE / "static", check_dir=False), name="static")
    for router in ROUTERS:
        app.include_router(router)
    install_error_pages(app)
    add_globals(
        {
            **applications_web.TEMPLATE_GLOBALS,
            **ballot_web.TEMPLATE_GLOBALS,
            "chart_svg": charts.svg,
        }
    )
    return app
