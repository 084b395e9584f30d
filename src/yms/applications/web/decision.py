"""The applicant's side of a decision: a reply with evidence, the letter, a review (YMS 6.1, 6.2).

Replying to a request for evidence sends the case back to the caseworker; the
decision letter gives the permission or the reasons; a refusal may be reviewed.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from yms.applications.domain.decisions import written_reason
from yms.applications.domain.evidence import FURTHER, MAX_BYTES
from yms.applications.domain.states import ApplicationState
from yms.applications.services import cases, decisions
from yms.applications.services.cases import ApplicationView
from yms.applications.services.evidence import add_evidence
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.platform.web.access import require_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form, csrf_form_in_thread
from yms.platform.web.forms import _, text
from yms.platform.web.rendering import render
from yms.status import services as status

router = APIRouter(include_in_schema=False)
# A reply may carry one file, as an upload while applying may.
BODY_LIMITS = {"/applications/{case_ref}/reply": MAX_BYTES + 1024 * 1024}
FILE_FIELD = f"evidence-{FURTHER}"


def _load(request: Request, case_ref: str) -> tuple[str, ApplicationView]:
    """The signed-in applicant's id and application; anyone else's is the 404 page."""
    account_id = require_role(request, "applicant")
    try:
        return account_id, cases.view(context_of(request), account_id, case_ref)
    except NotFoundError:
        raise HTTPException(status_code=404) from None


def _back(application: ApplicationView, query: str = "") -> RedirectResponse:
    return RedirectResponse(f"/applications/{application.case_ref}{query}", status_code=303)


def asked_for(application: ApplicationView) -> str:
    """What the caseworker last asked the applicant to send."""
    asked = [event.text for event in application.events if event.kind == "evidence_requested"]
    return asked[-1] if asked else ""


def reviewed(application: ApplicationView) -> bool:
    """Whether a review of the refusal has been decided (none is asked for twice)."""
    return any(event.kind == "review_decided" for event in application.events)


# --- replying to a request for evidence ----------------------------------------------------------


def _reply_page(
    request: Request,
    application: ApplicationView,
    *,
    errors: dict[str, str] | None = None,
    reply: str = "",
) -> Response:
    return render(
        request,
        "applications/reply.html",
        status=400 if errors else 200,
        errors=errors or {},
        application=application,
        asked=asked_for(application),
        reply=reply,
        file_field=FILE_FIELD,
    )


@router.get("/applications/{case_ref}/reply")
def reply_page(request: Request, case_ref: str) -> Response:
    """What the caseworker asked for, and a reply with an optional file."""
    _account, application = _load(request, case_ref)
    if application.state is not ApplicationState.AWAITING_EVIDENCE:
        return _back(application)
    return _reply_page(request, application)


@router.post("/applications/{case_ref}/reply")
async def reply(request: Request, case_ref: str) -> Response:
    """Send the reply (and its file, kept first): the case goes back to the caseworker."""
    form = await csrf_form(request)
    try:
        return await _reply(request, form, case_ref)
    finally:
        await form.close()  # the upload's temporary file


async def _reply(request: Request, form: FormData, case_ref: str) -> Response:
    account_id, application = _load(request, case_ref)
    if application.state is not ApplicationState.AWAITING_EVIDENCE:
        return _back(application)
    ctx = context_of(request)
    words = text(form, "reply")
    upload = form.get(FILE_FIELD)
    try:
        # The words are checked before a file is kept, so a reply refused keeps no file.
        written_reason(words, field="reply", missing="Enter your reply")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_BYTES + 1)
            add_evidence(
                ctx, account_id, case_ref, kind=FURTHER, filename=upload.filename, data=data
            )
        decisions.reply_with_evidence(ctx, account_id, case_ref, reply=words)
    except InvalidInputError as error:
        errors = {p.path: _(p.message) for p in error.problems}
        return _reply_page(request, application, errors=errors, reply=words)
    except RefusedError:
        return _back(application)
    return _back(application, "?replied=yes")


# --- asking for an administrative review ---------------------------------------------------------


def _review_page(
    request: Request,
    application: ApplicationView,
    *,
    errors: dict[str, str] | None = None,
    grounds: str = "",
) -> Response:
    return render(
        request,
        "applications/review.html",
        status=400 if errors else 200,
        errors=errors or {},
        application=application,
        grounds=grounds,
    )


@router.get("/applications/{case_ref}/review")
def review_page(request: Request, case_ref: str) -> Response:
    """Ask for an administrative review of a refusal: why it is wrong (YMS 6.2)."""
    _account, application = _load(request, case_ref)
    if application.state is not ApplicationState.REFUSED or reviewed(application):
        return _back(application)
    return _review_page(request, application)


@router.post("/applications/{case_ref}/review")
def ask_for_review(request: Request, case_ref: str) -> Response:
    """Ask for the review; a senior caseworker who took no part in the refusal decides it."""
    form = csrf_form_in_thread(request)
    account_id, application = _load(request, case_ref)
    grounds = text(form, "grounds")
    try:
        decisions.request_review(context_of(request), account_id, case_ref, grounds=grounds)
    except InvalidInputError as error:
        errors = {p.path: _(p.message) for p in error.problems}
        return _review_page(request, application, errors=errors, grounds=grounds)
    except RefusedError as error:
        return _review_page(request, application, errors={"grounds": str(error)}, grounds=grounds)
    return _back(application, "?review=asked")


# --- the decision letter -----------------------------------------------------------------------


@router.get("/applications/{case_ref}/decision")
def decision_letter(request: Request, case_ref: str) -> Response:
    """The decision as a letter: the permission and its conditions, or the reasons for refusal."""
    account_id = require_role(request, "applicant")
    ctx = context_of(request)
    try:
        letter = decisions.decision_letter(ctx, account_id, case_ref)
    except NotFoundError:
        raise HTTPException(status_code=404) from None
    scheme = ctx.catalogue.get(letter.scheme_id, letter.scheme_version)
    return render(
        request,
        "applications/decision.html",
        form=False,
        letter=letter,
        scheme=scheme,
        given=status.status_of_case(ctx, letter.case_ref),
    )
