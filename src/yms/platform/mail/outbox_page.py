"""The operator's pages: for now, the outbox of e-mails the service would have sent."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from yms.platform.mail.outbox import OutboxSender
from yms.platform.web.access import require_role
from yms.platform.web.context import context_of
from yms.platform.web.rendering import render

router = APIRouter(prefix="/operator", include_in_schema=False)


@router.get("/outbox")
def outbox(request: Request) -> Response:
    """The latest e-mails, as GOV.UK Notify would have sent them."""
    require_role(request, "operator")
    mailer = context_of(request).mail
    messages = mailer.messages() if isinstance(mailer, OutboxSender) else []
    return render(request, "operator/outbox.html", messages=messages)
