"""Error answers: a GOV.UK error page for people, an RFC 9457 problem for the API."""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException

from yms.platform.logs import describe_exception
from yms.platform.web.access import SignInRequiredError, TooManyAttemptsError
from yms.platform.web.body_limit import BodyTooLargeError, too_large
from yms.platform.web.csrf import CsrfError
from yms.platform.web.overload import busy
from yms.platform.web.paths import not_found
from yms.platform.web.problems import is_api, problem
from yms.platform.web.rendering import render

log = structlog.get_logger(__name__)
UNAVAILABLE_RETRY_AFTER = 5  # seconds: a database restart or failover takes about that


def rate_limited(retry_after: int) -> Response:
    """The API's 429: a problem document with ``Retry-After``."""
    response = problem(429, "Too many attempts", "Wait a minute.", kind="rate-limited")
    response.headers["Retry-After"] = str(retry_after)
    return response


def unavailable_problem(error: Exception) -> Response:
    """The API's 503 when the database is away: nothing was done; retry in a few seconds."""
    log.warning("request.unavailable", error=type(error).__name__)
    response = problem(
        503,
        "Service unavailable",
        "Nothing was changed. Send the same request again in a few seconds.",
        kind="unavailable",
    )
    response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    return response


def install_error_pages(app: FastAPI) -> None:  # noqa: C901 - one handler per kind of error
    """Answer every kind of error as a page or a problem document, never a stack trace.

    A handler that renders a page is a plain function, which Starlette runs in the
    thread pool: the page's navigation asks the database for a signed-in person's
    role, and that must not hold up the event loop (nor, if the pool is exhausted,
    stall it for the pool's timeout).
    """

    @app.exception_handler(SignInRequiredError)
    async def sign_in_first(request: Request, error: SignInRequiredError) -> Response:
        if is_api(request):
            return problem(401, "Sign in", "This needs a signed-in account.", kind="unauthorised")
        return RedirectResponse(f"/sign-in?next={error.detail}", status_code=303)

    @app.exception_handler(TooManyAttemptsError)
    def too_many(request: Request, error: TooManyAttemptsError) -> Response:
        retry_after = int((error.headers or {}).get("Retry-After", "60"))
        if is_api(request):
            return rate_limited(retry_after)
        response = render(request, "errors/429.html", status=429, form=False)
        response.headers["Retry-After"] = str(retry_after)
        return response

    # The database unreachable (restarting, failing over) or a lock given up on: nothing
    # was done, and the same request a moment later will work. A plain function, so the
    # page (which may read the session) is rendered off the event loop.
    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    def unavailable(request: Request, error: Exception) -> Response:
        if is_api(request):
            return unavailable_problem(error)
        log.warning("request.unavailable", error=type(error).__name__)
        response = render(request, "errors/unavailable.html", status=503, form=False)
        response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
        return response

    # No connection free within YMS_DATABASE_POOL_TIMEOUT: the service is saturated, not broken.
    @app.exception_handler(PoolTimeoutError)
    async def pool_exhausted(request: Request, _error: Exception) -> Response:
        return busy(request)

    @app.exception_handler(CsrfError)
    def csrf_failed(request: Request, _error: CsrfError) -> Response:
        return render(request, "errors/csrf.html", status=400, form=False)

    @app.exception_handler(BodyTooLargeError)
    def body_too_large(request: Request, error: BodyTooLargeError) -> Response:
        return too_large(request, error)

    # Starlette's own class, so its errors (a malformed multipart form) get pages too.
    @app.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException) -> Response:
        if is_api(request):
            return problem(error.status_code, str(error.detail), str(error.detail), kind="http")
        pages = {403: "errors/403.html", 404: "errors/404.html"}
        template = pages.get(error.status_code, "errors/generic.html")
        return render(request, template, status=error.status_code, form=False)

    @app.exception_handler(404)
    def nothing_here(request: Request, _error: Exception) -> Response:
        return not_found(request)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> Response:
        return problem(422, "Invalid request", str(error.errors()[0]["msg"]), kind="invalid-input")

    @app.exception_handler(Exception)
    def crashed(request: Request, error: Exception) -> Response:
        # The route's template, not the path, which may hold a token (/reset-password/...);
        # the exception described without its message or locals, however logs are set up.
        route = getattr(request.scope.get("route"), "path", None)
        log.error(
            "request.failed",
            method=request.method,
            route=route,
            error=type(error).__name__,
            exception=describe_exception(error),
        )
        if is_api(request):
            return problem(500, "Internal error", "Something went wrong.", kind="internal")
        return render(request, "errors/500.html", status=500, form=False)
