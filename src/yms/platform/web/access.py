"""Who may see what: signed-in checks and roles, for every route that needs them."""

from __future__ import annotations

from collections.abc import Callable, Collection
from urllib.parse import quote

from fastapi import HTTPException, Request

from yms.platform.web.clients import client_address
from yms.platform.web.ratelimit import RateLimits
from yms.platform.web.session_middleware import visit_of


class SignInRequiredError(HTTPException):
    """The page is for signed-in people; the handler sends them to sign in."""

    def __init__(self, next_url: str) -> None:
        super().__init__(status_code=401, detail=next_url)


class TooManyAttemptsError(HTTPException):
    """A rate limit was reached."""

    def __init__(self, retry_after: int = 60) -> None:
        super().__init__(
            status_code=429,
            detail="too many attempts",
            headers={"Retry-After": str(retry_after)},
        )


def require_role(request: Request, role: str) -> str:
    """The signed-in account's id, if it has `role`; otherwise sign in, or 403."""
    return require_any_role(request, (role,))


def require_any_role(request: Request, roles: Collection[str]) -> str:
    """The signed-in account's id, if it has one of `roles`; otherwise sign in, or 403."""
    visit = visit_of(request)
    account_id = visit.account_id
    if account_id is None:
        raise SignInRequiredError(quote(_asked_for(request), safe="/"))
    role_of: Callable[[str], str | None] = request.app.state.role_of
    if role_of(account_id) not in roles:
        raise HTTPException(status_code=403, detail="forbidden")
    return account_id


def _asked_for(request: Request) -> str:
    """The page to come back to after signing in, with its query if it was a page read.

    The query carries what was chosen (the scheme and arrangement, say); a form
    sent is not replayed, so it gets only its path.
    """
    query = request.url.query
    return f"{request.url.path}?{query}" if query and request.method == "GET" else request.url.path


def account_home(request: Request) -> str | None:
    """Where "Your account" leads whoever is signed in (each role has its own), or `None`."""
    account_id = visit_of(request).account_id
    if account_id is None:
        return None
    role_of: Callable[[str], str | None] = request.app.state.role_of
    home_of: Callable[[str | None], str] = request.app.state.home_of
    return home_of(role_of(account_id))


def limited(request: Request, name: str) -> None:
    """Count an attempt at `name` from this client; raise when over its limit."""
    _count(request, (name, client_subject(request)))


def limited_both(request: Request, name: str, account_name: str, account_id: str) -> None:
    """Count an attempt at `name` by this client and at `account_name` by the account, at once."""
    _count(request, (name, client_subject(request)), (account_name, account_subject(account_id)))


def limited_account(request: Request, name: str, account_id: str) -> None:
    """Count an attempt at `name` by `account_id`, whatever address it comes from."""
    _count(request, (name, account_subject(account_id)))


def client_subject(request: Request) -> str:
    """Who a limit counts for a request's client (its address, as the proxies tell it)."""
    return f"client|{client_address(request)}"


def account_subject(account_id: str) -> str:
    """Who a limit counts for an account, whatever address it comes from."""
    return f"account|{account_id}"


def _count(request: Request, *attempts: tuple[str, str]) -> None:
    limits: RateLimits = request.app.state.rate_limits
    verdict = limits.attempt_each(*attempts)
    if not verdict.allowed:
        raise TooManyAttemptsError(verdict.retry_after)
