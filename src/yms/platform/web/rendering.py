"""Rendering a page: the template, the request's session, and its CSRF token."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from yms.platform.web.access import account_home
from yms.platform.web.session_middleware import visit_of
from yms.platform.web.templating import environment


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """The page `template` with `context`; pages with forms get the session's CSRF token."""
    visit = visit_of(request)
    context.setdefault("errors", {})
    context["request_path"] = request.url.path
    context["signed_in"] = visit.account_id is not None
    context["account_home"] = account_home(request)
    wants_form = context.pop("form", True)
    if "csrf_token" not in context:
        session = visit.ensure() if wants_form else visit.session
        context["csrf_token"] = session.csrf_token if session else ""
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status)
