"""The applicant's API access tokens: make one (shown once), see them, revoke one.

For people who enter by script or through an intermediary's software: the API
takes a token, never the account's password.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from yms.accounts import access_tokens
from yms.accounts.domain import (
    API_TOKEN_DAYS,
    API_TOKEN_MAX_DAYS,
    Role,
    check_api_token_request,
)
from yms.kernel.errors import InvalidInputError, NotFoundError
from yms.platform.web import forms
from yms.platform.web.access import limited_account, require_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.forms import FieldError
from yms.platform.web.rendering import render

router = APIRouter(include_in_schema=False)


def _list_page(
    request: Request,
    account_id: str,
    errors: Mapping[str, object] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    ctx = context_of(request)
    return render(
        request,
        "accounts/tokens.html",
        status=400 if errors else 200,
        errors=errors or {},
        values=values or {"name": "", "days": str(API_TOKEN_DAYS)},
        tokens=access_tokens.tokens_of(ctx, account_id),
        now=ctx.clock.now(),
        max_days=API_TOKEN_MAX_DAYS,
    )


@router.get("/account/tokens")
def tokens_page(request: Request) -> Response:
    """The account's tokens, and the form to make one."""
    return _list_page(request, require_role(request, Role.APPLICANT))


@router.post("/account/tokens")
def make_token(request: Request) -> Response:
    """Make a token and show it, once."""
    form = csrf_form_in_thread(request)
    account_id = require_role(request, Role.APPLICANT)
    limited_account(request, "access-tokens", account_id)
    values = {"name": forms.text(form, "name"), "days": forms.text(form, "days")}
    errors: dict[str, object] = {}
    days = API_TOKEN_DAYS  # only to check the name by, when the days are not a number
    try:
        days = forms.whole_number(
            form, "days", forms._("the number of days"), maximum=API_TOKEN_MAX_DAYS
        )
    except FieldError as error:
        errors[error.field] = error.message
    try:  # every answer's problem at once, not the first only
        check_api_token_request(values["name"], days)
    except InvalidInputError as error:
        errors.update({problem.path: problem.message for problem in error.problems})
    if errors:  # in the order of the form's fields, as the summary lists them
        ordered = {field: errors[field] for field in values if field in errors}
        return _list_page(request, account_id, ordered, values)
    issued = access_tokens.create_access_token(
        context_of(request), account_id, name=values["name"], days=days
    )
    return render(request, "accounts/token_made.html", form=False, issued=issued)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: str) -> Response:
    """Revoke a token: it stops working at once."""
    csrf_form_in_thread(request)
    account_id = require_role(request, Role.APPLICANT)
    try:
        access_tokens.revoke_access_token(context_of(request), account_id, token_id[:64])
    except NotFoundError:
        return render(request, "errors/404.html", status=404, form=False)
    return RedirectResponse("/account/tokens", status_code=303)
