"""Journey 2, accounts: sign up, confirm the e-mail address, sign in and out, reset a password.

Every answer is the same whether or not an address has an account. A link from
an e-mail is only looked at by a GET (a mail scanner may open it); the button on
its page spends it. Confirming an address signs no one in, so a link sent to
someone else cannot sign a visitor in to that person's account (login CSRF).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from yms.accounts import services as accounts
from yms.accounts.domain import CASEWORKERS, Role
from yms.kernel.errors import InvalidInputError, RefusedError
from yms.platform.web.access import limited, require_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.forms import text
from yms.platform.web.rendering import render
from yms.platform.web.session_middleware import visit_of

router = APIRouter(include_in_schema=False)
APPLICANT_HOME, OPERATOR_HOME, CASEWORK_HOME = "/account", "/operator", "/casework"


def home_of(role: str | None) -> str:
    """Each role's own home page: where signing in lands and "Your account" leads."""
    if role == Role.OPERATOR:
        return OPERATOR_HOME
    if role in CASEWORKERS:
        return CASEWORK_HOME
    return APPLICANT_HOME


def _safe_next(target: str) -> str:
    """Only our own paths (never another site's address) after signing in; else ``""``."""
    return target if target.startswith("/") and not target.startswith("//") else ""


def _link_problem(request: Request, error: RefusedError, *, purpose: str) -> Response:
    return render(
        request,
        "accounts/link_problem.html",
        status=400,
        form=False,
        reason=str(error),
        purpose=purpose,
    )


@router.get("/sign-up")
def sign_up_page(request: Request) -> Response:
    """Create an account."""
    return render(request, "accounts/sign_up.html", email="")


@router.post("/sign-up")
def sign_up(request: Request) -> Response:
    """Create the account (or e-mail the address that it has one) and say to check e-mail."""
    form = csrf_form_in_thread(request)
    limited(request, "sign-up")
    email, password = text(form, "email"), str(form.get("password") or "")
    try:
        accounts.sign_up(context_of(request), email, password)
    except InvalidInputError as error:
        errors = {p.path: p.message for p in error.problems}
        return render(request, "accounts/sign_up.html", status=400, errors=errors, email=email)
    return render(request, "accounts/check_email.html", form=False, purpose="confirm")


@router.get("/confirm-email")
def confirm_request_page(request: Request) -> Response:
    """Ask for a new confirmation link."""
    return render(request, "accounts/confirm_request.html", email="")


@router.post("/confirm-email")
def confirm_request(request: Request) -> Response:
    """Send a new confirmation link; the page says the same whatever the address."""
    form = csrf_form_in_thread(request)
    limited(request, "confirm-email")
    email = text(form, "email")
    try:
        accounts.send_confirmation_link(context_of(request), email)
    except InvalidInputError as error:
        errors = {p.path: p.message for p in error.problems}
        return render(
            request, "accounts/confirm_request.html", status=400, errors=errors, email=email
        )
    return render(request, "accounts/check_email.html", form=False, purpose="confirm-again")


@router.get("/confirm-email/{token}")
def confirm_email_page(request: Request, token: str) -> Response:
    """The link from the confirmation e-mail: a button to confirm (opening it spends nothing)."""
    try:
        accounts.check_confirmation_link(context_of(request), token)
    except RefusedError as error:
        return _link_problem(request, error, purpose="confirm")
    return render(request, "accounts/confirm_email.html", token=token)


@router.post("/confirm-email/{token}")
def confirm_email(request: Request, token: str) -> Response:
    """Confirm the address, and offer to sign in (confirming signs no one in)."""
    csrf_form_in_thread(request)
    try:
        accounts.confirm_email(context_of(request), token)
    except RefusedError as error:
        return _link_problem(request, error, purpose="confirm")
    return render(request, "accounts/email_confirmed.html", form=False)


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "") -> Response:  # noqa: A002 - the query's name
    """Sign in."""
    return render(request, "accounts/sign_in.html", email="", next=_safe_next(next))


