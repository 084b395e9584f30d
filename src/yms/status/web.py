"""The holder's pages: the statuses a grant gave them, in plain words.

Share codes, and the verifier's side, join this router as they come.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from yms.accounts.domain import Role
from yms.platform.clock import today
from yms.platform.web.access import require_role
from yms.platform.web.context import context_of
from yms.platform.web.rendering import render
from yms.status import services

router = APIRouter(include_in_schema=False)


@router.get("/status")
def statuses(request: Request) -> Response:
    """Every status the signed-in holder has: who, which scheme, when, on what terms."""
    holder_id = require_role(request, Role.APPLICANT)
    ctx = context_of(request)
    held = services.statuses_of(ctx, holder_id)
    return render(
        request,
        "status/list.html",
        form=False,
        statuses=[
            (status, ctx.catalogue.get(status.scheme_id, status.scheme_version)) for status in held
        ],
        today=today(ctx.clock),
    )
