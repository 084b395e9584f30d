"""The operator's emergency brakes: which hold, and releasing one (an audited act)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from yms.accounts.domain import Role
from yms.applications.services import places
from yms.kernel.errors import NotFoundError
from yms.platform.web.access import require_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.forms import _, text
from yms.platform.web.rendering import render

router = APIRouter(prefix="/operator", include_in_schema=False)


def _page(
    request: Request,
    operator_id: str,
    *,
    errors: dict[str, str] | None = None,
    released: str = "",
) -> Response:
    return render(
        request,
        "operator/brakes.html",
        status=400 if errors else 200,
        errors=errors or {},
        brakes=places.engaged_brakes(context_of(request), operator_id),
        released=released,
    )


@router.get("/brakes")
def brakes(request: Request, released: str = "") -> Response:
    """The emergency brakes that hold now, each with a way to release it."""
    operator_id = require_role(request, Role.OPERATOR)
    return _page(request, operator_id, released=released)


@router.post("/brakes/release")
def release(request: Request) -> Response:
    """Release one brake, once the operator has confirmed it: grants resume for its period."""
    form = csrf_form_in_thread(request)
    operator_id = require_role(request, Role.OPERATOR)
    scheme_id, allocation_id, period = (
        text(form, "scheme"),
        text(form, "allocation"),
        text(form, "period"),
    )
    field = f"confirm-{scheme_id}-{allocation_id}-{period}"
    if text(form, "confirm") != "yes":
        message = _("Confirm that grants to {allocation} may resume").format(
            allocation=allocation_id
        )
        return _page(request, operator_id, errors={field: message})
    try:
        places.release_brake(
            context_of(request), scheme_id, allocation_id, period, operator_id=operator_id
        )
    except NotFoundError:
        raise HTTPException(status_code=404) from None
    return RedirectResponse(f"/operator/brakes?released={allocation_id}", status_code=303)