@router.post("/sign-in")
def sign_in(request: Request) -> Response:
    """Check the address and password; on success, a new session (rotated) for the account.

    It lands where it was asked to go, or on the account's own home (an
    operator's is not an applicant's).
    """
    form = csrf_form_in_thread(request)
    limited(request, "sign-in")
    visit = visit_of(request)
    email, target = text(form, "email"), _safe_next(text(form, "next"))
    try:
        signed_in = accounts.sign_in(visit.ctx, email, str(form.get("password") or ""))
    except RefusedError as error:
        errors = {"email": str(error)}
        return render(
            request, "accounts/sign_in.html", status=400, errors=errors, email=email, next=target
        )
    visit.rotate(signed_in.account_id)
    if target in {"", APPLICANT_HOME}:  # "Your account" is each role's own page
        target = home_of(signed_in.role)
    return RedirectResponse(target, status_code=303)


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    """End the session."""
    csrf_form_in_thread(request)
    visit = visit_of(request)
    visit.rotate(None)
    return RedirectResponse("/signed-out", status_code=303)


@router.get("/signed-out")
def signed_out(request: Request) -> Response:
    """Confirms signing out."""
    return render(request, "accounts/signed_out.html", form=False)


@router.get("/reset-password")
def reset_request_page(request: Request) -> Response:
    """Ask for a reset link."""
    return render(request, "accounts/reset_request.html", email="")


@router.post("/reset-password")
def reset_request(request: Request) -> Response:
    """Send a reset link; the page says the same whether the address has an account."""
    form = csrf_form_in_thread(request)
    limited(request, "reset-password")
    email = text(form, "email")
    try:
        accounts.request_password_reset(context_of(request), email)
    except InvalidInputError as error:
        errors = {p.path: p.message for p in error.problems}
        return render(
            request, "accounts/reset_request.html", status=400, errors=errors, email=email
        )
    return render(request, "accounts/check_email.html", form=False, purpose="reset")


@router.get("/reset-password/{token}")
def reset_page(request: Request, token: str) -> Response:
    """Choose a new password, if the link can still be used (opening it spends nothing)."""
    try:
        accounts.check_reset_link(context_of(request), token)
    except RefusedError as error:
        return _link_problem(request, error, purpose="reset")
    return render(request, "accounts/reset_password.html", token=token)


@router.post("/reset-password/{token}")
def reset(request: Request, token: str) -> Response:
    """Set the new password and sign in here; every other session of the account ends."""
    form = csrf_form_in_thread(request)
    limited(request, "reset-password")
    visit = visit_of(request)
    try:
        signed_in = accounts.reset_password(visit.ctx, token, str(form.get("password") or ""))
    except InvalidInputError as error:
        errors = {p.path: p.message for p in error.problems}
        return render(
            request, "accounts/reset_password.html", status=400, errors=errors, token=token
        )
    except RefusedError as error:
        return _link_problem(request, error, purpose="reset")
    visit.rotate(signed_in.account_id)
    return RedirectResponse(f"{home_of(signed_in.role)}?reset=1", status_code=303)


@router.get("/account")
def account_home(request: Request, reset: str = "") -> Response:
    """The signed-in applicant's home: ballots entered, invitations, applications."""
    account_id = require_role(request, Role.APPLICANT)
    ctx = context_of(request)
    return render(
        request,
        "accounts/home.html",
        email=accounts.email_of(ctx, account_id),
        confirmed=accounts.is_confirmed(ctx, account_id),
        reset=bool(reset),
    )


@router.get("/operator")
def operator_home(request: Request, reset: str = "") -> Response:
    """The signed-in operator's home: the outbox, the ballots."""
    account_id = require_role(request, Role.OPERATOR)
    ctx = context_of(request)
    return render(
        request, "operator/home.html", email=accounts.email_of(ctx, account_id), reset=bool(reset)
    )
