"""Your entries and invitations; accepting or declining an invitation to apply."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from yms.applications.domain.evidence import evidence_needed
from yms.applications.services import drafts
from yms.applications.services.cases import ApplicationView, applications_of
from yms.applications.web import evidence_name, fee_lines
from yms.applications.web.direct import applying_as
from yms.ballot.services.entries import entries_of
from yms.ballot.services.invitations import respond
from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.clock import today
from yms.platform.web import forms
from yms.platform.web.access import require_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.forms import FieldError, _
from yms.platform.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/applications")
def overview(request: Request) -> Response:
    """Every entry of this account, its result, and its invitation if any."""
    account_id = require_role(request, "applicant")
    ctx = context_of(request)
    applications = _applications(request, account_id)
    return render(
        request,
        "applications/overview.html",
        entries=entries_of(ctx, account_id),
        applications=applications,
        # An accepted invitation leads to its application: continued while a draft, seen after.
        by_invitation={a.invitation_ref: a for a in applications if a.invitation_ref},
    )


def _applications(request: Request, account_id: str) -> list[ApplicationView]:
    return applications_of(context_of(request), account_id)


def _mine(request: Request, account_id: str, invitation_ref: str) -> object:
    for entry in entries_of(context_of(request), account_id):
        if entry.invitation_ref == invitation_ref.upper():
            return entry
    return None


def _invitation(
    request: Request,
    account_id: str,
    entry: object,
    errors: dict[str, str] | None = None,
) -> Response:
    """The invitation: the scheme, the deadline, what applying costs and what it needs."""
    ctx = context_of(request)
    ref = getattr(entry, "invitation_ref", "")
    scheme, arrangement = drafts.invitation_terms(ctx, account_id, ref)
    bill, total = fee_lines(arrangement, today(ctx.clock))
    return render(
        request,
        "applications/invitation.html",
        status=400 if errors else 200,
        errors=errors or {},
        entry=entry,
        scheme=scheme,
        applying_as=applying_as(scheme, arrangement),
        host=scheme.party_place(arrangement.host),
        months=arrangement.leave.months,
        bill=bill,
        total=total,
        needed=[evidence_name(kind) for kind in evidence_needed(arrangement)],
    )


@router.get("/invitations/{invitation_ref}")
def invitation_page(request: Request, invitation_ref: str) -> Response:
    """Do you want to accept this invitation?"""
    account_id = require_role(request, "applicant")
    entry = _mine(request, account_id, invitation_ref)
    if entry is None:
        return render(request, "errors/404.html", status=404, form=False)
    return _invitation(request, account_id, entry)


@router.post("/invitations/{invitation_ref}")
def answer_invitation(request: Request, invitation_ref: str) -> Response:
    """Accept (then apply) or decline."""
    form = csrf_form_in_thread(request)
    account_id = require_role(request, "applicant")
    entry = _mine(request, account_id, invitation_ref)
    if entry is None:
        return render(request, "errors/404.html", status=404, form=False)
    try:
        accept = forms.yes_no(form, "accept", _("Select yes if you want to accept the invitation"))
    except FieldError as error:
        return _invitation(request, account_id, entry, {error.field: error.message})
    try:
        respond(context_of(request), invitation_ref, accept=accept, account_id=account_id)
    except (RefusedError, NotFoundError) as error:
        return render(request, "ballots/refused.html", status=409, form=False, reason=str(error))
    if accept:
        return RedirectResponse(f"/apply/{invitation_ref.upper()}", status_code=303)
    return RedirectResponse("/applications", status_code=303)
