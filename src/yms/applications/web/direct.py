"""Applying without a ballot: choose the arrangement, see the fee and what is needed, start.

Most nationalities of the UK scheme, and every uncapped arrangement, need no
invitation: an applicant starts here, from an eligible result or their account.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from yms.accounts import services as accounts
from yms.applications.domain.evidence import evidence_needed
from yms.applications.services import drafts
from yms.applications.web import evidence_name, fee_lines
from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.clock import today
from yms.platform.web.access import require_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.forms import _
from yms.platform.web.rendering import render
from yms.schemes.domain.scheme import Arrangement, Scheme, SchemeStatus

router = APIRouter(include_in_schema=False)


def applying_as(scheme: Scheme, arrangement: Arrangement) -> str:
    """How the applicant is named: a national of Australia, or a British National (Overseas)."""
    name = scheme.party_name(arrangement.nationality)
    if arrangement.nationality.startswith("GB-"):
        return _("a {category}").format(category=name)
    return _("a national of {country}").format(country=name)


def _choices(request: Request) -> list[tuple[Scheme, list[tuple[Arrangement, str]]]]:
    """Every arrangement one may apply for today without a ballot, by scheme."""
    ctx = context_of(request)
    on = today(ctx.clock)
    found = []
    for scheme_id in ctx.catalogue.ids_in_force_first():
        scheme = ctx.catalogue.latest(scheme_id)
        if not scheme.in_force_on(on) or scheme.status is not SchemeStatus.IN_FORCE:
            continue
        direct = [
            (arrangement, applying_as(scheme, arrangement))
            for arrangement in scheme.arrangements
            if arrangement.requirements.invitation is None
        ]
        found.append((scheme, sorted(direct, key=lambda pair: pair[1])))
    return found


def _unconfirmed(request: Request, account_id: str) -> Response | None:
    """The page to confirm the e-mail address first (with a new link), if it is not confirmed."""
    try:
        accounts.require_confirmed(context_of(request), account_id, to="apply")
    except RefusedError as error:
        return render(
            request, "accounts/confirm_first.html", status=403, form=False, reason=str(error)
        )
    return None


@router.get("/apply/new")
def new(request: Request, scheme: str = "", arrangement: str = "") -> Response:
    """Which arrangement (if not given), then its fee, itemised, and what you will need."""
    unconfirmed = _unconfirmed(request, require_role(request, "applicant"))
    if unconfirmed is not None:
        return unconfirmed
    if not scheme or not arrangement:
        return render(request, "apply/choose.html", form=False, choices=_choices(request))
    try:
        chosen_scheme, chosen = drafts.direct_arrangement(context_of(request), scheme, arrangement)
    except NotFoundError:
        raise HTTPException(status_code=404) from None
    except RefusedError as error:
        return render(request, "apply/cannot_start.html", status=409, form=False, reason=str(error))
    bill, total = fee_lines(chosen, today(context_of(request).clock))
    return render(
        request,
        "apply/start.html",
        scheme=chosen_scheme,
        arrangement=chosen,
        applying_as=applying_as(chosen_scheme, chosen),
        host=chosen_scheme.party_place(chosen.host),
        bill=bill,
        total=total,
        needed=[evidence_name(kind) for kind in evidence_needed(chosen)],
    )


@router.post("/apply/new")
def start(request: Request) -> Response:
    """Start the application (or carry on with the one in progress)."""
    form = csrf_form_in_thread(request)
    account_id = require_role(request, "applicant")
    unconfirmed = _unconfirmed(request, account_id)
    if unconfirmed is not None:
        return unconfirmed
    try:
        case_ref = drafts.start_direct(
            context_of(request),
            account_id,
            str(form.get("scheme", "")),
            str(form.get("arrangement", "")),
        )
    except NotFoundError:
        raise HTTPException(status_code=404) from None
    except RefusedError as error:
        return render(request, "apply/cannot_start.html", status=409, form=False, reason=str(error))
    return RedirectResponse(f"/applications/{case_ref}/continue", status_code=303)
