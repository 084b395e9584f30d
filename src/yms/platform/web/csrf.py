"""Form submissions: every POST carries the session's CSRF token, or is refused."""

from __future__ import annotations

import anyio.from_thread
from fastapi import HTTPException, Request
from starlette.datastructures import FormData

from yms.platform.web.session_middleware import visit_of

MAX_FORM_FIELDS = 200


class CsrfError(HTTPException):
    """The form did not carry this session's token (an old tab, or another site)."""

    def __init__(self) -> None:
        super().__init__(status_code=400, detail="csrf")


async def csrf_form(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token against the session's.

    Its size is `BodyLimitMiddleware`'s to limit, as the body streams in.
    """
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=2)
    if not visit_of(request).check_csrf(form.get("csrf_token")):
        raise CsrfError
    return form


def csrf_form_in_thread(request: Request) -> FormData:
    """`csrf_form` for a plain (sync) handler, which Starlette runs in the thread pool.

    A handler that reads a form and then calls the services (the database, Argon2)
    should be a plain function calling this, rather than ``async def`` awaiting
    `csrf_form`: an ``async def`` handler runs on the event loop, and every
    blocking call in it holds up every other request of the process.
    """
    return anyio.from_thread.run(csrf_form, request)
