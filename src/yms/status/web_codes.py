"""The holder's share codes: make one for a purpose, see each with its checks, revoke one.

A code is shown whole once, on the page that makes it: only its keyed hash is
kept, so no page can show it again (the list shows its last three characters).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.clock import today
from yms.platform.web import forms
from yms.platform.web.access import require_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.forms import FieldError, _
from yms.platform.web.rendering import render
from yms.status import services, sharing
from yms.status.domain.share_codes import PURPOSE_NAMES, Purpose

router = APIRouter(include_in_schema=False)
HOLDER = "applicant"  # a status is held by the applicant account it was granted to


def _in_force(request: Request, account_id: str) -> list[services.StatusView]:
    """The holder's statuses a code can prove: not revoked, and not ended.

    A status whose leave starts later counts: an employer or a landlord checks before
    the first day, and the answer says when the leave starts.
    """
    ctx = context_of(request)
    day = today(ctx.clock)
    return [
        status
        for status in services.statuses_of(ctx, account_id)
        if status.revoked_at is None and day <= status.validity.valid_until
    ]


def _not_found(request: Request) -> Response:
    return render(request, "errors/404.html", status=404, form=False)


@router.get("/share-codes")
def codes_page(request: Request) -> Response:
    """Every code the holder made, each with who checked it and when."""
    account_id = require_role(request, HOLDER)
    ctx = context_of(request)
    return render(
        request,
        "share_codes/list.html",
        codes=sharing.codes_of(ctx, account_id),
        can_make=bool(_in_force(request, account_id)),
        now=ctx.clock.now(),
        purposes={purpose: _(name) for purpose, name in PURPOSE_NAMES.items()},
    )


def _new_page(
    request: Request,
    statuses: list[services.StatusView],
    errors: dict[str, object] | None = None,
    chosen: str = "",
) -> Response:
    return render(
        request,
        "share_codes/new.html",
        status=400 if errors else 200,
        errors=errors or {},
        options=[(p.value, _(PURPOSE_NAMES[p]), None) for p in Purpose],
        chosen=chosen,
        statuses=statuses,
    )


@router.get("/share-codes/new")
def new_code_page(request: Request) -> Response:
    """What is the code for?"""
    account_id = require_role(request, HOLDER)
    statuses = _in_force(request, account_id)
    if not statuses:
        return _not_found(request)
    return _new_page(request, statuses)


@router.post("/share-codes/new")
def new_code(request: Request) -> Response:
    """Make the code and show it, once."""
    form = csrf_form_in_thread(request)
    account_id = require_role(request, HOLDER)
    statuses = _in_force(request, account_id)
    if not statuses:
        return _not_found(request)
    try:
        purpose = forms.choice(
            form,
            "purpose",
            {p.value for p in Purpose},
            _("Select what you need the share code for"),
        )
    except FieldError as error:
        return _new_page(request, statuses, {error.field: error.message})
    status_ref = forms.text(form, "status") or statuses[0].status_ref
    try:
        issued = sharing.issue_share_code(
            context_of(request), account_id, status_ref, Purpose(purpose)
        )
    except (NotFoundError, RefusedError):
        return _not_found(request)
    return render(
        request,
        "share_codes/created.html",
        form=False,
        issued=issued,
        purpose=_(PURPOSE_NAMES[issued.code.purpose]),
    )


def _code_id(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None  # noqa: PLR2004 - an int column's digits


@router.get("/share-codes/{code_id}/revoke")
def revoke_page(request: Request, code_id: str) -> Response:
    """Are you sure you want to cancel this share code?"""
    account_id = require_role(request, HOLDER)
    number = _code_id(code_id)
    try:
        code = sharing.code_of(context_of(request), account_id, number if number else -1)
    except NotFoundError:
        return _not_found(request)
    return render(
        request,
        "share_codes/revoke.html",
        code=code,
        purpose=_(PURPOSE_NAMES[code.purpose]),
    )


@router.post("/share-codes/{code_id}/revoke")
def revoke(request: Request, code_id: str) -> Response:
    """Cancel the code: it stops working at once."""
    form = csrf_form_in_thread(request)
    account_id = require_role(request, HOLDER)
    number = _code_id(code_id)
    ctx = context_of(request)
    try:
        code = sharing.code_of(ctx, account_id, number if number else -1)
    except NotFoundError:
        return _not_found(request)
    try:
        confirmed = forms.yes_no(
            form, "confirm", _("Select yes if you want to cancel this share code")
        )
    except FieldError as error:
        return render(
            request,
            "share_codes/revoke.html",
            status=400,
            errors={error.field: error.message},
            code=code,
            purpose=_(PURPOSE_NAMES[code.purpose]),
        )
    if confirmed:
        sharing.revoke_share_code(ctx, account_id, code.id)
    return RedirectResponse("/share-codes", status_code=303)
