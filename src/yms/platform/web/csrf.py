"""Form submissions: every POST carries the session's CSRF token, or is refused."""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.datastructures import FormData

from yms.platform.web.session_middleware import visit_of

MAX_FORM_FIELDS = 200
# One evidence file (10MB) and the form around it; bigger bodies are refused unread.
MAX_BODY_BYTES = 11 * 1024 * 1024


class TooLargeError(HTTPException):
    """The request body is over the limit."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="too large")


class CsrfError(HTTPException):
    """The form did not carry this session's token (an old tab, or another site)."""

    def __init__(self) -> None:
        super().__init__(status_code=400, detail="csrf")


async def csrf_form(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token against the session's."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
        raise TooLargeError
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=2)
    if not visit_of(request).check_csrf(form.get("csrf_token")):
        raise CsrfError
    return form
